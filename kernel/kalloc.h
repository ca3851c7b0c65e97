/* kalloc.h: the physical page frame allocator. */
#pragma once
#include "types.h"

void kalloc_init(void);
/* A zeroed 4 KiB page, by its direct-map address; NULL when memory is exhausted. */
void *kalloc(void);
/* The same page without zeroing, for callers that overwrite all of it. */
void *kalloc_nozero(void);
void kfree(void *page);
uint64_t kalloc_free_frames(void);
uint64_t kalloc_total_frames(void);
