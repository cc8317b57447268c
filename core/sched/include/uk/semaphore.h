/* SPDX-License-Identifier: BSD-3-Clause */
/* Counting semaphores. */
#ifndef __UK_SEMAPHORE_H__
#define __UK_SEMAPHORE_H__

#include <uk/arch/types.h>
#include <uk/wait_types.h>

struct uk_semaphore {
	long count;
	struct uk_waitq wait;
};

#define UK_SEMAPHORE_INITIALIZER(s, n)					\
	{ (n), UK_WAITQ_INITIALIZER((s).wait) }

/* Initialises sem with count. */
void uk_semaphore_init(struct uk_semaphore *sem, long count);
/* Takes one unit, sleeping until one is there. */
void uk_semaphore_down(struct uk_semaphore *sem);
/* Takes one unit if there is one. Returns 1 if taken, else 0. */
int uk_semaphore_down_try(struct uk_semaphore *sem);
/* Takes one unit, waiting at most until deadline (monotonic ns; 0: no
 * limit). Returns 0 or -ETIMEDOUT. */
int uk_semaphore_down_until(struct uk_semaphore *sem, __nsec deadline);
/* Gives one unit back and wakes a waiter. ISR-safe. */
void uk_semaphore_up(struct uk_semaphore *sem);

#endif /* __UK_SEMAPHORE_H__ */
