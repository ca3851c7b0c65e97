/* t_vfork: vfork semantics through musl's vfork() (syscall 58): the child shares the
 * parent's memory, and the parent is suspended until the child exits or execs. The
 * child code only stores to memory and makes syscalls, as vfork allows. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#define CHILD_YIELDS 2000 /* give a wrongly running parent every chance to overtake */
#define REPEATS      200

/* Shared with the child (same memory); volatile so every access really happens. */
static volatile int ticket, child_ticket, child_wrote;
static volatile pid_t child_pid_seen, child_ppid_seen;
static volatile int child_errno;

static void test_shared_memory(void)
{
    volatile int on_stack = 1;
    child_wrote = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        child_wrote = 1234;
        on_stack = 5678;
        _exit(0);
    }
    check("vfork_returns_child_pid", pid > 0, "expected a positive pid in the parent");
    check_long("vfork_child_global_write_seen", child_wrote, 1234);
    check_long("vfork_child_stack_write_seen", on_stack, 5678);
    check_exited("vfork_child_exit_status", wait_status(pid), 0);
}

/* The child yields many times and then takes a ticket; the parent takes one when
 * vfork returns. A suspended parent always gets the later ticket. */
static void test_parent_waits_for_exit(void)
{
    ticket = child_ticket = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        for (int i = 0; i < CHILD_YIELDS; i++)
            sched_yield();
        child_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
        _exit(7);
    }
    int parent_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
    check_long("vfork_parent_suspended_until_child_exits", child_ticket, 1);
    check_long("vfork_parent_runs_after_child", parent_ticket, 2);
    check_exited("vfork_child_exit_7", wait_status(pid), 7);
}

static void test_pids(void)
{
    child_pid_seen = child_ppid_seen = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        child_pid_seen = getpid();
        child_ppid_seen = getppid();
        _exit(0);
    }
    check_long("vfork_returns_child_getpid", pid, child_pid_seen);
    check_long("vfork_child_getppid_is_parent", child_ppid_seen, getpid());
    check("vfork_child_pid_differs", child_pid_seen != getpid(),
          "expected the child's pid to differ from the parent's");
    check_long("vfork_waitpid_returns_pid", waitpid(pid, NULL, 0), pid);
}

/* The child execs readexit, which blocks reading a pipe we hold: the parent must
 * resume at the exec (not at the exit, which would deadlock here), and only after
 * the child's last store before execve. */
static void test_parent_waits_for_exec(void)
{
    char *path = helper_path("readexit");
    char *argv[] = {"readexit", NULL};
    char *envp[] = {NULL};
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0) {
        fail("vfork_exec_setup", "pipe2: %s", strerrorname(errno));
        return;
    }
    ticket = child_ticket = 0;
    child_errno = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        dup2(in[0], 0); /* fd 0 without O_CLOEXEC */
        for (int i = 0; i < CHILD_YIELDS; i++)
            sched_yield();
        child_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
        execve(path, argv, envp);
        child_errno = errno;
        _exit(127);
    }
    int parent_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
    check_long("vfork_parent_suspended_until_child_execs", child_ticket, 1);
    check_long("vfork_parent_runs_after_exec", parent_ticket, 2);
    check_long("vfork_child_execve_succeeded", child_errno, 0);
    check_long("vfork_child_alive_after_exec", waitpid(pid, NULL, WNOHANG), 0);
    char byte = 42;
    if (write(in[1], &byte, 1) != 1)
        fail("vfork_exec_setup", "write to pipe: %s", strerrorname(errno));
    close(in[0]);
    close(in[1]);
    check_exited("vfork_exec_child_exit_status", wait_status(pid), 42);
}

/* A failed execve returns to the child, which can still _exit with its own code, and
 * it does not release the parent: the child is still running on the parent's stack.
 * (The child keeps running a while after the failure, so a parent released too early
 * takes the first ticket.) */
static void test_exec_fails(void)
{
    char *path = helper_path("no-such-program");
    char *argv[] = {"no-such-program", NULL};
    char *envp[] = {NULL};
    ticket = child_ticket = 0;
    child_errno = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        for (int i = 0; i < CHILD_YIELDS; i++)
            sched_yield();
        execve(path, argv, envp);
        int e = errno;
        for (int i = 0; i < CHILD_YIELDS; i++)
            sched_yield();
        child_errno = e;
        child_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
        _exit(42);
    }
    int parent_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
    check_long("vfork_failed_execve_keeps_parent_waiting", child_ticket, 1);
    check_long("vfork_parent_runs_after_failed_execve", parent_ticket, 2);
    check_long("vfork_child_execve_enoent", child_errno, ENOENT);
    check_exited("vfork_child_exit_after_failed_execve", wait_status(pid), 42);
}

