/* types.h: fixed-size integer types and a few universal macros for the kernel. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef int pid_t;

#define ARRAY_SIZE(a)                 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a)              ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a)                ALIGN_DOWN((x) + (a)-1, (a))
#define MIN(a, b)                     ((a) < (b) ? (a) : (b))
#define MAX(a, b)                     ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))
#define noreturn                      __attribute__((noreturn))
#define likely(x)                     __builtin_expect(!!(x), 1)
#define unlikely(x)                   __builtin_expect(!!(x), 0)
