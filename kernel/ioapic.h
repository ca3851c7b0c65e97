/* ioapic.h: route device interrupts (ISA IRQs) to a CPU. */
#pragma once
#include "types.h"

void ioapic_init(void);
void ioapic_route_isa_irq(int irq, int vector, uint32_t apic_id);
