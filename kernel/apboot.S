/* apboot.S: start-up code for the application processors. smp.c copies it to
 * AP_BOOT_PHYS (below 1 MiB) and sends a start-up IPI; the AP begins here in 16-bit
 * real mode, goes through 32-bit protected mode into long mode, and jumps to
 * ap_entry64 (boot.S). Addresses are absolute: AP_BOOT_PHYS + offset in this blob. */
#include "memlayout.h"

#define ABS(x) (AP_BOOT_PHYS + ((x) - ap_boot_start))

.section .rodata
.code16
.globl ap_boot_start
ap_boot_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl ABS(ap_gdt_desc)
    mov %cr0, %eax
    or $1, %eax                     /* protected mode */
    mov %eax, %cr0
    ljmpl $0x18, $ABS(ap_start32)

.code32
ap_start32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax              /* PAE */
    mov %eax, %cr4
    mov ABS(ap_param_early_cr3), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx           /* EFER: long mode enable, no-execute enable */
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax
    wrmsr
    mov %cr0, %eax
    or $(1 << 31), %eax             /* paging: now in long mode (compatibility) */
    mov %eax, %cr0
    ljmp $0x08, $ABS(ap_start64)

.code64
ap_start64:
    movq ABS(ap_param_stack), %rdi
    movq ABS(ap_param_kernel_cr3), %rsi
    movq ABS(ap_param_entry), %rax
    jmp *%rax                       /* ap_entry64, in the higher half */

.align 16
ap_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
    .quad 0x00cf9a000000ffff        /* 0x18: 32-bit code */
ap_gdt_desc:
    .word ap_gdt_desc - ap_gdt - 1
    .long ABS(ap_gdt)

/* Filled in by smp.c before each start-up IPI (struct ap_boot_params). */
.align 8
.globl ap_boot_params
ap_boot_params:
ap_param_early_cr3:  .quad 0
ap_param_kernel_cr3: .quad 0
ap_param_stack:      .quad 0
ap_param_entry:      .quad 0
.globl ap_boot_end
ap_boot_end:
