/* multiboot.c: read the Multiboot (version 1) information QEMU leaves for us: the
 * memory map, the kernel command line and the root filesystem module. */
#include "boot.h"
#include "memlayout.h"
#include "mmu.h"
#include "printf.h"
#include "string.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define MB_INFO_CMDLINE            (1 << 2)
#define MB_INFO_MODS               (1 << 3)
#define MB_INFO_MMAP               (1 << 6)

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
    uint32_t start, end, string, reserved;
};

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry: it does not count itself */
    uint64_t addr, len;
    uint32_t type; /* 1 = usable RAM */
} __attribute__((packed));

struct boot_info boot_info;
extern char _end[];

static void reserve(uint64_t end)
{
    if (end > boot_info.reserved_end)
        boot_info.reserved_end = end;
}

void multiboot_parse(uint32_t magic, uint64_t info_phys)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a Multiboot loader (magic %x)", magic);
    struct mb_info *mb = p2v(info_phys);
    reserve(v2p(_end));
    reserve(info_phys + sizeof *mb);

    if (mb->flags & MB_INFO_CMDLINE) {
        const char *s = p2v(mb->cmdline);
        strlcpy(boot_info.cmdline, s, sizeof boot_info.cmdline);
        reserve(mb->cmdline + strlen(s) + 1);
    }

    if ((mb->flags & MB_INFO_MODS) && mb->mods_count > 0) {
        struct mb_module *mods = p2v(mb->mods_addr);
        boot_info.fs_start = mods[0].start;
        boot_info.fs_end = mods[0].end;
        reserve(mb->mods_addr + mb->mods_count * sizeof *mods);
        for (uint32_t i = 0; i < mb->mods_count; i++) {
            reserve(mods[i].end);
            if (mods[i].string)
                reserve(mods[i].string + strlen(p2v(mods[i].string)) + 1);
        }
    }

    if (!(mb->flags & MB_INFO_MMAP))
        panic("the boot loader gave no memory map");
    reserve(mb->mmap_addr + mb->mmap_length);
    for (uint64_t off = 0; off < mb->mmap_length;) {
        struct mb_mmap_entry *e = p2v(mb->mmap_addr + off);
        off += e->size + sizeof e->size;
        if (e->type != 1 || boot_info.nram == MAX_MEM_RANGES)
            continue;
        uint64_t start = ALIGN_UP(e->addr, PGSIZE),
                 end = ALIGN_DOWN(e->addr + e->len, PGSIZE);
        if (end <= start)
            continue;
        boot_info.ram[boot_info.nram++] = (struct mem_range){start, end};
        if (end > boot_info.ram_top)
            boot_info.ram_top = end;
    }
    boot_info.reserved_end = ALIGN_UP(boot_info.reserved_end, PGSIZE);
}
