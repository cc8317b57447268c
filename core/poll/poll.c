/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * poll, ppoll, select and pselect over the files' event queues.
 *
 * Both calls turn their arguments into an array of entries (fd, events
 * wanted) and share one waiting core: take a reference to each fd's open
 * file description, look at the files' current events; if none is ready
 * and the caller may wait, queue one waiter per entry on its file's
 * queue, then block / recheck until an event or the deadline. The wake
 * callback only makes the polling thread runnable; the recheck decides.
 * Few entries live on the stack, many on the heap (one allocation).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/thread.h>

#define NSEC_PER_SEC	1000000000ULL

/* Entries up to this many live on the caller's stack. */
#define POLL_STACK	16
/* pollfds copied between the app and the kernel per nofault copy. */
#define POLL_CHUNK	64

struct poll_entry {
	struct uk_poll_waiter w;
	struct uk_ofile *of;		/* NULL: fd < 0 or not open */
	int fd;
	unsigned int events;		/* wanted, with ERR and HUP */
	unsigned int revents;
};

/* When to give up: nowait (a zero timeout), else the monotonic
 * deadline (0: never). */
struct poll_timeout {
	int nowait;
	__nsec deadline;
};


/* Sets *to for a relative timeout of sec seconds and nsec nanoseconds
 * (both valid); a deadline too far to represent means none. */
static void timeout_set(struct poll_timeout *to, __u64 sec, __u64 nsec)
{
	__nsec now;

	to->nowait = !sec && !nsec;
	to->deadline = 0;
	if (to->nowait)
		return;
	now = ukplat_monotonic_clock();
	if (sec >= (~0ULL - now - nsec) / NSEC_PER_SEC)
		return;
	to->deadline = now + sec * NSEC_PER_SEC + nsec;
}

/* Checks and converts the app's timespec (NULL: forever). */
static int timeout_from_timespec(struct poll_timeout *to,
				 const struct timespec *uts)
{
	struct timespec ts;

	to->nowait = 0;
	to->deadline = 0;
	if (!uts)
		return 0;
	if (uk_copy_from_user(&ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 ||
	    ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	timeout_set(to, ts.tv_sec, ts.tv_nsec);
	return 0;
}

/* The time left until to's deadline (0 once passed; none for a timeout
 * of 0 or none at all). */
static __nsec timeout_left(const struct poll_timeout *to)
{
	__nsec now = ukplat_monotonic_clock();

	return to->deadline && now < to->deadline ? to->deadline - now : 0;
}

/* As Linux's ppoll and pselect6 (not their C library wrappers): the
 * time left goes back into the app's timespec, whatever the outcome. */
static void timeout_to_timespec(const struct poll_timeout *to,
				struct timespec *uts)
{
	struct timespec ts;
	__nsec left;

	if (!uts || !to->deadline)
		return;
	left = timeout_left(to);
	ts.tv_sec = left / NSEC_PER_SEC;
	ts.tv_nsec = left % NSEC_PER_SEC;
	uk_copy_to_user(uts, &ts, sizeof(ts));
}

static void wake_poller(struct uk_poll_waiter *w,
			unsigned int events __maybe_unused)
{
	uk_thread_wake(w->arg);
}

/* The events a waiter listens for: what was asked plus the synonyms
 * drivers may notify with instead. */
static unsigned int wake_mask(unsigned int events)
{
	if (events & (UK_POLLIN | UK_POLLRDNORM | POLLRDBAND))
		events |= UK_POLLIN | UK_POLLRDNORM | POLLRDBAND;
	if (events & (UK_POLLOUT | UK_POLLWRNORM | POLLWRBAND))
		events |= UK_POLLOUT | UK_POLLWRNORM | POLLWRBAND;
	return events | UK_POLLERR | UK_POLLHUP | UK_POLLRDHUP;
}

/* Takes the description of each entry's fd. A closed fd is POLLNVAL, or
 * with strict (select) fails the call with -EBADF. */
static int entries_get(struct poll_entry *e, unsigned int n, int strict)
{
	struct uk_ofile *of;
	unsigned int i;

	for (i = 0; i < n; i++) {
		e[i].of = NULL;
		uk_list_init(&e[i].w.link);
		if (e[i].fd < 0)
			continue;
		of = uk_fdtab_get(e[i].fd);
		if (PTRISERR(of)) {
			if (strict)
				goto bad;
			continue;
		}
		e[i].of = of;
	}
	return 0;
bad:
	while (i--)
		if (e[i].of)
			uk_ofile_put(e[i].of);
	return -EBADF;
}

/* Dequeues the waiters and drops the references. */
static void entries_put(struct poll_entry *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!e[i].of)
			continue;
		if (!uk_list_empty(&e[i].w.link))
			uk_pollq_del(&e[i].of->file->pollq, &e[i].w);
		uk_ofile_put(e[i].of);
	}
}

