/* printf.h: formatted output for the kernel: the console, and strings. */
#pragma once
#include <stdarg.h>
#include "types.h"

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Print to the console. One call's output is never interleaved with other CPUs'. */
void kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Stop everything and report: see panic.c. */
noreturn void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);
