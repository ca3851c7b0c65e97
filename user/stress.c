/* stress: SMP stress with leak checks. At once: several spawner processes doing
 * posix_spawn + waitpid of /bin/true (10,000 in all by default; every 50th spawn is
 * of a program that faults), and pairs of processes passing a counter back and forth
 * through two pipes (on several CPUs, a lost wake-up hangs a pair). Everything must
 * finish within a time limit, and on lark the kernel's counters (/proc/kstat) must be
 * back where they were.   stress [-n SPAWNS] [-s SPAWNERS] [-p PAIRS] [-r ROUNDS] [-t SECS] */
#include "test.h"
#include "proctest.h"
#include "kstat.h"
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_KIDS    32
#define FAULT_EVERY 50

struct options {
    int spawns, spawners, pairs, rounds, seconds;
};

/* Exit statuses of the stress processes (besides 0). */
enum { BAD_TRUE = 10, BAD_CRASH, SPAWN_FAILED, PIPE_BROKEN, PIPE_WRONG_VALUE };

static const char *what_failed(int code)
{
    switch (code) {
    case BAD_TRUE:
        return "true did not exit 0";
    case BAD_CRASH:
        return "crash was not killed by SIGSEGV";
    case SPAWN_FAILED:
        return "posix_spawn failed";
    case PIPE_BROKEN:
        return "a pipe read or write failed";
    case PIPE_WRONG_VALUE:
        return "a counter came back wrong through the pipes";
    default:
        return "unexpected exit";
    }
}

/* n spawns of true (every FAULT_EVERY-th one: crash), each waited for. */
__attribute__((noreturn)) static void spawner(int n, int first)
{
    char *true_argv[] = {"true", NULL}, *crash_argv[] = {"crash", NULL}, *envp[] = {NULL};
    char *true_path = helper_path("true"), *crash_path = helper_path("crash");
    for (int i = first; i < first + n; i++) {
        int crash = i % FAULT_EVERY == FAULT_EVERY - 1;
        int err;
        int st = spawn_wait(crash ? crash_path : true_path,
                            crash ? crash_argv : true_argv, envp, &err);
        if (err)
            _exit(SPAWN_FAILED);
        if (crash && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV))
            _exit(BAD_CRASH);
        if (!crash && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
            _exit(BAD_TRUE);
    }
    _exit(0);
}

/* One side of a ping-pong: read a counter, check it, send it on plus one. */
__attribute__((noreturn)) static void player(int in, int out, int rounds, long first)
{
    long expect = 0;
    if (first) {
        if (write(out, &expect, sizeof expect) != sizeof expect)
            _exit(PIPE_BROKEN);
        expect = 1;
    }
    for (int i = 0; i < rounds; i++) {
        long v;
        if (read_all(in, &v, sizeof v) != sizeof v)
            _exit(PIPE_BROKEN);
        if (v != expect)
            _exit(PIPE_WRONG_VALUE);
        v++;
        if (i + 1 < rounds || !first) /* the last value goes nowhere */
            if (write(out, &v, sizeof v) != sizeof v)
                _exit(PIPE_BROKEN);
        expect = v + 1;
    }
    _exit(0);
}

struct kid {
    pid_t pid;
    char what[32];
};

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int start(struct kid *k, const char *what, int i)
{
    snprintf(k->what, sizeof k->what, "%s %d", what, i);
    k->pid = fork();
    return k->pid;
}

static void start_pair(struct kid *a, struct kid *b, int i, int rounds)
{
    int ab[2], ba[2];
    if (pipe(ab) != 0 || pipe(ba) != 0)
        _exit(95);
    /* Each keeps only its own ends: if the other dies, it sees EOF, not a hang. */
    if (start(a, "ping-pong pair, first", i) == 0) {
        close(ab[0]), close(ba[1]);
        player(ba[0], ab[1], rounds, 1);
    }
    if (start(b, "ping-pong pair, second", i) == 0) {
        close(ba[0]), close(ab[1]);
        player(ab[0], ba[1], rounds, 0);
    }
    close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
}

/* Wait for every kid, for at most o->seconds; on time out, say who is still running
 * (a deadlock or a lost wake-up) and kill them. */
static void wait_all(struct kid *kids, int n, const struct options *o)
{
    long deadline = now_ms() + o->seconds * 1000L;
    int left = n, bad = 0;
    char why[160] = "";
    struct timespec tick = {0, 5 * 1000 * 1000};
    while (left > 0 && now_ms() < deadline) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0) {
            nanosleep(&tick, NULL);
            continue;
        }
        for (int i = 0; i < n; i++) {
            if (kids[i].pid != pid)
                continue;
            kids[i].pid = 0;
            left--;
            if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !bad++)
                snprintf(why, sizeof why, "%s: %s (%s)", kids[i].what,
                         WIFEXITED(st) ? what_failed(WEXITSTATUS(st)) : "killed",
                         status_str(st));
        }
    }
    if (left == 0) {
        pass("stress_finished_in_time");
    } else {
        for (int i = 0; i < n; i++)
            if (kids[i].pid) {
                fail("stress_finished_in_time", "%s still running after %d s",
                     kids[i].what, o->seconds);
                kill(kids[i].pid, SIGKILL);
                wait_status(kids[i].pid);
            }
    }
    if (bad)
        fail("stress_all_succeeded", "%d failed; first: %s", bad, why);
    else
        pass("stress_all_succeeded");
}

static void stress(void *arg)
{
    const struct options *o = arg;
    struct kid kids[MAX_KIDS] = {0};
    int n = 0;
    long t0 = now_ms();
    for (int i = 0; i < o->spawners; i++) {
        int share = o->spawns / o->spawners + (i < o->spawns % o->spawners);
        if (start(&kids[n++], "spawner", i) == 0)
            spawner(share, i * share);
    }
    for (int i = 0; i < o->pairs; i++, n += 2)
        start_pair(&kids[n], &kids[n + 1], i, o->rounds);
    wait_all(kids, n, o);
    check_errno("stress_every_child_reaped", waitpid(-1, NULL, WNOHANG), ECHILD);
    printf("stress: %d spawns (%d of a faulting program) by %d processes, %d pipe round "
           "trips by %d pairs, in %ld ms\n",
           o->spawns, o->spawns / FAULT_EVERY, o->spawners, o->rounds * o->pairs,
           o->pairs, now_ms() - t0);
}

int main(int argc, char **argv)
{
    struct options o = {
        .spawns = 10000, .spawners = 4, .pairs = 2, .rounds = 5000, .seconds = 300};
    int c;
    while ((c = getopt(argc, argv, "n:s:p:r:t:")) != -1) {
        int v = atoi(optarg);
        if (c == 'n')
            o.spawns = v;
        else if (c == 's')
            o.spawners = v;
        else if (c == 'p')
            o.pairs = v;
        else if (c == 'r')
            o.rounds = v;
        else if (c == 't')
            o.seconds = v;
        else
            return 2;
    }
    if (o.spawners < 1 || o.spawners + 2 * o.pairs > MAX_KIDS || o.rounds < 1) {
        fprintf(stderr, "usage: stress [-n SPAWNS] [-s SPAWNERS] [-p PAIRS] [-r ROUNDS] "
                        "[-t SECS]\n");
        return 2;
    }
    proctest_init(argv[0]);
    setvbuf(stdout, NULL, _IONBF, 0);
    struct rlimit zero = {0, 0}; /* crash dumps no core on the host */
    setrlimit(RLIMIT_CORE, &zero);
    run_leak_checked("stress_no_leaks", stress, &o);
    return test_done("stress");
}
