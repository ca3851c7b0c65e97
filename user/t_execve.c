/* t_execve: every execve failure returns the Linux errno and leaves the caller as it
 * was (memory, files, ability to spawn), because the kernel must check everything
 * before it tears down the old image; ELF headers and segments are validated (copies
 * of this program with one field broken must not run); the program's bss starts
 * zeroed; and a successful execve passes argv/envp and resets the exit signal. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <elf.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAX_ARG_STRLEN (32 * 4096) /* Linux: longest argument, counting its NUL */
#define BIG_STRING     (100 * 1024)
#define BIG_TOTAL      (64L << 20) /* argv+envp total, over any sane limit */
#define OVER_2MIB      (3L << 20)  /* over Linux's limit with an 8 MiB stack rlimit */
#define UNDER_2MIB     (3L << 19)  /* 1.5 MiB: under it */
#define RAN_ARG        "--ran"     /* a copy of this program run with it exits 42 */
#define RAN_STATUS     42
#define FORKED_DONE    77 /* a child that did its checks and was not replaced... */
#define FORKED_FAILED  78 /* ...and one of them failed */

static char *self, *true_path, *argecho;
static char tmpdir[] = "/tmp/t_execve.XXXXXX";
static unsigned char pattern[3 * 4096]; /* must survive every failed execve */
/* bss: nothing writes these before main checks them (libc's own bss might be). */
static unsigned char bss_first[4096];
static unsigned char bss_big[64 * 1024];

static char *in_tmp(const char *name)
{
    static char buf[8][128];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", tmpdir, name);
    return b;
}

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (unsigned char)(i * 7 + 3);
}

/* After a failed execve: the same process, memory unchanged, files and spawn work. */
static void check_intact(const char *what, pid_t pid_before)
{
    char name[96];
    snprintf(name, sizeof name, "%s_caller_intact", what);
    for (size_t i = 0; i < sizeof pattern; i++)
        if (pattern[i] != (unsigned char)(i * 7 + 3)) {
            fail(name, "memory changed at pattern[%zu]", i);
            return;
        }
    if (getpid() != pid_before) {
        fail(name, "expected pid %d, got %d", pid_before, getpid());
        return;
    }
    int fd = open(self, O_RDONLY);
    if (fd < 0) {
        fail(name, "open after failed execve: %s", strerrorname(errno));
        return;
    }
    close(fd);
    char *argv[] = {"true", NULL};
    char *envp[] = {NULL};
    int st = spawn_wait(true_path, argv, envp, NULL);
    if (st != 0) {
        fail(name, "spawning true after failed execve: %s", status_str(st));
        return;
    }
    pass(name);
}

/* Raw execve (musl's execve is a plain wrapper, but be sure) that must fail. */
static void expect_fail(const char *name, const void *path, void *argv, void *envp,
                        int want)
{
    pid_t pid = getpid();
    long ret = syscall(SYS_execve, path, argv, envp);
    check_errno(name, ret, want);
    check_intact(name, pid);
}

/* expect_fail in a forked child: if the kernel wrongly accepts the execve, the child
 * becomes the other program and the checks of the caller must not be lost. */
static void expect_fail_forked(const char *name, const void *path, void *argv, void *envp,
                               int want)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit stack = {8 << 20, 8 << 20}; /* as exec_true_status (below) */
        setrlimit(RLIMIT_STACK, &stack);
        expect_fail(name, path, argv, envp, want);
        _exit(test_failed ? FORKED_FAILED : FORKED_DONE);
    }
    int st = wait_status(pid);
    int code = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (code == FORKED_DONE || code == FORKED_FAILED) {
        test_checks += 2; /* the child's two, which it printed */
        test_failed += code == FORKED_FAILED;
    } else {
        fail(name, "expected execve to fail with %s, but it ran the program (%s)",
             strerrorname(want), status_str(st));
    }
}

/* Write a file in tmpdir with the given bytes and mode; its path. */
static char *make_file(const char *name, const void *data, size_t len, mode_t mode)
{
    char *path = in_tmp(name);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0)
        fail("execve_setup", "writing %s: %s", path, strerrorname(errno));
    if (fd >= 0)
        close(fd);
    return path;
}

/* A string of `len` bytes plus its NUL. */
static char *string_of(size_t len, char c)
{
    char *s = malloc(len + 1);
    if (!s)
        _exit(98);
    memset(s, c, len);
    s[len] = 0;
    return s;
}

static void test_lookup_errors(void)
{
    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    expect_fail("execve_missing_file_enoent", in_tmp("missing"), argv, envp, ENOENT);
    expect_fail("execve_empty_path_enoent", "", argv, envp, ENOENT);
    char through[300];
    snprintf(through, sizeof through, "%s/x", self);
    expect_fail("execve_path_through_file_enotdir", through, argv, envp, ENOTDIR);
    expect_fail("execve_directory_eacces", tmpdir, argv, envp, EACCES);
    char *noexec = make_file("noexec", "\177ELF", 4, 0644);
    expect_fail("execve_no_exec_bit_eacces", noexec, argv, envp, EACCES);
    /* As Linux: the file is opened and checked before argv is read. */
    expect_fail("execve_no_exec_bit_before_argv_eacces", noexec, (void *)1, envp, EACCES);
    char *longpath = malloc(5000);
    memset(longpath, 'a', 4999);
    longpath[0] = '/';
    longpath[4999] = 0;
    expect_fail("execve_path_too_long_enametoolong", longpath, argv, envp, ENAMETOOLONG);
    free(longpath);
}

static void test_format_errors(void)
{
    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    static const char garbage[] = "this is not an executable\n\x01\x02\x03";
    char *garbage_path = make_file("garbage", garbage, sizeof garbage, 0755);
    expect_fail("execve_garbage_enoexec", garbage_path, argv, envp, ENOEXEC);
    /* As Linux: argv and envp are copied before the file's format is looked at. */
    expect_fail("execve_bad_argv_before_format_efault", garbage_path, (void *)1, envp,
                EFAULT);
    char *huge = string_of(200000, 'H');
    char *argv_huge[] = {"x", huge, NULL};
    expect_fail("execve_huge_arg_before_format_e2big", garbage_path, argv_huge, envp,
                E2BIG);
    free(huge);
    expect_fail("execve_empty_file_enoexec", make_file("empty", "", 0, 0755), argv, envp,
                ENOEXEC);
    unsigned char head[20];
    int fd = open(self, O_RDONLY);
    if (fd < 0 || read(fd, head, sizeof head) != sizeof head)
        fail("execve_setup", "reading own ELF header: %s", strerrorname(errno));
    if (fd >= 0)
        close(fd);
    expect_fail("execve_truncated_elf_header_enoexec",
                make_file("truncated", head, sizeof head, 0755), argv, envp, ENOEXEC);
}

/* Run true with argv in a forked child (with Linux's default stack rlimit, which sets
 * its argument limit); the child's wait status, or 100 + errno if execve failed. */
static int exec_true_status(char **argv, char **envp)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit stack = {8 << 20, 8 << 20};
        setrlimit(RLIMIT_STACK, &stack); /* lark has a fixed limit: ENOSYS is fine */
        execve(true_path, argv, envp);
        _exit(100 + errno);
    }
    return wait_status(pid);
}

static void check_exec_ok(const char *name, int st)
{
    if (st == 0)
        pass(name);
    else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) > 100)
        fail(name, "execve failed: %s", strerrorname(WEXITSTATUS(st) - 100));
    else
        fail(name, "expected exited 0, got %s", status_str(st));
}

/* argv of `total` bytes: true, then copies of one string of `each` bytes. */
static char **argv_of_total(long total, long each, char **string)
{
    *string = string_of(each - 1, 'B');
    size_t n = total / each + 1;
    char **argv = calloc(n + 2, sizeof *argv);
    if (!argv)
        _exit(98);
    argv[0] = "true";
    for (size_t i = 1; i <= n; i++)
        argv[i] = *string;
    return argv;
}

/* Strings whose size by Linux's count -- the path, then each string with its NUL and
 * its pointer -- is exactly `total` + `extra`: in argv after "true", or in envp if
 * argv is to be empty (which counts as "" and a pointer). Copies of one string of
 * BIG_STRING bytes, then one to make up the rest. */
static char **strings_of_total(long total, int extra, int empty_argv, char **big,
                               char **rest)
{
    long left = total - (long)(strlen(true_path) + 1) - (empty_argv ? 1 + 8 : 5 + 8);
    long each = BIG_STRING + 8;
    size_t n = left / each, i = 0;
    if (left - (long)n * each < 9) /* the last string needs its NUL and pointer */
        n--;
    *big = string_of(BIG_STRING - 1, 'B');
    *rest = string_of(left - n * each - 9 + extra, 'R');
    char **v = calloc(n + 3, sizeof *v);
    if (!v)
        _exit(98);
    if (!empty_argv)
        v[i++] = "true";
    for (size_t k = 0; k < n; k++)
        v[i++] = *big;
    v[i] = *rest;
    return v;
}

static void exact_totals(void)
{
    char *no_strings[] = {NULL};
    for (int empty_argv = 0; empty_argv <= 1; empty_argv++) {
        for (int extra = 0; extra <= 1; extra++) {
            char *big, *rest, name[80];
            char **v = strings_of_total(2L << 20, extra, empty_argv, &big, &rest);
            char **argv = empty_argv ? no_strings : v,
                 **envp = empty_argv ? v : no_strings;
            snprintf(name, sizeof name, "execve_%s_total_%s",
                     empty_argv ? "empty_argv" : "args",
                     extra ? "2mib_plus_1_e2big" : "exactly_2mib_ok");
            if (extra)
                expect_fail_forked(name, true_path, argv, envp, E2BIG);
            else
                check_exec_ok(name, exec_true_status(argv, envp));
            free(v);
            free(big);
            free(rest);
        }
    }
}

static void test_e2big(void)
{
    char *envp[] = {NULL};
    char *too_long = string_of(MAX_ARG_STRLEN, 'L'); /* 131073 bytes with the NUL */
    char *argv1[] = {"true", too_long, NULL};
    expect_fail_forked("execve_arg_over_max_arg_strlen_e2big", true_path, argv1, envp,
                       E2BIG);
    char *argv_true[] = {"true", NULL};
    char *env1[] = {too_long, NULL};
    expect_fail_forked("execve_env_over_max_arg_strlen_e2big", true_path, argv_true, env1,
                       E2BIG);

    /* The longest allowed string, 131072 bytes with the NUL, must work. (With the
     * rest this is over 128 KiB in all: Linux allows a quarter of the stack rlimit,
     * 2 MiB by default, so this needs a stack rlimit of at least 1 MiB.) */
    too_long[MAX_ARG_STRLEN - 1] = 0;
    check_exec_ok("execve_arg_at_max_arg_strlen_ok", exec_true_status(argv1, envp));
    free(too_long);

    /* In all: at most a quarter of the stack rlimit (8 MiB: 2 MiB). */
    char *big;
    char **argv = argv_of_total(UNDER_2MIB, BIG_STRING, &big);
    check_exec_ok("execve_argv_total_1_5mib_ok", exec_true_status(argv, envp));
    free(argv);
    free(big);
    argv = argv_of_total(OVER_2MIB, BIG_STRING, &big);
    expect_fail_forked("execve_argv_total_3mib_e2big", true_path, argv, envp, E2BIG);
    free(argv);
    free(big);

    /* 64 MiB in total, the same 100 KiB string over and over. */
    argv = argv_of_total(BIG_TOTAL, BIG_STRING, &big);
    size_t n = BIG_TOTAL / BIG_STRING + 1;
    expect_fail_forked("execve_argv_total_too_big_e2big", true_path, argv, envp, E2BIG);
    char **env = argv + n / 2;
    argv[n / 2] = NULL; /* half the strings in argv, half in envp */
    env[0] = big;
    expect_fail_forked("execve_argv_envp_total_too_big_e2big", true_path, argv, env,
                       E2BIG);
    free(argv);
    free(big);

    /* Exactly at the limit, counting the path as Linux does, and one byte over. */
    exact_totals();
}

/* --- broken copies of this program ------------------------------------------- */

static unsigned char *image; /* this program's file */
static size_t image_size;

static int load_own_image(void)
{
    int fd = open(self, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !(image = malloc(st.st_size))) {
        fail("execve_setup", "reading %s: %s", self, strerrorname(errno));
        return -1;
    }
    image_size = read_all(fd, image, st.st_size);
    close(fd);
    return image_size == (size_t)st.st_size ? 0 : -1;
}

/* A copy of this program, in tmpdir, changed by `change` (which gets the copy's ELF
 * header, program headers, and the index of its first PT_LOAD). */
static char *variant(const char *name, void (*change)(Elf64_Ehdr *, Elf64_Phdr *, int))
{
    unsigned char *copy = malloc(image_size);
    if (!copy)
        _exit(98);
    memcpy(copy, image, image_size);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
    Elf64_Phdr *ph = (Elf64_Phdr *)(copy + eh->e_phoff);
    int load = 0;
    while (load < eh->e_phnum && ph[load].p_type != PT_LOAD)
        load++;
    change(eh, ph, load);
    char *path = make_file(name, copy, image_size, 0755);
    free(copy);
    return path;
}

/* Run a broken copy (with RAN_ARG: should it run, it exits RAN_STATUS) in a child. The
 * child's wait status, or 100 + errno if its execve failed. */
static int run_variant(const char *path)
{
    char *argv[] = {"t_execve", RAN_ARG, NULL};
    char *envp[] = {NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    return wait_status(pid);
}

/* The copy must be refused with ENOEXEC. */
static void expect_enoexec(const char *name, const char *path)
{
    int st = run_variant(path);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 100 + ENOEXEC)
        pass(name);
    else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) > 100)
        fail(name, "expected ENOEXEC, got %s", strerrorname(WEXITSTATUS(st) - 100));
    else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == RAN_STATUS)
        fail(name, "expected ENOEXEC, but the program ran");
    else
        fail(name, "expected ENOEXEC, but execve succeeded (then: %s)", status_str(st));
}

/* The copy must not run: lark refuses it in execve, Linux kills the process after the
 * point of no return (SIGSEGV); either is fine. */
static void expect_not_run(const char *name, const char *path)
{
    int st = run_variant(path);
    if (st != -1 && ((WIFEXITED(st) && WEXITSTATUS(st) > 100) || WIFSIGNALED(st)))
        pass(name);
    else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == RAN_STATUS)
        fail(name, "expected execve to refuse the program, but it ran");
    else
        fail(name, "expected execve to refuse the program, got %s", status_str(st));
}

static void machine_aarch64(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)ph, (void)load;
    eh->e_machine = EM_AARCH64;
}
static void machine_386(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)ph, (void)load;
    eh->e_machine = EM_386;
}
static void type_rel(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)ph, (void)load;
    eh->e_type = ET_REL;
}
static void type_core(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)ph, (void)load;
    eh->e_type = ET_CORE;
}
static void phentsize_small(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)ph, (void)load;
    eh->e_phentsize = sizeof(Elf64_Phdr) - 8;
}
static void phnum_zero(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)ph, (void)load;
    eh->e_phnum = 0;
}
static void filesz_over_memsz(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)eh;
    ph[load].p_memsz = ph[load].p_filesz - 16; /* still inside the same page */
}
static void offset_misaligned(Elf64_Ehdr *eh, Elf64_Phdr *ph, int load)
{
    (void)eh;
    ph[load].p_offset += 8; /* p_offset % 4096 != p_vaddr % 4096 */
}

static void test_elf_header(void)
{
    expect_enoexec("execve_machine_aarch64_enoexec", variant("aarch64", machine_aarch64));
    expect_enoexec("execve_machine_i386_enoexec", variant("i386", machine_386));
    expect_enoexec("execve_type_rel_enoexec", variant("rel", type_rel));
    expect_enoexec("execve_type_core_enoexec", variant("core", type_core));
}

static void test_program_headers(void)
{
    expect_enoexec("execve_phentsize_wrong_enoexec",
                   variant("phentsize", phentsize_small));
    expect_enoexec("execve_phnum_zero_enoexec", variant("phnum0", phnum_zero));
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* Checked first thing in main: the bss execve gave us is all zeros (p_memsz beyond
 * p_filesz), right from its first bytes. */
static int bss_was_zero;

static void test_memsz(void)
{
    check("execve_bss_zeroed", bss_was_zero,
          "expected this program's bss (after .data, to p_memsz) to start all zeros");
    expect_not_run("execve_filesz_over_memsz_refused",
                   variant("filesz", filesz_over_memsz));
}

static void test_segment_alignment(void)
{
    expect_not_run("execve_offset_vaddr_misaligned_refused",
                   variant("misaligned", offset_misaligned));
}

static void test_efault(void)
{
    char *argv[] = {"true", NULL};
    char *envp[] = {NULL};
    void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 4096);
    void *kernel = (void *)0xffff800000000000UL, *noncanon = (void *)0x0000800000000000UL;
    expect_fail("execve_null_path_efault", NULL, argv, envp, EFAULT);
    expect_fail("execve_path_address_1_efault", (void *)1, argv, envp, EFAULT);
    expect_fail("execve_unmapped_path_efault", gone, argv, envp, EFAULT);
    expect_fail("execve_kernel_path_efault", kernel, argv, envp, EFAULT);
    expect_fail("execve_noncanonical_path_efault", noncanon, argv, envp, EFAULT);
    expect_fail("execve_high_bit_path_efault", (void *)0x8000000000000000UL, argv, envp,
                EFAULT);
    expect_fail("execve_unmapped_argv_efault", true_path, gone, envp, EFAULT);
    expect_fail("execve_kernel_argv_efault", true_path, kernel, envp, EFAULT);
    char *bad_arg[] = {"true", gone, NULL};
    expect_fail("execve_unmapped_argv_string_efault", true_path, bad_arg, envp, EFAULT);
    char *bad_arg2[] = {"true", noncanon, NULL};
    expect_fail("execve_noncanonical_argv_string_efault", true_path, bad_arg2, envp,
                EFAULT);
    expect_fail("execve_unmapped_envp_efault", true_path, argv, gone, EFAULT);
    expect_fail("execve_unmapped_envp_string_efault", true_path, argv, bad_arg + 1,
                EFAULT);
}

/* A successful execve in a forked child: argecho reports what it got. */
static void test_success(void)
{
    char *argv[] = {"argecho", "", "second arg", "x\ty\nz", NULL};
    char *envp[] = {"HOME=/nowhere", "", "K=v=w", NULL};
    size_t alen = pack_strings(argv, NULL), elen = pack_strings(envp, NULL);
    char want[256], got[257];
    pack_strings(argv, want);
    pack_strings(envp, want + alen);
    int p[2];
    if (pipe(p) != 0) {
        fail("execve_setup", "pipe: %s", strerrorname(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execve(argecho, argv, envp);
        _exit(127);
    }
    close(p[1]);
    long n = read_all(p[0], got, sizeof got);
    close(p[0]);
    check_exited("execve_success_child_exit_status", wait_status(pid), 0);
    check("execve_success_argv_exact", n >= (long)alen && memcmp(got, want, alen) == 0,
          "expected argecho's argv to be what execve was given");
    check("execve_success_envp_exact",
          n == (long)(alen + elen) && memcmp(got + alen, want + alen, elen) == 0,
          "expected argecho's envp to be what execve was given");
}

/* A child cloned with exit signal 0 is one only __WALL or __WCLONE wait for; after
 * its execve it is an ordinary child again (Linux resets the exit signal to SIGCHLD),
 * so a plain waitpid reaps it. Its close-on-exec pipe says when it has exec'd. */
static void test_exit_signal_reset(void)
{
    const char *name = "execve_resets_exit_signal_to_sigchld";
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        fail("execve_setup", "pipe2: %s", strerrorname(errno));
        return;
    }
    long pid = raw_syscall1(SYS_clone, 0); /* like fork, but exit signal 0 */
    if (pid == 0) {
        char *argv[] = {"true", NULL};
        char *envp[] = {NULL};
        execve(true_path, argv, envp);
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        fail(name, "clone: %s", strerrorname(-pid));
        return;
    }
    char c;
    read_all(p[0], &c, 1); /* EOF once the child has exec'd (or exited) */
    close(p[0]);
    int st;
    long r = waitpid(pid, &st, 0);
    if (r == pid) {
        check_exited(name, st, 0);
        return;
    }
    fail(name, "expected a plain waitpid to reap the exec'd child, got %s",
         r == -1 ? strerrorname(errno) : "another pid");
    waitpid(pid, NULL, __WALL); /* no zombie left behind */
}

static void cleanup(void)
{
    static const char *const files[] = {"noexec",    "garbage", "empty",  "truncated",
                                        "aarch64",   "i386",    "rel",    "core",
                                        "phentsize", "phnum0",  "filesz", "misaligned"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(in_tmp(files[i]));
    rmdir(tmpdir);
}

/* Parts (see test.h): lookup, format, elf, phdrs, memsz, align, e2big, efault,
 * success, exitsig. */
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], RAN_ARG) == 0)
        return RAN_STATUS; /* a broken copy of us that the kernel should have refused */
    bss_was_zero =
        all_zero(bss_first, sizeof bss_first) && all_zero(bss_big, sizeof bss_big);
    proctest_init(argv[0]);
    test_parts(argc, argv);
    self = proctest_self;
    true_path = helper_path("true");
    argecho = helper_path("argecho");
    fill_pattern();
    if (!mkdtemp(tmpdir)) {
        fail("execve_setup", "mkdtemp: %s", strerrorname(errno));
        return test_done("t_execve");
    }
    if (test_part("lookup"))
        test_lookup_errors();
    if (test_part("format"))
        test_format_errors();
    if ((test_part("elf") || test_part("phdrs") || test_part("memsz") ||
         test_part("align")) &&
        load_own_image() == 0) {
        if (test_part("elf"))
            test_elf_header();
        if (test_part("phdrs"))
            test_program_headers();
        if (test_part("memsz"))
            test_memsz();
        if (test_part("align"))
            test_segment_alignment();
    }
    if (test_part("e2big"))
        test_e2big();
    if (test_part("efault"))
        test_efault();
    if (test_part("success"))
        test_success();
    if (test_part("exitsig"))
        test_exit_signal_reset();
    cleanup();
    return test_done("t_execve");
}
