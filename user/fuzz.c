/* fuzz: a seeded system call fuzzer. Worker processes make system calls with hostile
 * arguments (NULL, kernel-half, non-canonical and unmapped pointers, huge lengths, bad
 * descriptors and flags); the parent restarts workers that die and kills those stuck
 * in a call. Passes if the kernel neither panics nor hangs, leaks nothing, and can
 * still start a program afterwards.
 *   fuzz [-s SEED] [-n CALLS] [-w WORKERS] [-t SECONDS] [-v] [-r WORKER:GEN]
 * -v prints each call before making it (on the console: the last line before a panic
 * is the culprit); -r replays one worker generation of a seed, alone, in the
 * foreground. On Linux it runs too, but only touches files in its own /tmp directory
 * and makes no call that could harm the host (no random system call numbers). */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include "kstat.h"
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#define MAX_WORKERS   16
#define GEN_CALLS     2000 /* calls per worker process before a fresh one takes over */
#define STUCK_MS      300  /* a worker whose count has not moved this long is killed */
#define UNKILLABLE_MS 5000 /* ... and must be gone this long after SIGKILL */
#define LOG_FD        63   /* -v: where a worker prints its calls */

/* --- the random numbers: splitmix64, seeded by (seed, worker, generation) ---------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15UL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return rnd() % n;
}

static void seed_worker(uint64_t seed, int worker, uint64_t gen)
{
    rng_state = seed ^ ((uint64_t)worker << 48) ^ (gen * 0x2545f4914f6cdd1dUL);
    rnd();
}

/* --- what the workers share with the parent (one MAP_SHARED page) ------------------ */

struct slot {
    volatile uint64_t calls;       /* calls started by this worker's current generation */
    volatile uint64_t nr, args[6]; /* the call in progress */
};

static struct slot *slots;

/* --- the hostile values ------------------------------------------------------------ */

static int on_lark;
static char scratch[64]; /* our directory under /tmp */
static char *rw_buf;     /* two writable pages, then an unmapped page */
static char *ro_page;    /* read-only: timespecs, iovecs, argv arrays, sigsets */
static char *none_page;  /* PROT_NONE */
static char *big_buf;    /* 64 KiB writable */
static pid_t last_child; /* the worker's latest child, for kill and wait4 */

/* Offsets of the prepared structures in ro_page. */
enum {
    RO_TIMESPECS = 0,    /* 8 struct timespec */
    RO_IOVECS = 256,     /* 4 iovecs */
    RO_ARGV_TRUE = 512,  /* {"/bin/true" (lark) or "a", NULL} */
    RO_ARGV_EMPTY = 544, /* {NULL} */
    RO_ARGV_BAD = 576,   /* {kernel pointer, NULL} */
    RO_SIGSETS = 640,    /* 0, all ones */
    RO_SIGACTIONS = 704, /* SIG_IGN, SIG_DFL, a random handler */
    RO_STRINGS = 1024,
    RO_ARGV_RUNS_OFF = 4096 - 16, /* a pointer array that runs off the page */
};

static const char *const lark_paths[] = {"/bin/true", "/bin",      "/",    "/proc/kstat",
                                         "/proc/ps",  "/dev/null", "/tmp", "/etc"};
/* Relative to the scratch directory (our working directory), so safe on any host. */
static const char *const scratch_names[] = {"a", "b", "d",         "d/x", "d/y/z",
                                            ".", "f", "missing/a", ""};

static uint64_t pick(const uint64_t *v, size_t n)
{
    return v[below(n)];
}
#define PICK(...)                                                                        \
    pick((const uint64_t[]){__VA_ARGS__}, sizeof((uint64_t[]){__VA_ARGS__}) / 8)

static uint64_t rand_noise(void)
{
    switch (below(4)) {
    case 0:
        return rnd();
    case 1:
        return rnd() & 0xffffffff;
    case 2:
        return rnd() & 0xff;
    default:
        return -(rnd() & 0xff);
    }
}

