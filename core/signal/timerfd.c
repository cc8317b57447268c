/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * timerfd: a file over one of timer.c's timers. The timer thread adds
 * each expiry (and the ones a periodic timer missed) to a 64-bit count
 * and notifies the file's queue; read takes the count, poll reports
 * POLLIN while it is not 0, and the fd layer waits on the queue for
 * blocking reads, as for eventfd. With TFD_TIMER_ABSTIME |
 * TFD_TIMER_CANCEL_ON_SET on a realtime clock, a step of the wall clock
 * cancels: it wakes readers and pollers, and the next read fails with
 * ECANCELED (the timer stays armed, moved with the step), as Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/nofault.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include "signal_impl.h"

#define TFD_TIMER_ABSTIME		1
#define TFD_TIMER_CANCEL_ON_SET		2
#define TFD_SETTIME_FLAGS	(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
#define TFD_CREATE_FLAGS	(O_NONBLOCK | O_CLOEXEC)
#define TFD_REALTIME_ALARM		8	/* Linux's CLOCK_REALTIME_ALARM */

struct timerfd {
	struct uk_file f;
	__u64 ticks;
	int clk;
	int timer;		/* timer.c's id */
	int canceled;		/* a step since the setting or last read */
	int settime_flags;	/* of the last timerfd_settime (fdinfo) */
	struct uk_time_step_hook step;	/* added while CANCEL_ON_SET */
};

/* A step of the wall clock with CANCEL_ON_SET (under the step lock). */
static void tfd_stepped(struct uk_time_step_hook *h,
			__s64 delta __maybe_unused)
{
	struct timerfd *t = __containerof(h, struct timerfd, step);

	__atomic_store_n(&t->canceled, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&t->ticks, 1, __ATOMIC_ACQ_REL);
	uk_pollq_notify(&t->f.pollq, UK_POLLIN | UK_POLLRDNORM);
}

/* Called by the timer thread under its lock. */
static void tfd_fire(void *arg, __u64 n)
{
	struct timerfd *t = arg;

	if (!n) {
		__atomic_store_n(&t->ticks, 0, __ATOMIC_RELEASE);
		return;
	}
	__atomic_add_fetch(&t->ticks, n, __ATOMIC_ACQ_REL);
	uk_pollq_notify(&t->f.pollq, UK_POLLIN | UK_POLLRDNORM);
}

static ssize_t tfd_read(struct uk_file *f, const struct iovec *iov,
			int iovcnt, off_t *off __maybe_unused,
			unsigned int flags __maybe_unused)
{
	struct timerfd *t = f->priv;
	__u64 n;

	if (uk_iov_total(iov, iovcnt) < sizeof(n))
		return -EINVAL;
	if (__atomic_exchange_n(&t->canceled, 0, __ATOMIC_ACQ_REL)) {
		__atomic_store_n(&t->ticks, 0, __ATOMIC_RELEASE);
		return -ECANCELED;
	}
	n = __atomic_exchange_n(&t->ticks, 0, __ATOMIC_ACQ_REL);
	if (!n)
		return -EAGAIN;
	/* As Linux: a fault loses the expiries taken. */
	if (uk_iov_copy_to(iov, iovcnt, 0, &n, sizeof(n)) < sizeof(n))
		return -EFAULT;
	return sizeof(n);
}

static unsigned int tfd_poll(struct uk_file *f)
{
	struct timerfd *t = f->priv;

	return __atomic_load_n(&t->ticks, __ATOMIC_ACQUIRE) ?
	       UK_POLLIN | UK_POLLRDNORM : 0;
}

static void tfd_release(struct uk_file *f)
{
	struct timerfd *t = f->priv;

	uk_time_step_hook_del(&t->step);
	ktimer_cb_delete(t->timer);
	uk_free(uk_alloc_get_default(), t);
}

/* As Linux's timerfd_show: what timerfd_gettime says, and more. */
static int tfd_fdinfo(struct uk_file *f, char *buf, __sz size)
{
	struct timerfd *t = f->priv;
	struct uk_timespec v, i;
	__nsec value, interval;

	ktimer_cb_get(t->timer, &value, &interval);
	uk_ns_to_timespec(&v, value);
	uk_ns_to_timespec(&i, interval);
	return snprintf(buf, size, "clockid: %d\nticks: %llu\n"
			"settime flags: 0%o\nit_value: (%llu, %llu)\n"
			"it_interval: (%llu, %llu)\n", t->clk,
			(unsigned long long)__atomic_load_n(&t->ticks,
							    __ATOMIC_ACQUIRE),
			(unsigned int)READ_ONCE(t->settime_flags),
			(unsigned long long)v.tv_sec,
			(unsigned long long)v.tv_nsec,
			(unsigned long long)i.tv_sec,
			(unsigned long long)i.tv_nsec);
}

