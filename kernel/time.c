/* time.c: the monotonic clock counts TSC cycles (measured against the PIT by
 * lapic_calibrate); the wall clock adds the CMOS real-time clock read at boot. */
#include "time.h"
#include "x86.h"

static uint64_t tsc_hz = 1000000000, tsc_boot, realtime_boot_ns;

void time_set_tsc_hz(uint64_t hz)
{
    if (hz)
        tsc_hz = hz;
}

uint64_t time_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t time_ns(void)
{
    uint64_t t = rdtsc() - tsc_boot;
    /* t * 1e9 / hz without overflowing 64 bits for years of uptime. */
    return (t / tsc_hz) * 1000000000 + (t % tsc_hz) * 1000000000 / tsc_hz;
}

void time_delay_us(uint64_t us)
{
    uint64_t end = time_ns() + us * 1000;
    while (time_ns() < end)
        pause();
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static int bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void time_init(void)
{
    tsc_boot = rdtsc();
    while (cmos(0x0a) & 0x80) /* an update is in progress */
        pause();
    bool binary = cmos(0x0b) & 0x04;
    int sec = bcd(cmos(0x00), binary), min = bcd(cmos(0x02), binary);
    int hour = bcd(cmos(0x04) & 0x7f, binary), day = bcd(cmos(0x07), binary);
    int mon = bcd(cmos(0x08), binary), year = 2000 + bcd(cmos(0x09), binary);
    int64_t days = days_from_civil(year, mon, day);
    realtime_boot_ns =
        (uint64_t)((days * 86400 + hour * 3600 + min * 60 + sec)) * 1000000000;
}

uint64_t time_realtime_ns(void)
{
    return realtime_boot_ns + time_ns();
}
