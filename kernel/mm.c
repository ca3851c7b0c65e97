/* mm.c: user address spaces: areas (VMAs), demand-zero pages, fork's copy, and
 * freeing. Only one process runs in an mm at a time (CLONE_VM is only accepted
 * with CLONE_VFORK, whose parent sleeps), so an mm needs no lock of its own. */
#include "mm.h"
#include "errno.h"
#include "kalloc.h"
#include "memlayout.h"
#include "mmu.h"
#include "param.h"
#include "printf.h"
#include "string.h"
#include "x86.h"

static uint64_t pte_flags(int prot)
{
    uint64_t f = PTE_P | PTE_U;
    if (prot & PROT_WRITE)
        f |= PTE_W;
    if (!(prot & PROT_EXEC))
        f |= PTE_NX;
    return f;
}

struct mm *mm_create(void)
{
    struct mm *mm = kalloc(); /* one page holds the struct */
    _Static_assert(sizeof(struct mm) <= PGSIZE, "struct mm must fit in a page");
    if (!mm)
        return 0;
    mm->pml4 = kalloc();
    if (!mm->pml4) {
        kfree(mm);
        return 0;
    }
    /* The kernel half is the same everywhere: share its top-level entries. */
    memcpy(&mm->pml4[256], &kernel_pml4[256], 256 * sizeof(pte_t));
    mm->refs = 1;
    return mm;
}

void mm_get(struct mm *mm)
{
    __atomic_add_fetch(&mm->refs, 1, __ATOMIC_RELAXED);
}

/* Free the user pages of [start, end) and clear their entries. Page tables that
 * become empty are kept until the whole mm is freed. */
static void unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
    for (uint64_t va = start; va < end;) {
        pte_t *pte = vm_walk(mm->pml4, va, false);
        if (!pte) { /* no page table here: skip to the next 2 MiB */
            va = ALIGN_DOWN(va, HUGEPGSIZE) + HUGEPGSIZE;
            continue;
        }
        if (*pte & PTE_P) {
            kfree(p2v(PTE_ADDR(*pte)));
            *pte = 0;
            invlpg(va);
        }
        va += PGSIZE;
    }
}

static void free_table(pte_t *table, int level)
{
    for (int i = 0; i < 512; i++) {
        if (!(table[i] & PTE_P))
            continue;
        if (level > 1)
            free_table(p2v(PTE_ADDR(table[i])), level - 1);
        else
            kfree(p2v(PTE_ADDR(table[i]))); /* a page table */
    }
    kfree(table);
}

void mm_put(struct mm *mm)
{
    if (__atomic_sub_fetch(&mm->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (int i = 0; i < mm->nvmas; i++)
        unmap_pages(mm, mm->vmas[i].start, mm->vmas[i].end);
    for (int i = 0; i < 256; i++) /* the user half's page tables */
        if (mm->pml4[i] & PTE_P)
            free_table(p2v(PTE_ADDR(mm->pml4[i])), 2);
    kfree(mm->pml4);
    kfree(mm);
}

struct vma *mm_find_vma(struct mm *mm, uint64_t addr)
{
    for (int i = 0; i < mm->nvmas; i++)
        if (addr >= mm->vmas[i].start && addr < mm->vmas[i].end)
            return &mm->vmas[i];
    return 0;
}

static void vma_remove(struct mm *mm, int i)
{
    memmove(&mm->vmas[i], &mm->vmas[i + 1], (mm->nvmas - i - 1) * sizeof(struct vma));
    mm->nvmas--;
}

static int vma_insert(struct mm *mm, uint64_t start, uint64_t end, int prot)
{
    int i = 0;
    while (i < mm->nvmas && mm->vmas[i].start < start)
        i++;
    /* Merge with a neighbour that touches it and has the same protection. */
    if (i > 0 && mm->vmas[i - 1].end == start && mm->vmas[i - 1].prot == prot) {
        mm->vmas[i - 1].end = end;
        if (i < mm->nvmas && mm->vmas[i].start == end && mm->vmas[i].prot == prot) {
            mm->vmas[i - 1].end = mm->vmas[i].end;
            vma_remove(mm, i);
        }
        return 0;
    }
    if (i < mm->nvmas && mm->vmas[i].start == end && mm->vmas[i].prot == prot) {
        mm->vmas[i].start = start;
        return 0;
    }
    if (mm->nvmas == MM_MAX_VMAS)
        return -ENOMEM;
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nvmas - i) * sizeof(struct vma));
    mm->vmas[i] = (struct vma){start, end, prot};
    mm->nvmas++;
    return 0;
}

/* Remove [start, end) from the area list, splitting areas that straddle it. Fails
 * only if a split needs a slot and there is none; nothing changes then. */
static int vma_carve(struct mm *mm, uint64_t start, uint64_t end)
{
    for (int i = 0; i < mm->nvmas; i++) {
        struct vma *v = &mm->vmas[i];
        if (v->start < start && v->end > end && mm->nvmas == MM_MAX_VMAS)
            return -ENOMEM;
    }
    for (int i = 0; i < mm->nvmas;) {
        struct vma *v = &mm->vmas[i];
        if (v->end <= start || v->start >= end) {
            i++;
        } else if (v->start >= start && v->end <= end) {
            vma_remove(mm, i);
        } else if (v->start < start && v->end > end) { /* split in two */
            struct vma upper = {end, v->end, v->prot};
            v->end = start;
            memmove(&mm->vmas[i + 2], &mm->vmas[i + 1],
                    (mm->nvmas - i - 1) * sizeof(struct vma));
            mm->vmas[i + 1] = upper;
            mm->nvmas++;
            i += 2;
        } else if (v->start < start) {
            v->end = start;
            i++;
        } else {
            v->start = end;
            i++;
        }
    }
    return 0;
}

