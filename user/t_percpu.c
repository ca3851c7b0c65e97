/* t_percpu: the per-CPU areas (lab 2) seen from user space: every CPU runs processes,
 * user programs start with GS base 0 on every CPU, and processes making syscalls on
 * several CPUs at once get their own stack pointer back (no shared save slot).
 *   t_percpu [NCPUS] [cpus|stress]...   NCPUS: CPUs to expect (default: our affinity) */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <alloca.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define SPIN_SECONDS 3 /* give up looking for CPUs after this long */
/* The stress: chunks of syscalls, getcpu between chunks. A shared save slot is
 * overwritten only when two CPUs enter the kernel within a few instructions of each
 * other, so it takes many syscalls to see (about 100000 per process under QEMU). */
#define STRESS_CALLS      1024 /* syscalls per chunk */
#define STRESS_MIN_CHUNKS 64   /* at least */
#define STRESS_MAX_CHUNKS 512  /* at most... */
#define STRESS_SECONDS    1    /* ...and for at most this long */
#define MAX_WORKERS       16

/* Shared between the processes of a phase (MAP_SHARED). */
struct shared {
    uint64_t seen;     /* CPUs some spinner ran on */
    uint64_t probing;  /* CPUs for which a GS probe is running or done */
    uint64_t gs_fault; /* CPUs where reading %gs:0 killed the probe (GS base 0) */
    uint64_t gs_read;  /* CPUs where it did not */
    int probe_cpu[MAX_WORKERS];
    uint64_t stress_cpus; /* CPUs the stress workers ran on */
    struct {
        int status; /* 0 ok, 1 rsp changed, 2 a callee-saved register changed */
        unsigned long want_rsp, got_rsp, calls;
    } worker[MAX_WORKERS];
};
static struct shared *sh;
static int expected;

static unsigned cpu_now(void)
{
    unsigned cpu = 0;
    raw_syscall3(SYS_getcpu, &cpu, 0, 0);
    return cpu;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void no_core_dumps(void)
{
    struct rlimit zero = {0, 0};
    setrlimit(RLIMIT_CORE, &zero);
    prctl(PR_SET_DUMPABLE, 0);
}

static int cpus_in(uint64_t mask)
{
    return __builtin_popcountll(mask);
}

/* The CPUs we may run on. On Linux, process i is pinned to the i-th of them, so that
 * each is used whatever the load of the machine; lark has no sched_setaffinity
 * (ENOSYS), and there its scheduler must spread the processes by itself. */
static cpu_set_t allowed;

static int affinity_cpus(void)
{
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        return 1;
    return CPU_COUNT(&allowed);
}

static void pin_to_nth_cpu(int n)
{
    int count = CPU_COUNT(&allowed);
    if (count == 0)
        return;
    n %= count;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &allowed) && n-- == 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            sched_setaffinity(0, sizeof one, &one);
            return;
        }
}

/* --- every CPU runs processes, with user GS base 0 -------------------------- */

/* A probe: note the CPU, then read through GS. With GS base 0 this is a read of
 * address 0: SIGSEGV. Surviving means GS pointed at something (the kernel's area?). */
static void gs_probe(int slot)
{
    no_core_dumps();
    sh->probe_cpu[slot] = cpu_now();
    unsigned long v;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    _exit(0);
}

