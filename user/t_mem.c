/* t_mem: memory syscalls: brk, anonymous mmap (zeroed, aligned, up to 64 MiB),
 * MAP_FIXED and MAP_FIXED_NOREPLACE, protections enforced by page faults (checked in
 * child processes that must die of SIGSEGV), munmap, mprotect, malloc/realloc, and
 * the EINVAL cases. */
#include "test.h"
#include "proctest.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define PAGE      4096UL
#define LAST_PAGE 0x7ffffffff000UL /* the page below 1 << 47 */
#define RW        (PROT_READ | PROT_WRITE)
#define ANON      (MAP_PRIVATE | MAP_ANONYMOUS)

extern char end[]; /* the linker's end of .bss: the heap (brk) starts above it */

/* The raw mmap, so libc's own argument checks cannot hide the kernel's. */
static long raw_mmap(unsigned long addr, unsigned long len, int prot, int flags)
{
    return syscall(SYS_mmap, addr, len, prot, flags, -1, 0);
}

static char *map(unsigned long len, int prot)
{
    char *p = (char *)raw_mmap(0, len, prot, ANON);
    if (p == MAP_FAILED) {
        fail("setup_mmap", "mmap(%lu) failed: %s", len, strerrorname(errno));
        exit(test_done("t_mem"));
    }
    return p;
}

static int all_zero(const char *p, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++)
        if (p[i])
            return 0;
    return 1;
}

/* Run `touch(addr)` in a child and check that the child dies of SIGSEGV. */
static void check_child_segv(const char *name, void (*touch)(char *), char *addr)
{
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_DUMPABLE, 0); /* no core file on the host */
        touch(addr);
        _exit(0);
    }
    check_signaled(name, wait_status(pid), SIGSEGV);
}

static void write_byte(char *p)
{
    *(volatile char *)p = 1;
}

static void read_byte(char *p)
{
    (void)*(volatile char *)p;
}

static void call_code(char *p)
{
    ((int (*)(void))p)();
}

/* brk runs first, before malloc has used the heap; it puts the break back. */
static void test_brk(void)
{
    unsigned long start = syscall(SYS_brk, 0);
    check("brk_initial_above_bss", start >= (unsigned long)end, "expected brk(0) >= end");
    unsigned long grown = start + 16 * PAGE + PAGE;
    check_long("brk_grow_returns_new_break", syscall(SYS_brk, grown), grown);
    check_long("brk_query_after_grow", syscall(SYS_brk, 0), grown);
    /* Whole pages above the old break: fresh memory, which must be zero. */
    char *fresh = (char *)((start + PAGE - 1) & ~(PAGE - 1));
    check("brk_grown_memory_zeroed", all_zero(fresh, 16 * PAGE), "expected zeros");
    memset(fresh, 0x5a, 16 * PAGE);
    check("brk_grown_memory_writable", fresh[0] == 0x5a && fresh[16 * PAGE - 1] == 0x5a,
          "expected the bytes just written");

    check_long("brk_shrink_returns_new_break", syscall(SYS_brk, start), start);
    check_child_segv("brk_shrink_unmaps_pages", write_byte, fresh);
    syscall(SYS_brk, grown);
    check("brk_regrow_zeroed", all_zero(fresh, 16 * PAGE),
          "expected zeros, not the old contents");
    syscall(SYS_brk, start);
    check_long("brk_below_start_leaves_break", syscall(SYS_brk, PAGE), start);
}

