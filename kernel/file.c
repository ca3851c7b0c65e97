/* file.c: open files (the system-wide table of struct file) and each process's file
 * descriptor table: reading and writing through a file, whatever it refers to (a
 * file in the image or /tmp, a directory, the console, /dev/null, /proc, a pipe). */
#include "file.h"
#include "console.h"
#include "errno.h"
#include "fs.h"
#include "kalloc.h"
#include "mmu.h"
#include "param.h"
#include "pipe.h"
#include "printf.h"
#include "proc.h"
#include "spinlock.h"
#include "string.h"
#include "uaccess.h"

/*
 * f->refs counts descriptors pointing at f, in any process. file_get is an atomic
 * increment (the caller holds a reference, so the file cannot be closed meanwhile);
 * file_put decrements under ftable_lock, so that file_alloc never hands out a slot
 * whose last reference is still being dropped. f->lock (a sleeplock, because file
 * I/O copies to and from user memory) serialises uses of the offset.
 */
static struct spinlock ftable_lock = SPINLOCK_INIT("ftable");
static struct file ftable[NFILE];

#define BOUNCE_SIZE 512 /* console I/O goes through a stack buffer this big */
#define IOV_MAX     1024

struct file *file_alloc(void)
{
    struct file *f = 0;
    acquire(&ftable_lock);
    for (int i = 0; i < NFILE && !f; i++)
        if (__atomic_load_n(&ftable[i].refs, __ATOMIC_RELAXED) == 0)
            f = &ftable[i];
    if (f)
        f->refs = 1;
    release(&ftable_lock);
    if (!f)
        return 0;
    f->type = FILE_INODE;
    f->flags = 0;
    initsleeplock(&f->lock, "file");
    f->off = 0;
    f->ip = 0;
    f->pipe = 0;
    f->pipe_writer = false;
    f->text = 0;
    f->text_len = 0;
    return f;
}

void file_get(struct file *f)
{
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
    acquire(&ftable_lock);
    int refs = __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL);
    if (refs > 0) {
        release(&ftable_lock);
        return;
    }
    if (refs < 0)
        panic("file_put: file %ld put more often than got", (long)(f - ftable));
    /* The slot is free once we let go of the lock: keep what we still need. */
    struct file closed = *f;
    release(&ftable_lock);
    if (closed.type == FILE_PIPE && closed.pipe)
        pipe_close(closed.pipe, closed.pipe_writer);
    if (closed.ip)
        inode_put(closed.ip);
    if (closed.text)
        kfree(closed.text);
}

uint64_t file_count_used(void)
{
    uint64_t n = 0;
    acquire(&ftable_lock);
    for (int i = 0; i < NFILE; i++)
        if (ftable[i].refs > 0)
            n++;
    release(&ftable_lock);
    return n;
}

struct file *file_open_inode(struct inode *ip, int flags, long *err)
{
    struct file *f = file_alloc();
    if (!f) {
        *err = -ENFILE;
        return 0;
    }
    /* Linux reports O_LARGEFILE for every file opened on x86-64. */
    f->flags = (flags & (O_ACCMODE | O_APPEND | O_NONBLOCK)) | O_LARGEFILE;
    if (ip->kind == INODE_PROC) {
        f->text = kalloc();
        if (!f->text) {
            file_put(f);
            *err = -ENOMEM;
            return 0;
        }
        f->text_len = ip->proc_generate(f->text, PGSIZE);
    }
    if ((flags & O_TRUNC) && ip->kind == INODE_MEM_FILE)
        inode_truncate(ip);
    inode_get(ip);
    f->ip = ip;
    return f;
}

bool file_readable(const struct file *f)
{
    int mode = f->flags & O_ACCMODE;
    return mode == O_RDONLY || mode == O_RDWR;
}

bool file_writable(const struct file *f)
{
    int mode = f->flags & O_ACCMODE;
    return mode == O_WRONLY || mode == O_RDWR;
}

/* --- reading and writing ---------------------------------------------------------- */

