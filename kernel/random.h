/* random.h: random bytes for AT_RANDOM and getrandom(2). */
#pragma once
#include "types.h"

void random_bytes(void *buf, size_t n);
