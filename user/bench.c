/* bench.c: times the kernel's core paths in rdtsc ticks per operation (median of
 * BATCHES batches) and prints one "BENCH name ticks" line each. The same binary runs
 * in lark, on the Linux host, and as /init of a Linux guest (then it powers off). */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCHES 7

extern char **environ;

static char true_path[256], big_path[256]; /* the helper programs we run */

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void die(const char *what, int err)
{
    dprintf(2, "bench: %s: %s\n", what, strerror(err));
    exit(1);
}

/* Waits for pid and insists that it exited with status 0. */
static void reap(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid", errno);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        dprintf(2, "bench: child ended with wait status %#x\n", status);
        exit(1);
    }
}

/* --- the benchmarks: each runs n operations and returns the ticks they took ---- */

/* The null system call, issued directly (musl's getpid() is a wrapper). */
static uint64_t bench_getpid(long n)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++) {
        long ret;
        asm volatile("syscall"
                     : "=a"(ret)
                     : "a"((long)SYS_getpid)
                     : "rcx", "r11", "memory");
    }
    return rdtsc() - t0;
}

static uint64_t bench_spawn(long n)
{
    char *argv[] = {true_path, NULL};
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++) {
        pid_t pid;
        int err = posix_spawn(&pid, true_path, NULL, NULL, argv, environ);
        if (err)
            die(true_path, err);
        reap(pid);
    }
    return rdtsc() - t0;
}

/* vfork a child that execs path (or, with no path, just exits). The vfork is in
 * a function of its own that the child never returns from, so that the child
 * cannot clobber anything the caller keeps in its frame. */
__attribute__((noinline)) static pid_t vfork_child(const char *path)
{
    pid_t pid = vfork();
    if (pid == 0) {
        if (path) {
            char *argv[] = {(char *)path, NULL};
            execve(path, argv, environ);
            _exit(127);
        }
        _exit(0);
    }
    if (pid < 0)
        die("vfork", errno);
    return pid;
}

static uint64_t bench_vfork(long n)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++)
        reap(vfork_child(NULL));
    return rdtsc() - t0;
}

/* The child of the pipe benchmark: echoes each byte back until end of file. */
static void echo_bytes(int in, int out)
{
    char c;
    while (read(in, &c, 1) == 1)
        if (write(out, &c, 1) != 1)
            _exit(1);
    _exit(0);
}

/* One round trip: a byte to the child through one pipe, and back through another.
 * The child is started, and stopped, outside the timed loop. */
static uint64_t bench_pipe(long n)
{
    int to_child[2], from_child[2];
    if (pipe(to_child) < 0 || pipe(from_child) < 0)
        die("pipe", errno);
    pid_t pid = fork();
    if (pid < 0)
        die("fork", errno);
    if (pid == 0) {
        close(to_child[1]);
        close(from_child[0]);
        echo_bytes(to_child[0], from_child[1]);
    }
    close(to_child[0]);
    close(from_child[1]);
    char c = 'x';
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++)
        if (write(to_child[1], &c, 1) != 1 || read(from_child[0], &c, 1) != 1)
            die("pipe round trip", errno);
    uint64_t ticks = rdtsc() - t0;
    close(to_child[1]); /* the child sees end of file and exits */
    close(from_child[0]);
    reap(pid);
    return ticks;
}

/* vfork, then the child execs the 1 MiB program, which exits at once. */
static uint64_t bench_execve(long n)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++)
        reap(vfork_child(big_path));
    return rdtsc() - t0;
}

static const struct bench {
    const char *name;
    uint64_t (*run)(long n);
    long ops; /* per batch: a few milliseconds on Linux */
} benches[] = {
    {"getpid", bench_getpid, 2000}, {"spawn", bench_spawn, 20},
    {"vfork", bench_vfork, 50},     {"pipe", bench_pipe, 500},
    {"execve", bench_execve, 10},
};
#define NBENCH (int)(sizeof benches / sizeof benches[0])

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* One untimed batch to warm up (page faults, caches), then the median batch. */
static uint64_t measure(const struct bench *b)
{
    uint64_t per_op[BATCHES];
    b->run(b->ops);
    for (int i = 0; i < BATCHES; i++)
        per_op[i] = (b->run(b->ops) + b->ops / 2) / b->ops;
    qsort(per_op, BATCHES, sizeof per_op[0], compare_u64);
    return per_op[BATCHES / 2];
}

/* The helpers live beside us (build/user/ on the host, /bin/ in lark); as a Linux
 * guest's /init they are in /bin. */
static void find_helpers(const char *argv0, const char *dir)
{
    char buf[200];
    if (!dir) {
        const char *slash = strrchr(argv0, '/');
        if (getpid() == 1 || !slash)
            dir = "/bin";
        else {
            snprintf(buf, sizeof buf, "%.*s", (int)(slash - argv0), argv0);
            dir = buf;
        }
    }
    snprintf(true_path, sizeof true_path, "%s/true", dir);
    snprintf(big_path, sizeof big_path, "%s/big", dir);
}

/* As a Linux guest's /init, we may start without a console: make one. */
static void open_console_if_none(void)
{
    if (fcntl(1, F_GETFD) >= 0)
        return;
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/console", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
    }
}

static void usage(void)
{
    dprintf(2, "usage: bench [-n] [-d helper-dir] [benchmark...]\n"
               "  -n  run no benchmark (to time a boot)\n"
               "  benchmarks: getpid spawn vfork pipe execve (default: all)\n");
    exit(2);
}

static const struct bench *find_bench(const char *name)
{
    for (int i = 0; i < NBENCH; i++)
        if (strcmp(benches[i].name, name) == 0)
            return &benches[i];
    dprintf(2, "bench: no benchmark '%s'\n", name);
    usage();
    return NULL;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    bool none = false;
    int opt;
    while ((opt = getopt(argc, argv, "nd:")) != -1) {
        if (opt == 'n')
            none = true;
        else if (opt == 'd')
            dir = optarg;
        else
            usage();
    }
    if (getpid() == 1)
        open_console_if_none();
    find_helpers(argv[0], dir);

    const struct bench *chosen[NBENCH];
    int nchosen = 0;
    for (int i = optind; i < argc && nchosen < NBENCH; i++)
        chosen[nchosen++] = find_bench(argv[i]);
    for (int i = 0; !none && optind == argc && i < NBENCH; i++)
        chosen[nchosen++] = &benches[i];

    for (int i = 0; i < nchosen; i++)
        dprintf(1, "BENCH %s %llu\n", chosen[i]->name,
                (unsigned long long)measure(chosen[i]));
    dprintf(1, "DONE bench\n");

    if (getpid() == 1) { /* a Linux guest's /init: returning would panic it */
        sync();
        reboot(RB_POWER_OFF);
    }
    return 0;
}
