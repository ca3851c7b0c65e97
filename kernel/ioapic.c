/* ioapic.c: the I/O APIC receives device interrupt lines and forwards each, as a
 * vector, to a CPU's local APIC. The old 8259 PICs are masked. */
#include "ioapic.h"
#include "acpi.h"
#include "memlayout.h"
#include "x86.h"

#define IOREGSEL       0x00
#define IOWIN          0x10
#define REG_VER        0x01
#define REG_TABLE      0x10 /* redirection entry n: registers 0x10 + 2n (low), +1 (high) */
#define RED_MASKED     (1 << 16)
#define RED_LEVEL      (1 << 15)
#define RED_ACTIVE_LOW (1 << 13)

static uint32_t ioapic_read(uint32_t r)
{
    volatile uint32_t *base = p2v(ioapic_phys);
    base[IOREGSEL / 4] = r;
    return base[IOWIN / 4];
}

static void ioapic_write(uint32_t r, uint32_t v)
{
    volatile uint32_t *base = p2v(ioapic_phys);
    base[IOREGSEL / 4] = r;
    base[IOWIN / 4] = v;
}

void ioapic_init(void)
{
    outb(0x21, 0xff); /* mask both 8259 PICs: all interrupts go through the APICs */
    outb(0xa1, 0xff);
    int n = ((ioapic_read(REG_VER) >> 16) & 0xff) + 1;
    for (int i = 0; i < n; i++) {
        ioapic_write(REG_TABLE + 2 * i, RED_MASKED);
        ioapic_write(REG_TABLE + 2 * i + 1, 0);
    }
}

void ioapic_route_isa_irq(int irq, int vector, uint32_t apic_id)
{
    bool active_low, level;
    uint32_t pin = acpi_isa_irq_to_gsi(irq, &active_low, &level) - ioapic_gsi_base;
    uint32_t low = vector | (active_low ? RED_ACTIVE_LOW : 0) | (level ? RED_LEVEL : 0);
    ioapic_write(REG_TABLE + 2 * pin + 1, apic_id << 24);
    ioapic_write(REG_TABLE + 2 * pin, low);
}
