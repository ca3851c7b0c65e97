/* elfrun: runs every file of the hostile ELF corpus (mkfs/mkelf.c) and says what
 * execve did with it: its errno, or how the process ended when execve succeeded.
 *   elfrun -p DIR          print "case result" for each file of DIR (makes the table)
 *   elfrun DIR TABLE       check each case of TABLE (grade/elf.expected) in DIR
 * Each file is run twice: exec'd in a forked child (which then checks that a failed
 * execve left its memory intact) and with posix_spawn (a vfork-style child that
 * shares our memory until its exec). */
#include "test.h"
#include "proctest.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define PATTERN    0x5a
#define MAX_CASES  256
#define RESULT_MAX 48

static unsigned char static_pattern[8192];
static unsigned char *heap_pattern;
static int memory_broken; /* a child found its memory changed by a failed execve */
static char broken_case[64];

static void fill_pattern(void)
{
    memset(static_pattern, PATTERN, sizeof static_pattern);
    heap_pattern = malloc(8192);
    if (!heap_pattern)
        _exit(98);
    memset(heap_pattern, PATTERN, 8192);
}

static int pattern_intact(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != PATTERN)
            return 0;
    return 1;
}

static const char *signal_short(int sig)
{
    static const char *const names[] = {
        [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
        [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
        [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
        [SIGSEGV] = "SIGSEGV", [SIGPIPE] = "SIGPIPE", [SIGTERM] = "SIGTERM",
    };
    if (sig > 0 && sig < (int)(sizeof names / sizeof names[0]) && names[sig])
        return names[sig];
    static char buf[16];
    snprintf(buf, sizeof buf, "signal%d", sig);
    return buf;
}

/* "exited N" or "killed SIGX" for a wait status. */
static void describe_status(int st, char *out)
{
    if (st == -1)
        snprintf(out, RESULT_MAX, "wait-failed");
    else if (WIFEXITED(st))
        snprintf(out, RESULT_MAX, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(out, RESULT_MAX, "killed %s", signal_short(WTERMSIG(st)));
    else
        snprintf(out, RESULT_MAX, "status 0x%x", st);
}

/* In a child about to run a file that may crash: no core file. */
static void no_core_dumps(void)
{
    struct rlimit zero = {0, 0};
    setrlimit(RLIMIT_CORE, &zero);
    prctl(PR_SET_DUMPABLE, 0);
}

/* What the forked child sends back when execve fails. */
struct exec_failure {
    int err;
    int intact;
};

/* Run `name` (in the current directory) by fork + execve. */
static void run_forked(const char *name, char *out)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(out, RESULT_MAX, "pipe-failed");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        no_core_dumps();
        unsigned char stack_pattern[4096];
        memset(stack_pattern, PATTERN, sizeof stack_pattern);
        char *argv[] = {(char *)name, NULL};
        char *envp[] = {"ELFRUN=1", NULL};
        execve(name, argv, envp);
        struct exec_failure f = {errno, 1};
        f.intact = pattern_intact(static_pattern, sizeof static_pattern) &&
                   pattern_intact(heap_pattern, 8192) &&
                   pattern_intact(stack_pattern, sizeof stack_pattern) &&
                   strcmp(argv[0], name) == 0;
        if (write(fds[1], &f, sizeof f) != sizeof f)
            _exit(97);
        _exit(0);
    }
    close(fds[1]);
    struct exec_failure f;
    long got = pid > 0 ? read_all(fds[0], &f, sizeof f) : -1;
    close(fds[0]);
    int st = pid > 0 ? wait_status(pid) : -1;
    if (got == sizeof f) {
        snprintf(out, RESULT_MAX, "%s", strerrorname(f.err));
        if (!f.intact && !memory_broken) {
            memory_broken = 1;
            snprintf(broken_case, sizeof broken_case, "%s", name);
        }
    } else {
        describe_status(st, out);
    }
}

/* Run `name` with posix_spawn: its error, or how the child ended. */
static void run_spawned(const char *name, char *out)
{
    char *argv[] = {(char *)name, NULL};
    char *envp[] = {"ELFRUN=1", NULL};
    pid_t pid;
    /* The child may crash: a core file is not wanted (the limit is inherited). */
    struct rlimit old, zero = {0, 0};
    getrlimit(RLIMIT_CORE, &old);
    setrlimit(RLIMIT_CORE, &zero);
    int err = posix_spawn(&pid, name, NULL, NULL, argv, envp);
    setrlimit(RLIMIT_CORE, &old);
    if (err)
        snprintf(out, RESULT_MAX, "%s", strerrorname(err));
    else
        describe_status(wait_status(pid), out);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -p DIR: "case result" for each file of DIR, sorted by name. */
static int print_table(void)
{
    DIR *d = opendir(".");
    if (!d)
        return 1;
    char *names[MAX_CASES];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_CASES)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], compare_names);
    for (int i = 0; i < n; i++) {
        char result[RESULT_MAX];
        run_forked(names[i], result);
        printf("%s %s\n", names[i], result);
    }
    return 0;
}

