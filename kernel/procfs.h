/* procfs.h: the generators of the /proc files: each fills buf (size bytes) with the
 * file's text when it is opened and returns the text's length. */
#pragma once
#include "types.h"

int procfs_ps(char *buf, size_t size);    /* /proc/ps: the process table */
int procfs_kstat(char *buf, size_t size); /* /proc/kstat: kernel counters */