/* A pointer: mostly hostile, sometimes good. */
static uint64_t arg_ptr(void)
{
    uint64_t rw = (uint64_t)rw_buf;
    switch (below(20)) {
    case 0:
        return 0;
    case 1:
        return PICK(1, 0xfff, 0x10000, 0x7ffffffff000, 0x7fffffffffff, 0x7ffffffffff8);
    case 2:
        return PICK(0xffff800000000000, 0xffffffff80100000, 0xffffff0000001000,
                    0xffffffffffffffff, 0xffff800000000000 + (rnd() & 0xffffff000));
    case 3:
        return PICK(0x0000800000000000, 0x8000000000000000, 0xdead000000000000,
                    0x7fffffffffffffff);
    case 4:
        return rnd();
    case 5:
        return rnd() & 0x7fffffffffff; /* somewhere in user space, likely unmapped */
    case 6:
        return rw + 2 * 4096 - PICK(1, 8, 16, 100); /* runs off the end of the mapping */
    case 7:
        return (uint64_t)ro_page + below(4096);
    case 8:
        return (uint64_t)none_page;
    case 9:
        return (uint64_t)arg_ptr; /* our own code: read-only */
    case 10:
        return (uint64_t)big_buf;
    case 11:
        return (uint64_t)&slots[0]; /* the shared page: the parent must cope */
    default:
        return rw + below(4096);
    }
}

static uint64_t arg_len(void)
{
    switch (below(6)) {
    case 0:
        return PICK(0, 1, 7, 8, 16, 64, 144, 4096, 4097, 8192, 65536);
    case 1:
        return PICK(1UL << 20, 1UL << 31, 0x7fffffff, 0x80000000, 1UL << 47, ~0UL,
                    0x7fffffffffffffff, -4096UL);
    case 2:
        return rand_noise();
    default:
        return below(300);
    }
}

static uint64_t arg_fd(void)
{
    switch (below(5)) {
    case 0:
        return PICK(-1UL, 63, 64, 65, 1023, 1024, 0x7fffffff, 0x80000000,
                    -100UL /* AT_FDCWD */);
    case 1:
        return rand_noise();
    default:
        return below(12);
    }
}

/* A pointer that is not a string at all (never arbitrary memory: on a Linux host,
 * a random string starting with '/' could name any file). */
static uint64_t arg_bad_string(void)
{
    return PICK(0, 1, 0xffff800000000000, 0xffffffff80100000, 0x0000800000000000,
                0x8000000000000000, 0x7ffffffff000, (uint64_t)none_page,
                (uint64_t)rw_buf + 2 * 4096 - 8 /* "AAAAAAAA" then unmapped */);
}

/* A path: one of ours, a hostile pointer, or (on lark, whose files outside /tmp
 * are read-only) whatever string is at a random pointer. */
static uint64_t arg_path(void)
{
    if (below(3) == 0)
        return on_lark && below(2) ? arg_ptr() : arg_bad_string();
    uint64_t at = (uint64_t)ro_page + RO_STRINGS;
    size_t nl = on_lark ? sizeof lark_paths / sizeof lark_paths[0] : 0;
    size_t ns = sizeof scratch_names / sizeof scratch_names[0];
    uint64_t i = below(nl + ns + 1);
    for (uint64_t k = 0; k < i; k++)
        at += strlen((char *)at) + 1;
    return at; /* i == nl + ns: the 4000-byte name after them */
}

static uint64_t arg_flags(void)
{
    switch (below(4)) {
    case 0:
        return 0;
    case 1:
        return rnd() & 0xffffffff;
    case 2:
        return -1UL;
    default:
        return 1UL << below(32);
    }
}

static uint64_t arg_open_flags(void)
{
    static const uint64_t bits[] = {O_WRONLY,  O_RDWR,     O_CREAT,    O_EXCL,
                                    O_TRUNC,   O_APPEND,   O_NONBLOCK, O_DIRECTORY,
                                    O_CLOEXEC, O_NOFOLLOW, 3};
    if (below(4) == 0)
        return arg_flags();
    uint64_t f = 0;
    for (int i = below(4); i > 0; i--)
        f |= bits[below(sizeof bits / sizeof bits[0])];
    return f;
}

static uint64_t arg_mode(void)
{
    return PICK(0, 0644, 0755, 0777, 07777, 0100000, 0xffffffff, rnd());
}

static uint64_t arg_int(void)
{
    return below(3) ? below(5) : rand_noise();
}

static uint64_t arg_timespec(void)
{
    if (below(4) == 0)
        return arg_ptr();
    return (uint64_t)ro_page + RO_TIMESPECS + 16 * below(8);
}

static uint64_t arg_iov(void)
{
    return below(3) ? (uint64_t)ro_page + RO_IOVECS + 16 * below(4) : arg_ptr();
}

