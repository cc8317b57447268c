/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spinlocks: SMP-safe, usable from interrupt context. The _irqsave
 * variants also mask interrupts on the local CPU.
 *
 * Test-and-test-and-set, not tickets: our CPUs are always virtual (host
 * threads in sim, vCPUs under QEMU/KVM) and a host deschedules them at
 * will. With a ticket lock, a free lock whose next ticket belongs to a
 * descheduled CPU stalls every other spinner until the host runs that
 * one again; under contention each hand-over then costs a host time
 * slice, the spinners pile up and throughput collapses for good (musl's
 * mutex under 100 threads with -smp 4 in sim: a futex bucket lock taken a
 * few hundred times a second, the test "hung"). Here whichever CPU runs
 * when the lock is free takes it, as Linux does in guests without
 * paravirtual spinlocks (virt_spin_lock). Critical sections are short,
 * so the lost fairness does not starve anyone in practice.
 *
 * A held lock raises the CPU's preemption count (uk/arch/preempt.h), as
 * Linux's spin_lock does: the tick must not switch a holder away while
 * others spin on its lock (for good, if one spins on the holder's own
 * CPU with interrupts masked). Locks are released on the CPU that took
 * them, and a thread does not sleep holding one.
 */
#ifndef __UK_SPINLOCK_H__
#define __UK_SPINLOCK_H__

#include <uk/arch/atomic.h>
#include <uk/arch/preempt.h>
#include <uk/essentials.h>
#include <uk/plat/lcpu.h>

struct uk_spinlock {
	unsigned int locked;
};

#define UK_SPINLOCK_INITIALIZER()	{ 0 }
#define UK_SPINLOCK_DEFINE(name)	\
	struct uk_spinlock name = UK_SPINLOCK_INITIALIZER()

static inline void uk_spin_init(struct uk_spinlock *lock)
{
	lock->locked = 0;
}

/* Spins between two ukplat_lcpu_spin_yield() calls. */
#define UK_SPIN_YIELD_INTERVAL	256

static inline void uk_spin_lock(struct uk_spinlock *lock)
{
	unsigned int spins = 0;

	/* Raised before the lock is ours (no tick in between), but not
	 * while we wait: a waiter holds nothing and may be preempted. */
	uk_preempt_disable();
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		uk_preempt_enable();
		/* Wait with loads only (the line stays shared) until it
		 * looks free, then try again. */
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED)) {
			ukarch_spinwait();
			/* The holder may be a CPU that its host
			 * descheduled; let it run. */
			if (unlikely(++spins == UK_SPIN_YIELD_INTERVAL)) {
				spins = 0;
				ukplat_lcpu_spin_yield();
			}
		}
		uk_preempt_disable();
	}
}

/* Returns 1 if the lock was taken, 0 if it is held by someone. */
static inline int uk_spin_trylock(struct uk_spinlock *lock)
{
	uk_preempt_disable();
	if (!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
	    !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		return 1;
	uk_preempt_enable();
	return 0;
}

static inline void uk_spin_unlock(struct uk_spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	uk_preempt_enable();
}

static inline int uk_spin_is_locked(struct uk_spinlock *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
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
