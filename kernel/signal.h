/* signal.h: Linux signal numbers, dispositions and wait status encoding. */
#pragma once

#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGTRAP  5
#define SIGABRT  6
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGUSR1  10
#define SIGSEGV  11
#define SIGUSR2  12
#define SIGPIPE  13
#define SIGALRM  14
#define SIGTERM  15
#define SIGCHLD  17
#define SIGCONT  18
#define SIGSTOP  19
#define SIGTSTP  20
#define SIGURG   23
#define SIGWINCH 28
#define NSIG     64 /* signals 1..64 */

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* The status wait4() reports (see wait(2)): exit code in bits 8..15, or the signal. */
#define W_EXITED(code)  (((code)&0xff) << 8)
#define W_SIGNALED(sig) ((sig)&0x7f)

/* Linux's struct sigaction as the rt_sigaction system call passes it. */
struct k_sigaction {
    unsigned long handler;
    unsigned long flags;
    unsigned long restorer;
    unsigned long mask;
};

const char *signal_name(int sig);
