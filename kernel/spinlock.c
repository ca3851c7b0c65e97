/* spinlock.c: spinlocks and the nested interrupt-disable they rely on. */
#include "spinlock.h"
#include "percpu.h"
#include "printf.h"
#include "x86.h"

void initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
    lk->cpu = 0;
}

void acquire(struct spinlock *lk)
{
    push_off();
    if (holding(lk))
        panic("acquire: lock '%s' is already held by this CPU (recursive locking)",
              lk->name);
    while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
        while (lk->locked)
            pause();
    lk->cpu = mycpu();
}

void release(struct spinlock *lk)
{
    if (!holding(lk))
        panic("release: lock '%s' is not held by this CPU", lk->name);
    lk->cpu = 0;
    __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
    pop_off();
}

/* Must be called with interrupts off, so that the answer cannot change under us. */
bool holding(struct spinlock *lk)
{
    return lk->locked && lk->cpu == mycpu();
}

/* push_off/pop_off are like cli/sti except that they nest: it takes as many pop_off
 * as push_off to turn interrupts back on, and only if they were on to begin with. */
void push_off(void)
{
    bool was_on = read_rflags() & RFLAGS_IF;
    cli();
    struct cpu *c = mycpu();
    if (c->noff == 0)
        c->intena = was_on;
    c->noff++;
}

void pop_off(void)
{
    struct cpu *c = mycpu();
    if (read_rflags() & RFLAGS_IF)
        panic("pop_off: interrupts are enabled");
    if (c->noff < 1)
        panic("pop_off: not matched by a push_off");
    c->noff--;
    if (c->noff == 0 && c->intena)
        sti();
}
