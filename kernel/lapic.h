/* lapic.h: each CPU's local APIC: its timer, end-of-interrupt, and IPIs. */
#pragma once
#include "types.h"

extern uint64_t lapic_phys; /* from the MADT */

void lapic_init(void);      /* on each CPU: enable, start the periodic timer */
void lapic_calibrate(void); /* once, on the boot CPU, before lapic_init */
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, int vector);
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint32_t phys_page);
