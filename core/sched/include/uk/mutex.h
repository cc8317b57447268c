/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mutexes: sleeping locks owned by a thread, recursive (the owner may lock
 * again; it must unlock as often). Uncontended lock and unlock are one
 * atomic operation each; waiters sleep on a wait queue.
 */
#ifndef __UK_MUTEX_H__
#define __UK_MUTEX_H__

#include <uk/thread.h>
#include <uk/wait_types.h>

struct uk_mutex {
	int state;			/* 0 free, 1 locked, 2 with waiters */
	unsigned int lock_count;	/* recursion depth of the owner */
	struct uk_thread *owner;
	struct uk_waitq wait;
};

#define UK_MUTEX_INITIALIZER(m)						\
	{ 0, 0, NULL, UK_WAITQ_INITIALIZER((m).wait) }

/* Initialises an unlocked mutex. */
void uk_mutex_init(struct uk_mutex *m);
/* Locks m, sleeping while another thread owns it. */
void uk_mutex_lock(struct uk_mutex *m);
/* Locks m with a deadline (monotonic ns, 0: none). Returns 0 or
 * -ETIMEDOUT. */
int uk_mutex_lock_until(struct uk_mutex *m, __nsec deadline);
/* Locks m if that needs no waiting. Returns 1 if locked, 0 if not. */
int uk_mutex_trylock(struct uk_mutex *m);
/* Unlocks m (once per lock); the caller must own it. */
void uk_mutex_unlock(struct uk_mutex *m);
/* Returns nonzero if some thread owns m. */
static inline int uk_mutex_is_locked(struct uk_mutex *m)
{
	return __atomic_load_n(&m->state, __ATOMIC_RELAXED) != 0;
}

#endif /* __UK_MUTEX_H__ */
