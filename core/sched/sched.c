/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-CPU cooperative schedulers.
 *
 * Each CPU has a run queue, a sleep queue and an idle thread, all under
 * the CPU's scheduler lock, taken with interrupts off. A switch holds the
 * lock across ukarch_ctx_switch(); the thread switched to releases it
 * (sched_finish), so a wake-up from another CPU never sees a thread half
 * switched out. A thread only ever runs on the CPU whose scheduler it is
 * assigned to; it moves (placement, stealing) only while queued.
 */
#include <errno.h>
#include <uk/init.h>
#include <uk/param.h>
#include <uk/arch/ctx.h>
#include <uk/arch/preempt.h>
#include <uk/plat/irq.h>
#include <uk/plat/time.h>
#include <uk/plat/tls.h>
#include <uk/print.h>
#include <uk/wait.h>
#include "sched_impl.h"

struct uk_sched uk_sched_cpus[UKPLAT_LCPU_MAXCOUNT];
unsigned int uk_sched_nr_started;

/*
 * Time slices (on by default): while other threads wait for a CPU, the
 * one running there is preempted once it has run a whole slice without
 * switching. Only then is the CPU's timer armed (tickless otherwise), and
 * a switch reads no clock: a slice "tick" checks whether any switch
 * happened since the previous one. 0: cooperative scheduling.
 */
#ifndef UK_SCHED_TIMESLICE_US
#define UK_SCHED_TIMESLICE_US	10000
#endif
static int timeslice_us = UK_SCHED_TIMESLICE_US;
UK_PARAM("sched.timeslice_us", timeslice_us, 0, 10000000,
	 "preemption time slice in us (default 10000), 0: cooperative");

/* How soon a CPU looks again at its running thread when it has a kill
 * or a signal to take that could not be injected: the interrupt came
 * while it ran kernel code. */
#define INJECT_RETRY_NS		200000ULL

unsigned int uk_sched_timeslice_us(void)
{
	return (unsigned int)timeslice_us;
}

struct uk_sched *uk_sched_current(void)
{
	return &uk_sched_cpus[ukplat_lcpu_idx()];
}

struct uk_sched *uk_sched_get(__lcpuidx idx)
{
	if (idx >= UKPLAT_LCPU_MAXCOUNT || !uk_sched_cpus[idx].started)
		return NULL;
	return &uk_sched_cpus[idx];
}

unsigned int uk_sched_count(void)
{
	return uk_sched_nr_started;
}

/* Not preemptible between finding the CPU and reading its thread: a
 * preempted thread may go on on another CPU (stealing) and would read
 * the first CPU's current thread. */
struct uk_thread *uk_thread_current(void)
{
	struct uk_thread *t;

	uk_preempt_disable();
	t = uk_sched_current()->current;
	uk_preempt_enable();
	return t;
}

struct uk_sched *sched_lock_thread(struct uk_thread *t, unsigned long *flags)
{
	struct uk_sched *s;

	for (;;) {
		s = READ_ONCE(t->sched);
		if (!s)
			return NULL;
		uk_spin_lock_irqsave(&s->lock, *flags);
		if (READ_ONCE(t->sched) == s)
			return s;
		uk_spin_unlock_irqrestore(&s->lock, *flags);
	}
}

static void enqueue(struct uk_sched *s, struct uk_thread *t)
{
	uk_list_add_tail(&t->rq_link, &s->runq);
	s->nr_queued++;
}

static void dequeue(struct uk_sched *s, struct uk_thread *t)
{
	uk_list_del(&t->rq_link);
	s->nr_queued--;
}

/* An idle CPU other than s's, to take over queued work; or NULL. */
static struct uk_sched *find_idle_cpu(struct uk_sched *s)
{
	unsigned int i;

	for (i = 0; i < uk_sched_nr_started; i++)
		if (&uk_sched_cpus[i] != s &&
		    READ_ONCE(uk_sched_cpus[i].idling))
			return &uk_sched_cpus[i];
	return NULL;
}

