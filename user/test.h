/* test.h: check helpers for the t_*.c test programs. Each check prints one line,
 * "PASS name" or "FAIL name: expected X, got Y", straight to fd 1 (no stdio buffer,
 * so lines survive vfork children and crashes). Every test also passes on Linux. */
#pragma once
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The symbolic name of an errno value, for failure messages. */
static inline const char *strerrorname(int e)
{
    static const struct {
        int num;
        const char *name;
    } names[] = {
        {0, "0"},
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},
        {EINTR, "EINTR"},
        {EIO, "EIO"},
        {ENXIO, "ENXIO"},
        {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"},
        {EBADF, "EBADF"},
        {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"},
        {ENODEV, "ENODEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {ENFILE, "ENFILE"},
        {EMFILE, "EMFILE"},
        {ENOTTY, "ENOTTY"},
        {ETXTBSY, "ETXTBSY"},
        {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"},
        {ESPIPE, "ESPIPE"},
        {EROFS, "EROFS"},
        {EMLINK, "EMLINK"},
        {EPIPE, "EPIPE"},
        {EDOM, "EDOM"},
        {ERANGE, "ERANGE"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},
        {ENOTEMPTY, "ENOTEMPTY"},
        {ELOOP, "ELOOP"},
        {EOVERFLOW, "EOVERFLOW"},
        {ENOTSUP, "ENOTSUP"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].num == e)
            return names[i].name;
    static char buf[16];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

static int test_checks, test_failed;

/* Under the grader, GRADE_TOKEN is set: every result line ends with it, so the
 * grader knows the line came from this run of the real test program. */
static inline const char *test_token(void)
{
    const char *t = getenv("GRADE_TOKEN");
    return t ? t : "";
}

static void test_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void test_line(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 40, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n > (int)sizeof buf - 41)
        n = sizeof buf - 41;
    const char *tok = test_token();
    if (*tok)
        n += snprintf(buf + n, 40, " [%.30s]", tok);
    buf[n++] = '\n';
    if (write(1, buf, n) < 0)
        _exit(99);
}

static inline void pass(const char *name)
{
    test_checks++;
    test_line("PASS %s", name);
}

/* fail("name", "expected %d, got %d", a, b) */
static void fail(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void fail(const char *name, const char *fmt, ...)
{
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    test_checks++;
    test_failed++;
    test_line("FAIL %s: %s", name, why);
}

/* Check that got == want for integers. */
static inline void check_long(const char *name, long got, long want)
{
    if (got == want)
        pass(name);
    else
        fail(name, "expected %ld, got %ld", want, got);
}

/* Check that string got equals want (got may be NULL). */
static inline void check_str(const char *name, const char *got, const char *want)
{
    if (got && strcmp(got, want) == 0)
        pass(name);
    else
        fail(name, "expected \"%s\", got \"%s\"", want, got ? got : "(null)");
}

/* Check a condition; `what` says what was expected, e.g. "expected buffer unchanged". */
static inline void check(const char *name, int ok, const char *what)
{
    if (ok)
        pass(name);
    else
        fail(name, "%s", what);
}

/* Check that a libc call failed with -1 and the given errno. */
static inline void check_errno(const char *name, long ret, int want_errno)
{
    int e = errno;
    if (ret == -1 && e == want_errno)
        pass(name);
    else if (ret == -1)
        fail(name, "expected -1 with errno %s, got errno %s", strerrorname(want_errno),
             strerrorname(e));
    else
        fail(name, "expected -1 with errno %s, got %ld", strerrorname(want_errno), ret);
}

/* Check a raw syscall return value (negative errno convention, see sys.h). */
static inline void check_raw_errno(const char *name, long ret, int want_errno)
{
    if (ret == -want_errno)
        pass(name);
    else
        fail(name, "expected -%s, got %ld", strerrorname(want_errno), ret);
}

/* Parts: a program whose checks come in named parts runs only the parts named by its
 * arguments (`t_vfork exit kill`), or all of them without arguments. The grader runs
 * one part per test: quicker, and a hang in one part cannot fail another test. */
static int test_nparts;
static char **test_partv;

static inline void test_parts(int argc, char **argv)
{
    test_nparts = argc - 1;
    test_partv = argv + 1;
}

static inline int test_part(const char *name)
{
    for (int i = 0; i < test_nparts; i++)
        if (strcmp(test_partv[i], name) == 0)
            return 1;
    return test_nparts == 0;
}

/* Print the summary line and return the exit status for main. */
static inline int test_done(const char *prog)
{
    test_line("DONE %s: %d checks, %d failed", prog, test_checks, test_failed);
    return test_failed ? 1 : 0;
}
