/* syscall.h: Linux x86-64 system call numbers and the kernel's implementations.
 * A sys_* function takes the call's arguments as the user passed them (in rdi, rsi,
 * rdx, r10, r8, r9) and returns the result or a negative errno. */
#pragma once
#include "types.h"

#define SYS_read              0
#define SYS_write             1
#define SYS_open              2
#define SYS_close             3
#define SYS_stat              4
#define SYS_fstat             5
#define SYS_lstat             6
#define SYS_lseek             8
#define SYS_mmap              9
#define SYS_mprotect          10
#define SYS_munmap            11
#define SYS_brk               12
#define SYS_rt_sigaction      13
#define SYS_rt_sigprocmask    14
#define SYS_ioctl             16
#define SYS_pread64           17
#define SYS_pwrite64          18
#define SYS_readv             19
#define SYS_writev            20
#define SYS_access            21
#define SYS_pipe              22
#define SYS_sched_yield       24
#define SYS_dup               32
#define SYS_dup2              33
#define SYS_nanosleep         35
#define SYS_getpid            39
#define SYS_clone             56
#define SYS_fork              57
#define SYS_vfork             58
#define SYS_execve            59
#define SYS_exit              60
#define SYS_wait4             61
#define SYS_kill              62
#define SYS_uname             63
#define SYS_fcntl             72
#define SYS_getcwd            79
#define SYS_chdir             80
#define SYS_fchdir            81
#define SYS_mkdir             83
#define SYS_rmdir             84
#define SYS_chmod             90
#define SYS_umask             95
#define SYS_fchmod            91
#define SYS_unlink            87
#define SYS_gettimeofday      96
#define SYS_getrlimit         97
#define SYS_getuid            102
#define SYS_getgid            104
#define SYS_geteuid           107
#define SYS_getegid           108
#define SYS_getppid           110
#define SYS_getpgrp           111
#define SYS_setsid            112
#define SYS_getpgid           121
#define SYS_getsid            124
#define SYS_rt_sigpending     127
#define SYS_arch_prctl        158
#define SYS_setrlimit         160
#define SYS_gettid            186
#define SYS_tkill             200
#define SYS_time              201
#define SYS_sched_getaffinity 204
#define SYS_getdents64        217
#define SYS_set_tid_address   218
#define SYS_clock_gettime     228
#define SYS_clock_getres      229
#define SYS_clock_nanosleep   230
#define SYS_exit_group        231
#define SYS_tgkill            234
#define SYS_openat            257
#define SYS_mkdirat           258
#define SYS_newfstatat        262
#define SYS_fchmodat          268
#define SYS_unlinkat          263
#define SYS_faccessat         269
#define SYS_dup3              292
#define SYS_pipe2             293
#define SYS_prlimit64         302
#define SYS_getcpu            309
#define SYS_getrandom         318
#define SYS_faccessat2        439
#define NSYSCALLS             440

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

struct trapframe;
/* The C half of a system call: called by syscall_entry with the trap frame. */
void syscall_dispatch(struct trapframe *tf);
void syscall_init(void); /* program the SYSCALL MSRs on this CPU */

/* How the sys_* functions are written: all six arguments, named a0..a5, and a way
 * to say that the unused ones are unused. */
#define ARGS6       uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5
#define IGNORE_ARGS (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5

#define SYSCALL_DECL(name)                                                               \
    long sys_##name(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t)

/* sysfile.c */
SYSCALL_DECL(read);
SYSCALL_DECL(write);
SYSCALL_DECL(open);
SYSCALL_DECL(close);
SYSCALL_DECL(stat);
SYSCALL_DECL(fstat);
SYSCALL_DECL(lstat);
SYSCALL_DECL(lseek);
SYSCALL_DECL(ioctl);
SYSCALL_DECL(pread64);
SYSCALL_DECL(pwrite64);
SYSCALL_DECL(readv);
SYSCALL_DECL(writev);
SYSCALL_DECL(access);
SYSCALL_DECL(pipe);
SYSCALL_DECL(dup);
SYSCALL_DECL(dup2);
SYSCALL_DECL(fcntl);
SYSCALL_DECL(getcwd);
SYSCALL_DECL(chdir);
SYSCALL_DECL(fchdir);
SYSCALL_DECL(mkdir);
SYSCALL_DECL(rmdir);
SYSCALL_DECL(unlink);
SYSCALL_DECL(getdents64);
SYSCALL_DECL(openat);
SYSCALL_DECL(mkdirat);
SYSCALL_DECL(newfstatat);
SYSCALL_DECL(unlinkat);
SYSCALL_DECL(faccessat);
SYSCALL_DECL(faccessat2);
SYSCALL_DECL(dup3);
SYSCALL_DECL(pipe2);
SYSCALL_DECL(chmod);
SYSCALL_DECL(fchmod);
SYSCALL_DECL(fchmodat);
SYSCALL_DECL(umask);
/* sysmem.c */
SYSCALL_DECL(mmap);
SYSCALL_DECL(mprotect);
SYSCALL_DECL(munmap);
SYSCALL_DECL(brk);
/* sysproc.c */
SYSCALL_DECL(getpid);
SYSCALL_DECL(getppid);
SYSCALL_DECL(gettid);
SYSCALL_DECL(getuid);
SYSCALL_DECL(getgid);
SYSCALL_DECL(geteuid);
SYSCALL_DECL(getegid);
SYSCALL_DECL(getpgrp);
SYSCALL_DECL(getpgid);
SYSCALL_DECL(getsid);
SYSCALL_DECL(setsid);
SYSCALL_DECL(exit);
SYSCALL_DECL(exit_group);
SYSCALL_DECL(wait4);
SYSCALL_DECL(kill);
SYSCALL_DECL(sched_yield);
SYSCALL_DECL(arch_prctl);
SYSCALL_DECL(set_tid_address);
SYSCALL_DECL(uname);
SYSCALL_DECL(sched_getaffinity);
SYSCALL_DECL(getcpu);
SYSCALL_DECL(fork);
SYSCALL_DECL(vfork);
/* clone.c, exec.c */
SYSCALL_DECL(clone);
SYSCALL_DECL(execve);
/* syssignal.c */
SYSCALL_DECL(rt_sigaction);
SYSCALL_DECL(rt_sigprocmask);
SYSCALL_DECL(rt_sigpending);
SYSCALL_DECL(tkill);
SYSCALL_DECL(tgkill);
/* sysrlimit.c */
SYSCALL_DECL(getrlimit);
SYSCALL_DECL(setrlimit);
SYSCALL_DECL(prlimit64);
/* systime.c */
SYSCALL_DECL(nanosleep);
SYSCALL_DECL(clock_nanosleep);
SYSCALL_DECL(clock_gettime);
SYSCALL_DECL(clock_getres);
SYSCALL_DECL(gettimeofday);
SYSCALL_DECL(time);
SYSCALL_DECL(getrandom);