/* On a CPU no probe has covered: fork a probe there (it most likely runs here). */
static void probe_cpu(int slot, unsigned cpu)
{
    uint64_t bit = 1UL << cpu;
    if (__atomic_fetch_or(&sh->probing, bit, __ATOMIC_SEQ_CST) & bit)
        return;
    sh->probe_cpu[slot] = -1;
    pid_t pid = fork();
    if (pid == 0)
        gs_probe(slot);
    int st = wait_status(pid);
    int ran_on = sh->probe_cpu[slot];
    if (ran_on < 0 || ran_on >= 64) {
        __atomic_fetch_and(&sh->probing, ~bit, __ATOMIC_SEQ_CST); /* try again */
        return;
    }
    uint64_t where = 1UL << ran_on;
    if (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
        __atomic_fetch_or(&sh->gs_fault, where, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or(&sh->gs_read, where, __ATOMIC_SEQ_CST);
    if (ran_on != (int)cpu) /* it covered another CPU: this one still needs a probe */
        __atomic_fetch_and(&sh->probing, ~bit, __ATOMIC_SEQ_CST);
}

static int spinner_done(void)
{
    uint64_t seen = __atomic_load_n(&sh->seen, __ATOMIC_SEQ_CST);
    uint64_t probed = sh->gs_fault | sh->gs_read;
    return cpus_in(seen) >= expected && (seen & ~probed) == 0;
}

/* Spin until the spinners together have seen every expected CPU and probed GS on
 * each, or time is up. */
static void spinner(int slot)
{
    pin_to_nth_cpu(slot);
    double end = seconds() + SPIN_SECONDS;
    while (!spinner_done() && seconds() < end) {
        unsigned cpu = cpu_now();
        if (cpu >= 64)
            continue;
        __atomic_fetch_or(&sh->seen, 1UL << cpu, __ATOMIC_SEQ_CST);
        if (!((sh->gs_fault | sh->gs_read) & (1UL << cpu)))
            probe_cpu(slot, cpu);
    }
    _exit(0);
}

static void cpu_list(char *buf, size_t size, uint64_t mask)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < 64 && n + 4 < size; i++)
        if (mask & (1UL << i))
            n += snprintf(buf + n, size - n, " %d", i);
}

static void test_all_cpus(void)
{
    memset(sh, 0, sizeof *sh);
    int n = expected < MAX_WORKERS ? expected : MAX_WORKERS;
    pid_t pids[MAX_WORKERS];
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            spinner(i);
    }
    for (int i = 0; i < n; i++)
        wait_status(pids[i]);

    char list[256];
    cpu_list(list, sizeof list, sh->seen);
    test_line("t_percpu: expected %d CPUs, processes ran on %d:%s", expected,
              cpus_in(sh->seen), list);
    if (cpus_in(sh->seen) >= expected)
        pass("percpu_all_cpus_used");
    else
        fail("percpu_all_cpus_used", "expected processes on %d CPUs, saw %d (%s )",
             expected, cpus_in(sh->seen), list);

    if (sh->gs_read) {
        cpu_list(list, sizeof list, sh->gs_read);
        fail("percpu_user_gs_base_zero_every_cpu",
             "expected reading %%gs:0 to fault (GS base 0), but it worked on CPU%s",
             list);
    } else if (cpus_in(sh->gs_fault) < expected) {
        cpu_list(list, sizeof list, sh->gs_fault);
        fail("percpu_user_gs_base_zero_every_cpu",
             "expected to check %d CPUs, could check only%s", expected, list);
    } else {
        pass("percpu_user_gs_base_zero_every_cpu");
    }
}

/* --- no shared save slot: each process gets its own rsp back --------------- */

unsigned long stress_calls;   /* syscalls to make (input) */
unsigned long stress_bad_rsp; /* the rsp a syscall returned with, if wrong */

/* long stress_syscalls(void): stress_calls getppid syscalls in a row; after each,
 * rsp and four callee-saved canaries must be as before. 0 if so, 1 if rsp changed
 * (then in stress_bad_rsp), 2 if a canary did; stress_calls = calls left. */
__asm__(".text\n"
        ".globl stress_syscalls\n"
        ".type stress_syscalls,@function\n"
        "stress_syscalls:\n"
        "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
        "  mov stress_calls(%rip), %rbx\n"
        "  mov %rsp, %rbp\n"
        "  movabs $0x7e7e0000c1c2c3c4, %r12\n"
        "  lea 1(%r12), %r13\n"
        "  lea 2(%r12), %r14\n"
        "  lea 3(%r12), %r15\n"
        "1:\n"
        "  mov $110, %eax\n" /* getppid */
        "  syscall\n"
        "  cmp %rsp, %rbp\n"
        "  jne 3f\n"
        "  lea 1(%r12), %rax\n"
        "  cmp %rax, %r13\n"
        "  jne 4f\n"
        "  lea 2(%r12), %rax\n"
        "  cmp %rax, %r14\n"
        "  jne 4f\n"
        "  lea 3(%r12), %rax\n"
        "  cmp %rax, %r15\n"
        "  jne 4f\n"
        "  movabs $0x7e7e0000c1c2c3c4, %rax\n"
        "  cmp %rax, %r12\n"
        "  jne 4f\n"
        "  dec %rbx\n"
        "  jnz 1b\n"
        "  xor %eax, %eax\n"
        "  jmp 5f\n"
        "3:\n"
        "  mov %rsp, stress_bad_rsp(%rip)\n"
        "  mov %rbp, %rsp\n"
        "  mov $1, %eax\n"
        "  jmp 5f\n"
        "4:\n"
        "  mov $2, %eax\n"
        "5:\n"
        "  mov %rbx, stress_calls(%rip)\n"
        "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
        "  ret\n"
        ".size stress_syscalls, .-stress_syscalls\n");
