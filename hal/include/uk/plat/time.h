/* SPDX-License-Identifier: BSD-3-Clause */
/* Clocks and the per-CPU one-shot timer. */
#ifndef __UK_PLAT_TIME_H__
#define __UK_PLAT_TIME_H__

#include <uk/arch/types.h>

#define UKPLAT_TIME_TICK_NSEC	1000000ULL
#define ukarch_time_sec_to_nsec(s)	((__nsec)(s) * 1000000000ULL)
#define ukarch_time_msec_to_nsec(m)	((__nsec)(m) * 1000000ULL)
#define ukarch_time_usec_to_nsec(u)	((__nsec)(u) * 1000ULL)
#define ukarch_time_nsec_to_sec(n)	((n) / 1000000000ULL)

/* Nanoseconds since an arbitrary point before boot; never goes back. */
__nsec ukplat_monotonic_clock(void);
/* Nanoseconds since the Unix epoch (wall clock). */
__nsec ukplat_wall_clock(void);
/* Steps the wall clock to ns since the epoch (clock_settime); the
 * monotonic clock does not change. */
void ukplat_wall_clock_set(__nsec ns);
/* A cheap, fast-moving count for CPU-time accounting, read at every
 * context switch (the TSC on x86): monotonic per CPU, comparable across
 * CPUs within a tick or so. */
__u64 ukplat_cpu_ticks(void);
/* A number of ukplat_cpu_ticks ticks in nanoseconds. */
__nsec ukplat_cpu_ticks_to_ns(__u64 ticks);

/* Arms this CPU's one-shot timer to fire UKPLAT_IRQ_TIMER once on this
 * CPU when the monotonic clock reaches deadline_ns (0 disarms). A new call
 * replaces the previous deadline, including a timer interrupt that fired
 * but is still pending (masked); a deadline in the past fires at once.
 * Returns 0 or -errno. */
int ukplat_time_set_deadline(__nsec deadline_ns);

#endif /* __UK_PLAT_TIME_H__ */
