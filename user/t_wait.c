/* t_wait: wait4/waitpid: WNOHANG, ECHILD, any child vs one child, the status encoding,
 * exit vs exit_group, reaping exactly once, orphans. A child that must still be running
 * blocks reading a pipe we hold, so every case is deterministic. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>

/* Fork a child that blocks reading a pipe; writing byte b to *release makes it exit
 * with status b, closing *release makes it exit with 255. */
static pid_t fork_blocked(int *release)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        unsigned char c;
        _exit(read(p[0], &c, 1) == 1 ? c : 255);
    }
    close(p[0]);
    *release = p[1];
    return pid;
}

static pid_t fork_exit(int code)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(code);
    return pid;
}

static void test_no_children(void)
{
    int st;
    check_errno("waitpid_no_children_echild", waitpid(-1, &st, 0), ECHILD);
    check_errno("waitpid_wnohang_no_children_echild", waitpid(-1, &st, WNOHANG), ECHILD);
    check_errno("waitpid_self_echild", waitpid(getpid(), &st, 0), ECHILD);
    check_errno("waitpid_parent_echild", waitpid(getppid(), &st, 0), ECHILD);
    check_errno("waitpid_init_echild", waitpid(1, &st, WNOHANG), ECHILD);
}

static void test_wnohang(void)
{
    int release, st = -1;
    pid_t pid = fork_blocked(&release);
    check_long("waitpid_wnohang_running_child_0", waitpid(pid, &st, WNOHANG), 0);
    check_long("waitpid_wnohang_any_running_child_0", waitpid(-1, &st, WNOHANG), 0);
    check_errno("wait4_unknown_option_einval", syscall(SYS_wait4, pid, &st, 0x10, NULL),
                EINVAL);
    unsigned char b = 33;
    if (write(release, &b, 1) != 1)
        fail("wait_setup", "write: %s", strerrorname(errno));
    close(release);
    check_long("waitpid_blocking_returns_pid", waitpid(pid, &st, 0), pid);
    check_exited("waitpid_status_after_release", st, 33);
    check_errno("waitpid_reaped_child_echild", waitpid(pid, &st, WNOHANG), ECHILD);
}

/* waitpid(pid) waits for that child only, even when another is a zombie. */
static void test_specific_child(void)
{
    int release, st, done[2];
    pid_t blocked = fork_blocked(&release);
    if (pipe(done) != 0)
        return;
    pid_t quick = fork();
    if (quick == 0)
        _exit(5); /* its end of `done` closes as it exits */
    close(done[1]);
    char c;
    if (read(done[0], &c, 1) != 0)
        fail("wait_setup", "expected EOF from the exiting child");
    close(done[0]);
    check_long("waitpid_pid_ignores_other_zombie", waitpid(blocked, &st, WNOHANG), 0);
    check_long("waitpid_pid_returns_that_child", waitpid(quick, &st, 0), quick);
    check_exited("waitpid_pid_status", st, 5);
    close(release);
    check_long("waitpid_blocked_child_released", waitpid(blocked, &st, 0), blocked);
    check_exited("waitpid_child_sees_eof_exit_255", st, 255);
}

static void test_any_child(void)
{
    pid_t pids[3];
    for (int i = 0; i < 3; i++)
        pids[i] = fork_exit(11 + i);
    int seen = 0, bad = 0;
    for (int n = 0; n < 3; n++) {
        int st;
        pid_t got = waitpid(-1, &st, 0);
        int which = -1;
        for (int i = 0; i < 3; i++)
            if (got == pids[i])
                which = i;
        if (which < 0 || (seen & 1 << which) || !WIFEXITED(st) ||
            WEXITSTATUS(st) != 11 + which) {
            fail("waitpid_any_reaps_each_child_once", "wait %d: got pid %d, %s", n, got,
                 status_str(st));
            bad = 1;
            break;
        }
        seen |= 1 << which;
    }
    if (!bad)
        pass("waitpid_any_reaps_each_child_once");
    check_errno("waitpid_any_after_all_reaped_echild", waitpid(-1, NULL, 0), ECHILD);
}

