/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wait queues. The lock order is wait queue, then scheduler: wakers hold
 * the queue's lock while they wake threads, and a waiter queues itself
 * and marks itself blocked under the same lock.
 */
#include <uk/wait.h>
#include "sched_impl.h"

void uk_waitq_prepare(struct uk_waitq *wq, struct uk_waitq_entry *e,
		      __nsec deadline)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&wq->lock, flags);
	if (uk_list_empty(&e->link))
		uk_list_add_tail(&e->link, &wq->waiters);
	e->thread->wq = wq;
	e->thread->wq_entry = e;
	uk_thread_block_until(e->thread, deadline);
	uk_spin_unlock_irqrestore(&wq->lock, flags);
}

int uk_waitq_finish(struct uk_waitq *wq, struct uk_waitq_entry *e)
{
	unsigned long flags;
	int queued;

	uk_spin_lock_irqsave(&wq->lock, flags);
	queued = !uk_list_empty(&e->link);
	uk_list_del(&e->link);
	e->thread->wq = NULL;
	e->thread->wq_entry = NULL;
	uk_spin_unlock_irqrestore(&wq->lock, flags);
	/* Stopped waiting without being woken (condition already true,
	 * timeout): runnable again, and out of the sleep queue. */
	uk_thread_wake(e->thread);
	return queued;
}

static int wake(struct uk_waitq *wq, int max)
{
	struct uk_waitq_entry *e;
	unsigned long flags;
	int n = 0;

	uk_spin_lock_irqsave(&wq->lock, flags);
	while (n != max && !uk_list_empty(&wq->waiters)) {
		e = uk_list_first_entry(&wq->waiters, struct uk_waitq_entry,
					link);
		uk_list_del(&e->link);
		uk_thread_wake(e->thread);
		n++;
	}
	uk_spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

int uk_waitq_wake_up(struct uk_waitq *wq)
{
	return wake(wq, -1);
}

int uk_waitq_wake_up_one(struct uk_waitq *wq)
{
	return wake(wq, 1);
}
