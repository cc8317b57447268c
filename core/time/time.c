/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks and sleeping over the HAL's monotonic and wall clocks and the
 * scheduler, as system-call handlers. A sleep ends early when a signal
 * interrupts it: -EINTR, and a relative sleep writes the time left.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/process.h>
#include <uk/sched.h>
#include <uk/spinlock.h>
#include <uk/syscall.h>
#include <uk/time.h>

#define TIMER_ABSTIME	1

/* Linux's encoded CPU clocks (include/linux/posix-timers.h). */
#define CPUCLOCK_PERTHREAD	4
#define CPUCLOCK_WHICH(clk)	((clk) & 3)	/* PROF, VIRT, SCHED */
#define CPUCLOCK_MAX		3
#define CPUCLOCK_ID(clk)	((unsigned int)~((clk) >> 3))

static int app_thread(struct uk_thread *t, void *arg __maybe_unused)
{
	return uk_thread_is_app(t) ? 0 : -EINVAL;
}

int uk_clock_cpu_owner(int clk, unsigned long *tid)
{
	unsigned long id;

	if (clk == UK_CLOCK_PROCESS_CPUTIME_ID) {
		*tid = 0;
		return 0;
	}
	if (clk == UK_CLOCK_THREAD_CPUTIME_ID) {
		*tid = uk_thread_current()->id;
		return 0;
	}
	if (clk >= 0 || CPUCLOCK_WHICH(clk) >= CPUCLOCK_MAX)
		return -EINVAL;
	id = CPUCLOCK_ID(clk);
	if (!(clk & CPUCLOCK_PERTHREAD)) {
		/* The one process, by 0 or its pid. */
		*tid = 0;
		return id == 0 || id == UK_PROCESS_PID ? 0 : -EINVAL;
	}
	if (id == 0)
		id = uk_thread_current()->id;
	*tid = id;
	return uk_thread_with_id(id, app_thread, NULL) < 0 ? -EINVAL : 0;
}

static int read_thread_cputime(struct uk_thread *t, void *arg)
{
	*(__nsec *)arg = uk_thread_cputime(t);
	return 0;
}

int uk_clock_cpu_read(unsigned long tid, __nsec *ns)
{
	if (!tid) {
		*ns = uk_sched_cputime();
		return 0;
	}
	return uk_thread_with_id(tid, read_thread_cputime, ns);
}

/* An encoded CPU clock (pthread_getcpuclockid...). */
static int cpu_clock_read(int clk, __nsec *ns)
{
	unsigned long tid;

	if (uk_clock_cpu_owner(clk, &tid) < 0 ||
	    uk_clock_cpu_read(tid, ns) < 0)
		return -EINVAL;
	return 0;
}

int uk_clock_read(int clk, __nsec *ns)
{
	switch (clk) {
	case UK_CLOCK_REALTIME:
	case UK_CLOCK_REALTIME_COARSE:
		*ns = ukplat_wall_clock();
		return 0;
	case UK_CLOCK_MONOTONIC:
	case UK_CLOCK_MONOTONIC_RAW:
	case UK_CLOCK_MONOTONIC_COARSE:
	case UK_CLOCK_BOOTTIME:
		*ns = ukplat_monotonic_clock();
		return 0;
	case UK_CLOCK_PROCESS_CPUTIME_ID:
		*ns = uk_sched_cputime();
		return 0;
	case UK_CLOCK_THREAD_CPUTIME_ID:
		*ns = uk_thread_cputime(uk_thread_current());
		return 0;
	default:
		return clk < 0 ? cpu_clock_read(clk, ns) : -EINVAL;
	}
}

int uk_timespec_to_ns(const struct uk_timespec *ts, __nsec *ns)
{
	if (ts->tv_nsec < 0 || ts->tv_nsec >= (long)UK_NSEC_PER_SEC ||
	    ts->tv_sec < 0)
		return -EINVAL;
	if ((__nsec)ts->tv_sec >= UINT64_MAX / UK_NSEC_PER_SEC - 1)
		*ns = UINT64_MAX / 2;	/* forever, without overflows */
	else
		*ns = (__nsec)ts->tv_sec * UK_NSEC_PER_SEC + ts->tv_nsec;
	return 0;
}

