/* mm.c: user address spaces: areas (VMAs), demand-zero pages, shared anonymous
 * memory, fork's copy, and freeing. Only one process runs in an mm at a time
 * (CLONE_VM is only accepted with CLONE_VFORK, whose parent sleeps), so an mm
 * needs no lock of its own. TLB entries: a change flushes this CPU's entries (the
 * only CPU running the mm); another CPU that ran it earlier may still hold old
 * ones, so mm_activate reloads CR3 when an mm comes back from another CPU. */
#include "mm.h"
#include "errno.h"
#include "kalloc.h"
#include "memlayout.h"
#include "mmu.h"
#include "param.h"
#include "percpu.h"
#include "printf.h"
#include "string.h"
#include "x86.h"

/* Software bits in user page table entries (bits 9..11 are ignored by the CPU). */
#define PTE_PROTNONE (1UL << 9)  /* a PROT_NONE page: not present, frame kept */
#define PTE_SHARED   (1UL << 10) /* the frame belongs to a struct shm, not to us */
#define PTE_IMAGE                                                                        \
    (1UL << 11) /* the frame is a page of the boot image (read-only
                                  * program text mapped by execve): never freed,
                                  * shared by fork, copied before it is written */
#define PTE_NOT_OURS (PTE_SHARED | PTE_IMAGE)

/* Does the entry hold a frame (present, or hidden by PROT_NONE)? */
static bool pte_has_frame(pte_t pte)
{
    return pte & (PTE_P | PTE_PROTNONE);
}

static uint64_t pte_flags(int prot)
{
    if (prot == PROT_NONE)
        return PTE_PROTNONE | PTE_U | PTE_NX;
    uint64_t f = PTE_P | PTE_U;
    if (prot & PROT_WRITE)
        f |= PTE_W;
    if (!(prot & PROT_EXEC))
        f |= PTE_NX;
    return f;
}

/* --- shared memory objects ------------------------------------------------------ */

static struct shm *shm_create(uint64_t npages)
{
    _Static_assert(sizeof(struct shm) + SHM_MAX_PAGES * sizeof(void *) <= PGSIZE,
                   "struct shm must fit in a page");
    if (npages > SHM_MAX_PAGES)
        return 0;
    struct shm *s = kalloc();
    if (s) {
        s->refs = 1;
        s->npages = npages;
    }
    return s;
}

static void shm_get(struct shm *s)
{
    if (s)
        __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
}

static void shm_put(struct shm *s)
{
    if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (uint64_t i = 0; i < s->npages; i++)
        if (s->pages[i])
            kfree(s->pages[i]);
    kfree(s);
}

/* --- creating and freeing ------------------------------------------------------- */

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
    mm->last_cpu = -1;
    return mm;
}

void mm_get(struct mm *mm)
{
    __atomic_add_fetch(&mm->refs, 1, __ATOMIC_RELAXED);
}

/* The next address at or after va that may have a page table entry: skips the
 * holes of missing page tables at every level, so huge sparse areas are cheap. */
static uint64_t next_mapped(pml4_t pml4, uint64_t va)
{
    pte_t *table = pml4;
    for (int level = 3; level > 0; level--) {
        pte_t e = table[PX(level, va)];
        if (!(e & PTE_P)) {
            uint64_t span = 1UL << (12 + 9 * level);
            return ALIGN_DOWN(va, span) + span;
        }
        table = p2v(PTE_ADDR(e));
    }
    return va;
}

/* Call fn for every page table entry in [start, end) that holds a frame, until fn
 * returns non-zero (which is returned). Each page table is found once, and holes in
 * the upper levels are skipped whole, so huge sparse areas cost little. */
typedef int (*frame_fn)(struct mm *mm, uint64_t va, pte_t *pte, void *arg);

static int for_each_frame(struct mm *mm, uint64_t start, uint64_t end, frame_fn fn,
                          void *arg)
{
    for (uint64_t va = start; va < end;) {
        uint64_t next = next_mapped(mm->pml4, va);
        if (next != va) {
            if (next < va)
                break; /* wrapped past the top of the address space */
            va = next;
            continue;
        }
        pte_t *table = vm_walk(mm->pml4, va, false) - PX(0, va);
        uint64_t table_end = MIN(ALIGN_DOWN(va, HUGEPGSIZE) + HUGEPGSIZE, end);
        for (; va < table_end; va += PGSIZE) {
            pte_t *pte = &table[PX(0, va)];
            if (!pte_has_frame(*pte))
                continue;
            int ret = fn(mm, va, pte, arg);
            if (ret)
                return ret;
        }
    }
    return 0;
}