/* The raw status words, as Linux encodes them. */
static void test_status_encoding(void)
{
    int st = -1, release;
    waitpid(fork_exit(3), &st, 0);
    check_long("status_exit_3_is_0x300", st, 0x300);
    check("status_exit_wifexited",
          WIFEXITED(st) && WEXITSTATUS(st) == 3 && !WIFSIGNALED(st),
          "expected WIFEXITED with WEXITSTATUS 3");
    waitpid(fork_exit(259), &st, 0);
    check_long("status_exit_keeps_low_8_bits", st, 0x300);
    waitpid(fork_exit(-1), &st, 0);
    check_long("status_exit_minus_1_is_255", st, 0xff00);

    pid_t pid = fork_blocked(&release);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    close(release);
    check_long("status_sigkill_is_9", st, SIGKILL);
    check("status_sigkill_wifsignaled", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "expected WIFSIGNALED with WTERMSIG 9");
    pid = fork_blocked(&release);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    close(release);
    check_long("status_sigterm_is_15", st, SIGTERM);
}

/* exit ends the (single-threaded) process just like exit_group. */
static void test_exit_syscalls(void)
{
    int st = -1;
    pid_t pid = fork();
    if (pid == 0)
        raw_syscall1(SYS_exit, 7);
    waitpid(pid, &st, 0);
    check_long("exit_syscall_status_7", st, 0x700);
    pid = fork();
    if (pid == 0)
        raw_syscall1(SYS_exit_group, 8);
    waitpid(pid, &st, 0);
    check_long("exit_group_syscall_status_8", st, 0x800);
    pid = fork();
    if (pid == 0)
        raw_syscall1(SYS_exit_group, 0x1234);
    waitpid(pid, &st, 0);
    check_long("exit_group_keeps_low_8_bits", st, 0x3400);
}

static void test_null_pointers(void)
{
    struct rusage ru;
    pid_t pid = fork_exit(9);
    check_long("wait4_null_rusage_returns_pid", syscall(SYS_wait4, pid, NULL, 0, NULL),
               pid);
    pid = fork_exit(9);
    check_long("wait4_with_rusage_returns_pid", syscall(SYS_wait4, pid, NULL, 0, &ru),
               pid);
    check_errno("wait4_null_status_reaped", waitpid(pid, NULL, WNOHANG), ECHILD);
}

/* A grandchild whose parent exited belongs to init (or a subreaper), never to us. */
static void test_orphan(void)
{
    int hold[2], report[2];
    if (pipe(hold) != 0 || pipe(report) != 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            close(hold[1]);
            char c;
            _exit(read(hold[0], &c, 1) < 0);
        }
        _exit(write(report[1], &grandchild, sizeof grandchild) == sizeof grandchild ? 0
                                                                                    : 1);
    }
    close(hold[0]);
    close(report[1]);
    pid_t grandchild = -1;
    if (read(report[0], &grandchild, sizeof grandchild) != sizeof grandchild)
        fail("wait_setup", "no grandchild pid");
    close(report[0]);
    check_exited("orphan_parent_exits", wait_status(child), 0);
    if (getpid() == 1) {
        /* We are init (the only program under `make run`): orphans come to us. */
        close(hold[1]);
        check_exited("orphan_reparented_to_init", wait_status(grandchild), 0);
        return;
    }
    check_errno("orphan_grandchild_not_our_child", waitpid(grandchild, NULL, WNOHANG),
                ECHILD);
    check_errno("orphan_not_reaped_by_wait_any", waitpid(-1, NULL, WNOHANG), ECHILD);
    close(hold[1]); /* lets the grandchild finish; its new parent reaps it */
}

int main(void)
{
    test_no_children();
    test_wnohang();
    test_specific_child();
    test_any_child();
    test_status_encoding();
    test_exit_syscalls();
    test_null_pointers();
    test_orphan();
    return test_done("t_wait");
}
