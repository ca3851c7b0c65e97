/* acpi.h: what the ACPI tables say about the machine: its CPUs and I/O APIC. */
#pragma once
#include "types.h"

/* Fill cpus[]/ncpu, lapic_phys and the I/O APIC details from the MADT. */
void acpi_init(void);

extern uint64_t ioapic_phys;
extern uint32_t ioapic_gsi_base;
/* The global system interrupt an ISA IRQ is wired to (MADT source overrides). */
uint32_t acpi_isa_irq_to_gsi(int irq, bool *active_low, bool *level);
