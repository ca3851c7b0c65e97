/* mmu.h: x86-64 page table entries and segment selectors. */
#pragma once

#define PGSIZE     4096UL
#define PGSHIFT    12
#define HUGEPGSIZE (2UL * 1024 * 1024)

/* Page table entry bits. */
#define PTE_P         (1UL << 0) /* present */
#define PTE_W         (1UL << 1) /* writable */
#define PTE_U         (1UL << 2) /* user accessible */
#define PTE_PWT       (1UL << 3)
#define PTE_PCD       (1UL << 4) /* cache disable (device memory) */
#define PTE_A         (1UL << 5)
#define PTE_D         (1UL << 6)
#define PTE_PS        (1UL << 7)  /* 2 MiB page (in a page directory entry) */
#define PTE_G         (1UL << 8)  /* global: survives CR3 reloads (kernel only) */
#define PTE_NX        (1UL << 63) /* no execute */
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PTE_ADDR(pte) ((pte)&PTE_ADDR_MASK)
/* Index into the page table at level 3 (PML4) .. 0 (PT) for a virtual address. */
#define PX(level, va) (((uint64_t)(va) >> (12 + 9 * (level))) & 0x1ff)

/* GDT selectors. The order is fixed by SYSCALL/SYSRET: STAR[47:32] = KCODE,
 * so SYSCALL loads CS = 0x08, SS = 0x10; STAR[63:48] = 0x18, so 64-bit SYSRET loads
 * SS = 0x18 + 8 = UDATA and CS = 0x18 + 16 = UCODE (with RPL 3). */
#define SEG_KCODE   0x08
#define SEG_KDATA   0x10
#define SEG_UCODE32 0x18 /* no 32-bit programs: it anchors SYSRET (see syscall32.S) */
#define SEG_UDATA   0x20
#define SEG_UCODE   0x28
#define SEG_TSS     0x30 /* 16 bytes: two GDT slots */
#define NGDT        8

#define USER_CS (SEG_UCODE | 3)
#define USER_DS (SEG_UDATA | 3)
