/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by the libc's pthread and time files. */
#ifndef __LIBC_PTHREAD_IMPL_H__
#define __LIBC_PTHREAD_IMPL_H__

#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <uk/arch/types.h>
#include <uk/spinlock.h>
#include <uk/thread.h>
#include <uk/time.h>

#define NSEC_PER_SEC	1000000000ULL

#define KEYS_PER_BLOCK	32
#define KEY_BLOCKS	(PTHREAD_KEYS_MAX / KEYS_PER_BLOCK)

/* A thread's value for one key; seq tells a value set for a key that was
 * deleted since (and maybe created again) from a current one. */
struct key_value {
	unsigned long seq;
	void *value;
};

/* struct __pthread flags */
#define PT_DETACHED	0x01
#define PT_JOINING	0x02
#define PT_EXITED	0x04
#define PT_STATIC	0x08	/* the main thread's block: never freed */

struct __pthread {
	struct uk_thread *thread;
	void *(*start)(void *);
	void *arg;
	void *ret;
	struct uk_spinlock lock;	/* flags */
	unsigned int flags;
	int cpu;			/* pinned to this CPU, or -1 */
	struct key_value *keys[KEY_BLOCKS];	/* allocated on demand */
};

/* The calling thread's block, created on first use for threads that
 * pthread_create did not start (e.g. "main"). NULL if out of memory. */
struct __pthread *pthread_current(void);

/* Runs the key destructors of p and frees its key values (keys.c). */
void pthread_keys_exit(struct __pthread *p);

/* Turns abstime on clock clk into a monotonic-clock deadline. Returns 0,
 * EINVAL (bad clock or timespec) or ETIMEDOUT (already passed). */
static inline int abstime_to_deadline(clockid_t clk,
				      const struct timespec *abstime,
				      __nsec *deadline)
{
	return -uk_time_abs_deadline(clk, (const struct uk_timespec *)abstime,
				     deadline);
}

/* Objects set up by a *_INITIALIZER are initialised on first use: init
 * goes 0 -> 1 (being set up) -> 2 (ready). */
#define LAZY_READY	2
void lazy_init_slow(int *init, void (*setup)(void *obj), void *obj);
static inline void lazy_init(int *init, void (*setup)(void *obj),
			     void *obj)
{
	if (__builtin_expect(__atomic_load_n(init, __ATOMIC_ACQUIRE) !=
			     LAZY_READY, 0))
		lazy_init_slow(init, setup, obj);
}

/* Nonzero if pshared is one of the PTHREAD_PROCESS_* values (one process
 * here: both mean the same). */
static inline int pshared_valid(int pshared)
{
	return pshared == PTHREAD_PROCESS_PRIVATE ||
	       pshared == PTHREAD_PROCESS_SHARED;
}

#endif /* __LIBC_PTHREAD_IMPL_H__ */
