/* vm.c: the kernel's page tables. All physical memory is mapped at PHYSMAP with
 * 2 MiB pages (no execute); the kernel image is mapped with 4 KiB pages so that text
 * is read+execute, rodata read-only and data no-execute (W^X); kernel stacks live
 * in their own region, each with an unmapped guard page below it. The kernel half
 * (PML4 entries 256..511) is shared by every address space. */
#include "vm.h"
#include "boot.h"
#include "kalloc.h"
#include "memlayout.h"
#include "mmu.h"
#include "printf.h"
#include "spinlock.h"
#include "string.h"
#include "x86.h"

pml4_t kernel_pml4;
static bool have_smap;

extern char _kernel_start[], _etext[], _erodata[], _end[];
extern char boot_stack_guard[];

pte_t *vm_walk(pml4_t pml4, uint64_t va, bool alloc)
{
    pte_t *table = pml4;
    for (int level = 3; level > 0; level--) {
        pte_t *e = &table[PX(level, va)];
        if (!(*e & PTE_P)) {
            if (!alloc)
                return 0;
            void *next = kalloc();
            if (!next)
                return 0;
            /* Intermediate entries allow everything; the leaf decides. */
            *e = v2p(next) | PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            return 0;
        }
        table = p2v(PTE_ADDR(*e));
    }
    return &table[PX(0, va)];
}

int vm_map_page(pml4_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
    pte_t *pte = vm_walk(pml4, va, true);
    if (!pte)
        return -12; /* ENOMEM */
    *pte = pa | flags | PTE_P;
    return 0;
}

/* The direct map: every physical address up to max(RAM top, 4 GiB), 2 MiB at a time.
 * The top 32 MiB below 4 GiB hold the LAPIC and IOAPIC registers: uncached. */
static void map_physmem(void)
{
    uint64_t top = MAX(ALIGN_UP(boot_info.ram_top, HUGEPGSIZE), 0x100000000UL);
    for (uint64_t pa = 0; pa < top; pa += HUGEPGSIZE) {
        uint64_t va = PHYSMAP + pa;
        pte_t *pdpte = &kernel_pml4[PX(3, va)];
        if (!(*pdpte & PTE_P))
            *pdpte = v2p(kalloc()) | PTE_P | PTE_W;
        pte_t *pdpt = p2v(PTE_ADDR(*pdpte));
        pte_t *pde = &pdpt[PX(2, va)];
        if (!(*pde & PTE_P))
            *pde = v2p(kalloc()) | PTE_P | PTE_W;
        pte_t *pd = p2v(PTE_ADDR(*pde));
        uint64_t flags = PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
        if (pa >= 0xfe000000UL && pa < 0x100000000UL)
            flags |= PTE_PCD | PTE_PWT;
        pd[PX(1, va)] = pa | flags;
    }
}

static void map_kernel_image(void)
{
    for (uint64_t va = (uint64_t)_kernel_start; va < (uint64_t)_end; va += PGSIZE) {
        uint64_t flags = PTE_G;
        if (va < (uint64_t)_etext)
            flags |= 0; /* text: read + execute */
        else if (va < (uint64_t)_erodata)
            flags |= PTE_NX;
        else
            flags |= PTE_W | PTE_NX;
        if (va == (uint64_t)boot_stack_guard)
            continue; /* the guard page under the boot stack stays unmapped */
        if (vm_map_page(kernel_pml4, va, va - KERNBASE, flags) < 0)
            panic("vm_init: out of memory");
    }
}

void vm_init(void)
{
    kernel_pml4 = kalloc();
    if (!kernel_pml4)
        panic("vm_init: out of memory");
    map_physmem();
    map_kernel_image();
    /* Give every kernel-half PML4 slot a table now, so that user page tables, which
     * copy these 256 entries, see every later kernel mapping. */
    for (int i = 256; i < 512; i++)
        if (!(kernel_pml4[i] & PTE_P))
            kernel_pml4[i] = v2p(kalloc()) | PTE_P | PTE_W;
}

void vm_init_cpu(void)
{
    uint32_t a, b, c, d;
    cpuid(7, 0, &a, &b, &c, &d);
    uint64_t cr4 = read_cr4() | CR4_PGE;
    if (b & (1 << 7))
        cr4 |= CR4_SMEP; /* the kernel never executes user pages */
    if (b & (1 << 20)) {
        cr4 |= CR4_SMAP; /* nor touches them, outside the uaccess routines */
        have_smap = true;
    }
    write_cr4(cr4);
    write_cr0(read_cr0() | CR0_WP); /* read-only means read-only in the kernel too */
    write_cr3(v2p(kernel_pml4));
}

bool vm_has_smap(void)
{
    return have_smap;
}

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t kstack_next = KSTACKBASE;

uint64_t vm_alloc_kstack(size_t bytes)
{
    acquire(&kstack_lock);
    uint64_t base = kstack_next + PGSIZE; /* skip the guard page */
    kstack_next = base + bytes;
    release(&kstack_lock);
    for (uint64_t va = base; va < base + bytes; va += PGSIZE) {
        void *page = kalloc_nozero();
        if (!page || vm_map_page(kernel_pml4, va, v2p(page), PTE_W | PTE_NX | PTE_G) < 0)
            return 0;
    }
    return base + bytes;
}

/* Is va in the guard page under a kernel stack (or under the boot stack)? A fault
 * there is a kernel stack overflow. Guard pages are the only holes in the stacks'
 * region, so: inside it and unmapped. */
bool vm_is_stack_guard(uint64_t va)
{
    if (va >= (uint64_t)boot_stack_guard && va < (uint64_t)boot_stack_guard + PGSIZE)
        return true;
    if (va < KSTACKBASE || va >= kstack_next)
        return false;
    pte_t *pte = vm_walk(kernel_pml4, va, false);
    return !pte || !(*pte & PTE_P);
}

/* Is va mapped with a 4 KiB page in the kernel's tables (the kernel image, stacks)?
 * For panic reports, which must not fault while they look around. */
bool vm_kernel_mapped(uint64_t va)
{
    pte_t *pte = vm_walk(kernel_pml4, va, false);
    return pte && (*pte & PTE_P);
}
