/* boot.h: what the boot loader told us, parsed from the Multiboot information. */
#pragma once
#include "types.h"
#include "param.h"

#define MAX_MEM_RANGES 32

struct mem_range {
    uint64_t start, end; /* physical, [start, end) */
};

struct boot_info {
    struct mem_range ram[MAX_MEM_RANGES]; /* usable RAM, as the firmware reported it */
    int nram;
    uint64_t ram_top;          /* highest usable RAM address */
    uint64_t fs_start, fs_end; /* the root filesystem image (first module) */
    uint64_t reserved_end;     /* end of the kernel, modules and boot data */
    char cmdline[CMDLINE_MAX];
};

extern struct boot_info boot_info;

void multiboot_parse(uint32_t magic, uint64_t info_phys);
