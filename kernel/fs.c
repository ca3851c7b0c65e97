/* fs.c: the file system tree: built at boot from the read-only image, plus a
 * writable in-memory /tmp, the devices in /dev and the generated files in /proc.
 * Path lookup (namei), reference counting of inodes, and reading and writing their
 * contents. */
#include "fs.h"
#include "boot.h"
#include "errno.h"
#include "fsimage.h"
#include "kalloc.h"
#include "memlayout.h"
#include "mmu.h"
#include "printf.h"
#include "procfs.h"
#include "spinlock.h"
#include "string.h"
#include "uaccess.h"

/*
 * Locking. One spinlock, ns_lock, protects the shape of the tree (every inode's
 * name, parent, children, next and unlinked fields), the inode pool and the inode
 * numbers. Lookups are short walks over memory, so a spinlock is enough and no one
 * sleeps while holding it. Each inode's sleeplock protects the contents of a /tmp
 * file (size, pages), which are copied to and from user memory while it is held.
 *
 * References. ip->refs counts the tree (one while the inode is linked in its
 * directory), each child (a child keeps its parent alive, for ".."), open files,
 * working directories and lookups in progress. Anyone who finds an inode in the
 * tree while holding ns_lock may take a reference: a linked inode has refs >= 1.
 * When the count drops to 0 the inode is unlinked and unreachable: its pages are
 * freed and its slot returns to the pool.
 */
#define NINODE 1024
#define DIR_FIRST_SEQ                                                                    \
    2 /* a directory's first entry's position: "." and ".." come first */

static struct spinlock ns_lock = SPINLOCK_INIT("fs namespace");
static struct inode inodes[NINODE];
static bool inode_used[NINODE]; /* protected by ns_lock */
static uint64_t next_ino = 1;   /* protected by ns_lock */
static struct inode *root;
static uint64_t tmp_pages; /* pages held by /tmp files (atomic) */

struct inode *fs_root(void)
{
    return root;
}

uint64_t fs_mem_pages(void)
{
    return __atomic_load_n(&tmp_pages, __ATOMIC_RELAXED);
}

/* --- inodes: allocation and reference counting -------------------------------- */

/* A fresh inode with one reference, or NULL if the pool is empty. ns_lock held. */
static struct inode *inode_alloc(enum inode_kind kind, uint32_t mode, bool writable)
{
    for (int i = 0; i < NINODE; i++) {
        if (inode_used[i])
            continue;
        inode_used[i] = true;
        struct inode *ip = &inodes[i];
        memset(ip, 0, sizeof *ip);
        ip->refs = 1;
        ip->kind = kind;
        ip->mode = mode;
        ip->ino = next_ino++;
        ip->writable_fs = writable;
        initsleeplock(&ip->lock, "inode");
        return ip;
    }
    return 0;
}

void inode_get(struct inode *ip)
{
    __atomic_add_fetch(&ip->refs, 1, __ATOMIC_RELAXED);
}

static void free_contents(struct inode *ip)
{
    if (!ip->pages)
        return;
    for (uint64_t i = 0; i < ip->npages; i++) {
        if (ip->pages[i]) {
            kfree(ip->pages[i]);
            __atomic_sub_fetch(&tmp_pages, 1, __ATOMIC_RELAXED);
        }
    }
    kfree(ip->pages);
    __atomic_sub_fetch(&tmp_pages, 1, __ATOMIC_RELAXED);
    ip->pages = 0;
    ip->npages = 0;
}

void inode_put(struct inode *ip)
{
    /* Freeing a child drops its reference on the parent: a loop, not recursion. */
    while (ip) {
        int refs = __atomic_sub_fetch(&ip->refs, 1, __ATOMIC_ACQ_REL);
        if (refs > 0)
            return;
        if (refs < 0 || ip == root)
            panic("inode_put: inode %lu (%s) put more often than got", ip->ino, ip->name);
        free_contents(ip);
        struct inode *parent = ip->parent;
        acquire(&ns_lock);
        inode_used[ip - inodes] = false;
        release(&ns_lock);
        ip = parent;
    }
}

