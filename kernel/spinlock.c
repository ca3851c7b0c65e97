/* spinlock.c: spinlocks and the nested interrupt-disable they rely on. */
#include "spinlock.h"
#include "ksyms.h"
#include "percpu.h"
#include "printf.h"
#include "time.h"
#include "x86.h"

void initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
    lk->cpu = 0;
}

/* Race-window widening, for tests (kernel option racedelay=FUNCTION): every
 * acquire() called straight from that function first busy-waits a while, with
 * interrupts as they were. Whatever the function checked before taking the lock is
 * then likely to have changed by the time it holds it, so a check-then-lock race
 * that is a few instructions wide (a lost wake-up) shows up every time. */
#define RACE_DELAY_US 30000
static uint64_t race_function; /* its address; 0: off */

int spinlock_race_delay(const char *function)
{
    race_function = ksym_address(function);
    return race_function ? 0 : -1;
}

static void race_delay(uint64_t caller)
{
    uint64_t offset;
    if (ksym_lookup(caller, &offset) && caller - offset == race_function)
        time_delay_us(RACE_DELAY_US);
}

void acquire(struct spinlock *lk)
{
    if (race_function)
        race_delay((uint64_t)__builtin_return_address(0));
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