static uint64_t arg_argv(void)
{
    switch (below(6)) {
    case 0:
        return (uint64_t)ro_page + RO_ARGV_TRUE;
    case 1:
        return (uint64_t)ro_page + RO_ARGV_EMPTY;
    case 2:
        return (uint64_t)ro_page + RO_ARGV_BAD;
    case 3:
        return (uint64_t)ro_page + RO_ARGV_RUNS_OFF;
    default:
        return arg_ptr();
    }
}

static uint64_t arg_sigset(void)
{
    return below(3) ? (uint64_t)ro_page + RO_SIGSETS + 8 * below(2) : arg_ptr();
}

static uint64_t arg_sigaction(void)
{
    return below(3) ? (uint64_t)ro_page + RO_SIGACTIONS + 32 * below(3) : arg_ptr();
}

static uint64_t arg_sig(void)
{
    return below(4) ? below(66) : rand_noise();
}

/* A pid for kill, tkill and tgkill: only ourselves, our child (on lark: elsewhere
 * its pid may have been reaped and reused), or nobody. Never 0 or a negative
 * number (a process group, or everyone: on a Linux host, as root...). */
static uint64_t arg_kill_pid(void)
{
    pid_t self = getpid(), child = on_lark && last_child > 0 ? last_child : self;
    return PICK((uint64_t)self, (uint64_t)child, 0x7fffffff, 0x80000000);
}

static uint64_t arg_pid(void)
{
    return below(2) ? arg_kill_pid() : PICK(0, -1UL, 1, rand_noise());
}

static uint64_t arg_addr(void) /* for mmap, munmap, mprotect, brk */
{
    switch (below(6)) {
    case 0:
        return (uint64_t)big_buf + 4096 * below(16);
    case 1:
        return (uint64_t)rw_buf + 4096 * below(3);
    case 2:
        return 0x100000000000UL + 4096 * below(1 << 20);
    default:
        return arg_ptr() & (below(4) ? ~0xfffUL : ~0UL);
    }
}

static uint64_t arg_prot(void)
{
    return below(4) ? below(8) : rand_noise();
}

static uint64_t arg_mmap_flags(void)
{
    static const uint64_t types[] = {MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, 0,
                                     0xf};
    static const uint64_t bits[] = {MAP_ANONYMOUS, MAP_FIXED,     MAP_FIXED_NOREPLACE,
                                    MAP_GROWSDOWN, MAP_NORESERVE, MAP_POPULATE};
    if (below(5) == 0)
        return arg_flags();
    uint64_t f = types[below(5)] | (below(4) ? MAP_ANONYMOUS : 0);
    for (int i = below(3); i > 0; i--)
        f |= bits[below(6)];
    return f;
}

static uint64_t arg_clone_flags(void)
{
    return PICK(SIGCHLD, CLONE_VM | CLONE_VFORK | SIGCHLD, CLONE_VFORK | SIGCHLD,
                CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, CLONE_PARENT | SIGCHLD,
                CLONE_SETTLS | SIGCHLD, CLONE_PARENT_SETTID | SIGCHLD,
                CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
                CLONE_FILES | SIGCHLD, 0, rnd() & 0xffffffff, rnd());
}

static uint64_t arg_ioctl(void)
{
    return PICK(0x5401, 0x5402, 0x5403, 0x5404, 0x5413, 0x5414, 0x5421, 0x5450, 0x5451,
                0x541b, rand_noise());
}

static uint64_t arg_fcntl(void)
{
    return PICK(F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, F_GETLK,
                rand_noise());
}

static uint64_t arg_any(void)
{
    return below(2) ? rand_noise() : arg_ptr();
}

/* --- the calls ------------------------------------------------------------------- */

typedef uint64_t (*argfn)(void);
struct call {
    int nr;
    argfn args[6];
};

