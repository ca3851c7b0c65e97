/* syssignal.c: rt_sigaction, rt_sigprocmask and rt_sigpending, and tkill and tgkill
 * (musl's raise and abort). Dispositions and the mask are recorded (so SIG_IGN
 * works, and exec keeps ignored signals ignored); handlers are not run: a signal
 * with a handler takes its default action (see proc_signal). */
#include "errno.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"

#define UNBLOCKABLE ((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)))

/* rt_sigaction(sig, act, oldact, sigsetsize) */
long sys_rt_sigaction(ARGS6)
{
    (void)a4, (void)a5;
    int sig = (int)a0;
    if (a3 != sizeof(uint64_t) || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (a1 && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct proc *p = myproc();
    struct k_sigaction new_action, old = p->sigactions[sig - 1];
    if (a1 && copy_from_user(&new_action, a1, sizeof new_action))
        return -EFAULT;
    if (a2 && copy_to_user(a2, &old, sizeof old))
        return -EFAULT;
    if (a1) {
        new_action.mask &= ~UNBLOCKABLE;
        p->sigactions[sig - 1] = new_action;
    }
    return 0;
}

/* rt_sigprocmask(how, set, oldset, sigsetsize) */
long sys_rt_sigprocmask(ARGS6)
{
    (void)a4, (void)a5;
    if (a3 != sizeof(uint64_t))
        return -EINVAL;
    struct proc *p = myproc();
    uint64_t set, old = p->sigmask;
    if (a1) {
        if (copy_from_user(&set, a1, sizeof set))
            return -EFAULT;
        switch (a0) {
        case SIG_BLOCK:
            p->sigmask |= set;
            break;
        case SIG_UNBLOCK:
            p->sigmask &= ~set;
            break;
        case SIG_SETMASK:
            p->sigmask = set;
            break;
        default:
            return -EINVAL;
        }
        p->sigmask &= ~UNBLOCKABLE;
    }
    if (a2 && copy_to_user(a2, &old, sizeof old))
        return -EFAULT;
    return 0; /* newly unblocked pending signals act on the way out (syscall.c) */
}

/* rt_sigpending(set, sigsetsize): the blocked signals that arrived. */
long sys_rt_sigpending(ARGS6)
{
    IGNORE_ARGS;
    if (a1 > sizeof(uint64_t))
        return -EINVAL; /* as Linux: a smaller size copies that many bytes */
    struct proc *p = myproc();
    acquire(&ptable_lock);
    uint64_t pending = p->sigpending & p->sigmask;
    release(&ptable_lock);
    return copy_to_user(a0, &pending, a1);
}

/* Send sig to thread tid: every process here has one thread, whose id is its pid. */
static long signal_thread(pid_t tid, int sig)
{
    if (sig < 0 || sig > NSIG) {
        long err = proc_kill(tid, 0); /* as Linux: ESRCH comes before EINVAL */
        return err ? err : -EINVAL;
    }
    return proc_kill(tid, sig);
}

/* tkill(tid, sig) */
long sys_tkill(ARGS6)
{
    IGNORE_ARGS;
    if ((pid_t)a0 <= 0)
        return -EINVAL;
    return signal_thread((pid_t)a0, (int)a1);
}

/* tgkill(tgid, tid, sig): tid must be in thread group tgid, so here tid == tgid. */
long sys_tgkill(ARGS6)
{
    IGNORE_ARGS;
    if ((pid_t)a0 <= 0 || (pid_t)a1 <= 0)
        return -EINVAL;
    if ((pid_t)a0 != (pid_t)a1)
        return -ESRCH;
    return signal_thread((pid_t)a1, (int)a2);
}