/* --- the tree ------------------------------------------------------------------- */

/* The entry called name (len bytes, not NUL-terminated) in dir, or NULL. "" and "."
 * are dir itself, ".." its parent. ns_lock held. */
static struct inode *dir_lookup(struct inode *dir, const char *name, size_t len)
{
    if (len == 0 || (len == 1 && name[0] == '.'))
        return dir;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return dir->parent;
    for (struct inode *c = dir->children; c; c = c->next)
        if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
            return c;
    return 0;
}

/* Add ip to the end of dir's entries (so the image's sorted order is kept), with a
 * position after every other's (see dir_iterate). The child's reference on its
 * parent is taken here. ns_lock held. */
static void dir_link(struct inode *dir, struct inode *ip, const char *name)
{
    strlcpy(ip->name, name, sizeof ip->name);
    ip->seq = DIR_FIRST_SEQ + dir->nlinked++;
    ip->parent = dir;
    inode_get(dir);
    struct inode **pp = &dir->children;
    while (*pp)
        pp = &(*pp)->next;
    *pp = ip;
    ip->next = 0;
}

static void dir_unlink(struct inode *dir, struct inode *ip)
{
    for (struct inode **pp = &dir->children; *pp; pp = &(*pp)->next) {
        if (*pp == ip) {
            *pp = ip->next;
            break;
        }
    }
    ip->next = 0;
    ip->unlinked = true;
}

/* --- path names ------------------------------------------------------------------ */

/*
 * Walk path from cwd (or the root) under ns_lock. With last == NULL, resolve the
 * whole path. Otherwise stop before the last component, copy it into last and
 * return its directory. The result is referenced.
 */
static struct inode *walk(const char *path, struct inode *cwd, char *last)
{
    if (*path == '\0')
        return ERR_PTR(-ENOENT);
    acquire(&ns_lock);
    struct inode *ip = (*path == '/' || !cwd) ? root : cwd;
    long err = 0;
    for (;;) {
        while (*path == '/')
            path++;
        const char *end = path;
        while (*end && *end != '/')
            end++;
        size_t len = end - path;
        const char *rest = end;
        while (*rest == '/')
            rest++;
        bool is_last = *rest == '\0';
        bool trailing_slash = is_last && rest != end;

        if (len == 0) /* nothing left: the path was "/" (or "//"...) */
            break;
        if (!S_ISDIR(ip->mode)) {
            err = -ENOTDIR;
            break;
        }
        if (len > NAME_MAX) {
            err = -ENAMETOOLONG;
            break;
        }
        if (last && is_last) {
            memcpy(last, path, len);
            last[len] = '\0';
            break;
        }
        struct inode *next = dir_lookup(ip, path, len);
        if (!next) {
            err = -ENOENT;
            break;
        }
        ip = next;
        if (is_last) {
            if (trailing_slash && !S_ISDIR(ip->mode))
                err = -ENOTDIR;
            break;
        }
        path = end;
    }
    if (!err && last && *path == '\0')
        last[0] = '\0'; /* the path named the root itself */
    if (!err)
        inode_get(ip);
    release(&ns_lock);
    return err ? ERR_PTR(err) : ip;
}

struct inode *namei(const char *path, struct inode *cwd)
{
    return walk(path, cwd, 0);
}

struct inode *namei_parent(const char *path, struct inode *cwd, char *name)
{
    return walk(path, cwd, name);
}

