/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mutexes after Drepper's "Futexes are tricky": state 0 free, 1 locked,
 * 2 locked and maybe contended. Only an unlock that finds 2 looks at the
 * wait queue, so the uncontended paths are one atomic operation.
 */
#include <errno.h>
#include <uk/mutex.h>
#include <uk/wait.h>
#include "sched_impl.h"

void uk_mutex_init(struct uk_mutex *m)
{
	m->state = 0;
	m->lock_count = 0;
	m->owner = NULL;
	uk_waitq_init(&m->wait);
}

static int acquire_contended(struct uk_mutex *m, __nsec deadline)
{
	for (;;) {
		if (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) == 0)
			return 0;
		if (uk_waitq_wait_event_deadline(&m->wait,
				READ_ONCE(m->state) != 2, deadline))
			return -ETIMEDOUT;
	}
}

int uk_mutex_lock_until(struct uk_mutex *m, __nsec deadline)
{
	struct uk_thread *self = uk_thread_current();
	int free = 0, rc;

	if (m->lock_count && m->owner == self) {
		m->lock_count++;
		return 0;
	}
	if (!__atomic_compare_exchange_n(&m->state, &free, 1, 0,
					 __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED)) {
		rc = acquire_contended(m, deadline);
		if (rc)
			return rc;
	}
	m->owner = self;
	m->lock_count = 1;
	return 0;
}

void uk_mutex_lock(struct uk_mutex *m)
{
	uk_mutex_lock_until(m, 0);
}

int uk_mutex_trylock(struct uk_mutex *m)
{
	struct uk_thread *self = uk_thread_current();
	int free = 0;

	if (m->lock_count && m->owner == self) {
		m->lock_count++;
		return 1;
	}
	if (!__atomic_compare_exchange_n(&m->state, &free, 1, 0,
					 __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return 0;
	m->owner = self;
	m->lock_count = 1;
	return 1;
}

void uk_mutex_unlock(struct uk_mutex *m)
{
	UK_ASSERT(m->lock_count > 0);
	if (--m->lock_count)
		return;
	m->owner = NULL;
	if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
		uk_waitq_wake_up_one(&m->wait);
}
