/* t_misc: the small syscalls: arch_prctl (FS base), set_tid_address, process and user
 * ids, uname, signal masks and actions, kill, raise and abort (tkill, tgkill,
 * rt_sigpending), resource limits, clocks and sleeping, sched_yield, getrandom,
 * unknown syscall numbers, terminal ioctls and non-blocking reads, and exit_group. */
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>

#define BIT(sig)    (1UL << ((sig)-1)) /* a signal's bit in the kernel's 64-bit sigset */
#define ARCH_SET_FS 0x1002             /* from <asm/prctl.h>, which musl does not ship */
#define ARCH_GET_FS 0x1003

/* The 8 bytes at %fs:8 (a field of whatever FS points to). */
static unsigned long read_fs_word1(void)
{
    unsigned long v;
    __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    return v;
}

static void test_arch_prctl(void)
{
    unsigned long saved = 0, got = 0;
    long r = raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, (long)&saved);
    check_long("arch_prctl_get_fs_ok", r, 0);
    /* musl's thread pointer is the FS base (its first word points to itself). */
    check("arch_prctl_get_fs_is_musl_tls", saved == (unsigned long)pthread_self(),
          "expected the FS base to equal pthread_self()");

    /* Point FS at our own block, read through it, also after sleeping (so the
     * kernel must save and restore FS across a context switch), then put back
     * musl's. Only raw syscalls in between: libc (even errno) may use the TLS. */
    static struct {
        void *self;
        unsigned long magic;
    } block = {&block, 0x1a2b3c4d5e6f};
    struct timespec ms = {0, 1000000};
    long set = raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)&block);
    unsigned long seen = read_fs_word1();
    raw_syscall2(SYS_nanosleep, (long)&ms, 0);
    unsigned long seen_after_sleep = read_fs_word1();
    raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
    long restore = raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)saved);

    check_long("arch_prctl_restore_fs", restore, 0);
    check_long("arch_prctl_set_fs_ok", set, 0);
    check("arch_prctl_fs_loads_base", seen == block.magic,
          "expected %fs:8 to read the new block");
    check("arch_prctl_fs_kept_across_sleep", seen_after_sleep == block.magic,
          "expected %fs:8 unchanged after a nanosleep");
    check("arch_prctl_get_fs_after_set", got == (unsigned long)&block,
          "expected ARCH_GET_FS to return the new base");
    /* A non-canonical base would fault in the kernel when loaded. */
    check_raw_errno("arch_prctl_noncanonical_eperm",
                    raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, 0x800000000000L), EPERM);
    /* Nor in the last page below it, which is not user space (Linux's TASK_SIZE_MAX). */
    check_raw_errno("arch_prctl_last_page_eperm",
                    raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, 0x7ffffffff000L), EPERM);
    check_raw_errno("arch_prctl_bad_code_einval", raw_syscall2(SYS_arch_prctl, 0x9999, 0),
                    EINVAL);
}

static void test_ids(void)
{
    static int tid_word;
    long pid = syscall(SYS_getpid);
    check("getpid_positive", pid > 0, "expected a pid > 0");
    check_long("getpid_stable", syscall(SYS_getpid), pid);
    check_long("gettid_is_pid_single_threaded", syscall(SYS_gettid), pid);
    check_long("set_tid_address_returns_tid", syscall(SYS_set_tid_address, &tid_word),
               pid);
    check("getppid_positive", syscall(SYS_getppid) > 0, "expected a parent pid > 0");

    pid_t child = fork();
    if (child == 0)
        _exit(syscall(SYS_getppid) == pid && syscall(SYS_getpid) != pid ? 0 : 1);
    /* exit 0: the child saw getppid() == our pid and a getpid() of its own */
    check_exited("getppid_in_child_is_parent", wait_status(child), 0);

    /* Any ids will do (root on the host, 0 on lark), but they must agree. */
    long uid = syscall(SYS_getuid), gid = syscall(SYS_getgid);
    check("getuid_valid_and_stable", uid >= 0 && syscall(SYS_getuid) == uid,
          "expected the same uid twice");
    check_long("geteuid_equals_getuid", syscall(SYS_geteuid), uid);
    check("getgid_valid_and_stable", gid >= 0 && syscall(SYS_getgid) == gid,
          "expected the same gid twice");
    check_long("getegid_equals_getgid", syscall(SYS_getegid), gid);
}

static void test_uname(void)
{
    struct utsname u;
    memset(&u, 0xff, sizeof u); /* unterminated strings would show */
    check_long("uname_ok", syscall(SYS_uname, &u), 0);
    check("uname_sysname_nonempty",
          memchr(u.sysname, 0, sizeof u.sysname) && u.sysname[0],
          "expected a NUL-terminated, nonempty sysname");
    check("uname_release_nonempty",
          memchr(u.release, 0, sizeof u.release) && u.release[0],
          "expected a NUL-terminated, nonempty release");
    check_str("uname_machine_x86_64",
              memchr(u.machine, 0, sizeof u.machine) ? u.machine : NULL, "x86_64");
}

static long sigmask(int how, const uint64_t *set, uint64_t *old)
{
    return syscall(SYS_rt_sigprocmask, how, set, old, sizeof(uint64_t));
}

static void test_sigprocmask(void)
{
    uint64_t orig = 0, cur = 0, set = BIT(SIGUSR1);
    check_long("rt_sigprocmask_block", sigmask(SIG_BLOCK, &set, &orig), 0);
    sigmask(SIG_SETMASK, NULL, &cur);
    check("rt_sigprocmask_reads_back_blocked",
          (cur & BIT(SIGUSR1)) && !(cur & BIT(SIGUSR2)),
          "expected SIGUSR1 blocked, SIGUSR2 not");
    set = BIT(SIGKILL) | BIT(SIGSTOP);
    sigmask(SIG_BLOCK, &set, NULL);
    sigmask(SIG_SETMASK, NULL, &cur);
    check_long("rt_sigprocmask_cannot_block_kill_stop", cur & set, 0);
    set = BIT(SIGUSR1);
    sigmask(SIG_UNBLOCK, &set, NULL);
    sigmask(SIG_SETMASK, NULL, &cur);
    check_long("rt_sigprocmask_unblock", cur & BIT(SIGUSR1), 0);
    check_errno("rt_sigprocmask_bad_how_einval", sigmask(99, &set, NULL), EINVAL);
    check_errno("rt_sigprocmask_bad_size_einval",
                syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    sigmask(SIG_SETMASK, &orig, NULL);
    sigmask(SIG_SETMASK, NULL, &cur);
    check("rt_sigprocmask_setmask_restores", cur == orig, "expected the original mask");
}

/* The kernel's struct sigaction on x86-64 (not libc's). */
struct ksigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

static long sigact(int sig, const struct ksigaction *act, struct ksigaction *old)
{
    return syscall(SYS_rt_sigaction, sig, act, old, sizeof(uint64_t));
}

static void test_sigaction(void)
{
    struct ksigaction orig, old, now;
    struct ksigaction ign = {SIG_IGN, 0, NULL, BIT(SIGUSR1)};
    check_long("rt_sigaction_query", sigact(SIGUSR2, NULL, &orig), 0);
    check_long("rt_sigaction_set_ign", sigact(SIGUSR2, &ign, &old), 0);
    check("rt_sigaction_returns_old_action", old.handler == orig.handler,
          "expected the old handler from the query");
    sigact(SIGUSR2, NULL, &now);
    check("rt_sigaction_reads_back_sig_ign", now.handler == SIG_IGN, "expected SIG_IGN");
    check("rt_sigaction_reads_back_mask", now.mask == BIT(SIGUSR1), "expected sa_mask");
    check_long("kill_self_ignored_signal_survives", kill(getpid(), SIGUSR2), 0);
    sigact(SIGUSR2, &orig, NULL);

    check_errno("rt_sigaction_sigkill_einval", sigact(SIGKILL, &ign, NULL), EINVAL);
    check_errno("rt_sigaction_sigstop_einval", sigact(SIGSTOP, &ign, NULL), EINVAL);
    check_errno("rt_sigaction_signal_0_einval", sigact(0, NULL, &old), EINVAL);
    check_errno("rt_sigaction_signal_65_einval", sigact(65, NULL, &old), EINVAL);
    check_errno("rt_sigaction_bad_size_einval",
                syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 4), EINVAL);
}

/* Start a child that blocks reading `never`, a pipe nobody writes to (we keep its
 * write end open); returns once the child is running. */
static pid_t start_blocked_reader(int never[2])
{
    int ready[2];
    pipe(ready);
    pipe(never);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        signal(SIGTERM, SIG_DFL); /* in case our parent ignored it */
        write(ready[1], "r", 1);
        read(never[0], &c, 1);
        _exit(1); /* only if the read returned */
    }
    char c;
    read(ready[0], &c, 1); /* the child is about to block, or blocked */
    close(ready[0]);
    close(ready[1]);
    return pid;
}

static void test_kill(void)
{
    int never[2];
    check_long("kill_self_signal_0", kill(getpid(), 0), 0);
    check_errno("kill_bad_signal_einval", kill(getpid(), 1000), EINVAL);

    pid_t pid = start_blocked_reader(never);
    check_long("kill_live_child_signal_0", kill(pid, 0), 0);
    check_long("kill_sigkill_ok", kill(pid, SIGKILL), 0);
    check_signaled("kill_sigkill_blocked_reader_dies", wait_status(pid), SIGKILL);
    check_errno("kill_reaped_child_esrch", kill(pid, 0), ESRCH);
    close(never[0]);
    close(never[1]);

    pid = start_blocked_reader(never);
    check_long("kill_sigterm_ok", kill(pid, SIGTERM), 0);
    check_signaled("kill_sigterm_blocked_reader_dies", wait_status(pid), SIGTERM);
    close(never[0]);
    close(never[1]);
}

/* A child that ends itself with raise(sig) or abort(), in /tmp and with core dumps
 * off, so that the Linux host writes no core file anywhere. */
static pid_t start_self_killer(int sig)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none); /* lark: EPERM, and it dumps no core anyway */
        prctl(PR_SET_DUMPABLE, 0);     /* lark: ENOSYS */
        if (chdir("/tmp") != 0)
            _exit(98);
        if (sig == SIGABRT)
            abort();
        raise(sig);
        _exit(99); /* only if the signal did not end us */
    }
    return pid;
}

/* In a child: block SIGUSR1 and send it to ourselves with tkill; exit 0 if
 * rt_sigpending then shows it, 1 if not. With unblock, unblock it first: it must
 * end the child. */
static void pending_child(int unblock)
{
    uint64_t set = BIT(SIGUSR1), pending = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, sizeof set);
    syscall(SYS_tkill, getpid(), SIGUSR1);
    syscall(SYS_rt_sigpending, &pending, sizeof pending);
    if (unblock)
        syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, sizeof set);
    _exit(pending == BIT(SIGUSR1) ? 0 : 1);
}

static void test_raise(void)
{
    check_signaled("raise_sigterm_kills", wait_status(start_self_killer(SIGTERM)),
                   SIGTERM);
    check_signaled("abort_kills_with_sigabrt", wait_status(start_self_killer(SIGABRT)),
                   SIGABRT);
    pid_t me = getpid();
    check_long("tkill_self_signal_0", syscall(SYS_tkill, me, 0), 0);
    check_long("tgkill_self_signal_0", syscall(SYS_tgkill, me, me, 0), 0);
    check_errno("tkill_tid_0_einval", syscall(SYS_tkill, 0, 0), EINVAL);
    check_errno("tgkill_tgid_minus_1_einval", syscall(SYS_tgkill, -1, me, 0), EINVAL);
    check_errno("tgkill_bad_signal_einval", syscall(SYS_tgkill, me, me, 1000), EINVAL);
    check_errno("tgkill_other_tgid_esrch", syscall(SYS_tgkill, getppid(), me, 0), ESRCH);

    pid_t pid = fork();
    if (pid == 0)
        pending_child(0);
    check_exited("rt_sigpending_shows_blocked_tkill", wait_status(pid), 0);
    pid = fork();
    if (pid == 0)
        pending_child(1);
    check_signaled("tkill_blocked_signal_acts_when_unblocked", wait_status(pid), SIGUSR1);
    uint64_t pending;
    check_errno("rt_sigpending_size_16_einval",
                syscall(SYS_rt_sigpending, &pending, 2 * sizeof pending), EINVAL);
}

