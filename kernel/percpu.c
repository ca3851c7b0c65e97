/* percpu.c: one struct cpu per CPU, found through the GS base register. */
#include "percpu.h"
#include "x86.h"

struct cpu cpus[NCPU];
int ncpu;

/* Point this CPU's GS base at its own struct cpu. In the kernel, GS always holds the
 * kernel's value; the user's GS base waits in KERNEL_GS_BASE, and `swapgs` exchanges
 * the two on every crossing between user and kernel mode. */
void percpu_init(struct cpu *c)
{
    c->self = c;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0); /* user programs start with GS base 0 */
}
