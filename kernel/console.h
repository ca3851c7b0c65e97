/* console.h: the console: kernel messages, and the terminal user programs read and
 * write (with line editing on input). */
#pragma once
#include "types.h"

void console_init(void);
/* Kernel messages: each call's text is written as a unit, starting on a new line. */
void console_write_kernel(const char *s, size_t n);
/* Output from user programs (already copied into the kernel). */
void console_write(const char *s, size_t n);
/* Read up to n bytes of the current input line into a kernel buffer; sleeps until a
 * line (or end of file) is ready, unless nonblock. Returns the count, 0 at end of
 * file, -EAGAIN (nonblock, no line yet) or -EINTR. */
ssize_t console_read(char *dst, size_t n, bool nonblock);
void console_intr(void);
/* Called by panic: write without waiting for the lock another CPU may hold forever. */
void console_panic_mode(void);
