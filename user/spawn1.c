/* spawn1: one posix_spawn of `true` (found beside this program), then wait for it.
 * The smallest clone + execve there is: the program the gdb walkthrough (lab 0)
 * and the gdb check (grade/checks/gdb.sh) follow. Exits 0 if true exited 0. */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    (void)argc;
    /* "true" in the directory of argv[0]: /bin in the kernel, build/user on a host. */
    char path[256] = "true";
    const char *slash = strrchr(argv[0], '/');
    if (slash && (size_t)(slash - argv[0]) + sizeof "/true" <= sizeof path)
        snprintf(path, sizeof path, "%.*s/true", (int)(slash - argv[0]), argv[0]);

    char *child_argv[] = {"true", NULL};
    pid_t pid;
    int err = posix_spawn(&pid, path, NULL, NULL, child_argv, environ);
    if (err) {
        printf("spawn1: posix_spawn %s: %s\n", path, strerror(err));
        return 1;
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("spawn1: waitpid");
        return 1;
    }
    printf("spawn1: child %d exited with status %d\n", (int)pid,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
