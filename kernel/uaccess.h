/* uaccess.h: the only ways the kernel touches user memory. Each checks that the
 * range lies in user space and turns a fault into -EFAULT (Linux's copy_from_user
 * promise); a page that is merely not yet allocated is filled in on the way. */
#pragma once
#include "trap.h"
#include "types.h"

/* 0 on success, -EFAULT if any byte of the user range is not accessible. */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
int clear_user(uint64_t udst, size_t n);
/* Copy a NUL-terminated string of at most max-1 bytes. Returns its length, -EFAULT,
 * or -ENAMETOOLONG (or the given too_long error) if no NUL came within max-1 bytes. */
long strncpy_from_user(char *dst, uint64_t usrc, size_t max, int too_long);
/* Read one pointer-sized value (for argv/envp arrays). */
int get_user_u64(uint64_t *dst, uint64_t usrc);
/* The length of a user string, max if there is no NUL in max bytes, or -EFAULT. */
long strnlen_user(uint64_t usrc, size_t max);

bool user_range_ok(uint64_t uaddr, size_t n);
/* Called by trap() for a fault in kernel mode: if it happened inside a copy routine,
 * either fill in a demand page and retry, or make the routine return -EFAULT. */
bool uaccess_fixup(struct trapframe *tf);
