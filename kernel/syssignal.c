/* syssignal.c: rt_sigaction and rt_sigprocmask. Dispositions and the mask are
 * recorded (so SIG_IGN works, and exec keeps ignored signals ignored); handlers are
 * not run: a signal with a handler takes its default action (see proc_signal). */
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
