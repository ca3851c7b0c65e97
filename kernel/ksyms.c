/* ksyms.c: look up the kernel's function symbols. The Makefile links the kernel
 * twice: first with an empty table, then with a table (generated ksyms.S, made by
 * kernel/mkksyms.sh from `nm` of the first link) of every function's address and name,
 * sorted by address. The table sits after all code, so no function moves. */
#include "ksyms.h"
#include "string.h"

struct ksym {
    uint64_t addr;
    uint64_t name; /* offset in ksyms_names */
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];
extern char _kernel_start[], _etext[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    if (ksyms_count == 0 || addr < ksyms_table[0].addr || addr >= (uint64_t)_etext)
        return 0;
    uint64_t lo = 0, hi = ksyms_count;
    while (hi - lo > 1) { /* find the last symbol at or below addr */
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name;
}

uint64_t ksym_address(const char *name)
{
    for (uint64_t i = 0; i < ksyms_count; i++)
        if (strcmp(ksyms_names + ksyms_table[i].name, name) == 0)
            return ksyms_table[i].addr;
    return 0;
}
