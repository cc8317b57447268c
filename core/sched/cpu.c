/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scheduler start-up and the idle loop. At boot the running context
 * becomes the "main" thread of CPU 0; every CPU gets an idle thread that
 * takes work from busy CPUs and otherwise halts until an interrupt or the
 * next sleeper's deadline.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/arch/regs.h>
#include <uk/errptr.h>
#include <uk/init.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/irq.h>
#include <uk/plat/time.h>
#include <uk/plat/tls.h>
#include <uk/print.h>
#include "sched_impl.h"

#define IDLE_STACK_SIZE		(32 * 1024)

static struct uk_thread main_thread;

/* Moves one queued, unpinned thread from the busiest other CPU to s.
 * Both locks are taken in CPU order. Returns 1 if one moved. */
static int steal(struct uk_sched *s)
{
	struct uk_sched *victim = NULL, *first, *second;
	struct uk_thread *t = NULL;
	struct uk_list *pos;
	unsigned int i;

	for (i = 0; i < uk_sched_nr_started; i++) {
		struct uk_sched *o = &uk_sched_cpus[i];

		if (o != s && READ_ONCE(o->nr_queued) &&
		    (!victim || o->nr_queued > victim->nr_queued))
			victim = o;
	}
	if (!victim)
		return 0;
	first = s->cpu < victim->cpu ? s : victim;
	second = first == s ? victim : s;
	uk_spin_lock(&first->lock);
	uk_spin_lock(&second->lock);
	uk_list_for_each(pos, &victim->runq) {
		struct uk_thread *c = uk_list_entry(pos, struct uk_thread,
						    rq_link);

		if (!(c->flags & UK_THREADF_PINNED)) {
			t = c;
			break;
		}
	}
	if (t) {
		uk_list_del(&t->rq_link);
		victim->nr_queued--;
		victim->nr_threads--;
		WRITE_ONCE(t->sched, s);
		uk_list_add_tail(&t->rq_link, &s->runq);
		s->nr_queued++;
		s->nr_threads++;
	}
	uk_spin_unlock(&second->lock);
	uk_spin_unlock(&first->lock);
	return t != NULL;
}

static void __noreturn idle_loop(struct uk_sched *s)
{
	unsigned long flags;
	__nsec deadline;

	for (;;) {
		flags = ukplat_lcpu_save_irqf();
		uk_spin_lock(&s->lock);
		if (!uk_list_empty(&s->runq) ||
		    (s->sleepq && s->sleepq->wakeup_time <=
				  ukplat_monotonic_clock())) {
			sched_switch(s, flags);
			continue;
		}
		uk_spin_unlock(&s->lock);
		if (steal(s)) {
			ukplat_lcpu_restore_irqf(flags);
			continue;
		}
		uk_spin_lock(&s->lock);
		if (!uk_list_empty(&s->runq)) {
			uk_spin_unlock_irqrestore(&s->lock, flags);
			continue;
		}
		/* Wakers see idling under the lock and send an IPI, which
		 * stays pending until the halt below. */
		/* Until an IPI, or the timer for the first sleeper (a
		 * backend without a timer wakes at the deadline itself). */
		deadline = s->sleepq ? s->sleepq->wakeup_time : 0;
		if (deadline && sched_timer_arm(s, deadline, 1) == 0)
			deadline = 0;
		WRITE_ONCE(s->idling, 1);
		uk_spin_unlock(&s->lock);
		if (deadline)
			ukplat_lcpu_halt_irq_until(deadline);
		else
			ukplat_lcpu_halt_irq();
		WRITE_ONCE(s->idling, 0);
		ukplat_lcpu_restore_irqf(flags);
	}
}

/* Idle thread of CPU 0, entered by a switch like any thread. */
static void __noreturn idle_entry(long sl, long unused)
{
	struct uk_sched *s = (struct uk_sched *)sl;
	struct uk_thread *prev = sched_finish(s);

	/* Interrupts stay off: the idle loop saves and restores them. */
	if (prev)
		thread_exited_off_cpu(prev);
	idle_loop(s);
}

