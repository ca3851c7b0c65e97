/* t_mmsmp: address spaces under SMP, and corner cases of the memory and process calls
 * where Linux's exact answer matters: no stale TLB entry survives a process moving
 * between CPUs, shared memory stays shared when two CPUs touch a page first, and
 * the errors of huge lengths, unknown bits and odd arguments are Linux's. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define PAGE 4096UL

/* Map a page, touch it (a TLB entry on this CPU), yield (perhaps to another CPU),
 * unmap it and map a fresh one, yield, and read: a fresh page must read 0. With
 * a few processes doing it at once, the CPUs keep passing them around. */
static int stale_reads(char *x, int iters)
{
    int stale = 0;
    for (int i = 0; i < iters; i++) {
        mmap(x, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0);
        ((volatile long *)x)[16] = 0x5a5a5a5a;
        sched_yield();
        munmap(x, PAGE);
        mmap(x, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0);
        sched_yield();
        stale += ((volatile long *)x)[16] != 0;
    }
    return stale;
}

static void test_tlb_after_migration(void)
{
    char *x = (char *)0x500000000000UL;
    pid_t pids[3];
    for (int k = 0; k < 3; k++) {
        pids[k] = fork();
        if (pids[k] == 0)
            _exit(stale_reads(x, 8000) ? 1 : 0);
    }
    int bad = 0;
    for (int k = 0; k < 3; k++)
        bad |= wait_status(pids[k]) != 0;
    check("mm_no_stale_tlb_after_migration", !bad,
          "expected every fresh page to read 0 (a stale TLB entry showed an old page)");
}

/* Parent and child touch the same fresh shared pages at the same moment; each then
 * must see the other's writes. */
static void test_shared_first_touch(void)
{
    enum { NPAGES = 256 };
    char *shm = mmap(0, (NPAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *go = (volatile int *)(shm + NPAGES * PAGE);
    *go = 0;
    pid_t pid = fork();
    int me = pid == 0;
    if (pid != 0)
        *go = 1;
    while (!*go)
        ;
    for (int i = me; i < NPAGES; i += 2) /* each writes its half of the pages... */
        ((volatile long *)(shm + i * PAGE))[me] = i + 1;
    for (int i = 1 - me; i < NPAGES; i += 2) /* ...after touching the other half */
        (void)((volatile long *)(shm + i * PAGE))[1 - me];
    if (pid == 0)
        _exit(0);
    wait_status(pid);
    int lost = 0;
    for (int i = 0; i < NPAGES; i++)
        lost += ((volatile long *)(shm + i * PAGE))[i % 2] != i + 1;
    if (lost)
        fail("mm_shared_first_touch_stays_shared",
             "expected every page shared, %d were not", lost);
    else
        pass("mm_shared_first_touch_stays_shared");
    munmap(shm, (NPAGES + 1) * PAGE);
}

static void test_linux_answers(void)
{
    char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_raw_errno("munmap_huge_length_einval",
                    syscall(SYS_munmap, p, ~0UL) ? -errno : 0, EINVAL);
    check_raw_errno("mprotect_huge_length_enomem",
                    syscall(SYS_mprotect, p, ~0UL, PROT_READ) ? -errno : 0, ENOMEM);
    check_long("mprotect_prot_sem_accepted",
               syscall(SYS_mprotect, p, PAGE, PROT_READ | 0x8), 0);
    check_raw_errno("mprotect_unknown_prot_einval",
                    syscall(SYS_mprotect, p, PAGE, PROT_READ | 0x40) ? -errno : 0,
                    EINVAL);
    long q = syscall(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE | 0x40,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("mmap_unknown_prot_ignored", q > 0,
          "expected mmap to ignore unknown prot bits");
    check_raw_errno("mmap_shared_validate_unknown_flag_einval",
                    syscall(SYS_mmap, 0, PAGE, PROT_READ, 0x03 | MAP_ANONYMOUS | 0x800000,
                            -1, 0) == -1
                        ? -errno
                        : 0,
                    EINVAL);

    unsigned char mask[64];
    memset(mask, 0xee, sizeof mask);
    long n = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    int kept = n > 0 && n < (long)sizeof mask;
    for (long i = n; kept && i < (long)sizeof mask; i++)
        kept = mask[i] == 0xee;
    check("sched_getaffinity_writes_only_what_it_returns", kept,
          "expected the bytes past the returned size untouched");

    struct timespec ts = {0, 1000};
    check_long("clock_nanosleep_ignores_unknown_flags",
               syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 2, &ts, 0), 0);
    check_raw_errno("wait4_int_min_esrch",
                    syscall(SYS_wait4, -2147483648L, 0, 0, 0) == -1 ? -errno : 0, ESRCH);

    /* A TLS that is not a user address: the FS base could never be loaded. Nor is
     * the last page below 1 << 47 user space (Linux's TASK_SIZE_MAX). */
    static const struct {
        const char *name;
        unsigned long tls;
    } bad_tls[] = {{"clone_settls_not_user_address_eperm", 0x800000000000UL},
                   {"clone_settls_last_page_eperm", 0x7ffffffff000UL}};
    for (size_t i = 0; i < sizeof bad_tls / sizeof bad_tls[0]; i++) {
        long r = raw_syscall6(SYS_clone, 0x80000 | SIGCHLD, 0, 0, 0, bad_tls[i].tls, 0);
        if (r == 0)
            raw_syscall1(SYS_exit, 0); /* a kernel that accepted it: the child leaves */
        if (r > 0)
            wait_status(r);
        check_raw_errno(bad_tls[i].name, r, EPERM);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    proctest_init(argv[0]);
    test_tlb_after_migration();
    test_shared_first_touch();
    test_linux_answers();
    return test_done("t_mmsmp");
}
