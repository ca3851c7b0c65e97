/* trap.c: the interrupt descriptor table and trap(), where every interrupt and
 * exception arrives: device interrupts, the timer (preemption), faults in user code
 * (the process gets the Linux signal) and faults in the kernel (a panic). */
#include "trap.h"
#include "console.h"
#include "errno.h"
#include "lapic.h"
#include "mm.h"
#include "mmu.h"
#include "percpu.h"
#include "printf.h"
#include "proc.h"
#include "signal.h"
#include "uaccess.h"
#include "x86.h"

struct idt_gate {
    uint16_t offset_low, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
} __attribute__((packed));

static struct idt_gate idt[256];
extern char vectors_start[]; /* trapasm.S: 256 stubs, 16 bytes apart */

noreturn void panic_trap(struct trapframe *tf);
noreturn void panic_stop_this_cpu(void);

static void set_gate(int n, int ist, int dpl)
{
    uint64_t addr = (uint64_t)vectors_start + 16 * n;
    idt[n] = (struct idt_gate){
        .offset_low = addr & 0xffff,
        .selector = SEG_KCODE,
        .ist = ist,
        .type_attr = 0x80 | (dpl << 5) | 0xe, /* present, interrupt gate (IF cleared) */
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_high = addr >> 32,
    };
}

void idt_init(void)
{
    for (int i = 0; i < 256; i++)
        set_gate(i, 0, 0);
    set_gate(T_DBLFLT, 1,
             0); /* a known-good stack, even if the kernel stack overflowed */
    set_gate(T_NMI, 2, 0);
    set_gate(T_BRKPT, 0, 3); /* user code may execute int3 (and gets SIGTRAP) */
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) d = {sizeof idt - 1, (uint64_t)idt};
    asm volatile("lidt %0" : : "m"(d));
}

const char *trap_name(uint64_t trapno)
{
    static const char *const names[] = {"divide error",
                                        "debug",
                                        "NMI",
                                        "breakpoint",
                                        "overflow",
                                        "bound range exceeded",
                                        "invalid opcode",
                                        "device not available",
                                        "double fault",
                                        "coprocessor overrun",
                                        "invalid TSS",
                                        "segment not present",
                                        "stack-segment fault",
                                        "general protection fault",
                                        "page fault",
                                        "reserved",
                                        "x87 floating-point error",
                                        "alignment check",
                                        "machine check",
                                        "SIMD floating-point error"};
    if (trapno < ARRAY_SIZE(names))
        return names[trapno];
    if (trapno == T_SYSCALL)
        return "system call";
    return trapno < 32 ? "reserved exception" : "interrupt";
}

/* The Linux signal for an exception in user mode. */
static int fault_signal(uint64_t trapno)
{
    switch (trapno) {
    case T_DIVIDE:
    case T_FPERR:
    case T_SIMDERR:
    case T_DEVICE:
        return SIGFPE;
    case T_DEBUG:
    case T_BRKPT:
        return SIGTRAP;
    case T_ILLOP:
        return SIGILL;
    case T_SEGNP:
    case T_STACK:
    case T_ALIGN:
        return SIGBUS;
    default: /* #GP, #PF, overflow, bound, ... */
        return SIGSEGV;
    }
}

/* A user #UD on a SYSCALL instruction while EFER.SCE is off means system calls
 * were never switched on: say so, since the student will be looking for it. */
static void explain_disabled_syscall(struct trapframe *tf)
{
    uint8_t insn[2];
    if (tf->trapno == T_ILLOP && !(rdmsr(MSR_EFER) & EFER_SCE) &&
        copy_from_user(insn, tf->rip, 2) == 0 && insn[0] == 0x0f && insn[1] == 0x05)
        kprintf(
            "lark: %s[%d]: SYSCALL is not enabled (EFER.SCE = 0): see syscall_init(), "
            "labs/1-syscall.md\n",
            myproc()->name, myproc()->pid);
}

static void device_interrupt(struct trapframe *tf)
{
    switch (tf->trapno) {
    case T_TIMER:
        mycpu()->ticks++;
        if (mycpu()->id == 0)
            proc_clock_tick();
        lapic_eoi();
        break;
    case T_COM1:
        console_intr();
        lapic_eoi();
        break;
    case T_IPI_RESCHED:
        lapic_eoi();
        break;
    case T_SPURIOUS:
        break; /* no EOI for a spurious interrupt */
    default:
        kprintf("lark: unexpected interrupt %lu on CPU %d\n", tf->trapno, mycpu()->id);
        lapic_eoi();
    }
}

void trap(struct trapframe *tf)
{
    if (tf->trapno == T_NMI || tf->trapno == T_IPI_STOP)
        panic_stop_this_cpu(); /* GS may not be ours here: touch nothing */

    bool from_user = (tf->cs & 3) == 3;
    if (tf->trapno >= T_IRQ0) {
        device_interrupt(tf);
        /* Preempt: give up the CPU at every tick (xv6's policy). */
        if (tf->trapno == T_TIMER && myproc())
            yield();
    } else if (from_user) {
        /* A page of a valid area that is not there yet: allocate it and retry. */
        int sig = fault_signal(tf->trapno);
        if (tf->trapno == T_PGFLT) {
            int err = mm_fault(myproc()->mm, read_cr2(), tf->err & PF_WRITE,
                               tf->err & PF_FETCH);
            if (err == 0)
                return;
            if (err == -EIO)
                sig = SIGBUS; /* a program's page past the end of its file */
        }
        explain_disabled_syscall(tf);
        proc_user_fault(tf, sig);
    } else if (tf->rip == (uint64_t)trapret_iretq) {
        /* iretq refused the user's return frame (say, a non-canonical rip): what the
         * user did is at fault, not the kernel. The frame being returned to is just
         * above this one. */
        struct trapframe *utf = myproc_trapframe();
        proc_user_fault(utf, SIGSEGV);
    } else if (uaccess_fixup(tf)) {
        /* A copy to or from user memory hit a bad address: it returns -EFAULT. */
    } else {
        panic_trap(tf);
    }

    if (from_user)
        proc_return_to_user_checks();
}
