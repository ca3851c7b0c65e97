/* vm.h: page tables: the kernel's mappings, and the primitives user address spaces
 * (mm.c) are built from. A page table is named by its PML4's direct-map address. */
#pragma once
#include "types.h"

typedef uint64_t pte_t;
typedef pte_t *pml4_t;

extern pml4_t kernel_pml4;

void vm_init(void);
/* Switch this CPU to the kernel's page tables, and turn on the protection bits
 * (global pages, write-protect, SMEP/SMAP if present). Each CPU calls it. */
void vm_init_cpu(void);
bool vm_has_smap(void);

/* The page table entry for va, allocating intermediate tables if alloc. NULL if it
 * does not exist (or cannot be allocated). Never follows a 2 MiB page. */
pte_t *vm_walk(pml4_t pml4, uint64_t va, bool alloc);
/* Map one 4 KiB page; -ENOMEM if a page table cannot be allocated. */
int vm_map_page(pml4_t pml4, uint64_t va, uint64_t pa, uint64_t flags);
/* Map kernel stack pages [top - bytes, top) from fresh frames, the page below left
 * unmapped as a guard. Returns the top, or 0 when out of memory. */
uint64_t vm_alloc_kstack(size_t bytes);
bool vm_is_stack_guard(uint64_t va); /* for panic reports */
bool vm_kernel_mapped(uint64_t va);  /* ditto */