struct inode *inode_create(struct inode *dir, const char *name, uint32_t mode, bool excl,
                           bool *created)
{
    *created = false;
    size_t len = strlen(name);
    if (len > NAME_MAX)
        return ERR_PTR(-ENAMETOOLONG);
    acquire(&ns_lock);
    long err = 0;
    struct inode *ip = 0;
    if (!S_ISDIR(dir->mode)) {
        err = -ENOTDIR;
    } else if ((ip = dir_lookup(dir, name, len))) {
        if (excl)
            err = -EEXIST;
        else
            inode_get(ip);
    } else if (!dir->writable_fs) {
        err = -EROFS;
    } else if (dir->unlinked) {
        err = -ENOENT;
    } else {
        enum inode_kind kind = S_ISDIR(mode) ? INODE_DIR : INODE_MEM_FILE;
        ip = inode_alloc(kind, mode, true);
        if (ip) {
            dir_link(dir, ip, name);
            inode_get(ip); /* one for the tree, one for the caller */
            *created = true;
        } else {
            err = -ENOSPC;
        }
    }
    release(&ns_lock);
    return err ? ERR_PTR(err) : ip;
}

int inode_unlink(struct inode *dir, const char *name, bool is_rmdir, bool trailing_slash)
{
    acquire(&ns_lock);
    struct inode *ip = 0;
    long err = 0;
    if (!dir->writable_fs) {
        err = -EROFS; /* as Linux: a read-only file system says so first */
    } else if (!(ip = dir_lookup(dir, name, strlen(name)))) {
        err = -ENOENT;
    } else if (is_rmdir) {
        if (!S_ISDIR(ip->mode))
            err = -ENOTDIR;
        else if (ip->children)
            err = -ENOTEMPTY;
    } else if (S_ISDIR(ip->mode)) {
        err = -EISDIR;
    } else if (trailing_slash) {
        err = -ENOTDIR;
    }
    if (!err)
        dir_unlink(dir, ip);
    release(&ns_lock);
    if (!err)
        inode_put(ip); /* the tree's reference: open files keep it alive */
    return err;
}

long dir_iterate(struct inode *dir, uint64_t pos, dir_emit_fn emit, void *ctx)
{
    acquire(&ns_lock);
    if (dir->unlinked) {
        release(&ns_lock);
        return -ENOENT;
    }
    if (pos == 0 && emit(ctx, ".", dir->ino, dir->mode, 1))
        pos = 1;
    if (pos == 1 && emit(ctx, "..", dir->parent->ino, dir->parent->mode, DIR_FIRST_SEQ))
        pos = DIR_FIRST_SEQ;
    if (pos >= DIR_FIRST_SEQ) {
        /* The entries are in the order they were linked, so their positions grow. */
        struct inode *c = dir->children;
        while (c && c->seq < pos)
            c = c->next;
        for (; c && emit(ctx, c->name, c->ino, c->mode, c->seq + 1); c = c->next)
            pos = c->seq + 1;
    }
    release(&ns_lock);
    return pos;
}

long inode_path(struct inode *ip, char *buf, size_t size)
{
    if (size < 2)
        return -ENAMETOOLONG;
    acquire(&ns_lock);
    long err = ip->unlinked ? -ENOENT : 0;
    size_t pos = size - 1; /* built backwards from the end of buf */
    buf[pos] = '\0';
    for (struct inode *d = ip; !err && d != root; d = d->parent) {
        size_t len = strlen(d->name);
        if (pos < len + 1) {
            err = -ENAMETOOLONG;
            break;
        }
        pos -= len;
        memcpy(buf + pos, d->name, len);
        buf[--pos] = '/';
    }
    release(&ns_lock);
    if (err)
        return err;
    if (ip == root)
        buf[--pos] = '/';
    size_t len = size - 1 - pos;
    memmove(buf, buf + pos, len + 1);
    return len;
}

uint64_t inode_nlink(struct inode *ip)
{
    if (!S_ISDIR(ip->mode))
        return ip->unlinked ? 0 : 1;
    acquire(&ns_lock);
    uint64_t n = ip->unlinked ? 0 : 2; /* its entry in the parent, and its "." */
    for (struct inode *c = ip->children; c; c = c->next)
        if (S_ISDIR(c->mode))
            n++; /* each subdirectory's ".." */
    release(&ns_lock);
    return n;
}

/* --- contents ---------------------------------------------------------------------- */

