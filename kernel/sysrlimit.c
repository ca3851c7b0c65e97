/* sysrlimit.c: getrlimit, setrlimit and prlimit64. The limits are this kernel's
 * fixed sizes (descriptors per process, the stack, the process table), the same for
 * every process: they can be read (sysconf(_SC_OPEN_MAX) asks), and set only to
 * what they already are. */
#include "errno.h"
#include "param.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"

#define RLIMIT_STACK  3
#define RLIMIT_CORE   4
#define RLIMIT_NPROC  6
#define RLIMIT_NOFILE 7
#define RLIM_NLIMITS  16
#define RLIM_INFINITY (~0UL)

struct rlimit64 {
    uint64_t cur, max;
};

static struct rlimit64 limit_of(unsigned int resource)
{
    switch (resource) {
    case RLIMIT_STACK:
        return (struct rlimit64){USTACK_SIZE, USTACK_SIZE}; /* what execve reserves */
    case RLIMIT_CORE:
        return (struct rlimit64){0, RLIM_INFINITY}; /* Linux's default: no core files */
    case RLIMIT_NPROC:
        return (struct rlimit64){NPROC, NPROC};
    case RLIMIT_NOFILE:
        return (struct rlimit64){NOFILE, NOFILE};
    default:
        return (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY}; /* nothing enforced */
    }
}

/* Linux's do_prlimit, for limits that cannot change: EPERM for any other value. */
static long do_prlimit(unsigned int resource, const struct rlimit64 *new,
                       struct rlimit64 *old)
{
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    struct rlimit64 cur = limit_of(resource);
    if (new &&new->cur > new->max)
        return -EINVAL;
    if (new && (new->cur != cur.cur || new->max != cur.max))
        return -EPERM;
    if (old)
        *old = cur;
    return 0;
}

long sys_getrlimit(ARGS6)
{
    IGNORE_ARGS;
    struct rlimit64 old;
    long err = do_prlimit((unsigned int)a0, 0, &old);
    return err ? err : copy_to_user(a1, &old, sizeof old);
}

long sys_setrlimit(ARGS6)
{
    IGNORE_ARGS;
    struct rlimit64 new;
    if (copy_from_user(&new, a1, sizeof new))
        return -EFAULT;
    return do_prlimit((unsigned int)a0, &new, 0);
}

/* prlimit64(pid, resource, new, old): pid 0 is the caller; any process has the
 * same limits, but it must exist. */
long sys_prlimit64(ARGS6)
{
    IGNORE_ARGS;
    pid_t pid = (pid_t)a0;
    struct rlimit64 new, old;
    if (a2 && copy_from_user(&new, a2, sizeof new))
        return -EFAULT;
    if (pid < 0 || (pid > 0 && proc_kill(pid, 0) == -ESRCH))
        return -ESRCH;
    long err = do_prlimit((unsigned int)a1, a2 ? &new : 0, a3 ? &old : 0);
    if (!err && a3)
        err = copy_to_user(a3, &old, sizeof old);
    return err;
}
