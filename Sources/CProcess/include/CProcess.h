// GNU extensions that Swift's Glibc module does not export, and the kernel wall around a renderer.
#ifndef LOCKMASTER_CPROCESS_H
#define LOCKMASTER_CPROCESS_H

#include <spawn.h>
#include <sys/types.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec, with no window for another thread's spawn.
int lockmaster_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child changes directory before exec.
int lockmaster_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor from `from` up, so no
/// file this process has open (a script being written, say) leaks into it.
int lockmaster_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// The Landlock ABI version this kernel offers (1, 2, …), or -errno (-ENOSYS: not built in,
/// -EOPNOTSUPP: built in but turned off at boot).
int lockmaster_landlock_abi(void);

/// 1 when seccomp filters can be installed here (a kernel with seccomp, a known architecture).
int lockmaster_seccomp_available(void);

/// A Landlock ruleset for `abi`: read and execute beneath each `readable` path (a directory or one
/// file), every right beneath each `writable` directory, read and write on each `devices` file; TCP
/// bind and connect handled and never granted (ABI 4+), abstract Unix sockets and signals scoped
/// (ABI 6+). Returns the ruleset's descriptor (close-on-exec), or -1 with errno and `failed_index`
/// (the path that could not be added, counted across the three lists; -1 for the ruleset itself).
int lockmaster_landlock_ruleset(int abi, const char *const *readable, int readable_count, const char *const *writable, int writable_count,
                                const char *const *devices, int device_count, int *failed_index);

/// Where a confined spawn failed.
enum {
    LOCKMASTER_STAGE_PIPE = 1,
    LOCKMASTER_STAGE_FORK = 2,
    LOCKMASTER_STAGE_DESCRIPTORS = 3,
    LOCKMASTER_STAGE_DIRECTORY = 4,
    LOCKMASTER_STAGE_NO_NEW_PRIVS = 5,
    LOCKMASTER_STAGE_LANDLOCK = 6,
    LOCKMASTER_STAGE_SECCOMP = 7,
    LOCKMASTER_STAGE_EXEC = 8,
};

/// The layers a confined child had in place when it exec'd.
enum {
    LOCKMASTER_LAYER_LANDLOCK = 1,
    LOCKMASTER_LAYER_SECCOMP = 2,
    LOCKMASTER_LAYER_NETWORK_NAMESPACE = 4,
};

/// Forks a child that takes `stdin_fd` (or /dev/null when -1), `stdout_fd` and `stderr_fd` as 0-2,
/// closes every other descriptor at exec, changes to `directory` (unless NULL), enters a network
/// namespace when `network_namespace` is set and the kernel allows it, sets no_new_privs, restricts
/// itself with `ruleset_fd` (unless -1), installs the seccomp filter, and execs `path`. Returns the
/// child's pid with `layers` set, or -1 with `stage` and `error` (errno) set, the child reaped.
pid_t lockmaster_spawn_confined(const char *path, char *const argv[], char *const envp[], const char *directory, int stdin_fd, int stdout_fd,
                                int stderr_fd, int ruleset_fd, int network_namespace, int *layers, int *stage, int *error);

#endif
