/* ksyms.h: kernel symbol names for backtraces (a table generated at link time). */
#pragma once
#include "types.h"

/* The name of the function containing addr, and addr's offset in it; NULL if none. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
uint64_t ksym_address(const char *name); /* 0 if there is no such symbol */
