/* sysproc.c: system calls about processes: identity, exit and wait, signals to
 * others, the FS base, and what the machine is. */
#include "errno.h"
#include "memlayout.h"
#include "percpu.h"
#include "proc.h"
#include "string.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

long sys_getpid(ARGS6)
{
    IGNORE_ARGS;
    return myproc()->pid;
}

long sys_gettid(ARGS6)
{
    IGNORE_ARGS;
    return myproc()->pid; /* one thread per process */
}

long sys_getppid(ARGS6)
{
    IGNORE_ARGS;
    acquire(&ptable_lock);
    struct proc *parent = myproc()->parent;
    long pid = parent ? parent->pid : 0;
    release(&ptable_lock);
    return pid;
}

/* Everyone is root; every process is in one session and process group, init's. */
long sys_getuid(ARGS6)
{
    IGNORE_ARGS;
    return 0;
}
long sys_geteuid(ARGS6)
{
    IGNORE_ARGS;
    return 0;
}
long sys_getgid(ARGS6)
{
    IGNORE_ARGS;
    return 0;
}
long sys_getegid(ARGS6)
{
    IGNORE_ARGS;
    return 0;
}
long sys_getpgrp(ARGS6)
{
    IGNORE_ARGS;
    return 1;
}
long sys_getsid(ARGS6)
{
    IGNORE_ARGS;
    return 1;
}
long sys_setsid(ARGS6)
{
    IGNORE_ARGS;
    return -EPERM;
}

long sys_getpgid(ARGS6)
{
    IGNORE_ARGS;
    return 1;
}

long sys_exit(ARGS6)
{
    IGNORE_ARGS;
    proc_exit(W_EXITED(a0));
}

long sys_exit_group(ARGS6)
{
    IGNORE_ARGS;
    proc_exit(W_EXITED(a0));
}

long sys_wait4(ARGS6)
{
    IGNORE_ARGS;
    long ret = proc_wait4((pid_t)a0, a1, (int)a2);
    if (ret > 0 && a3) {
        static const char zero_rusage[144];
        if (copy_to_user(a3, zero_rusage, sizeof zero_rusage))
            return -EFAULT;
    }
    return ret;
}

long sys_kill(ARGS6)
{
    IGNORE_ARGS;
    return proc_kill((pid_t)a0, (int)a1);
}

long sys_sched_yield(ARGS6)
{
    IGNORE_ARGS;
    yield();
    return 0;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long sys_arch_prctl(ARGS6)
{
    IGNORE_ARGS;
    struct proc *p = myproc();
    switch (a0) {
    case ARCH_SET_FS:
        if (a1 >= USER_TOP)
            return -EPERM; /* as Linux: the base must be a user address */
        p->fs_base = a1;
        wrmsr(MSR_FS_BASE, a1);
        return 0;
    case ARCH_GET_FS:
        return copy_to_user(a1, &p->fs_base, sizeof p->fs_base);
    default:
        return -EINVAL;
    }
}

long sys_set_tid_address(ARGS6)
{
    IGNORE_ARGS;
    myproc()->clear_child_tid = a0;
    return myproc()->pid;
}

struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domain[65];
};

long sys_uname(ARGS6)
{
    IGNORE_ARGS;
    struct utsname u;
    memset(&u, 0, sizeof u);
    strlcpy(u.sysname, "Lark", sizeof u.sysname);
    strlcpy(u.nodename, "lark", sizeof u.nodename);
    strlcpy(u.release, "6.1.0-lark",
            sizeof u.release); /* musl checks nothing; tools might */
    strlcpy(u.version, "#1 SMP", sizeof u.version);
    strlcpy(u.machine, "x86_64", sizeof u.machine);
    return copy_to_user(a0, &u, sizeof u);
}

long sys_sched_getaffinity(ARGS6)
{
    IGNORE_ARGS;
    /* Every online CPU. The size must hold a whole number of longs (Linux). */
    uint64_t mask = cpus_online_mask();
    if (a1 < sizeof mask || a1 % sizeof(uint64_t))
        return -EINVAL;
    if (copy_to_user(a2, &mask, sizeof mask)) /* only the bytes we return, as Linux */
        return -EFAULT;
    return sizeof mask;
}

long sys_getcpu(ARGS6)
{
    IGNORE_ARGS;
    push_off();
    unsigned cpu = mycpu()->id, node = 0;
    pop_off();
    if (a0 && copy_to_user(a0, &cpu, sizeof cpu))
        return -EFAULT;
    if (a1 && copy_to_user(a1, &node, sizeof node))
        return -EFAULT;
    return 0;
}
