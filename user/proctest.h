/* proctest.h: shared helpers for the process-creation tests (t_spawn, t_vfork, ...):
 * raw syscalls that return -errno, finding helper programs beside the test, and
 * running and waiting for children. Include after test.h. */
#pragma once
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>

/* A syscall without libc: the kernel's return value as is (negative errno). */
static inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5,
                                long a6)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define raw_syscall1(n, a)       raw_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define raw_syscall2(n, a, b)    raw_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define raw_syscall3(n, a, b, c) raw_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define raw_syscall4(n, a, b, c, d)                                                      \
    raw_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* The directory the test was started from (helpers live beside it), and the path
 * of the test program itself. */
static char proctest_dir[256] = "/bin";
static char *proctest_self;

/* The path of helper program `name`, in a fresh string that lives until exit. */
static inline char *helper_path(const char *name)
{
    size_t n = strlen(proctest_dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p)
        _exit(98);
    snprintf(p, n, "%s/%s", proctest_dir, name);
    return p;
}

/* Remember argv[0]'s directory; with no slash in argv[0], helpers are in /bin. */
static inline void proctest_init(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    if (slash) {
        size_t n = slash - argv0;
        if (n == 0)
            n = 1; /* "/prog": the root directory */
        if (n >= sizeof proctest_dir)
            n = sizeof proctest_dir - 1;
        memcpy(proctest_dir, argv0, n);
        proctest_dir[n] = 0;
    }
    proctest_self = helper_path(slash ? slash + 1 : argv0);
}

/* Describe a wait status for failure messages. */
static inline const char *status_str(int st)
{
    static char buf[4][48];
    static int next;
    char *b = buf[next++ % 4];
    if (st == -1)
        snprintf(b, sizeof buf[0], "no status (wait failed)");
    else if (WIFEXITED(st))
        snprintf(b, sizeof buf[0], "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(b, sizeof buf[0], "killed by signal %d", WTERMSIG(st));
    else
        snprintf(b, sizeof buf[0], "status 0x%x", st);
    return b;
}

/* Wait for child pid; its status, or -1 if waitpid failed. */
static inline int wait_status(pid_t pid)
{
    int st;
    pid_t r;
    do
        r = waitpid(pid, &st, 0);
    while (r == -1 && errno == EINTR);
    return r == pid ? st : -1;
}

/* posix_spawn path with argv/envp and wait for it. Returns the wait status, or -1
 * with *spawn_err set to posix_spawn's error. */
static inline int spawn_wait(const char *path, char *const argv[], char *const envp[],
                             int *spawn_err)
{
    pid_t pid;
    int err = posix_spawn(&pid, path, NULL, NULL, argv, envp);
    if (spawn_err)
        *spawn_err = err;
    return err ? -1 : wait_status(pid);
}

/* Check that status st says "exited with code". */
static inline void check_exited(const char *name, int st, int code)
{
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == code)
        pass(name);
    else
        fail(name, "expected exited %d, got %s", code, status_str(st));
}

/* Check that status st says "killed by signal sig". */
static inline void check_signaled(const char *name, int st, int sig)
{
    if (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig)
        pass(name);
    else
        fail(name, "expected killed by signal %d (%s), got %s", sig, strsignal(sig),
             status_str(st));
}

/* Read from fd until EOF or `size` bytes; the count read, or -1 on error. */
static inline long read_all(int fd, void *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, (char *)buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += n;
    }
    return got;
}

/* argecho's report format: "<count>\0" then each string with its NUL. Writes to out
 * (if not NULL) and returns the length; argecho packs argv then envp this way, and a
 * test packs what it passed the same way, so the two compare byte for byte. */
static inline size_t pack_strings(char *const v[], char *out)
{
    size_t count = 0, len;
    while (v[count])
        count++;
    char num[24];
    len = snprintf(num, sizeof num, "%zu", count) + 1;
    if (out)
        memcpy(out, num, len);
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(v[i]) + 1;
        if (out)
            memcpy(out + len, v[i], n);
        len += n;
    }
    return len;
}
