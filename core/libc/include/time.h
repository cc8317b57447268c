/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks and sleeping (core/libc/time.c), with the Linux clock ids. There
 * are no signals, so a sleep is never interrupted (no EINTR).
 */
#ifndef _TIME_H
#define _TIME_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __timespec_defined
#define __timespec_defined
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};
#endif

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7

#define TIMER_ABSTIME			1

#define CLOCKS_PER_SEC			1000000L

/* Reads clock clk into *ts. The CPU-time clocks are approximated by the
 * time since boot. Returns 0 or -1 + errno (EINVAL bad clock, EFAULT). */
int clock_gettime(clockid_t clk, struct timespec *ts);
/* Stores clk's resolution in *res (may be NULL). Returns 0 or -1 + errno
 * (EINVAL bad clock). */
int clock_getres(clockid_t clk, struct timespec *res);
/* Sleeps at least *req. Returns 0 or -1 + errno (EINVAL bad timespec,
 * EFAULT NULL req); *rem is never written (no signals). */
int nanosleep(const struct timespec *req, struct timespec *rem);
/* Sleeps *req on clock clk, or until clk reaches *req with TIMER_ABSTIME
 * in flags. Returns 0 or an error number (EINVAL, ENOTSUP, EFAULT). */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem);
/* Seconds since the Epoch, also stored in *t if t is not NULL. */
time_t time(time_t *t);
/* Processor time used, in CLOCKS_PER_SEC units (approximated by the time
 * since boot). */
clock_t clock(void);

#ifdef __cplusplus
}
#endif

#endif /* _TIME_H */
