/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks and sleeps: the system calls clock_gettime, clock_getres,
 * clock_nanosleep, nanosleep, gettimeofday, time, times, getrusage,
 * clock_settime, settimeofday, adjtimex and clock_adjtime
 * over the HAL's monotonic and wall clocks, and what other libraries
 * need to turn an app's timespec into a deadline (futex, pthreads).
 */
#ifndef __UK_TIME_H__
#define __UK_TIME_H__

#include <uk/arch/types.h>

#define UK_NSEC_PER_SEC		1000000000ULL

/* Linux's clock ids. */
#define UK_CLOCK_REALTIME		0
#define UK_CLOCK_MONOTONIC		1
#define UK_CLOCK_PROCESS_CPUTIME_ID	2
#define UK_CLOCK_THREAD_CPUTIME_ID	3
#define UK_CLOCK_MONOTONIC_RAW		4
#define UK_CLOCK_REALTIME_COARSE	5
#define UK_CLOCK_MONOTONIC_COARSE	6
#define UK_CLOCK_BOOTTIME		7

/* Linux's struct timespec on 64-bit ABIs. */
struct uk_timespec {
	long tv_sec;
	long tv_nsec;
};

/* Reads clock clk in ns. Returns 0 or -EINVAL (unknown clock). */
int uk_clock_read(int clk, __nsec *ns);

/* Whose CPU time clock clk counts: CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID, or one of Linux's encoded CPU clocks
 * (clock_getcpuclockid, pthread_getcpuclockid: (~id << 3) | kind, bit 2
 * of kind for a thread, id 0 for the caller). *tid gets the thread's id,
 * 0 for the process's clock. Returns 0, or -EINVAL: not a CPU clock, a
 * bad kind, or no such process or app thread. */
int uk_clock_cpu_owner(int clk, unsigned long *tid);

/* The CPU time of the thread with id tid (0: the process's) in *ns.
 * Returns 0 or -ESRCH (that thread is gone). */
int uk_clock_cpu_read(unsigned long tid, __nsec *ns);

/* Validates ts (0 <= tv_nsec < 1e9, tv_sec >= 0) and returns it in ns
 * (saturated far in the future) in *ns; 0 or -EINVAL. */
int uk_timespec_to_ns(const struct uk_timespec *ts, __nsec *ns);

/* The inverse: ns as seconds and nanoseconds in *ts. */
static inline void uk_ns_to_timespec(struct uk_timespec *ts, __nsec ns)
{
	ts->tv_sec = (long)(ns / UK_NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % UK_NSEC_PER_SEC);
}

/* Turns the absolute time *abs on clock clk (REALTIME or MONOTONIC) into
 * a monotonic-clock deadline. Returns 0, -EINVAL (bad clock or
 * timespec) or -ETIMEDOUT (already passed). */
int uk_time_abs_deadline(int clk, const struct uk_timespec *abs,
			 __nsec *deadline);

/* Reads the app's relative timeout *ut (NULL: none) into a monotonic
 * deadline (0 for none). Returns 0, -EFAULT or -EINVAL. */
int uk_time_rel_deadline_user(const struct uk_timespec *ut,
			      __nsec *deadline);

#endif /* __UK_TIME_H__ */