/* After t was queued on s (s->lock held): the CPU that should notice, if
 * it may be halted, or NULL. An idle s is woken; a busy s with a backlog
 * gets an idle CPU to steal from it. */
static struct uk_sched *who_to_kick(struct uk_sched *s, struct uk_thread *t)
{
	if (s == uk_sched_current())
		return NULL;
	if (s->idling)
		return s;
	if (s->nr_queued >= 2 && !(t->flags & UK_THREADF_PINNED))
		return find_idle_cpu(s);
	return NULL;
}

static void kick(struct uk_sched *s)
{
	if (s)
		ukplat_lcpu_send_ipi(&s->cpu, 1, UKPLAT_IRQ_IPI_RESCHED);
}

static int running_thread(struct uk_sched *s)
{
	return s->current && !(s->current->flags & UK_THREADF_IDLE);
}

/* After t was queued on s (s->lock held): a busy CPU with no slice
 * running must start one, so t gets its turn. Returns s if another CPU
 * must be told (it arms its own timer), else NULL. */
static struct uk_sched *slice_needed(struct uk_sched *s)
{
	if (!timeslice_us || !running_thread(s) || s->slice_deadline)
		return NULL;
	if (s != uk_sched_current())
		return s;
	sched_slice_check(s);
	return NULL;
}

/* Moves the sleepers whose deadline passed to the run queue; returns
 * how many. */
static int wake_expired(struct uk_sched *s)
{
	struct uk_thread *t;
	__nsec now;
	int n = 0;

	if (!s->sleepq)
		return 0;
	now = ukplat_monotonic_clock();
	while ((t = sleepq_pop_expired(s, now))) {
		t->wakeup_time = 0;
		t->state = UK_THREAD_RUNNABLE;
		enqueue(s, t);
		n++;
	}
	return n;
}

static void __noreturn thread_die(struct uk_thread *self);

/* Arms this CPU's timer for deadline unless it fires earlier anyway
 * (force: whatever else touched the timer). Returns 0 or the backend's
 * error (no timer). */
int sched_timer_arm(struct uk_sched *s, __nsec deadline, int force)
{
	int rc;

	if (!force && s->timer_armed && s->timer_armed <= deadline)
		return 0;
	rc = ukplat_time_set_deadline(deadline);
	if (rc == 0)
		s->timer_armed = deadline;
	return rc;
}

/* Makes this CPU look again soon at its running thread's kill or
 * signals (s->lock held, this CPU): they could not be injected now. */
static void inject_retry(struct uk_sched *s)
{
	sched_timer_arm(s, ukplat_monotonic_clock() + INJECT_RETRY_NS, 0);
}

/* Starts the slice tick when the running thread has company (threads
 * queued or, so that they wake on time, sleepers), and keeps the timer
 * armed for the first sleeper. s->lock held, this CPU. */
void sched_slice_check(struct uk_sched *s)
{
	if (!timeslice_us || !running_thread(s))
		return;
	if (!s->slice_deadline && (s->nr_queued || s->sleepq)) {
		s->slice_deadline = ukplat_monotonic_clock() +
				    timeslice_us * 1000ULL;
		s->slice_switches = s->nr_switches;
		sched_timer_arm(s, s->slice_deadline, 0);
	}
	if (s->sleepq)
		sched_timer_arm(s, s->sleepq->wakeup_time, 0);
}

/* Moves t, runnable and neither running nor queued (its migrate_to
 * set), from s to its target; no lock held, interrupts off. */
static void migrate(struct uk_sched *s, struct uk_thread *t)
{
	struct uk_sched *target = t->migrate_to, *kicked;

	uk_spin_lock(&s->lock);
	s->nr_threads--;
	uk_spin_unlock(&s->lock);
	uk_spin_lock(&target->lock);
	t->migrate_to = NULL;
	WRITE_ONCE(t->sched, target);
	target->nr_threads++;
	enqueue(target, t);
	kicked = who_to_kick(target, t);
	if (!kicked)
		kicked = slice_needed(target);
	uk_spin_unlock(&target->lock);
	kick(kicked);
}

