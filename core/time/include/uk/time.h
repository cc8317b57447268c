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
#include <uk/list.h>

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

/*
 * A deadline of a wait, on the monotonic clock, which a wait on an
 * absolute CLOCK_REALTIME time re-derives after each step of the wall
 * clock (clock_settime, settimeofday), as Linux's realtime hrtimers
 * follow it: a step forward past the time ends the wait, a step back
 * makes it longer. A wait loop looks like:
 *
 *	uk_deadline_wait_begin(&d);
 *	for (;;) {
 *		at = uk_deadline_at(&d);
 *		uk_thread_block_until(self, at);
 *		(fence; done, interrupted or at passed: break)
 *		if (uk_deadline_stale(&d)) { uk_thread_wake(self); continue; }
 *		uk_sched_yield();
 *	}
 *	uk_deadline_wait_end(&d);
 */
struct uk_deadline {
	__nsec at;		/* monotonic; 0: none */
	__nsec wall;		/* a realtime deadline's time; 0: monotonic */
	unsigned long steps;	/* uk_time_steps() when at was derived */
};

/* d as the absolute time *abs on clk (REALTIME or MONOTONIC). Returns 0,
 * -EINVAL (bad clock or timespec) or -ETIMEDOUT (already passed). */
int uk_deadline_abs(struct uk_deadline *d, int clk,
		    const struct uk_timespec *abs);

/* d as the monotonic deadline at (0: none), which steps do not move. */
static inline void uk_deadline_mono(struct uk_deadline *d, __nsec at)
{
	d->at = at;
	d->wall = 0;
	d->steps = 0;
}

/* d's monotonic deadline now (0: none); at least 1 once it passed. */
__nsec uk_deadline_at(struct uk_deadline *d);

/* 1 if the wall clock was stepped since uk_deadline_at() derived d's
 * deadline: a waiter that blocked until it makes itself runnable and
 * looks again rather than sleep to a stale time. */
int uk_deadline_stale(const struct uk_deadline *d);

/* Brackets a wait for d in the calling thread: a realtime deadline's
 * thread is woken by each step while it waits (spuriously, for it). */
void uk_deadline_wait_begin(const struct uk_deadline *d);
void uk_deadline_wait_end(const struct uk_deadline *d);

/* Steps of the wall clock so far. */
unsigned long uk_time_steps(void);

/* Something that follows wall-clock steps beyond waits (timers):
 * stepped(h, delta) runs after each step, under a spinlock with
 * interrupts off (ISR-safe work only), with the step in ns (the new
 * wall time minus the old one). */
struct uk_time_step_hook {
	struct uk_list link;
	void (*stepped)(struct uk_time_step_hook *h, __s64 delta);
};

/* Adds h / removes h; h->link is initialised (UK_LIST_HEAD_INIT) before
 * the first call, and adding an added hook or removing one that is not
 * does nothing. After removal stepped() never runs. */
void uk_time_step_hook_add(struct uk_time_step_hook *h);
void uk_time_step_hook_del(struct uk_time_step_hook *h);

/* Reads the app's relative timeout *ut (NULL: none) into a monotonic
 * deadline (0 for none). Returns 0, -EFAULT or -EINVAL. */
int uk_time_rel_deadline_user(const struct uk_timespec *ut,
			      __nsec *deadline);

#endif /* __UK_TIME_H__ */
