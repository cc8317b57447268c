/* SPDX-License-Identifier: BSD-3-Clause */
/* Counting semaphores: an atomic count and a wait queue. */
#include <errno.h>
#include <uk/semaphore.h>
#include <uk/wait.h>
#include "sched_impl.h"

void uk_semaphore_init(struct uk_semaphore *sem, long count)
{
	sem->count = count;
	uk_waitq_init(&sem->wait);
}

int uk_semaphore_down_try(struct uk_semaphore *sem)
{
	long c = __atomic_load_n(&sem->count, __ATOMIC_RELAXED);

	while (c > 0)
		if (__atomic_compare_exchange_n(&sem->count, &c, c - 1, 0,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 1;
	return 0;
}

int uk_semaphore_down_until(struct uk_semaphore *sem, __nsec deadline)
{
	for (;;) {
		if (uk_semaphore_down_try(sem))
			return 0;
		if (uk_waitq_wait_event_deadline(&sem->wait,
				READ_ONCE(sem->count) > 0, deadline))
			return -ETIMEDOUT;
	}
}

void uk_semaphore_down(struct uk_semaphore *sem)
{
	uk_semaphore_down_until(sem, 0);
}

/* Always through the queue's lock: a waiter queues itself under it
 * before it reads the count, so it either sees the new count or is
 * found and woken here. */
void uk_semaphore_up(struct uk_semaphore *sem)
{
	__atomic_add_fetch(&sem->count, 1, __ATOMIC_RELEASE);
	uk_waitq_wake_up_one(&sem->wait);
}
