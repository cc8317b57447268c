/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks from the host, and each CPU's one-shot timer: a POSIX timer on
 * CLOCK_MONOTONIC that signals its CPU thread (SIGEV_THREAD_ID) with the
 * interrupt signal; the handler in lcpu.c turns it into UKPLAT_IRQ_TIMER.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include "sim.h"

static __thread timer_t cpu_timer;
/* The armed deadline; a timer signal before it is a stale expiry of an
 * earlier one. Read by this thread's signal handler. */
static __thread volatile __nsec cpu_deadline;

static __nsec clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__nsec)ts.tv_sec * 1000000000ULL + (__nsec)ts.tv_nsec;
}

__nsec ukplat_monotonic_clock(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

__nsec ukplat_wall_clock(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void sim_timer_init(pid_t tid)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIM_SIG_IRQ,
	};

	sev._sigev_un._tid = tid;	/* sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &cpu_timer) < 0) {
		perror("amphi: timer_create");
		exit(2);
	}
}

int sim_timer_due(void)
{
	__nsec d = cpu_deadline;

	if (!d || clock_ns(CLOCK_MONOTONIC) < d)
		return 0;
	cpu_deadline = 0;
	return 1;
}

int ukplat_time_set_deadline(__nsec deadline_ns)
{
	struct itimerspec its = { 0 };
	unsigned long flags;
	int rc = 0;

	its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ULL);
	its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ULL);
	flags = ukplat_lcpu_save_irqf();
	/* Deadline first: an expiry of the old timer from now on is stale
	 * unless the new deadline passed too. */
	cpu_deadline = deadline_ns;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	sim_lcpu_clear_pending(UKPLAT_IRQ_TIMER);
	if (timer_settime(cpu_timer, TIMER_ABSTIME, &its, NULL) < 0)
		rc = -errno;
	ukplat_lcpu_restore_irqf(flags);
	return rc;
}