int mm_map(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
    uint64_t end = start + len;
    int err = vma_carve(mm, start, end);
    if (err)
        return err;
    unmap_pages(mm, start, end);
    return vma_insert(mm, start, end, prot);
}

int mm_unmap(struct mm *mm, uint64_t start, uint64_t len)
{
    int err = vma_carve(mm, start, start + len);
    if (err)
        return err;
    unmap_pages(mm, start, start + len);
    return 0;
}

int mm_protect(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
    uint64_t end = start + len;
    /* Linux: ENOMEM unless the whole range is mapped. */
    for (uint64_t a = start; a < end;) {
        struct vma *v = mm_find_vma(mm, a);
        if (!v)
            return -ENOMEM;
        a = v->end;
    }
    int err = vma_carve(mm, start, end);
    if (!err)
        err = vma_insert(mm, start, end, prot);
    if (err)
        return err;
    for (uint64_t va = start; va < end; va += PGSIZE) {
        pte_t *pte = vm_walk(mm->pml4, va, false);
        if (pte && (*pte & PTE_P)) {
            *pte = PTE_ADDR(*pte) | pte_flags(prot);
            invlpg(va);
        }
    }
    return 0;
}

uint64_t mm_find_gap(struct mm *mm, uint64_t len)
{
    /* Search down from below the stack area, like Linux's top-down layout. */
    uint64_t top = mm->stack_top ? mm->stack_top - 2 * USTACK_SIZE : USER_TOP / 2;
    for (int i = mm->nvmas - 1; i >= -1; i--) {
        uint64_t gap_start = i >= 0 ? mm->vmas[i].end : USER_MIN;
        uint64_t gap_end = (i + 1 < mm->nvmas) ? mm->vmas[i + 1].start : USER_TOP;
        if (gap_end > top)
            gap_end = top;
        if (gap_end > gap_start && gap_end - gap_start >= len)
            return gap_end - len;
    }
    return 0;
}

static void *demand_page(struct mm *mm, uint64_t va, int prot)
{
    pte_t *pte = vm_walk(mm->pml4, va, true);
    if (!pte)
        return 0;
    if (!(*pte & PTE_P)) {
        void *page = kalloc();
        if (!page)
            return 0;
        *pte = v2p(page) | pte_flags(prot);
    }
    return p2v(PTE_ADDR(*pte));
}

int mm_fault(struct mm *mm, uint64_t addr, bool write, bool exec)
{
    struct vma *v = mm ? mm_find_vma(mm, addr) : 0;
    if (!v)
        return -EFAULT;
    if ((write && !(v->prot & PROT_WRITE)) || (exec && !(v->prot & PROT_EXEC)) ||
        v->prot == PROT_NONE)
        return -EFAULT;
    pte_t *pte = vm_walk(mm->pml4, addr, false);
    if (pte && (*pte & PTE_P))
        return -EFAULT; /* present, yet it faulted: a protection violation */
    return demand_page(mm, ALIGN_DOWN(addr, PGSIZE), v->prot) ? 0 : -ENOMEM;
}

void *mm_kaddr(struct mm *mm, uint64_t va)
{
    struct vma *v = mm_find_vma(mm, va);
    if (!v)
        return 0;
    char *page = demand_page(mm, ALIGN_DOWN(va, PGSIZE), v->prot);
    return page ? page + va % PGSIZE : 0;
}

struct mm *mm_copy(struct mm *src)
{
    struct mm *dst = mm_create();
    if (!dst)
        return 0;
    memcpy(dst->vmas, src->vmas, sizeof src->vmas);
    dst->nvmas = src->nvmas;
    dst->brk_start = src->brk_start;
    dst->brk = src->brk;
    dst->stack_top = src->stack_top;
    for (int i = 0; i < src->nvmas; i++) {
        struct vma *v = &src->vmas[i];
        for (uint64_t va = v->start; va < v->end;) {
            pte_t *pte = vm_walk(src->pml4, va, false);
            if (!pte) {
                va = ALIGN_DOWN(va, HUGEPGSIZE) + HUGEPGSIZE;
                continue;
            }
            if (*pte & PTE_P) {
                void *page = demand_page(dst, va, v->prot);
                if (!page) {
                    mm_put(dst);
                    return 0;
                }
                memcpy(page, p2v(PTE_ADDR(*pte)), PGSIZE);
            }
            va += PGSIZE;
        }
    }
    return dst;
}

uint64_t mm_resident_pages(struct mm *mm)
{
    uint64_t n = 0;
    for (int i = 0; i < mm->nvmas; i++)
        for (uint64_t va = mm->vmas[i].start; va < mm->vmas[i].end;) {
            pte_t *pte = vm_walk(mm->pml4, va, false);
            if (!pte) {
                va = ALIGN_DOWN(va, HUGEPGSIZE) + HUGEPGSIZE;
                continue;
            }
            n += (*pte & PTE_P) != 0;
            va += PGSIZE;
        }
    return n;
}
