/* power.h: turning QEMU off with a status. */
#pragma once
#include "types.h"

/* The status for a kernel panic. QEMU's isa-debug-exit turns a status s into the
 * process exit code (s << 1) | 1, so a panic exits QEMU with 255. */
#define POWER_STATUS_PANIC 0x7f

/* Print "lark: power off, status N" and leave QEMU with that status (see README). */
noreturn void power_off(int status);