static ssize_t console_read_user(uint64_t ubuf, size_t n, bool nonblock)
{
    char buf[BOUNCE_SIZE];
    if (n == 0)
        return 0; /* without waiting for a line */
    ssize_t got = console_read(buf, MIN(n, sizeof buf), nonblock);
    if (got > 0 && copy_to_user(ubuf, buf, got))
        return -EFAULT;
    return got;
}

/* One write() (or writev()) to the console comes out whole, as on a terminal:
 * writers take turns for a whole call, not for each chunk of it. */
static struct sleeplock console_wlock = {.lk = SPINLOCK_INIT("console write")};

/* Called with console_wlock held. */
static ssize_t console_write_user(uint64_t ubuf, size_t n)
{
    char buf[BOUNCE_SIZE];
    size_t done = 0;
    while (done < n) {
        if (proc_killed(myproc())) /* a huge write must not outlive SIGKILL */
            return done ? (ssize_t)done : -EINTR;
        size_t chunk = MIN(n - done, sizeof buf);
        if (copy_from_user(buf, ubuf + done, chunk))
            return done ? (ssize_t)done : -EFAULT;
        console_write(buf, chunk);
        done += chunk;
    }
    return done;
}

static ssize_t console_write_locked(uint64_t ubuf, size_t n)
{
    acquiresleep(&console_wlock);
    ssize_t r = console_write_user(ubuf, n);
    releasesleep(&console_wlock);
    return r;
}

/* Read a /proc file's text at off. */
static ssize_t text_read(struct file *f, uint64_t ubuf, size_t n, uint64_t off)
{
    if (off >= f->text_len)
        return 0;
    n = MIN(n, f->text_len - off);
    if (copy_to_user(ubuf, f->text + off, n))
        return -EFAULT;
    return n;
}

/* Linux refuses I/O whose end would be past the largest offset (rw_verify_area). */
static bool end_overflows(uint64_t off, size_t n)
{
    return (int64_t)(off + n) < 0; /* off < 2^63 and n < 2^31: the sum cannot wrap */
}

/* Read at *off (the file offset, or pread's): the part shared by read and pread. */
static ssize_t read_at(struct file *f, uint64_t ubuf, size_t n, uint64_t off)
{
    if (end_overflows(off, n))
        return -EINVAL;
    if (f->ip->kind == INODE_PROC)
        return text_read(f, ubuf, n, off);
    return inode_read_user(f->ip, ubuf, off, n);
}

ssize_t file_read(struct file *f, uint64_t ubuf, size_t n)
{
    if (!file_readable(f))
        return -EBADF;
    if (f->type == FILE_PIPE)
        return pipe_read(f->pipe, ubuf, n, f->flags & O_NONBLOCK);
    switch (f->ip->kind) {
    case INODE_CONSOLE:
        return console_read_user(ubuf, n, f->flags & O_NONBLOCK);
    case INODE_NULL:
        return 0;
    case INODE_DIR:
        return -EISDIR;
    default:
        break;
    }
    acquiresleep(&f->lock);
    ssize_t r = read_at(f, ubuf, n, f->off);
    if (r > 0)
        f->off += r;
    releasesleep(&f->lock);
    return r;
}

ssize_t file_write(struct file *f, uint64_t ubuf, size_t n)
{
    if (!file_writable(f))
        return -EBADF;
    if (f->type == FILE_PIPE)
        return pipe_write(f->pipe, ubuf, n, f->flags & O_NONBLOCK);
    switch (f->ip->kind) {
    case INODE_CONSOLE:
        return console_write_locked(ubuf, n);
    case INODE_NULL:
        return n;
    case INODE_MEM_FILE:
        break;
    default:
        return -EINVAL; /* opening for writing was refused: cannot happen */
    }
    acquiresleep(&f->lock);
    uint64_t off = f->off;
    ssize_t r = end_overflows(off, n)
                    ? -EINVAL
                    : inode_write_user(f->ip, ubuf, &off, n, f->flags & O_APPEND);
    f->off = off;
    releasesleep(&f->lock);
    return r;
}

