/* fs.h: the file system: inodes and path names. The root is built at boot from the
 * image mkfs wrote (read-only); /tmp is a writable in-memory file system; /dev holds
 * the console and null devices; /proc holds generated text files (ps, kstat). */
#pragma once
#include "sleeplock.h"
#include "types.h"

#define NAME_MAX 255
#define PATH_MAX 4096

/* st_mode bits (Linux values). */
#define S_IFMT     0170000
#define S_IFDIR    0040000
#define S_IFCHR    0020000
#define S_IFREG    0100000
#define S_IFIFO    0010000
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
    int refs; /* references from files, cwds and the tree (atomic) */
    enum inode_kind kind;
    uint32_t mode; /* S_IF* type and permission bits */
    uint64_t ino;  /* unique number for stat */
    uint64_t size;
    bool writable_fs;      /* may be changed (under /tmp) */
    struct sleeplock lock; /* serialises reads/writes of its contents */
    /* Directory tree links, protected by the file system's namespace lock. */
    char name[NAME_MAX + 1];
    struct inode *parent;   /* for "..": the root is its own parent */
    struct inode *children; /* first entry, if a directory */
    struct inode *next;     /* next entry in the parent directory */
    bool unlinked;          /* removed from its directory, still open */
    uint64_t seq;           /* its position in the parent (getdents offsets) */
    uint64_t nlinked;       /* a directory: entries ever linked into it */
    /* Contents. */
    const uint8_t *image_data; /* INODE_IMAGE_FILE */
    uint8_t **pages;           /* INODE_MEM_FILE: page i holds bytes [i*4096, ...) */
    uint64_t npages;           /* allocated length of pages[] */
    int (*proc_generate)(char *buf, size_t size); /* INODE_PROC: fill, return length */
};

void fs_init(void); /* build the tree from the boot image */
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

/* --- Added with fs.c: the operations file.c and sysfile.c build on. --- */

/* Notes on the functions above: fs_root() returns the root without taking a
 * reference (take one with inode_get to keep it). inode_read also reads /dev/null
 * (always end of file); other devices and /proc files are read through a file. */

#define TMP_FILE_MAX_PAGES 512 /* a /tmp file's pages[] is one page of pointers: 2 MiB */

/* inode_read into user memory: bytes read, -EFAULT if none could be copied. */
ssize_t inode_read_user(struct inode *ip, uint64_t udst, uint64_t off, size_t n);
/* Write n bytes from user memory into a /tmp file at *off (at its end if append),
 * moving *off past them. Bytes written, or -errno (EFBIG past the size limit,
 * ENOSPC when memory runs out, EFAULT) if nothing was written. */
ssize_t inode_write_user(struct inode *ip, uint64_t usrc, uint64_t *off, size_t n,
                         bool append);
void inode_truncate(struct inode *ip); /* a /tmp file becomes empty */

/* Find name in dir, or create it as a /tmp file or directory with mode (which
 * holds S_IFREG or S_IFDIR): a referenced inode, *created saying which. Errors:
 * EEXIST (exists and excl), EROFS (not under /tmp), ENOENT (dir was removed),
 * ENOSPC (no free inode). name may be "", "." or "..": it then names dir itself
 * or its parent, which exist. */
struct inode *inode_create(struct inode *dir, const char *name, uint32_t mode, bool excl,
                           bool *created);
/* Remove name from dir: a file (unlink), or an empty directory if is_rmdir. The
 * inode lives on while it is referenced. trailing_slash: the path ended in '/'. */
int inode_unlink(struct inode *dir, const char *name, bool is_rmdir, bool trailing_slash);

/* Call emit for dir's entries from position pos on until it returns false. "." is
 * at 0, ".." at 1, and each entry at a number its directory gave it when it was
 * linked, larger than any before: removing entries moves no other, so a listing
 * that unlinks as it goes misses nothing. next is the position after the entry.
 * emit runs under the namespace spinlock: it may only touch kernel memory.
 * Returns the position to resume at, or -ENOENT if dir was removed. */
typedef bool (*dir_emit_fn)(void *ctx, const char *name, uint64_t ino, uint32_t mode,
                            uint64_t next);
long dir_iterate(struct inode *dir, uint64_t pos, dir_emit_fn emit, void *ctx);

/* The absolute path of directory ip, into buf (size bytes): its length, -ENOENT if
 * ip was removed, -ENAMETOOLONG if it does not fit. */
long inode_path(struct inode *ip, char *buf, size_t size);
uint64_t inode_nlink(struct inode *ip); /* st_nlink */
