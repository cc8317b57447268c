/* SPDX-License-Identifier: BSD-3-Clause */
/* Condition variables over uk_mutex. */
#ifndef __UK_CONDVAR_H__
#define __UK_CONDVAR_H__

#include <uk/mutex.h>
#include <uk/wait_types.h>

struct uk_condvar {
	struct uk_waitq wait;
};

#define UK_CONDVAR_INITIALIZER(c)	{ UK_WAITQ_INITIALIZER((c).wait) }

void uk_condvar_init(struct uk_condvar *cv);
/* Unlocks m (held once by the caller), sleeps until signalled, locks m
 * again. Wake-ups may be spurious: callers re-check their condition. */
void uk_condvar_wait(struct uk_condvar *cv, struct uk_mutex *m);
/* Like uk_condvar_wait with a deadline (monotonic ns). Returns 0 if
 * signalled, -ETIMEDOUT if the deadline passed; m is locked again. */
int uk_condvar_wait_until(struct uk_condvar *cv, struct uk_mutex *m,
			  __nsec deadline);
/* Wakes one waiter / all waiters. ISR-safe. */
void uk_condvar_signal(struct uk_condvar *cv);
void uk_condvar_broadcast(struct uk_condvar *cv);

#endif /* __UK_CONDVAR_H__ */
