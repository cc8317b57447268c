/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupt handler registry and dispatch, shared by every backend.
 *
 * A fixed table of (handler, arg) slots per vector: registering never
 * allocates, and dispatch reads the slots without a lock. A slot's
 * handler is published last (release) and cleared first, and
 * ukplat_irq_unregister() waits until no other CPU is inside a dispatch
 * that may still use the slot, so a slot never pairs one registration's
 * handler with another's argument.
 */
#include <errno.h>
#include <uk/arch/atomic.h>
#include <uk/essentials.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/spinlock.h>
#include "lcpu_run.h"

struct irq_slot {
	uk_intctlr_irq_handler_t handler;	/* NULL: not called */
	void *arg;
	int dying;		/* unregistered, others may still use it */
};

static struct irq_slot irq_table[UKPLAT_IRQ_COUNT][UKPLAT_IRQ_HANDLERS_MAX];
static UK_SPINLOCK_DEFINE(irq_lock);	/* serializes writers */
static unsigned long irq_spurious;

/* Device vectors handed out by ukplat_irq_alloc, a bit each. */
#define IRQ_WORD_BITS	(8 * sizeof(unsigned long))
static unsigned long irq_used[DIV_ROUND_UP(UKPLAT_IRQ_COUNT,
					   IRQ_WORD_BITS)];

/* Per CPU: odd while the CPU dispatches (incremented on entry and exit). */
static struct {
	unsigned long seq;
} __align(64) irq_dispatch[UKPLAT_LCPU_MAXCOUNT];

int ukplat_irq_register(unsigned long irq, uk_intctlr_irq_handler_t handler,
			void *arg)
{
	struct irq_slot *slot;
	unsigned long flags;
	int i, rc = -ENOMEM;

	if (irq >= UKPLAT_IRQ_COUNT || !handler)
		return -EINVAL;
	uk_spin_lock_irqsave(&irq_lock, flags);
	for (i = 0; i < UKPLAT_IRQ_HANDLERS_MAX; i++) {
		slot = &irq_table[irq][i];
		if (slot->handler || slot->dying)
			continue;
		slot->arg = arg;
		ukarch_store_n(&slot->handler, handler);
		rc = 0;
		break;
	}
	uk_spin_unlock_irqrestore(&irq_lock, flags);
	return rc;
}

int ukplat_irq_alloc(void)
{
	unsigned long irq, *w, old;

	for (irq = UKPLAT_IRQ_DEVICE_BASE; irq < UKPLAT_IRQ_COUNT; irq++) {
		w = &irq_used[irq / IRQ_WORD_BITS];
		old = __atomic_fetch_or(w, 1UL << (irq % IRQ_WORD_BITS),
					__ATOMIC_ACQ_REL);
		if (!(old & (1UL << (irq % IRQ_WORD_BITS))))
			return (int)irq;
	}
	return -ENOSPC;
}

int ukplat_irq_free(unsigned long irq)
{
	unsigned long bit = 1UL << (irq % IRQ_WORD_BITS), old;

	if (irq < UKPLAT_IRQ_DEVICE_BASE || irq >= UKPLAT_IRQ_COUNT)
		return -EINVAL;
	old = __atomic_fetch_and(&irq_used[irq / IRQ_WORD_BITS], ~bit,
				 __ATOMIC_ACQ_REL);
	return old & bit ? 0 : -EINVAL;
}

/* Waits until every other CPU that was dispatching when we looked has
 * left that dispatch; a CPU entering later sees the cleared slot. */
static void irq_sync_others(void)
{
	__lcpuidx self = ukplat_lcpu_idx();
	unsigned long seq;
	unsigned int i;

	/* From a handler: two CPUs doing this would wait for each other. */
	if (__atomic_load_n(&irq_dispatch[self].seq, __ATOMIC_RELAXED) & 1)
		return;
	for (i = 0; i < ukplat_lcpu_count(); i++) {
		if (i == self)
			continue;
		seq = __atomic_load_n(&irq_dispatch[i].seq, __ATOMIC_SEQ_CST);
		if (!(seq & 1))
			continue;
		while (__atomic_load_n(&irq_dispatch[i].seq,
				       __ATOMIC_ACQUIRE) == seq)
			ukarch_spinwait();
	}
}

int ukplat_irq_unregister(unsigned long irq, uk_intctlr_irq_handler_t handler,
			  void *arg)
{
	struct irq_slot *slot;
	unsigned long flags;
	int i, rc = -ENOENT;

	if (irq >= UKPLAT_IRQ_COUNT || !handler)
		return -EINVAL;
	uk_spin_lock_irqsave(&irq_lock, flags);
	for (i = 0; i < UKPLAT_IRQ_HANDLERS_MAX; i++) {
		slot = &irq_table[irq][i];
		if (slot->handler != handler || slot->arg != arg)
			continue;
		slot->dying = 1;
		__atomic_store_n(&slot->handler, NULL, __ATOMIC_SEQ_CST);
		rc = 0;
		break;
	}
	uk_spin_unlock_irqrestore(&irq_lock, flags);
	if (rc)
		return rc;
	/* Outside the lock: a handler elsewhere may register meanwhile. */
	irq_sync_others();
	uk_spin_lock_irqsave(&irq_lock, flags);
	slot->dying = 0;
	uk_spin_unlock_irqrestore(&irq_lock, flags);
	return 0;
}

static int irq_run_handlers(unsigned long irq, struct __regs *regs)
{
	uk_intctlr_irq_handler_t handler;
	struct irq_slot *slot;
	int i;

	for (i = 0; i < UKPLAT_IRQ_HANDLERS_MAX; i++) {
		slot = &irq_table[irq][i];
		handler = ukarch_load_n(&slot->handler);
		if (handler && handler(slot->arg, regs))
			return 1;
	}
	return 0;
}

void __uk_entry ukplat_irq_handle(unsigned long irq, struct __regs *regs)
{
	__lcpuidx self = ukplat_lcpu_idx();
	int handled = 0;

	if (irq >= UKPLAT_IRQ_COUNT) {
		ukarch_inc(&irq_spurious);
		return;
	}
	__atomic_add_fetch(&irq_dispatch[self].seq, 1, __ATOMIC_SEQ_CST);
	if (irq == UKPLAT_IRQ_IPI_RUN) {
		lcpu_run_serve();
		handled = 1;	/* also a bare wake-up of a waiter */
	}
	if (irq_run_handlers(irq, regs))
		handled = 1;
	__atomic_add_fetch(&irq_dispatch[self].seq, 1, __ATOMIC_RELEASE);
	if (!handled)
		ukarch_inc(&irq_spurious);
}

unsigned long ukplat_irq_spurious(void)
{
	return ukarch_load_n(&irq_spurious);
}
