/* t_inherit: what a child created by clone (here fork: SIGCHLD only) inherits from its
 * parent besides registers and memory: open files (sharing their offsets), the working
 * directory, signal actions and the signal mask. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

/* What the child found, one bit per check (its exit status). */
enum {
    SAW_PIPE = 1,
    SAW_CWD = 2,
    SAW_IGNORED_SIGNAL = 4,
    SAW_HANDLER = 8,
    SAW_MASK = 16,
};

static char tmpdir[] = "/tmp/t_inherit.XXXXXX";
static void on_usr2(int sig)
{
    (void)sig;
}

/* In the child: look at everything it should have inherited. */
static int child_checks(int pipe_out, int file)
{
    int saw = 0;
    if (write(pipe_out, "c", 1) == 1)
        saw |= SAW_PIPE;
    if (write(file, "child", 5) != 5) /* at the parent's offset, which moves for both */
        saw &= ~SAW_PIPE;
    char cwd[256];
    if (getcwd(cwd, sizeof cwd) && strcmp(cwd, tmpdir) == 0)
        saw |= SAW_CWD;
    raise(SIGUSR1); /* ignored: we survive it */
    saw |= SAW_IGNORED_SIGNAL;
    struct sigaction sa;
    if (sigaction(SIGUSR2, NULL, &sa) == 0 && sa.sa_handler == on_usr2)
        saw |= SAW_HANDLER;
    sigset_t mask;
    if (sigprocmask(SIG_SETMASK, NULL, &mask) == 0 && sigismember(&mask, SIGTERM))
        saw |= SAW_MASK;
    return saw;
}

int main(void)
{
    int p[2];
    if (!mkdtemp(tmpdir) || pipe(p) != 0 || chdir(tmpdir) != 0) {
        fail("inherit_setup", "mkdtemp/pipe/chdir: %s", strerrorname(errno));
        return test_done("t_inherit");
    }
    int file = open("f", O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (file < 0 || write(file, "parent", 6) != 6) {
        fail("inherit_setup", "open/write: %s", strerrorname(errno));
        return test_done("t_inherit");
    }
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, on_usr2);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);

    pid_t pid = fork();
    if (pid == 0)
        _exit(child_checks(p[1], file));
    int st = wait_status(pid);
    int saw = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : 0;
    char c = 0;
    close(p[1]);
    check("clone_child_inherits_fds",
          (saw & SAW_PIPE) && read(p[0], &c, 1) == 1 && c == 'c',
          "expected the child to write to the parent's pipe and file");
    check_long("clone_child_shares_file_offset", lseek(file, 0, SEEK_CUR), 11);
    check("clone_child_inherits_cwd", saw & SAW_CWD,
          "expected getcwd() in the child to be the parent's directory");
    check("clone_child_inherits_ignored_signals", st != -1 && WIFEXITED(st),
          "expected the child to survive raising a signal the parent ignores");
    check("clone_child_inherits_signal_handlers", saw & SAW_HANDLER,
          "expected the parent's SIGUSR2 handler in the child");
    check("clone_child_inherits_signal_mask", saw & SAW_MASK,
          "expected SIGTERM blocked in the child, as in the parent");

    sigprocmask(SIG_SETMASK, &old, NULL);
    close(p[0]);
    close(file);
    unlink("f");
    if (chdir("/") != 0 || rmdir(tmpdir) != 0)
        fail("inherit_cleanup", "rmdir %s: %s", tmpdir, strerrorname(errno));
    return test_done("t_inherit");
}
