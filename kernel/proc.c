/* proc.c: the process table and the scheduler. One lock, ptable_lock, protects every
 * process's state, the parent/child links and the run queue, as in xv6: simple to
 * reason about, and fast enough for a handful of CPUs. Each CPU runs scheduler(),
 * which takes the next runnable process from a shared FIFO run queue. */
#include "proc.h"
#include "errno.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "lapic.h"
#include "memlayout.h"
#include "mm.h"
#include "power.h"
#include "printf.h"
#include "string.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"

struct spinlock ptable_lock = SPINLOCK_INIT("ptable");
struct proc ptable[NPROC];
struct proc *initproc;

static pid_t next_pid = 1;
static struct proc *runq_head, *runq_tail;
static uint64_t ticks; /* timer ticks since boot, counted by CPU 0 */
static uint8_t fpu_default[512] __attribute__((aligned(16)));

#define PID_MAX 4194304 /* Linux's largest pid_max */

void proc_init(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &ptable[i];
        /* Kernel stacks belong to table slots for good: a stack is never unmapped,
         * so no other CPU can hold a stale TLB entry for it. */
        p->kstack_top = vm_alloc_kstack(KSTACK_BYTES);
        if (!p->kstack_top)
            panic("proc_init: no memory for kernel stacks");
        p->tf = (struct trapframe *)(p->kstack_top - sizeof(struct trapframe));
    }
}

static bool pid_in_use(pid_t pid)
{
    for (int i = 0; i < NPROC; i++)
        if (ptable[i].state != UNUSED && ptable[i].pid == pid)
            return true;
    return false;
}

struct proc *proc_alloc(void (*entry)(void))
{
    acquire(&ptable_lock);
    struct proc *p = 0;
    for (int i = 0; i < NPROC && !p; i++)
        if (ptable[i].state == UNUSED)
            p = &ptable[i];
    if (!p) {
        release(&ptable_lock);
        return 0;
    }
    do {
        p->pid = next_pid++;
        if (next_pid > PID_MAX)
            next_pid = 2;
    } while (pid_in_use(p->pid) && p->pid != 1);
    p->state = EMBRYO;
    p->parent = 0;
    p->chan = 0;
    p->killed = 0;
    p->exit_status = 0;
    p->exit_signal = SIGCHLD;
    p->vfork_parent = 0;
    p->vfork_done = false;
    p->sigpending = 0;
    release(&ptable_lock);

    memset(p->name, 0, sizeof p->name);
    p->mm = 0;
    memset(p->files, 0, sizeof p->files);
    p->cloexec = 0;
    p->cwd = 0;
    p->umask = 022; /* init's, as on Linux; clone copies the parent's */
    p->fs_base = 0;
    p->clear_child_tid = 0;
    memset(p->sigactions, 0, sizeof p->sigactions);
    p->sigmask = 0;
    memcpy(p->fpu, fpu_default, sizeof p->fpu);

    /* The first swtch() to p pops this context and "returns" into entry, with the
     * trap frame right above the stack pointer. */
    p->context = (struct context *)((uint64_t)p->tf - sizeof(struct context));
    memset(p->context, 0, sizeof *p->context);
    p->context->rip = (uint64_t)entry;
    return p;
}

void proc_free(struct proc *p)
{
    acquire(&ptable_lock);
    p->state = UNUSED;
    release(&ptable_lock);
}

/* Wake one idle CPU (other than this one) to run newly runnable work. */
static void kick_idle_cpu(void)
{
    for (int i = 0; i < ncpu; i++) {
        struct cpu *c = &cpus[i];
        if (c != mycpu() && c->idle && c->started > 0) {
            c->idle = false;
            lapic_send_ipi(c->apic_id, T_IPI_RESCHED);
            return;
        }
    }
}

static void runq_push(struct proc *p)
{
    p->state = RUNNABLE;
    p->run_next = 0;
    if (runq_tail)
        runq_tail->run_next = p;
    else
        runq_head = p;
    runq_tail = p;
    kick_idle_cpu();
}

static struct proc *runq_pop(void)
{
    struct proc *p = runq_head;
    if (p) {
        runq_head = p->run_next;
        if (!runq_head)
            runq_tail = 0;
    }
    return p;
}

void proc_make_runnable(struct proc *p)
{
    acquire(&ptable_lock);
    runq_push(p);
    release(&ptable_lock);
}