static void entries_queue(struct poll_entry *e, unsigned int n,
			  struct uk_thread *self)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!e[i].of)
			continue;
		e[i].w.mask = wake_mask(e[i].events);
		e[i].w.wake = wake_poller;
		e[i].w.arg = self;
		uk_pollq_add(&e[i].of->file->pollq, &e[i].w);
	}
}

/* Fills revents from the files' current events. Returns how many
 * entries have some (POLLNVAL counts, fd < 0 does not). After a wait
 * (again), an fd closed meanwhile by another thread is POLLNVAL (none
 * for select: strict), as Linux's look at the fd table on every pass
 * finds. */
static int entries_check(struct poll_entry *e, unsigned int n, int again,
			 int strict)
{
	unsigned int i;
	int ready = 0;

	for (i = 0; i < n; i++) {
		if (e[i].fd < 0)
			e[i].revents = 0;
		else if (again && e[i].of &&
			 !uk_fdtab_holds(e[i].fd, e[i].of))
			e[i].revents = strict ? 0 : UK_POLLNVAL;
		else if (!e[i].of)
			e[i].revents = UK_POLLNVAL;
		else
			e[i].revents = uk_file_poll(e[i].of->file) &
				       e[i].events;
		ready += e[i].revents != 0;
	}
	return ready;
}

/* Waits until an entry has events or the timeout passes. Returns the
 * number of entries with events (revents filled), or -EINTR. */
static int entries_wait(struct poll_entry *e, unsigned int n, int strict,
			const struct poll_timeout *to)
{
	struct uk_thread *self;
	int ready;

	uk_poll_yield();
	ready = entries_check(e, n, 0, strict);
	if (ready || to->nowait)
		return ready;
	self = uk_thread_current();
	entries_queue(e, n, self);
	for (;;) {
		uk_thread_block_until(self, to->deadline);
		/* Pairs with the fence in uk_pollq_notify(): either a
		 * notifier sees us queued (and wakes us) or we see its
		 * new state here. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ready = entries_check(e, n, 1, strict);
		if (ready)
			break;
		/* Never restarted (Linux): EINTR. */
		if (uk_thread_interrupted(self)) {
			ready = -EINTR;
			break;
		}
		if (to->deadline && ukplat_monotonic_clock() >= to->deadline)
			break;
		uk_sched_yield();
	}
	uk_thread_wake(self);
	return ready;
}

/* The core of both calls: takes the fds, waits, releases. */
static int do_poll(struct poll_entry *e, unsigned int n, int strict,
		   const struct poll_timeout *to)
{
	int rc;

	rc = entries_get(e, n, strict);
	if (rc < 0)
		return rc;
	rc = entries_wait(e, n, strict, to);
	entries_put(e, n);
	return rc;
}

static struct poll_entry *entries_alloc(struct poll_entry *stack,
					unsigned int n)
{
	if (n <= POLL_STACK)
		return stack;
	return uk_malloc(uk_alloc_get_default(), n * sizeof(*stack));
}

static void entries_free(struct poll_entry *e, struct poll_entry *stack)
{
	if (e != stack)
		uk_free(uk_alloc_get_default(), e);
}

/* poll */

/* Copies the app's pollfds into the entries. */
static int pollfds_import(struct poll_entry *e, const struct pollfd *ufds,
			  unsigned int n)
{
	struct pollfd chunk[POLL_CHUNK];
	unsigned int i, k, m;

	for (i = 0; i < n; i += m) {
		m = MIN(n - i, (unsigned int)POLL_CHUNK);
		if (uk_copy_from_user(chunk, ufds + i, m * sizeof(*chunk)))
			return -EFAULT;
		for (k = 0; k < m; k++) {
			e[i + k].fd = chunk[k].fd;
			e[i + k].events = (unsigned short)chunk[k].events |
					  UK_POLLERR | UK_POLLHUP;
		}
	}
	return 0;
}

