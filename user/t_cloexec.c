/* t_cloexec: execve closes exactly the descriptors marked close-on-exec (O_CLOEXEC,
 * pipe2, fcntl F_SETFD, dup3, F_DUPFD_CLOEXEC) and keeps the rest; fork keeps all.
 * The helper fdcheck reports in its exit status which fds it found open. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <fcntl.h>

static char *fdcheck;

/* fdcheck's argv for fds[0..n): "fdcheck", then each fd as a number. */
static void fdcheck_argv(char *argv[9], char nums[7][12], const int *fds, int n)
{
    argv[0] = "fdcheck";
    for (int i = 0; i < n; i++) {
        snprintf(nums[i], sizeof nums[i], "%d", fds[i]);
        argv[i + 1] = nums[i];
    }
    argv[n + 1] = NULL;
}

/* Run fdcheck on fds[0..n) via fork+execve; its bitmask of open fds, or -1. */
static int open_after_execve(const int *fds, int n)
{
    char nums[7][12], *argv[9];
    fdcheck_argv(argv, nums, fds, n);
    char *envp[] = {NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execve(fdcheck, argv, envp);
        _exit(255);
    }
    int st = wait_status(pid);
    return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 255 ? WEXITSTATUS(st) : -1;
}

/* Same through posix_spawn (musl: CLONE_VM|CLONE_VFORK child + execve). */
static int open_after_spawn(const int *fds, int n)
{
    char nums[7][12], *argv[9];
    fdcheck_argv(argv, nums, fds, n);
    char *envp[] = {NULL};
    int st = spawn_wait(fdcheck, argv, envp, NULL);
    return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 255 ? WEXITSTATUS(st) : -1;
}

static void check_mask(const char *name, int got, int want, const char *legend)
{
    if (got == want)
        pass(name);
    else
        fail(name, "expected open-fd mask %#x, got %#x (bits: %s)", want, got, legend);
}

static void test_flags_reported(int plain, int cloexec)
{
    check_long("open_without_cloexec_f_getfd_0", fcntl(plain, F_GETFD), 0);
    check_long("open_o_cloexec_f_getfd_cloexec", fcntl(cloexec, F_GETFD), FD_CLOEXEC);
}

int main(int argc, char **argv)
{
    (void)argc;
    proctest_init(argv[0]);
    fdcheck = helper_path("fdcheck");

    int plain = open(proctest_self, O_RDONLY);
    int cloexec = open(proctest_self, O_RDONLY | O_CLOEXEC);
    int p[2], q[2];
    if (plain < 0 || cloexec < 0 || pipe(p) != 0 || pipe2(q, O_CLOEXEC) != 0) {
        fail("cloexec_setup", "open/pipe: %s", strerrorname(errno));
        return test_done("t_cloexec");
    }
    test_flags_reported(plain, cloexec);
    check_long("pipe2_o_cloexec_f_getfd_cloexec",
               fcntl(q[0], F_GETFD) & fcntl(q[1], F_GETFD), FD_CLOEXEC);

    /* fds: plain, cloexec, pipe r/w, pipe2(O_CLOEXEC) r/w, and stdout. */
    int fds[] = {plain, cloexec, p[0], p[1], q[0], q[1], 1};
    const char *legend =
        "0 open, 1 open(O_CLOEXEC), 2-3 pipe, 4-5 pipe2(O_CLOEXEC), 6 fd 1";
    check_mask("execve_closes_only_cloexec_fds", open_after_execve(fds, 7), 0x4d, legend);
    check_mask("posix_spawn_keeps_non_cloexec_fds", open_after_spawn(fds, 7), 0x4d,
               legend);

    /* fork keeps every fd, close-on-exec or not, with its flag. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(fcntl(cloexec, F_GETFD) == FD_CLOEXEC && fcntl(plain, F_GETFD) == 0 &&
                      fcntl(q[1], F_GETFD) == FD_CLOEXEC
                  ? 0
                  : 1);
    check_exited("fork_keeps_cloexec_fds_and_flags", wait_status(pid), 0);

    /* F_SETFD both ways, dup (clears the flag), dup3 and F_DUPFD_CLOEXEC (set it). */
    check_long("fcntl_f_setfd_cloexec_ok", fcntl(plain, F_SETFD, FD_CLOEXEC), 0);
    check_long("fcntl_f_setfd_cloexec_reads_back", fcntl(plain, F_GETFD), FD_CLOEXEC);
    check_long("fcntl_f_setfd_0_ok", fcntl(cloexec, F_SETFD, 0), 0);
    int dup_plain = dup(plain);              /* from a close-on-exec fd: flag cleared */
    int dup3_ce = dup3(p[0], 40, O_CLOEXEC); /* from a plain fd: flag set */
    int dupfd_ce = fcntl(p[1], F_DUPFD_CLOEXEC, 50);
    check_long("dup_clears_cloexec", fcntl(dup_plain, F_GETFD), 0);
    check_long("dup3_o_cloexec_sets_cloexec", fcntl(dup3_ce, F_GETFD), FD_CLOEXEC);
    check_long("f_dupfd_cloexec_sets_cloexec", fcntl(dupfd_ce, F_GETFD), FD_CLOEXEC);
    int fds2[] = {plain, cloexec, dup_plain, dup3_ce, dupfd_ce, p[0], p[1]};
    const char *legend2 =
        "0 F_SETFD(FD_CLOEXEC), 1 F_SETFD(0), 2 dup, 3 dup3(O_CLOEXEC), "
        "4 F_DUPFD_CLOEXEC, 5-6 pipe";
    check_mask("execve_honours_f_setfd_and_dups", open_after_execve(fds2, 7), 0x66,
               legend2);
    check_mask("posix_spawn_honours_f_setfd_and_dups", open_after_spawn(fds2, 7), 0x66,
               legend2);
    return test_done("t_cloexec");
}
