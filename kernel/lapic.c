/* lapic.c: the local APIC (xAPIC, memory-mapped). The timer runs periodically at
 * TIMER_HZ on every CPU for preemption; its rate is measured once against the PIT. */
#include "lapic.h"
#include "memlayout.h"
#include "param.h"
#include "printf.h"
#include "time.h"
#include "trap.h"
#include "x86.h"

/* Register offsets. */
#define ID    0x020
#define TPR   0x080
#define EOI   0x0b0
#define SVR   0x0f0
#define ESR   0x280
#define ICRLO 0x300
#define ICRHI 0x310
#define TIMER 0x320
#define LINT0 0x350
#define LINT1 0x360
#define ERROR 0x370
#define TICR  0x380
#define TCCR  0x390
#define TDCR  0x3e0

#define SVR_ENABLE     0x100
#define LVT_MASKED     0x10000
#define TIMER_PERIODIC 0x20000
#define TDCR_DIV16     0x3
#define ICR_INIT       0x500
#define ICR_STARTUP    0x600
#define ICR_NMI        0x400
#define ICR_ASSERT     0x4000
#define ICR_LEVEL      0x8000
#define ICR_PENDING    0x1000

uint64_t lapic_phys = 0xfee00000;
static uint32_t ticks_per_period; /* timer count for 1/TIMER_HZ s at divide-by-16 */

static volatile uint32_t *reg(uint32_t off)
{
    return (volatile uint32_t *)((uint8_t *)p2v(lapic_phys) + off);
}

static uint32_t lapic_read(uint32_t off)
{
    return *reg(off);
}

static void lapic_write(uint32_t off, uint32_t v)
{
    *reg(off) = v;
    (void)lapic_read(ID); /* wait for the write to finish */
}

/* Count LAPIC timer ticks and TSC cycles while PIT channel 2 counts down 5 ms. */
void lapic_calibrate(void)
{
    const uint32_t pit_hz = 1193182, ms = 5;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* channel 2 gate on, speaker off */
    outb(0x43, 0xb0);                       /* channel 2, mode 0, 16-bit count */
    uint16_t count = pit_hz * ms / 1000;
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);

    lapic_write(TDCR, TDCR_DIV16);
    lapic_write(TIMER, LVT_MASKED);
    uint8_t gate = inb(0x61) & ~0x01;
    outb(0x61, gate); /* restart the count with a rising gate edge */
    outb(0x61, gate | 0x01);
    lapic_write(TICR, 0xffffffff);
    uint64_t tsc0 = rdtsc();
    while (!(inb(0x61) & 0x20)) /* OUT2 goes high when the count reaches 0 */
        pause();
    uint64_t tsc1 = rdtsc();
    uint32_t elapsed = 0xffffffff - lapic_read(TCCR);
    lapic_write(TICR, 0);

    ticks_per_period = (uint64_t)elapsed * 1000 / ms / TIMER_HZ;
    time_set_tsc_hz((tsc1 - tsc0) * 1000 / ms);
}

void lapic_init(void)
{
    lapic_write(SVR, SVR_ENABLE | T_SPURIOUS);
    lapic_write(TDCR, TDCR_DIV16);
    lapic_write(TIMER, TIMER_PERIODIC | T_TIMER);
    lapic_write(TICR, ticks_per_period ? ticks_per_period : 1000000);
    lapic_write(LINT0, LVT_MASKED);
    lapic_write(LINT1, LVT_MASKED);
    lapic_write(ERROR, LVT_MASKED);
    lapic_write(ESR, 0);
    lapic_write(ESR, 0);
    lapic_write(EOI, 0);
    lapic_write(TPR, 0); /* accept every interrupt */
}

uint32_t lapic_id(void)
{
    return lapic_read(ID) >> 24;
}

void lapic_eoi(void)
{
    lapic_write(EOI, 0);
}

static void send_icr(uint32_t dest, uint32_t low)
{
    lapic_write(ICRHI, dest << 24);
    lapic_write(ICRLO, low);
    while (lapic_read(ICRLO) & ICR_PENDING)
        pause();
}

void lapic_send_ipi(uint32_t apic_id, int vector)
{
    send_icr(apic_id, vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
    send_icr(apic_id, ICR_NMI | ICR_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
    send_icr(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    send_icr(apic_id, ICR_INIT | ICR_LEVEL); /* de-assert */
}

void lapic_send_startup(uint32_t apic_id, uint32_t phys_page)
{
    send_icr(apic_id, ICR_STARTUP | phys_page);
}