long stress_syscalls(void);

/* Worker i: its stack pointer differs from every other worker's by at least 64
 * bytes, so an rsp saved by another CPU shows. */
static void stress_worker(int i)
{
    pin_to_nth_cpu(i);
    char *pad = alloca(64 * (i + 1));
    __asm__ volatile("" : : "r"(pad) : "memory"); /* keep the allocation */
    double end = seconds() + STRESS_SECONDS;
    unsigned long done = 0;
    for (int chunk = 0; chunk < STRESS_MAX_CHUNKS; chunk++) {
        if (chunk >= STRESS_MIN_CHUNKS && seconds() >= end)
            break;
        __atomic_fetch_or(&sh->stress_cpus, 1UL << (cpu_now() % 64), __ATOMIC_SEQ_CST);
        stress_calls = STRESS_CALLS;
        unsigned long rsp;
        __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
        long r = stress_syscalls();
        done += STRESS_CALLS - stress_calls;
        if (r != 0) {
            sh->worker[i].status = r;
            sh->worker[i].want_rsp = rsp;
            sh->worker[i].got_rsp = stress_bad_rsp;
            break;
        }
    }
    sh->worker[i].calls = done;
    _exit(0);
}

static void test_stress(void)
{
    memset(sh, 0, sizeof *sh);
    int n = expected < 2 ? 2 : expected < MAX_WORKERS ? expected : MAX_WORKERS;
    int need = expected < 2 ? expected : 2;
    pid_t pids[MAX_WORKERS];
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            stress_worker(i);
    }
    int bad = -1;
    unsigned long calls = 0;
    for (int i = 0; i < n; i++) {
        int st = wait_status(pids[i]);
        calls += sh->worker[i].calls;
        if (bad < 0 && (st != 0 || sh->worker[i].status != 0))
            bad = i;
    }
    int ncpus = cpus_in(sh->stress_cpus);
    test_line("t_percpu: %d processes made %lu syscalls on %d CPUs", n, calls, ncpus);
    const char *name = "percpu_user_rsp_saved_per_cpu";
    if (bad >= 0 && sh->worker[bad].status == 1)
        fail(name, "expected rsp %#lx after a syscall, got %#lx (another process's?)",
             sh->worker[bad].want_rsp, sh->worker[bad].got_rsp);
    else if (bad >= 0 && sh->worker[bad].status == 2)
        fail(name, "expected r12-r15 unchanged by a syscall, but one changed");
    else if (bad >= 0)
        fail(name, "a worker died: %s", status_str(wait_status(pids[bad])));
    else if (ncpus < need)
        fail(name, "expected the processes to run on %d CPUs at once, they ran on %d",
             need, ncpus);
    else
        pass(name);
}

/* Is part `name` selected by the arguments (none: every part)? */
static int selected(int argc, char **argv, const char *name)
{
    int any = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] >= '0' && argv[i][0] <= '9')
            continue;
        any = 1;
        if (strcmp(argv[i], name) == 0)
            return 1;
    }
    return !any;
}

int main(int argc, char **argv)
{
    expected = affinity_cpus();
    if (argc > 1 && argv[1][0] >= '1' && argv[1][0] <= '9')
        expected = atoi(argv[1]);
    if (expected > 64)
        expected = 64;
    sh =
        mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        fail("percpu_setup", "mmap MAP_SHARED: %s", strerrorname(errno));
        return test_done("t_percpu");
    }
    if (selected(argc, argv, "cpus"))
        test_all_cpus();
    if (selected(argc, argv, "stress"))
        test_stress();
    return test_done("t_percpu");
}
