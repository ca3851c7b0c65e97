/* t_protect: the kernel's memory stays its own and user memory stays honest. Kernel
 * addresses (direct map, text, data, stacks) fault from user mode; heap and mmap'd
 * memory don't execute (NX; t_fault tries the stack and data, t_noncanon the IRETQ
 * path); new pages (mmap, brk, stack growth) are zero even after another process
 * dirtied and freed the memory; and system calls that fill in structs write exactly
 * the struct, with zeros in its padding, never leftover kernel stack bytes. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define PATTERN 0xa5
#define BUF     1024

/* --- faults in a child ----------------------------------------------------------- */

static void no_core_dumps(void)
{
    struct rlimit zero = {0, 0};
    setrlimit(RLIMIT_CORE, &zero);
    prctl(PR_SET_DUMPABLE, 0);
}

/* Run cause(arg) in a child; it must die of SIGSEGV. */
static void check_segv(const char *name, void (*cause)(uintptr_t), uintptr_t arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        no_core_dumps();
        cause(arg);
        _exit(0);
    }
    check_signaled(name, wait_status(pid), SIGSEGV);
}

static void read_at(uintptr_t a)
{
    long v;
    __asm__ volatile("mov (%1), %0" : "=r"(v) : "r"(a) : "memory");
}

static void write_at(uintptr_t a)
{
    __asm__ volatile("movq $0, (%0)" ::"r"(a) : "memory");
}

/* Call a `ret` placed at a, stepping over the red zone first. */
static void call_at(uintptr_t a)
{
    *(volatile unsigned char *)a = 0xc3;
    __asm__ volatile("sub $128, %%rsp\n"
                     "call *%0\n"
                     "add $128, %%rsp" ::"r"(a)
                     : "memory");
}

static void kernel_pages(void)
{
    static const struct {
        const char *name;
        uintptr_t addr;
    } k[] = {
        {"protect_read_direct_map_sigsegv", 0xffff800000100000UL},
        {"protect_read_direct_map_high_sigsegv", 0xffff800004000000UL},
        {"protect_read_kernel_text_sigsegv", 0xffffffff80100000UL},
        {"protect_read_kernel_data_sigsegv", 0xffffffff80200000UL},
        {"protect_read_kernel_stacks_sigsegv", 0xffffff0000002000UL},
        {"protect_read_last_address_sigsegv", 0xfffffffffffffff8UL},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        check_segv(k[i].name, read_at, k[i].addr);
    check_segv("protect_write_direct_map_sigsegv", write_at, 0xffff800000100000UL);
    check_segv("protect_write_kernel_text_sigsegv", write_at, 0xffffffff80100000UL);
}

/* Grow the heap by n bytes with brk (musl's sbrk only reads it); the new bytes, or
 * NULL. Only in a child: musl's malloc keeps track of the break too. */
static unsigned char *grow_brk(size_t n)
{
    uintptr_t top = raw_syscall1(SYS_brk, 0);
    if ((uintptr_t)raw_syscall1(SYS_brk, top + n) != top + n)
        return NULL;
    return (unsigned char *)top;
}

static void execute_brk(uintptr_t unused)
{
    (void)unused;
    unsigned char *p = grow_brk(4096);
    if (p)
        call_at((uintptr_t)p);
}

static void no_execute(void)
{
    char *heap = malloc(64);
    char *anon =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!heap || anon == MAP_FAILED)
        fail("protect_setup", "malloc or mmap failed");
    check_segv("protect_execute_heap_sigsegv", call_at, (uintptr_t)heap);
    check_segv("protect_execute_mmap_rw_sigsegv", call_at, (uintptr_t)anon);
    check_segv("protect_execute_brk_sigsegv", execute_brk, 0);
}

/* --- new pages are zero ------------------------------------------------------------- */

static int all_zero(const volatile unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* A child fills `mib` MiB with a pattern and exits, so that its frames are free and
 * dirty when the next allocation comes. */
static void dirty_free_frames(size_t mib)
{
    pid_t pid = fork();
    if (pid == 0) {
        size_t n = mib << 20;
        char *m =
            mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED)
            memset(m, PATTERN, n);
        _exit(0);
    }
    wait_status(pid);
}

/* Deep in a fresh child's stack, below anything used so far: zero. */
__attribute__((noinline)) static int deep_stack_is_zero(void)
{
    volatile unsigned char deep[1 << 20];
    return all_zero(deep, sizeof deep - 65536); /* the far end: never touched */
}

static void new_pages(void)
{
    dirty_free_frames(8);
    size_t n = 4 << 20;
    unsigned char *m =
        mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("protect_new_mmap_pages_zero", m != MAP_FAILED && all_zero(m, n),
          "expected 4 MiB of fresh mmap memory to read as zeros");
    memset(m, PATTERN, n);
    unsigned char *again = mmap(m, n, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check("protect_mmap_fixed_over_dirty_zero", again == m && all_zero(m, n),
          "expected MAP_FIXED over dirty memory to give zeros");
    munmap(m, n);

    dirty_free_frames(8);
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char *grown = grow_brk(1 << 20);
        _exit(grown && all_zero(grown, 1 << 20) ? 0 : 1);
    }
    check_exited("protect_new_brk_pages_zero", wait_status(pid), 0);

    dirty_free_frames(8);
    pid = fork();
    if (pid == 0)
        _exit(deep_stack_is_zero() ? 0 : 1);
    check_exited("protect_new_stack_pages_zero", wait_status(pid), 0);
}

/* --- what the kernel writes into user buffers ------------------------------------- */

static unsigned char buf[BUF];

static void fill(void)
{
    memset(buf, PATTERN, sizeof buf);
}

