/* trapasm.S: the entry points for all 256 interrupt vectors, and the common path
 * that saves the registers into a struct trapframe, calls trap(), and returns. */
#include "asm-offsets.h"
#include "mmu.h"
#include "trapframe.h"

.altmacro
/* Vectors for which the CPU pushes an error code; for the rest we push a 0. */
.macro vector n
    .align 16
vector\n:
    .if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    pushq $0
    .endif
    pushq $\n
    jmp alltraps
.endm

.text
.globl vectors_start
vectors_start:
.set i, 0
.rept 256
    vector %i
    .set i, i + 1
.endr

/* Stack on arrival: trapno, err, rip, cs, rflags, rsp, ss. */
alltraps:
/* LAB percpu: BEGIN */
    testb $3, (TF_CS - TF_TRAPNO)(%rsp)     /* came from user mode (CS's RPL is 3)? */
    jz 1f
    swapgs                          /* then GS still points at user data: switch */
    jmp 2f
1:  /* From kernel mode, GS is the kernel's, except after a fault on the iretq that
     * returns to user mode (non-canonical or bad return frame): by then we had
     * already switched to the user's GS. */
    pushq %rax
    leaq trapret_iretq(%rip), %rax
    cmpq %rax, (TF_RIP - TF_TRAPNO + 8)(%rsp) /* the faulting rip, one push deeper */
    popq %rax
    jne 2f
    swapgs
2:
/* LAB percpu: STUB
LAB percpu: END */
    PUSH_REGS
    cld                             /* the C code expects DF clear (ABI) */
    pushfq                          /* and AC clear: SMAP stays on in trap() even if */
    andl $~(1 << 18), (%rsp)        /* a copy routine (stac) faulted */
    popfq
    mov %rsp, %rdi
    call trap
    /* fall through */

/* Return through the trap frame at %rsp. */
.globl trapret
trapret:
    POP_REGS
    addq $(TF_RIP - TF_TRAPNO), %rsp         /* trapno and err */
/* LAB percpu: BEGIN */
    testb $3, (TF_CS - TF_RIP)(%rsp)        /* going back to user mode? */
    jz 3f
    cli                             /* no interrupt between swapgs and iretq */
    swapgs
3:
/* LAB percpu: STUB
LAB percpu: END */
.globl trapret_iretq
trapret_iretq:
    iretq

/* void trapret_to(struct trapframe *tf): return to user mode through tf (used by a
 * new process's first return and by execve). Interrupts must be off. */
.globl trapret_to
trapret_to:
    mov %rdi, %rsp
    jmp trapret
