/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pthread mutexes and condition variables over uk_mutex and uk_condvar.
 * uk_mutex is recursive; the pthread types add the checks on top: a
 * non-recursive mutex relocked by its owner fails with EDEADLK (rather
 * than hanging, which POSIX allows for the default type), and only the
 * owner may unlock (EPERM). Objects set up by a static initialiser are
 * initialised on their first use.
 */
#include <errno.h>
#include <uk/condvar.h>
#include <uk/mutex.h>
#include <uk/wait.h>
#include "pthread_impl.h"

#define MUTEX(m)	((struct uk_mutex *)(m)->__data)
#define COND(c)		((struct uk_condvar *)(c)->__data)

_Static_assert(sizeof(struct uk_mutex) <=
	       sizeof(((pthread_mutex_t *)0)->__data), "pthread_mutex_t");
_Static_assert(sizeof(struct uk_condvar) <=
	       sizeof(((pthread_cond_t *)0)->__data), "pthread_cond_t");

static void mutex_setup(void *obj)
{
	uk_mutex_init(MUTEX((pthread_mutex_t *)obj));
}

static struct uk_mutex *mutex_get(pthread_mutex_t *m)
{
	lazy_init(&m->__init, mutex_setup, m);
	return MUTEX(m);
}

/* Nonzero if the caller owns um (only the owner stores itself there). */
static int owned(struct uk_mutex *um, struct uk_thread *self)
{
	return READ_ONCE(um->owner) == self && um->lock_count;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	int type = attr ? attr->__type : PTHREAD_MUTEX_DEFAULT;

	if (!m)
		return EINVAL;
	if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
	    type != PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	m->__type = type;
	uk_mutex_init(MUTEX(m));
	__atomic_store_n(&m->__init, LAZY_READY, __ATOMIC_RELEASE);
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	if (!m)
		return EINVAL;
	if (m->__init == LAZY_READY && uk_mutex_is_locked(MUTEX(m)))
		return EBUSY;
	return 0;
}

/* The checks before a lock that may wait: 0 if the caller must wait for
 * um, else the result (0 for a recursive relock, which is done). */
static int relock(pthread_mutex_t *m, struct uk_mutex *um,
		  struct uk_thread *self, int *done)
{
	*done = 0;
	if (!owned(um, self))
		return 0;
	*done = 1;
	if (m->__type != PTHREAD_MUTEX_RECURSIVE)
		return EDEADLK;
	if (um->lock_count == ~0U)
		return EAGAIN;
	um->lock_count++;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	struct uk_mutex *um;
	int rc, done;

	if (!m)
		return EINVAL;
	um = mutex_get(m);
	rc = relock(m, um, uk_thread_current(), &done);
	if (done)
		return rc;
	uk_mutex_lock(um);
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	struct uk_mutex *um;
	int rc, done;

	if (!m)
		return EINVAL;
	um = mutex_get(m);
	rc = relock(m, um, uk_thread_current(), &done);
	if (done)
		return rc == EDEADLK ? EBUSY : rc;
	return uk_mutex_trylock(um) ? 0 : EBUSY;
}

int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
			    const struct timespec *abstime)
{
	struct uk_mutex *um;
	__nsec deadline;
	int rc, done;

	if (!m || (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC))
		return EINVAL;
	um = mutex_get(m);
	rc = relock(m, um, uk_thread_current(), &done);
	if (done)
		return rc;
	/* As on Linux, the time is only looked at if m is taken. */
	if (uk_mutex_trylock(um))
		return 0;
	rc = abstime_to_deadline(clk, abstime, &deadline);
	if (rc)
		return rc;
	return uk_mutex_lock_until(um, deadline) ? ETIMEDOUT : 0;
}

int pthread_mutex_timedlock(pthread_mutex_t *m,
			    const struct timespec *abstime)
{
	return pthread_mutex_clocklock(m, CLOCK_REALTIME, abstime);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct uk_mutex *um;

	if (!m)
		return EINVAL;
	um = mutex_get(m);
	if (!owned(um, uk_thread_current()))
		return EPERM;
	uk_mutex_unlock(um);
	return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	if (!a)
		return EINVAL;
	a->__type = PTHREAD_MUTEX_DEFAULT;
	a->__pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	return a ? 0 : EINVAL;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (!a || (type != PTHREAD_MUTEX_NORMAL &&
		   type != PTHREAD_MUTEX_RECURSIVE &&
		   type != PTHREAD_MUTEX_ERRORCHECK))
		return EINVAL;
	a->__type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
	if (!a || !type)
		return EINVAL;
	*type = a->__type;
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)
{
	if (!a || !pshared_valid(pshared))
		return EINVAL;
	a->__pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared)
{
	if (!a || !pshared)
		return EINVAL;
	*pshared = a->__pshared;
	return 0;
}

/* Condition variables */

static void cond_setup(void *obj)
{
	uk_condvar_init(COND((pthread_cond_t *)obj));
}

static struct uk_condvar *cond_get(pthread_cond_t *c)
{
	lazy_init(&c->__init, cond_setup, c);
	return COND(c);
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	int clk = attr ? attr->__clock : CLOCK_REALTIME;

	if (!c || (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC))
		return EINVAL;
	c->__clock = clk;
	uk_condvar_init(COND(c));
	__atomic_store_n(&c->__init, LAZY_READY, __ATOMIC_RELEASE);
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	if (!c)
		return EINVAL;
	if (c->__init == LAZY_READY && !uk_waitq_empty(&COND(c)->wait))
		return EBUSY;
	return 0;
}

static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
		     const struct timespec *abstime)
{
	struct uk_condvar *cv;
	struct uk_mutex *um;
	__nsec deadline = 0;
	int rc;

	if (!c || !m)
		return EINVAL;
	cv = cond_get(c);
	um = mutex_get(m);
	if (!owned(um, uk_thread_current()))
		return EPERM;
	if (abstime) {
		rc = abstime_to_deadline(clk, abstime, &deadline);
		if (rc)
			return rc;
	}
	rc = uk_condvar_wait_until(cv, um, deadline);
	return rc == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return cond_wait(c, m, CLOCK_REALTIME, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	if (!abstime)
		return EINVAL;
	return cond_wait(c, m, c ? c->__clock : CLOCK_REALTIME, abstime);
}

int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
			   clockid_t clk, const struct timespec *abstime)
{
	if (!abstime || (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC))
		return EINVAL;
	return cond_wait(c, m, clk, abstime);
}

int pthread_cond_signal(pthread_cond_t *c)
{
	if (!c)
		return EINVAL;
	uk_condvar_signal(cond_get(c));
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	if (!c)
		return EINVAL;
	uk_condvar_broadcast(cond_get(c));
	return 0;
}

int pthread_condattr_init(pthread_condattr_t *a)
{
	if (!a)
		return EINVAL;
	a->__clock = CLOCK_REALTIME;
	a->__pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
	return a ? 0 : EINVAL;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clk)
{
	if (!a || (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC))
		return EINVAL;
	a->__clock = clk;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clk)
{
	if (!a || !clk)
		return EINVAL;
	*clk = a->__clock;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)
{
	if (!a || !pshared_valid(pshared))
		return EINVAL;
	a->__pshared = pshared;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared)
{
	if (!a || !pshared)
		return EINVAL;
	*pshared = a->__pshared;
	return 0;
}
