/* pipe.c: pipes (see pipe.h). Each pipe's spinlock protects its ring buffer and
 * which ends are open; readers sleep on &nread waiting for data, writers on &nwrite
 * waiting for room. User memory is only touched with the lock released, through a
 * kernel bounce page, because copying can fault and sleep. */
#include "pipe.h"
#include "errno.h"
#include "file.h"
#include "kalloc.h"
#include "param.h"
#include "proc.h"
#include "signal.h"
#include "spinlock.h"
#include "string.h"
#include "uaccess.h"

#define NPIPE (NFILE / 2) /* every pipe has two open files */

struct pipe {
    struct spinlock lock;
    char *buf;       /* PIPE_SIZE bytes, used as a ring */
    uint64_t nread;  /* bytes ever read: never wraps in practice, so */
    uint64_t nwrite; /* nwrite - nread is always the number of bytes held */
    bool read_open, write_open;
    bool reader_busy; /* a reader has copied bytes out but not yet taken them */
    uint64_t ino;
};

static struct spinlock pool_lock = SPINLOCK_INIT("pipe pool");
static struct pipe pipes[NPIPE];
static bool pipe_used[NPIPE]; /* protected by pool_lock */
static uint64_t next_ino = 1; /* protected by pool_lock */

static struct pipe *pipe_alloc(void)
{
    char *buf = kalloc_nozero();
    if (!buf)
        return 0;
    struct pipe *p = 0;
    acquire(&pool_lock);
    for (int i = 0; i < NPIPE && !p; i++) {
        if (!pipe_used[i]) {
            pipe_used[i] = true;
            p = &pipes[i];
            p->ino = next_ino++;
        }
    }
    release(&pool_lock);
    if (!p) {
        kfree(buf);
        return 0;
    }
    initlock(&p->lock, "pipe");
    p->buf = buf;
    p->nread = p->nwrite = 0;
    p->read_open = p->write_open = true;
    p->reader_busy = false;
    return p;
}

static void pipe_free(struct pipe *p)
{
    kfree(p->buf);
    p->buf = 0;
    acquire(&pool_lock);
    pipe_used[p - pipes] = false;
    release(&pool_lock);
}

int pipe_create(struct file **read_end, struct file **write_end)
{
    struct file *rf = file_alloc(), *wf = file_alloc();
    struct pipe *p = rf && wf ? pipe_alloc() : 0;
    if (!p) {
        /* Still plain, empty files: putting them only frees their slots. */
        if (rf)
            file_put(rf);
        if (wf)
            file_put(wf);
        return rf && wf ? -ENOMEM : -ENFILE;
    }
    rf->type = wf->type = FILE_PIPE;
    rf->pipe = wf->pipe = p;
    rf->pipe_writer = false;
    wf->pipe_writer = true;
    rf->flags = O_RDONLY;
    wf->flags = O_WRONLY;
    *read_end = rf;
    *write_end = wf;
    return 0;
}

void pipe_close(struct pipe *p, bool write_end)
{
    acquire(&p->lock);
    if (write_end) {
        p->write_open = false;
        wakeup(&p->nread); /* readers now see end of file */
    } else {
        p->read_open = false;
        wakeup(&p->nwrite); /* writers now get EPIPE */
    }
    bool unused = !p->read_open && !p->write_open;
    release(&p->lock);
    if (unused)
        pipe_free(p);
}

uint64_t pipe_ino(struct pipe *p)
{
    return p->ino;
}

/* Copy n bytes into the ring after what it holds (the caller made sure of room). */
static void ring_put(struct pipe *p, const char *src, size_t n)
{
    size_t pos = p->nwrite % PIPE_SIZE, first = MIN(n, PIPE_SIZE - pos);
    memcpy(p->buf + pos, src, first);
    memcpy(p->buf, src + first, n - first);
    p->nwrite += n;
}

/* Copy the first n bytes the ring holds, leaving them there (pipe_read takes them
 * once they reached the user). Writers only add after them, so they stay intact. */
static void ring_peek(struct pipe *p, char *dst, size_t n)
{
    size_t pos = p->nread % PIPE_SIZE, first = MIN(n, PIPE_SIZE - pos);
    memcpy(dst, p->buf + pos, first);
    memcpy(dst + first, p->buf, n - first);
}