/* The limits as getrlimit reads them agree with sysconf and with what is enforced. */
static void test_rlimits(void)
{
    struct rlimit fds = {0, 0}, stack = {0, 0}, r;
    check_long("getrlimit_nofile_ok", getrlimit(RLIMIT_NOFILE, &fds), 0);
    check("getrlimit_nofile_cur_within_max",
          fds.rlim_cur > 2 && fds.rlim_cur <= fds.rlim_max,
          "expected 2 < rlim_cur <= rlim_max");
    check_long("sysconf_open_max_is_rlimit_nofile", sysconf(_SC_OPEN_MAX),
               (long)fds.rlim_cur);
    check_errno("dup2_at_rlimit_nofile_ebadf", dup2(0, (int)fds.rlim_cur), EBADF);
    check_errno("f_dupfd_at_rlimit_nofile_einval", fcntl(0, F_DUPFD, (int)fds.rlim_cur),
                EINVAL);
    struct rlimit same = fds;
    check_long("setrlimit_nofile_unchanged_ok", setrlimit(RLIMIT_NOFILE, &same), 0);
    struct rlimit inverted = {fds.rlim_max, fds.rlim_cur - 1};
    check_errno("setrlimit_cur_above_max_einval", setrlimit(RLIMIT_NOFILE, &inverted),
                EINVAL);
    check_long("getrlimit_stack_ok", getrlimit(RLIMIT_STACK, &stack), 0);
    check("getrlimit_stack_at_least_1_mib", stack.rlim_cur >= (1 << 20),
          "expected a stack limit of 1 MiB or more");
    check_errno("getrlimit_bad_resource_einval", syscall(SYS_getrlimit, 1000, &r),
                EINVAL);
    check_long("prlimit64_self_reads_nofile",
               syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r) == 0 &&
                   r.rlim_cur == fds.rlim_cur,
               1);
    check_errno("prlimit64_pid_minus_1_esrch",
                syscall(SYS_prlimit64, -1, RLIMIT_NOFILE, NULL, &r), ESRCH);
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static void test_clocks(void)
{
    struct timespec prev, now;
    check_long("clock_gettime_monotonic_ok",
               syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &prev), 0);
    int backwards = 0, bad_nsec = 0;
    for (int i = 0; i < 1000; i++) {
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
        if (ns_between(&prev, &now) < 0)
            backwards++;
        if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000L)
            bad_nsec++;
        prev = now;
    }
    check_long("clock_gettime_monotonic_never_decreases", backwards, 0);
    check_long("clock_gettime_nsec_in_range", bad_nsec, 0);
    check_long("clock_gettime_realtime_ok",
               syscall(SYS_clock_gettime, CLOCK_REALTIME, &now), 0);
    check("clock_gettime_realtime_after_2020", now.tv_sec > 1577836800L,
          "expected a time after 2020-01-01");
    check_errno("clock_gettime_bad_clock_einval", syscall(SYS_clock_gettime, 1000, &now),
                EINVAL);

    /* Sleeps are lower bounds: at least 10 ms must pass, any more is fine. */
    struct timespec ten_ms = {0, 10000000}, before, after;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &before);
    check_long("nanosleep_ok", syscall(SYS_nanosleep, &ten_ms, NULL), 0);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &after);
    check("nanosleep_10ms_at_least_10ms", ns_between(&before, &after) >= 10000000L,
          "expected MONOTONIC to advance >= 10 ms");
    before = after;
    check_long("clock_nanosleep_ok",
               syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ten_ms, NULL), 0);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &after);
    check("clock_nanosleep_10ms_at_least_10ms", ns_between(&before, &after) >= 10000000L,
          "expected MONOTONIC to advance >= 10 ms");
    struct timespec bad = {0, 1000000000L};
    check_errno("nanosleep_bad_nsec_einval", syscall(SYS_nanosleep, &bad, NULL), EINVAL);
    check_long("sched_yield_ok", syscall(SYS_sched_yield), 0);
}

