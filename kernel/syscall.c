/* syscall.c: the system call table, dispatch, and the MSR set-up that makes the
 * SYSCALL instruction enter syscall_entry. */
#include "syscall.h"
#include "errno.h"
#include "mmu.h"
#include "percpu.h"
#include "printf.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"

void syscall_entry(void);
void syscall32_ignore(void);

/* Program the SYSCALL/SYSRET machinery of this CPU. */
void syscall_init(void)
{
    /* SYSCALL from 32-bit code goes to CSTAR, never to LSTAR: see syscall32.S. */
    wrmsr(MSR_CSTAR, (uint64_t)syscall32_ignore);
    /* LAB syscall: BEGIN */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* STAR[47:32]: SYSCALL's CS (and SS = CS + 8). STAR[63:48]: base for SYSRET,
     * which loads SS = base + 8 and CS = base + 16 (mmu.h explains the layout). */
    wrmsr(MSR_STAR, ((uint64_t)SEG_UCODE32 << 48) | ((uint64_t)SEG_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* Flags cleared on entry: IF (no interrupt before we are on the kernel stack),
     * TF (no single-step trap in the kernel), DF (the ABI), AC (SMAP stays on). */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
    /* LAB syscall: STUB
    if (mycpu()->id == 0)
        kprintf("lab syscall: syscall_init() is not written yet (labs/1-syscall.md)\n");
LAB syscall: END */
}

#define CALL(name) [SYS_##name] = sys_##name

static const syscall_fn syscalls[NSYSCALLS] = {
    CALL(read),
    CALL(write),
    CALL(open),
    CALL(close),
    CALL(stat),
    CALL(fstat),
    CALL(lstat),
    CALL(lseek),
    CALL(mmap),
    CALL(mprotect),
    CALL(munmap),
    CALL(brk),
    CALL(rt_sigaction),
    CALL(rt_sigprocmask),
    CALL(ioctl),
    CALL(pread64),
    CALL(pwrite64),
    CALL(readv),
    CALL(writev),
    CALL(access),
    CALL(pipe),
    CALL(sched_yield),
    CALL(dup),
    CALL(dup2),
    CALL(nanosleep),
    CALL(getpid),
    CALL(clone),
    CALL(fork),
    CALL(vfork),
    CALL(execve),
    CALL(exit),
    CALL(wait4),
    CALL(kill),
    CALL(uname),
    CALL(fcntl),
    CALL(getcwd),
    CALL(chdir),
    CALL(fchdir),
    CALL(mkdir),
    CALL(rmdir),
    CALL(unlink),
    CALL(umask),
    CALL(gettimeofday),
    CALL(getrlimit),
    CALL(getuid),
    CALL(getgid),
    CALL(geteuid),
    CALL(getegid),
    CALL(getppid),
    CALL(getpgrp),
    CALL(setsid),
    CALL(getpgid),
    CALL(getsid),
    CALL(rt_sigpending),
    CALL(arch_prctl),
    CALL(setrlimit),
    CALL(gettid),
    CALL(tkill),
    CALL(time),
    CALL(sched_getaffinity),
    CALL(getdents64),
    CALL(set_tid_address),
    CALL(clock_gettime),
    CALL(clock_getres),
    CALL(clock_nanosleep),
    CALL(exit_group),
    CALL(tgkill),
    CALL(openat),
    CALL(mkdirat),
    CALL(newfstatat),
    CALL(unlinkat),
    CALL(faccessat),
    CALL(dup3),
    CALL(pipe2),
    CALL(prlimit64),
    CALL(getcpu),
    CALL(getrandom),
    CALL(faccessat2),
    CALL(chmod),
    CALL(fchmod),
    CALL(fchmodat),
};

void syscall_dispatch(struct trapframe *tf)
{
    /* LAB syscall: BEGIN */
    uint32_t nr = tf->rax; /* as Linux: the number is the low 32 bits of rax */
    long ret = -ENOSYS;
    if (nr < NSYSCALLS && syscalls[nr])
        ret = syscalls[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
    tf->rax = ret;
    /* LAB syscall: STUB
    (void)syscalls;
    tf->rax = -ENOSYS;
LAB syscall: END */
    proc_return_to_user_checks();
}
