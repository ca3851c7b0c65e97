/* uaccess.c: checked access to user memory (see uaccess.h). */
#include "uaccess.h"
#include "errno.h"
#include "memlayout.h"
#include "mm.h"
#include "proc.h"
#include "x86.h"

long uaccess_copy(void *dst, const void *src, size_t n);
long uaccess_clear(void *dst, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t max);
long uaccess_strnlen(const char *s, size_t max);
extern char uaccess_copy_insn[], uaccess_clear_insn[], uaccess_strncpy_insn[];
extern char uaccess_strnlen_insn[];
extern char uaccess_fault[];
bool smap_enabled; /* read by uaccess.S; set once SMAP is on (main.c) */

bool user_range_ok(uint64_t uaddr, size_t n)
{
    return uaddr < USER_TOP && n <= USER_TOP - uaddr;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    return uaccess_copy(dst, (const void *)usrc, n);
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return uaccess_copy((void *)udst, src, n);
}

int clear_user(uint64_t udst, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return uaccess_clear((void *)udst, n);
}

long strncpy_from_user(char *dst, uint64_t usrc, size_t max, int too_long)
{
    if (usrc >= USER_TOP)
        return -EFAULT;
    /* A string may end before the top of user space; one that runs into it faults. */
    size_t limit = MIN(max, USER_TOP - usrc);
    long n = uaccess_strncpy(dst, (const char *)usrc, limit);
    if (n < 0)
        return n;
    if ((size_t)n == limit)
        return limit < max ? -EFAULT : -too_long;
    return n;
}

int get_user_u64(uint64_t *dst, uint64_t usrc)
{
    return copy_from_user(dst, usrc, sizeof *dst);
}

static bool in_copy_routine(uint64_t rip)
{
    return rip == (uint64_t)uaccess_copy_insn || rip == (uint64_t)uaccess_clear_insn ||
           rip == (uint64_t)uaccess_strncpy_insn || rip == (uint64_t)uaccess_strnlen_insn;
}

bool uaccess_fixup(struct trapframe *tf)
{
    if (!in_copy_routine(tf->rip))
        return false;
    if (tf->trapno == T_PGFLT) {
        /* A page that is only not there yet: fill it in and run the copy again. */
        struct proc *p = myproc();
        uint64_t addr = read_cr2();
        if (p && addr < USER_TOP && mm_fault(p->mm, addr, tf->err & PF_WRITE, false) == 0)
            return true;
    }
    tf->rip = (uint64_t)uaccess_fault;
    return true;
}

long strnlen_user(uint64_t usrc, size_t max)
{
    if (usrc >= USER_TOP)
        return -EFAULT;
    size_t limit = MIN(max, USER_TOP - usrc);
    long n = uaccess_strnlen((const char *)usrc, limit);
    if (n >= 0 && (size_t)n == limit && limit < max)
        return -EFAULT; /* ran into the top of user space */
    return n;
}