ssize_t file_pread(struct file *f, uint64_t ubuf, size_t n, uint64_t off)
{
    if (!file_readable(f))
        return -EBADF;
    if (f->type == FILE_PIPE || f->ip->kind == INODE_CONSOLE)
        return -ESPIPE;
    if (f->ip->kind == INODE_DIR)
        return -EISDIR;
    return read_at(f, ubuf, n, off);
}

ssize_t file_pwrite(struct file *f, uint64_t ubuf, size_t n, uint64_t off)
{
    if (!file_writable(f))
        return -EBADF;
    if (f->type == FILE_PIPE || f->ip->kind == INODE_CONSOLE)
        return -ESPIPE;
    if (f->ip->kind == INODE_NULL)
        return n;
    if (end_overflows(off, n))
        return -EINVAL;
    /* Linux appends with O_APPEND even here, whatever off says (see pwrite(2)). */
    return inode_write_user(f->ip, ubuf, &off, n, f->flags & O_APPEND);
}

long file_lseek(struct file *f, int64_t off, int whence)
{
    if (f->type == FILE_PIPE || f->ip->kind == INODE_CONSOLE)
        return -ESPIPE;
    if (f->ip->kind == INODE_NULL)
        return 0; /* as Linux: /dev/null stays at 0 */
    acquiresleep(&f->lock);
    int64_t base;
    long ret = 0;
    if (whence == 0) { /* SEEK_SET */
        base = 0;
    } else if (whence == 1) { /* SEEK_CUR */
        base = f->off;
    } else if (whence == 2 && f->ip->kind != INODE_DIR) { /* SEEK_END */
        base = f->ip->kind == INODE_PROC ? f->text_len : f->ip->size;
    } else {
        ret = -EINVAL; /* bad whence, or the end of a directory */
    }
    int64_t pos;
    if (!ret && (__builtin_add_overflow(base, off, &pos) || pos < 0))
        ret = -EINVAL;
    if (!ret) {
        f->off = pos;
        ret = pos;
    }
    releasesleep(&f->lock);
    return ret;
}

/* --- readv and writev ----------------------------------------------------------------
 */

struct iovec {
    uint64_t base;
    uint64_t len;
};

/* Check the user's iovec array as Linux does before any I/O; the total length. */
static long iov_check(uint64_t uiov, int cnt, uint64_t *total)
{
    if (cnt < 0 || cnt > IOV_MAX)
        return -EINVAL;
    *total = 0;
    for (int i = 0; i < cnt; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, uiov + i * sizeof iov, sizeof iov))
            return -EFAULT;
        if ((int64_t)iov.len < 0 || __builtin_add_overflow(*total, iov.len, total) ||
            (int64_t)*total < 0)
            return -EINVAL;
        if (!user_range_ok(iov.base, iov.len))
            return -EFAULT;
    }
    return 0;
}

/* A read after a readv's first: it must not wait (Linux makes one read of the
 * total), so a pipe is read without blocking and the console not at all. */
static ssize_t read_more(struct file *f, uint64_t ubuf, size_t n)
{
    if (f->type == FILE_PIPE) {
        ssize_t r = pipe_read(f->pipe, ubuf, n, true);
        return r == -EAGAIN ? 0 : r;
    }
    if (f->ip->kind == INODE_CONSOLE)
        return 0;
    return file_read(f, ubuf, n);
}

ssize_t file_readv(struct file *f, uint64_t uiov, int cnt)
{
    if (!file_readable(f)) /* as Linux: the descriptor before the vector */
        return -EBADF;
    uint64_t total;
    long err = iov_check(uiov, cnt, &total);
    if (err)
        return err;
    size_t done = 0;
    for (int i = 0; i < cnt; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, uiov + i * sizeof iov, sizeof iov))
            return done ? (ssize_t)done : -EFAULT;
        if (iov.len == 0)
            continue;
        ssize_t r =
            done ? read_more(f, iov.base, iov.len) : file_read(f, iov.base, iov.len);
        if (r < 0)
            return done ? (ssize_t)done : r;
        done += r;
        if ((size_t)r < iov.len)
            break;
    }
    return done;
}