/* Secondary CPUs start here, on their idle thread's stack. */
static void __noreturn secondary_entry(void *unused)
{
	struct uk_sched *s = uk_sched_current();

	/* First of all: the idle thread's thread pointer (errno...). */
	ukplat_tlsp_set(s->idle->tlsp);
	s->current = s->idle;
	sched_cputime_start(s);
	idle_loop(s);
}

/* The resched IPI interrupts a halt (the idle loop then looks at the
 * run queue), stops a killed thread that runs app code, or tells a busy
 * CPU that a thread waits behind the running one: its slice tick must
 * start. */
static int resched_irq(void *arg, struct __regs *regs)
{
	struct uk_sched *s = uk_sched_current();
	unsigned int preempt_count = uk_preempt_count();

	uk_spin_lock(&s->lock);
	sched_kill_running(s, regs, preempt_count);
	sched_slice_check(s);
	uk_spin_unlock(&s->lock);
	return 1;
}

/* uk_sched_stop_others(): kills one thread unless it is the caller, an
 * idle thread, or was never started. */
static int stop_one(struct uk_thread *t, void *arg)
{
	if (t == uk_thread_current() || (t->flags & UK_THREADF_IDLE) ||
	    !t->sched || t->kill_pending)
		return 0;
	return uk_thread_kill(t) == 0;
}

struct stop_ids {
	unsigned long *ids;
	unsigned int n, max;
};

static void stop_collect(struct uk_thread *t, void *arg)
{
	struct stop_ids *c = arg;

	if (t != uk_thread_current() && !(t->flags & UK_THREADF_IDLE) &&
	    t->state != UK_THREAD_EXITED && c->n < c->max)
		c->ids[c->n++] = t->id;
}

static int stop_is_live(struct uk_thread *t, void *arg)
{
	return 1;
}

#define STOP_WAIT_MS	2000
#define STOP_NAP_MIN_NS	20000ULL
#define STOP_NAP_MAX_NS	1000000ULL
#define STOP_IDS_MAX	4096

int uk_sched_stop_others(void)
{
	struct stop_ids c = { NULL, 0, STOP_IDS_MAX };
	unsigned int i, live, round;
	__nsec until, nap = 0;

	c.ids = uk_malloc(uk_alloc_get_default(), STOP_IDS_MAX * sizeof(*c.ids));
	if (!c.ids)
		return -ENOMEM;
	uk_thread_for_each(stop_collect, &c);
	for (i = 0; i < c.n; i++)
		uk_thread_with_id(c.ids[i], stop_one, NULL);
	/* Those running app code elsewhere stop at the IPI; those in the
	 * kernel when they block or yield. Wait for all to be gone: those
	 * of this CPU die as soon as they run, so give way first, then wait
	 * a little longer each round (a fixed 1 ms made every exit 1 ms
	 * longer). */
	until = ukplat_monotonic_clock() + STOP_WAIT_MS * 1000000ULL;
	for (round = 0;; round++) {
		if (round % 10 == 0)
			ukplat_lcpu_send_ipi(NULL, 0, UKPLAT_IRQ_IPI_RESCHED);
		for (i = 0, live = 0; i < c.n; i++)
			live += uk_thread_with_id(c.ids[i], stop_is_live,
						  NULL) > 0;
		if (!live || ukplat_monotonic_clock() > until)
			break;
		if (!nap) {
			uk_sched_yield();
			nap = STOP_NAP_MIN_NS;
			continue;
		}
		uk_sched_thread_sleep(nap);
		nap = MIN(nap * 2, STOP_NAP_MAX_NS);
	}
	uk_free(uk_alloc_get_default(), c.ids);
	return live;
}

static struct uk_thread *idle_create(struct uk_sched *s)
{
	struct uk_thread *t;
	char name[UK_THREAD_NAME_MAX];

	snprintf(name, sizeof(name), "idle%u", s->cpu);
	t = uk_thread_create(name, (uk_thread_fn_t)idle_loop, s,
			     IDLE_STACK_SIZE, 0);
	if (PTRISERR(t))
		return t;
	ukarch_ctx_init_entry2(&t->ctx, (__uptr)t->stack + t->stack_size,
			       idle_entry, (long)s, 0);
	t->flags |= UK_THREADF_IDLE | UK_THREADF_PINNED;
	t->state = UK_THREAD_RUNNABLE;
	t->sched = s;
	return t;
}

