/* gdt.h: each CPU's segment descriptors and task state segment. */
#pragma once
#include "percpu.h"

/* Load c's GDT and TSS on the running CPU. Interrupt stacks (IST) come from
 * vm_alloc_kstack, so a double fault on an overflowed stack still gets a stack. */
void gdt_init(struct cpu *c);