static void test_getrandom(void)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    check_long("getrandom_fills_64", syscall(SYS_getrandom, a, sizeof a, 0), 64);
    syscall(SYS_getrandom, b, sizeof b, 0);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nonzero |= a[i];
    check("getrandom_not_all_zero", nonzero, "expected some nonzero bytes");
    check("getrandom_two_calls_differ", memcmp(a, b, sizeof a) != 0,
          "expected two different 64-byte results");
    check_errno("getrandom_bad_flags_einval", syscall(SYS_getrandom, a, 1, 0x1000),
                EINVAL);
}

static void test_unknown_syscalls(void)
{
    check_raw_errno("syscall_1000_enosys", raw_syscall2(1000, 0, 0), ENOSYS);
    check_raw_errno("syscall_minus_1_enosys", raw_syscall2(-1, 0, 0), ENOSYS);
}

static void test_tty_ioctls(void)
{
    struct termios t;
    long tc = syscall(SYS_ioctl, 1, TCGETS, &t);
    int e = errno;
    check("isatty_agrees_with_tcgets", isatty(1) == (tc == 0),
          "expected isatty(1) true exactly when TCGETS on fd 1 succeeds");
    check("tcgets_stdout_ok_or_enotty", tc == 0 || e == ENOTTY,
          "expected TCGETS to succeed or fail with ENOTTY");

    int p[2];
    struct winsize ws;
    pipe(p);
    check_errno("tcgets_pipe_enotty", syscall(SYS_ioctl, p[1], TCGETS, &t), ENOTTY);
    check_errno("tiocgwinsz_pipe_enotty", syscall(SYS_ioctl, p[1], TIOCGWINSZ, &ws),
                ENOTTY);
    check_long("isatty_pipe_false", isatty(p[0]), 0);
    close(p[0]);
    close(p[1]);
    check_errno("ioctl_bad_fd_ebadf", syscall(SYS_ioctl, 999, TCGETS, &t), EBADF);
}

/* A terminal without a complete line: a non-blocking read says EAGAIN, it does
 * not wait. In lark, the console (nobody types during the tests); on Linux, a new
 * pseudo-terminal, so that the test leaves the host's terminals alone. */
static void test_tty_nonblock(void)
{
    struct utsname u;
    int lark = uname(&u) == 0 && strcmp(u.sysname, "Lark") == 0;
    int master = -1, tty = -1;
    if (lark) {
        tty = open("/dev/console", O_RDONLY | O_NONBLOCK | O_NOCTTY);
    } else {
        master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
            tty = open(ptsname(master), O_RDONLY | O_NONBLOCK | O_NOCTTY);
    }
    check("tty_nonblock_open", tty >= 0, "expected to open a terminal");
    char c;
    check_errno("tty_nonblock_read_eagain", read(tty, &c, 1), EAGAIN);
    close(tty);
    if (master >= 0)
        close(master);
}

/* A child makes exit syscall nr with code; it must exit with status want. */
static void check_exit_status(const char *name, long nr, int code, int want)
{
    pid_t pid = fork();
    if (pid == 0) {
        syscall(nr, code);
        _exit(99); /* only if the syscall returned */
    }
    check_exited(name, wait_status(pid), want);
}

static void test_exit(void)
{
    check_exit_status("exit_group_status", SYS_exit_group, 42, 42);
    check_exit_status("exit_group_status_low_8_bits", SYS_exit_group, 300, 300 & 0xff);
    check_exit_status("exit_single_thread_status", SYS_exit, 7, 7);
}

int main(void)
{
    test_arch_prctl();
    test_ids();
    test_uname();
    test_sigprocmask();
    test_sigaction();
    test_kill();
    test_raise();
    test_rlimits();
    test_clocks();
    test_getrandom();
    test_unknown_syscalls();
    test_tty_ioctls();
    test_tty_nonblock();
    test_exit();
    return test_done("t_misc");
}
