/* time.h: clocks: nanoseconds since boot from the TSC, wall time from the RTC. */
#pragma once
#include "types.h"

void time_set_tsc_hz(uint64_t hz);
uint64_t time_tsc_hz(void);
void time_init(void);            /* read the real-time clock once */
uint64_t time_ns(void);          /* monotonic nanoseconds since boot */
uint64_t time_realtime_ns(void); /* nanoseconds since 1970 */
void time_delay_us(uint64_t us); /* busy wait */
