/* clone_trampoline.S: the first kernel code a new child runs. The scheduler
 * switched to it (swtch "returned" here) still holding ptable_lock; the stack
 * pointer is just below the child's trap frame, a copy of its parent's registers
 * at the clone system call with rax = 0. Let go of the lock, then return to user
 * mode through that frame, exactly as the parent returns from clone. */

.text
.globl clone_trampoline
clone_trampoline:
/* LAB clone: BEGIN */
    call proc_first_run             /* release(&ptable_lock) */
    jmp trapret                     /* restore every register, swapgs, iretq */
/* LAB clone: STUB
    ud2
LAB clone: END */
