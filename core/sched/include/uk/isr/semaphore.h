/* SPDX-License-Identifier: BSD-3-Clause */
/* Semaphore operations safe in interrupt context (they never sleep). */
#ifndef __UK_ISR_SEMAPHORE_H__
#define __UK_ISR_SEMAPHORE_H__

#include <uk/semaphore.h>

static inline int uk_semaphore_down_try_isr(struct uk_semaphore *sem)
{
	return uk_semaphore_down_try(sem);
}

static inline void uk_semaphore_up_isr(struct uk_semaphore *sem)
{
	uk_semaphore_up(sem);
}

#endif /* __UK_ISR_SEMAPHORE_H__ */