/* Write n bytes from a kernel buffer, sleeping for room. An atomic write waits until
 * all n bytes fit at once (n <= PIPE_SIZE), so no other writer's bytes can land in
 * the middle. Returns the count written, or -errno if none was. */
static ssize_t put_bytes(struct pipe *p, const char *src, size_t n, bool atomic,
                         bool nonblock)
{
    size_t done = 0;
    ssize_t err = 0;
    acquire(&p->lock);
    while (done < n) {
        if (!p->read_open) {
            err = -EPIPE;
            break;
        }
        size_t room = PIPE_SIZE - (p->nwrite - p->nread);
        size_t need = atomic && done == 0 ? n : 1;
        if (room < need) {
            if (nonblock) {
                err = -EAGAIN;
                break;
            }
            if (sleep_intr(&p->nwrite, &p->lock) < 0) { /* a reader makes room */
                err = -EINTR;
                break;
            }
            continue;
        }
        size_t chunk = MIN(room, n - done);
        ring_put(p, src + done, chunk);
        done += chunk;
        wakeup(&p->nread);
    }
    release(&p->lock);
    if (err == -EPIPE) {
        /* Like Linux, even after a partial write; SIG_IGN makes this a no-op. */
        acquire(&ptable_lock);
        proc_signal(myproc(), SIGPIPE);
        release(&ptable_lock);
    }
    return done ? (ssize_t)done : err;
}

ssize_t pipe_write_kernel(struct pipe *p, const char *buf, size_t n, bool nonblock)
{
    if (n == 0)
        return 0;
    return put_bytes(p, buf, n, n <= PIPE_BUF, nonblock);
}

ssize_t pipe_write(struct pipe *p, uint64_t ubuf, size_t n, bool nonblock)
{
    if (n == 0)
        return 0; /* as Linux: even with no reader left */
    char *bounce = kalloc_nozero();
    if (!bounce)
        return -ENOMEM;
    bool atomic = n <= PIPE_BUF;
    size_t done = 0;
    ssize_t err = 0;
    while (done < n) {
        size_t chunk = MIN(n - done, PIPE_SIZE);
        if (copy_from_user(bounce, ubuf + done, chunk)) {
            err = -EFAULT;
            break;
        }
        ssize_t r = put_bytes(p, bounce, chunk, atomic, nonblock);
        if (r < 0) {
            err = r;
            break;
        }
        done += r;
        if ((size_t)r < chunk)
            break; /* the reader went away, or a non-blocking pipe is full */
    }
    kfree(bounce);
    return done ? (ssize_t)done : err;
}

/* Wait until this reader may take bytes: there are some (or no writer is left) and
 * no other reader is between peeking and consuming. 0 or -errno; p->lock held. */
static ssize_t wait_to_read(struct pipe *p, bool nonblock)
{
    for (;;) {
        bool empty = p->nread == p->nwrite && p->write_open;
        if (!empty && !p->reader_busy)
            return 0;
        if (empty && nonblock)
            return -EAGAIN;
        if (sleep_intr(&p->nread, &p->lock) < 0) /* a writer, a closing end or a reader */
            return -EINTR;
    }
}

ssize_t pipe_read(struct pipe *p, uint64_t ubuf, size_t n, bool nonblock)
{
    if (n == 0)
        return 0;
    char *bounce = kalloc_nozero();
    if (!bounce)
        return -ENOMEM;
    acquire(&p->lock);
    ssize_t ret = wait_to_read(p, nonblock);
    if (ret == 0)
        ret = MIN(n, p->nwrite - p->nread); /* 0: empty with no writer, end of file */
    if (ret <= 0) {
        release(&p->lock);
        kfree(bounce);
        return ret;
    }
    /* Copy the bytes out before taking them from the pipe, so that a bad buffer
     * (EFAULT) leaves them there, as on Linux. Meanwhile other readers wait. */
    ring_peek(p, bounce, ret);
    p->reader_busy = true;
    release(&p->lock);
    bool fault = copy_to_user(ubuf, bounce, ret) != 0;
    acquire(&p->lock);
    if (fault) {
        ret = -EFAULT;
    } else {
        p->nread += ret;
        wakeup(&p->nwrite);
    }
    p->reader_busy = false;
    wakeup(&p->nread);
    release(&p->lock);
    kfree(bounce);
    return ret;
}
