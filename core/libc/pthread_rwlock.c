/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-write locks, spin locks and barriers. A read-write lock is a
 * mutex guarding a reader count and a writer, with one condition
 * variable for readers and one for writers. Writers are preferred: once
 * one waits, new readers wait too, so a stream of readers cannot starve
 * writers.
 */
#include <errno.h>
#include <uk/condvar.h>
#include <uk/mutex.h>
#include <uk/sched.h>
#include "pthread_impl.h"

struct rwlock {
	struct uk_mutex lock;
	struct uk_condvar readers_cv;
	struct uk_condvar writers_cv;
	unsigned int readers;		/* holding a read lock */
	unsigned int writers_waiting;
	struct uk_thread *writer;	/* holding the write lock */
};

#define RWLOCK(rw)	((struct rwlock *)(rw)->__data)

_Static_assert(sizeof(struct rwlock) <=
	       sizeof(((pthread_rwlock_t *)0)->__data), "pthread_rwlock_t");

static void rwlock_setup(void *obj)
{
	struct rwlock *r = RWLOCK((pthread_rwlock_t *)obj);

	uk_mutex_init(&r->lock);
	uk_condvar_init(&r->readers_cv);
	uk_condvar_init(&r->writers_cv);
	r->readers = 0;
	r->writers_waiting = 0;
	r->writer = NULL;
}

static struct rwlock *rwlock_get(pthread_rwlock_t *rw)
{
	lazy_init(&rw->__init, rwlock_setup, rw);
	return RWLOCK(rw);
}

int pthread_rwlock_init(pthread_rwlock_t *rw,
			const pthread_rwlockattr_t *attr)
{
	if (!rw)
		return EINVAL;
	rwlock_setup(rw);
	__atomic_store_n(&rw->__init, LAZY_READY, __ATOMIC_RELEASE);
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	struct rwlock *r;

	if (!rw)
		return EINVAL;
	if (rw->__init != LAZY_READY)
		return 0;
	r = RWLOCK(rw);
	if (READ_ONCE(r->readers) || READ_ONCE(r->writer) ||
	    READ_ONCE(r->writers_waiting))
		return EBUSY;
	return 0;
}

/* Waits on cv (r->lock held) until the deadline, if any: 0 or ETIMEDOUT.
 * The caller re-checks its condition either way. */
static int wait_on(struct rwlock *r, struct uk_condvar *cv, __nsec deadline)
{
	if (uk_condvar_wait_until(cv, &r->lock, deadline) == -ETIMEDOUT)
		return ETIMEDOUT;
	return 0;
}

/* A lock loop that must wait asks here first: a try gives up (EBUSY), so
 * does a failed wait (its error rc), and a timed lock gets its deadline
 * on the first round. Returns 0 to wait, else the error. */
static int may_wait(int how, int rc, const struct timespec *abstime,
		    __nsec *deadline)
{
	if (how == 1)
		return EBUSY;
	if (rc)
		return rc;
	if (how == 2 && !*deadline)
		return abstime_to_deadline(CLOCK_REALTIME, abstime, deadline);
	return 0;
}

/* how: 0 blocking, 1 try, 2 until abstime (CLOCK_REALTIME). */
static int rdlock(pthread_rwlock_t *rw, int how,
		  const struct timespec *abstime)
{
	struct rwlock *r;
	__nsec deadline = 0;
	int rc = 0;

	if (!rw)
		return EINVAL;
	r = rwlock_get(rw);
	uk_mutex_lock(&r->lock);
	/* As glibc: a blocking lock by the writer is EDEADLK, a try EBUSY. */
	if (how != 1 && r->writer == uk_thread_current()) {
		rc = EDEADLK;
		goto out;
	}
	while (r->writer || r->writers_waiting) {
		rc = may_wait(how, rc, abstime, &deadline);
		if (rc)
			goto out;
		rc = wait_on(r, &r->readers_cv, deadline);
	}
	rc = 0;
	if (r->readers == ~0U)
		rc = EAGAIN;
	else
		r->readers++;
out:
	uk_mutex_unlock(&r->lock);
	return rc;
}