/* Anonymous memory of `len` bytes: page-aligned, zero, and each page its own. */
static void check_anon(const char *name, unsigned long len)
{
    char *p = (char *)raw_mmap(0, len, RW, ANON);
    if (p == MAP_FAILED) {
        fail(name, "mmap(%lu) failed: %s", len, strerrorname(errno));
        return;
    }
    unsigned long npages = (len + PAGE - 1) / PAGE;
    int zero = 1, aligned = ((unsigned long)p % PAGE) == 0, kept = 1;
    /* The first and last word of each page: zero, then tagged with the page number. */
    for (unsigned long i = 0; i < npages; i++) {
        uint64_t *page = (uint64_t *)(p + i * PAGE);
        if (page[0] || page[PAGE / 8 - 1])
            zero = 0;
        page[0] = page[PAGE / 8 - 1] = i + 1;
    }
    for (unsigned long i = 0; i < npages; i++) {
        uint64_t *page = (uint64_t *)(p + i * PAGE);
        if (page[0] != i + 1 || page[PAGE / 8 - 1] != i + 1)
            kept = 0;
    }
    if (!aligned)
        fail(name, "expected a page-aligned address, got %p", (void *)p);
    else if (!zero)
        fail(name, "expected zeroed memory");
    else if (!kept)
        fail(name, "expected each page to keep what was written to it");
    else
        pass(name);
    if (syscall(SYS_munmap, p, len) != 0)
        fail(name, "munmap failed: %s", strerrorname(errno));
}

static void test_mmap_anon(void)
{
    check_anon("mmap_anon_1_page", PAGE);
    check_anon("mmap_anon_5000_bytes_rounds_up", 5000);
    check_anon("mmap_anon_1_mib", 1 << 20);
    check_anon("mmap_anon_64_mib", 64 << 20);
    char *p = map(PAGE, RW);
    check("mmap_anon_1_page_all_zero", all_zero(p, PAGE), "expected 4096 zero bytes");
    munmap(p, PAGE);
}

static void test_map_fixed(void)
{
    char *r = map(4 * PAGE, RW);
    memset(r, 0x11, 4 * PAGE);
    long m = raw_mmap((unsigned long)r + PAGE, PAGE, RW, ANON | MAP_FIXED);
    check("mmap_fixed_returns_the_address", m == (long)r + (long)PAGE,
          "expected the requested address");
    check("mmap_fixed_replaces_old_page", all_zero(r + PAGE, PAGE),
          "expected the replaced page zeroed");
    check("mmap_fixed_keeps_neighbours", r[0] == 0x11 && r[2 * PAGE] == 0x11,
          "expected the pages around it unchanged");
    munmap(r, 4 * PAGE);

    unsigned long chosen = 1UL << 40; /* far from program, heap, stack and mmaps */
    m = raw_mmap(chosen, 2 * PAGE, RW, ANON | MAP_FIXED);
    check_long("mmap_fixed_at_chosen_address", m, (long)chosen);
    if (m == (long)chosen) {
        ((char *)chosen)[2 * PAGE - 1] = 7;
        check("mmap_fixed_chosen_usable", ((char *)chosen)[2 * PAGE - 1] == 7,
              "expected the byte just written");
        munmap((void *)chosen, 2 * PAGE);
    }
}

static void test_map_fixed_noreplace(void)
{
    char *r = map(3 * PAGE, RW);
    r[PAGE] = 0x22;
    unsigned long mid = (unsigned long)r + PAGE;
    check_errno("mmap_fixed_noreplace_over_mapping_eexist",
                raw_mmap(mid, PAGE, RW, ANON | MAP_FIXED_NOREPLACE), EEXIST);
    check_errno("mmap_fixed_noreplace_with_map_fixed_eexist",
                raw_mmap(mid, PAGE, RW, ANON | MAP_FIXED | MAP_FIXED_NOREPLACE), EEXIST);
    check("mmap_fixed_noreplace_keeps_old_page", r[PAGE] == 0x22,
          "expected the page's byte unchanged");
    munmap((void *)mid, PAGE);
    check_long("mmap_fixed_noreplace_in_hole",
               raw_mmap(mid, PAGE, RW, ANON | MAP_FIXED_NOREPLACE), (long)mid);
    munmap(r, 3 * PAGE);
}

