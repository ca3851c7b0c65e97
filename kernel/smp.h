/* smp.h: starting the other CPUs. */
#pragma once
#include "types.h"

void smp_start_aps(void);
noreturn void ap_main(void);
