// The kernel wall around a renderer: a child forked here applies, before it execs the program,
// PR_SET_NO_NEW_PRIVS, a Landlock domain (reads only beneath the paths given, writes only beneath the
// writable ones, no TCP) and a seccomp filter (no socket but AF_UNIX, no io_uring). Between fork and
// exec only system calls run: the parent prepares every byte the child needs.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "CProcess.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#define __NR_io_uring_enter 426
#define __NR_io_uring_register 427
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif

#if defined(__x86_64__)
#define LM_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LM_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#define LM_AUDIT_ARCH 0
#endif

// Landlock's ABI (include/uapi/linux/landlock.h), written out so that older headers build it.
#define LM_CREATE_RULESET_VERSION (1U << 0)
#define LM_RULE_PATH_BENEATH 1
#define LM_FS_EXECUTE (1ULL << 0)
#define LM_FS_WRITE_FILE (1ULL << 1)
#define LM_FS_READ_FILE (1ULL << 2)
#define LM_FS_READ_DIR (1ULL << 3)
#define LM_NET_BIND_TCP (1ULL << 0)
#define LM_NET_CONNECT_TCP (1ULL << 1)
#define LM_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LM_SCOPE_SIGNAL (1ULL << 1)

struct lm_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct lm_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int lockmaster_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LM_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

int lockmaster_seccomp_available(void) {
    if (LM_AUDIT_ARCH == 0) return 0;
    // PR_GET_SECCOMP answers 0 (not filtered), 2 (filtered, more filters may be added) or fails with
    // EINVAL on a kernel built without seccomp.
    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 ? 1 : 0;
}

/// Every file-system right the ABI knows (ABI 1: 13 rights; 2: REFER; 3: TRUNCATE; 5: IOCTL_DEV).
static uint64_t handled_fs(int abi) {
    uint64_t rights = (1ULL << 13) - 1;
    if (abi >= 2) rights |= 1ULL << 13;
    if (abi >= 3) rights |= 1ULL << 14;
    if (abi >= 5) rights |= 1ULL << 15;
    return rights;
}

static int add_path(int ruleset, const char *path, uint64_t rights) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return -1;
    struct lm_path_beneath_attr attr = {.allowed_access = rights, .parent_fd = fd};
    long result = syscall(__NR_landlock_add_rule, ruleset, LM_RULE_PATH_BENEATH, &attr, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return result < 0 ? -1 : 0;
}

int lockmaster_landlock_ruleset(int abi, const char *const *readable, int readable_count, const char *const *writable, int writable_count,
                                const char *const *devices, int device_count, int *failed_index) {
    *failed_index = -1;
    uint64_t fs = handled_fs(abi);
    struct lm_ruleset_attr attr = {.handled_access_fs = fs, .handled_access_net = 0, .scoped = 0};
    size_t size = offsetof(struct lm_ruleset_attr, handled_access_net);
    if (abi >= 4) {
        attr.handled_access_net = LM_NET_BIND_TCP | LM_NET_CONNECT_TCP;
        size = offsetof(struct lm_ruleset_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = LM_SCOPE_ABSTRACT_UNIX_SOCKET | LM_SCOPE_SIGNAL;
        size = sizeof(attr);
    }
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (ruleset < 0) return -1;
    // A rule on a file may hold file rights only: READ_DIR on a regular file is EINVAL.
    uint64_t read_tree = LM_FS_EXECUTE | LM_FS_READ_FILE | LM_FS_READ_DIR;
    uint64_t read_file = LM_FS_EXECUTE | LM_FS_READ_FILE;
    uint64_t device = LM_FS_READ_FILE | LM_FS_WRITE_FILE | (abi >= 3 ? (1ULL << 14) : 0);
    for (int i = 0; i < readable_count; i++) {
        int probe = open(readable[i], O_PATH | O_CLOEXEC | O_DIRECTORY);
        uint64_t rights = probe >= 0 ? read_tree : read_file;
        if (probe >= 0) close(probe);
        if (add_path(ruleset, readable[i], rights) < 0) { *failed_index = i; goto fail; }
    }
    for (int i = 0; i < writable_count; i++) {
        if (add_path(ruleset, writable[i], fs) < 0) { *failed_index = readable_count + i; goto fail; }
    }
    for (int i = 0; i < device_count; i++) {
        if (add_path(ruleset, devices[i], device) < 0) { *failed_index = readable_count + writable_count + i; goto fail; }
    }
    return ruleset;
fail:;
    int saved = errno;
    close(ruleset);
    errno = saved;
    return -1;
}

// The seccomp program: a foreign architecture is killed, x32 system calls and io_uring are refused,
// socket() and socketpair() are refused unless their domain is AF_UNIX.
#define LM_ERRNO(code) (SECCOMP_RET_ERRNO | ((code) & SECCOMP_RET_DATA))
#if defined(__x86_64__)
#define LM_SOCKET 41
#define LM_SOCKETPAIR 53
#elif defined(__aarch64__)
#define LM_SOCKET 198
#define LM_SOCKETPAIR 199
#else
#define LM_SOCKET -1
#define LM_SOCKETPAIR -1
#endif

static struct sock_filter filter_code[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LM_AUDIT_ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, LM_ERRNO(ENOSYS)),
#else
    BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
    BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
#endif
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, LM_ERRNO(ENOSYS)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_enter, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, LM_ERRNO(ENOSYS)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_register, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, LM_ERRNO(ENOSYS)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LM_SOCKET, 1, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LM_SOCKETPAIR, 0, 3),
    // args[0], the domain: its low 32 bits (an int).
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 2),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, LM_ERRNO(EACCES)),
};