#define P    arg_ptr
#define L    arg_len
#define FD   arg_fd
#define PATH arg_path
#define I    arg_int
#define A    arg_any
static const struct call calls[] = {
    {SYS_read, {FD, P, L}},
    {SYS_write, {FD, P, L}},
    {SYS_open, {PATH, arg_open_flags, arg_mode}},
    {SYS_close, {FD}},
    {SYS_stat, {PATH, P}},
    {SYS_fstat, {FD, P}},
    {SYS_lstat, {PATH, P}},
    {SYS_lseek, {FD, A, I}},
    {SYS_mmap, {arg_addr, L, arg_prot, arg_mmap_flags, FD, A}},
    {SYS_mprotect, {arg_addr, L, arg_prot}},
    {SYS_munmap, {arg_addr, L}},
    {SYS_brk, {arg_addr}},
    {SYS_rt_sigaction, {arg_sig, arg_sigaction, P, L}},
    {SYS_rt_sigprocmask, {I, arg_sigset, P, L}},
    {SYS_ioctl, {FD, arg_ioctl, P}},
    {SYS_pread64, {FD, P, L, A}},
    {SYS_pwrite64, {FD, P, L, A}},
    {SYS_readv, {FD, arg_iov, I}},
    {SYS_writev, {FD, arg_iov, I}},
    {SYS_access, {PATH, I}},
    {SYS_pipe, {P}},
    {SYS_sched_yield, {0}},
    {SYS_dup, {FD}},
    {SYS_dup2, {FD, FD}},
    {SYS_nanosleep, {arg_timespec, P}},
    {SYS_getpid, {0}},
    {SYS_clone, {arg_clone_flags, P, P, P, A}},
    {SYS_fork, {0}},
    {SYS_vfork, {0}},
    {SYS_execve, {PATH, arg_argv, arg_argv}},
    {SYS_wait4, {arg_pid, P, I, P}},
    {SYS_kill, {arg_kill_pid, arg_sig}},
    {SYS_uname, {P}},
    {SYS_fcntl, {FD, arg_fcntl, A}},
    {SYS_getcwd, {P, L}},
    {SYS_chdir, {PATH}},
    {SYS_fchdir, {FD}},
    {SYS_mkdir, {PATH, arg_mode}},
    {SYS_rmdir, {PATH}},
    {SYS_unlink, {PATH}},
    {SYS_chmod, {PATH, arg_mode}},
    {SYS_fchmod, {FD, arg_mode}},
    {SYS_gettimeofday, {P, P}},
    {SYS_getuid, {0}},
    {SYS_getppid, {0}},
    {SYS_getpgrp, {0}},
    {SYS_setsid, {0}},
    {SYS_getpgid, {arg_pid}},
    {SYS_getsid, {arg_pid}},
    {SYS_arch_prctl, {A, A}},
    {SYS_gettid, {0}},
    {SYS_time, {P}},
    {SYS_sched_getaffinity, {arg_pid, L, P}},
    {SYS_getdents64, {FD, P, L}},
    {SYS_set_tid_address, {P}},
    {SYS_clock_gettime, {I, P}},
    {SYS_clock_getres, {I, P}},
    {SYS_clock_nanosleep, {I, I, arg_timespec, P}},
    {SYS_openat, {FD, PATH, arg_open_flags, arg_mode}},
    {SYS_mkdirat, {FD, PATH, arg_mode}},
    {SYS_newfstatat, {FD, PATH, P, arg_flags}},
    {SYS_unlinkat, {FD, PATH, arg_flags}},
    {SYS_fchmodat, {FD, PATH, arg_mode, arg_flags}},
    {SYS_faccessat, {FD, PATH, I}},
    {SYS_faccessat2, {FD, PATH, I, arg_flags}},
    {SYS_dup3, {FD, FD, arg_flags}},
    {SYS_pipe2, {P, arg_open_flags}},
    {SYS_getcpu, {P, P, P}},
    {SYS_getrandom, {P, L, arg_flags}},
    {SYS_umask, {arg_mode}},
    {SYS_getrlimit, {I, P}},
    {SYS_rt_sigpending, {P, L}},
    {SYS_tkill, {arg_kill_pid, arg_sig}},
    {SYS_tgkill, {arg_kill_pid, arg_kill_pid, arg_sig}},
};
#define NCALLS (sizeof calls / sizeof calls[0])

static int is_fork_like(uint64_t nr)
{
    return nr == SYS_clone || nr == SYS_fork || nr == SYS_vfork || nr == 435 /* clone3 */;
}

/* A call whose child (rax == 0) must not run our code: on a stack it may share with
 * us, it exits at once, in the same asm. */
static long fork_like_syscall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
                              uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $60, %%eax\n\t" /* exit(0): ends just the child */
                     "xor %%edi, %%edi\n\t"
                     "syscall\n"
                     "1:"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r11", "r9", "memory");
    return ret;
}

