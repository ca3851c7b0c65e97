/* proc.h: processes: the process table, the scheduler, sleep/wakeup, exit and wait. */
#pragma once
#include "param.h"
#include "percpu.h"
#include "signal.h"
#include "spinlock.h"
#include "trap.h"
#include "types.h"

struct mm;
struct file;
struct inode;

enum procstate { UNUSED, EMBRYO, RUNNABLE, RUNNING, SLEEPING, ZOMBIE };

/* Registers that swtch() saves: the callee-saved ones, and where to resume. */
struct context {
    uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

struct proc {
    /* Protected by ptable_lock. */
    enum procstate state;
    pid_t pid;
    struct proc *parent;
    void *chan;                /* what it sleeps on, if SLEEPING */
    bool interruptible;        /* its sleep ends when a fatal signal arrives */
    int killed;                /* a signal that will end it at the next chance, or 0 */
    int exit_status;           /* wait4 status, once ZOMBIE */
    int exit_signal;           /* sent to the parent at exit (clone's CSIGNAL byte) */
    struct proc *vfork_parent; /* the parent sleeping in vfork_wait, until released */
    bool vfork_done;           /* the child has exec'd or exited (see vfork.c) */
    struct proc *run_next;     /* run queue link */
    int cpu;                   /* the CPU it last ran on */

    /* Private to the process itself (or to its creator before it first runs). */
    char name[16];
    uint64_t kstack_top;  /* the top of its kernel stack (fixed per table slot) */
    struct trapframe *tf; /* user registers, at the top of the kernel stack */
    struct context *context;
    struct mm *mm; /* the user address space, shared under CLONE_VM */
    struct file *files[NOFILE];
    uint64_t cloexec; /* bit fd set: close fd at execve (FD_CLOEXEC) */
    struct inode *cwd;
    uint32_t umask;   /* permission bits that file creation clears (umask(2)) */
    uint64_t fs_base; /* the user's FS base (thread pointer), arch_prctl */
    uint64_t clear_child_tid;
    struct k_sigaction sigactions[NSIG];
    uint64_t sigmask;    /* blocked signals, bit sig-1 */
    uint64_t sigpending; /* blocked signals that arrived (protected by ptable_lock) */
    uint8_t fpu[512] __attribute__((aligned(16))); /* x87/SSE registers (fxsave) */
};

extern struct spinlock ptable_lock;
extern struct proc ptable[NPROC];
extern struct proc *initproc;

void proc_init(void);
/* The first process: runs /bin/init with the arguments from the command line. */
void proc_start_init(char **argv, char **envp);
noreturn void scheduler(void);

/* A fresh process slot in state EMBRYO with a pid and a kernel stack whose first
 * switch resumes at `entry` (see clone.c and proc.c). NULL if the table is full. */
struct proc *proc_alloc(void (*entry)(void));
void proc_free(struct proc *p); /* undo proc_alloc (before it ever ran) */
void proc_make_runnable(struct proc *p);
void proc_first_run(void); /* first thing a new process does (releases ptable_lock) */

void sched(void);
void yield(void);
void sleep(void *chan, struct spinlock *lk);
int sleep_intr(void *chan, struct spinlock *lk); /* 0, or -EINTR for a fatal signal */
void wakeup(void *chan);
void wakeup_locked(void *chan); /* the same, with ptable_lock held */
void proc_clock_tick(void);
uint64_t proc_ticks(void);
void *proc_ticks_channel(void); /* sleep on it to wake at the next timer tick */

noreturn void proc_exit(int wait_status);
long proc_wait4(pid_t pid, uint64_t ustatus, int options);
int proc_kill(pid_t pid, int sig);
/* Deliver sig to p as Linux would with only default actions: ignore, or end it. */
void proc_signal(struct proc *p, int sig);
bool proc_killed(struct proc *p);
/* A user-mode fault: print one line like Linux's and end the process with sig. */
noreturn void proc_user_fault(struct trapframe *tf, int sig);
/* On the way back to user mode: die if a fatal signal is pending. */
void proc_return_to_user_checks(void);
struct trapframe *myproc_trapframe(void);
int proc_count_used(void);

/* fxsave/fxrstor of the user's floating-point registers. */
void fpu_init_cpu(void);
void fpu_reset(struct proc *p);
void fpu_save(struct proc *p);
void fpu_restore(struct proc *p);

void swtch(struct context **old, struct context *new);

/* wait4 options (Linux values). */
#define WNOHANG     1
#define WUNTRACED   2
#define WCONTINUED  8
#define __WNOTHREAD 0x20000000
#define __WALL      0x40000000
#define __WCLONE    0x80000000

/* vfork.c: the vfork wait (lab 4). */
void vfork_wait(struct proc *child);
void vfork_release(struct proc *child); /* with ptable_lock held */
