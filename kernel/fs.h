/* fs.h: the file system: inodes and path names. The root is built at boot from the
 * image mkfs wrote (read-only); /tmp is a writable in-memory file system; /dev holds
 * the console and null devices; /proc holds generated text files (ps, kstat). */
#pragma once
#include "sleeplock.h"
#include "types.h"

#define NAME_MAX 255
#define PATH_MAX 4096

/* st_mode bits (Linux values). */
#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFREG  0100000
#define S_IFIFO  0010000
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)

/* What an inode is, beyond its mode. */
enum inode_kind {
    INODE_IMAGE_FILE, /* a file in the boot image: read-only, data in place */
    INODE_MEM_FILE,   /* a file in /tmp: pages in memory */
    INODE_DIR,        /* any directory */
    INODE_CONSOLE,    /* /dev/console */
    INODE_NULL,       /* /dev/null */
    INODE_PROC,       /* a /proc file: text generated when it is opened */
};

struct inode {
    int refs;                /* references from files, cwds and the tree (atomic) */
    enum inode_kind kind;
    uint32_t mode;           /* S_IF* type and permission bits */
    uint64_t ino;            /* unique number for stat */
    uint64_t size;
    bool writable_fs;        /* may be changed (under /tmp) */
    struct sleeplock lock;   /* serialises reads/writes of its contents */
    /* Directory tree links, protected by the file system's namespace lock. */
    char name[NAME_MAX + 1];
    struct inode *parent;    /* for "..": the root is its own parent */
    struct inode *children;  /* first entry, if a directory */
    struct inode *next;      /* next entry in the parent directory */
    bool unlinked;           /* removed from its directory, still open */
    /* Contents. */
    const uint8_t *image_data;   /* INODE_IMAGE_FILE */
    uint8_t **pages;             /* INODE_MEM_FILE: page i holds bytes [i*4096, ...) */
    uint64_t npages;             /* allocated length of pages[] */
    int (*proc_generate)(char *buf, size_t size); /* INODE_PROC: fill, return length */
};

void fs_init(void);                 /* build the tree from the boot image */
void inode_get(struct inode *ip);
void inode_put(struct inode *ip);
struct inode *fs_root(void);

/* Resolve path (relative to cwd unless absolute). Returns a referenced inode, or a
 * negative errno cast to a pointer: test with IS_ERR / PTR_ERR. */
struct inode *namei(const char *path, struct inode *cwd);
/* Resolve all but the last component: returns the (referenced) parent directory and
 * copies the last component into name (NAME_MAX + 1 bytes). */
struct inode *namei_parent(const char *path, struct inode *cwd, char *name);
/* Read up to n bytes at offset off into a kernel buffer: bytes read, or -errno. */
ssize_t inode_read(struct inode *ip, void *dst, uint64_t off, size_t n);

#define IS_ERR(p)  ((uint64_t)(p) >= (uint64_t)-4095)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))

/* Free-standing counters for /proc/kstat and the leak checks. */
uint64_t fs_mem_pages(void); /* pages held by /tmp files */
