/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timers that send signals: alarm, setitimer/getitimer and the POSIX
 * timers (timer_create with SIGEV_SIGNAL, SIGEV_THREAD_ID or SIGEV_NONE;
 * musl builds SIGEV_THREAD on SIGEV_THREAD_ID). One kernel thread sleeps
 * until the nearest expiry and sends the signals; a timer whose signal
 * is still pending counts overruns instead (Linux). Deadlines are on the
 * monotonic clock; an absolute CLOCK_REALTIME time is turned into one
 * when the timer is set, and moved with each step of the wall clock
 * (clock_settime), as Linux's timers follow such steps; relative ones
 * do not.
 *
 * ITIMER_VIRTUAL, ITIMER_PROF and timers on CLOCK_PROCESS_CPUTIME_ID
 * have deadlines on the process's CPU time (uk_sched_cputime; the two
 * itimers count the same time: the kernel runs in the app's threads, so
 * there is no user/system split to make); timers on
 * CLOCK_THREAD_CPUTIME_ID or a pthread_getcpuclockid() clock on that
 * thread's (uk_thread_cputime). The thread cannot sleep until a CPU
 * time, so it looks again after the time the process (or the thread)
 * needs at least to get there (every CPU busy), but at most every
 * CPU_POLL_MIN: such a timer fires within about that much of its
 * deadline, as Linux's fire at a tick.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <uk/errptr.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include "signal_impl.h"

#define U_SIGEV_SIGNAL		0
#define U_SIGEV_NONE		1
#define U_SIGEV_THREAD_ID	4
#define U_TIMER_ABSTIME		1
#define U_ITIMER_REAL		0
#define U_ITIMER_VIRTUAL	1
#define U_ITIMER_PROF		2
#define U_SIGVTALRM		26
#define U_SIGPROF		27
#define CPU_POLL_MIN		1000000		/* ns */
#define U_CLOCK_REALTIME_ALARM	8
#define U_CLOCK_BOOTTIME_ALARM	9

#define NR_TIMERS	256		/* POSIX timers; then the itimers */
#define ITIMER		NR_TIMERS	/* + ITIMER_REAL, _VIRTUAL, _PROF */
#define NR_CB_TIMERS	1024		/* after them: timerfds */
#define FIRST_CB	(ITIMER + 3)
#define NR_ALL		(FIRST_CB + NR_CB_TIMERS)
#define U_NOTIFY_CB	(-1)		/* calls fire() instead of a signal */

struct ktimer {
	int used;
	int cpu;			/* on CPU time: cpu_tid's */
	unsigned long cpu_tid;		/* a thread's; 0: the process's */
	__nsec cpu_now;			/* cpu_tid's, as last read */
	int cpu_gone;			/* cpu_tid exited: never fires */
	int notify;			/* SIGEV_* */
	int signo;
	int tid;			/* SIGEV_THREAD_ID's thread */
	__u64 value;			/* sigev_value */
	__nsec expires;			/* monotonic or CPU; 0: disarmed */
	int wall;			/* armed for a CLOCK_REALTIME time */
	__nsec interval;
	int overrun;			/* expiries since its signal queued */
	int last_overrun;		/* timer_getoverrun */
	int queued;			/* its signal is pending */
	void (*fire)(void *arg, __u64 n);	/* U_NOTIFY_CB */
	void *arg;
};

/* Linux's struct sigevent (64 bytes). */
struct k_sigevent {
	__u64 sigev_value;
	int sigev_signo;
	int sigev_notify;
	int sigev_tid;
	int __pad[11];
};

struct k_timeval {
	long tv_sec;
	long tv_usec;
};

struct k_itimerval {
	struct k_timeval it_interval;
	struct k_timeval it_value;
};

static struct ktimer timers[NR_ALL];
static struct uk_spinlock tm_lock = UK_SPINLOCK_INITIALIZER();
static struct uk_thread *tm_thread;

/* When to look at a CPU-time timer again (monotonic): after the least
 * time the process needs to reach it, but not sooner than CPU_POLL_MIN. */
static __nsec cpu_poll(const struct ktimer *k, __nsec mono, __nsec cpu)
{
	unsigned int cpus = k->cpu_tid ? 1 : (ukplat_lcpu_count() ?: 1);
	__nsec wait = (k->expires - cpu) / cpus;

	return mono + MAX(wait, (__nsec)CPU_POLL_MIN);
}