/* Stores the revents back into the app's pollfds. */
static int pollfds_export(struct pollfd *ufds, const struct poll_entry *e,
			  unsigned int n)
{
	struct pollfd chunk[POLL_CHUNK];
	unsigned int i, k, m;

	for (i = 0; i < n; i += m) {
		m = MIN(n - i, (unsigned int)POLL_CHUNK);
		if (uk_copy_from_user(chunk, ufds + i, m * sizeof(*chunk)))
			return -EFAULT;
		for (k = 0; k < m; k++)
			chunk[k].revents = (short)e[i + k].revents;
		if (uk_copy_to_user(ufds + i, chunk, m * sizeof(*chunk)))
			return -EFAULT;
	}
	return 0;
}

static int sys_poll(struct pollfd *ufds, nfds_t nfds,
		    const struct poll_timeout *to)
{
	struct poll_entry stack[POLL_STACK], *e;
	unsigned int n = nfds;
	int rc;

	/* poll(2): EINVAL for nfds over RLIMIT_NOFILE. */
	if (nfds > (nfds_t)uk_fdtab_limit())
		return -EINVAL;
	e = entries_alloc(stack, n);
	if (!e)
		return -ENOMEM;
	rc = pollfds_import(e, ufds, n);
	if (rc < 0)
		goto out;
	rc = do_poll(e, n, 0, to);
	if (pollfds_export(ufds, e, n) < 0)
		rc = -EFAULT;
out:
	entries_free(e, stack);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, poll, struct pollfd *, fds, nfds_t, nfds,
		    int, timeout)
{
	struct poll_timeout to;

	/* Any negative timeout waits forever (Linux). */
	if (timeout < 0)
		timeout_set(&to, ~0ULL, 0);
	else
		timeout_set(&to, timeout / 1000,
			    (__u64)(timeout % 1000) * 1000000);
	return sys_poll(fds, nfds, &to);
}

/* Runs fn with the app's sigmask (if any) as the signal mask. */
static int with_sigmask(const void *sigmask, size_t size,
			int (*fn)(void *), void *arg)
{
	__u64 old;
	int rc;

	rc = uk_signal_mask_swap_user(sigmask, size, &old);
	if (rc <= 0)
		return rc < 0 ? rc : fn(arg);
	rc = fn(arg);
	uk_signal_mask_restore(old);
	return rc;
}

struct ppoll_args {
	struct pollfd *fds;
	nfds_t nfds;
	struct poll_timeout to;
};

static int ppoll_fn(void *arg)
{
	struct ppoll_args *a = arg;

	return sys_poll(a->fds, a->nfds, &a->to);
}

UK_SYSCALL_R_DEFINE(int, ppoll, struct pollfd *, fds, nfds_t, nfds,
		    struct timespec *, timeout, const void *, sigmask,
		    size_t, sigsetsize)
{
	struct ppoll_args a = { fds, nfds, { 0, 0 } };
	int rc;

	rc = timeout_from_timespec(&a.to, timeout);
	if (rc < 0)
		return rc;
	rc = with_sigmask(sigmask, sigsetsize, ppoll_fn, &a);
	timeout_to_timespec(&a.to, timeout);
	return rc;
}

/* select */

#ifndef NFDBITS
#define NFDBITS		(8 * (int)sizeof(unsigned long))
#endif
#define SEL_IN		(UK_POLLIN | UK_POLLRDNORM | POLLRDBAND | \
			 UK_POLLHUP | UK_POLLERR)
#define SEL_OUT		(UK_POLLOUT | UK_POLLWRNORM | POLLWRBAND | \
			 UK_POLLERR)
#define SEL_EX		(UK_POLLPRI)

struct select_sets {
	fd_set in[3];		/* read, write, except as given */
	fd_set out[3];
	fd_set *user[3];
};

static const unsigned int sel_events[3] = { SEL_IN, SEL_OUT, SEL_EX };

/* Copies the words of the app's sets that hold fds below nfds. */
static int sets_import(struct select_sets *s, int nfds)
{
	__sz bytes = DIV_ROUND_UP(nfds, NFDBITS) * sizeof(unsigned long);
	int i;

	for (i = 0; i < 3; i++) {
		FD_ZERO(&s->in[i]);
		FD_ZERO(&s->out[i]);
		if (s->user[i] &&
		    uk_copy_from_user(&s->in[i], s->user[i], bytes))
			return -EFAULT;
	}
	return 0;
}

static int sets_export(struct select_sets *s, int nfds)
{
	__sz bytes = DIV_ROUND_UP(nfds, NFDBITS) * sizeof(unsigned long);
	int i;

	for (i = 0; i < 3; i++)
		if (s->user[i] &&
		    uk_copy_to_user(s->user[i], &s->out[i], bytes))
			return -EFAULT;
	return 0;
}