/*
 * prev's state is read under the lock: once it is released, a blocked
 * prev can be woken, stolen by another CPU, run there and exit, and that
 * CPU's next thread releases it. Read after the unlock, the state said
 * "exited" here too, and a detached thread was freed twice (seen on
 * arm64 under load).
 */
struct uk_thread *sched_finish(struct uk_sched *s)
{
	struct uk_thread *prev = s->prev;
	int exited = prev && prev->state == UK_THREAD_EXITED;
	int moving = prev && unlikely(prev->migrate_to) &&
		     prev->state == UK_THREAD_RUNNABLE;

	s->prev = NULL;
	uk_spin_unlock(&s->lock);
	if (moving) {
		migrate(s, prev);
		return NULL;
	}
	return exited ? prev : NULL;
}

void sched_switch(struct uk_sched *s, unsigned long flags)
{
	struct uk_thread *prev = s->current, *next;

	/* A killed thread does not block again: it must run to die. */
	if (unlikely(prev->kill_pending) && prev->state == UK_THREAD_BLOCKED) {
		prev->state = UK_THREAD_RUNNABLE;
		prev->wakeup_time = 0;
	}
	wake_expired(s);
	/* A thread moving to another CPU is queued there once it is off
	 * this one (sched_finish). */
	if (prev->state == UK_THREAD_RUNNABLE &&
	    !(prev->flags & UK_THREADF_IDLE) && likely(!prev->migrate_to))
		enqueue(s, prev);
	else if (prev->state == UK_THREAD_BLOCKED && prev->wakeup_time)
		sleepq_insert(s, prev);

	if (!uk_list_empty(&s->runq)) {
		next = uk_list_first_entry(&s->runq, struct uk_thread,
					   rq_link);
		dequeue(s, next);
	} else {
		next = s->idle;
	}
	if (next != prev) {
		s->prev = prev;
		s->current = next;
		s->nr_switches++;
		if (unlikely(sched_cputime_threads ||
			     ((prev->flags | next->flags) &
			      SCHED_OUTSIDE_PROCESS)))
			sched_cputime_switch(s, prev, next);
		if (unlikely(!s->slice_deadline))
			sched_slice_check(s);
		/* A signal sent while next waited had no CPU to interrupt,
		 * and next may resume past its last look at its signals. */
		if (unlikely(uk_thread_interrupted(next)))
			inject_retry(s);
		/* Code may set its thread pointer without the kernel
		 * (arm64: msr tpidr_el0): keep what the CPU has. */
		prev->tlsp = ukplat_tlsp_get();
		ukplat_tlsp_set(next->tlsp);
		ukplat_syscall_stack_switch(&next->syscall_stack);
		ukarch_ctx_switch(&prev->ctx, &next->ctx);
		/* Running again, maybe on another CPU after a steal. */
		s = prev->sched;
		prev = sched_finish(s);
		ukplat_lcpu_restore_irqf(flags);
		if (prev)
			thread_exited_off_cpu(prev);
	} else {
		uk_spin_unlock_irqrestore(&s->lock, flags);
	}
	if (unlikely(READ_ONCE(s->current->kill_pending)))
		thread_die(s->current);
}

void uk_sched_yield(void)
{
	struct uk_sched *s;
	unsigned long flags;

	flags = ukplat_lcpu_save_irqf();
	s = uk_sched_current();
	if (unlikely(!s->current)) {
		/* No scheduler yet (early boot): nothing else to run. */
		ukplat_lcpu_restore_irqf(flags);
		return;
	}
	uk_spin_lock(&s->lock);
	sched_switch(s, flags);
}

void uk_thread_block_until(struct uk_thread *t, __nsec deadline)
{
	unsigned long flags;
	struct uk_sched *s = sched_lock_thread(t, &flags);

	UK_ASSERT(s && s->current == t);
	t->state = UK_THREAD_BLOCKED;
	t->wakeup_time = deadline;
	uk_spin_unlock_irqrestore(&s->lock, flags);
}