/* Is mm loaded on this CPU? Then a change to its page tables must flush this CPU's
 * TLB now. (Other CPUs that ran it before reload when it comes back: mm_activate.) */
static bool loaded_here(struct mm *mm)
{
    push_off();
    bool here = mycpu()->active_mm == mm;
    pop_off();
    return here;
}

/* Replace a page of the boot image by a private copy, before anyone writes to it
 * (the image is shared by every process running that program). */
static void *own_page(struct mm *mm, uint64_t va, pte_t *pte)
{
    void *page = kalloc_nozero();
    if (!page)
        return 0;
    memcpy(page, p2v(PTE_ADDR(*pte)), PGSIZE);
    *pte = v2p(page) | (*pte & ~(PTE_ADDR_MASK | PTE_IMAGE));
    if (loaded_here(mm))
        invlpg(va);
    return page;
}

static int unmap_one(struct mm *mm, uint64_t va, pte_t *pte, void *flush)
{
    (void)mm;
    if (!(*pte & PTE_NOT_OURS))
        kfree(p2v(PTE_ADDR(*pte)));
    *pte = 0;
    if (*(bool *)flush)
        invlpg(va);
    return 0;
}

/* Clear the entries of [start, end), freeing the frames we own (not shared ones).
 * Page tables that become empty are kept until the whole mm is freed. */
static void unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
    bool flush = loaded_here(mm);
    for_each_frame(mm, start, end, unmap_one, &flush);
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
    for (int i = 0; i < mm->nvmas; i++) {
        unmap_pages(mm, mm->vmas[i].start, mm->vmas[i].end);
        shm_put(mm->vmas[i].shm);
    }
    for (int i = 0; i < 256; i++) /* the user half's page tables */
        if (mm->pml4[i] & PTE_P)
            free_table(p2v(PTE_ADDR(mm->pml4[i])), 2);
    kfree(mm->pml4);
    kfree(mm);
}

/* --- the area list -------------------------------------------------------------- */

struct vma *mm_find_vma(struct mm *mm, uint64_t addr)
{
    for (int i = 0; i < mm->nvmas; i++)
        if (addr >= mm->vmas[i].start && addr < mm->vmas[i].end)
            return &mm->vmas[i];
    return 0;
}

static void vma_remove(struct mm *mm, int i)
{
    shm_put(mm->vmas[i].shm);
    memmove(&mm->vmas[i], &mm->vmas[i + 1], (mm->nvmas - i - 1) * sizeof(struct vma));
    mm->nvmas--;
}

/* Can area a be extended by b, which starts where a ends? */
static bool can_merge(const struct vma *a, const struct vma *b)
{
    if (a->end != b->start || a->prot != b->prot || a->shm != b->shm)
        return false;
    return !a->shm || a->shm_pgoff + (a->end - a->start) / PGSIZE == b->shm_pgoff;
}

/* Add an area (taking over its shm reference), merging with touching neighbours. */
static int vma_insert(struct mm *mm, struct vma new)
{
    int i = 0;
    while (i < mm->nvmas && mm->vmas[i].start < new.start)
        i++;
    if (i > 0 && can_merge(&mm->vmas[i - 1], &new)) {
        mm->vmas[i - 1].end = new.end;
        shm_put(new.shm); /* the neighbour already holds a reference */
        if (i < mm->nvmas && can_merge(&mm->vmas[i - 1], &mm->vmas[i])) {
            mm->vmas[i - 1].end = mm->vmas[i].end;
            vma_remove(mm, i);
        }
        return 0;
    }
    if (i < mm->nvmas && can_merge(&new, &mm->vmas[i])) {
        mm->vmas[i].start = new.start;
        mm->vmas[i].shm_pgoff = new.shm_pgoff;
        shm_put(new.shm);
        return 0;
    }
    if (mm->nvmas == MM_MAX_VMAS) {
        shm_put(new.shm); /* we took over the reference */
        return -ENOMEM;
    }
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nvmas - i) * sizeof(struct vma));
    mm->vmas[i] = new;
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
            struct vma upper = *v;
            upper.start = end;
            upper.shm_pgoff += (end - v->start) / PGSIZE;
            shm_get(upper.shm);
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
            v->shm_pgoff += (end - v->start) / PGSIZE;
            v->start = end;
            i++;
        }
    }
    return 0;
}