/* A random system call number on lark: anything but exit and exit_group. */
static uint64_t random_nr(void)
{
    for (;;) {
        uint64_t nr = below(3) ? below(1024) : rnd();
        if (nr != SYS_exit && nr != SYS_exit_group && !is_fork_like(nr))
            return nr;
    }
}

/* --- the worker ------------------------------------------------------------------- */

/* Append v in the given base to line at *len. */
static void put_num(char *line, size_t *len, uint64_t v, unsigned base)
{
    char digits[24];
    int n = 0;
    if (base == 16) {
        line[(*len)++] = '0';
        line[(*len)++] = 'x';
    }
    do
        digits[n++] = "0123456789abcdef"[v % base];
    while ((v /= base) != 0);
    while (n)
        line[(*len)++] = digits[--n];
}

static void put_str(char *line, size_t *len, const char *s)
{
    while (*s)
        line[(*len)++] = *s++;
}

/* -v: "fuzz: w1.3 #17 nr 9 (0x0, ...)" without libc (the fuzzed calls may break
 * its thread pointer). */
static void log_call(int worker, uint64_t gen, uint64_t n, uint64_t nr, const uint64_t *a)
{
    char line[256];
    size_t len = 0;
    put_str(line, &len, "fuzz: w");
    put_num(line, &len, worker, 10);
    put_str(line, &len, ".");
    put_num(line, &len, gen, 10);
    put_str(line, &len, " #");
    put_num(line, &len, n, 10);
    put_str(line, &len, " nr ");
    put_num(line, &len, nr, 10);
    for (int i = 0; i < 6; i++) {
        put_str(line, &len, i ? ", " : " (");
        put_num(line, &len, a[i], 16);
    }
    put_str(line, &len, ")\n");
    raw_syscall3(SYS_write, LOG_FD, line, len);
}

static void worker_setup(int verbose)
{
    if (verbose)
        dup2(2, LOG_FD);
    /* Only our own descriptors: never the make jobserver's or a terminal. */
    for (int fd = 3; fd < 1024; fd++)
        if (!(verbose && fd == LOG_FD))
            close(fd);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    if (null > 2)
        close(null);
    if (chdir(scratch) != 0)
        _exit(90);
    /* Descriptors worth hitting: a file, a directory, a pipe, /proc. */
    open("f", O_RDWR | O_CREAT, 0644);
    open(".", O_RDONLY | O_DIRECTORY);
    int p[2];
    if (pipe(p) != 0)
        _exit(90);
    if (on_lark) {
        open("/proc/kstat", O_RDONLY);
        open("/", O_RDONLY | O_DIRECTORY);
        open("/bin/true", O_RDONLY);
    }
    struct rlimit zero = {0, 0};
    setrlimit(RLIMIT_CORE, &zero);
    prctl(PR_SET_DUMPABLE, 0);
}

__attribute__((noreturn)) static void worker(int id, uint64_t seed, uint64_t gen,
                                             uint64_t budget, int verbose)
{
    worker_setup(verbose);
    seed_worker(seed, id, gen);
    struct slot *me = &slots[id];
    me->calls = 0;
    for (uint64_t n = 0; n < budget; n++) {
        uint64_t nr, a[6] = {0};
        const struct call *c = 0;
        if (on_lark && below(20) == 0) {
            nr = random_nr();
            for (int i = 0; i < 6; i++)
                a[i] = arg_any();
        } else {
            c = &calls[below(NCALLS)];
            nr = c->nr;
            for (int i = 0; i < 6 && c->args[i]; i++)
                a[i] = c->args[i]();
        }
        me->nr = nr;
        for (int i = 0; i < 6; i++)
            me->args[i] = a[i];
        me->calls = n + 1;
        if (verbose)
            log_call(id, gen, n, nr, a);
        long ret = is_fork_like(nr)
                       ? fork_like_syscall(nr, a[0], a[1], a[2], a[3], a[4])
                       : raw_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (is_fork_like(nr) && ret > 0)
            last_child = ret;
    }
    raw_syscall1(SYS_exit_group, 0);
    for (;;)
        ;
}

/* --- set-up shared by all workers (made before they are forked) ------------------ */

static void *map_or_die(size_t len, int prot)
{
    void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "fuzz: mmap: %s\n", strerror(errno));
        exit(2);
    }
    return p;
}