void uk_thread_wake(struct uk_thread *t)
{
	struct uk_sched *s, *target = NULL;
	unsigned long flags;
	int move = 0;

	s = sched_lock_thread(t, &flags);
	if (!s)
		return;
	if (t->state == UK_THREAD_BLOCKED) {
		sleepq_remove(s, t);
		t->wakeup_time = 0;
		t->state = UK_THREAD_RUNNABLE;
		if (t != s->current && unlikely(t->migrate_to)) {
			move = 1;
		} else if (t != s->current) {
			enqueue(s, t);
			target = who_to_kick(s, t);
			if (!target)
				target = slice_needed(s);
		}
	}
	uk_spin_unlock(&s->lock);
	if (move)
		migrate(s, t);
	ukplat_lcpu_restore_irqf(flags);
	kick(target);
}

void uk_thread_interrupt(struct uk_thread *t)
{
	struct uk_sched *s, *target = NULL;
	unsigned long flags;

	s = sched_lock_thread(t, &flags);
	if (!s)
		return;
	/* Running on another CPU: its resched interrupt injects the hook
	 * (sched_kill_running) if it runs app code, else looks again soon;
	 * in kernel code the thread sees sig_intr at its system call's end
	 * or wait, preempted at its resumption (sched_preempt). */
	if (t->state == UK_THREAD_RUNNABLE && s->current == t &&
	    s != uk_sched_current())
		target = s;
	uk_spin_unlock_irqrestore(&s->lock, flags);
	uk_thread_wake(t);
	kick(target);
}

int uk_thread_sleep_interruptible(__nsec deadline)
{
	struct uk_thread *self = uk_thread_current();
	int rc = 0;

	for (;;) {
		uk_thread_block_until(self, deadline);
		/* Pairs with the signal lock's release before
		 * uk_thread_interrupt(): we see sig_intr or get woken. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (uk_thread_interrupted(self)) {
			rc = -EINTR;
			break;
		}
		if (deadline && ukplat_monotonic_clock() >= deadline)
			break;
		uk_sched_yield();
	}
	uk_thread_wake(self);
	return rc;
}

int uk_thread_set_cpu(struct uk_thread *t, int cpu)
{
	struct uk_sched *target = NULL, *s;
	unsigned long flags;
	int move = 0;

	if (cpu >= 0) {
		target = uk_sched_get((__lcpuidx)cpu);
		if (!target)
			return -EINVAL;
	}
	s = sched_lock_thread(t, &flags);
	if (!s) {
		/* Not started: uk_thread_start places it there. */
		if (t->state != UK_THREAD_NEW)
			return -EINVAL;
		t->migrate_to = target;
		if (target)
			t->flags |= UK_THREADF_PINNED;
		else
			t->flags &= ~UK_THREADF_PINNED;
		return 0;
	}
	if (!target || t->state == UK_THREAD_EXITED) {
		if (t->state != UK_THREAD_EXITED)
			t->flags &= ~UK_THREADF_PINNED;
		t->migrate_to = NULL;
		uk_spin_unlock_irqrestore(&s->lock, flags);
		return t->state == UK_THREAD_EXITED ? -ESRCH : 0;
	}
	t->flags |= UK_THREADF_PINNED;
	t->migrate_to = target != s ? target : NULL;
	if (t->migrate_to && t != s->current &&
	    t->state == UK_THREAD_RUNNABLE) {
		/* Queued here: off this queue now, onto the target's. */
		dequeue(s, t);
		move = 1;
	}
	uk_spin_unlock(&s->lock);
	if (move)
		migrate(s, t);
	ukplat_lcpu_restore_irqf(flags);
	/* The caller moves at its switch away from this CPU. */
	if (t == uk_thread_current() && t->migrate_to)
		uk_sched_yield();
	return 0;
}

void uk_sched_thread_sleep_until(__nsec deadline)
{
	struct uk_thread *self = uk_thread_current();

	while (ukplat_monotonic_clock() < deadline) {
		uk_thread_block_until(self, deadline);
		uk_sched_yield();
	}
}

void uk_sched_thread_sleep(__nsec ns)
{
	uk_sched_thread_sleep_until(ukplat_monotonic_clock() + ns);
}

