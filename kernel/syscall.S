/* syscall.S: syscall_entry, where the SYSCALL instruction lands (MSR_LSTAR). The CPU
 * has put the user's rip in rcx and rflags in r11, cleared the flags in SFMASK
 * (so interrupts are off) and switched CS/SS; nothing else: rsp is still the
 * user's stack and GS the user's. We switch to this process's kernel stack, save
 * everything in a struct trapframe, call syscall_dispatch(), and return with
 * SYSRET (or IRETQ when SYSRET would be unsafe). */
#include "asm-offsets.h"
#include "mmu.h"
#include "trapframe.h"
#include "trap.h"

.text
.globl syscall_entry, syscall_return
/* LAB syscall: BEGIN */
syscall_entry:
/* LAB percpu: BEGIN */
    swapgs                          /* GS base: now this CPU's struct cpu */
    movq %rsp, %gs:CPU_USER_RSP     /* park the user stack pointer... */
    movq %gs:CPU_KSTACK_TOP, %rsp   /* ...and take the process's kernel stack */
/* LAB percpu: STUB
    movq %rsp, cpus+CPU_USER_RSP(%rip)
    movq cpus+CPU_KSTACK_TOP(%rip), %rsp
LAB percpu: END */

    /* The same frame an interrupt from user mode would have pushed. */
    pushq $USER_DS                  /* ss */
/* LAB percpu: BEGIN */
    pushq %gs:CPU_USER_RSP          /* rsp */
/* LAB percpu: STUB
    pushq cpus+CPU_USER_RSP(%rip)
LAB percpu: END */
    pushq %r11                      /* rflags */
    pushq $USER_CS                  /* cs */
    pushq %rcx                      /* rip */
    pushq $0                        /* error code */
    pushq $T_SYSCALL                /* trapno */
    PUSH_REGS

    sti                             /* the frame is safe: interrupts may come */
    movq %rsp, %rdi
    call syscall_dispatch           /* puts the result in the frame's rax */

syscall_return:
    cli
    /* SYSRET loads rip from rcx; if that is not canonical, Intel CPUs raise #GP
     * in kernel mode with the user's stack already loaded. Take the slow, safe way
     * out (IRETQ through trapret) unless rip is canonical, i.e. bits 63..47 equal. */
    movq TF_RIP(%rsp), %rcx
    movq %rcx, %r11
    shlq $16, %r11
    sarq $16, %r11
    cmpq %rcx, %r11
    jne trapret
    /* ... and the frame must still say user mode (execve etc. keep it so). */
    cmpq $USER_CS, TF_CS(%rsp)
    jne trapret

    POP_REGS
    /* Now rsp points at trapno; SYSRET takes rip from rcx and rflags from r11. */
    movq (TF_RIP - TF_TRAPNO)(%rsp), %rcx      /* rip */
    movq (TF_RFLAGS - TF_TRAPNO)(%rsp), %r11   /* rflags */
    movq (TF_RSP - TF_TRAPNO)(%rsp), %rsp      /* the user's stack: no kernel stack now */
/* LAB percpu: BEGIN */
    swapgs                          /* GS back to the user's */
/* LAB percpu: STUB
LAB percpu: END */
    sysretq
/* LAB syscall: STUB
syscall_entry:
    ud2
syscall_return:
    jmp trapret
LAB syscall: END */
