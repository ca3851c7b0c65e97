/* syscall32.S: where SYSCALL lands when a program runs it in 32-bit compatibility
 * mode (MSR_CSTAR). lark runs no 32-bit programs, but SYSRET's selector arithmetic
 * needs a 32-bit user code segment in the GDT (mmu.h), and any program can far-jump
 * into it. AMD CPUs (and QEMU's) then allow SYSCALL; Intel's raise #UD. Like Linux
 * without IA32 emulation (ignore_sysret), the call fails with -ENOSYS at once.
 *
 * The CPU state here is the dangerous part of syscall_entry's: ring 0, but rsp is
 * the user's and so is GS; SFMASK has cleared IF and TF, so nothing interrupts these
 * two instructions. They touch neither the stack nor GS. SYSRET with a 32-bit
 * operand size returns to compatibility mode: eip = ecx, rflags = r11, and
 * CS = STAR[63:48] (the 32-bit segment), SS = that + 8. */
#include "errno.h"

.text
.globl syscall32_ignore
syscall32_ignore:
    movl $-ENOSYS, %eax
    sysretl