/* One vfork whose child yields `yields` times, takes its ticket and exits with
 * `code`; the parent takes its ticket when vfork returns. The child's pid. */
static pid_t __attribute__((noinline))
vfork_ticket(int yields, int code, int *parent_ticket)
{
    ticket = child_ticket = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        for (int j = 0; j < yields; j++)
            sched_yield();
        child_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
        _exit(code);
    }
    *parent_ticket = __atomic_add_fetch(&ticket, 1, __ATOMIC_SEQ_CST);
    return pid;
}

/* Many vforks in a row, each child taking its ticket after a few yields: the parent
 * must come second every time (on several CPUs: no race between wait and wake-up). */
static void test_repeated(void)
{
    int late = -1, bad_status = -1, st = 0;
    for (int i = 0; i < REPEATS && late < 0 && bad_status < 0; i++) {
        int parent_ticket = 0;
        pid_t pid = vfork_ticket(i % 8, i & 0xff, &parent_ticket);
        if (parent_ticket != 2 || child_ticket != 1)
            late = i;
        st = wait_status(pid);
        if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0xff))
            bad_status = i;
    }
    if (late >= 0)
        fail("vfork_repeated_parent_waits", "vfork %d of %d: the parent ran first",
             late + 1, REPEATS);
    else
        pass("vfork_repeated_parent_waits");
    if (bad_status >= 0)
        fail("vfork_repeated_exit_statuses", "vfork %d: expected exited %d, got %s",
             bad_status + 1, bad_status & 0xff, status_str(st));
    else
        pass("vfork_repeated_exit_statuses");
}

/* A parent waiting in vfork can still be killed (Linux: the wait is killable). P
 * vforks C, which reports its pid and blocks reading a pipe; P must still be in vfork
 * (it has not set *returned, a word the test shares with it: one store, so a P that
 * wrongly runs sets it before anything it shares with C can go wrong), and SIGKILL
 * must end it there. */
static void test_killable(void)
{
    int ready[2], never[2];
    volatile int *returned =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (returned == MAP_FAILED || pipe(ready) != 0 || pipe(never) != 0) {
        fail("vfork_kill_setup", "mmap/pipe: %s", strerrorname(errno));
        return;
    }
    *returned = 0;
    pid_t parent = fork();
    if (parent == 0) {
        close(never[1]);
        pid_t pid = vfork();
        if (pid == 0) {
            for (int i = 0; i < CHILD_YIELDS; i++)
                sched_yield();
            pid_t me = getpid();
            char byte;
            if (write(ready[1], &me, sizeof me) == sizeof me)
                read(never[0], &byte, 1); /* until the test closes never[1] */
            _exit(0);
        }
        *returned = 1;
        _exit(0);
    }
    close(ready[1]);
    close(never[0]);
    pid_t child = 0;
    long n = read_all(ready[0], &child, sizeof child);
    check("vfork_kill_parent_was_waiting", n == sizeof child && *returned == 0,
          "expected the vfork parent still in vfork while its child runs");
    kill(parent, SIGKILL);
    check_signaled("vfork_waiting_parent_killable", wait_status(parent), SIGKILL);
    close(never[1]); /* the orphaned child reads EOF and exits */
    close(ready[0]);
    munmap((void *)returned, 4096);
}

/* The parent keeps working after all this: its stack frame was shared. */
static void test_parent_intact(void)
{
    char buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = i * 3;
    pid_t pid = vfork();
    if (pid == 0)
        _exit(3);
    int ok = 1;
    for (int i = 0; i < 64; i++)
        ok &= buf[i] == (char)(i * 3);
    check("vfork_parent_stack_intact", ok, "expected the parent's buffer unchanged");
    check_exited("vfork_repeat_exit_status", wait_status(pid), 3);
    check_errno("vfork_no_children_left", waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* Parts (see test.h): exit, exec, failexec, repeat, kill. */
int main(int argc, char **argv)
{
    proctest_init(argv[0]);
    test_parts(argc, argv);
    if (test_part("exit")) {
        test_shared_memory();
        test_parent_waits_for_exit();
        test_pids();
        test_parent_intact();
    }
    if (test_part("exec"))
        test_parent_waits_for_exec();
    if (test_part("failexec"))
        test_exec_fails();
    if (test_part("repeat"))
        test_repeated();
    if (test_part("kill"))
        test_killable();
    return test_done("t_vfork");
}