/* The boot context (stack from the bootinfo) becomes thread "main". */
static void main_thread_init(struct uk_sched *s)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	unsigned int i;

	thread_init_common(&main_thread, "main", UK_THREAD_ID_MAIN);
	main_thread.flags = UK_THREADF_STATIC | UK_THREADF_PINNED;
	main_thread.state = UK_THREAD_RUNNABLE;
	main_thread.sched = s;
	for (i = 0; bi && i < bi->nr_mrds; i++) {
		if (bi->mrds[i].type == UKPLAT_MEMRT_STACK) {
			main_thread.stack = (void *)bi->mrds[i].vbase;
			main_thread.stack_size = bi->mrds[i].len;
		}
	}
	/* The boot context's thread area (core/boot set it up). */
	main_thread.tlsp = ukplat_tlsp_get();
	s->current = &main_thread;
	s->nr_threads = 1;
	sched_cputime_start(s);
}

static void sched_cpu_init(struct uk_sched *s, __lcpuidx idx)
{
	uk_spin_init(&s->lock);
	uk_list_init(&s->runq);
	s->cpu = idx;
}

static int start_secondaries(unsigned int n)
{
	__lcpuidx idx[UKPLAT_LCPU_MAXCOUNT];
	void *sp[UKPLAT_LCPU_MAXCOUNT];
	ukplat_lcpu_entry_t entry[UKPLAT_LCPU_MAXCOUNT];
	struct uk_thread *idle;
	unsigned int i;
	int rc;

	for (i = 1; i < n; i++) {
		sched_cpu_init(&uk_sched_cpus[i], i);
		idle = idle_create(&uk_sched_cpus[i]);
		if (PTRISERR(idle))
			return PTR2ERR(idle);
		uk_sched_cpus[i].idle = idle;
		uk_sched_cpus[i].started = 1;
		idx[i - 1] = i;
		sp[i - 1] = (char *)idle->stack + idle->stack_size;
		entry[i - 1] = secondary_entry;
	}
	uk_sched_nr_started = n;
	rc = ukplat_lcpu_start(idx, n - 1, sp, entry, NULL);
	if (rc < 0) {
		uk_sched_nr_started = 1;
		for (i = 1; i < n; i++)
			uk_sched_cpus[i].started = 0;
	}
	return rc;
}

static int sched_init(struct uk_init_ctx *ctx)
{
	struct uk_sched *s = &uk_sched_cpus[0];
	unsigned int n = ukplat_lcpu_count();
	int rc;

	UK_ASSERT(ukplat_lcpu_idx() == 0);
	sched_cpu_init(s, 0);
	s->idle = idle_create(s);
	if (PTRISERR(s->idle))
		return PTR2ERR(s->idle);
	main_thread_init(s);
	s->started = 1;
	uk_sched_nr_started = 1;
	rc = ukplat_irq_register(UKPLAT_IRQ_IPI_RESCHED, resched_irq, NULL);
	if (rc < 0)
		return rc;
	rc = sched_timer_init();
	if (rc < 0)
		return rc;
	if (n > UKPLAT_LCPU_MAXCOUNT)
		n = UKPLAT_LCPU_MAXCOUNT;
	if (n > 1) {
		rc = start_secondaries(n);
		if (rc < 0)
			uk_pr_err("cannot start %u more CPUs (%d): "
				  "scheduling on one\n", n - 1, rc);
	}
	return 0;
}

/* At exit with one CPU, CPU 0's idle thread is the only allocation left
 * (memcheck's "in use at exit" stays 0 for simple apps). With more CPUs
 * the others are still running their idle threads. */
static void sched_term(void)
{
	struct uk_thread *idle = uk_sched_cpus[0].idle;

	if (uk_sched_nr_started != 1 || !idle) {
		thread_stack_cache_drain();
		return;
	}
	uk_sched_cpus[0].idle = NULL;
	idle->off_cpu = 1;
	uk_thread_release(idle);
	thread_stack_cache_drain();
}

uk_early_initcall_prio(sched_init, sched_term, 5);
