/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wait queues: threads sleep on a queue until a condition holds.
 *
 *   uk_waitq_wait_event(&q, ready != 0);      // in the waiting thread
 *   ready = 1; uk_waitq_wake_up(&q);          // in the waker (ISR-safe)
 *
 * The condition is checked after the thread is queued and marked blocked,
 * so a wake-up between the check and the switch is never lost.
 */
#ifndef __UK_WAIT_H__
#define __UK_WAIT_H__

#include <uk/list.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/spinlock.h>
#include <uk/thread.h>
#include <uk/wait_types.h>

static inline void uk_waitq_init(struct uk_waitq *wq)
{
	uk_spin_init(&wq->lock);
	uk_list_init(&wq->waiters);
}

static inline int uk_waitq_empty(struct uk_waitq *wq)
{
	return uk_list_empty(&wq->waiters);
}

/* Queues e (if not queued) and blocks its thread until deadline. */
void uk_waitq_prepare(struct uk_waitq *wq, struct uk_waitq_entry *e,
		      __nsec deadline);
/* Dequeues e and makes its (running) thread runnable again. Returns 1 if
 * e was still queued (nobody woke it through the queue), else 0. */
int uk_waitq_finish(struct uk_waitq *wq, struct uk_waitq_entry *e);
/* Wakes every waiter / the first one. Return the number woken. ISR-safe. */
int uk_waitq_wake_up(struct uk_waitq *wq);
int uk_waitq_wake_up_one(struct uk_waitq *wq);

/* Waits until cond holds or the monotonic clock reaches deadline (0:
 * never). Evaluates to 1 on timeout (cond false), else 0. */
#define uk_waitq_wait_event_deadline(wq, cond, deadline)		\
	({								\
		struct uk_waitq_entry __wq_e = {			\
			.thread = uk_thread_current(),			\
			.link = UK_LIST_HEAD_INIT(__wq_e.link),		\
		};							\
		__nsec __wq_dl = (deadline);				\
		int __wq_to = 0;					\
									\
		for (;;) {						\
			uk_waitq_prepare((wq), &__wq_e, __wq_dl);	\
			if (cond)					\
				break;					\
			if (__wq_dl &&					\
			    ukplat_monotonic_clock() >= __wq_dl) {	\
				__wq_to = 1;				\
				break;					\
			}						\
			uk_sched_yield();				\
		}							\
		uk_waitq_finish((wq), &__wq_e);				\
		__wq_to;						\
	})

#define uk_waitq_wait_event(wq, cond)					\
	((void)uk_waitq_wait_event_deadline(wq, cond, 0))

#endif /* __UK_WAIT_H__ */
