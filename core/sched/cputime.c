/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CPU time. Each CPU counts the time its idle thread and the kernel's
 * service threads run (a cycle-counter read at switches to and from
 * them only: those are wake-ups and waits, never a yield between app
 * threads), so the process's CPU time is exact at no cost to the switch
 * path. Service threads (the timer poller, the tty threads) are left
 * out as Linux leaves out its kernel threads: a CPU-time timer's poller
 * would otherwise eat the very budget it watches. Threads' own time needs a
 * read at every switch; it is counted from the first request for it on.
 */
#include <uk/plat/time.h>
#include "sched_impl.h"

int sched_cputime_threads;
static UK_SPINLOCK_DEFINE(enable_lock);

void sched_cputime_start(struct uk_sched *s)
{
	__u64 now = ukplat_cpu_ticks();

	s->start_ticks = now;
	s->idle_since = now;
	s->switch_ticks = now;
	s->thread_acct = 0;
}

void sched_cputime_switch(struct uk_sched *s, struct uk_thread *prev,
			  struct uk_thread *next)
{
	__u64 now = ukplat_cpu_ticks();

	if (prev->flags & SCHED_OUTSIDE_PROCESS)
		s->idle_ticks += now - s->idle_since;
	if (next->flags & SCHED_OUTSIDE_PROCESS)
		s->idle_since = now;
	if (!__atomic_load_n(&sched_cputime_threads, __ATOMIC_RELAXED))
		return;
	/* A CPU that just learnt of it starts counting now. */
	if (s->thread_acct)
		prev->cpu_ticks += now - s->switch_ticks;
	s->thread_acct = 1;
	s->switch_ticks = now;
}

/* Busy ticks of s up to now; s->lock held. */
static __u64 busy_ticks(struct uk_sched *s, __u64 now)
{
	__u64 idle = s->idle_ticks;

	if (s->current && (s->current->flags & SCHED_OUTSIDE_PROCESS))
		idle += now - s->idle_since;
	return now - s->start_ticks - idle;
}

static __u64 process_ticks(void)
{
	struct uk_sched *s;
	unsigned long flags;
	__u64 ticks = 0;
	unsigned int i;

	for (i = 0; i < uk_sched_nr_started; i++) {
		s = &uk_sched_cpus[i];
		uk_spin_lock_irqsave(&s->lock, flags);
		ticks += busy_ticks(s, ukplat_cpu_ticks());
		uk_spin_unlock_irqrestore(&s->lock, flags);
	}
	return ticks;
}

__nsec uk_sched_cputime(void)
{
	return ukplat_cpu_ticks_to_ns(process_ticks());
}

/* Turns the counting of threads' time on. A single-threaded app's one
 * thread has had all the process's time so far. */
static void threads_enable(void)
{
	struct uk_thread *self = uk_thread_current();
	struct uk_sched *s;
	unsigned long flags;
	__u64 seed = 0;

	if (!uk_sched_multithreaded())
		seed = process_ticks();
	uk_spin_lock_irqsave(&enable_lock, flags);
	if (!sched_cputime_threads) {
		s = uk_sched_current();
		uk_spin_lock(&s->lock);
		if (self)
			self->cpu_ticks = seed;
		s->switch_ticks = ukplat_cpu_ticks();
		s->thread_acct = 1;
		__atomic_store_n(&sched_cputime_threads, 1,
				 __ATOMIC_RELEASE);
		uk_spin_unlock(&s->lock);
	}
	uk_spin_unlock_irqrestore(&enable_lock, flags);
}

__nsec uk_thread_cputime(struct uk_thread *t)
{
	struct uk_sched *s;
	unsigned long flags;
	__u64 ticks;

	if (!__atomic_load_n(&sched_cputime_threads, __ATOMIC_ACQUIRE))
		threads_enable();
	s = sched_lock_thread(t, &flags);
	ticks = t->cpu_ticks;
	if (s) {
		if (s->current == t && s->thread_acct)
			ticks += ukplat_cpu_ticks() - s->switch_ticks;
		uk_spin_unlock_irqrestore(&s->lock, flags);
	}
	return ukplat_cpu_ticks_to_ns(ticks);
}
