/* random.c: a small generator: splitmix64 over a state that mixes in the time
 * stamp counter (and RDRAND when the CPU has it) on every call. Good enough for
 * AT_RANDOM in a teaching kernel; not a cryptographic generator. */
#include "random.h"
#include "spinlock.h"
#include "string.h"
#include "x86.h"

static struct spinlock lock = SPINLOCK_INIT("random");
static uint64_t state;

static uint64_t hw_random(void)
{
    static int have = -1;
    if (have < 0) {
        uint32_t a, b, c, d;
        cpuid(1, 0, &a, &b, &c, &d);
        have = (c >> 30) & 1;
    }
    uint64_t v = 0;
    if (have) {
        uint8_t ok;
        asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        if (!ok)
            v = 0;
    }
    return v;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
    acquire(&lock);
    state ^= rdtsc() ^ hw_random();
    for (uint8_t *p = buf; n > 0;) {
        uint64_t v = splitmix64(&state);
        size_t k = MIN(n, sizeof v);
        memcpy(p, &v, k);
        p += k;
        n -= k;
    }
    release(&lock);
}
