/* boot.S: the first code that runs. QEMU's Multiboot loader enters _start32 in 32-bit
 * protected mode with paging off; we build early page tables, enter 64-bit long mode,
 * jump to the higher half and call main(). Application processors join at ap_entry64. */
#include "memlayout.h"
#include "mmu.h"
#include "param.h"

#define MB_MAGIC 0x1badb002
/* Flags: page-align modules (bit 0), give us the memory map (bit 1), and use the load
 * addresses in this header (bit 16) so the loader needs no ELF32 file. */
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))
#define PHYS(x) ((x) - KERNBASE)

.section .text.boot, "ax"
.code32
.align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(multiboot_header)  /* header_addr */
    .long PHYS(_kernel_start)     /* load_addr: the file from this header's page on */
    .long PHYS(_edata)            /* load_end_addr */
    .long PHYS(_end)              /* bss_end_addr: the loader zeroes up to here */
    .long PHYS(_start32)          /* entry_addr */

.globl _start32
_start32:
    cli
    cld
    mov %eax, %edi                  /* Multiboot magic: 1st argument of main */
    mov %ebx, %esi                  /* physical address of the Multiboot info: 2nd */

    /* The early page directory maps the first 1 GiB with 2 MiB pages. The PML4 uses it
     * three times: at 0 (identity, for this code), at PHYSMAP and at KERNBASE. */
    mov $PHYS(early_pd), %edx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P | PTE_W | PTE_PS), %eax
    mov %eax, (%edx, %ecx, 8)
    movl $0, 4(%edx, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jb 1b

    /* Long mode: PAE, the page table root, EFER.LME (and NXE, for later), paging. */
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov $PHYS(early_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 0)), %eax
    mov %eax, %cr0

    lgdt PHYS(early_gdt_desc)
    ljmp $SEG_KCODE, $PHYS(start64_low)

.code64
start64_low:
    movabs $start64, %rax           /* leave the identity map for the higher half */
    jmp *%rax

start64:
    mov $SEG_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp                  /* ends backtraces */
    call main
2:  hlt
    jmp 2b

/* An application processor arrives here from apboot.S, running on the early page
 * tables, with its stack top in %rdi and the kernel page table root in %rsi.
 * Segment registers are not reloaded here: the GDT it used is mapped only by the
 * early page tables; gdt_init() loads the real one. */
.globl ap_entry64
ap_entry64:
    mov %rsi, %cr3
    mov %rdi, %rsp
    xor %ebp, %ebp
    call ap_main
3:  hlt
    jmp 3b

.section .rodata
.align 16
early_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit kernel code */
    .quad 0x00cf92000000ffff        /* 0x10: kernel data */
early_gdt_end:
.globl early_gdt_desc
early_gdt_desc:
    .word early_gdt_end - early_gdt - 1
    .quad PHYS(early_gdt)

.section .data
.align 4096
.globl early_pml4
early_pml4:
    .quad PHYS(early_pdpt) + (PTE_P | PTE_W)
    .fill 255, 8, 0
    .quad PHYS(early_pdpt) + (PTE_P | PTE_W)   /* PHYSMAP */
    .fill 254, 8, 0
    .quad PHYS(early_pdpt_high) + (PTE_P | PTE_W) /* KERNBASE */
early_pdpt:
    .quad PHYS(early_pd) + (PTE_P | PTE_W)
    .fill 511, 8, 0
early_pdpt_high:
    .fill 510, 8, 0
    .quad PHYS(early_pd) + (PTE_P | PTE_W)
    .quad 0
early_pd:
    .fill 512, 8, 0

/* The boot CPU's stack. The page below it is left unmapped by vm.c: a guard page. */
.section .bss.stack, "aw", @nobits
.align 4096
.globl boot_stack_guard
boot_stack_guard:
    .skip 4096
.globl boot_stack
boot_stack:
    .skip KSTACK_BYTES
.globl boot_stack_top
boot_stack_top:
