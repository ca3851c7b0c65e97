/* t_execve: every execve failure returns the Linux errno and leaves the caller as it
 * was (memory, files, ability to spawn), because the kernel must check everything
 * before it tears down the old image; and a successful execve passes argv/envp. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAX_ARG_STRLEN (32 * 4096) /* Linux: longest argument, counting its NUL */
#define BIG_STRING     (100 * 1024)
#define BIG_TOTAL      (64L << 20) /* argv+envp total, over any sane limit */

static char *self, *true_path, *argecho;
static char tmpdir[] = "/tmp/t_execve.XXXXXX";
static unsigned char pattern[3 * 4096]; /* must survive every failed execve */

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
    expect_fail("execve_garbage_enoexec",
                make_file("garbage", garbage, sizeof garbage, 0755), argv, envp, ENOEXEC);
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

static void test_e2big(void)
{
    char *envp[] = {NULL};
    char *too_long = string_of(MAX_ARG_STRLEN, 'L'); /* 131073 bytes with the NUL */
    char *argv1[] = {"true", too_long, NULL};
    expect_fail("execve_arg_over_max_arg_strlen_e2big", true_path, argv1, envp, E2BIG);
    char *argv_true[] = {"true", NULL};
    char *env1[] = {too_long, NULL};
    expect_fail("execve_env_over_max_arg_strlen_e2big", true_path, argv_true, env1,
                E2BIG);

    /* The longest allowed string, 131072 bytes with the NUL, must work. (With the
     * rest this is over 128 KiB in all: Linux allows a quarter of the stack rlimit,
     * 2 MiB by default, so this needs a stack rlimit of at least 1 MiB.) */
    too_long[MAX_ARG_STRLEN - 1] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        execve(true_path, argv1, envp);
        _exit(100 + errno);
    }
    int st = wait_status(pid);
    if (st == 0)
        pass("execve_arg_at_max_arg_strlen_ok");
    else if (WIFEXITED(st) && WEXITSTATUS(st) > 100)
        fail("execve_arg_at_max_arg_strlen_ok", "execve failed: %s",
             strerrorname(WEXITSTATUS(st) - 100));
    else
        fail("execve_arg_at_max_arg_strlen_ok", "expected exited 0, got %s",
             status_str(st));
    free(too_long);

    /* 64 MiB in total, the same 100 KiB string over and over. */
    char *big = string_of(BIG_STRING - 1, 'B');
    size_t n = BIG_TOTAL / BIG_STRING + 2;
    char **argv = calloc(n + 2, sizeof *argv);
    argv[0] = "true";
    for (size_t i = 1; i <= n; i++)
        argv[i] = big;
    expect_fail("execve_argv_total_too_big_e2big", true_path, argv, envp, E2BIG);
    char **env = argv + n / 2;
    argv[n / 2] = NULL; /* half the strings in argv, half in envp */
    env[0] = big;
    expect_fail("execve_argv_envp_total_too_big_e2big", true_path, argv, env, E2BIG);
    free(argv);
    free(big);
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

static void cleanup(void)
{
    static const char *const files[] = {"noexec", "garbage", "empty", "truncated"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(in_tmp(files[i]));
    rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    (void)argc;
    proctest_init(argv[0]);
    self = proctest_self;
    true_path = helper_path("true");
    argecho = helper_path("argecho");
    fill_pattern();
    if (!mkdtemp(tmpdir)) {
        fail("execve_setup", "mkdtemp: %s", strerrorname(errno));
        return test_done("t_execve");
    }
    test_lookup_errors();
    test_format_errors();
    test_e2big();
    test_efault();
    test_success();
    cleanup();
    return test_done("t_execve");
}