static const struct uk_file_ops tfd_ops = {
	.link_name = "anon_inode:[timerfd]",
	.read = tfd_read,
	.poll = tfd_poll,
	.fdinfo = tfd_fdinfo,
	.release = tfd_release,
};

UK_SYSCALL_R_DEFINE(int, timerfd_create, int, clk, int, flags)
{
	struct timerfd *t;
	int id;

	/* The _ALARM clocks run as their plain twins: the app holds every
	 * capability (CAP_WAKE_ALARM) and there is no suspend to wake
	 * from. */
	if (!ktimer_clock_ok(clk) || (flags & ~TFD_CREATE_FLAGS))
		return -EINVAL;
	t = uk_malloc(uk_alloc_get_default(), sizeof(*t));
	if (!t)
		return -ENOMEM;
	id = ktimer_cb_create(tfd_fire, t);
	if (id < 0) {
		uk_free(uk_alloc_get_default(), t);
		return id;
	}
	t->ticks = 0;
	t->clk = clk;
	t->timer = id;
	t->canceled = 0;
	t->settime_flags = 0;
	uk_list_init(&t->step.link);
	t->step.stepped = tfd_stepped;
	/* An anonymous inode: no file type bits, mode 0600 (Linux). */
	uk_file_init(&t->f, &tfd_ops, S_IRUSR | S_IWUSR, t);
	/* On failure the fd layer dropped the file's only reference. */
	return uk_fdtab_open(&t->f, O_RDWR | flags);
}

/* The timerfd behind fd, referenced: -EBADF or -EINVAL (not one). */
static struct uk_file *tfd_get(int fd)
{
	struct uk_file *f = uk_fdtab_get_file(fd);

	if (PTRISERR(f))
		return f;
	if (f->ops != &tfd_ops) {
		uk_file_put(f);
		return ERR2PTR(-EINVAL);
	}
	return f;
}

static int put_itimerspec(struct k_itimerspec *u, __nsec value,
			  __nsec interval)
{
	struct k_itimerspec s;

	uk_ns_to_timespec(&s.it_value, value);
	uk_ns_to_timespec(&s.it_interval, interval);
	return uk_copy_to_user(u, &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

/* Linux: CANCEL_ON_SET counts for an absolute time on a realtime clock
 * only; it is ignored otherwise. Setting the timer ends a cancel. */
static void set_cancel(struct timerfd *t, int flags)
{
	if ((t->clk == UK_CLOCK_REALTIME || t->clk == TFD_REALTIME_ALARM) &&
	    (flags & TFD_TIMER_ABSTIME) && (flags & TFD_TIMER_CANCEL_ON_SET))
		uk_time_step_hook_add(&t->step);
	else
		uk_time_step_hook_del(&t->step);
	__atomic_store_n(&t->canceled, 0, __ATOMIC_RELEASE);
}

UK_SYSCALL_R_DEFINE(int, timerfd_settime, int, fd, int, flags,
		    const struct k_itimerspec *, unew,
		    struct k_itimerspec *, uold)
{
	struct k_itimerspec new;
	__nsec value, interval, ov, oi;
	struct timerfd *t;
	struct uk_file *f;
	int rc;

	if (uk_copy_from_user(&new, unew, sizeof(new)) < 0)
		return -EFAULT;
	if ((flags & ~TFD_SETTIME_FLAGS) ||
	    uk_timespec_to_ns(&new.it_value, &value) < 0 ||
	    uk_timespec_to_ns(&new.it_interval, &interval) < 0)
		return -EINVAL;
	f = tfd_get(fd);
	if (PTRISERR(f))
		return PTR2ERR(f);
	t = f->priv;
	/* An absolute time of 0 is in the past: it expires at once. */
	if (!value && (flags & TFD_TIMER_ABSTIME) &&
	    (new.it_value.tv_sec || new.it_value.tv_nsec))
		value = 1;
	set_cancel(t, flags);
	WRITE_ONCE(t->settime_flags, flags);
	rc = ktimer_cb_set(t->timer, t->clk, flags & TFD_TIMER_ABSTIME,
			   value, interval, &ov, &oi);
	uk_file_put(f);
	if (rc || !uold)
		return rc;
	return put_itimerspec(uold, ov, oi);
}

UK_SYSCALL_R_DEFINE(int, timerfd_gettime, int, fd,
		    struct k_itimerspec *, ucur)
{
	struct uk_file *f = tfd_get(fd);
	__nsec v, i;

	if (PTRISERR(f))
		return PTR2ERR(f);
	ktimer_cb_get(((struct timerfd *)f->priv)->timer, &v, &i);
	uk_file_put(f);
	return put_itimerspec(ucur, v, i);
}
