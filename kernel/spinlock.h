/* spinlock.h: mutual exclusion between CPUs. Holding a spinlock keeps interrupts
 * off on this CPU (push_off/pop_off nest), so a lock is never taken twice by one CPU
 * through an interrupt handler; acquiring a lock this CPU already holds panics. */
#pragma once
#include "types.h"

struct cpu;

struct spinlock {
    volatile uint32_t locked;
    const char *name;
    struct cpu *cpu; /* the holder, for the recursion check and panics */
};

#define SPINLOCK_INIT(n)                                                                 \
    {                                                                                    \
        .locked = 0, .name = (n), .cpu = 0                                               \
    }

void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
bool holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);
int spinlock_race_delay(const char *function); /* for tests; -1: no such function */
