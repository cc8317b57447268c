/* SPDX-License-Identifier: BSD-3-Clause */
/* Event queues of files (uk/file.h). */
#include <uk/file.h>

void uk_pollq_init(struct uk_pollq *q)
{
	uk_spin_init(&q->lock);
	uk_list_init(&q->waiters);
}

void uk_pollq_add(struct uk_pollq *q, struct uk_poll_waiter *w)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&q->lock, flags);
	if (uk_list_empty(&w->link))
		uk_list_add_tail(&w->link, &q->waiters);
	uk_spin_unlock_irqrestore(&q->lock, flags);
}

void uk_pollq_del(struct uk_pollq *q, struct uk_poll_waiter *w)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&q->lock, flags);
	uk_list_del(&w->link);
	uk_spin_unlock_irqrestore(&q->lock, flags);
}

int uk_pollq_notify(struct uk_pollq *q, unsigned int events)
{
	struct uk_list *pos, *next;
	unsigned long flags;
	int called = 0;

	/* Most notifications find nobody waiting: skip the lock then. The
	 * fence pairs with uk_file_wait(): the caller's state change is
	 * visible before we look at the list. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (uk_list_empty(&q->waiters))
		return 0;
	uk_spin_lock_irqsave(&q->lock, flags);
	uk_list_for_each_safe(pos, next, &q->waiters) {
		struct uk_poll_waiter *w;

		w = uk_list_entry(pos, struct uk_poll_waiter, link);
		if (!(w->mask & events))
			continue;
		w->wake(w, events & w->mask);
		called++;
	}
	uk_spin_unlock_irqrestore(&q->lock, flags);
	return called;
}
