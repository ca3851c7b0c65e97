/* t_noncanon: the syscall return path survives what user space controls: `syscall` in
 * the last bytes of the top user page, an execve whose entry point is non-canonical
 * (a return address never fit for SYSRET), TF set (SFMASK must clear it), DF set (no
 * reversed copies). */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#define EXIT_NO_TOP_PAGE 77
#define DF_LEN           8000

unsigned long *top_page_report; /* the child stores the page it mapped here */
unsigned long top_page_stack[512] __attribute__((aligned(16)));

/* void syscall_at_top_page(void), in a forked child, never returns: on a private stack
 * (mapping the top page may replace the one we run on), MAP_FIXED an RWX page at the
 * highest user address that works -- 0x7ffffffff000 on a kernel that allows it (the
 * return address is then non-canonical), else 0x7fffffffe000 (Linux and lark end
 * user space below the last page) -- put `syscall` in its last two bytes and jump
 * there with rax = getpid. The return lands just past the end of user space:
 * SIGSEGV. */
__asm__(".text\n"
        ".globl syscall_at_top_page\n"
        ".type syscall_at_top_page,@function\n"
        "syscall_at_top_page:\n"
        "  lea top_page_stack+4096(%rip), %rsp\n"
        "  movabs $0x7ffffffff000, %rdi\n"
        "  call map_rwx_fixed\n"
        "  cmp %rdi, %rax\n"
        "  je 1f\n"
        "  movabs $0x7fffffffe000, %rdi\n"
        "  call map_rwx_fixed\n"
        "  cmp %rdi, %rax\n"
        "  je 1f\n"
        "  mov $231, %eax\n" /* exit_group(EXIT_NO_TOP_PAGE) */
        "  mov $77, %edi\n"
        "  syscall\n"
        "1:\n"
        "  mov top_page_report(%rip), %rcx\n"
        "  mov %rax, (%rcx)\n"
        "  movw $0x050f, 4094(%rax)\n" /* 0f 05: syscall */
        "  lea 4094(%rax), %rcx\n"
        "  mov $39, %eax\n" /* getpid */
        "  jmp *%rcx\n"
        "map_rwx_fixed:\n" /* mmap(rdi, 4096, RWX, PRIVATE|ANON|FIXED, -1, 0) */
        "  mov $9, %eax\n"
        "  mov $4096, %esi\n"
        "  mov $7, %edx\n"
        "  mov $0x32, %r10d\n"
        "  mov $-1, %r8\n"
        "  xor %r9d, %r9d\n"
        "  syscall\n"
        "  ret\n"
        ".size syscall_at_top_page, .-syscall_at_top_page\n");
void syscall_at_top_page(void) __attribute__((noreturn));
_Static_assert(EXIT_NO_TOP_PAGE == 77, "the asm above hard-codes it");

/* In a child about to die: no core file (limit 0; not dumpable for core pipes). */
static void no_core_dumps(void)
{
    struct rlimit zero = {0, 0};
    setrlimit(RLIMIT_CORE, &zero);
    prctl(PR_SET_DUMPABLE, 0);
}

