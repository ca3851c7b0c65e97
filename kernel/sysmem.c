/* sysmem.c: the memory system calls: mmap (anonymous memory, private or shared),
 * munmap, mprotect and brk. They only change the areas of the address space (mm.c);
 * pages arrive when first touched. */
#include "errno.h"
#include "file.h"
#include "memlayout.h"
#include "mm.h"
#include "mmu.h"
#include "proc.h"
#include "syscall.h"

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define PROT_SEM            0x08
/* Everything mmap(2) knows: MAP_SHARED_VALIDATE refuses other bits (Linux's
 * LEGACY_MAP_MASK, plus the huge page size field). */
#define MAP_KNOWN (0x1ff13fUL | 0x4000000UL | (0x3fUL << 26))
/* Linux keeps programs out of the first 64 KiB unless they are root, and every
 * process here is root; the zero page itself always stays unmapped. */
#define MMAP_MIN_ADDR USER_MIN

static bool range_free(struct mm *mm, uint64_t start, uint64_t len)
{
    for (int i = 0; i < mm->nvmas; i++)
        if (mm->vmas[i].start < start + len && mm->vmas[i].end > start)
            return false;
    return true;
}

/* mmap(addr, length, prot, flags, fd, offset) */
long sys_mmap(ARGS6)
{
    uint64_t addr = a0, len = a1, off = a5;
    int prot = (int)a2, flags = (int)a3, fd = (int)a4;
    struct mm *mm = myproc()->mm;
    if (len == 0 || off % PGSIZE)
        return -EINVAL;
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC; /* Linux ignores the other bits here */
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS))
        return fd_get(myproc(), fd) ? -ENODEV : -EBADF; /* files can't be mapped */
    if (len > USER_TOP)
        return -ENOMEM;
    len = ALIGN_UP(len, PGSIZE);

    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr % PGSIZE)
            return -EINVAL;
        if (addr > USER_TOP || len > USER_TOP - addr)
            return -ENOMEM;
        if (addr < MMAP_MIN_ADDR)
            return -EPERM;
        /* As Linux: even together with MAP_FIXED, which it then overrides. */
        if ((flags & MAP_FIXED_NOREPLACE) && !range_free(mm, addr, len))
            return -EEXIST;
    } else {
        /* A hint is taken if that range is free; otherwise we choose. */
        addr = ALIGN_DOWN(addr, PGSIZE);
        if (addr < MMAP_MIN_ADDR || addr > USER_TOP - len || !range_free(mm, addr, len))
            addr = mm_find_gap(mm, len);
        if (!addr)
            return -ENOMEM;
    }
    /* Shared anonymous memory stays shared with children after fork. */
    long err = type == MAP_PRIVATE ? mm_map(mm, addr, len, prot)
                                   : mm_map_shared(mm, addr, len, prot);
    return err ? err : (long)addr;
}

long sys_munmap(ARGS6)
{
    IGNORE_ARGS;
    uint64_t addr = a0;
    if (addr % PGSIZE || a1 == 0 || a1 > USER_TOP || addr >= USER_TOP)
        return -EINVAL;
    uint64_t len = ALIGN_UP(a1, PGSIZE); /* cannot wrap: a1 <= USER_TOP */
    if (len > USER_TOP - addr)
        return -EINVAL;
    return mm_unmap(myproc()->mm, addr, len);
}

long sys_mprotect(ARGS6)
{
    IGNORE_ARGS;
    uint64_t addr = a0;
    int prot = (int)a2;
    if (addr % PGSIZE || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)))
        return -EINVAL;
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    if (a1 == 0)
        return 0;
    if (a1 > USER_TOP)
        return -ENOMEM;
    uint64_t len = ALIGN_UP(a1, PGSIZE); /* cannot wrap: a1 <= USER_TOP */
    if (addr >= USER_TOP || len > USER_TOP - addr)
        return -ENOMEM;
    /* As Linux: up to the first hole the areas change, then ENOMEM for the hole. */
    struct mm *mm = myproc()->mm;
    uint64_t end = addr + len, mapped = addr;
    struct vma *v;
    while (mapped < end && (v = mm_find_vma(mm, mapped)))
        mapped = v->end;
    if (mapped == addr)
        return -ENOMEM;
    long err = mm_protect(mm, addr, MIN(mapped, end) - addr, prot);
    return err ? err : mapped < end ? -ENOMEM : 0;
}

/* brk(addr): move the end of the heap; returns the (possibly unchanged) end. */
long sys_brk(ARGS6)
{
    IGNORE_ARGS;
    struct mm *mm = myproc()->mm;
    uint64_t want = a0;
    if (want < mm->brk_start || want > mm->brk_start + (1UL << 40))
        return mm->brk;
    uint64_t old_top = ALIGN_UP(mm->brk, PGSIZE), new_top = ALIGN_UP(want, PGSIZE);
    if (new_top > old_top) {
        if (!range_free(mm, old_top, new_top - old_top) ||
            mm_map(mm, old_top, new_top - old_top, PROT_READ | PROT_WRITE) < 0)
            return mm->brk;
    } else if (new_top < old_top) {
        mm_unmap(mm, new_top, old_top - new_top);
    }
    mm->brk = want;
    return want;
}
