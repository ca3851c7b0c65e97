/* t_vfork: vfork semantics through musl's vfork() (syscall 58): the child shares the
 * parent's memory, and the parent is suspended until the child exits or execs. The
 * child code only stores to memory and makes syscalls, as vfork allows. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <sched.h>

#define CHILD_YIELDS 2000 /* give a wrongly running parent every chance to overtake */

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

/* A failed execve returns to the child, which can still _exit with its own code. */
static void test_exec_fails(void)
{
    char *path = helper_path("no-such-program");
    char *argv[] = {"no-such-program", NULL};
    char *envp[] = {NULL};
    child_errno = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        execve(path, argv, envp);
        child_errno = errno;
        _exit(42);
    }
    check_long("vfork_child_execve_enoent", child_errno, ENOENT);
    check_exited("vfork_child_exit_after_failed_execve", wait_status(pid), 42);
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

int main(int argc, char **argv)
{
    (void)argc;
    proctest_init(argv[0]);
    test_shared_memory();
    test_parent_waits_for_exit();
    test_pids();
    test_parent_waits_for_exec();
    test_exec_fails();
    test_parent_intact();
    return test_done("t_vfork");
}
