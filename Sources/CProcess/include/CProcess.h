// GNU extensions that Swift's Glibc module does not export: Lockmaster's process runner needs
// close-on-exec pipes created atomically and a per-child working directory for posix_spawn.
#ifndef LOCKMASTER_CPROCESS_H
#define LOCKMASTER_CPROCESS_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec, with no window for another thread's spawn.
int lockmaster_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child changes directory before exec.
int lockmaster_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor from `from` up, so no
/// file this process has open (a script being written, say) leaks into it.
int lockmaster_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
