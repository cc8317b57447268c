/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ticket spinlocks: fair, SMP-safe, usable from interrupt context. The
 * _irqsave variants also mask interrupts on the local CPU.
 */
#ifndef __UK_SPINLOCK_H__
#define __UK_SPINLOCK_H__

#include <uk/arch/atomic.h>
#include <uk/essentials.h>
#include <uk/plat/lcpu.h>

struct uk_spinlock {
	unsigned short next;
	unsigned short owner;
};

#define UK_SPINLOCK_INITIALIZER()	{ 0, 0 }
#define UK_SPINLOCK_DEFINE(name)	\
	struct uk_spinlock name = UK_SPINLOCK_INITIALIZER()

static inline void uk_spin_init(struct uk_spinlock *lock)
{
	lock->next = 0;
	lock->owner = 0;
}

/* Spins between two ukplat_lcpu_spin_yield() calls. */
#define UK_SPIN_YIELD_INTERVAL	256

static inline void uk_spin_lock(struct uk_spinlock *lock)
{
	unsigned short ticket = __atomic_fetch_add(&lock->next, 1,
						   __ATOMIC_RELAXED);
	unsigned int spins = 0;

	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket) {
		ukarch_spinwait();
		/* The holder (or the next in line) may be a CPU that its
		 * host descheduled; let it run. */
		if (unlikely(++spins == UK_SPIN_YIELD_INTERVAL)) {
			spins = 0;
			ukplat_lcpu_spin_yield();
		}
	}
}

/* Returns 1 if the lock was taken, 0 if it is held by someone. */
static inline int uk_spin_trylock(struct uk_spinlock *lock)
{
	unsigned short owner = __atomic_load_n(&lock->owner,
					       __ATOMIC_RELAXED);
	unsigned short expected = owner;

	return __atomic_compare_exchange_n(&lock->next, &expected,
					   (unsigned short)(owner + 1), 0,
					   __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void uk_spin_unlock(struct uk_spinlock *lock)
{
	__atomic_store_n(&lock->owner, (unsigned short)(lock->owner + 1),
			 __ATOMIC_RELEASE);
}

static inline int uk_spin_is_locked(struct uk_spinlock *lock)
{
	return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&lock->next, __ATOMIC_RELAXED);
}

#define uk_spin_lock_irqsave(lock, flags)				\
	do {								\
		(flags) = ukplat_lcpu_save_irqf();			\
		uk_spin_lock(lock);					\
	} while (0)

#define uk_spin_unlock_irqrestore(lock, flags)				\
	do {								\
		uk_spin_unlock(lock);					\
		ukplat_lcpu_restore_irqf(flags);			\
	} while (0)

#endif /* __UK_SPINLOCK_H__ */