static void prepare_pools(void)
{
    rw_buf = map_or_die(3 * 4096, PROT_READ | PROT_WRITE);
    munmap(rw_buf + 2 * 4096, 4096); /* the guard page after it */
    memset(rw_buf, 0x41, 2 * 4096);
    big_buf = map_or_die(65536, PROT_READ | PROT_WRITE);
    none_page = map_or_die(4096, PROT_NONE);
    ro_page = map_or_die(4096, PROT_READ | PROT_WRITE);

    struct timespec *ts = (struct timespec *)(ro_page + RO_TIMESPECS);
    ts[0] = (struct timespec){0, 0};
    ts[1] = (struct timespec){0, 1000};
    ts[2] = (struct timespec){0, 999999999};
    ts[3] = (struct timespec){0, 1000000000};         /* EINVAL */
    ts[4] = (struct timespec){-1, 0};                 /* EINVAL */
    ts[5] = (struct timespec){0, -1};                 /* EINVAL */
    ts[6] = (struct timespec){1000000, 0};            /* the watchdog ends it */
    ts[7] = (struct timespec){0x7fffffffffffffff, 0}; /* as does it this */
    struct iovec *iov = (struct iovec *)(ro_page + RO_IOVECS);
    iov[0] = (struct iovec){rw_buf, 100};
    iov[1] = (struct iovec){(void *)0xffff800000000000UL, 100};
    iov[2] = (struct iovec){rw_buf, ~0UL >> 1};
    iov[3] = (struct iovec){NULL, 0};
    char **argv = (char **)(ro_page + RO_ARGV_TRUE);
    argv[0] = ro_page + RO_STRINGS; /* "/bin/true" on lark, "a" elsewhere */
    argv[1] = NULL;
    ((char **)(ro_page + RO_ARGV_EMPTY))[0] = NULL;
    ((char **)(ro_page + RO_ARGV_BAD))[0] = (char *)0xffffffff80100000UL;
    ((char **)(ro_page + RO_ARGV_BAD))[1] = NULL;
    ((char **)(ro_page + RO_ARGV_RUNS_OFF))[0] = ro_page + RO_STRINGS;
    ((char **)(ro_page + RO_ARGV_RUNS_OFF))[1] = ro_page + RO_STRINGS;
    ((uint64_t *)(ro_page + RO_SIGSETS))[0] = 0;
    ((uint64_t *)(ro_page + RO_SIGSETS))[1] = ~0UL;
    uint64_t *sa = (uint64_t *)(ro_page + RO_SIGACTIONS);
    sa[0] = (uint64_t)SIG_IGN;
    sa[4] = (uint64_t)SIG_DFL;
    sa[8] = 0x123456789000UL; /* a handler nowhere */
    sa[9] = 0x04000000;       /* SA_RESTORER */
    char *s = ro_page + RO_STRINGS;
    if (on_lark)
        for (size_t i = 0; i < sizeof lark_paths / sizeof lark_paths[0]; i++)
            s = stpcpy(s, lark_paths[i]) + 1;
    for (size_t i = 0; i < sizeof scratch_names / sizeof scratch_names[0]; i++)
        s = stpcpy(s, scratch_names[i]) + 1;
    memset(s, 'n', ro_page + 4096 - 32 - s); /* a name longer than NAME_MAX, PATH_MAX */
    mprotect(ro_page, 4096, PROT_READ);

    slots = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (slots == MAP_FAILED) {
        fprintf(stderr, "fuzz: shared mmap: %s\n", strerror(errno));
        exit(2);
    }
    memset(slots, 0, 4096); /* its page is there before the leak check starts */
}

/* --- the parent ------------------------------------------------------------------- */

struct options {
    uint64_t seed, count;
    int workers, seconds, verbose;
    int replay_worker;
    uint64_t replay_gen;
};

struct running {
    pid_t pid;
    uint64_t gen, budget, last_calls;
    long last_progress_ms, killed_at_ms;
};

static struct {
    uint64_t calls, generations, signalled, stuck, exited, stray;
    int reported;
} stats;

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void describe_call(const struct slot *s, char *out, size_t size)
{
    snprintf(out, size, "nr %lu (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)",
             (unsigned long)s->nr, (unsigned long)s->args[0], (unsigned long)s->args[1],
             (unsigned long)s->args[2], (unsigned long)s->args[3],
             (unsigned long)s->args[4], (unsigned long)s->args[5]);
}