static int wrlock(pthread_rwlock_t *rw, int how,
		  const struct timespec *abstime)
{
	struct rwlock *r;
	__nsec deadline = 0;
	int rc = 0;

	if (!rw)
		return EINVAL;
	r = rwlock_get(rw);
	uk_mutex_lock(&r->lock);
	if (how != 1 && r->writer == uk_thread_current()) {
		rc = EDEADLK;
		goto out;
	}
	while (r->writer || r->readers) {
		rc = may_wait(how, rc, abstime, &deadline);
		if (rc)
			goto out;
		r->writers_waiting++;
		rc = wait_on(r, &r->writers_cv, deadline);
		r->writers_waiting--;
		/* Readers held back for this writer may go now. */
		if (!r->writers_waiting && !r->writer)
			uk_condvar_broadcast(&r->readers_cv);
	}
	rc = 0;
	r->writer = uk_thread_current();
out:
	uk_mutex_unlock(&r->lock);
	return rc;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 0, NULL);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 1, NULL);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime)
{
	return rdlock(rw, 2, abstime);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 0, NULL);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 1, NULL);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime)
{
	return wrlock(rw, 2, abstime);
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	struct rwlock *r;
	int rc = 0;

	if (!rw)
		return EINVAL;
	r = rwlock_get(rw);
	uk_mutex_lock(&r->lock);
	if (r->writer == uk_thread_current())
		r->writer = NULL;
	else if (r->readers)
		r->readers--;
	else
		rc = EPERM;
	if (!rc && !r->writer && !r->readers) {
		if (r->writers_waiting)
			uk_condvar_signal(&r->writers_cv);
		else
			uk_condvar_broadcast(&r->readers_cv);
	}
	uk_mutex_unlock(&r->lock);
	return rc;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
	if (!a)
		return EINVAL;
	a->__pshared = PTHREAD_PROCESS_PRIVATE;
	a->__kind = 0;
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)
{
	return a ? 0 : EINVAL;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared)
{
	if (!a || !pshared_valid(pshared))
		return EINVAL;
	a->__pshared = pshared;
	return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a,
				  int *pshared)
{
	if (!a || !pshared)
		return EINVAL;
	*pshared = a->__pshared;
	return 0;
}

/* Spin locks: the holder may have yielded on this very CPU, so a waiter
 * yields between attempts instead of spinning it out. */

int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	if (!s || !pshared_valid(pshared))
		return EINVAL;
	s->__lock = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s)
{
	return s ? 0 : EINVAL;
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
	if (!s)
		return EINVAL;
	return __atomic_exchange_n(&s->__lock, 1, __ATOMIC_ACQUIRE) ?
	       EBUSY : 0;
}

int pthread_spin_lock(pthread_spinlock_t *s)
{
	if (!s)
		return EINVAL;
	while (__atomic_exchange_n(&s->__lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&s->__lock, __ATOMIC_RELAXED))
			uk_sched_yield();
	return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
	if (!s)
		return EINVAL;
	__atomic_store_n(&s->__lock, 0, __ATOMIC_RELEASE);
	return 0;
}

/* Barriers */

int pthread_barrier_init(pthread_barrier_t *b,
			 const pthread_barrierattr_t *attr,
			 unsigned int count)
{
	if (!b || !count)
		return EINVAL;
	b->__count = count;
	b->__arrived = 0;
	b->__generation = 0;
	pthread_mutex_init(&b->__m, NULL);
	pthread_cond_init(&b->__c, NULL);
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	int busy;

	if (!b)
		return EINVAL;
	pthread_mutex_lock(&b->__m);
	busy = b->__arrived != 0;
	pthread_mutex_unlock(&b->__m);
	return busy ? EBUSY : 0;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	unsigned long gen;

	if (!b)
		return EINVAL;
	pthread_mutex_lock(&b->__m);
	gen = b->__generation;
	if (++b->__arrived == b->__count) {
		b->__arrived = 0;
		b->__generation++;
		pthread_cond_broadcast(&b->__c);
		pthread_mutex_unlock(&b->__m);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	while (gen == b->__generation)
		pthread_cond_wait(&b->__c, &b->__m);
	pthread_mutex_unlock(&b->__m);
	return 0;
}

int pthread_barrierattr_init(pthread_barrierattr_t *a)
{
	if (!a)
		return EINVAL;
	a->__pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a)
{
	return a ? 0 : EINVAL;
}
