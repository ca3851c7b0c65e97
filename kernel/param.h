/* param.h: compile-time limits of the kernel. */
#pragma once

#define NCPU           8           /* maximum CPUs (QEMU -smp up to 8) */
#define NPROC          128         /* process table slots */
#define NOFILE         64          /* open files per process */
#define NFILE          512         /* open files in the whole system */
#define KSTACK_PAGES   4           /* kernel stack size in pages (16 KiB) */
#define TIMER_HZ       100         /* scheduler ticks per second per CPU */
#define CMDLINE_MAX    1024        /* kernel command line bytes we keep */
#define ARG_STRLEN_MAX (32 * 4096) /* execve: one argument, like Linux's MAX_ARG_STRLEN */
#define ARG_TOTAL_MAX  (2 * 1024 * 1024) /* execve: argv + envp strings and pointers */
#define USTACK_SIZE    (8 * 1024 * 1024) /* initial user stack reservation */
#define KSTACK_BYTES   (KSTACK_PAGES * 4096)