/* Fires the first expired timer (tm_lock held, released). Returns 0 if
 * none expired, with the nearest time to look again in *next. */
static int fire_one(__nsec mono, __nsec cpu, __nsec *next,
		    unsigned long flags)
{
	struct uk_siginfo info;
	struct ktimer *k = NULL;
	__nsec missed = 0, now = 0, when;
	int i, tid = 0;

	*next = 0;
	for (i = 0; i < NR_ALL; i++) {
		if (!timers[i].used || !timers[i].expires ||
		    timers[i].cpu_gone)
			continue;
		now = !timers[i].cpu ? mono :
		      timers[i].cpu_tid ? timers[i].cpu_now : cpu;
		if (timers[i].expires <= now) {
			k = &timers[i];
			break;
		}
		when = timers[i].cpu ? cpu_poll(&timers[i], mono, now) :
		       timers[i].expires;
		if (!*next || when < *next)
			*next = when;
	}
	if (!k)
		return 0;
	if (k->interval) {
		missed = (now - k->expires) / k->interval;
		k->expires += (missed + 1) * k->interval;
	} else {
		k->expires = 0;
	}
	/* Under tm_lock, so that ktimer_cb_delete() returns only once no
	 * call of fire() runs. */
	if (k->notify == U_NOTIFY_CB)
		k->fire(k->arg, 1 + missed);
	if (k->notify == U_SIGEV_NONE || k->notify == U_NOTIFY_CB) {
		uk_spin_unlock_irqrestore(&tm_lock, flags);
		return 1;
	}
	if (k->queued) {
		k->overrun += 1 + (int)missed;
		uk_spin_unlock_irqrestore(&tm_lock, flags);
		return 1;
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = k->signo;
	if (i >= ITIMER) {
		info.si_code = UK_SI_KERNEL;
	} else {
		k->queued = 1;
		k->overrun = (int)missed;
		info.si_code = UK_SI_TIMER;
		info.si_a = i;			/* si_tid: the timer */
		info.si_value = k->value;
		tid = k->notify == U_SIGEV_THREAD_ID ? k->tid : 0;
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	if (tid) {
		/* Gone: Linux drops it too. */
		if (uk_signal_send_tid(tid, &info) < 0)
			timer_signal_taken(&info);
	} else if (uk_signal_send(NULL, &info) < 0 && i < ITIMER) {
		timer_signal_taken(&info);
	}
	return 1;
}

/*
 * Reads the CPU times of the threads that armed thread CPU-time timers
 * count, into their cpu_now. Not under tm_lock: a thread is found under
 * the thread list's lock, which comes before the signal lock (and that
 * before tm_lock). Only the timer thread calls it.
 */
static void thread_times_read(void)
{
	static struct {
		int timer, rc;
		unsigned long tid;
		__nsec ns;
	} r[NR_TIMERS];
	struct ktimer *k;
	unsigned long flags;
	int i, n = 0;

	uk_spin_lock_irqsave(&tm_lock, flags);
	for (i = 0; i < NR_TIMERS; i++) {
		k = &timers[i];
		if (k->used && k->expires && k->cpu_tid && !k->cpu_gone) {
			r[n].timer = i;
			r[n++].tid = k->cpu_tid;
		}
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	if (!n)
		return;
	for (i = 0; i < n; i++)
		r[i].rc = uk_clock_cpu_read(r[i].tid, &r[i].ns);
	uk_spin_lock_irqsave(&tm_lock, flags);
	for (i = 0; i < n; i++) {
		k = &timers[r[i].timer];
		if (!k->used || k->cpu_tid != r[i].tid)
			continue;
		k->cpu_now = r[i].ns;
		k->cpu_gone = r[i].rc < 0;
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
}

static void timer_main(void *arg __maybe_unused)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long flags;
	__nsec next;

	for (;;) {
		thread_times_read();
		uk_spin_lock_irqsave(&tm_lock, flags);
		if (fire_one(ukplat_monotonic_clock(), uk_sched_cputime(),
			     &next, flags))
			continue;
		/* Blocked before the lock goes: a change wakes us. */
		uk_thread_block_until(self, next);
		uk_spin_unlock_irqrestore(&tm_lock, flags);
		uk_sched_yield();
	}
}

void timer_signal_taken(struct uk_siginfo *info)
{
	struct ktimer *k;
	unsigned long flags;

	if (info->si_a < 0 || info->si_a >= NR_TIMERS)
		return;
	uk_spin_lock_irqsave(&tm_lock, flags);
	k = &timers[info->si_a];
	if (k->used && k->queued) {
		info->si_b = k->overrun;	/* si_overrun */
		k->last_overrun = k->overrun;
		k->overrun = 0;
		k->queued = 0;
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
}

/* Makes sure the timer thread runs and looks at the timers again. */
static int timers_kick(void)
{
	struct uk_thread *t = READ_ONCE(tm_thread);
	unsigned long flags;

	if (!t) {
		t = uk_thread_create("timers", timer_main, NULL, 0,
				     UK_THREADF_SERVICE);
		if (PTRISERR(t))
			return PTR2ERR(t);
		uk_spin_lock_irqsave(&tm_lock, flags);
		if (tm_thread) {
			uk_spin_unlock_irqrestore(&tm_lock, flags);
			uk_thread_release(t);
			t = tm_thread;
		} else {
			tm_thread = t;
			uk_spin_unlock_irqrestore(&tm_lock, flags);
			return uk_thread_start(t);
		}
	}
	uk_thread_wake(t);
	return 0;
}

/* At exit: the timer thread goes with the kernel, so that nothing of it
 * (thread, stack, its mapping) outlives the teardown. The process's exit
 * has usually killed it already; then this only reaps it. */
static void timers_term(void)
{
	struct uk_thread *t;
	unsigned long flags;

	uk_spin_lock_irqsave(&tm_lock, flags);
	t = tm_thread;
	tm_thread = NULL;
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	if (!t)
		return;
	uk_thread_kill(t);	/* -EINVAL: already stopped */
	uk_thread_join(t, NULL);
}
uk_termcall_class_prio(timers_term, UK_INIT_CLASS_LATE, 9);

/* Time left on k (tm_lock held): 0 if disarmed, at least 1 ns if it
 * expired and the thread has not fired it yet. */
static __nsec left_locked(const struct ktimer *k, __nsec now)
{
	if (!k->expires)
		return 0;
	return k->expires > now ? k->expires - now : 1;
}

/* Now on the clock of timer k's deadlines, in *now. Returns 0, or
 * -ESRCH if it counts the CPU time of a thread that is gone. Not under
 * tm_lock (thread_times_read() tells why). */
static int timer_now(const struct ktimer *k, __nsec *now)
{
	if (k->cpu)
		return uk_clock_cpu_read(k->cpu_tid, now);
	*now = ukplat_monotonic_clock();
	return 0;
}

/* The wall clock moved by delta ns: timers armed for a CLOCK_REALTIME
 * time move with it; the timer thread looks at them again. */
static void timers_stepped(struct uk_time_step_hook *h __maybe_unused,
			   __s64 delta)
{
	struct uk_thread *t;
	struct ktimer *k;
	unsigned long flags;
	__nsec e;
	int i;

	uk_spin_lock_irqsave(&tm_lock, flags);
	t = tm_thread;
	for (i = 0; i < NR_ALL; i++) {
		k = &timers[i];
		if (!k->used || !k->expires || !k->wall)
			continue;
		e = k->expires;
		if (delta > 0)
			e = e > (__nsec)delta ? e - (__nsec)delta : 1;
		else
			e = e - (__nsec)delta < e ? UINT64_MAX / 2 :
			    e - (__nsec)delta;
		k->expires = e ?: 1;
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	if (t)
		uk_thread_wake(t);
}

static struct uk_time_step_hook step_hook = {
	.link = UK_LIST_HEAD_INIT(step_hook.link),
	.stepped = timers_stepped,
};

/* When k, set now to value ns (abs: to the time value on clk), expires
 * on its clock, from now on it in *now. 0 or -ESRCH (timer_now()). */
static int expiry(const struct ktimer *k, int clk, int abs, __nsec value,
		  __nsec *now, __nsec *expires)
{
	__nsec wall;

	/* Linux: the thread of a thread CPU-time timer has exited. */
	if (timer_now(k, now) < 0)
		return -ESRCH;
	*expires = 0;
	if (value && abs) {
		wall = clk == UK_CLOCK_REALTIME ? ukplat_wall_clock() : *now;
		*expires = value > wall ? *now + (value - wall) : *now;
		/* A CPU-time deadline may be 0 ns from the start: 1. */
		*expires = *expires ?: 1;
	} else if (value) {
		*expires = *now + value < *now ? UINT64_MAX / 2 : *now + value;
	}
	return 0;
}

/* Arms k for value ns from now (abs: value is a deadline on clk), then
 * every interval ns; value 0 disarms. The old setting in *old_value and
 * *old_interval. */
static int arm(int id, int clk, int abs, __nsec value, __nsec interval,
	       __nsec *old_value, __nsec *old_interval)
{
	struct ktimer *k = &timers[id];
	int wall_time = value && abs && clk == UK_CLOCK_REALTIME;
	unsigned long flags, steps;
	__nsec now, expires;

	if (wall_time)
		uk_time_step_hook_add(&step_hook);
	for (;;) {
		steps = uk_time_steps();
		if (expiry(k, clk, abs, value, &now, &expires) < 0)
			return -ESRCH;
		uk_spin_lock_irqsave(&tm_lock, flags);
		/* A step since the wall clock was read has not moved
		 * this setting (its hook comes after us): again. */
		if (!wall_time || steps == uk_time_steps())
			break;
		uk_spin_unlock_irqrestore(&tm_lock, flags);
	}
	if (!k->used) {
		uk_spin_unlock_irqrestore(&tm_lock, flags);
		return -EINVAL;
	}
	*old_value = left_locked(k, now);
	*old_interval = k->interval;
	k->cpu_now = now;
	k->cpu_gone = 0;
	/* A timerfd's expiries of the old setting go with it (Linux). */
	if (k->notify == U_NOTIFY_CB)
		k->fire(k->arg, 0);
	k->expires = expires;
	k->interval = value ? interval : 0;
	k->wall = wall_time;
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	return value ? timers_kick() : 0;
}

int ktimer_clock_ok(int clk)
{
	switch (clk) {
	case UK_CLOCK_REALTIME:
	case UK_CLOCK_MONOTONIC:
	case UK_CLOCK_BOOTTIME:
	case U_CLOCK_REALTIME_ALARM:
	case U_CLOCK_BOOTTIME_ALARM:
		return 1;
	default:
		return 0;
	}
}

static int timer_clock(int clk)
{
	return clk == UK_CLOCK_REALTIME || clk == U_CLOCK_REALTIME_ALARM ?
	       UK_CLOCK_REALTIME : UK_CLOCK_MONOTONIC;
}

static int is_our_thread(struct uk_thread *t, void *arg __maybe_unused)
{
	return uk_thread_is_app(t) ? 0 : -EINVAL;
}

/* Clocks of the timers. */
static int timer_clocks[NR_TIMERS];

UK_SYSCALL_R_DEFINE(int, timer_create, int, clk,
		    const struct k_sigevent *, usev, int *, uid)
{
	struct k_sigevent sev;
	unsigned long flags, cpu_tid = 0;
	int id, cpu;

	/* A CPU-time clock: the process's, the caller's or a thread's
	 * (pthread_getcpuclockid). */
	cpu = !ktimer_clock_ok(clk);
	/* (~fd << 3) | 3 is Linux's clock of a clock device: no timers. */
	if (clk < 0 && (clk & 7) == 3)
		return -ENOTSUP;
	if (cpu && uk_clock_cpu_owner(clk, &cpu_tid) < 0)
		return -EINVAL;
	if (usev) {
		if (uk_copy_from_user(&sev, usev, sizeof(sev)) < 0)
			return -EFAULT;
	} else {
		memset(&sev, 0, sizeof(sev));
		sev.sigev_signo = U_SIGALRM;
		sev.sigev_notify = U_SIGEV_SIGNAL;
	}
	if (sev.sigev_notify != U_SIGEV_SIGNAL &&
	    sev.sigev_notify != U_SIGEV_NONE &&
	    sev.sigev_notify != U_SIGEV_THREAD_ID)
		return -EINVAL;
	if (sev.sigev_notify != U_SIGEV_NONE &&
	    (sev.sigev_signo < 1 || sev.sigev_signo >= UK_NSIG))
		return -EINVAL;
	if (sev.sigev_notify == U_SIGEV_THREAD_ID &&
	    (sev.sigev_tid <= 0 ||
	     uk_thread_with_id(sev.sigev_tid, is_our_thread, NULL) < 0))
		return -EINVAL;
	uk_spin_lock_irqsave(&tm_lock, flags);
	for (id = 0; id < NR_TIMERS && timers[id].used; id++)
		;
	if (id == NR_TIMERS) {
		uk_spin_unlock_irqrestore(&tm_lock, flags);
		return -EAGAIN;
	}
	memset(&timers[id], 0, sizeof(timers[id]));
	timers[id].used = 1;
	timers[id].notify = sev.sigev_notify;
	timers[id].signo = sev.sigev_signo;
	timers[id].tid = sev.sigev_tid;
	timers[id].cpu = cpu;
	timers[id].cpu_tid = cpu_tid;
	timers[id].value = usev ? sev.sigev_value : (__u64)id;
	timer_clocks[id] = timer_clock(clk);
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	if (uk_copy_to_user(uid, &id, sizeof(id)) < 0) {
		uk_spin_lock_irqsave(&tm_lock, flags);
		timers[id].used = 0;
		uk_spin_unlock_irqrestore(&tm_lock, flags);
		return -EFAULT;
	}
	return 0;
}

static int timer_id_ok(int id)
{
	return id >= 0 && id < NR_TIMERS && READ_ONCE(timers[id].used);
}

UK_SYSCALL_R_DEFINE(int, timer_settime, int, id, int, flags,
		    const struct k_itimerspec *, unew,
		    struct k_itimerspec *, uold)
{
	struct k_itimerspec new, old;
	__nsec value, interval, ov, oi;
	int rc;

	if (!timer_id_ok(id))
		return -EINVAL;
	if (uk_copy_from_user(&new, unew, sizeof(new)) < 0)
		return -EFAULT;
	/* Other flag bits are ignored (Linux). */
	if (uk_timespec_to_ns(&new.it_value, &value) < 0 ||
	    uk_timespec_to_ns(&new.it_interval, &interval) < 0)
		return -EINVAL;
	/* An absolute time of 0 is in the past: it expires at once. */
	if (!value && (flags & U_TIMER_ABSTIME) &&
	    (new.it_value.tv_sec || new.it_value.tv_nsec))
		value = 1;
	rc = arm(id, timer_clocks[id], flags & U_TIMER_ABSTIME, value,
		 interval, &ov, &oi);
	if (rc)
		return rc;
	if (uold) {
		uk_ns_to_timespec(&old.it_value, ov);
		uk_ns_to_timespec(&old.it_interval, oi);
		if (uk_copy_to_user(uold, &old, sizeof(old)) < 0)
			return -EFAULT;
	}
	return 0;
}

/* The time left and interval of timer id. */
static void get_timer(int id, __nsec *value, __nsec *interval)
{
	unsigned long flags;
	__nsec now;
	int gone = timer_now(&timers[id], &now) < 0;

	uk_spin_lock_irqsave(&tm_lock, flags);
	/* A gone thread's timer never fires: nothing is left (Linux). */
	*value = gone ? 0 : left_locked(&timers[id], now);
	*interval = timers[id].interval;
	uk_spin_unlock_irqrestore(&tm_lock, flags);
}

/* --- Timers that call a function (timerfd) ------------------------------ */

int ktimer_cb_create(void (*fire)(void *arg, __u64 n), void *arg)
{
	unsigned long flags;
	int id;

	uk_spin_lock_irqsave(&tm_lock, flags);
	for (id = FIRST_CB; id < NR_ALL && timers[id].used; id++)
		;
	if (id < NR_ALL) {
		memset(&timers[id], 0, sizeof(timers[id]));
		timers[id].used = 1;
		timers[id].notify = U_NOTIFY_CB;
		timers[id].fire = fire;
		timers[id].arg = arg;
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	return id < NR_ALL ? id : -EMFILE;
}

int ktimer_cb_set(int id, int clk, int abs, __nsec value, __nsec interval,
		  __nsec *old_value, __nsec *old_interval)
{
	return arm(id, timer_clock(clk), abs, value, interval, old_value,
		   old_interval);
}

void ktimer_cb_get(int id, __nsec *value, __nsec *interval)
{
	get_timer(id, value, interval);
}

void ktimer_cb_delete(int id)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&tm_lock, flags);
	memset(&timers[id], 0, sizeof(timers[id]));
	uk_spin_unlock_irqrestore(&tm_lock, flags);
}

UK_SYSCALL_R_DEFINE(int, timer_gettime, int, id, struct k_itimerspec *, ucur)
{
	struct k_itimerspec cur;
	__nsec v, i;

	if (!timer_id_ok(id))
		return -EINVAL;
	get_timer(id, &v, &i);
	uk_ns_to_timespec(&cur.it_value, v);
	uk_ns_to_timespec(&cur.it_interval, i);
	return uk_copy_to_user(ucur, &cur, sizeof(cur)) < 0 ? -EFAULT : 0;
}

UK_SYSCALL_R_DEFINE(int, timer_getoverrun, int, id)
{
	if (!timer_id_ok(id))
		return -EINVAL;
	return READ_ONCE(timers[id].last_overrun);
}

UK_SYSCALL_R_DEFINE(int, timer_delete, int, id)
{
	unsigned long flags;
	int rc = 0;

	uk_spin_lock_irqsave(&tm_lock, flags);
	if (id < 0 || id >= NR_TIMERS || !timers[id].used)
		rc = -EINVAL;
	else
		memset(&timers[id], 0, sizeof(timers[id]));
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	return rc;
}

/* --- setitimer, alarm ---------------------------------------------------- */

static int tv_to_ns(const struct k_timeval *tv, __nsec *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = (__nsec)tv->tv_sec * UK_NSEC_PER_SEC +
	      (__nsec)tv->tv_usec * 1000;
	return 0;
}

/* Rounds up to whole microseconds, as Linux reports itimers. */
static void ns_to_tv(struct k_timeval *tv, __nsec ns)
{
	__nsec us = (ns + 999) / 1000;

	tv->tv_sec = (long)(us / 1000000);
	tv->tv_usec = (long)(us % 1000000);
}

static const int itimer_signo[] = {
	[U_ITIMER_REAL] = U_SIGALRM,
	[U_ITIMER_VIRTUAL] = U_SIGVTALRM,
	[U_ITIMER_PROF] = U_SIGPROF,
};

static int itimer_set(int which, __nsec value, __nsec interval, __nsec *ov,
		      __nsec *oi)
{
	struct ktimer *k = &timers[ITIMER + which];
	unsigned long flags;

	uk_spin_lock_irqsave(&tm_lock, flags);
	if (!k->used) {
		k->used = 1;
		k->cpu = which != U_ITIMER_REAL;
		k->notify = U_SIGEV_SIGNAL;
		k->signo = itimer_signo[which];
	}
	uk_spin_unlock_irqrestore(&tm_lock, flags);
	return arm(ITIMER + which, UK_CLOCK_MONOTONIC, 0, value, interval,
		   ov, oi);
}

static int itimer_which_ok(int which)
{
	return which >= U_ITIMER_REAL && which <= U_ITIMER_PROF ? 0 : -EINVAL;
}

UK_SYSCALL_R_DEFINE(int, getitimer, int, which, struct k_itimerval *, ucur)
{
	struct k_itimerval cur;
	__nsec v = 0, i = 0;
	int rc = itimer_which_ok(which);

	if (rc)
		return rc;
	if (READ_ONCE(timers[ITIMER + which].used))
		get_timer(ITIMER + which, &v, &i);
	ns_to_tv(&cur.it_value, v);
	ns_to_tv(&cur.it_interval, i);
	return uk_copy_to_user(ucur, &cur, sizeof(cur)) < 0 ? -EFAULT : 0;
}

UK_SYSCALL_R_DEFINE(int, setitimer, int, which,
		    const struct k_itimerval *, unew,
		    struct k_itimerval *, uold)
{
	struct k_itimerval new, old;
	__nsec v = 0, i = 0, ov, oi;
	int rc = itimer_which_ok(which);

	if (rc)
		return rc;
	/* Linux takes no new value as a zero one. */
	if (unew) {
		if (uk_copy_from_user(&new, unew, sizeof(new)) < 0)
			return -EFAULT;
		if (tv_to_ns(&new.it_value, &v) < 0 ||
		    tv_to_ns(&new.it_interval, &i) < 0)
			return -EINVAL;
	}
	rc = itimer_set(which, v, i, &ov, &oi);
	if (rc)
		return rc;
	if (uold) {
		ns_to_tv(&old.it_value, ov);
		ns_to_tv(&old.it_interval, oi);
		if (uk_copy_to_user(uold, &old, sizeof(old)) < 0)
			return -EFAULT;
	}
	return 0;
}

UK_SYSCALL_R_DEFINE(unsigned int, alarm, unsigned int, seconds)
{
	__nsec ov, oi;
	unsigned int left;

	if (itimer_set(U_ITIMER_REAL, (__nsec)seconds * UK_NSEC_PER_SEC, 0,
		       &ov, &oi) < 0)
		return 0;
	/* Rounded to the nearest second, and never 0 while armed. */
	left = (unsigned int)((ov + UK_NSEC_PER_SEC / 2) / UK_NSEC_PER_SEC);
	return ov && !left ? 1 : left;
}