/* The least loaded started CPU, scanning from a rotating start so that
 * ties spread threads round-robin. */
static struct uk_sched *place(void)
{
	static unsigned int cursor;
	struct uk_sched *best = NULL, *s;
	unsigned int i, n = uk_sched_nr_started;
	unsigned int start = __atomic_fetch_add(&cursor, 1, __ATOMIC_RELAXED);

	for (i = 0; i < n; i++) {
		s = &uk_sched_cpus[(start + i) % n];
		if (!best || READ_ONCE(s->nr_threads) <
			     READ_ONCE(best->nr_threads))
			best = s;
	}
	return best;
}

int uk_sched_threads_added;

int uk_sched_thread_add(struct uk_sched *s, struct uk_thread *t)
{
	struct uk_sched *target;
	unsigned long flags;

	if (!t || t->state != UK_THREAD_NEW || t->sched)
		return -EINVAL;
	if (s && !s->started)
		return -EINVAL;
	if (!s && t->migrate_to) {
		s = t->migrate_to;		/* uk_thread_set_cpu() */
		t->migrate_to = NULL;
		if (!s->started)
			return -EINVAL;
	}
	if (s)
		t->flags |= UK_THREADF_PINNED;
	else
		s = place();
	if (!s)
		return -EINVAL;
	/* Before t can run: its first lock is then a real one. */
	__atomic_store_n(&uk_sched_threads_added, 1, __ATOMIC_SEQ_CST);
	uk_spin_lock_irqsave(&s->lock, flags);
	t->sched = s;
	t->state = UK_THREAD_RUNNABLE;
	s->nr_threads++;
	enqueue(s, t);
	target = who_to_kick(s, t);
	if (!target)
		target = slice_needed(s);
	uk_spin_unlock_irqrestore(&s->lock, flags);
	kick(target);
	return 0;
}

int uk_sched_thread_remove(struct uk_thread *t)
{
	unsigned long flags;
	struct uk_sched *s = sched_lock_thread(t, &flags);
	int rc = 0;

	if (!s)
		return -EINVAL;
	if (t == s->current || t->state != UK_THREAD_RUNNABLE) {
		/* Running, or blocked: its waker would not find it. */
		rc = t->state == UK_THREAD_EXITED ? -EINVAL : -EBUSY;
		goto out;
	}
	dequeue(s, t);
	s->nr_threads--;
	t->state = UK_THREAD_NEW;
	t->flags &= ~UK_THREADF_PINNED;
	WRITE_ONCE(t->sched, NULL);
out:
	uk_spin_unlock_irqrestore(&s->lock, flags);
	return rc;
}

void __noreturn uk_thread_exit(int status)
{
	struct uk_sched *s;
	unsigned long flags;

	flags = ukplat_lcpu_save_irqf();
	s = uk_sched_current();
	uk_spin_lock(&s->lock);
	UK_ASSERT(!(s->current->flags & UK_THREADF_IDLE));
	s->current->exit_status = status;
	s->current->state = UK_THREAD_EXITED;
	s->nr_threads--;
	sched_switch(s, flags);
	UK_CRASH("exited thread %s ran again\n", s->current->name);
}

int uk_thread_kill(struct uk_thread *t)
{
	struct uk_sched *s;
	unsigned long flags;

	if (t == uk_thread_current())
		uk_thread_exit(-1);
	s = sched_lock_thread(t, &flags);
	if (!s) {
		if (t->state != UK_THREAD_NEW || t->kill_pending)
			return -EINVAL;
		/* Never ran, on no scheduler: nobody else can see it. */
		t->state = UK_THREAD_EXITED;
		t->exit_status = -1;
		thread_exited_off_cpu(t);
		return 0;
	}
	if (t->state == UK_THREAD_EXITED || t->kill_pending ||
	    (t->flags & UK_THREADF_IDLE)) {
		uk_spin_unlock_irqrestore(&s->lock, flags);
		return -EINVAL;
	}
	/* It dies on its own stack, where it can leave its wait queue. */
	t->kill_pending = 1;
	uk_spin_unlock_irqrestore(&s->lock, flags);
	uk_thread_wake(t);
	return 0;
}

