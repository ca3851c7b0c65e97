/* trap.h: the trap frame (the registers saved when user code enters the kernel, or
 * when an interrupt arrives) and the interrupt vectors. */
#pragma once

#define T_DIVIDE  0
#define T_DEBUG   1
#define T_NMI     2
#define T_BRKPT   3
#define T_OFLOW   4
#define T_BOUND   5
#define T_ILLOP   6
#define T_DEVICE  7
#define T_DBLFLT  8
#define T_TSS     10
#define T_SEGNP   11
#define T_STACK   12
#define T_GPFLT   13
#define T_PGFLT   14
#define T_FPERR   16
#define T_ALIGN   17
#define T_MCHK    18
#define T_SIMDERR 19

#define T_IRQ0        32
#define T_TIMER       (T_IRQ0 + 0)
#define T_COM1        (T_IRQ0 + 4)
#define T_IPI_RESCHED 0xf0 /* wakes an idle CPU: there is work */
#define T_IPI_STOP    0xf1 /* another CPU panicked: stop */
#define T_SPURIOUS    0xff
#define T_SYSCALL     0x100 /* not a vector: marks a frame built by syscall_entry */

/* Page fault error code bits. */
#define PF_PRESENT 0x1
#define PF_WRITE   0x2
#define PF_USER    0x4
#define PF_FETCH   0x10

#ifndef __ASSEMBLER__
#include "types.h"

/* Pushed in this order (from the bottom up) by the entry code: the hardware's
 * interrupt frame (ss..rip) first, then the vector and error code, then the general
 * registers. syscall_entry builds exactly the same frame by hand. */
struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t trapno, err;
    uint64_t rip, cs, rflags, rsp, ss; /* the interrupt frame */
};

void idt_init(void);
void idt_load(void);
void trap(struct trapframe *tf);
noreturn void trapret_to(struct trapframe *tf); /* leave the kernel through tf */
const char *trap_name(uint64_t trapno);
#endif

#ifndef __ASSEMBLER__
extern char trapret_iretq[]; /* the iretq that returns to user mode (trapasm.S) */
#endif