/* Copy to user memory or to a kernel buffer. */
static int copy_out(bool user, uint64_t dst, const void *src, size_t n)
{
    if (user)
        return copy_to_user(dst, src, n);
    memcpy((void *)dst, src, n);
    return 0;
}

static int zero_out(bool user, uint64_t dst, size_t n)
{
    if (user)
        return clear_user(dst, n);
    memset((void *)dst, 0, n);
    return 0;
}

/* Read a /tmp file: pages never written (holes) read as zeros. */
static ssize_t mem_file_read(struct inode *ip, bool user, uint64_t dst, uint64_t off,
                             size_t n)
{
    acquiresleep(&ip->lock);
    if (off >= ip->size)
        n = 0;
    else
        n = MIN(n, ip->size - off);
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint64_t pg = (off + done) / PGSIZE, in_pg = (off + done) % PGSIZE;
        size_t chunk = MIN(PGSIZE - in_pg, n - done);
        uint8_t *page = pg < ip->npages ? ip->pages[pg] : 0;
        if (page)
            err = copy_out(user, dst + done, page + in_pg, chunk);
        else
            err = zero_out(user, dst + done, chunk);
        if (err)
            break;
        done += chunk;
    }
    releasesleep(&ip->lock);
    return done ? (ssize_t)done : err;
}

static ssize_t read_common(struct inode *ip, bool user, uint64_t dst, uint64_t off,
                           size_t n)
{
    switch (ip->kind) {
    case INODE_DIR:
        return -EISDIR;
    case INODE_IMAGE_FILE:
        /* Never changes, so it needs no lock. */
        if (off >= ip->size)
            return 0;
        n = MIN(n, ip->size - off);
        if (copy_out(user, dst, ip->image_data + off, n))
            return -EFAULT;
        return n;
    case INODE_MEM_FILE:
        return mem_file_read(ip, user, dst, off, n);
    case INODE_NULL:
        return 0;
    default:
        return -EINVAL; /* the console and /proc files are read through a file */
    }
}

ssize_t inode_read(struct inode *ip, void *dst, uint64_t off, size_t n)
{
    return read_common(ip, false, (uint64_t)dst, off, n);
}

ssize_t inode_read_user(struct inode *ip, uint64_t udst, uint64_t off, size_t n)
{
    return read_common(ip, true, udst, off, n);
}

/* The page holding page number pg of a /tmp file, allocated if need be (zeroed,
 * so that bytes between the old end and a write further on read as zeros). */
static uint8_t *mem_file_page(struct inode *ip, uint64_t pg)
{
    if (!ip->pages) {
        ip->pages = kalloc();
        if (!ip->pages)
            return 0;
        ip->npages = PGSIZE / sizeof(uint8_t *);
        __atomic_add_fetch(&tmp_pages, 1, __ATOMIC_RELAXED);
    }
    if (!ip->pages[pg]) {
        ip->pages[pg] = kalloc();
        if (!ip->pages[pg])
            return 0;
        __atomic_add_fetch(&tmp_pages, 1, __ATOMIC_RELAXED);
    }
    return ip->pages[pg];
}

_Static_assert(TMP_FILE_MAX_PAGES == PGSIZE / sizeof(uint8_t *), "one page of pointers");

ssize_t inode_write_user(struct inode *ip, uint64_t usrc, uint64_t *offp, size_t n,
                         bool append)
{
    const uint64_t max_size = (uint64_t)TMP_FILE_MAX_PAGES * PGSIZE;
    if (ip->kind != INODE_MEM_FILE)
        return -EINVAL;
    acquiresleep(&ip->lock);
    uint64_t off = append ? ip->size : *offp;
    size_t done = 0;
    long err = 0;
    if (off >= max_size && n > 0)
        err = -EFBIG;
    else
        n = MIN(n, max_size - off);
    while (!err && done < n) {
        uint64_t pg = (off + done) / PGSIZE, in_pg = (off + done) % PGSIZE;
        size_t chunk = MIN(PGSIZE - in_pg, n - done);
        uint8_t *page = mem_file_page(ip, pg);
        if (!page)
            err = -ENOSPC;
        else if (copy_from_user(page + in_pg, usrc + done, chunk))
            err = -EFAULT;
        else
            done += chunk;
    }
    if (done > 0 && off + done > ip->size)
        ip->size = off + done;
    *offp = off + done;
    releasesleep(&ip->lock);
    return done ? (ssize_t)done : err;
}