/* Load p's user state onto this CPU: address space, kernel stack, FS base, FPU. */
static void switch_in(struct cpu *c, struct proc *p)
{
    c->proc = p;
    c->kstack_top = p->kstack_top;
    c->tss.rsp0 = p->kstack_top;
    mm_activate(p->mm);
    wrmsr(MSR_FS_BASE, p->fs_base);
    fpu_restore(p);
    p->cpu = c->id;
}

noreturn void scheduler(void)
{
    struct cpu *c = mycpu();
    c->started = 1;
    for (;;) {
        cli();
        acquire(&ptable_lock);
        struct proc *p = runq_pop();
        if (!p) {
            /* Nothing to do: halt until an interrupt. `sti; hlt` cannot lose a
             * wake-up IPI sent after the release: sti takes effect only after hlt
             * has begun, so a pending interrupt ends the hlt. */
            mm_activate(0); /* let the last address space go: it may be freed */
            c->idle = true;
            release(&ptable_lock);
            asm volatile("sti; hlt; cli" ::: "memory");
            c->idle = false;
            continue;
        }
        switch_in(c, p);
        p->state = RUNNING;
        swtch(&c->scheduler, p->context);
        /* p gave the CPU back (it yielded, slept or exited), still holding the lock. */
        fpu_save(p);
        c->proc = 0;
        release(&ptable_lock);
    }
}

/* Switch to this CPU's scheduler. The caller holds ptable_lock and nothing else and
 * has already changed its own state. */
void sched(void)
{
    struct proc *p = myproc();
    struct cpu *c = mycpu();
    if (!holding(&ptable_lock))
        panic("sched: ptable_lock not held");
    if (c->noff != 1)
        panic("sched: other locks held (%d)", c->noff);
    if (p->state == RUNNING)
        panic("sched: process still RUNNING");
    if (read_rflags() & RFLAGS_IF)
        panic("sched: interrupts enabled");
    int intena = c->intena;
    swtch(&p->context, c->scheduler);
    mycpu()->intena = intena; /* we may be on another CPU now */
}

void yield(void)
{
    acquire(&ptable_lock);
    runq_push(myproc());
    sched();
    release(&ptable_lock);
}

/* Atomically release lk and sleep on chan; reacquire lk when woken. Because wakeup
 * needs ptable_lock, which we take before letting go of lk, a wakeup cannot slip in
 * between the caller's check of its condition and the sleep. */
void sleep(void *chan, struct spinlock *lk)
{
    struct proc *p = myproc();
    if (lk != &ptable_lock) {
        acquire(&ptable_lock);
        release(lk);
    }
    p->chan = chan;
    p->state = SLEEPING;
    sched();
    p->chan = 0;
    if (lk != &ptable_lock) {
        release(&ptable_lock);
        acquire(lk);
    }
}

/* Like sleep(), but a fatal signal ends it: returns -EINTR, at once if a signal
 * is already pending. The check happens under ptable_lock, where kill() sets
 * p->killed, so a signal that arrives just before we sleep is never missed. */
int sleep_intr(void *chan, struct spinlock *lk)
{
    struct proc *p = myproc();
    if (lk != &ptable_lock) {
        acquire(&ptable_lock);
        release(lk);
    }
    int ret = 0;
    if (p->killed) {
        ret = -EINTR;
    } else {
        p->chan = chan;
        p->state = SLEEPING;
        p->interruptible = true;
        sched();
        p->interruptible = false;
        p->chan = 0;
        if (p->killed)
            ret = -EINTR;
    }
    if (lk != &ptable_lock) {
        release(&ptable_lock);
        acquire(lk);
    }
    return ret;
}

void wakeup_locked(void *chan)
{
    for (struct proc *p = ptable; p < &ptable[NPROC]; p++)
        if (p->state == SLEEPING && p->chan == chan)
            runq_push(p);
}

void wakeup(void *chan)
{
    acquire(&ptable_lock);
    wakeup_locked(chan);
    release(&ptable_lock);
}

void proc_clock_tick(void)
{
    acquire(&ptable_lock);
    ticks++;
    wakeup_locked(&ticks);
    release(&ptable_lock);
}

