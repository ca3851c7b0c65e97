/* t_spawn: posix_spawn (musl: clone(CLONE_VM|CLONE_VFORK) + execve) end to end: exit
 * statuses 0..255 come back exactly, a missing program gives ENOENT, and argv/envp
 * arrive byte for byte (empty, long, many, and unusual strings). */
#include "test.h"
#include "proctest.h"
#include <fcntl.h>

#define LONG_STRING (100 * 1024) /* below Linux's 128 KiB per-string limit */
#define LONG_ENV    (16 * 1024)
#define MANY_ARGS   1000

static char *argecho;

static void test_true(void)
{
    char *path = helper_path("true");
    char *argv[] = {"true", NULL};
    char *envp[] = {NULL};
    pid_t pid = -1;
    int err = posix_spawn(&pid, path, NULL, NULL, argv, envp);
    check_long("spawn_true_returns_0", err, 0);
    check("spawn_true_pid_positive", pid > 0, "expected a positive child pid");
    int st = -1;
    check_long("spawn_true_waitpid_returns_pid", waitpid(pid, &st, 0), pid);
    check_exited("spawn_true_exits_0", st, 0);
}

/* exitcode N for every N: the kernel must keep the low 8 bits of exit's argument. */
static void test_exit_codes(void)
{
    char *path = helper_path("exitcode");
    char *envp[] = {NULL};
    int bad = 0;
    for (int code = 0; code <= 255; code++) {
        char num[8];
        snprintf(num, sizeof num, "%d", code);
        char *argv[] = {"exitcode", num, NULL};
        int st = spawn_wait(path, argv, envp, NULL);
        if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != code) {
            fail("spawn_exit_codes_0_to_255", "exitcode %d: got %s", code,
                 status_str(st));
            bad = 1;
            break;
        }
    }
    if (!bad)
        pass("spawn_exit_codes_0_to_255");
}

static void test_missing(void)
{
    char *path = helper_path("no-such-program");
    char *argv[] = {"no-such-program", NULL};
    char *envp[] = {NULL};
    pid_t pid = -1;
    int err = posix_spawn(&pid, path, NULL, NULL, argv, envp);
    if (err == ENOENT)
        pass("spawn_missing_file_enoent");
    else
        fail("spawn_missing_file_enoent", "expected ENOENT, got %s", strerrorname(err));
    /* musl reaps the failed child itself: there must be nothing left to wait for. */
    check_errno("spawn_missing_file_leaves_no_child", waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* Spawn argecho with argv/envp and compare what it reports with what we passed. */
static void echo_check(const char *name, char *const argv[], char *const envp[])
{
    size_t alen = pack_strings(argv, NULL), elen = pack_strings(envp, NULL);
    char *want = malloc(alen + elen), *got = malloc(alen + elen + 1);
    int p[2];
    if (!want || !got || pipe2(p, O_CLOEXEC) != 0) {
        fail(name, "test setup failed: %s", strerrorname(errno));
        return;
    }
    pack_strings(argv, want);
    pack_strings(envp, want + alen);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid;
    int err = posix_spawn(&pid, argecho, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    long n = err ? -1 : read_all(p[0], got, alen + elen + 1);
    close(p[0]);
    int st = err ? -1 : wait_status(pid);

    if (err)
        fail(name, "posix_spawn failed: %s", strerrorname(err));
    else if (st != 0)
        fail(name, "expected argecho to exit 0, got %s", status_str(st));
    else if (n != (long)(alen + elen))
        fail(name, "expected %zu bytes of argv+envp back, got %ld", alen + elen, n);
    else if (memcmp(got, want, alen) != 0)
        fail(name, "argv differs from what was passed");
    else if (memcmp(got + alen, want + alen, elen) != 0)
        fail(name, "envp differs from what was passed");
    else
        pass(name);
    free(want);
    free(got);
}

static void test_args_simple(void)
{
    char *argv[] = {"argecho", "one", "two", NULL};
    char *envp[] = {"A=1", "B=2", NULL};
    echo_check("spawn_argv_envp_simple", argv, envp);
    char *argv0[] = {"argecho", NULL};
    char *env0[] = {NULL};
    echo_check("spawn_envp_empty", argv0, env0);
}

static void test_args_empty_strings(void)
{
    char *argv[] = {"argecho", "", "x", "", "", NULL};
    char *envp[] = {"", "EMPTY=", "=", "NOEQUALS", "", NULL};
    echo_check("spawn_argv_envp_empty_strings", argv, envp);
}

/* 100 KiB in argv and 16 KiB in envp: together still under ARG_MAX (128 KiB), the
 * least Linux accepts whatever the stack rlimit. */
static void test_args_long(void)
{
    char *s = malloc(LONG_STRING + 1), *e = malloc(LONG_ENV + 1);
    for (int i = 0; i < LONG_STRING; i++)
        s[i] = 'a' + i % 26;
    for (int i = 0; i < LONG_ENV; i++)
        e[i] = 'A' + i % 23;
    s[LONG_STRING] = e[LONG_ENV] = 0;
    memcpy(e, "LONG=", 5);
    char *argv[] = {"argecho", "before", s, "after", NULL};
    char *envp[] = {"X=1", e, "Y=2", NULL};
    echo_check("spawn_argv_envp_100k_string", argv, envp);
    free(s);
    free(e);
}

static void test_args_many(void)
{
    char **argv = calloc(MANY_ARGS + 2, sizeof *argv);
    char **envp = calloc(MANY_ARGS + 1, sizeof *envp);
    argv[0] = "argecho";
    for (int i = 0; i < MANY_ARGS; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "arg%d", i * 7919);
        argv[i + 1] = strdup(buf);
        snprintf(buf, sizeof buf, "VAR%d=%d", i, i * 31);
        envp[i] = strdup(buf);
    }
    echo_check("spawn_argv_envp_1000_strings", argv, envp);
    for (int i = 0; i < MANY_ARGS; i++) {
        free(argv[i + 1]);
        free(envp[i]);
    }
    free(argv);
    free(envp);
}

/* Every byte value 1..255 (NUL ends a string), quotes, spaces, newlines. */
static void test_args_special(void)
{
    char all[256];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = 0;
    char *argv[] = {"argecho",
                    all,
                    " lead and trail ",
                    "'\"\\$`*?[]{}~!#;&|<>()",
                    "line1\nline2\r\n\t",
                    "\xff\xfe\x80",
                    "\xe2\x82\xac",
                    NULL};
    char *envp[] = {all, "SPACES= a b ", "NL=x\ny", NULL};
    echo_check("spawn_argv_envp_special_bytes", argv, envp);
}

/* Parts (see test.h): true, codes, missing, args. */
int main(int argc, char **argv)
{
    proctest_init(argv[0]);
    test_parts(argc, argv);
    argecho = helper_path("argecho");
    if (test_part("true"))
        test_true();
    if (test_part("codes"))
        test_exit_codes();
    if (test_part("missing"))
        test_missing();
    if (test_part("args")) {
        test_args_simple();
        test_args_empty_strings();
        test_args_long();
        test_args_many();
        test_args_special();
    }
    return test_done("t_spawn");
}