/* Wall-clock steps so far, and what follows them besides waits. */
static unsigned long wall_steps;
static UK_LIST_HEAD(step_hooks);
static UK_SPINLOCK_DEFINE(step_lock);

unsigned long uk_time_steps(void)
{
	return __atomic_load_n(&wall_steps, __ATOMIC_SEQ_CST);
}

/* Derives d's monotonic deadline from its wall-clock time. */
static void deadline_derive(struct uk_deadline *d)
{
	__nsec mono, now;

	d->steps = uk_time_steps();
	mono = ukplat_monotonic_clock();
	now = ukplat_wall_clock();
	if (d->wall <= now) {
		d->at = 1;
		return;
	}
	d->at = mono + (d->wall - now);
	if (d->at < mono)
		d->at = UINT64_MAX / 2;
}

int uk_deadline_abs(struct uk_deadline *d, int clk,
		    const struct uk_timespec *abs)
{
	__nsec target;

	if (clk != UK_CLOCK_REALTIME && clk != UK_CLOCK_MONOTONIC)
		return -EINVAL;
	if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= (long)UK_NSEC_PER_SEC)
		return -EINVAL;
	if (abs->tv_sec < 0)
		return -ETIMEDOUT;
	uk_timespec_to_ns(abs, &target);
	if (clk == UK_CLOCK_MONOTONIC) {
		uk_deadline_mono(d, target ?: 1);
		return target <= ukplat_monotonic_clock() ? -ETIMEDOUT : 0;
	}
	d->wall = target ?: 1;
	deadline_derive(d);
	return d->at == 1 ? -ETIMEDOUT : 0;
}

__nsec uk_deadline_at(struct uk_deadline *d)
{
	if (d->wall && d->steps != uk_time_steps())
		deadline_derive(d);
	return d->at;
}