/* Bytes [from, BUF) of buf still hold the pattern: the kernel wrote nothing there. */
static int untouched_from(size_t from)
{
    for (size_t i = from; i < BUF; i++)
        if (buf[i] != PATTERN)
            return 0;
    return 1;
}

static void check_struct(const char *name, long ret, size_t size, int padding_zero)
{
    if (ret < 0)
        fail(name, "the call failed: %s", strerrorname(-ret));
    else if (!untouched_from(size))
        fail(name, "expected nothing written past the %zu-byte struct", size);
    else if (!padding_zero)
        fail(name, "expected the struct's padding and unused fields to be zero");
    else
        pass(name);
}

/* Linux x86-64 struct stat: 4 bytes of padding at 36, three unused longs at 120. */
static void stat_structs(void)
{
    fill();
    long r = raw_syscall2(SYS_stat, "/", buf);
    check_struct("protect_stat_exact_padding_zero", r, 144,
                 all_zero(buf + 36, 4) && all_zero(buf + 120, 24));
    int p[2];
    if (pipe(p) != 0)
        fail("protect_setup", "pipe: %s", strerrorname(errno));
    fill();
    r = raw_syscall2(SYS_fstat, p[0], buf);
    check_struct("protect_fstat_pipe_exact_padding_zero", r, 144,
                 all_zero(buf + 36, 4) && all_zero(buf + 120, 24));
    fill();
    r = raw_syscall1(SYS_pipe, buf);
    check_struct("protect_pipe_writes_two_ints", r, 8, 1);
    close(p[0]), close(p[1]);
    close(((int *)buf)[0]), close(((int *)buf)[1]);
}

/* Six 65-byte fields, each NUL-padded to its end. */
static void uname_struct(void)
{
    fill();
    long r = raw_syscall1(SYS_uname, buf);
    int padded = 1;
    for (int f = 0; f < 6; f++) {
        unsigned char *s = buf + 65 * f;
        size_t len = strnlen((char *)s, 65);
        padded &= len < 65 && all_zero(s + len, 65 - len);
    }
    check_struct("protect_uname_fields_zero_padded", r, 390, padded);
}

static void small_structs(void)
{
    fill();
    long r = raw_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, buf);
    check_struct("protect_clock_gettime_writes_16", r, 16, ((long *)buf)[1] < 1000000000);
    fill();
    r = raw_syscall2(SYS_gettimeofday, buf, NULL);
    check_struct("protect_gettimeofday_writes_16", r, 16, ((long *)buf)[1] < 1000000);
    fill();
    r = raw_syscall3(SYS_getrandom, buf, 24, 0);
    check_struct("protect_getrandom_writes_exactly", r == 24 ? 0 : -EIO, 24, 1);
    fill();
    r = raw_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, buf, 8);
    check_struct("protect_sigprocmask_old_writes_8", r, 8, 1);
    fill();
    r = raw_syscall2(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, buf);
    check_struct("protect_arch_prctl_get_fs_writes_8", r, 8, 1);
    fill();
    char cwd[256];
    r = raw_syscall2(SYS_getcwd, buf, 256);
    size_t len = r > 0 && getcwd(cwd, sizeof cwd) ? strlen(cwd) + 1 : 0;
    check_struct("protect_getcwd_writes_string_only", len ? 0 : -EIO, len, 1);
}

/* The old action of a signal never set: all zero, exactly 32 bytes (Linux's
 * kernel struct sigaction: handler, flags, restorer, mask). */
static void sigaction_struct(void)
{
    fill();
    long r = raw_syscall4(SYS_rt_sigaction, SIGUSR2, NULL, buf, 8);
    check_struct("protect_sigaction_old_writes_32_zero", r, 32, all_zero(buf, 32));
}

/* rusage: 144 bytes; the fields Linux never fills (ixrss, idrss, isrss, nswap, msgsnd,
 * msgrcv, nsignals: longs 1, 2, 3, 6, 9, 10, 11 after the two timevals) are zero. */
static void rusage_struct(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    fill();
    int st;
    long r = raw_syscall4(SYS_wait4, pid, &st, 0, buf);
    long *f = (long *)(buf + 32);
    int unused_zero = !f[1] && !f[2] && !f[3] && !f[6] && !f[9] && !f[10] && !f[11];
    check_struct("protect_wait4_rusage_writes_144", r == pid ? 0 : -ECHILD, 144,
                 unused_zero);
}

/* getdents64: each record's bytes after its name's NUL, up to d_reclen, are either
 * zero (lark) or untouched (Linux): never anything else. Nothing past the total. */
static void dirents(void)
{
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    fill();
    long r = raw_syscall3(SYS_getdents64, fd, buf, sizeof buf);
    close(fd);
    int clean = r > 0;
    for (long off = 0; clean && off < r;) {
        unsigned short reclen = *(unsigned short *)(buf + off + 16);
        const char *name = (const char *)buf + off + 19;
        size_t end = 19 + strlen(name) + 1;
        if (reclen < end || off + reclen > r) {
            clean = 0;
            break;
        }
        for (size_t i = end; i < reclen; i++)
            if (buf[off + i] != 0 && buf[off + i] != PATTERN)
                clean = 0;
        off += reclen;
    }
    check_struct("protect_getdents64_padding_clean", r > 0 ? 0 : r, r > 0 ? r : 0, clean);
}

int main(int argc, char **argv)
{
    (void)argc;
    proctest_init(argv[0]);
    new_pages();
    kernel_pages();
    no_execute();
    stat_structs();
    uname_struct();
    small_structs();
    sigaction_struct();
    rusage_struct();
    dirents();
    return test_done("t_protect");
}