void inode_truncate(struct inode *ip)
{
    if (ip->kind != INODE_MEM_FILE)
        return;
    acquiresleep(&ip->lock);
    free_contents(ip);
    ip->size = 0;
    releasesleep(&ip->lock);
}

/* --- building the tree at boot ------------------------------------------------------ */

/* /tmp, /dev and /proc: made before the image is read, so that it cannot put
 * anything in or over them. */
static struct inode *kernel_dirs[3];

static bool is_kernel_dir(struct inode *ip)
{
    for (size_t i = 0; i < ARRAY_SIZE(kernel_dirs); i++)
        if (ip == kernel_dirs[i])
            return true;
    return false;
}

/* A new inode linked into dir (the tree holds its only reference), or -EEXIST if
 * dir has an entry called name already, or -ENOSPC if no inode is free. */
static struct inode *make_node(struct inode *dir, const char *name, enum inode_kind kind,
                               uint32_t mode, bool writable)
{
    acquire(&ns_lock);
    struct inode *ip = ERR_PTR(-EEXIST);
    if (!dir_lookup(dir, name, strlen(name))) {
        ip = inode_alloc(kind, mode, writable);
        if (ip)
            dir_link(dir, ip, name);
        else
            ip = ERR_PTR(-ENOSPC);
    }
    release(&ns_lock);
    return ip;
}

/* A node the kernel provides. They are made first, in an empty tree: no failure. */
static struct inode *kernel_node(struct inode *dir, const char *name,
                                 enum inode_kind kind, uint32_t mode, bool writable)
{
    struct inode *ip = make_node(dir, name, kind, mode, writable);
    if (IS_ERR(ip))
        panic("fs: cannot make %s (error %ld)", name, PTR_ERR(ip));
    return ip;
}

/* Check an entry's path: absolute, normalized, short components. Returns where its
 * last component starts, or NULL and why not. */
static const char *check_image_path(const struct fsimg_entry *e, const char **why)
{
    const char *path = e->path;
    if (path[0] != '/' || path[1] == '\0') {
        *why = "path is not absolute or names the root";
        return 0;
    }
    for (const char *p = path + 1;;) {
        const char *end = p;
        while (*end && *end != '/')
            end++;
        size_t len = end - p;
        if (len == 0 || len > FSIMG_NAMEMAX) {
            *why = "empty or too long path component";
            return 0;
        }
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
            *why = "'.' or '..' in the path";
            return 0;
        }
        if (*end == '\0')
            return p;
        p = end + 1;
    }
}

/* The directory an image entry goes into (listed before it), or NULL. */
static struct inode *image_parent(const char *path, const char *last)
{
    char dirpath[FSIMG_PATHMAX];
    size_t len = last - path - 1; /* without the '/' before the last component */
    if (len == 0)
        return root;
    memcpy(dirpath, path, len);
    dirpath[len] = '\0';
    struct inode *dir = namei(dirpath, root);
    if (IS_ERR(dir))
        return 0;
    inode_put(dir); /* the tree keeps it */
    return S_ISDIR(dir->mode) ? dir : 0;
}

