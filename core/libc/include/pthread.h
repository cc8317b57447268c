/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POSIX threads over core/sched (core/libc/pthread*.c). A pthread_t is
 * a heap block hung off the uk_thread that runs it; objects statically
 * initialised with the *_INITIALIZER macros are set up on first use.
 * Functions return 0 or an error number, never -1 + errno. Threads are
 * never cancelled and receive no signals.
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct __pthread *pthread_t;
typedef unsigned int pthread_key_t;
typedef int pthread_once_t;

typedef struct {
	size_t __stacksize;
	size_t __guardsize;
	int __detachstate;
	int __cpu;			/* -1: any CPU */
	int __inheritsched;
	int __policy;
} pthread_attr_t;

typedef struct {
	int __type;
	int __pshared;
} pthread_mutexattr_t;

typedef struct {
	int __clock;
	int __pshared;
} pthread_condattr_t;

typedef struct {
	int __pshared;
	int __kind;
} pthread_rwlockattr_t;

/* __init: 0 until first use (static initialiser), 2 once set up. */
typedef struct {
	int __init;
	int __type;
	long __data[6];
} pthread_mutex_t;

typedef struct {
	int __init;
	int __clock;
	long __data[4];
} pthread_cond_t;

typedef struct {
	int __init;
	int __pad;
	long __data[18];
} pthread_rwlock_t;

typedef struct {
	volatile int __lock;
} pthread_spinlock_t;

typedef struct {
	unsigned int __count;		/* threads that must arrive */
	unsigned int __arrived;
	unsigned long __generation;
	pthread_mutex_t __m;
	pthread_cond_t __c;
} pthread_barrier_t;

typedef struct {
	int __pshared;
} pthread_barrierattr_t;

enum {
	PTHREAD_CREATE_JOINABLE,
	PTHREAD_CREATE_DETACHED,
};

enum {
	PTHREAD_MUTEX_NORMAL,
	PTHREAD_MUTEX_RECURSIVE,
	PTHREAD_MUTEX_ERRORCHECK,
	PTHREAD_MUTEX_DEFAULT = PTHREAD_MUTEX_NORMAL,
	PTHREAD_MUTEX_TIMED_NP = PTHREAD_MUTEX_NORMAL,
	PTHREAD_MUTEX_RECURSIVE_NP = PTHREAD_MUTEX_RECURSIVE,
	PTHREAD_MUTEX_ERRORCHECK_NP = PTHREAD_MUTEX_ERRORCHECK,
};

enum {
	PTHREAD_PROCESS_PRIVATE,
	PTHREAD_PROCESS_SHARED,
};

enum {
	PTHREAD_INHERIT_SCHED,
	PTHREAD_EXPLICIT_SCHED,
};

enum {
	PTHREAD_SCOPE_SYSTEM,
	PTHREAD_SCOPE_PROCESS,
};

#define PTHREAD_MUTEX_INITIALIZER	{ 0, PTHREAD_MUTEX_NORMAL, { 0 } }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP				\
	{ 0, PTHREAD_MUTEX_RECURSIVE, { 0 } }
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP				\
	{ 0, PTHREAD_MUTEX_ERRORCHECK, { 0 } }
#define PTHREAD_COND_INITIALIZER	{ 0, CLOCK_REALTIME, { 0 } }
#define PTHREAD_RWLOCK_INITIALIZER	{ 0, 0, { 0 } }
#define PTHREAD_ONCE_INIT		0
#define PTHREAD_BARRIER_SERIAL_THREAD	(-1)

/* Threads */

/* Starts start(arg) in a new thread, stored in *t. attr may be NULL.
 * Returns 0, EINVAL (NULL t or start, bad attr), EAGAIN (no memory). */
int pthread_create(pthread_t *t, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg);
/* Waits for t to end and stores its return value in *ret (may be NULL).
 * Returns 0, EINVAL (t detached or already being joined), EDEADLK (t is
 * the caller), ESRCH (NULL t). */
int pthread_join(pthread_t t, void **ret);
/* Lets t free itself when it ends. Returns 0, EINVAL (already detached),
 * ESRCH (NULL t). */
int pthread_detach(pthread_t t);
/* Ends the calling thread with value ret, after running the key
 * destructors. In the main thread, ends the program (exit(0)). */
_Noreturn void pthread_exit(void *ret);
/* The calling thread. */
pthread_t pthread_self(void);
/* Nonzero if a and b are the same thread. */
int pthread_equal(pthread_t a, pthread_t b);
/* Names t (at most 15 characters). Returns 0, ERANGE (too long), ESRCH. */
int pthread_setname_np(pthread_t t, const char *name);
/* Copies t's name into buf of len bytes. Returns 0, ERANGE (len < 16). */
int pthread_getname_np(pthread_t t, char *buf, size_t len);
/* Stores the CPUs t may run on in set (size bytes). Returns 0, EINVAL
 * (set too small), ESRCH. There is no pthread_setaffinity_np: a thread
 * is placed once, with pthread_attr_setaffinity_np. */
int pthread_getaffinity_np(pthread_t t, size_t size, cpu_set_t *set);
/* Yields the CPU. Returns 0. */
int pthread_yield(void);
/* Concurrency hint: accepted and ignored. Returns 0 or EINVAL (< 0). */
int pthread_getconcurrency(void);
int pthread_setconcurrency(int level);

/* Thread attributes: all return 0 or EINVAL (bad value, NULL attr). */
int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
/* Stack size at least PTHREAD_STACK_MIN. */
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size);
int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
/* CPUs the new thread may run on: a set of one CPU pins it there, a
 * larger set lets it run anywhere. EINVAL: empty set (at create: no
 * started CPU in it). */
