/* pipe.c: pipes (see pipe.h). Each pipe's spinlock protects its ring buffer and
 * which ends are open; readers sleep on &nread waiting for data, writers on &nwrite
 * waiting for room. User memory is only touched with the lock released, because
 * copying can fault and sleep: a writer copies into a kernel bounce page first, a
 * reader copies straight out of the ring while no one else may take those bytes.
 * The ring's pages are allocated as it first fills, so a pipe that never holds
 * more than a page costs one page, as before pipes grew to 64 KiB. */
#include "pipe.h"
#include "errno.h"
#include "file.h"
#include "kalloc.h"
#include "mmu.h"
#include "param.h"
#include "proc.h"
#include "signal.h"
#include "spinlock.h"
#include "string.h"
#include "uaccess.h"

#define NPIPE (NFILE / 2) /* every pipe has two open files */

#define PIPE_PAGES (PIPE_SIZE / PGSIZE)

struct pipe {
    struct spinlock lock;
    char *pages[PIPE_PAGES]; /* the ring of PIPE_SIZE bytes; NULL: not used yet */
    uint64_t nread;          /* bytes read, and */
    uint64_t nwrite;         /* written (both back to 0 when the pipe empties), so
                              * nwrite - nread is the number of bytes held */
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
    char *first = kalloc_nozero(); /* every pipe needs one: fail now, not at write */
    if (!first)
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
        kfree(first);
        return 0;
    }
    initlock(&p->lock, "pipe");
    memset(p->pages, 0, sizeof p->pages);
    p->pages[0] = first;
    p->nread = p->nwrite = 0;
    p->read_open = p->write_open = true;
    p->reader_busy = false;
    return p;
}

static void pipe_free(struct pipe *p)
{
    for (size_t i = 0; i < PIPE_PAGES; i++) {
        if (p->pages[i])
            kfree(p->pages[i]);
        p->pages[i] = 0;
    }
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

/* The ring's byte at stream position pos, and how many bytes follow it in its page. */
static char *ring_at(struct pipe *p, uint64_t pos, size_t *in_page)
{
    size_t off = pos % PIPE_SIZE;
    *in_page = PGSIZE - off % PGSIZE;
    return p->pages[off / PGSIZE] + off % PGSIZE;
}

/* How many of the n bytes after what the ring holds have pages (allocating them as
 * needed): n, unless memory ran out. p->lock held (kalloc does not sleep). */
static size_t ring_reserve(struct pipe *p, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t off = (p->nwrite + done) % PIPE_SIZE;
        char **page = &p->pages[off / PGSIZE];
        if (!*page && !(*page = kalloc_nozero()))
            return done;
        done += MIN(n - done, PGSIZE - off % PGSIZE);
    }
    return n;
}

/* Copy n bytes into the ring after what it holds (room and pages reserved). */
static void ring_put(struct pipe *p, const char *src, size_t n)
{
    for (size_t done = 0, chunk; done < n; done += chunk) {
        char *dst = ring_at(p, p->nwrite + done, &chunk);
        chunk = MIN(chunk, n - done);
        memcpy(dst, src + done, chunk);
    }
    p->nwrite += n;
}

/* Copy the first n bytes the ring holds to user memory, leaving them there
 * (pipe_read takes them once they arrived). Called without p->lock while this
 * reader is the busy one: writers only add after these bytes, and no one else
 * takes them, so they stay put. 0 or -EFAULT. */
static int ring_copy_out(struct pipe *p, uint64_t ubuf, size_t n)
{
    for (size_t done = 0, chunk; done < n; done += chunk) {
        const char *src = ring_at(p, p->nread + done, &chunk);
        chunk = MIN(chunk, n - done);
        if (copy_to_user(ubuf + done, src, chunk))
            return -EFAULT;
    }
    return 0;
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
        size_t chunk = ring_reserve(p, MIN(room, n - done));
        if (chunk == 0 || (atomic && chunk < n)) {
            err = -ENOMEM;
            break;
        }
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
        size_t chunk = MIN(n - done, PGSIZE); /* the bounce page */
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
    acquire(&p->lock);
    ssize_t ret = wait_to_read(p, nonblock);
    if (ret == 0)
        ret = MIN(n, p->nwrite - p->nread); /* 0: empty with no writer, end of file */
    if (ret <= 0) {
        release(&p->lock);
        return ret;
    }
    /* Copy the bytes out before taking them from the pipe, so that a bad buffer
     * (EFAULT) leaves them there, as on Linux. Meanwhile other readers wait. */
    p->reader_busy = true;
    release(&p->lock);
    int fault = ring_copy_out(p, ubuf, ret);
    acquire(&p->lock);
    if (fault) {
        ret = fault;
    } else {
        p->nread += ret;
        if (p->nread == p->nwrite)
            p->nread = p->nwrite = 0; /* start again at page 0: the others stay unused */
        wakeup(&p->nwrite);
    }
    p->reader_busy = false;
    wakeup(&p->nread);
    release(&p->lock);
    return ret;
}
