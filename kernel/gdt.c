/* gdt.c: the global descriptor table and TSS, one of each per CPU. In long mode
 * segments are flat; the GDT matters for privilege (CPL 0 or 3), for the SYSCALL/
 * SYSRET selector arithmetic (see mmu.h) and for the TSS, which holds the stack the
 * CPU switches to when an interrupt arrives in user mode. */
#include "gdt.h"
#include "printf.h"
#include "vm.h"

#define IST_STACK_BYTES 8192

/* Descriptor bits: present, DPL, code/data, executable, writable, long mode. */
#define SEG_P     (1UL << 47)
#define SEG_DPL3  (3UL << 45)
#define SEG_S     (1UL << 44)
#define SEG_X     (1UL << 43)
#define SEG_RW    (1UL << 41)
#define SEG_L     (1UL << 53)
#define SEG_DB    (1UL << 54)
#define SEG_G     (1UL << 55)
#define SEG_LIMIT 0x000f00000000ffffUL

struct gdt_desc {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

void gdt_init(struct cpu *c)
{
    c->gdt[0] = 0;
    c->gdt[SEG_KCODE / 8] = SEG_P | SEG_S | SEG_X | SEG_RW | SEG_L | SEG_G | SEG_LIMIT;
    c->gdt[SEG_KDATA / 8] = SEG_P | SEG_S | SEG_RW | SEG_DB | SEG_G | SEG_LIMIT;
    c->gdt[SEG_UCODE32 / 8] =
        SEG_P | SEG_DPL3 | SEG_S | SEG_X | SEG_RW | SEG_DB | SEG_G | SEG_LIMIT;
    c->gdt[SEG_UDATA / 8] =
        SEG_P | SEG_DPL3 | SEG_S | SEG_RW | SEG_DB | SEG_G | SEG_LIMIT;
    c->gdt[SEG_UCODE / 8] =
        SEG_P | SEG_DPL3 | SEG_S | SEG_X | SEG_RW | SEG_L | SEG_G | SEG_LIMIT;

    /* The TSS descriptor takes two slots: type 9 (available 64-bit TSS). */
    uint64_t base = (uint64_t)&c->tss, limit = sizeof c->tss - 1;
    c->gdt[SEG_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (9UL << 40) |
                          SEG_P | (((limit >> 16) & 0xf) << 48) |
                          (((base >> 24) & 0xff) << 56);
    c->gdt[SEG_TSS / 8 + 1] = base >> 32;

    c->tss.iopb = sizeof c->tss;
    for (int i = 0; i < 2; i++) { /* IST1: double fault, IST2: NMI */
        uint64_t top = vm_alloc_kstack(IST_STACK_BYTES);
        if (!top)
            panic("gdt_init: no memory for interrupt stacks");
        c->tss.ist[i] = top;
    }

    struct gdt_desc d = {sizeof c->gdt - 1, (uint64_t)c->gdt};
    asm volatile("lgdt %0" : : "m"(d));
    /* Reload CS with a far return, then the data segments and the task register. */
    asm volatile("pushq %0\n"
                 "leaq 1f(%%rip), %%rax\n"
                 "pushq %%rax\n"
                 "lretq\n"
                 "1:\n"
                 "movw %w1, %%ds\n"
                 "movw %w1, %%es\n"
                 "movw %w1, %%ss\n"
                 :
                 : "i"(SEG_KCODE), "r"(SEG_KDATA)
                 : "rax", "memory");
    asm volatile("ltr %w0" : : "r"(SEG_TSS));
}
