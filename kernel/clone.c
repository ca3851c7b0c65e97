/* clone.c: creating processes: clone(2), and fork(2) and vfork(2), which are clone
 * with fixed flags. The child is a copy of the parent that returns from the same
 * system call: same registers (its trap frame is a copy of the parent's) except
 * rax = 0 and, if given, a new stack pointer. It starts in clone_trampoline. */
#include "clone.h"
#include "errno.h"
#include "file.h"
#include "fs.h"
#include "memlayout.h"
#include "mm.h"
#include "printf.h"
#include "proc.h"
#include "string.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

void clone_trampoline(void); /* clone_trampoline.S */

/* The flag rules of clone(2) (and Linux's copy_process): EINVAL for combinations
 * that make no sense, and for the sensible ones this kernel does not support. */
static int check_clone_flags(uint64_t flags)
{
    if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
        return -EINVAL;
    if ((flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if ((flags & CLONE_PARENT) && myproc() == initproc)
        return -EINVAL;
    if ((flags & CLONE_PIDFD) && (flags & (CLONE_DETACHED | CLONE_PARENT_SETTID)))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID)))
        return -EINVAL;
    /* Valid, but not implemented here (listed in the README). Sharing an address
     * space is only supported while the parent sleeps: CLONE_VM needs CLONE_VFORK. */
    const uint64_t unsupported =
        CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PIDFD | CLONE_THREAD |
        CLONE_NEWNS | CLONE_SYSVSEM | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
        CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_PARENT;
    if (flags & unsupported)
        return -EINVAL;
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return -EINVAL;
    /* As Linux, any exit signal byte is taken (only clone3 checks it): proc_signal
     * sends none that is not a signal, and wait4 treats it as any non-SIGCHLD one. */
    return 0;
}

/* LAB clone: BEGIN */
/* Copy what a child inherits, except the registers. */
static int copy_process_state(struct proc *child, struct proc *parent, uint64_t flags)
{
    if (flags & CLONE_VM) {
        mm_get(parent->mm);
        child->mm = parent->mm;
    } else {
        child->mm = mm_copy(parent->mm);
        if (!child->mm)
            return -ENOMEM;
    }
    files_copy(child, parent);
    child->cwd = parent->cwd;
    if (child->cwd)
        inode_get(child->cwd);
    memcpy(child->name, parent->name, sizeof child->name);
    memcpy(child->sigactions, parent->sigactions, sizeof child->sigactions);
    child->sigmask = parent->sigmask;
    child->fs_base = parent->fs_base;
    fpu_save(parent); /* the parent's live FP registers become the child's */
    memcpy(child->fpu, parent->fpu, sizeof child->fpu);
    return 0;
}
/* LAB clone: STUB
LAB clone: END */

long sys_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid,
               uint64_t tls, uint64_t unused)
{
    (void)unused;
    struct proc *parent = myproc();
    flags =
        (uint32_t)flags; /* as Linux: clone ignores the upper bits (clone3 has them) */
    int err = check_clone_flags(flags);
    if (err)
        return err;
    if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
        return -EPERM; /* as arch_prctl: the FS base must be a user address */

    /* LAB clone: BEGIN */
    struct proc *child = proc_alloc(clone_trampoline);
    if (!child)
        return -EAGAIN;
    err = copy_process_state(child, parent, flags);
    if (err) {
        files_close_all(child);
        if (child->cwd)
            inode_put(child->cwd);
        proc_free(child);
        return err;
    }

    /* The child returns from this same system call: the parent's registers, but
     * rax = 0 (it is the child) and its own stack if one was given. */
    *child->tf = *parent->tf;
    child->tf->rax = 0;
    if (newsp)
        child->tf->rsp = newsp;
    if (flags & CLONE_SETTLS)
        child->fs_base = tls;

    pid_t pid = child->pid;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_user(parent_tid, &pid, sizeof pid); /* Linux ignores a fault here too */
    if (flags & CLONE_CHILD_SETTID) {
        /* The child's memory: the same as ours under CLONE_VM, else its copy. As
         * Linux's put_user, a location the child may not write is skipped. */
        for (size_t i = 0; i < sizeof pid; i++) { /* byte by byte: it may cross a page */
            struct vma *v = mm_find_vma(child->mm, child_tid + i);
            uint8_t *dst =
                v && (v->prot & PROT_WRITE) ? mm_kaddr(child->mm, child_tid + i) : 0;
            if (dst)
                *dst = ((uint8_t *)&pid)[i];
        }
    }
    child->exit_signal = flags & CSIGNAL; /* sent to us when it exits */
    if (flags & CLONE_CHILD_CLEARTID)
        child->clear_child_tid = child_tid;

    acquire(&ptable_lock);
    child->parent = parent;
    if (flags & CLONE_VFORK)
        child->vfork_parent = parent;
    release(&ptable_lock);

    proc_make_runnable(child);
    if (flags & CLONE_VFORK)
        vfork_wait(child);
    return pid;
    /* LAB clone: STUB
    (void)newsp, (void)parent_tid, (void)child_tid, (void)tls, (void)parent;
    kprintf("lab clone: sys_clone() is not written yet (labs/3-clone.md)\n");
    return -ENOSYS;
LAB clone: END */
}

long sys_fork(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
              uint64_t a5)
{
    (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    return sys_clone(SIGCHLD, 0, 0, 0, 0, 0);
}

long sys_vfork(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
               uint64_t a5)
{
    (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    return sys_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0);
}
