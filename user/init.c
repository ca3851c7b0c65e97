/* init.c: lark's first process (PID 1). Starts one program (the kernel command
 * line's words after "--", or /bin/sh), reaps every child until that program
 * exits, then exits with its status; the kernel powers off with that status. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Short names of the standard signals (x86-64 Linux numbering). */
static const char *const signal_names[] = {
    [SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
    [SIGILL] = "SIGILL",       [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
    [SIGBUS] = "SIGBUS",       [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
    [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
    [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
    [SIGSTOP] = "SIGSTOP",     [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
    [SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",
    [SIGXFSZ] = "SIGXFSZ",     [SIGPROF] = "SIGPROF", [SIGVTALRM] = "SIGVTALRM",
    [SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",
    [SIGSYS] = "SIGSYS",
};

static const char *signal_name(int sig)
{
    if (sig > 0 && sig < (int)(sizeof signal_names / sizeof signal_names[0]) &&
        signal_names[sig])
        return signal_names[sig];
    return "unknown";
}

/* Starts argv[0] with our environment; a name without '/' is searched in PATH. */
static int start(char **argv, pid_t *pid)
{
    if (strchr(argv[0], '/'))
        return posix_spawn(pid, argv[0], NULL, NULL, argv, environ);
    return posix_spawnp(pid, argv[0], NULL, NULL, argv, environ);
}

/* Waits until `child` exits, reaping every other process along the way: the
 * kernel re-parents orphans to init, and only init can free their zombies. */
static int wait_for(pid_t child)
{
    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid == child)
            return status;
        if (pid < 0 && errno != EINTR) {
            dprintf(2, "init: wait: %s\n", strerror(errno));
            return 127 << 8; /* as if the program had exited with 127 */
        }
    }
}

int main(int argc, char **argv)
{
    static char *default_argv[] = {"/bin/sh", NULL};
    char **prog_argv = argc > 1 ? argv + 1 : default_argv;

    /* The kernel gives us only what its command line said; fill in the basics. */
    setenv("PATH", "/bin", 0);
    setenv("HOME", "/", 0);

    pid_t child;
    int err = start(prog_argv, &child);
    if (err) {
        dprintf(2, "init: cannot run %s: %s\n", prog_argv[0], strerror(err));
        return 127;
    }

    int status = wait_for(child);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        dprintf(2, "init: %s killed by signal %d (%s)\n", prog_argv[0], sig,
                signal_name(sig));
        return 128 + sig;
    }
    dprintf(2, "init: %s exited with status %d\n", prog_argv[0], WEXITSTATUS(status));
    return WEXITSTATUS(status);
}