/* The running thread was killed: leave the wait queue it was about to
 * sleep on, then exit. */
static void __noreturn thread_die(struct uk_thread *self)
{
	if (self->wq)
		uk_waitq_finish(self->wq, self->wq_entry);
	uk_thread_exit(-1);
}

static void (*interrupt_hook)(struct __regs *regs, void *ectx);

void uk_thread_set_interrupt_hook(void (*fn)(struct __regs *regs,
					     void *ectx))
{
	WRITE_ONCE(interrupt_hook, fn);
}

/*
 * A signal sent to t while it waited preempted, or while it ran past its
 * last look at its signals on the way back to app code, would otherwise
 * wait for t's next system call, which a thread that only computes never
 * makes. Before t resumes the app code regs is the state of, it takes
 * them (its handlers may longjmp: preempt_return must not stay set).
 */
static void resume_interrupted(struct uk_thread *t, struct __regs *regs,
			       void *ectx)
{
	void (*fn)(struct __regs *, void *) = READ_ONCE(interrupt_hook);

	if (!fn || !uk_thread_interrupted(t) ||
	    !uk_sched_ip_is_app(ukarch_regs_ip(regs)))
		return;
	WRITE_ONCE(t->preempt_return, 0);
	fn(regs, ectx);
	WRITE_ONCE(t->preempt_return, 1);
}

/*
 * Called in the preempted thread, as if from where it was interrupted.
 * A tick on the way back, from the switch to the end of the trampoline,
 * must not preempt: it would inject another call on top of this one, and
 * with slices shorter than a switch (nested virtualization) again and
 * again, until the stack's guard page. preempt_return covers this
 * function; where the way back restores the interrupted state's mask
 * (metal), it returns with interrupts masked, and should_preempt leaves
 * the trampoline's last instructions after the unmask alone.
 */
static void sched_preempt(struct __regs *regs, void *ectx)
{
	unsigned long flags = ukplat_lcpu_save_irqf();
	struct uk_sched *s = uk_sched_current();
	struct uk_thread *t;

	uk_spin_lock(&s->lock);
	s->preempting = 0;
	s->nr_preempted++;
	t = s->current;
	if (t->state == UK_THREAD_BLOCKED) {
		/* It was between queuing itself and yielding: blocking here
		 * could miss a wake-up that already happened. */
		t->state = UK_THREAD_RUNNABLE;
		t->wakeup_time = 0;
	}
	t->preempt_return = 1;
	sched_switch(s, flags);
	resume_interrupted(t, regs, ectx);
	if (ukplat_lcpu_inject_restores_irqs())
		ukplat_lcpu_disable_irq();
	WRITE_ONCE(t->preempt_return, 0);
}

extern char __amphi_text_start[], __amphi_text_end[];
extern char __amphi_kernel_text_start[], __amphi_kernel_text_end[];

/* A loaded binary's range: it runs with its own stack (the preempted
 * call goes below its red zone) and thread pointer, as in its system
 * calls, which the kernel serves the same way. */
static __uptr loaded_start, loaded_end;

void uk_sched_loaded_code(__uptr start, __uptr end)
{
	WRITE_ONCE(loaded_end, 0);
	WRITE_ONCE(loaded_start, start);
	WRITE_ONCE(loaded_end, end);
}

static int ip_is_loaded(__uptr ip)
{
	return ip >= READ_ONCE(loaded_start) && ip < READ_ONCE(loaded_end);
}

int uk_sched_ip_is_app(__uptr ip)
{
	return (ip >= (__uptr)__amphi_text_start &&
		ip < (__uptr)__amphi_text_end &&
		!(ip >= (__uptr)__amphi_kernel_text_start &&
		  ip < (__uptr)__amphi_kernel_text_end)) ||
	       ip_is_loaded(ip);
}

/* Injected into a thread killed while it ran app code on its CPU. */
static void sched_die_injected(struct __regs *regs __maybe_unused,
			       void *ectx __maybe_unused)
{
	uk_thread_exit(-1);
}

