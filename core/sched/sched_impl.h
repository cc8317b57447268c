/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by the scheduler's files. */
#ifndef __UK_SCHED_IMPL_H__
#define __UK_SCHED_IMPL_H__

#include <uk/assert.h>
#include <uk/sched.h>
#include <uk/thread.h>

extern struct uk_sched uk_sched_cpus[UKPLAT_LCPU_MAXCOUNT];
extern unsigned int uk_sched_nr_started;

void sleepq_insert(struct uk_sched *s, struct uk_thread *t);
void sleepq_remove(struct uk_sched *s, struct uk_thread *t);
struct uk_thread *sleepq_pop_expired(struct uk_sched *s, __nsec now);

/* Locks t's scheduler (t may move until locked) with interrupts saved in
 * *flags; returns it, or NULL (nothing locked) if t is unassigned. */
struct uk_sched *sched_lock_thread(struct uk_thread *t,
				   unsigned long *flags);

/* Switches away from s->current; s->lock is held (interrupts off) and is
 * released, with flags restored, when the caller runs again. */
void sched_switch(struct uk_sched *s, unsigned long flags);
/* First thing a thread does after being switched to: releases s->lock
 * (interrupts stay off) and returns the thread switched away from if it
 * has exited (the caller passes it to thread_exited_off_cpu), or NULL. */
struct uk_thread *sched_finish(struct uk_sched *s);

/* The CPU's one-shot timer (sched.c): registers its handler; arms it for
 * deadline unless already armed earlier or force (s->lock held; 0 or
 * -errno). */
int sched_timer_init(void);
int sched_timer_arm(struct uk_sched *s, __nsec deadline, int force);
/* Starts the slice tick if the running thread has company, arms the
 * timer for sleepers (s->lock held, this CPU). */
void sched_slice_check(struct uk_sched *s);

struct __regs;
/* In an interrupt: makes s's current thread exit where it was
 * interrupted if it was killed and runs app code holding no spinlock
 * (preempt_count: the interrupted code's count; s->lock held). */
void sched_kill_running(struct uk_sched *s, struct __regs *regs,
			unsigned int preempt_count);
/* Threads whose time is not the process's CPU time. */
#define SCHED_OUTSIDE_PROCESS	(UK_THREADF_IDLE | UK_THREADF_SERVICE)

/* CPU time (cputime.c): nonzero once threads' time is counted; the
 * switch's bookkeeping (s->lock held); a CPU's start. */
extern int sched_cputime_threads;
void sched_cputime_switch(struct uk_sched *s, struct uk_thread *prev,
			  struct uk_thread *next);
void sched_cputime_start(struct uk_sched *s);

/* Thread bookkeeping (thread.c). */
void thread_exited_off_cpu(struct uk_thread *t);
/* id 0: a new one. */
void thread_init_common(struct uk_thread *t, const char *name,
			unsigned long id);
/* Unmaps the stacks kept for reuse. */
void thread_stack_cache_drain(void);
void thread_for_each_unlocked(void (*fn)(struct uk_thread *t, void *arg),
			      void *arg);

#endif /* __UK_SCHED_IMPL_H__ */