static void test_protections(void)
{
    char *ro = map(PAGE, PROT_READ);
    check("mmap_read_only_readable", ro[0] == 0 && ro[PAGE - 1] == 0, "expected zeros");
    check_child_segv("mmap_read_only_write_segv", write_byte, ro);
    munmap(ro, PAGE);

    /* mov $42, %eax; ret */
    static const unsigned char code[] = {0xb8, 42, 0, 0, 0, 0xc3};
    char *x = map(PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
    memcpy(x, code, sizeof code);
    check_long("mmap_exec_call_returns_42", ((int (*)(void))x)(), 42);
    mprotect(x, PAGE, RW);
    check_child_segv("mprotect_noexec_call_segv", call_code, x);
    check_long("mprotect_rw_to_rx", mprotect(x, PAGE, PROT_READ | PROT_EXEC), 0);
    check_long("mprotect_exec_call_returns_42", ((int (*)(void))x)(), 42);
    munmap(x, PAGE);

    char *p = map(PAGE, RW);
    p[10] = 'A';
    check_long("mprotect_rw_to_r", mprotect(p, PAGE, PROT_READ), 0);
    check("mprotect_r_keeps_contents", p[10] == 'A', "expected 'A'");
    check_child_segv("mprotect_r_write_segv", write_byte, p);
    check_long("mprotect_r_to_rw", mprotect(p, PAGE, RW), 0);
    p[10] = 'B';
    check("mprotect_rw_writable_again", p[10] == 'B', "expected 'B'");
    check_long("mprotect_none", mprotect(p, PAGE, PROT_NONE), 0);
    check_child_segv("mprotect_none_read_segv", read_byte, p);
    munmap(p, PAGE);
}

/* Linux changes the pages before a hole and then fails with ENOMEM. */
static void test_mprotect_hole(void)
{
    char *p = map(3 * PAGE, RW);
    munmap(p + PAGE, PAGE);
    check_errno("mprotect_over_hole_enomem", mprotect(p, 3 * PAGE, PROT_READ), ENOMEM);
    check_child_segv("mprotect_over_hole_changes_part_before", write_byte, p);
    p[2 * PAGE] = 1;
    check("mprotect_over_hole_leaves_part_after", p[2 * PAGE] == 1,
          "expected the page after the hole still writable");
    check_errno("mprotect_starting_in_hole_enomem",
                mprotect(p + PAGE, 2 * PAGE, PROT_READ), ENOMEM);
    p[2 * PAGE] = 2;
    check("mprotect_starting_in_hole_changes_nothing", p[2 * PAGE] == 2,
          "expected the page after the hole still writable");
    munmap(p, 3 * PAGE);
}

static void test_munmap(void)
{
    char *p = map(3 * PAGE, RW);
    memset(p, 'x', 3 * PAGE);
    check_long("munmap_middle_page", syscall(SYS_munmap, p + PAGE, PAGE), 0);
    check_child_segv("munmap_middle_read_segv", read_byte, p + PAGE);
    check("munmap_middle_keeps_neighbours", p[0] == 'x' && p[2 * PAGE] == 'x',
          "expected the outer pages intact");
    check_long("munmap_whole_range_with_hole", syscall(SYS_munmap, p, 3 * PAGE), 0);
    check_child_segv("munmap_read_segv", read_byte, p);
    check_long("munmap_unmapped_range_ok", syscall(SYS_munmap, p, 3 * PAGE), 0);
}

static void test_einval(void)
{
    char *p = map(2 * PAGE, RW);
    unsigned long odd = (unsigned long)p + 1;
    check_errno("mmap_length_0_einval", raw_mmap(0, 0, RW, ANON), EINVAL);
    check_errno("mmap_fixed_unaligned_einval", raw_mmap(odd, PAGE, RW, ANON | MAP_FIXED),
                EINVAL);
    check_errno("mmap_neither_private_nor_shared_einval",
                raw_mmap(0, PAGE, RW, MAP_ANONYMOUS), EINVAL);
    check_errno("mmap_file_bad_fd_ebadf", raw_mmap(0, PAGE, RW, MAP_PRIVATE), EBADF);
    check_errno("munmap_unaligned_einval", syscall(SYS_munmap, odd, PAGE), EINVAL);
    check_errno("munmap_length_0_einval", syscall(SYS_munmap, p, 0), EINVAL);
    check_errno("mprotect_unaligned_einval", syscall(SYS_mprotect, odd, PAGE, PROT_READ),
                EINVAL);
    munmap(p, 2 * PAGE);
    /* User space ends at 0x7ffffffff000, one page below the lower half's end, as on
     * Linux (TASK_SIZE_MAX): that last page is no user address. */
    check_errno("mmap_fixed_last_page_enomem",
                raw_mmap(LAST_PAGE, PAGE, RW, ANON | MAP_FIXED), ENOMEM);
    check_errno("munmap_last_page_einval", syscall(SYS_munmap, LAST_PAGE, PAGE), EINVAL);
}

static unsigned char fill_byte(int which, unsigned long i)
{
    return (unsigned char)(which * 37 + i % 251);
}

/* Check buf[0..len) holds fill_byte(which, i): every byte of small blocks, a
 * sample of large ones (a prime stride, so every page is visited at varying offsets). */
static int holds_fill(const unsigned char *buf, unsigned long len, int which)
{
    unsigned long step = len <= 65536 ? 1 : 4093;
    for (unsigned long i = 0; i < len; i += step)
        if (buf[i] != fill_byte(which, i))
            return 0;
    return len == 0 || buf[len - 1] == fill_byte(which, len - 1);
}

static void fill(unsigned char *buf, unsigned long len, int which)
{
    for (unsigned long i = 0; i < len; i++)
        buf[i] = fill_byte(which, i);
}

static void test_malloc(void)
{
    static const unsigned long sizes[] = {1,    7,     16,     100,     1000,    4095,
                                          4096, 5000,  65536,  100000,  1 << 20, 3 << 20,
                                          24,   10000, 200000, 10 << 20};
    enum { N = sizeof sizes / sizeof sizes[0] };
    unsigned char *blocks[N];
    int got_all = 1, intact = 1;
    for (int i = 0; i < N; i++) {
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i])
            got_all = 0;
        else
            fill(blocks[i], sizes[i], i);
    }
    check("malloc_many_sizes_including_10mb", got_all,
          "expected every malloc to succeed");
    if (!got_all)
        return;
    /* All filled before any is checked: overlapping blocks would show. */
    for (int i = 0; i < N; i++)
        if (!holds_fill(blocks[i], sizes[i], i))
            intact = 0;
    check("malloc_blocks_do_not_overlap", intact,
          "expected each block to keep its bytes");
    for (int i = 0; i < N; i += 2)
        free(blocks[i]);
    for (int i = 1; i < N; i += 2)
        free(blocks[i]);

    unsigned char *p = malloc(16);
    unsigned long len = 16;
    fill(p, len, 3);
    int kept = 1;
    while (p && len < (8UL << 20)) {
        unsigned long bigger = len * 2;
        p = realloc(p, bigger);
        if (p && !holds_fill(p, len, 3))
            kept = 0;
        if (p)
            fill(p, bigger, 3);
        len = bigger;
    }
    check("realloc_grows_to_8mb", p != NULL, "expected realloc to succeed");
    check("realloc_keeps_contents", kept, "expected the old bytes after each realloc");
    free(p);

    unsigned char *z = calloc(1, 4 << 20);
    check("calloc_4mb_zeroed", z && all_zero((char *)z, 4 << 20), "expected zeros");
    free(z);
}

int main(void)
{
    test_brk();
    test_mmap_anon();
    test_map_fixed();
    test_map_fixed_noreplace();
    test_protections();
    test_mprotect_hole();
    test_munmap();
    test_einval();
    test_malloc();
    return test_done("t_mem");
}
