/* vfork.c: the vfork wait. A parent that cloned with CLONE_VFORK shares its
 * address space (and its stack!) with the child, so it must not run until the
 * child has stopped using them: until the child's execve has passed the point of
 * no return, or the child has exited. Both sides use ptable_lock, so the check of
 * vfork_done and the sleep are atomic with respect to the release: no lost wake-up,
 * whichever CPU each runs on. */
#include "printf.h"
#include "proc.h"

/* The parent: sleep until the child releases us (or a fatal signal ends us). */
void vfork_wait(struct proc *child)
{
    /* LAB vfork: BEGIN */
    acquire(&ptable_lock);
    while (!child->vfork_done)
        if (sleep_intr(child, &ptable_lock) < 0)
            break;
    release(&ptable_lock);
    /* LAB vfork: STUB
    static bool said;
    (void)child;
    if (!said)
        kprintf("lab vfork: vfork_wait() is not written yet (labs/4-vfork.md)\n");
    said = true;
LAB vfork: END */
}

/* The child (execve succeeded, or exit): wake the parent. Called with ptable_lock
 * held. Harmless for a child that was not created with CLONE_VFORK. */
void vfork_release(struct proc *child)
{
    /* LAB vfork: BEGIN */
    if (!child->vfork_parent)
        return;
    child->vfork_done = true;
    child->vfork_parent = 0;
    wakeup_locked(child);
    /* LAB vfork: STUB
    (void)child;
LAB vfork: END */
}