static int map_area(struct mm *mm, struct vma new)
{
    /* Only ever user addresses: the kernel half is shared by every page table. */
    if (new.start < USER_MIN || new.end > USER_TOP || new.end <= new.start) {
        shm_put(new.shm);
        return -EINVAL;
    }
    /* A split and an insert need at most two slots: make sure of them first, so
     * that nothing fails after the old pages are gone. */
    if (mm->nvmas + 2 > MM_MAX_VMAS) {
        shm_put(new.shm);
        return -ENOMEM;
    }
    int err = vma_carve(mm, new.start, new.end);
    if (err) {
        shm_put(new.shm);
        return err;
    }
    unmap_pages(mm, new.start, new.end);
    return vma_insert(mm, new);
}

int mm_map(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
    return map_area(mm, (struct vma){start, start + len, prot, 0, 0});
}

int mm_map_shared(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
    struct shm *s = shm_create(len / PGSIZE);
    if (!s)
        return -ENOMEM;
    return map_area(mm, (struct vma){start, start + len, prot, s, 0});
}

int mm_map_sigbus(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
    return map_area(mm, (struct vma){start, start + len, prot | PROT_SIGBUS, 0, 0});
}

int mm_unmap(struct mm *mm, uint64_t start, uint64_t len)
{
    int err = vma_carve(mm, start, start + len);
    if (err)
        return err;
    unmap_pages(mm, start, start + len);
    return 0;
}

struct protect_arg {
    int prot;
    bool flush; /* the mm is loaded on this CPU: invalidate its TLB entries */
};

static int protect_one(struct mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct protect_arg *a = arg;
    if ((a->prot & PROT_WRITE) && (*pte & PTE_IMAGE) && !own_page(mm, va, pte))
        return -ENOMEM; /* a writable page of the image: it must be ours first */
    *pte = PTE_ADDR(*pte) | (*pte & PTE_NOT_OURS) | pte_flags(a->prot);
    if (a->flush)
        invlpg(va);
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
    /* At most two more areas (the ends may split): check before changing anything. */
    if (mm->nvmas + 2 > MM_MAX_VMAS)
        return -ENOMEM;
    /* Re-insert each piece with the new protection, keeping its shm. */
    for (uint64_t a = start; a < end;) {
        struct vma *v = mm_find_vma(mm, a);
        struct vma piece = *v;
        piece.start = a;
        piece.end = MIN(v->end, end);
        piece.prot = prot | (v->prot & PROT_SIGBUS); /* past a file's end it stays */
        piece.shm_pgoff += (a - v->start) / PGSIZE;
        shm_get(piece.shm);
        int err = vma_carve(mm, piece.start, piece.end);
        if (!err)
            err = vma_insert(mm, piece);
        if (err)
            return err;
        a = piece.end;
    }
    struct protect_arg arg = {prot, loaded_here(mm)};
    return for_each_frame(mm, start, end, protect_one, &arg);
}