/* POSIX makes a pipe write of at most PIPE_BUF bytes atomic, also through writev
 * (musl's stdio writes with writev): gather it into one piece. */
static ssize_t pipe_writev_atomic(struct file *f, uint64_t uiov, int cnt, size_t total)
{
    char *buf = kalloc_nozero();
    if (!buf)
        return -ENOMEM;
    size_t len = 0;
    for (int i = 0; i < cnt; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, uiov + i * sizeof iov, sizeof iov) ||
            iov.len > total - len || copy_from_user(buf + len, iov.base, iov.len)) {
            kfree(buf);
            return -EFAULT;
        }
        len += iov.len;
    }
    ssize_t r = pipe_write_kernel(f->pipe, buf, len, f->flags & O_NONBLOCK);
    kfree(buf);
    return r;
}

ssize_t file_writev(struct file *f, uint64_t uiov, int cnt)
{
    if (!file_writable(f)) /* as Linux: the descriptor before the vector */
        return -EBADF;
    uint64_t total;
    long err = iov_check(uiov, cnt, &total);
    if (err)
        return err;
    if (f->type == FILE_PIPE && total <= PIPE_BUF)
        return pipe_writev_atomic(f, uiov, cnt, total);
    /* The console: one call comes out whole, all its pieces together. */
    bool console = f->type == FILE_INODE && f->ip->kind == INODE_CONSOLE;
    if (console)
        acquiresleep(&console_wlock);
    size_t done = 0;
    for (int i = 0; i < cnt; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, uiov + i * sizeof iov, sizeof iov)) {
            err = -EFAULT;
            break;
        }
        if (iov.len == 0)
            continue;
        ssize_t r = console ? console_write_user(iov.base, iov.len)
                            : file_write(f, iov.base, iov.len);
        if (r < 0) {
            err = r;
            break;
        }
        done += r;
        if ((size_t)r < iov.len)
            break;
    }
    if (console)
        releasesleep(&console_wlock);
    return done ? (ssize_t)done : err;
}

/* --- descriptor tables -------------------------------------------------------------
 * A process's files[] and cloexec bits are its own (clone copies them), so only the
 * process itself changes them and they need no lock. */

_Static_assert(NOFILE <= 64, "cloexec is a 64-bit mask");

static void set_cloexec(struct proc *p, int fd, bool cloexec)
{
    if (cloexec)
        p->cloexec |= 1UL << fd;
    else
        p->cloexec &= ~(1UL << fd);
}

int fd_install(struct proc *p, struct file *f, int min_fd, bool cloexec)
{
    for (int fd = MAX(min_fd, 0); fd < NOFILE; fd++) {
        if (!p->files[fd]) {
            p->files[fd] = f;
            set_cloexec(p, fd, cloexec);
            return fd;
        }
    }
    return -EMFILE;
}

int fd_replace(struct proc *p, int fd, struct file *f, bool cloexec)
{
    struct file *old = p->files[fd];
    p->files[fd] = f;
    set_cloexec(p, fd, cloexec);
    if (old)
        file_put(old);
    return fd;
}

struct file *fd_get(struct proc *p, int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return 0;
    return p->files[fd];
}

int fd_close(struct proc *p, int fd)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    p->files[fd] = 0;
    set_cloexec(p, fd, false);
    file_put(f);
    return 0;
}

void files_copy(struct proc *child, struct proc *parent)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        child->files[fd] = parent->files[fd];
        if (child->files[fd])
            file_get(child->files[fd]);
    }
    child->cloexec = parent->cloexec;
    child->umask = parent->umask; /* not a descriptor, but file creation state too */
}

void files_close_cloexec(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->files[fd] && (p->cloexec & (1UL << fd)))
            fd_close(p, fd);
}

void files_close_all(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->files[fd])
            fd_close(p, fd);
    p->cloexec = 0;
}