static void start_worker(const struct options *o, int id, struct running *r)
{
    uint64_t left = o->count - stats.calls;
    r->budget = left < GEN_CALLS ? left : GEN_CALLS;
    r->gen = stats.generations++;
    slots[id].calls = 0;
    r->last_calls = 0;
    r->last_progress_ms = now_ms();
    r->killed_at_ms = 0;
    r->pid = fork();
    if (r->pid == 0)
        worker(id, o->seed, r->gen, r->budget, o->verbose);
    if (r->pid < 0) {
        fprintf(stderr, "fuzz: fork: %s\n", strerror(errno));
        exit(2);
    }
}

/* Account for worker id, which ended with wait status st. */
static void worker_ended(const struct options *o, int id, struct running *r, int st)
{
    uint64_t done = slots[id].calls; /* the worker may have scribbled on it */
    stats.calls += done < r->budget ? done : r->budget;
    if (r->killed_at_ms)
        stats.stuck++;
    else if (WIFSIGNALED(st))
        stats.signalled++;
    else
        stats.exited++;
    if (WIFSIGNALED(st) && !r->killed_at_ms && o->verbose && stats.reported++ < 10) {
        char call[160];
        describe_call(&slots[id], call, sizeof call);
        printf("fuzz: worker %d.%lu killed by signal %d in call #%lu: %s\n", id,
               (unsigned long)r->gen, WTERMSIG(st), (unsigned long)done, call);
    }
    r->pid = 0;
}

/* Kill workers whose call count has not moved for STUCK_MS. 0, or -1 if one that was
 * killed long ago is still there (a sleep SIGKILL can't end: a kernel bug). */
static int watchdog(int id, struct running *r, uint64_t seed)
{
    long now = now_ms();
    if (slots[id].calls != r->last_calls) {
        r->last_calls = slots[id].calls;
        r->last_progress_ms = now;
    } else if (!r->killed_at_ms && now - r->last_progress_ms > STUCK_MS) {
        kill(r->pid, SIGKILL);
        r->killed_at_ms = now;
    } else if (r->killed_at_ms && now - r->killed_at_ms > UNKILLABLE_MS) {
        char call[160];
        describe_call(&slots[id], call, sizeof call);
        fail("fuzz_stuck_worker_killable",
             "seed %lu worker %d.%lu survived SIGKILL for %d ms in %s",
             (unsigned long)seed, id, (unsigned long)r->gen, UNKILLABLE_MS, call);
        return -1;
    }
    return 0;
}

/* Run the workers until `count` calls are done; 0, or -1 on a failure (reported). */
static int run(const struct options *o)
{
    struct running r[MAX_WORKERS] = {0};
    long deadline = now_ms() + o->seconds * 1000L;
    int active = 0;
    for (;;) {
        uint64_t in_flight = 0;
        for (int i = 0; i < o->workers; i++)
            if (r[i].pid)
                in_flight += r[i].budget;
        for (int i = 0; i < o->workers; i++)
            if (!r[i].pid && stats.calls + in_flight < o->count && now_ms() < deadline) {
                start_worker(o, i, &r[i]);
                in_flight += r[i].budget;
                active++;
            }
        if (active == 0)
            return 0;
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            int id = -1;
            for (int i = 0; i < o->workers; i++)
                if (r[i].pid == pid)
                    id = i;
            if (id < 0) {
                stats.stray++; /* a worker's CLONE_PARENT child */
            } else {
                worker_ended(o, id, &r[id], st);
                active--;
            }
            continue;
        }
        for (int i = 0; i < o->workers; i++)
            if (r[i].pid && watchdog(i, &r[i], o->seed) < 0)
                return -1;
        if (now_ms() > deadline) /* out of time: stop the rest */
            for (int i = 0; i < o->workers; i++)
                if (r[i].pid && !r[i].killed_at_ms) {
                    kill(r[i].pid, SIGKILL);
                    r[i].killed_at_ms = now_ms();
                }
        struct timespec tick = {0, 5 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: fuzz [-s SEED] [-n CALLS] [-w WORKERS] [-t SECONDS] [-v] "
                    "[-r WORKER:GEN]\n");
    exit(2);
}