int uk_deadline_stale(const struct uk_deadline *d)
{
	/* Pairs with the step's fence: the step's waker sees us blocked
	 * or we see its count. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return d->wall && d->steps != uk_time_steps();
}

void uk_deadline_wait_begin(const struct uk_deadline *d)
{
	if (!d->wall)
		return;
	WRITE_ONCE(uk_thread_current()->rt_deadline_wait, 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void uk_deadline_wait_end(const struct uk_deadline *d)
{
	if (d->wall)
		WRITE_ONCE(uk_thread_current()->rt_deadline_wait, 0);
}

void uk_time_step_hook_add(struct uk_time_step_hook *h)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&step_lock, flags);
	if (uk_list_empty(&h->link))
		uk_list_add_tail(&h->link, &step_hooks);
	uk_spin_unlock_irqrestore(&step_lock, flags);
}

void uk_time_step_hook_del(struct uk_time_step_hook *h)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&step_lock, flags);
	uk_list_del(&h->link);
	uk_spin_unlock_irqrestore(&step_lock, flags);
}

static void wake_rt_waiter(struct uk_thread *t, void *arg __maybe_unused)
{
	if (READ_ONCE(t->rt_deadline_wait))
		uk_thread_wake(t);
}

/* The wall clock moved by delta ns: realtime waits look at their
 * deadlines again, the hooks (timers) follow. */
static void wall_clock_stepped(__s64 delta)
{
	struct uk_list *pos;
	unsigned long flags;

	__atomic_add_fetch(&wall_steps, 1, __ATOMIC_SEQ_CST);
	uk_thread_for_each(wake_rt_waiter, NULL);
	uk_spin_lock_irqsave(&step_lock, flags);
	uk_list_for_each(pos, &step_hooks) {
		struct uk_time_step_hook *h =
			uk_list_entry(pos, struct uk_time_step_hook, link);

		h->stepped(h, delta);
	}
	uk_spin_unlock_irqrestore(&step_lock, flags);
}

int uk_time_rel_deadline_user(const struct uk_timespec *ut,
			      __nsec *deadline)
{
	struct uk_timespec ts;
	__nsec ns, now;
	int rc;

	*deadline = 0;
	if (!ut)
		return 0;
	if (uk_copy_from_user(&ts, ut, sizeof(ts)))
		return -EFAULT;
	rc = uk_timespec_to_ns(&ts, &ns);
	if (rc)
		return rc;
	now = ukplat_monotonic_clock();
	*deadline = now + ns < now ? UINT64_MAX / 2 : now + ns;
	/* 0 means "no deadline": a zero timeout must still time out. */
	if (!*deadline)
		*deadline = 1;
	return 0;
}

/* Stores ns in the app's *ts: 0 or -EFAULT. */
static int put_timespec(struct uk_timespec *ts, __nsec ns)
{
	struct uk_timespec k;

	uk_ns_to_timespec(&k, ns);
	return uk_copy_to_user(ts, &k, sizeof(k));
}

UK_SYSCALL_R_DEFINE(int, clock_gettime, int, clk, struct uk_timespec *, ts)
{
	__nsec ns;
	int rc = uk_clock_read(clk, &ns);

	return rc ? rc : put_timespec(ts, ns);
}

UK_SYSCALL_R_DEFINE(int, clock_getres, int, clk,
		    struct uk_timespec *, res)
{
	__nsec ns;
	int rc = uk_clock_read(clk, &ns);

	if (rc)
		return rc;
	return res ? put_timespec(res, 1) : 0;
}

/* Sleeps until deadline d. Returns 0, or -EINTR when a signal
 * interrupts the sleep. */
static int sleep_until(struct uk_deadline *d)
{
	struct uk_thread *self = uk_thread_current();
	__nsec at;
	int rc = 0;

	uk_deadline_wait_begin(d);
	for (;;) {
		at = uk_deadline_at(d);
		uk_thread_block_until(self, at);
		/* Pairs with the signal lock's release before
		 * uk_thread_interrupt(): we see sig_intr or get woken. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (uk_thread_interrupted(self)) {
			rc = -EINTR;
			break;
		}
		if (ukplat_monotonic_clock() >= at)
			break;
		if (uk_deadline_stale(d)) {
			uk_thread_wake(self);
			continue;
		}
		uk_sched_yield();
	}
	uk_thread_wake(self);
	uk_deadline_wait_end(d);
	return rc;
}

/* As Linux's system call: returns 0 or -errno (the C library turns it
 * into clock_nanosleep's error number). A relative sleep runs on the
 * monotonic clock whatever clk (Linux's hrtimers do so too), an absolute
 * CLOCK_REALTIME one follows steps of the wall clock. */
UK_SYSCALL_R_DEFINE(int, clock_nanosleep, int, clk, int, flags,
		    const struct uk_timespec *, ureq,
		    struct uk_timespec *, rem)
{
	struct uk_timespec req;
	struct uk_deadline d;
	unsigned long tid;
	__nsec ns, now;
	int rc;

	/* Linux: the caller's own thread clock cannot pass while it
	 * sleeps; sleeping on another CPU clock is not done here. */
	if (uk_clock_cpu_owner(clk, &tid) == 0)
		return tid == uk_thread_current()->id ? -EINVAL : -ENOTSUP;
	if (uk_clock_read(clk, &now) < 0)
		return -EINVAL;
	if (uk_copy_from_user(&req, ureq, sizeof(req)) < 0)
		return -EFAULT;
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	if (flags & TIMER_ABSTIME) {
		/* A negative absolute time has passed already. */
		if (req.tv_sec < 0 && req.tv_nsec >= 0 &&
		    req.tv_nsec < (long)UK_NSEC_PER_SEC)
			return 0;
		rc = uk_deadline_abs(&d, clk == UK_CLOCK_REALTIME ||
					 clk == UK_CLOCK_REALTIME_COARSE ?
					 UK_CLOCK_REALTIME : UK_CLOCK_MONOTONIC,
				     &req);
		if (rc == -ETIMEDOUT)
			return 0;
		if (rc)
			return rc;
		return sleep_until(&d);
	}
	if (uk_timespec_to_ns(&req, &ns) < 0)
		return -EINVAL;
	now = ukplat_monotonic_clock();
	uk_deadline_mono(&d, now + ns < now ? UINT64_MAX / 2 : now + ns);
	rc = sleep_until(&d);
	/* Interrupted by a signal: a relative sleep tells what was left. */
	now = ukplat_monotonic_clock();
	if (rc && rem && put_timespec(rem, d.at > now ? d.at - now : 0) < 0)
		return -EFAULT;
	return rc;
}

UK_SYSCALL_R_DEFINE(int, nanosleep, const struct uk_timespec *, req,
		    struct uk_timespec *, rem)
{
	return __uk_sys_clock_nanosleep(UK_CLOCK_MONOTONIC, 0, req, rem);
}

UK_SYSCALL_R_DEFINE(long, time, long *, t)
{
	long now = ukplat_wall_clock() / UK_NSEC_PER_SEC;

	if (t && uk_copy_to_user(t, &now, sizeof(now)))
		return -EFAULT;
	return now;
}

struct k_timeval {
	long tv_sec;
	long tv_usec;
};

UK_SYSCALL_R_DEFINE(int, gettimeofday, struct k_timeval *, tv, void *, tz)
{
	__nsec ns = ukplat_wall_clock();
	struct k_timeval ktv = {
		.tv_sec = ns / UK_NSEC_PER_SEC,
		.tv_usec = (ns % UK_NSEC_PER_SEC) / 1000,
	};
	int ktz[2] = { 0, 0 };		/* UTC, no DST */

	if ((tv && uk_copy_to_user(tv, &ktv, sizeof(ktv)) < 0) ||
	    (tz && uk_copy_to_user(tz, ktz, sizeof(ktz)) < 0))
		return -EFAULT;
	return 0;
}

/* Linux's TIME_SETTOD_SEC_MAX: 30 years of uptime short of the 64-bit
 * ns limit. */
#define SETTOD_SEC_MAX	(9223372036L - 30L * 365 * 24 * 3600)

/* The wall clock may not be set before the monotonic clock's zero (the
 * boot), as Linux's do_settimeofday64 refuses a negative offset. */
static int wall_clock_set(const struct uk_timespec *ts)
{
	__nsec ns, old;

	if (uk_timespec_to_ns(ts, &ns) < 0 || ts->tv_sec > SETTOD_SEC_MAX ||
	    ns < ukplat_monotonic_clock())
		return -EINVAL;
	old = ukplat_wall_clock();
	ukplat_wall_clock_set(ns);
	wall_clock_stepped((__s64)(ns - old));
	return 0;
}

/* The app is root: CLOCK_REALTIME may be set. As Linux: other clocks
 * cannot (EINVAL), an encoded CPU clock never (EPERM once valid). */
UK_SYSCALL_R_DEFINE(int, clock_settime, int, clk,
		    const struct uk_timespec *, uts)
{
	struct uk_timespec ts;
	unsigned long tid;

	if (clk < 0)
		return uk_clock_cpu_owner(clk, &tid) ? -EINVAL : -EPERM;
	if (clk != UK_CLOCK_REALTIME)
		return -EINVAL;
	if (uk_copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	return wall_clock_set(&ts);
}

/* Linux's struct timezone; the kernel only keeps it to hand it back. */
struct k_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

#define TZ_MINUTES_MAX	(15 * 60)

UK_SYSCALL_R_DEFINE(int, settimeofday, const struct k_timeval *, utv,
		    const struct k_timezone *, utz)
{
	struct k_timeval tv;
	struct k_timezone tz;
	struct uk_timespec ts;

	if (utv) {
		if (uk_copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_usec < 0 || tv.tv_usec > 1000000)
			return -EINVAL;
		ts.tv_sec = tv.tv_sec;
		ts.tv_nsec = tv.tv_usec * 1000;
		if (uk_timespec_to_ns(&ts, &(__nsec){ 0 }) < 0)
			return -EINVAL;
	}
	if (utz) {
		if (uk_copy_from_user(&tz, utz, sizeof(tz)))
			return -EFAULT;
		/* The time zone is accepted but not kept: the kernel's
		 * clocks are UTC (gettimeofday reports zone 0). */
		if (tz.tz_minuteswest > TZ_MINUTES_MAX ||
		    tz.tz_minuteswest < -TZ_MINUTES_MAX)
			return -EINVAL;
	}
	return utv ? wall_clock_set(&ts) : 0;
}

/* Linux's struct timex (64-bit ABIs) and the parts of NTP's state a
 * query reports: the clock is never synchronised, no adjustment runs. */
struct k_timex {
	unsigned int modes;
	long offset, freq, maxerror, esterror;
	int status;
	long constant, precision, tolerance;
	struct k_timeval time;
	long tick, ppsfreq, jitter;
	int shift;
	long stabil, jitcnt, calcnt, errcnt, stbcnt;
	int tai;
	int pad[11];
};

#define ADJ_OFFSET_SS_READ	0xa001
#define STA_UNSYNC		0x0040
#define TIME_ERROR		5
#define NTP_PHASE_LIMIT		16000000L	/* us, maxerror */
#define MAXFREQ_SCALED		(500L << 16)	/* 500 ppm, Linux's */
#define USER_TICK_USEC		10000L		/* 1e6 / USER_HZ */

/* A read-only adjtimex (modes 0, or ADJ_OFFSET_SS_READ as glibc's
 * adjtime(NULL, &old) sends): the state, TIME_ERROR as it is unsynced.
 * Changing the clock's rate or offset is not done: EOPNOTSUPP. */
static int adjtimex_query(struct k_timex *utx)
{
	struct k_timex tx;
	__nsec ns;

	if (uk_copy_from_user(&tx, utx, sizeof(tx)))
		return -EFAULT;
	if (tx.modes && tx.modes != ADJ_OFFSET_SS_READ)
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	ns = ukplat_wall_clock();
	tx.status = STA_UNSYNC;
	tx.maxerror = NTP_PHASE_LIMIT;
	tx.esterror = NTP_PHASE_LIMIT;
	tx.constant = 2;
	tx.precision = 1;
	tx.tolerance = MAXFREQ_SCALED;
	tx.tick = USER_TICK_USEC;
	tx.time.tv_sec = (long)(ns / UK_NSEC_PER_SEC);
	tx.time.tv_usec = (long)(ns % UK_NSEC_PER_SEC / 1000);
	if (uk_copy_to_user(utx, &tx, sizeof(tx)))
		return -EFAULT;
	return TIME_ERROR;
}

UK_SYSCALL_R_DEFINE(int, adjtimex, struct k_timex *, utx)
{
	return adjtimex_query(utx);
}

/* Only CLOCK_REALTIME is adjustable, as on Linux (others: EOPNOTSUPP,
 * unknown ones EINVAL). */
UK_SYSCALL_R_DEFINE(int, clock_adjtime, int, clk, struct k_timex *, utx)
{
	__nsec ns;

	if (uk_clock_read(clk, &ns) < 0)
		return -EINVAL;
	if (clk != UK_CLOCK_REALTIME)
		return -EOPNOTSUPP;
	return adjtimex_query(utx);
}

/* CPU time is approximated by the time since boot, all of it "user". */
#define CLK_TCK		100

struct k_tms {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

UK_SYSCALL_R_DEFINE(long, times, struct k_tms *, buf)
{
	__nsec ticks = ukplat_monotonic_clock() /
		       (UK_NSEC_PER_SEC / CLK_TCK);
	struct k_tms t = { 0 };

	t.tms_utime = (long)(uk_sched_cputime() /
			     (UK_NSEC_PER_SEC / CLK_TCK));
	if (buf && uk_copy_to_user(buf, &t, sizeof(t)))
		return -EFAULT;
	return (long)ticks;
}

/* Linux's struct rusage: two timevals, then 14 longs. */
struct k_rusage {
	struct k_timeval ru_utime, ru_stime;
	long ru_fields[14];
};

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

UK_SYSCALL_R_DEFINE(int, getrusage, int, who, struct k_rusage *, usage)
{
	struct k_rusage r;
	__nsec ns;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN &&
	    who != RUSAGE_THREAD)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	if (who != RUSAGE_CHILDREN) {
		ns = who == RUSAGE_SELF ? uk_sched_cputime() :
		     uk_thread_cputime(uk_thread_current());
		r.ru_utime.tv_sec = ns / UK_NSEC_PER_SEC;
		r.ru_utime.tv_usec = ns % UK_NSEC_PER_SEC / 1000;
	}
	return uk_copy_to_user(usage, &r, sizeof(r));
}
