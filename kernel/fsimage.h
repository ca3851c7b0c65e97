/* fsimage.h: the root filesystem image format, written by mkfs (host) and read by
 * the kernel (fs.c). Shared by both, so it uses only fixed-size types. */
#pragma once
#include <stdint.h>

/*
 * Layout (all integers little-endian):
 *
 *   offset 0      struct fsimg_super
 *   offset 32     struct fsimg_entry[nentries]   (sorted by path, parents first)
 *   ...           file data, each file starting on a 4096-byte boundary
 *
 * Every directory is listed explicitly (except "/"), before anything inside it.
 * Paths are absolute and normalized: no "//", no trailing "/", no "." or "..".
 */
#define FSIMG_MAGIC   "LARKFS01" /* 8 bytes, no NUL */
#define FSIMG_PATHMAX 128        /* bytes in a path, including the NUL */
#define FSIMG_NAMEMAX 63         /* bytes in one path component */
#define FSIMG_ALIGN   4096       /* file data alignment */

struct fsimg_super {
    char magic[8];
    uint32_t nentries; /* number of struct fsimg_entry that follow */
    uint32_t reserved;
    uint64_t size; /* total image size in bytes */
    uint64_t reserved2;
};

struct fsimg_entry {
    char path[FSIMG_PATHMAX]; /* NUL-terminated */
    uint32_t mode;            /* st_mode: S_IFREG or S_IFDIR plus permission bits */
    uint32_t reserved;
    uint64_t offset; /* file data offset in the image (0 for directories) */
    uint64_t size;   /* file size in bytes (0 for directories) */
};

_Static_assert(sizeof(struct fsimg_super) == 32, "fsimg_super layout");
_Static_assert(sizeof(struct fsimg_entry) == 152, "fsimg_entry layout");
