/* swtch.S: void swtch(struct context **old, struct context *new)
 * Save the callee-saved registers on the current stack, store the stack pointer
 * in *old, switch to the stack of new, restore its registers and return there.
 * The C compiler saves the other registers around the call itself. */

.text
.globl swtch
swtch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