/* DIR TABLE: one check per line "case expected-result" of the table. */
static int check_table(FILE *table)
{
    char line[256];
    int spawn_disagrees = 0;
    char spawn_case[64] = "", spawn_got[RESULT_MAX] = "", fork_got[RESULT_MAX] = "";
    while (fgets(line, sizeof line, table)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || line[0] == 0 || strncmp(line, "linux ", 6) == 0)
            continue;
        char *space = strchr(line, ' ');
        if (!space)
            continue;
        *space = 0;
        const char *name = line, *want = space + 1;
        char got[RESULT_MAX], spawned[RESULT_MAX], check_name[96];
        run_forked(name, got);
        run_spawned(name, spawned);
        snprintf(check_name, sizeof check_name, "elf_%.60s", name);
        if (strcmp(got, want) == 0)
            pass(check_name);
        else
            fail(check_name, "expected %s (as Linux), got %s", want, got);
        if (strcmp(got, spawned) != 0 && !spawn_disagrees++) {
            snprintf(spawn_case, sizeof spawn_case, "%.60s", name);
            snprintf(spawn_got, sizeof spawn_got, "%s", spawned);
            snprintf(fork_got, sizeof fork_got, "%s", got);
        }
    }
    if (spawn_disagrees)
        fail("elf_posix_spawn_agrees",
             "%s: posix_spawn gave %s, fork+execve %s (%d cases)", spawn_case, spawn_got,
             fork_got, spawn_disagrees);
    else
        pass("elf_posix_spawn_agrees");
    if (memory_broken)
        fail("elf_failed_execve_keeps_memory", "%s: the caller's memory changed",
             broken_case);
    else
        pass("elf_failed_execve_keeps_memory");
    check("elf_runner_memory_intact",
          pattern_intact(static_pattern, sizeof static_pattern) &&
              pattern_intact(heap_pattern, 8192),
          "expected the runner's buffers unchanged after every spawn");
    check_errno("elf_children_all_reaped", waitpid(-1, NULL, WNOHANG), ECHILD);
    return test_done("elfrun");
}

int main(int argc, char **argv)
{
    fill_pattern();
    int print = argc == 3 && strcmp(argv[1], "-p") == 0;
    if (argc != 3) {
        fprintf(stderr, "usage: elfrun -p DIR | elfrun DIR TABLE\n");
        return 2;
    }
    FILE *table = print ? NULL : fopen(argv[2], "r");
    if (!print && !table) {
        fprintf(stderr, "elfrun: %s: %s\n", argv[2], strerror(errno));
        return 2;
    }
    /* Cases name each other (PT_INTERP "dir"): run from inside the corpus. */
    if (chdir(print ? argv[2] : argv[1]) != 0) {
        fprintf(stderr, "elfrun: %s: %s\n", print ? argv[2] : argv[1], strerror(errno));
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    return print ? print_table() : check_table(table);
}
