/* timeit.c: a host tool for make bench. Runs a command several times and prints the
 * median wall-clock time in seconds (POSIX sh has no sub-second clock); gives up
 * on a run that outlives a time limit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 100

static void usage(void)
{
    fprintf(
        stderr,
        "usage: timeit [-q] [-n RUNS] [-t SECS] [-x STATUS | -a] [--] command [arg...]\n"
        "  prints the median wall time of RUNS runs (default 1) in seconds;\n"
        "  fails if a run exits with a status other than STATUS (default 0;\n"
        "  -a: any status) or runs longer than SECS seconds (default 600);\n"
        "  -q: the command's output goes to /dev/null\n");
    exit(2);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
}

/* Runs argv once (its output to /dev/null if quiet); returns its wait status, or
 * -1 if it had to be killed. */
static int run_once(char **argv, unsigned limit, int quiet)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("timeit: fork");
        exit(2);
    }
    if (pid == 0) {
        if (quiet) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    timed_out = 0;
    alarm(limit);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
        if (timed_out)
            kill(pid, SIGKILL); /* then the next waitpid reaps it */
    }
    alarm(0);
    return timed_out ? -1 : status;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int runs = 1, want = 0, any = 0, quiet = 0;
    unsigned limit = 600;
    int opt;
    while ((opt = getopt(argc, argv, "+n:t:x:aq")) != -1) {
        if (opt == 'n')
            runs = atoi(optarg);
        else if (opt == 't')
            limit = (unsigned)atoi(optarg);
        else if (opt == 'x')
            want = atoi(optarg);
        else if (opt == 'q')
            quiet = 1;
        else if (opt == 'a')
            any = 1;
        else
            usage();
    }
    if (optind == argc || runs < 1 || runs > MAX_RUNS || limit < 1)
        usage();

    /* No SA_RESTART: the alarm must interrupt waitpid. */
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);

    double times[MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        double t0 = now();
        int status = run_once(argv + optind, limit, quiet);
        times[i] = now() - t0;
        if (status < 0) {
            fprintf(stderr, "timeit: %s: still running after %u s; killed\n",
                    argv[optind], limit);
            return 1;
        }
        if (!any && !(WIFEXITED(status) && WEXITSTATUS(status) == want)) {
            fprintf(stderr, "timeit: %s: wait status %#x, expected exit status %d\n",
                    argv[optind], status, want);
            return 1;
        }
    }
    qsort(times, runs, sizeof times[0], compare_double);
    printf("%.3f\n", times[runs / 2]);
    return 0;
}
