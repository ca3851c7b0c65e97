/* sleeplock.c: sleeping locks (see sleeplock.h). */
#include "sleeplock.h"
#include "proc.h"

void initsleeplock(struct sleeplock *l, const char *name)
{
    initlock(&l->lk, name);
    l->locked = false;
    l->pid = 0;
}

void acquiresleep(struct sleeplock *l)
{
    acquire(&l->lk);
    while (l->locked)
        sleep(l, &l->lk);
    l->locked = true;
    l->pid = myproc() ? myproc()->pid : 0;
    release(&l->lk);
}

void releasesleep(struct sleeplock *l)
{
    acquire(&l->lk);
    l->locked = false;
    l->pid = 0;
    wakeup(l);
    release(&l->lk);
}
