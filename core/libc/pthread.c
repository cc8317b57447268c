/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POSIX threads over uk_thread: creation, exit, join, detach, names,
 * attributes and pthread_once. A thread's struct __pthread lives on the
 * heap and hangs off uk_thread->priv; it carries what uk_thread cannot
 * (the start routine's void * result, key values, the detach state) and
 * is freed by the joiner, or by the thread itself if it is detached.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/assert.h>
#include <uk/errptr.h>
#include <uk/sched.h>
#include <uk/wait.h>
#include "pthread_impl.h"

#define DEFAULT_STACK	(128 * 1024)
#define DEFAULT_GUARD	4096
#define NAME_MAX_NP	16		/* Linux's TASK_COMM_LEN */

/* The boot thread's block: it is never joined nor freed. */
static struct __pthread main_block;

/* Threads started by pthread_create that have not ended: the main
 * thread's pthread_exit waits for them, as a Linux process does. */
static unsigned long nr_live;
static struct uk_waitq live_wq = UK_WAITQ_INITIALIZER(live_wq);

/* pthread_once callers wait here for the first one to finish. */
static struct uk_waitq once_wq = UK_WAITQ_INITIALIZER(once_wq);

static struct uk_alloc *heap(void)
{
	return uk_alloc_get_default();
}

/* A block for a thread pthread_create did not start. Other kernel
 * threads get a detached one: nobody holds a pthread_t to join them. */
static struct __pthread *adopt(struct uk_thread *t)
{
	struct __pthread *p;

	if (t->flags & UK_THREADF_STATIC) {
		p = &main_block;
		p->flags = PT_STATIC | PT_DETACHED;
	} else {
		p = uk_calloc(heap(), 1, sizeof(*p));
		if (!p)
			return NULL;
		p->flags = PT_DETACHED;
	}
	uk_spin_init(&p->lock);
	p->thread = t;
	p->cpu = -1;
	t->priv = p;
	return p;
}

struct __pthread *pthread_current(void)
{
	struct uk_thread *t = uk_thread_current();

	if (unlikely(!t))
		return &main_block;
	if (likely(t->priv))
		return t->priv;
	return adopt(t);
}

pthread_t pthread_self(void)
{
	return pthread_current();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

static void live_dec(void)
{
	if (__atomic_sub_fetch(&nr_live, 1, __ATOMIC_ACQ_REL) == 0)
		uk_waitq_wake_up(&live_wq);
}

_Noreturn void pthread_exit(void *ret)
{
	struct __pthread *p = pthread_current();
	unsigned long flags;
	int detached;

	if (!p)
		uk_thread_exit(0);
	pthread_keys_exit(p);
	if (p->flags & PT_STATIC) {
		/* The program ends when its last thread does. */
		uk_waitq_wait_event(&live_wq,
			__atomic_load_n(&nr_live, __ATOMIC_ACQUIRE) == 0);
		exit(0);
	}
	p->ret = ret;
	p->thread->priv = NULL;
	uk_spin_lock_irqsave(&p->lock, flags);
	p->flags |= PT_EXITED;
	detached = p->flags & PT_DETACHED;
	uk_spin_unlock_irqrestore(&p->lock, flags);
	/* Once PT_EXITED is set, a joiner or detacher may free p. */
	if (detached)
		uk_free(heap(), p);
	live_dec();
	uk_thread_exit(0);
}

static void thread_main(void *arg)
{
	struct __pthread *p = arg;

	pthread_exit(p->start(p->arg));
}

static int attr_check(const pthread_attr_t *a)
{
	if (a->__stacksize < PTHREAD_STACK_MIN)
		return EINVAL;
	if (a->__detachstate != PTHREAD_CREATE_JOINABLE &&
	    a->__detachstate != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	if (a->__cpu >= 0 && !uk_sched_get(a->__cpu))
		return EINVAL;
	return 0;
}

int pthread_create(pthread_t *tp, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg)
{
	pthread_attr_t def;
	struct __pthread *p;
	struct uk_thread *t;
	int detached, rc;

	if (!tp || !start)
		return EINVAL;
	if (!attr) {
		pthread_attr_init(&def);
		attr = &def;
	}
	rc = attr_check(attr);
	if (rc)
		return rc;
	detached = attr->__detachstate == PTHREAD_CREATE_DETACHED;
	p = uk_calloc(heap(), 1, sizeof(*p));
	if (!p)
		return EAGAIN;
	uk_spin_init(&p->lock);
	p->start = start;
	p->arg = arg;
	p->cpu = attr->__cpu;
	p->flags = detached ? PT_DETACHED : 0;
	t = uk_thread_create("pthread", thread_main, p, attr->__stacksize,
			     detached ? UK_THREADF_DETACHED : 0);
	if (PTRISERR(t)) {
		uk_free(heap(), p);
		return PTR2ERR(t) == -EINVAL ? EINVAL : EAGAIN;
	}
	p->thread = t;
	t->priv = p;
	/* Set before it runs: a detached thread may end and free p. */
	*tp = p;
	__atomic_add_fetch(&nr_live, 1, __ATOMIC_RELAXED);
	if (p->cpu >= 0)
		rc = uk_sched_thread_add(uk_sched_get(p->cpu), t);
	else
		rc = uk_thread_start(t);
	if (rc) {
		live_dec();
		uk_thread_release(t);
		uk_free(heap(), p);
		return EAGAIN;
	}
	return 0;
}

int pthread_join(pthread_t t, void **ret)
{
	unsigned long flags;
	int rc;

	if (!t)
		return ESRCH;
	if (t == pthread_current())
		return EDEADLK;
	uk_spin_lock_irqsave(&t->lock, flags);
	if (t->flags & (PT_DETACHED | PT_JOINING)) {
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return EINVAL;
	}
	t->flags |= PT_JOINING;
	uk_spin_unlock_irqrestore(&t->lock, flags);
	rc = uk_thread_join(t->thread, NULL);
	UK_ASSERT(rc == 0);
	if (ret)
		*ret = t->ret;
	uk_free(heap(), t);
	return 0;
}

int pthread_detach(pthread_t t)
{
	struct uk_thread *ut;
	unsigned long flags;
	int exited;

	if (!t)
		return ESRCH;
	uk_spin_lock_irqsave(&t->lock, flags);
	if (t->flags & (PT_DETACHED | PT_JOINING)) {
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return EINVAL;
	}
	t->flags |= PT_DETACHED;
	exited = t->flags & PT_EXITED;
	ut = t->thread;
	uk_spin_unlock_irqrestore(&t->lock, flags);
	/* Unless it had ended, t frees its block itself from now on; its
	 * uk_thread stays until it is detached here. */
	uk_thread_detach(ut);
	if (exited)
		uk_free(heap(), t);
	return 0;
}

int pthread_setname_np(pthread_t t, const char *name)
{
	if (!t)
		return ESRCH;
	if (!name)
		return EINVAL;
	if (strlen(name) >= NAME_MAX_NP)
		return ERANGE;
	uk_thread_set_name(t->thread, name);
	return 0;
}

int pthread_getname_np(pthread_t t, char *buf, size_t len)
{
	if (!t)
		return ESRCH;
	if (!buf || len < NAME_MAX_NP)
		return ERANGE;
	strncpy(buf, uk_thread_name(t->thread), len - 1);
	buf[len - 1] = '\0';
	return 0;
}

int pthread_getaffinity_np(pthread_t t, size_t size, cpu_set_t *set)
{
	unsigned int i, n = uk_sched_count();

	if (!t)
		return ESRCH;
	if (!set || size * 8 < n)
		return EINVAL;
	memset(set, 0, size);
	for (i = 0; i < n; i++)
		if (t->cpu < 0 || (unsigned int)t->cpu == i)
			CPU_SET_S(i, size, set);
	return 0;
}

int pthread_yield(void)
{
	uk_sched_yield();
	return 0;
}

static int concurrency;

int pthread_getconcurrency(void)
{
	return concurrency;
}

int pthread_setconcurrency(int level)
{
	if (level < 0)
		return EINVAL;
	concurrency = level;
	return 0;
}

void lazy_init_slow(int *init, void (*setup)(void *obj), void *obj)
{
	int fresh = 0;

	if (__atomic_compare_exchange_n(init, &fresh, 1, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE)) {
		setup(obj);
		__atomic_store_n(init, LAZY_READY, __ATOMIC_RELEASE);
		return;
	}
	/* Another thread is setting it up; that takes no sleep. */
	while (__atomic_load_n(init, __ATOMIC_ACQUIRE) != LAZY_READY)
		uk_sched_yield();
}

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	int fresh = 0;

	if (!once || !fn)
		return EINVAL;
	if (__atomic_load_n(once, __ATOMIC_ACQUIRE) == 2)
		return 0;
	if (__atomic_compare_exchange_n(once, &fresh, 1, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE)) {
		fn();
		__atomic_store_n(once, 2, __ATOMIC_RELEASE);
		uk_waitq_wake_up(&once_wq);
		return 0;
	}
	uk_waitq_wait_event(&once_wq,
			    __atomic_load_n(once, __ATOMIC_ACQUIRE) == 2);
	return 0;
}

/* Attributes */

int pthread_attr_init(pthread_attr_t *a)
{
	if (!a)
		return EINVAL;
	a->__stacksize = DEFAULT_STACK;
	a->__guardsize = DEFAULT_GUARD;
	a->__detachstate = PTHREAD_CREATE_JOINABLE;
	a->__cpu = -1;
	a->__inheritsched = PTHREAD_INHERIT_SCHED;
	a->__policy = SCHED_OTHER;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	return a ? 0 : EINVAL;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (!a || size < PTHREAD_STACK_MIN || size > (1UL << 30))
		return EINVAL;
	a->__stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	if (!a || !size)
		return EINVAL;
	*size = a->__stacksize;
	return 0;
}

/* Thread stacks come from the heap, without guard pages: the size is
 * kept for the getter only. */
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
	if (!a)
		return EINVAL;
	a->__guardsize = size;
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size)
{
	if (!a || !size)
		return EINVAL;
	*size = a->__guardsize;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (!a || (state != PTHREAD_CREATE_JOINABLE &&
		   state != PTHREAD_CREATE_DETACHED))
		return EINVAL;
	a->__detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	if (!a || !state)
		return EINVAL;
	*state = a->__detachstate;
	return 0;
}

int pthread_attr_setaffinity_np(pthread_attr_t *a, size_t size,
				const cpu_set_t *set)
{
	int n, cpu = -1;
	size_t i;

	if (!a || !set)
		return EINVAL;
	n = CPU_COUNT_S(size, set);
	if (!n)
		return EINVAL;
	for (i = 0; n == 1 && cpu < 0; i++)
		if (CPU_ISSET_S(i, size, set))
			cpu = i;
	a->__cpu = cpu;
	return 0;
}

int pthread_attr_getaffinity_np(const pthread_attr_t *a, size_t size,
				cpu_set_t *set)
{
	unsigned int i, n = uk_sched_count();

	if (!a || !set)
		return EINVAL;
	memset(set, 0, size);
	for (i = 0; i < n; i++)
		if (a->__cpu < 0 || (unsigned int)a->__cpu == i)
			CPU_SET_S(i, size, set);
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy)
{
	if (!a || policy != SCHED_OTHER)
		return policy == SCHED_FIFO || policy == SCHED_RR ?
		       ENOTSUP : EINVAL;
	a->__policy = policy;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy)
{
	if (!a || !policy)
		return EINVAL;
	*policy = a->__policy;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *a,
			       const struct sched_param *param)
{
	if (!a || !param || param->sched_priority != 0)
		return EINVAL;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *a,
			       struct sched_param *param)
{
	if (!a || !param)
		return EINVAL;
	param->sched_priority = 0;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit)
{
	if (!a || (inherit != PTHREAD_INHERIT_SCHED &&
		   inherit != PTHREAD_EXPLICIT_SCHED))
		return EINVAL;
	a->__inheritsched = inherit;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit)
{
	if (!a || !inherit)
		return EINVAL;
	*inherit = a->__inheritsched;
	return 0;
}

int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
	if (!a)
		return EINVAL;
	if (scope == PTHREAD_SCOPE_PROCESS)
		return ENOTSUP;
	return scope == PTHREAD_SCOPE_SYSTEM ? 0 : EINVAL;
}

int pthread_attr_getscope(const pthread_attr_t *a, int *scope)
{
	if (!a || !scope)
		return EINVAL;
	*scope = PTHREAD_SCOPE_SYSTEM;
	return 0;
}
