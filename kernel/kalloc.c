/* kalloc.c: physical memory, one 4 KiB frame at a time. Frames never used yet are
 * handed out from the firmware's RAM ranges in order (so boot touches no memory it
 * does not need); freed frames go on a free list and are reused first. */
#include "kalloc.h"
#include "boot.h"
#include "memlayout.h"
#include "mmu.h"
#include "printf.h"
#include "spinlock.h"
#include "string.h"

struct free_frame {
    struct free_frame *next;
};

static struct {
    struct spinlock lock;
    struct free_frame *free_list;
    int range;          /* boot_info.ram[range] is where fresh frames come from */
    uint64_t next, end; /* the rest of that range: [next, end) */
    uint64_t nfree, total;
} kmem = {.lock = SPINLOCK_INIT("kmem")};

void kalloc_init(void)
{
    /* Never hand out the kernel, the modules, the boot data or the first MiB. */
    uint64_t floor = MAX(boot_info.reserved_end, 0x100000UL);
    for (int i = 0; i < boot_info.nram; i++) {
        struct mem_range *r = &boot_info.ram[i];
        if (r->start < floor)
            r->start = MIN(floor, r->end);
        kmem.total += (r->end - r->start) / PGSIZE;
    }
    kmem.nfree = kmem.total;
    kmem.range = -1;
}

static void *alloc_frame(void)
{
    acquire(&kmem.lock);
    struct free_frame *f = kmem.free_list;
    if (f) {
        kmem.free_list = f->next;
    } else {
        while (kmem.next == kmem.end && kmem.range + 1 < boot_info.nram) {
            kmem.range++;
            kmem.next = boot_info.ram[kmem.range].start;
            kmem.end = boot_info.ram[kmem.range].end;
        }
        if (kmem.next < kmem.end) {
            f = p2v(kmem.next);
            kmem.next += PGSIZE;
        }
    }
    if (f)
        kmem.nfree--;
    release(&kmem.lock);
    return f;
}

void *kalloc_nozero(void)
{
    return alloc_frame();
}

void *kalloc(void)
{
    void *p = alloc_frame();
    if (p)
        memset(p, 0, PGSIZE);
    return p;
}

void kfree(void *page)
{
    uint64_t pa = v2p(page);
    if ((uint64_t)page % PGSIZE || pa < boot_info.reserved_end || pa >= boot_info.ram_top)
        panic("kfree: bad frame %p", page);
    struct free_frame *f = page;
    acquire(&kmem.lock);
    f->next = kmem.free_list;
    kmem.free_list = f;
    kmem.nfree++;
    release(&kmem.lock);
}

uint64_t kalloc_free_frames(void)
{
    return kmem.nfree;
}

uint64_t kalloc_total_frames(void)
{
    return kmem.total;
}