/* Add image entry e to the tree: NULL, or why it cannot be added. */
static const char *load_image_entry(const uint8_t *img, uint64_t img_size,
                                    const struct fsimg_entry *e)
{
    const char *why = 0;
    const char *last = check_image_path(e, &why);
    if (!last)
        return why;
    struct inode *dir = image_parent(e->path, last);
    if (!dir)
        return "its directory is not in the image (or was skipped)";
    if (is_kernel_dir(dir))
        return "the kernel makes /tmp, /dev and /proc: the image cannot add to them";
    uint32_t type = e->mode & S_IFMT;
    if ((type != S_IFREG && type != S_IFDIR) || (e->mode & ~(S_IFMT | 0777)))
        return "bad mode";
    if (type == S_IFREG && (e->offset > img_size || e->size > img_size - e->offset))
        return "file data outside the image";
    acquire(&ns_lock);
    struct inode *old = dir_lookup(dir, last, strlen(last));
    release(&ns_lock);
    if (old && is_kernel_dir(old)) /* mkfs -d /tmp: an empty one is fine */
        return type == S_IFDIR ? 0 : "the kernel makes /tmp, /dev and /proc";
    struct inode *ip = make_node(
        dir, last, type == S_IFDIR ? INODE_DIR : INODE_IMAGE_FILE, e->mode, false);
    if (PTR_ERR(ip) == -EEXIST)
        return "listed twice";
    if (IS_ERR(ip))
        return "no free inode";
    if (type == S_IFREG) {
        ip->image_data = img + e->offset;
        ip->size = e->size;
    }
    return 0;
}

/* Read the image mkfs wrote. An entry that is wrong is left out, and the boot
 * says so: the rest of the image may still be enough to work with. */
static void load_image(void)
{
    const uint8_t *img = p2v(boot_info.fs_start);
    uint64_t avail = boot_info.fs_end - boot_info.fs_start;
    const struct fsimg_super *sb = (const struct fsimg_super *)img;
    if (boot_info.fs_end <= boot_info.fs_start || avail < sizeof *sb)
        panic("fs: no file system image (the first Multiboot module)");
    if (memcmp(sb->magic, FSIMG_MAGIC, sizeof sb->magic) != 0)
        panic("fs: bad file system image: wrong magic (not made by mkfs?)");
    if (sb->size > avail)
        panic("fs: bad file system image: says %lu bytes, module has %lu", sb->size,
              avail);
    uint64_t table = sizeof *sb + (uint64_t)sb->nentries * sizeof(struct fsimg_entry);
    if (table > sb->size)
        panic("fs: bad file system image: %u entries run past its end", sb->nentries);
    const struct fsimg_entry *entries = (const struct fsimg_entry *)(sb + 1);
    for (uint32_t i = 0; i < sb->nentries; i++) {
        const struct fsimg_entry *e = &entries[i];
        bool terminated = strnlen(e->path, sizeof e->path) < sizeof e->path;
        const char *why = terminated ? load_image_entry(img, sb->size, e)
                                     : "path is not NUL-terminated";
        if (why)
            kprintf("lark: fs: image entry %u (%s) left out: %s\n", i,
                    terminated ? e->path : "?", why);
    }
}

void fs_init(void)
{
    acquire(&ns_lock);
    root = inode_alloc(INODE_DIR, S_IFDIR | 0755, false);
    root->parent = root; /* ".." of the root is the root; no reference for that */
    release(&ns_lock);

    struct inode *tmp = kernel_node(root, "tmp", INODE_DIR, S_IFDIR | 01777, true);
    struct inode *dev = kernel_node(root, "dev", INODE_DIR, S_IFDIR | 0755, false);
    kernel_node(dev, "console", INODE_CONSOLE, S_IFCHR | 0620, false);
    kernel_node(dev, "null", INODE_NULL, S_IFCHR | 0666, false);
    struct inode *proc = kernel_node(root, "proc", INODE_DIR, S_IFDIR | 0555, false);
    struct inode *ps = kernel_node(proc, "ps", INODE_PROC, S_IFREG | 0444, false);
    ps->proc_generate = procfs_ps;
    struct inode *kstat = kernel_node(proc, "kstat", INODE_PROC, S_IFREG | 0444, false);
    kstat->proc_generate = procfs_kstat;
    kernel_dirs[0] = tmp;
    kernel_dirs[1] = dev;
    kernel_dirs[2] = proc;
    load_image();
}