/* Fills entries for the fds in any set (e may be NULL: only counts). */
static unsigned int sets_entries(struct select_sets *s, int nfds,
				 struct poll_entry *e)
{
	unsigned int n = 0, ev;
	int fd, i;

	for (fd = 0; fd < nfds; fd++) {
		ev = 0;
		for (i = 0; i < 3; i++)
			if (FD_ISSET(fd, &s->in[i]))
				ev |= sel_events[i];
		if (!ev)
			continue;
		if (e) {
			e[n].fd = fd;
			e[n].events = ev;
		}
		n++;
	}
	return n;
}

/* Sets the ready fds' bits in the out sets. Returns the bits set. */
static int sets_result(struct select_sets *s, const struct poll_entry *e,
		       unsigned int n)
{
	unsigned int k;
	int i, count = 0;

	for (k = 0; k < n; k++) {
		for (i = 0; i < 3; i++) {
			if (!FD_ISSET(e[k].fd, &s->in[i]) ||
			    !(e[k].revents & sel_events[i]))
				continue;
			FD_SET(e[k].fd, &s->out[i]);
			count++;
		}
	}
	return count;
}

static int sys_select(int nfds, struct select_sets *s,
		      const struct poll_timeout *to)
{
	struct poll_entry stack[POLL_STACK], *e;
	unsigned int n;
	int rc;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return -EINVAL;
	rc = sets_import(s, nfds);
	if (rc < 0)
		return rc;
	n = sets_entries(s, nfds, NULL);
	e = entries_alloc(stack, n);
	if (!e)
		return -ENOMEM;
	sets_entries(s, nfds, e);
	rc = do_poll(e, n, 1, to);
	if (rc >= 0) {
		rc = sets_result(s, e, n);
		if (sets_export(s, nfds) < 0)
			rc = -EFAULT;
	}
	entries_free(e, stack);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, select, int, nfds, fd_set *, rd, fd_set *, wr,
		    fd_set *, ex, struct timeval *, timeout)
{
	struct select_sets *s;
	struct poll_timeout to = { 0, 0 };
	struct timeval tv;
	__nsec left;
	int rc;

	if (timeout) {
		if (uk_copy_from_user(&tv, timeout, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Microseconds beyond a second carry over (Linux). */
		timeout_set(&to, (__u64)tv.tv_sec + tv.tv_usec / 1000000,
			    (__u64)(tv.tv_usec % 1000000) * 1000);
	}
	/* Six sets are too big for small thread stacks. */
	s = uk_malloc(uk_alloc_get_default(), sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->user[0] = rd;
	s->user[1] = wr;
	s->user[2] = ex;
	rc = sys_select(nfds, s, &to);
	uk_free(uk_alloc_get_default(), s);
	/* As Linux: the time left, whatever the outcome. */
	if (timeout && to.deadline) {
		left = timeout_left(&to);
		tv.tv_sec = left / NSEC_PER_SEC;
		tv.tv_usec = left % NSEC_PER_SEC / 1000;
		uk_copy_to_user(timeout, &tv, sizeof(tv));
	}
	return rc;
}

struct pselect_args {
	int nfds;
	struct select_sets *s;
	struct poll_timeout to;
};

static int pselect_fn(void *arg)
{
	struct pselect_args *a = arg;

	return sys_select(a->nfds, a->s, &a->to);
}

/* The sixth argument: where the mask is and its size (Linux's way of
 * passing seven). */
struct pselect_sigmask {
	const void *mask;
	size_t size;
};

UK_SYSCALL_R_DEFINE(int, pselect6, int, nfds, fd_set *, rd, fd_set *, wr,
		    fd_set *, ex, struct timespec *, timeout,
		    const struct pselect_sigmask *, usig)
{
	struct pselect_args a = { nfds, NULL, { 0, 0 } };
	struct pselect_sigmask sig = { NULL, 0 };
	int rc;

	rc = timeout_from_timespec(&a.to, timeout);
	if (rc < 0)
		return rc;
	if (usig && uk_copy_from_user(&sig, usig, sizeof(sig)))
		return -EFAULT;
	a.s = uk_malloc(uk_alloc_get_default(), sizeof(*a.s));
	if (!a.s)
		return -ENOMEM;
	a.s->user[0] = rd;
	a.s->user[1] = wr;
	a.s->user[2] = ex;
	rc = with_sigmask(sig.mask, sig.size, pselect_fn, &a);
	uk_free(uk_alloc_get_default(), a.s);
	timeout_to_timespec(&a.to, timeout);
	return rc;
}