static void parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){
        .count = 20000, .workers = 4, .seconds = 60, .replay_worker = -1};
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    o->seed = (uint64_t)t.tv_nsec ^ (uint64_t)t.tv_sec << 20;
    o->seed %= 1000000000; /* short enough to type */
    int c;
    while ((c = getopt(argc, argv, "s:n:w:t:vr:")) != -1) {
        switch (c) {
        case 's':
            o->seed = strtoull(optarg, NULL, 0);
            break;
        case 'n':
            o->count = strtoull(optarg, NULL, 0);
            break;
        case 'w':
            o->workers = atoi(optarg);
            break;
        case 't':
            o->seconds = atoi(optarg);
            break;
        case 'v':
            o->verbose = 1;
            break;
        case 'r':
            if (sscanf(optarg, "%d:%lu", &o->replay_worker, &o->replay_gen) != 2)
                usage();
            break;
        default:
            usage();
        }
    }
    if (o->workers < 1 || o->workers > MAX_WORKERS || o->seconds < 1)
        usage();
}

/* Remove path and everything under it (the workers make files with any name). */
static void remove_tree(const char *path)
{
    chmod(path, 0755);
    for (int pass = 0; pass < 3 && rmdir(path) != 0; pass++) { /* readdir may miss some */
        DIR *d = opendir(path);
        if (!d)
            return;
        struct dirent *e;
        char sub[4096];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (unlink(sub) != 0)
                remove_tree(sub);
        }
        closedir(d);
    }
}

/* Our directory under /tmp: the workers run in it. */
static void make_scratch(void)
{
    strcpy(scratch, "/tmp/fuzz.XXXXXX");
    if (!mkdtemp(scratch)) {
        fprintf(stderr, "fuzz: mkdtemp: %s\n", strerror(errno));
        exit(2);
    }
}

/* Everything but the leak check: run the workers, then start a program. */
static void fuzz_body(void *arg)
{
    const struct options *o = arg;
    make_scratch();
    printf("fuzz: seed %lu, %lu calls, %d workers (replay: fuzz -s %lu -n %lu -w %d)\n",
           (unsigned long)o->seed, (unsigned long)o->count, o->workers,
           (unsigned long)o->seed, (unsigned long)o->count, o->workers);
    long start = now_ms();
    int failed = run(o);
    long ms = now_ms() - start;
    printf("fuzz: seed %lu: %lu calls in %ld ms by %lu worker processes (%lu killed by a "
           "signal, %lu stuck and killed, %lu exited; %lu stray children)\n",
           (unsigned long)o->seed, (unsigned long)stats.calls, ms,
           (unsigned long)stats.generations, (unsigned long)stats.signalled,
           (unsigned long)stats.stuck, (unsigned long)stats.exited,
           (unsigned long)stats.stray);
    if (failed)
        return;
    pass("fuzz_stuck_worker_killable");
    if (stats.calls >= o->count)
        pass("fuzz_all_calls_made");
    else
        fail("fuzz_all_calls_made", "expected %lu calls in %d s, made %lu (seed %lu)",
             (unsigned long)o->count, o->seconds, (unsigned long)stats.calls,
             (unsigned long)o->seed);
    while (waitpid(-1, NULL, WNOHANG) > 0) /* stray children (CLONE_PARENT) */
        ;
    remove_tree(scratch);
    char *true_argv[] = {"true", NULL}, *envp[] = {NULL};
    check_exited("fuzz_kernel_still_spawns",
                 spawn_wait(helper_path("true"), true_argv, envp, NULL), 0);
}

int main(int argc, char **argv)
{
    struct options o;
    parse_options(argc, argv, &o);
    proctest_init(argv[0]);
    setvbuf(stdout, NULL, _IONBF, 0);
    struct utsname u;
    on_lark = uname(&u) == 0 && strcmp(u.sysname, "Lark") == 0;
    prepare_pools();
    if (o.replay_worker >= 0) { /* one generation, in the foreground */
        printf("fuzz: replaying seed %lu worker %d.%lu\n", (unsigned long)o.seed,
               o.replay_worker, (unsigned long)o.replay_gen);
        o.replay_worker %= MAX_WORKERS;
        make_scratch();
        pid_t pid = fork();
        if (pid == 0)
            worker(o.replay_worker, o.seed, o.replay_gen, o.count, 1);
        printf("fuzz: replay ended: %s\n", status_str(wait_status(pid)));
        remove_tree(scratch);
        return 0;
    }

    run_leak_checked("fuzz_no_leaks", fuzz_body, &o);
    return test_done("fuzz");
}