uint64_t proc_ticks(void)
{
    return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

/* Give p's children to init, and wake init if one of them is already a zombie. */
static void reparent_children(struct proc *p)
{
    for (struct proc *c = ptable; c < &ptable[NPROC]; c++) {
        if (c->parent != p || c->state == UNUSED)
            continue;
        c->parent = initproc;
        c->exit_signal = SIGCHLD; /* as Linux: init reaps it with a plain wait */
        if (c->state == ZOMBIE)
            wakeup_locked(initproc);
    }
}

noreturn void proc_exit(int wait_status)
{
    struct proc *p = myproc();
    if (p == initproc) {
        /* init's exit ends the machine: its status is the program's (see init.c). */
        int code =
            (wait_status & 0x7f) ? 128 + (wait_status & 0x7f) : (wait_status >> 8) & 0xff;
        kprintf("lark: init exited with status %d\n", code);
        power_off(code);
    }

    files_close_all(p);
    if (p->cwd) {
        inode_put(p->cwd);
        p->cwd = 0;
    }
    if (p->mm) {
        struct mm *mm = p->mm;
        p->mm = 0;
        mm_activate(0); /* leave the address space: our reference is the last, maybe */
        mm_put(mm);
    }

    acquire(&ptable_lock);
    vfork_release(p); /* a vfork parent waits for our exec or exit */
    reparent_children(p);
    p->exit_status = wait_status;
    p->state = ZOMBIE;
    wakeup_locked(p->parent);
    if (p->exit_signal) /* usually SIGCHLD, whose default action is nothing */
        proc_signal(p->parent, p->exit_signal);
    sched();
    panic("zombie %d ran again", p->pid);
}

/* Reap a zombie child: its slot becomes free. Called with ptable_lock held. */
static void reap(struct proc *c)
{
    c->state = UNUSED;
    c->parent = 0;
    c->pid = 0;
}

long proc_wait4(pid_t pid, uint64_t ustatus, int options)
{
    struct proc *me = myproc();
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
        return -EINVAL;
    if (pid == -2147483648)
        return -ESRCH; /* as Linux: -INT_MIN is not a process group it can name */
    acquire(&ptable_lock);
    for (;;) {
        bool have_kids = false;
        for (struct proc *c = ptable; c < &ptable[NPROC]; c++) {
            if (c->parent != me || c->state == UNUSED)
                continue;
            /* Linux: without __WALL, a plain wait sees only children that signal
             * SIGCHLD at exit, and __WCLONE only the others. */
            if (!(options & __WALL) &&
                (c->exit_signal != SIGCHLD) != !!(options & __WCLONE))
                continue;
            if (pid > 0 && c->pid != pid)
                continue;
            if (pid < -1)
                continue; /* no process groups here besides our own */
            have_kids = true;
            if (c->state != ZOMBIE)
                continue;
            int status = c->exit_status;
            pid_t cpid = c->pid;
            reap(c);
            release(&ptable_lock);
            /* As Linux: the child is reaped even if the status can't be stored.
             * (Copying may fault, so it happens after the lock is let go.) */
            if (ustatus && copy_to_user(ustatus, &status, sizeof status))
                return -EFAULT;
            return cpid;
        }
        if (!have_kids) {
            release(&ptable_lock);
            return -ECHILD;
        }
        if (options & WNOHANG) {
            release(&ptable_lock);
            return 0;
        }
        if (sleep_intr(me, &ptable_lock) < 0) { /* a child's exit wakes us (proc_exit) */
            release(&ptable_lock);
            return -EINTR;
        }
    }
}

/* Linux's default action for each signal, when no handler runs: true = terminate. */
static bool default_terminates(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
    case SIGSTOP: /* stopping is not supported: treated as ignored */
    case SIGTSTP:
    case 21: /* SIGTTIN */
    case 22: /* SIGTTOU */
        return false;
    default:
        return true;
    }
}

/* Post sig to p. Called with ptable_lock held. Handlers are recorded by
 * rt_sigaction but not run: a handled signal takes its default action. */
void proc_signal(struct proc *p, int sig)
{
    if (sig <= 0 || sig > NSIG || p->state == ZOMBIE || p->state == UNUSED)
        return;
    if (p == initproc)
        return; /* as Linux's init: only signals it has a handler for, and it has none */
    if (sig != SIGKILL && p->sigactions[sig - 1].handler == SIG_IGN)
        return;
    if (sig != SIGKILL && !default_terminates(sig))
        return;
    uint64_t bit = 1UL << (sig - 1);
    if (sig != SIGKILL && (p->sigmask & bit)) {
        p->sigpending |= bit; /* delivered when unblocked */
        return;
    }
    if (!p->killed)
        p->killed = sig;
    if (p->state == SLEEPING && p->interruptible)
        runq_push(p); /* interrupt the sleep: the sleeper checks p->killed */
}

