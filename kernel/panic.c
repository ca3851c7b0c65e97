/* panic.c: when the kernel itself goes wrong: stop the other CPUs, print what
 * happened (for a fault: the vector, error code, CR2, every register, and a
 * backtrace with function names), and power QEMU off with the panic status. */
#include "console.h"
#include "ksyms.h"
#include "lapic.h"
#include "memlayout.h"
#include "mmu.h"
#include "percpu.h"
#include "power.h"
#include "printf.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

static volatile int panicking;
static uint64_t bad_gs_base; /* what GS held, if it was not this CPU's struct cpu */
static bool gs_repaired;

/* A kernel that lost track of GS (a swapgs missing, or one too many) faults again
 * on every mycpu(), and would never get a report out. So before anything else,
 * check that GS points at this CPU's struct cpu; if not, find the CPU by its local
 * APIC ID, repair GS, and remember to say so in the report. */
static void repair_gs(void)
{
    uint64_t gs = rdmsr(MSR_GS_BASE);
    for (int i = 0; i < ncpu; i++)
        if (gs == (uint64_t)&cpus[i])
            return;
    uint32_t id = lapic_id();
    for (int i = 0; i < ncpu; i++) {
        if (cpus[i].apic_id == id) {
            wrmsr(MSR_GS_BASE, (uint64_t)&cpus[i]);
            cpus[i].self = &cpus[i];
            bad_gs_base = gs;
            gs_repaired = true;
            return;
        }
    }
}

static void report_gs(void)
{
    if (gs_repaired)
        kprintf("  GS base was %lx, not this CPU's struct cpu: the kernel ran with the "
                "user's GS (a swapgs missing or one too many: labs/2-percpu.md)\n",
                bad_gs_base);
}

/* Called once per panic: the first CPU to panic wins; any other just stops. */
static void stop_the_world(void)
{
    cli();
    repair_gs();
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
        for (;;)
            hlt();
    /* Only CPUs we started: one still parked in the BIOS would take the NMI with
     * no handler and reset the machine. */
    for (int i = 0; i < ncpu; i++)
        if (cpus[i].started > 0 && &cpus[i] != mycpu())
            lapic_send_nmi(cpus[i].apic_id);
    console_panic_mode();
}

static void print_frame(int depth, uint64_t pc)
{
    uint64_t off;
    const char *name = ksym_lookup(pc, &off);
    if (name)
        kprintf("  #%d %p %s+0x%lx\n", depth, (void *)pc, name, off);
    else
        kprintf("  #%d %p ?\n", depth, (void *)pc);
}

/* A function that needs no stack frame (a leaf) does not push rbp, so the frame
 * chain skips the function that called it. If the word on top of the stack is a
 * return address (in the kernel's text, just after a call instruction), that is
 * where the faulting leaf was called from. 0 if it is not. */
static uint64_t leaf_return_address(uint64_t rsp)
{
    if (rsp % 8 || !vm_kernel_mapped(rsp))
        return 0;
    uint64_t ret = *(uint64_t *)rsp, off;
    if (!ksym_lookup(ret, &off) || off < 5 || *(uint8_t *)(ret - 5) != 0xe8)
        return 0;
    return ret;
}

/* Follow the frame pointers (the kernel is built with -fno-omit-frame-pointer).
 * A run of identical frames (deep recursion) is printed once with a count. */
static void backtrace(uint64_t pc, uint64_t rbp, uint64_t leaf_ret)
{
    kprintf("backtrace:\n");
    print_frame(0, pc);
    uint64_t last = pc;
    int depth = 1, repeats = 0;
    if (leaf_ret && !(vm_kernel_mapped(rbp) && ((uint64_t *)rbp)[1] == leaf_ret)) {
        print_frame(depth++, leaf_ret - 1);
        last = leaf_ret - 1;
    }
    for (int steps = 0; steps < 4096 && rbp >= 0xffff800000000000UL && rbp % 8 == 0;
         steps++) {
        uint64_t *frame = (uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret < 0xffff800000000000UL)
            break;
        rbp = frame[0];
        if (ret - 1 == last) {
            repeats++;
            continue;
        }
        if (repeats)
            kprintf("  ... the frame above repeated %d more times\n", repeats);
        repeats = 0;
        if (depth == 32)
            break;
        print_frame(depth++, ret - 1); /* -1: name the call, not what follows it */
        last = ret - 1;
    }
    if (repeats)
        kprintf("  ... the frame above repeated %d more times\n", repeats);
}

noreturn void panic(const char *fmt, ...)
{
    stop_the_world();
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kprintf("lark: panic on CPU %d: %s\n", mycpu()->id, msg);
    report_gs();
    uint64_t here;
    asm volatile("lea 0(%%rip), %0" : "=r"(here));
    backtrace(here, read_rbp(), 0);
    power_off(POWER_STATUS_PANIC);
}

/* What a page fault in kernel mode says about the bug: for a user address that is
 * present, which protection stopped the kernel (SMEP, SMAP); else what was wrong
 * with the access. */
static const char *page_fault_cause(const struct trapframe *tf, uint64_t addr)
{
    bool present = tf->err & PF_PRESENT, fetch = tf->err & PF_FETCH;
    if (addr < USER_TOP && present && fetch)
        return "SMEP: the kernel executed a user page";
    if (addr < USER_TOP && present && (read_cr4() & CR4_SMAP) &&
        !(tf->rflags & RFLAGS_AC))
        return "SMAP: the kernel touched a user page outside the uaccess routines "
               "(no stac)";
    if (vm_is_stack_guard(addr))
        return "a kernel stack overflow (the guard page under a kernel stack)";
    if (addr < PGSIZE)
        return "a NULL pointer";
    if (!present)
        return "nothing is mapped at that address";
    if (fetch)
        return "executing a no-execute page";
    return (tf->err & PF_WRITE) ? "a write to a read-only page"
                                : "a protection violation";
}

/* A fault in kernel mode that nothing could handle. */
noreturn void panic_trap(struct trapframe *tf)
{
    stop_the_world();
    kprintf("lark: panic on CPU %d: %s (vector %lu) in kernel mode, error code 0x%lx\n",
            mycpu()->id, trap_name(tf->trapno), tf->trapno, tf->err);
    report_gs();
    if (tf->rflags & RFLAGS_TF)
        kprintf(
            "  rflags has TF set: the CPU is single-stepping the kernel (SFMASK should "
            "clear it: labs/1-syscall.md)\n");
    uint64_t off;
    const char *fn = ksym_lookup(tf->rip, &off);
    kprintf("  rip %016lx (%s+0x%lx)  cr2 %016lx\n", tf->rip, fn ? fn : "?", fn ? off : 0,
            read_cr2());
    if (tf->trapno == T_PGFLT)
        kprintf("  cause: %s\n", page_fault_cause(tf, read_cr2()));
    else if (tf->trapno == T_DBLFLT && vm_is_stack_guard(read_cr2()))
        kprintf(
            "  cause: a kernel stack overflow (cr2 is in the guard page under a kernel "
            "stack; the page fault had no stack to run on)\n");
    kprintf("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", tf->rax, tf->rbx,
            tf->rcx, tf->rdx);
    kprintf("  rsi %016lx  rdi %016lx  rbp %016lx  rsp %016lx\n", tf->rsi, tf->rdi,
            tf->rbp, tf->rsp);
    kprintf("  r8  %016lx  r9  %016lx  r10 %016lx  r11 %016lx\n", tf->r8, tf->r9, tf->r10,
            tf->r11);
    kprintf("  r12 %016lx  r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r12, tf->r13,
            tf->r14, tf->r15);
    kprintf("  cs %lx  ss %lx  rflags %016lx  cr3 %016lx\n", tf->cs, tf->ss, tf->rflags,
            read_cr3());
    backtrace(tf->rip, tf->rbp, leaf_return_address(tf->rsp));
    power_off(POWER_STATUS_PANIC);
}

/* The stop IPI (an NMI): another CPU panicked. Touch nothing, just stop. */
noreturn void panic_stop_this_cpu(void)
{
    cli();
    for (;;)
        hlt();
}
