/* SPDX-License-Identifier: BSD-3-Clause */
/* Condition variables: a wait queue the waiter joins before unlocking. */
#include <errno.h>
#include <uk/condvar.h>
#include <uk/wait.h>
#include "sched_impl.h"

void uk_condvar_init(struct uk_condvar *cv)
{
	uk_waitq_init(&cv->wait);
}

int uk_condvar_wait_until(struct uk_condvar *cv, struct uk_mutex *m,
			  __nsec deadline)
{
	struct uk_waitq_entry e = { .thread = uk_thread_current() };
	unsigned int depth = m->lock_count;
	int not_woken;

	/* Queued before the mutex is released: a signal sent right after
	 * the unlock finds this thread. */
	uk_list_init(&e.link);
	uk_waitq_prepare(&cv->wait, &e, deadline);
	m->lock_count = 1;
	uk_mutex_unlock(m);
	uk_sched_yield();
	not_woken = uk_waitq_finish(&cv->wait, &e);
	uk_mutex_lock(m);
	m->lock_count = depth;
	if (not_woken && deadline && ukplat_monotonic_clock() >= deadline)
		return -ETIMEDOUT;
	return 0;
}

void uk_condvar_wait(struct uk_condvar *cv, struct uk_mutex *m)
{
	uk_condvar_wait_until(cv, m, 0);
}

void uk_condvar_signal(struct uk_condvar *cv)
{
	uk_waitq_wake_up_one(&cv->wait);
}

void uk_condvar_broadcast(struct uk_condvar *cv)
{
	uk_waitq_wake_up(&cv->wait);
}