/// Writes what failed and why to the status pipe, then ends the child.
static void fail_child(int status_fd, int stage) {
    int record[2] = {stage, errno};
    ssize_t ignored = write(status_fd, record, sizeof(record));
    (void)ignored;
    _exit(127);
}

/// Maps this process's user and group to themselves in a new user namespace (no privilege gained).
static int write_map(const char *path, const char *text, size_t length) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t written = write(fd, text, length);
    close(fd);
    return written == (ssize_t)length ? 0 : -1;
}

static size_t format_map(char *buffer, unsigned id) {
    // "ID ID 1\n" without printf (not async-signal-safe).
    char digits[16];
    int count = 0;
    do { digits[count++] = (char)('0' + id % 10); id /= 10; } while (id && count < 15);
    size_t length = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = count - 1; i >= 0; i--) buffer[length++] = digits[i];
        buffer[length++] = ' ';
    }
    buffer[length++] = '1';
    buffer[length++] = '\n';
    return length;
}

/// A network namespace of its own where the kernel allows one: an extra layer, never the only one.
static int enter_network_namespace(void) {
    if (geteuid() == 0) return unshare(CLONE_NEWNET) == 0;
    unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) return 0;
    char map[40];
    size_t length;
    write_map("/proc/self/setgroups", "deny", 4);
    length = format_map(map, uid);
    if (write_map("/proc/self/uid_map", map, length) != 0) return 0;
    length = format_map(map, gid);
    if (write_map("/proc/self/gid_map", map, length) != 0) return 0;
    return 1;
}

pid_t lockmaster_spawn_confined(const char *path, char *const argv[], char *const envp[], const char *directory, int stdin_fd, int stdout_fd,
                                int stderr_fd, int ruleset_fd, int network_namespace, int *layers, int *stage, int *error) {
    *stage = 0;
    *error = 0;
    *layers = 0;
    int status[2];
    if (pipe2(status, O_CLOEXEC) != 0) { *stage = LOCKMASTER_STAGE_PIPE; *error = errno; return -1; }
    struct sock_fprog program = {.len = (unsigned short)(sizeof(filter_code) / sizeof(filter_code[0])), .filter = filter_code};
    sigset_t all, previous;
    sigfillset(&all);
    // No signal handler of this process may run in the child before exec.
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        close(status[0]);
        for (int signal_number = 1; signal_number < NSIG; signal_number++) {
            if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
            struct sigaction action;
            memset(&action, 0, sizeof(action));
            action.sa_handler = SIG_DFL;
            sigaction(signal_number, &action, NULL);
        }
        // Descriptors 0-2 first: the pipes may sit at any number, the status pipe among them.
        int in = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (in < 0 || dup2(in, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) fail_child(status[1], LOCKMASTER_STAGE_DESCRIPTORS);
        // Everything else closes at exec (the status pipe and the ruleset are needed until then).
        if (syscall(__NR_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) != 0) {
            for (int fd = 3; fd < 65536; fd++) {
                if (fd != status[1] && fd != ruleset_fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
        }
        if (directory && chdir(directory) != 0) fail_child(status[1], LOCKMASTER_STAGE_DIRECTORY);
        int applied = 0;
        if (network_namespace && enter_network_namespace()) applied |= LOCKMASTER_LAYER_NETWORK_NAMESPACE;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail_child(status[1], LOCKMASTER_STAGE_NO_NEW_PRIVS);
        if (ruleset_fd >= 0) {
            if (syscall(__NR_landlock_restrict_self, ruleset_fd, 0) != 0) fail_child(status[1], LOCKMASTER_STAGE_LANDLOCK);
            applied |= LOCKMASTER_LAYER_LANDLOCK;
        }
        if (LM_AUDIT_ARCH == 0) { errno = ENOSYS; fail_child(status[1], LOCKMASTER_STAGE_SECCOMP); }
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0) != 0) fail_child(status[1], LOCKMASTER_STAGE_SECCOMP);
        applied |= LOCKMASTER_LAYER_SECCOMP;
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
        int record[2] = {0, applied};
        ssize_t ignored = write(status[1], record, sizeof(record));
        (void)ignored;
        // A program just written may still be open for writing in a child another thread is spawning.
        for (int attempt = 0; attempt < 20; attempt++) {
            execve(path, argv, envp);
            if (errno != ETXTBSY) break;
            struct timespec pause = {0, 10000000};
            nanosleep(&pause, NULL);
        }
        fail_child(status[1], LOCKMASTER_STAGE_EXEC);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(status[1]);
    if (pid < 0) {
        close(status[0]);
        *stage = LOCKMASTER_STAGE_FORK;
        *error = fork_error;
        return -1;
    }
    // The layers record, then either end of file (exec succeeded) or a failure record.
    int record[2];
    ssize_t got = 0;
    int failed = 0;
    for (;;) {
        ssize_t count = read(status[0], record, sizeof(record));
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        got += count;
        if (count != sizeof(record)) { failed = 1; *stage = LOCKMASTER_STAGE_EXEC; *error = EIO; break; }
        if (record[0] == 0) {
            *layers = record[1];
        } else {
            failed = 1;
            *stage = record[0];
            *error = record[1];
        }
    }
    close(status[0]);
    if (got == 0 && !failed) { *stage = LOCKMASTER_STAGE_EXEC; *error = ECHILD; failed = 1; }
    if (failed) {
        int ignored;
        while (waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {}
        return -1;
    }
    return pid;
}
