/* systime.c: clocks, sleeping, and random numbers. */
#include "errno.h"
#include "proc.h"
#include "random.h"
#include "syscall.h"
#include "time.h"
#include "uaccess.h"

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME  7
#define TIMER_ABSTIME   1
#define NSEC            1000000000UL

struct timespec {
    int64_t tv_sec, tv_nsec;
};

/* The clock's time in nanoseconds, or -EINVAL. CPU-time clocks are approximated
 * by the monotonic clock (this kernel does not account CPU time). */
static long clock_now(uint64_t clk, uint64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case 5: /* CLOCK_REALTIME_COARSE */
    case 8: /* CLOCK_REALTIME_ALARM */
        *ns = time_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case 2: /* CLOCK_PROCESS_CPUTIME_ID */
    case 3: /* CLOCK_THREAD_CPUTIME_ID */
    case 4: /* CLOCK_MONOTONIC_RAW */
    case 6: /* CLOCK_MONOTONIC_COARSE */
    case CLOCK_BOOTTIME:
    case 9: /* CLOCK_BOOTTIME_ALARM */
        *ns = time_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

static int put_timespec(uint64_t uts, uint64_t ns)
{
    struct timespec ts = {(int64_t)(ns / NSEC), (int64_t)(ns % NSEC)};
    return copy_to_user(uts, &ts, sizeof ts);
}

long sys_clock_gettime(ARGS6)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    uint64_t ns;
    long err = clock_now(a0, &ns);
    return err ? err : put_timespec(a1, ns);
}

long sys_clock_getres(ARGS6)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    uint64_t ns;
    long err = clock_now(a0, &ns);
    if (err || !a1)
        return err;
    return put_timespec(a1, 1); /* the TSC counts finer than a nanosecond */
}

long sys_gettimeofday(ARGS6)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    if (!a0)
        return 0;
    uint64_t ns = time_realtime_ns();
    int64_t tv[2] = {(int64_t)(ns / NSEC), (int64_t)(ns % NSEC / 1000)};
    return copy_to_user(a0, tv, sizeof tv);
}

long sys_time(ARGS6)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    int64_t t = time_realtime_ns() / NSEC;
    if (a0 && copy_to_user(a0, &t, sizeof t))
        return -EFAULT;
    return t;
}

/* Sleep until the clock reaches deadline (ns). Sleepers wake at every timer tick
 * (TIMER_HZ) to look at the clock. -EINTR if a signal ends the process first. */
static long sleep_until(uint64_t clk, uint64_t deadline, uint64_t *remaining)
{
    acquire(&ptable_lock);
    for (;;) {
        uint64_t now;
        clock_now(clk, &now);
        if (now >= deadline)
            break;
        if (sleep_intr(proc_ticks_channel(), &ptable_lock) < 0) {
            release(&ptable_lock);
            clock_now(clk, &now);
            *remaining = now < deadline ? deadline - now : 0;
            return -EINTR;
        }
    }
    release(&ptable_lock);
    return 0;
}

static long get_timespec(uint64_t uts, uint64_t *ns)
{
    struct timespec ts;
    if (copy_from_user(&ts, uts, sizeof ts))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC)
        return -EINVAL;
    /* Past 2^64 ns (584 years) is "never": saturate, as Linux clamps to KTIME_MAX. */
    if ((uint64_t)ts.tv_sec > (UINT64_MAX - ts.tv_nsec) / NSEC)
        *ns = UINT64_MAX;
    else
        *ns = (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
    return 0;
}

static long do_nanosleep(uint64_t clk, int flags, uint64_t ureq, uint64_t urem)
{
    uint64_t req, now, remaining = 0;
    long err = get_timespec(ureq, &req);
    if (!err)
        err = clock_now(clk, &now);
    if (err)
        return err;
    uint64_t deadline = req;
    if (!(flags & TIMER_ABSTIME))
        deadline = req > UINT64_MAX - now ? UINT64_MAX : now + req; /* no wrap-around */
    err = sleep_until(clk, deadline, &remaining);
    if (err == -EINTR && urem && !(flags & TIMER_ABSTIME))
        put_timespec(urem, remaining);
    return err;
}

long sys_nanosleep(ARGS6)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    return do_nanosleep(CLOCK_MONOTONIC, 0, a0, a1);
}

/* clock_nanosleep returns the error number itself, not -1/errno (POSIX), but the
 * raw system call returns -errno like the others. */
long sys_clock_nanosleep(ARGS6)
{
    (void)a4, (void)a5;
    return do_nanosleep(a0, (int)a1, a2, a3);
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4

long sys_getrandom(ARGS6)
{
    (void)a3, (void)a4, (void)a5;
    if (a2 & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((a2 & GRND_RANDOM) && (a2 & GRND_INSECURE))
        return -EINVAL;
    uint64_t len = a1 > 33554431 ? 33554431 : a1; /* Linux returns at most 32 MiB - 1 */
    uint8_t chunk[256];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        random_bytes(chunk, n);
        if (copy_to_user(a0 + done, chunk, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return len;
}
