/* memlayout.h: the virtual and physical address map.
 *
 *   0x0000000000001000 .. 0x00007ffffffff000   user space (USER_TOP)
 *   0xffff800000000000 .. +RAM                 direct map of all physical memory
 *   0xffffff0000000000 ..                      kernel stacks, each under a guard page
 *   0xffffffff80000000 ..                      the kernel image (phys 0 + KERNBASE)
 *
 * User space ends one page below the end of the lower half (0x800000000000), as on
 * Linux (TASK_SIZE_MAX): a SYSCALL instruction in the last bytes of that page would
 * return to a non-canonical address.
 *
 * The kernel image is loaded at physical 1 MiB and linked at KERNBASE + 1 MiB.
 */
#pragma once

#define KERNBASE   0xffffffff80000000UL  /* virtual address of physical 0 for the image */
#define KERNLINK   (KERNBASE + 0x100000) /* where the kernel is linked */
#define PHYSMAP    0xffff800000000000UL  /* direct map of physical memory */
#define KSTACKBASE 0xffffff0000000000UL  /* kernel stacks with guard pages */
#define USER_TOP   0x00007ffffffff000UL  /* first address above user space (see above) */
#define USER_MIN   0x1000UL              /* the zero page is never mapped */

#define AP_BOOT_PHYS 0x8000UL /* where the AP start-up code is copied (below 1 MiB) */

#ifndef __ASSEMBLER__
#include "types.h"
/* Physical <-> direct-map virtual. */
static inline void *p2v(uint64_t pa)
{
    return (void *)(pa + PHYSMAP);
}
static inline uint64_t v2p(const void *va)
{
    uint64_t a = (uint64_t)va;
    return a >= KERNBASE ? a - KERNBASE : a - PHYSMAP;
}
#endif
