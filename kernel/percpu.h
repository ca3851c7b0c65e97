/* percpu.h: the per-CPU area. Each CPU's GS base points at its own struct cpu while
 * it runs kernel code; assembly reaches the first fields through %gs:offset. */
#pragma once
#include "types.h"
#include "param.h"
#include "mmu.h"

struct proc;
struct mm;
struct context;

/* The 64-bit task state segment: only the stack pointers matter in long mode. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp0; /* stack for interrupts that arrive in user mode */
    uint64_t rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7]; /* interrupt stacks: ist[0] is IST1 (double fault), ist[1] NMI */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iopb; /* no I/O bitmap: points past the end */
} __attribute__((packed));

/*
 * Layout of the fields that assembly uses (offsets generated into asm-offsets.h
 * as CPU_SELF, CPU_KSTACK_TOP, CPU_USER_RSP, CPU_PROC; see asm-offsets.c):
 *
 *   %gs:0x00  self        this struct's own address, so C can find it with one load
 *   %gs:0x08  kstack_top  top of the running process's kernel stack (syscall_entry)
 *   %gs:0x10  user_rsp    the user stack pointer, parked here by syscall_entry
 *   %gs:0x18  proc        the running process, or NULL in the scheduler
 *
 * Everything after these is used only by C.
 */
struct cpu {
    struct cpu *self;
    uint64_t kstack_top;
    uint64_t user_rsp;
    struct proc *proc;

    int id;                    /* index in cpus[], 0 = the boot CPU */
    uint32_t apic_id;          /* local APIC ID */
    volatile int started;      /* 1 once running; -1 if it stayed off (percpu_init) */
    volatile bool idle;        /* halted in the scheduler, waiting for work */
    int noff;                  /* depth of push_off() nesting */
    int intena;                /* were interrupts enabled before the first push_off? */
    struct context *scheduler; /* saved context of this CPU's scheduler loop */
    struct mm *active_mm;      /* the address space in CR3 (we hold a reference) */
    uint64_t sched_stack_top;  /* the scheduler's own stack */
    uint64_t ticks;            /* timer interrupts taken on this CPU */
    uint64_t gdt[NGDT];
    struct tss tss;
} __attribute__((aligned(64)));

extern struct cpu cpus[NCPU];
extern int ncpu;

void percpu_init(struct cpu *c);
int cpus_online(void); /* CPUs that started (after smp_start_aps) */
uint64_t cpus_online_mask(void);

/* The running CPU's struct cpu: one load through GS. Only meaningful while
 * preemption can't move us to another CPU (interrupts off, or a lock held). */
static inline struct cpu *mycpu(void)
{
    /* LAB percpu: BEGIN */
    struct cpu *c;
    asm volatile("mov %%gs:%c1, %0" : "=r"(c) : "i"(offsetof(struct cpu, self)));
    return c;
    /* LAB percpu: STUB
    return &cpus[0];
LAB percpu: END */
}

/* The running process (NULL when this CPU is in its scheduler). */
static inline struct proc *myproc(void)
{
    /* LAB percpu: BEGIN */
    struct proc *p;
    asm volatile("mov %%gs:%c1, %0" : "=r"(p) : "i"(offsetof(struct cpu, proc)));
    return p;
    /* LAB percpu: STUB
    return cpus[0].proc;
LAB percpu: END */
}