static void test_top_page_syscall(void)
{
    top_page_report =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (top_page_report == MAP_FAILED) {
        fail("top_page_setup", "mmap MAP_SHARED: %s", strerrorname(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        no_core_dumps();
        syscall_at_top_page();
    }
    int st = wait_status(pid);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == EXIT_NO_TOP_PAGE)
        fail("syscall_at_top_of_user_space_sigsegv",
             "could not mmap(MAP_FIXED) 0x7ffffffff000 or 0x7fffffffe000");
    else if (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
        pass("syscall_at_top_of_user_space_sigsegv");
    else
        fail("syscall_at_top_of_user_space_sigsegv",
             "expected killed by signal 11, got %s (syscall at %#lx)", status_str(st),
             *top_page_report + 4094);
    munmap(top_page_report, 4096);
}

/* execve can put any address in the frame's rip: a copy of this program whose entry
 * point is the first non-canonical address must die of SIGSEGV (lark: through the
 * IRETQ path; Linux refuses the entry after its point of no return: SIGSEGV too). */
static void test_noncanonical_entry(void)
{
    const char *name = "noncanon_entry_point_sigsegv";
    char path[] = "/tmp/t_noncanon.XXXXXX";
    int fd = mkstemp(path), self = open(proctest_self, O_RDONLY);
    struct stat st;
    unsigned char *image = 0;
    long n = -1;
    if (fd >= 0 && self >= 0 && fstat(self, &st) == 0 && (image = malloc(st.st_size)))
        n = read_all(self, image, st.st_size);
    int ok = n >= (long)sizeof(Elf64_Ehdr);
    if (ok) {
        ((Elf64_Ehdr *)image)->e_entry = 0x800000000000UL;
        ok = write(fd, image, n) == n && fchmod(fd, 0755) == 0;
    }
    free(image);
    if (self >= 0)
        close(self);
    if (fd >= 0)
        close(fd);
    if (!ok) {
        fail(name, "could not copy %s to %s: %s", proctest_self, path,
             strerrorname(errno));
        if (fd >= 0)
            unlink(path);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        no_core_dumps(); /* the core limit stays 0 in the new program */
        char *argv[] = {"t_noncanon", NULL};
        char *envp[] = {NULL};
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    check_signaled(name, wait_status(pid), SIGSEGV);
    unlink(path);
}

/* TF set by popf right before syscall: the syscall still works (the byte arrives) and
 * the single-step trap comes back in user mode: SIGTRAP. */
static void test_trap_flag(void)
{
    int p[2];
    if (pipe(p) != 0)
        return;
    static const char byte = 'T';
    pid_t pid = fork();
    if (pid == 0) {
        no_core_dumps();
        __asm__ volatile("sub $128, %%rsp\n" /* pushfq must not clobber the red zone */
                         "pushfq\n"
                         "orq $0x100, (%%rsp)\n"
                         "popfq\n"
                         "syscall\n"
                         "nop\n"
                         "nop\n"
                         "add $128, %%rsp" ::"a"((long)SYS_write),
                         "D"((long)p[1]), "S"(&byte), "d"(1L)
                         : "rcx", "r11", "memory");
        _exit(0);
    }
    close(p[1]);
    char got = 0;
    long n = read(p[0], &got, 1);
    close(p[0]);
    check_signaled("syscall_with_tf_set_sigtrap", wait_status(pid), SIGTRAP);
    check("syscall_with_tf_set_still_runs", n == 1 && got == 'T',
          "expected the write made with TF set to arrive");
}

/* A syscall with DF=1: rdi/rsi/rdx as given, returns rax, *flags_after gets rflags.
 * (QEMU's TCG clears DF on every SYSCALL, whatever SFMASK says: there a kernel that
 * leaves DF out of SFMASK passes; on a real CPU, or KVM, it fails.) */
static long syscall3_df(long nr, long a1, long a2, long a3, unsigned long *flags_after)
{
    long ret;
    unsigned long fl;
    __asm__ volatile("sub $128, %%rsp\n" /* pushfq must not clobber the red zone */
                     "pushfq\n"
                     "orq $0x400, (%%rsp)\n"
                     "popfq\n"
                     "add $128, %%rsp\n"
                     "syscall\n"
                     "sub $128, %%rsp\n"
                     "pushfq\n"
                     "pop %1\n"
                     "add $128, %%rsp\n"
                     "cld"
                     : "=a"(ret), "=r"(fl)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
                     : "rcx", "r11", "memory");
    *flags_after = fl;
    return ret;
}

static unsigned char src[DF_LEN], dst[DF_LEN + 128];

static void test_direction_flag(void)
{
    char path[] = "/tmp/t_noncanon.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        fail("df_setup", "mkstemp: %s", strerrorname(errno));
        return;
    }
    unlink(path);
    for (int i = 0; i < DF_LEN; i++)
        src[i] = (unsigned char)(i * 13 + i / 256);
    memset(dst, 0xee, sizeof dst);
    unsigned long fl;
    long n = syscall3_df(SYS_write, fd, (long)src, DF_LEN, &fl);
    check_long("write_with_df_set_returns_count", n, DF_LEN);
    check_long("syscall_keeps_user_df", fl & 0x400, 0x400);
    lseek(fd, 0, SEEK_SET);
    n = syscall3_df(SYS_read, fd, (long)(dst + 64), DF_LEN, &fl);
    check_long("read_with_df_set_returns_count", n, DF_LEN);
    check("syscall_df_set_data_correct", memcmp(dst + 64, src, DF_LEN) == 0,
          "expected the bytes read back to equal the bytes written");
    int guard = 1;
    for (int i = 0; i < 64; i++)
        guard &= dst[i] == 0xee && dst[64 + DF_LEN + i] == 0xee;
    check("syscall_df_set_no_write_outside_buffer", guard,
          "expected the bytes around the read buffer unchanged");
    close(fd);

    struct utsname u1, u2;
    memset(&u2, 0, sizeof u2);
    uname(&u1);
    syscall3_df(SYS_uname, (long)&u2, 0, 0, &fl);
    check("uname_with_df_set_correct", memcmp(&u1, &u2, sizeof u1) == 0,
          "expected the same utsname as without DF");
}

/* Parts (see test.h): top, tf, df. */
int main(int argc, char **argv)
{
    proctest_init(argv[0]);
    test_parts(argc, argv);
    pid_t me = getpid();
    if (test_part("top")) {
        test_top_page_syscall();
        test_noncanonical_entry();
    }
    if (test_part("tf"))
        test_trap_flag();
    if (test_part("df"))
        test_direction_flag();
    check_long("noncanon_parent_pid_unchanged", getpid(), me);
    char *argv_true[] = {"true", NULL};
    char *envp[] = {NULL};
    check_exited("noncanon_parent_can_still_spawn",
                 spawn_wait(helper_path("true"), argv_true, envp, NULL), 0);
    return test_done("t_noncanon");
}