/* Injected into a thread interrupted while it ran app code; regs and
 * ectx are its interrupted state. */
static void sched_interrupt_injected(struct __regs *regs, void *ectx)
{
	unsigned long flags = ukplat_lcpu_save_irqf();
	struct uk_sched *s = uk_sched_current();
	void (*fn)(struct __regs *, void *) = READ_ONCE(interrupt_hook);

	uk_spin_lock(&s->lock);
	s->preempting = 0;
	uk_spin_unlock(&s->lock);
	ukplat_lcpu_restore_irqf(flags);
	if (fn)
		fn(regs, ectx);
}

void sched_kill_running(struct uk_sched *s, struct __regs *regs,
			unsigned int preempt_count)
{
	struct uk_thread *t = s->current;
	void (*fn)(struct __regs *, void *);

	if (!t || (t->flags & UK_THREADF_IDLE))
		return;
	if (READ_ONCE(t->kill_pending))
		fn = sched_die_injected;
	else if (uk_thread_interrupted(t) && READ_ONCE(interrupt_hook))
		fn = sched_interrupt_injected;
	else
		return;
	/* App text may run for the kernel under a lock (memcpy): the count
	 * says whether the interrupted code holds one. */
	if (!s->preempting && !preempt_count &&
	    uk_sched_ip_is_app(ukarch_regs_ip(regs)))
		s->preempting = !ukarch_regs_inject_call(regs, fn);
	/* Not now (kernel code, maybe past its last look on its way back
	 * to the app): look again soon, the thread may never call in. */
	if (!s->preempting)
		inject_retry(s);
}

/* Preempt only kernel or app code, the image's or a loaded binary's
 * (in sim, not host code the guest called), that holds no spinlock
 * (preempt_count, the interrupted code's count), and only a thread that
 * ran a whole slice without a switch while others wait. */
static int should_preempt(struct uk_sched *s, const struct __regs *regs,
			  unsigned int preempt_count)
{
	__uptr ip = ukarch_regs_ip(regs);

	return !preempt_count && !s->preempting && s->nr_queued &&
	       running_thread(s) &&
	       s->nr_switches == s->slice_switches &&
	       ((ip >= (__uptr)__amphi_text_start &&
		 ip < (__uptr)__amphi_text_end) || ip_is_loaded(ip)) &&
	       !s->current->preempt_return &&
	       !ukarch_regs_in_inject_trampoline(regs);
}

/* The CPU's one-shot timer: sleepers' deadlines and the slice tick. */
static int timer_irq(void *arg, struct __regs *regs)
{
	struct uk_sched *s = uk_sched_current();
	/* The interrupted code's count, before our own lock raises it. */
	unsigned int preempt_count = uk_preempt_count();
	int preempt = 0, woken, tick;

	uk_spin_lock(&s->lock);
	s->timer_armed = 0;
	woken = wake_expired(s);
	sched_kill_running(s, regs, preempt_count);
	tick = s->slice_deadline &&
	       (!timeslice_us || ukplat_monotonic_clock() >= s->slice_deadline);
	if (tick) {
		preempt = timeslice_us &&
			  should_preempt(s, regs, preempt_count);
		if (preempt)
			s->preempting =
				!ukarch_regs_inject_call(regs, sched_preempt);
		/* A new slice for whoever runs next (or none: tickless). */
		s->slice_deadline = 0;
	}
	/* A preemption on its way starts the next slice when it switches. */
	if (!preempt || !s->preempting)
		sched_slice_check(s);
	else if (s->sleepq)
		sched_timer_arm(s, s->sleepq->wakeup_time, 0);
	if (s->slice_deadline)
		sched_timer_arm(s, s->slice_deadline, 0);
	uk_spin_unlock(&s->lock);
	/* The timer is shared (one deadline per CPU, set by whoever needs
	 * it): only a preemption takes the interrupt away from the other
	 * handlers; a wake-up of sleepers leaves it to them too. */
	(void)woken;
	return preempt;
}

int sched_timer_init(void)
{
	return ukplat_irq_register(UKPLAT_IRQ_TIMER, timer_irq, NULL);
}
