/* trapframe.h: assembly macros that save and restore the general registers in
 * the order of struct trapframe (trap.h): trapasm.S and syscall.S both use them,
 * so the two kinds of kernel entry cannot build different frames. */
#pragma once
/* (Assembler macros, not C: clang-format must leave them alone.) */
/* clang-format off */

/* Push rax first and r15 last: r15 ends up at the lowest address, as the first
 * field of struct trapframe. */
.macro PUSH_REGS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm
    /* clang-format on */
