/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mutex operations safe in interrupt context: they never sleep, take only
 * interrupt-safe spinlocks and use no FPU/SIMD registers.
 */
#ifndef __UK_ISR_MUTEX_H__
#define __UK_ISR_MUTEX_H__

#include <uk/mutex.h>

/* Like uk_mutex_trylock; the owner recorded is the interrupted thread. */
static inline int uk_mutex_trylock_isr(struct uk_mutex *m)
{
	return uk_mutex_trylock(m);
}

/* Like uk_mutex_unlock (wakes a waiter without sleeping). */
static inline void uk_mutex_unlock_isr(struct uk_mutex *m)
{
	uk_mutex_unlock(m);
}

#endif /* __UK_ISR_MUTEX_H__ */