int pthread_attr_setaffinity_np(pthread_attr_t *attr, size_t size,
				const cpu_set_t *set);
int pthread_attr_getaffinity_np(const pthread_attr_t *attr, size_t size,
				cpu_set_t *set);
/* Only SCHED_OTHER, priority 0 and PTHREAD_SCOPE_SYSTEM are accepted. */
int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy);
int pthread_attr_setschedparam(pthread_attr_t *attr,
			       const struct sched_param *param);
int pthread_attr_getschedparam(const pthread_attr_t *attr,
			       struct sched_param *param);
int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit);
int pthread_attr_setscope(pthread_attr_t *attr, int scope);
int pthread_attr_getscope(const pthread_attr_t *attr, int *scope);

/* Mutexes */

/* Initialises m (attr may be NULL: PTHREAD_MUTEX_DEFAULT). Returns 0 or
 * EINVAL. */
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
/* Returns 0, EBUSY (locked), EINVAL. */
int pthread_mutex_destroy(pthread_mutex_t *m);
/* Locks m. Returns 0, EDEADLK (non-recursive m held by the caller: an
 * error instead of a hang), EAGAIN (recursion count overflow), EINVAL. */
int pthread_mutex_lock(pthread_mutex_t *m);
/* Returns 0, EBUSY (held, also by the caller unless recursive), EINVAL. */
int pthread_mutex_trylock(pthread_mutex_t *m);
/* Locks m, waiting until abstime (CLOCK_REALTIME) at most. Returns 0,
 * ETIMEDOUT, EDEADLK, EINVAL (bad timespec). */
int pthread_mutex_timedlock(pthread_mutex_t *m,
			    const struct timespec *abstime);
/* Same with abstime on clock clk (CLOCK_MONOTONIC or CLOCK_REALTIME). */
int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
			    const struct timespec *abstime);
/* Returns 0, EPERM (the caller does not hold m), EINVAL. */
int pthread_mutex_unlock(pthread_mutex_t *m);

/* Mutex attributes: return 0 or EINVAL. Process-shared is accepted (one
 * address space). */
int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr,
				 int *pshared);

/* Condition variables */

/* Initialises c (attr may be NULL: CLOCK_REALTIME). Returns 0 or EINVAL. */
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
/* Returns 0, EBUSY (threads wait on c), EINVAL. */
int pthread_cond_destroy(pthread_cond_t *c);
/* Unlocks m, waits for a signal, locks m again. Returns 0, EPERM (m not
 * held by the caller), EINVAL. Wake-ups may be spurious. */
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* Same, waiting until abstime on c's clock at most. Returns 0,
 * ETIMEDOUT, EPERM, EINVAL (bad timespec). */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime);
/* Same with abstime on clock clk. */
int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
			   clockid_t clk, const struct timespec *abstime);
/* Wakes one waiter / every waiter. Return 0 or EINVAL. */
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

/* Condition attributes: return 0 or EINVAL. The clock is CLOCK_REALTIME
 * (the default) or CLOCK_MONOTONIC. */
int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clk);
int pthread_condattr_getclock(const pthread_condattr_t *attr,
			      clockid_t *clk);
int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *attr,
				int *pshared);

/* Read-write locks: writers are preferred (a waiting writer holds new
 * readers back), so a read lock must not be taken recursively while a
 * writer may wait. All return 0 or an error number: EBUSY (try), EDEADLK
 * (the caller holds the write lock), ETIMEDOUT, EPERM (unlock of a lock
 * not held), EAGAIN (too many readers), EINVAL. */
int pthread_rwlock_init(pthread_rwlock_t *rw,
			const pthread_rwlockattr_t *attr);
int pthread_rwlock_destroy(pthread_rwlock_t *rw);
int pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime);
int pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime);
int pthread_rwlock_unlock(pthread_rwlock_t *rw);
int pthread_rwlockattr_init(pthread_rwlockattr_t *attr);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr);
int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *attr, int pshared);
int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *attr,
				  int *pshared);

/* Spin locks: busy-wait, yielding the CPU while held (the schedulers are
 * cooperative). Return 0, EBUSY (trylock), EINVAL. */
int pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pthread_spin_destroy(pthread_spinlock_t *s);
int pthread_spin_lock(pthread_spinlock_t *s);
int pthread_spin_trylock(pthread_spinlock_t *s);
int pthread_spin_unlock(pthread_spinlock_t *s);

/* Barriers: count threads meet; one of them gets
 * PTHREAD_BARRIER_SERIAL_THREAD, the others 0. init returns 0 or EINVAL
 * (count 0); destroy EBUSY while threads wait. */
int pthread_barrier_init(pthread_barrier_t *b,
			 const pthread_barrierattr_t *attr,
			 unsigned int count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_barrierattr_init(pthread_barrierattr_t *attr);
int pthread_barrierattr_destroy(pthread_barrierattr_t *attr);

/* One-time initialisation: the first caller runs fn, the others wait
 * until it returned. Returns 0 or EINVAL (NULL once or fn). */
int pthread_once(pthread_once_t *once, void (*fn)(void));

/* Thread-specific data: PTHREAD_KEYS_MAX keys; destructors run at thread
 * exit for non-NULL values, up to PTHREAD_DESTRUCTOR_ITERATIONS rounds.
 * create: 0, EAGAIN (no key left), EINVAL. delete/setspecific: 0, EINVAL
 * (key not created), ENOMEM. getspecific: the value or NULL. */
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

#ifdef __cplusplus
}
#endif

#endif /* _PTHREAD_H */