uint64_t mm_find_gap(struct mm *mm, uint64_t len)
{
    /* Search down from below the stack area, like Linux's top-down layout. */
    uint64_t top = mm->stack_top ? mm->stack_top - 2 * USTACK_SIZE
                                 : ALIGN_DOWN(USER_TOP / 2, PGSIZE);
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

/* --- pages ----------------------------------------------------------------------- */

/* The kernel address of the page at va (page-aligned) in area v, which is put in
 * place first if it is not there yet: a zeroed page, or the shared one. */
static void *fault_in(struct mm *mm, struct vma *v, uint64_t va)
{
    if (v->prot & PROT_SIGBUS)
        return 0; /* never a page there */
    pte_t *pte = vm_walk(mm->pml4, va, true);
    if (!pte)
        return 0;
    if (pte_has_frame(*pte))
        return p2v(PTE_ADDR(*pte));
    void *page;
    uint64_t extra = 0;
    if (v->shm) {
        void **slot = &v->shm->pages[v->shm_pgoff + (va - v->start) / PGSIZE];
        /* The pages are shared with other processes, which may touch this one at
         * the same moment on another CPU: the first to install a page wins. */
        if (!__atomic_load_n(slot, __ATOMIC_ACQUIRE)) {
            void *fresh = kalloc(), *none = 0;
            if (fresh && !__atomic_compare_exchange_n(slot, &none, fresh, false,
                                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                kfree(fresh); /* somebody else was first */
        }
        page = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
        extra = PTE_SHARED;
    } else {
        page = kalloc();
    }
    if (!page)
        return 0;
    *pte = v2p(page) | pte_flags(v->prot) | extra;
    return page;
}

int mm_fault(struct mm *mm, uint64_t addr, bool write, bool exec)
{
    struct vma *v = mm ? mm_find_vma(mm, addr) : 0;
    if (!v)
        return -EFAULT;
    if ((write && !(v->prot & PROT_WRITE)) || (exec && !(v->prot & PROT_EXEC)) ||
        (v->prot & ~PROT_SIGBUS) == PROT_NONE)
        return -EFAULT;
    if (v->prot & PROT_SIGBUS)
        return -EIO;
    pte_t *pte = vm_walk(mm->pml4, addr, false);
    if (pte && (*pte & PTE_P))
        return -EFAULT; /* present, yet it faulted: a protection violation */
    return fault_in(mm, v, ALIGN_DOWN(addr, PGSIZE)) ? 0 : -ENOMEM;
}

void *mm_kaddr(struct mm *mm, uint64_t va)
{
    struct vma *v = mm_find_vma(mm, va);
    if (!v)
        return 0;
    char *page = fault_in(mm, v, ALIGN_DOWN(va, PGSIZE));
    if (!page)
        return 0;
    pte_t *pte = vm_walk(mm->pml4, va, false);
    if (*pte & PTE_IMAGE) /* the caller will write: not into the image */
        page = own_page(mm, ALIGN_DOWN(va, PGSIZE), pte);
    return page ? page + va % PGSIZE : 0;
}

int mm_map_image_page(struct mm *mm, uint64_t va, uint64_t pa)
{
    struct vma *v = mm_find_vma(mm, va);
    if (!v || (v->prot & PROT_WRITE) || v->shm || va % PGSIZE || pa % PGSIZE)
        return -EINVAL;
    pte_t *pte = vm_walk(mm->pml4, va, true);
    if (!pte)
        return -ENOMEM;
    if (pte_has_frame(*pte) && !(*pte & PTE_NOT_OURS))
        kfree(p2v(PTE_ADDR(*pte)));
    *pte = pa | pte_flags(v->prot) | PTE_IMAGE;
    return 0;
}

struct copy_arg {
    struct mm *dst;
    struct vma *v; /* the child's area being filled */
};

static int copy_one(struct mm *src, uint64_t va, pte_t *pte, void *arg)
{
    struct copy_arg *a = arg;
    (void)src;
    if (*pte & PTE_IMAGE) { /* read-only program text: share it */
        pte_t *dst = vm_walk(a->dst->pml4, va, true);
        if (!dst)
            return -ENOMEM;
        *dst = *pte;
        return 0;
    }
    void *page = fault_in(a->dst, a->v, va);
    if (!page)
        return -ENOMEM;
    memcpy(page, p2v(PTE_ADDR(*pte)), PGSIZE);
    return 0;
}

/* For fork: the same areas; private pages copied, shared ones shared. */
struct mm *mm_copy(struct mm *src)
{
    struct mm *dst = mm_create();
    if (!dst)
        return 0;
    memcpy(dst->vmas, src->vmas, sizeof src->vmas);
    dst->nvmas = src->nvmas;
    for (int i = 0; i < dst->nvmas; i++)
        shm_get(dst->vmas[i].shm);
    dst->brk_start = src->brk_start;
    dst->brk = src->brk;
    dst->stack_top = src->stack_top;
    for (int i = 0; i < src->nvmas; i++) {
        struct vma *v = &src->vmas[i];
        if (v->shm)
            continue; /* the child finds the shared pages when it touches them */
        struct copy_arg arg = {dst, &dst->vmas[i]};
        if (for_each_frame(src, v->start, v->end, copy_one, &arg)) {
            mm_put(dst);
            return 0;
        }
    }
    return dst;
}

static int count_one(struct mm *mm, uint64_t va, pte_t *pte, void *n)
{
    (void)mm, (void)va, (void)pte;
    (*(uint64_t *)n)++;
    return 0;
}

uint64_t mm_resident_pages(struct mm *mm)
{
    uint64_t n = 0;
    for (int i = 0; i < mm->nvmas; i++)
        for_each_frame(mm, mm->vmas[i].start, mm->vmas[i].end, count_one, &n);
    return n;
}

/* Load mm (NULL: the kernel's page tables only) on this CPU. The CPU keeps a
 * reference to the mm it has loaded, so that an address space is never freed
 * while some CPU's CR3 still points at it. An mm that ran on another CPU since we
 * last loaded it may have changed there, and our TLB may hold stale entries for
 * it: reload CR3 then, even if it never left ours. */
void mm_activate(struct mm *mm)
{
    push_off();
    struct cpu *c = mycpu();
    struct mm *old = c->active_mm;
    if (mm != old) {
        if (mm)
            mm_get(mm);
        write_cr3(v2p(mm ? mm->pml4 : kernel_pml4));
        c->active_mm = mm;
        if (old)
            mm_put(old);
    } else if (mm && mm->last_cpu != c->id) {
        write_cr3(v2p(mm->pml4));
    }
    if (mm)
        mm->last_cpu = c->id;
    pop_off();
}
