/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ukplat_lcpu_run() and ukplat_lcpu_wait(), shared by every backend: a
 * fixed ring of functions per CPU, filled by any CPU and served by its
 * owner in the UKPLAT_IRQ_IPI_RUN interrupt (ukplat_irq_handle() calls
 * lcpu_run_serve()). The backend only has to deliver that IPI.
 *
 * Counters only grow: queued (by callers), taken (off the ring by the
 * owner) and done (finished). A waiter snapshots queued and waits for
 * done to reach it; a waiter that stops spinning sets its bit in waiters
 * and halts, and the owner sends it an IPI_RUN (an empty one for the
 * waiter's own ring) each time it finishes a function.
 */
#include <errno.h>
#include <uk/arch/atomic.h>
#include <uk/essentials.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/spinlock.h>
#include "lcpu_run.h"

struct run_item {
	ukplat_lcpu_entry_t fn;
	void *arg;
};

struct runq {
	struct uk_spinlock lock;	/* serializes the ring */
	unsigned long queued;
	unsigned long taken;
	unsigned long done;
	unsigned long waiters;		/* CPUs halted in a wait on it */
	struct run_item ring[UKPLAT_LCPU_RUNQ_LEN];
} __align(64);

static struct runq runqs[UKPLAT_LCPU_MAXCOUNT];

/* A waiter spins this long before it halts: waking a halted CPU costs
 * tens of microseconds on virtual machines, checking memory far less. */
#define WAIT_SPIN_NS	20000ULL

/* Checks a CPU list (NULL: all started others); 0, -EINVAL or -ENODEV. */
static int check_list(const __lcpuidx lcpuidx[], unsigned int count)
{
	unsigned int i;

	if (!lcpuidx)
		return 0;
	for (i = 0; i < count; i++) {
		if (lcpuidx[i] >= ukplat_lcpu_count())
			return -EINVAL;
		if (!ukplat_lcpu_started(lcpuidx[i]))
			return -ENODEV;
	}
	return 0;
}

static unsigned int list_len(const __lcpuidx lcpuidx[], unsigned int count)
{
	return lcpuidx ? count : ukplat_lcpu_count();
}

/* Returns 1 and the i-th CPU of the list in *cpu, 0 to skip entry i. */
static int list_at(const __lcpuidx lcpuidx[], unsigned int i, __lcpuidx *cpu)
{
	if (lcpuidx) {
		*cpu = lcpuidx[i];
		return 1;
	}
	*cpu = i;
	return i != ukplat_lcpu_idx() && ukplat_lcpu_started(i);
}

static int runq_push(struct runq *q, ukplat_lcpu_entry_t fn, void *arg)
{
	unsigned long flags;
	int rc = -EBUSY;

	uk_spin_lock_irqsave(&q->lock, flags);
	if (q->queued - q->taken < UKPLAT_LCPU_RUNQ_LEN) {
		q->ring[q->queued % UKPLAT_LCPU_RUNQ_LEN].fn = fn;
		q->ring[q->queued % UKPLAT_LCPU_RUNQ_LEN].arg = arg;
		ukarch_store_n(&q->queued, q->queued + 1);
		rc = 0;
	}
	uk_spin_unlock_irqrestore(&q->lock, flags);
	return rc;
}

int ukplat_lcpu_run(const __lcpuidx lcpuidx[], unsigned int count,
		    ukplat_lcpu_entry_t fn, void *arg)
{
	unsigned int i, n = list_len(lcpuidx, count);
	__lcpuidx cpu;
	int rc;

	rc = check_list(lcpuidx, count);
	if (rc)
		return rc;
	if (!fn)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!list_at(lcpuidx, i, &cpu))
			continue;
		rc = runq_push(&runqs[cpu], fn, arg);
		if (!rc)
			rc = ukplat_lcpu_send_ipi(&cpu, 1, UKPLAT_IRQ_IPI_RUN);
		if (rc)
			return rc;
	}
	return 0;
}

static void wake_waiters(unsigned long waiters)
{
	__lcpuidx cpu;

	while (waiters) {
		cpu = (__lcpuidx)__builtin_ctzl(waiters);
		waiters &= waiters - 1;
		ukplat_lcpu_send_ipi(&cpu, 1, UKPLAT_IRQ_IPI_RUN);
	}
}

void lcpu_run_serve(void)
{
	struct runq *q = &runqs[ukplat_lcpu_idx()];
	unsigned long waiters;
	struct run_item it;

	for (;;) {
		uk_spin_lock(&q->lock);
		if (q->taken == q->queued) {
			uk_spin_unlock(&q->lock);
			return;
		}
		it = q->ring[q->taken % UKPLAT_LCPU_RUNQ_LEN];
		q->taken++;
		uk_spin_unlock(&q->lock);

		it.fn(it.arg);
		/* Pairs with the waiter's or-then-check (both seq_cst). */
		__atomic_add_fetch(&q->done, 1, __ATOMIC_SEQ_CST);
		waiters = __atomic_load_n(&q->waiters, __ATOMIC_SEQ_CST);
		if (waiters)
			wake_waiters(waiters);
	}
}

static int runq_done(struct runq *q, unsigned long target)
{
	return (long)(ukarch_load_n(&q->done) - target) >= 0;
}

static int runq_wait(struct runq *q, unsigned long target, __nsec deadline)
{
	unsigned long bit = 1UL << ukplat_lcpu_idx(), flags;
	__nsec now = ukplat_monotonic_clock();
	__nsec spin_end = now + WAIT_SPIN_NS;

	while (!runq_done(q, target)) {
		if (deadline && now >= deadline)
			return -ETIMEDOUT;
		if (now < spin_end) {
			ukarch_spinwait();
			now = ukplat_monotonic_clock();
			continue;
		}
		flags = ukplat_lcpu_save_irqf();
		__atomic_fetch_or(&q->waiters, bit, __ATOMIC_SEQ_CST);
		if (!runq_done(q, target))
			ukplat_lcpu_halt_irq_until(deadline);
		__atomic_fetch_and(&q->waiters, ~bit, __ATOMIC_SEQ_CST);
		ukplat_lcpu_restore_irqf(flags);
		now = ukplat_monotonic_clock();
	}
	return 0;
}

int ukplat_lcpu_wait(const __lcpuidx lcpuidx[], unsigned int count,
		     __nsec timeout_ns)
{
	unsigned long target[UKPLAT_LCPU_MAXCOUNT];
	unsigned int i, n = list_len(lcpuidx, count);
	__nsec deadline = 0;
	__lcpuidx cpu;
	int rc;

	rc = check_list(lcpuidx, count);
	if (rc)
		return rc;
	if (timeout_ns)
		deadline = ukplat_monotonic_clock() + timeout_ns;
	/* Work queued after this call began is not waited for. */
	for (i = 0; i < n; i++)
		if (list_at(lcpuidx, i, &cpu))
			target[cpu] = ukarch_load_n(&runqs[cpu].queued);
	for (i = 0; i < n; i++) {
		if (!list_at(lcpuidx, i, &cpu))
			continue;
		rc = runq_wait(&runqs[cpu], target[cpu], deadline);
		if (rc)
			return rc;
	}
	return 0;
}
