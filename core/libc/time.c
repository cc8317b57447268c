/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks, sleeping and yielding over the HAL's monotonic and wall clocks
 * and the scheduler. Nothing can interrupt a sleep (there are no
 * signals), so no call here fails with EINTR or writes a remainder.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include "pthread_impl.h"

/* The CPU-time clocks count from here: the kernel is the one process. */
static __nsec boot_ns;

static int time_init(struct uk_init_ctx *ctx)
{
	boot_ns = ukplat_monotonic_clock();
	return 0;
}
uk_early_initcall(time_init, NULL);

int clock_read_ns(clockid_t clk, __nsec *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ukplat_wall_clock();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ukplat_monotonic_clock();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		/* No CPU-time accounting: time since boot bounds it. */
		*ns = ukplat_monotonic_clock() - boot_ns;
		return 0;
	default:
		return -EINVAL;
	}
}

int timespec_to_ns(const struct timespec *ts, __nsec *ns)
{
	if (ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC ||
	    ts->tv_sec < 0)
		return -EINVAL;
	if ((__nsec)ts->tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1)
		*ns = UINT64_MAX / 2;	/* forever, without overflows */
	else
		*ns = (__nsec)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
	return 0;
}

int abstime_to_deadline(clockid_t clk, const struct timespec *abstime,
			__nsec *deadline)
{
	__nsec target, now, mono;

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	if (!abstime || abstime->tv_nsec < 0 ||
	    abstime->tv_nsec >= (long)NSEC_PER_SEC)
		return EINVAL;
	if (abstime->tv_sec < 0)
		return ETIMEDOUT;
	timespec_to_ns(abstime, &target);
	mono = ukplat_monotonic_clock();
	now = clk == CLOCK_MONOTONIC ? mono : ukplat_wall_clock();
	if (target <= now)
		return ETIMEDOUT;
	*deadline = mono + (target - now);
	if (*deadline < mono)
		*deadline = UINT64_MAX / 2;
	return 0;
}

/* Stores ns in the app's *ts; -1 + EFAULT on a bad pointer (as the
 * system call gives on Linux), 0 otherwise. */
static int put_timespec(struct timespec *ts, __nsec ns)
{
	struct timespec k = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	if (uk_copy_to_user(ts, &k, sizeof(k)) < 0) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	__nsec ns;

	if (clock_read_ns(clk, &ns) < 0) {
		errno = EINVAL;
		return -1;
	}
	return put_timespec(ts, ns);
}

int clock_getres(clockid_t clk, struct timespec *res)
{
	__nsec ns;

	if (clock_read_ns(clk, &ns) < 0) {
		errno = EINVAL;
		return -1;
	}
	return res ? put_timespec(res, 1) : 0;
}

/* Sleeps until clock clk reaches target ns; the deadline is re-derived
 * after each wake-up, since the wall clock may be set meanwhile. */
static void sleep_until(clockid_t clk, __nsec target)
{
	__nsec now, mono;

	for (;;) {
		mono = ukplat_monotonic_clock();
		if (clk == CLOCK_MONOTONIC)
			now = mono;
		else
			now = ukplat_wall_clock();
		if (now >= target)
			return;
		uk_sched_thread_sleep_until(mono + (target - now));
	}
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *ureq,
		    struct timespec *rem)
{
	struct timespec kreq, *req = &kreq;
	__nsec ns, now;

	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return EINVAL;
	if (clk == CLOCK_PROCESS_CPUTIME_ID)
		return ENOTSUP;
	if (clock_read_ns(clk, &now) < 0)
		return EINVAL;
	if (uk_copy_from_user(&kreq, ureq, sizeof(kreq)) < 0)
		return EFAULT;
	if (flags & ~TIMER_ABSTIME)
		return EINVAL;
	if (flags & TIMER_ABSTIME) {
		/* A negative absolute time has passed already. */
		if (req->tv_sec < 0 && req->tv_nsec >= 0 &&
		    req->tv_nsec < (long)NSEC_PER_SEC)
			return 0;
		if (timespec_to_ns(req, &ns) < 0)
			return EINVAL;
	} else {
		if (timespec_to_ns(req, &ns) < 0)
			return EINVAL;
		ns = now + ns < now ? UINT64_MAX / 2 : now + ns;
	}
	if (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE)
		sleep_until(CLOCK_REALTIME, ns);
	else
		sleep_until(CLOCK_MONOTONIC, ns);
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);

	if (rc) {
		errno = rc;
		return -1;
	}
	return 0;
}

unsigned int sleep(unsigned int seconds)
{
	struct timespec ts = { .tv_sec = seconds };

	nanosleep(&ts, NULL);
	return 0;
}

int usleep(useconds_t usec)
{
	uk_sched_thread_sleep(ukarch_time_usec_to_nsec(usec));
	return 0;
}

time_t time(time_t *t)
{
	time_t now = ukplat_wall_clock() / NSEC_PER_SEC;

	if (t)
		*t = now;
	return now;
}

clock_t clock(void)
{
	__nsec ns;

	clock_read_ns(CLOCK_PROCESS_CPUTIME_ID, &ns);
	return ns / (NSEC_PER_SEC / CLOCKS_PER_SEC);
}

int gettimeofday(struct timeval *tv, void *tz)
{
	__nsec ns = ukplat_wall_clock();
	struct timeval ktv = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_usec = (ns % NSEC_PER_SEC) / 1000,
	};
	struct timezone ktz = { 0, 0 };

	if ((tv && uk_copy_to_user(tv, &ktv, sizeof(ktv)) < 0) ||
	    (tz && uk_copy_to_user(tz, &ktz, sizeof(ktz)) < 0)) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

int sched_yield(void)
{
	uk_sched_yield();
	return 0;
}

int sched_getcpu(void)
{
	return ukplat_lcpu_idx();
}

int sched_get_priority_min(int policy)
{
	if (policy != SCHED_OTHER && policy != SCHED_FIFO &&
	    policy != SCHED_RR && policy != SCHED_BATCH &&
	    policy != SCHED_IDLE) {
		errno = EINVAL;
		return -1;
	}
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : 0;
}

int sched_get_priority_max(int policy)
{
	if (sched_get_priority_min(policy) < 0)
		return -1;
	return policy == SCHED_FIFO || policy == SCHED_RR ? 99 : 0;
}

int __sched_cpucount(size_t size, const cpu_set_t *set)
{
	unsigned long w;
	size_t i;
	int n = 0;

	/* No popcount builtin: baseline x86-64 would call into libgcc. */
	for (i = 0; i < size / sizeof(set->__bits[0]); i++)
		for (w = set->__bits[i]; w; w &= w - 1)
			n++;
	return n;
}
