/* procfs.c: the text of the /proc files, made when a file is opened (see file.c):
 * /proc/ps lists the processes, /proc/kstat the counters the leak checks use. */
#include "procfs.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "printf.h"
#include "proc.h"
#include "string.h"
#include "time.h"

/* Append one formatted line to buf if it fits whole; returns the new length. A
 * file that would overflow is cut at a line boundary, never inside a line. */
static size_t add_line(char *buf, size_t size, size_t len, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
static size_t add_line(char *buf, size_t size, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size - len) {
        buf[len] = '\0';
        return len;
    }
    return len + n;
}

static char state_letter(enum procstate s)
{
    switch (s) {
    case RUNNING:
    case RUNNABLE:
        return 'R';
    case SLEEPING:
        return 'S';
    case ZOMBIE:
        return 'Z';
    case EMBRYO:
        return 'E';
    default:
        return '?';
    }
}

int procfs_ps(char *buf, size_t size)
{
    size_t len = add_line(buf, size, 0, "PID PPID STATE CPU NAME\n");
    /* Formatting into a kernel buffer cannot fault, so the lock may be held. */
    acquire(&ptable_lock);
    for (struct proc *p = ptable; p < &ptable[NPROC]; p++) {
        if (p->state == UNUSED)
            continue;
        char name[sizeof p->name + 1]; /* the name may fill its array, unterminated */
        memcpy(name, p->name, sizeof p->name);
        name[sizeof p->name] = '\0';
        len = add_line(buf, size, len, "%d %d %c %d %s\n", p->pid,
                       p->parent ? p->parent->pid : 0, state_letter(p->state), p->cpu,
                       name);
    }
    release(&ptable_lock);
    return len;
}

int procfs_kstat(char *buf, size_t size)
{
    /* Each counter takes its own lock: gather them first, holding none. */
    uint64_t frames_free = kalloc_free_frames(), frames_total = kalloc_total_frames();
    uint64_t procs = proc_count_used(), files = file_count_used();
    uint64_t tmp = fs_mem_pages(), uptime_ms = time_ns() / 1000000;
    size_t len = 0;
    len = add_line(buf, size, len, "frames_free %lu\n", frames_free);
    len = add_line(buf, size, len, "frames_total %lu\n", frames_total);
    len = add_line(buf, size, len, "procs_used %lu\n", procs);
    len = add_line(buf, size, len, "files_used %lu\n", files);
    len = add_line(buf, size, len, "tmp_pages %lu\n", tmp);
    len = add_line(buf, size, len, "uptime_ms %lu\n", uptime_ms);
    return len;
}