bool proc_killed(struct proc *p)
{
    return p && __atomic_load_n(&p->killed, __ATOMIC_RELAXED);
}

int proc_kill(pid_t pid, int sig)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (pid <= 0)
        return -EPERM; /* process groups and "everyone" are not supported */
    acquire(&ptable_lock);
    for (struct proc *p = ptable; p < &ptable[NPROC]; p++) {
        if (p->pid != pid || p->state == UNUSED || p->state == EMBRYO)
            continue;
        if (sig && p->state != ZOMBIE)
            proc_signal(p, sig); /* (init ignores it: see proc_signal) */
        release(&ptable_lock);
        return 0;
    }
    release(&ptable_lock);
    return -ESRCH;
}

void proc_return_to_user_checks(void)
{
    struct proc *p = myproc();
    if (p->sigpending & ~p->sigmask) { /* a blocked signal was unblocked */
        acquire(&ptable_lock);
        uint64_t ready = p->sigpending & ~p->sigmask;
        p->sigpending &= p->sigmask;
        for (int sig = 1; sig <= NSIG; sig++)
            if (ready & (1UL << (sig - 1)))
                proc_signal(p, sig);
        release(&ptable_lock);
    }
    if (p->killed)
        proc_exit(W_SIGNALED(p->killed));
}

struct trapframe *myproc_trapframe(void)
{
    return myproc()->tf;
}

noreturn void proc_user_fault(struct trapframe *tf, int sig)
{
    struct proc *p = myproc();
    const char *what = tf->trapno == T_PGFLT ? "segfault" : trap_name(tf->trapno);
    if (tf->trapno == T_PGFLT)
        kprintf("lark: %s[%d]: segfault at %lx ip %lx sp %lx error %lx: %s\n", p->name,
                p->pid, read_cr2(), tf->rip, tf->rsp, tf->err, signal_name(sig));
    else
        kprintf("lark: %s[%d]: %s ip %lx sp %lx error %lx: %s\n", p->name, p->pid, what,
                tf->rip, tf->rsp, tf->err, signal_name(sig));
    proc_exit(W_SIGNALED(sig));
}

int proc_count_used(void)
{
    int n = 0;
    acquire(&ptable_lock);
    for (struct proc *p = ptable; p < &ptable[NPROC]; p++)
        if (p->state != UNUSED)
            n++;
    release(&ptable_lock);
    return n;
}

const char *signal_name(int sig)
{
    static const char *const names[] = {0,         "SIGHUP",  "SIGINT",  "SIGQUIT",
                                        "SIGILL",  "SIGTRAP", "SIGABRT", "SIGBUS",
                                        "SIGFPE",  "SIGKILL", "SIGUSR1", "SIGSEGV",
                                        "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};
    if (sig > 0 && sig < (int)ARRAY_SIZE(names))
        return names[sig];
    return "signal";
}

/* The floating-point unit: user programs use SSE freely, the kernel never does, so
 * a process's registers only need saving when another process takes the CPU. */
void fpu_init_cpu(void)
{
    uint64_t cr0 = read_cr0();
    cr0 &= ~((1UL << 2) | (1UL << 3)); /* EM, TS: no emulation, no lazy trapping */
    cr0 |= (1UL << 1) | (1UL << 5);    /* MP, NE: native x87 error reporting */
    write_cr0(cr0);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    uint32_t mxcsr = 0x1f80; /* all SSE exceptions masked, round to nearest */
    asm volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
    if (mycpu()->id == 0)
        asm volatile("fxsave %0" : "=m"(fpu_default));
}

void fpu_reset(struct proc *p)
{
    /* No preemption in between: a switch would save the live registers over the
     * defaults, and we would load the old ones back. */
    push_off();
    memcpy(p->fpu, fpu_default, sizeof p->fpu);
    fpu_restore(p);
    pop_off();
}

void fpu_save(struct proc *p)
{
    asm volatile("fxsave %0" : "=m"(p->fpu));
}

void fpu_restore(struct proc *p)
{
    asm volatile("fxrstor %0" : : "m"(p->fpu));
}

/* A new process's first kernel code calls this: the scheduler switched to it
 * holding ptable_lock (see scheduler()), and the lock must be let go. */
void proc_first_run(void)
{
    release(&ptable_lock);
}

void *proc_ticks_channel(void)
{
    return &ticks;
}
