/* t_efault: bad user pointers given to syscalls (unmapped, kernel-half, non-canonical,
 * read-only, running off a mapping; results that cannot be stored) give EFAULT, never a
 * crash. Raw syscalls, so libc never touches the pointers. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

static char *unmapped; /* a page that was mapped and then unmapped */
static char *edge;     /* 100 bytes before the end of a mapping */

static const struct bad {
    const char *name;
    unsigned long addr;
} bad_addrs[] = {
    {"null", 0},
    {"unmapped", 0 /* set in main */},
    {"kernel_half", 0xffff800000000000UL},
    {"kernel_text", 0xffffffff80000000UL},
    {"noncanonical_low", 0x0000800000000000UL},
    {"noncanonical_high", 0x8000000000000000UL},
};
#define NBAD (sizeof bad_addrs / sizeof bad_addrs[0])

static void *bad_addr(size_t i)
{
    return i == 1 ? unmapped : (void *)bad_addrs[i].addr;
}

static void make_bad_pages(void)
{
    char *m =
        mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        _exit(97);
    munmap(m + 4096, 4096);
    unmapped = m + 4096;
    memset(m, 'e', 4096);
    edge = m + 4096 - 100;
}

/* A pipe holding `n` bytes, its read end non-blocking so "empty" is EAGAIN. */
static void pipe_with(int p[2], int n)
{
    char data[256];
    memset(data, 'd', sizeof data);
    if (pipe(p) != 0 || fcntl(p[0], F_SETFL, O_NONBLOCK) != 0 ||
        (n && write(p[1], data, n) != n))
        fail("efault_setup", "pipe: %s", strerrorname(errno));
}

static void close_pipe(int p[2])
{
    close(p[0]);
    close(p[1]);
}

static void test_read_write(void)
{
    char name[80];
    int p[2];
    for (size_t i = 0; i < NBAD; i++) {
        pipe_with(p, 10);
        snprintf(name, sizeof name, "write_%s_buffer_efault", bad_addrs[i].name);
        check_errno(name, syscall(SYS_write, p[1], bad_addr(i), 10), EFAULT);
        snprintf(name, sizeof name, "read_%s_buffer_efault", bad_addrs[i].name);
        check_errno(name, syscall(SYS_read, p[0], bad_addr(i), 10), EFAULT);
        close_pipe(p);
    }
    char buf[300];
    pipe_with(p, 3);
    check_errno("read_into_text_efault",
                syscall(SYS_read, p[0], (void *)test_read_write, 3), EFAULT);
    check_long("read_efault_keeps_pipe_data", read(p[0], buf, sizeof buf), 3);
    close_pipe(p);

    /* Zero bytes: nothing to copy, so no fault (Linux returns 0). */
    pipe_with(p, 10);
    check_long("write_zero_bytes_bad_pointer_returns_0",
               syscall(SYS_write, p[1], unmapped, 0), 0);
    check_long("read_zero_bytes_bad_pointer_returns_0",
               syscall(SYS_read, p[0], unmapped, 0), 0);
    close_pipe(p);
}

/* A buffer that starts mapped and runs into the unmapped page: for a pipe, Linux
 * fails the whole call with EFAULT and transfers nothing. */
static void test_straddling_buffer(void)
{
    int p[2];
    char buf[300];
    pipe_with(p, 0);
    check_errno("write_buffer_running_off_mapping_efault",
                syscall(SYS_write, p[1], edge, 200), EFAULT);
    check_errno("write_efault_puts_nothing_in_pipe", read(p[0], buf, sizeof buf), EAGAIN);
    close_pipe(p);
    pipe_with(p, 200);
    check_errno("read_buffer_running_off_mapping_efault",
                syscall(SYS_read, p[0], edge, 200), EFAULT);
    check_long("read_efault_leaves_data_in_pipe", read(p[0], buf, sizeof buf), 200);
    close_pipe(p);
}

static void test_results_to_bad_pointers(void)
{
    int lowest = open("/", O_RDONLY); /* the fd number the next open gets */
    close(lowest);
    check_errno("pipe_unmapped_efault", syscall(SYS_pipe, unmapped), EFAULT);
    check_errno("pipe_kernel_half_efault", syscall(SYS_pipe, 0xffff800000000000UL),
                EFAULT);
    check_errno("pipe_read_only_efault", syscall(SYS_pipe, (void *)test_read_write),
                EFAULT);
    check_errno("pipe2_noncanonical_efault", syscall(SYS_pipe2, 0x0000800000000000UL, 0),
                EFAULT);
    int next = open("/", O_RDONLY);
    check_long("pipe_efault_leaks_no_fds", next, lowest);
    close(next);

    check_errno("clock_gettime_unmapped_efault",
                syscall(SYS_clock_gettime, CLOCK_MONOTONIC, unmapped), EFAULT);
    check_errno("clock_gettime_kernel_half_efault",
                syscall(SYS_clock_gettime, CLOCK_MONOTONIC, 0xffff800000000000UL),
                EFAULT);
    check_errno("clock_gettime_read_only_efault",
                syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)test_read_write),
                EFAULT);
    check_errno("uname_unmapped_efault", syscall(SYS_uname, unmapped), EFAULT);
    check_errno("uname_noncanonical_efault", syscall(SYS_uname, 0x8000000000000000UL),
                EFAULT);
    check_errno("uname_running_off_mapping_efault", syscall(SYS_uname, edge), EFAULT);
}

/* Linux reaps the child first and then fails to store its status: EFAULT, and the
 * child is gone. With WNOHANG and nothing to report, nothing is stored: no fault. */
static void test_wait4(void)
{
    int release[2];
    if (pipe(release) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(release[1]);
        _exit(read(release[0], &c, 1) == 0 ? 0 : 1);
    }
    close(release[0]);
    check_long("wait4_wnohang_bad_status_running_child_0",
               syscall(SYS_wait4, pid, unmapped, WNOHANG, NULL), 0);
    close(release[1]);
    check_errno("wait4_unmapped_status_efault",
                syscall(SYS_wait4, pid, unmapped, 0, NULL), EFAULT);
    check_errno("wait4_efault_child_was_reaped", waitpid(pid, NULL, WNOHANG), ECHILD);

    pid = fork();
    if (pid == 0)
        _exit(0);
    check_errno("wait4_kernel_half_rusage_efault",
                syscall(SYS_wait4, pid, NULL, 0, 0xffff800000000000UL), EFAULT);
    check_errno("wait4_rusage_efault_child_was_reaped", waitpid(pid, NULL, WNOHANG),
                ECHILD);
}

static void test_paths(void)
{
    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    check_errno("execve_unmapped_path_efault", syscall(SYS_execve, unmapped, argv, envp),
                EFAULT);
    check_errno("open_unmapped_path_efault", syscall(SYS_open, unmapped, O_RDONLY),
                EFAULT);
    check_errno("open_kernel_half_path_efault",
                syscall(SYS_open, 0xffff800000000000UL, O_RDONLY), EFAULT);
}

int main(void)
{
    make_bad_pages();
    test_read_write();
    test_straddling_buffer();
    test_results_to_bad_pointers();
    test_wait4();
    test_paths();
    pass("efault_process_survives");
    return test_done("t_efault");
}
