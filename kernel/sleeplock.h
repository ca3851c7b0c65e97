/* sleeplock.h: a lock that sleeps instead of spinning, for long operations that may
 * fault on user memory (e.g. copying a file's contents out). */
#pragma once
#include "spinlock.h"

struct sleeplock {
    bool locked;
    struct spinlock lk; /* protects locked */
    int pid;            /* holder, for debugging */
};

void initsleeplock(struct sleeplock *l, const char *name);
void acquiresleep(struct sleeplock *l);
void releasesleep(struct sleeplock *l);
