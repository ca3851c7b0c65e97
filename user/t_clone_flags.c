/* t_clone_flags: clone rejects flag combinations that make no sense with EINVAL,
 * before creating anything, exactly where Linux does (clone(2), ERRORS); and, as
 * Linux, it takes an exit signal that is no signal. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <sched.h>

/* Raw clone(flags, stack 0, parent_tid, child_tid 0, tls 0). Should the kernel wrongly
 * accept the flags, the child exits at once from registers alone (it may share our
 * memory and stack) with status CHILD_STATUS. The caller reaps it. */
#define CHILD_STATUS 7

static long clone_raw(unsigned long flags)
{
    int parent_tid = 0;
    register long r10 __asm__("r10") = 0;
    register long r8 __asm__("r8") = 0;
    long ret;
    __asm__ volatile("syscall\n"
                     "test %%rax, %%rax\n"
                     "jnz 1f\n"
                     "mov $60, %%eax\n" /* child: exit(CHILD_STATUS) */
                     "mov $7, %%edi\n"
                     "syscall\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(56L), "D"(flags), "S"(0L), "d"(&parent_tid), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}
_Static_assert(CHILD_STATUS == 7, "the asm above hard-codes it");

static long clone_flags(unsigned long flags)
{
    long ret = clone_raw(flags);
    if (ret > 0)
        waitpid(ret, NULL, __WALL);
    return ret;
}

static void expect_einval(const char *name, unsigned long flags)
{
    long ret = clone_flags(flags);
    if (ret > 0)
        fail(name, "expected -EINVAL, but a child was created (pid %ld)", ret);
    else
        check_raw_errno(name, ret, EINVAL);
}

/* Linux's clone takes any exit signal byte (only clone3 checks it). One that is not a
 * signal (65..255) is never sent; like any exit signal but SIGCHLD, it makes the child
 * one that only __WALL or __WCLONE wait for. */
static void expect_odd_exit_signal(unsigned long sig)
{
    char name[64];
    long pid = clone_raw(sig);
    snprintf(name, sizeof name, "clone_exit_signal_%lu_accepted", sig);
    if (pid <= 0) {
        fail(name, "expected a child pid, got %ld", pid);
        return;
    }
    pass(name);
    snprintf(name, sizeof name, "clone_exit_signal_%lu_plain_waitpid_echild", sig);
    check_errno(name, waitpid(pid, NULL, 0), ECHILD);
    int st = -1;
    long r = waitpid(pid, &st, __WALL);
    snprintf(name, sizeof name, "clone_exit_signal_%lu_wall_reaps", sig);
    if (r == pid)
        check_exited(name, st, CHILD_STATUS);
    else
        fail(name, "expected waitpid(__WALL) to return %ld, got %ld", pid, r);
}

int main(void)
{
    expect_einval("clone_sighand_without_vm_einval", CLONE_SIGHAND | SIGCHLD);
    expect_einval("clone_thread_sighand_without_vm_einval", CLONE_THREAD | CLONE_SIGHAND);
    expect_einval("clone_thread_without_sighand_einval", CLONE_THREAD);
    expect_einval("clone_thread_vm_without_sighand_einval", CLONE_THREAD | CLONE_VM);
    expect_einval("clone_thread_vm_vfork_without_sighand_einval",
                  CLONE_THREAD | CLONE_VM | CLONE_VFORK);
    expect_einval("clone_pidfd_with_parent_settid_einval",
                  CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD);
    expect_einval("clone_pidfd_with_detached_einval",
                  CLONE_PIDFD | CLONE_DETACHED | SIGCHLD);
    expect_einval("clone_fs_with_newns_einval", CLONE_FS | CLONE_NEWNS | SIGCHLD);
    expect_einval("clone_fs_with_newuser_einval", CLONE_FS | CLONE_NEWUSER | SIGCHLD);
    expect_einval("clone_thread_with_newpid_einval",
                  CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID);
    expect_einval("clone_thread_with_newuser_einval",
                  CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWUSER);
    expect_odd_exit_signal(65);
    expect_odd_exit_signal(255);
    check_errno("clone_einval_created_no_child", waitpid(-1, NULL, WNOHANG | __WALL),
                ECHILD);
    return test_done("t_clone_flags");
}
