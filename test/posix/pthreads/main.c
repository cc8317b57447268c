/*
 * POSIX threads, clocks and sleeping as an app uses them, checked the
 * same way on Linux and on Amphi: create/join with results, detach, many
 * threads under one mutex, the mutex types' error codes, condition
 * variables (producer/consumer, timeouts on both clocks), read-write
 * locks, once, keys and their destructors, barriers, attributes, and the
 * sleeps. Nothing printed depends on timing, addresses or thread ids.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define MS		1000000LL
#define NSEC_PER_SEC	1000000000LL

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static struct timespec ts_in(clockid_t clk, long long ns)
{
	long long t = now_ns(clk) + ns;
	struct timespec ts = { t / NSEC_PER_SEC, t % NSEC_PER_SEC };

	return ts;
}

/* create / join */

static void *twice(void *arg)
{
	return (void *)((intptr_t)arg * 2);
}

static void *exit_deep(void *arg);

/* Ends the thread from depth nested calls down. */
static int exit_from_depth(int depth, intptr_t v)
{
	if (depth < 0)
		return 0;
	if (depth > 0)
		return exit_from_depth(depth - 1, v) + 1;
	pthread_exit((void *)v);
}

static void *exit_deep(void *arg)
{
	exit_from_depth(5, (intptr_t)arg);
	return NULL;
}

static void check_create_join(void)
{
	pthread_t t[8];
	void *ret;
	int i, ok = 1;

	printf("create and join\n");
	for (i = 0; i < 8; i++)
		CHECK(pthread_create(&t[i], NULL, twice,
				     (void *)(intptr_t)i) == 0);
	for (i = 0; i < 8; i++) {
		ret = NULL;
		CHECK(pthread_join(t[i], &ret) == 0);
		ok &= (intptr_t)ret == 2 * i;
	}
	CHECK(ok);
	CHECK(pthread_create(&t[0], NULL, exit_deep, (void *)77) == 0);
	CHECK(pthread_join(t[0], &ret) == 0);
	CHECK((intptr_t)ret == 77);
	/* Joining oneself "may fail" with EDEADLK (glibc); musl waits
	 * forever: not asked here. */
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	printf("  results: %s\n", ok ? "ok" : "wrong");
}

/* detach */

static pthread_mutex_t gate_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_c = PTHREAD_COND_INITIALIZER;
static int gate_open, detached_done;

static void *detached_worker(void *arg)
{
	pthread_mutex_lock(&gate_m);
	while (!gate_open)
		pthread_cond_wait(&gate_c, &gate_m);
	detached_done++;
	pthread_cond_broadcast(&gate_c);
	pthread_mutex_unlock(&gate_m);
	return NULL;
}

static void check_detach(void)
{
	pthread_attr_t attr;
	pthread_t t, u;
	int state = -1;

	printf("detach\n");
	CHECK(pthread_create(&t, NULL, detached_worker, NULL) == 0);
	CHECK(pthread_detach(t) == 0);
	/* Joining a detached thread is undefined (glibc: EINVAL, musl
	 * crashes on purpose): not done here. */
	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_setdetachstate(&attr,
					  PTHREAD_CREATE_DETACHED) == 0);
	CHECK(pthread_attr_getdetachstate(&attr, &state) == 0);
	CHECK(state == PTHREAD_CREATE_DETACHED);
	CHECK(pthread_create(&u, &attr, detached_worker, NULL) == 0);
	CHECK(pthread_attr_destroy(&attr) == 0);
	pthread_mutex_lock(&gate_m);
	gate_open = 1;
	pthread_cond_broadcast(&gate_c);
	while (detached_done < 2)
		pthread_cond_wait(&gate_c, &gate_m);
	pthread_mutex_unlock(&gate_m);
	printf("  detached threads finished: %d\n", detached_done);
}

/* many threads, one mutex */

#define MANY		100
#define INCREMENTS	1000

static pthread_mutex_t counter_m = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *increment(void *arg)
{
	int i;

	for (i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_m);
		counter++;
		if (i % 100 == 0)
			sched_yield();	/* yield while holding it */
		pthread_mutex_unlock(&counter_m);
	}
	return NULL;
}

static void check_many(void)
{
	static pthread_t t[MANY];
	int i, created = 0;

	printf("%d threads under one mutex\n", MANY);
	for (i = 0; i < MANY; i++)
		created += pthread_create(&t[i], NULL, increment, NULL) == 0;
	CHECK(created == MANY);
	for (i = 0; i < created; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	printf("  counter %ld\n", counter);
	CHECK(counter == (long)MANY * INCREMENTS);
}

/* mutex types */

static pthread_mutex_t shared_m;
static int other_rc[2];

/* arg NULL: trylock only (a normal mutex does not check its owner on
 * Linux, so an unlock by another thread would succeed). */
static void *other_thread_ops(void *arg)
{
	if (arg)
		other_rc[0] = pthread_mutex_unlock(&shared_m);
	other_rc[1] = pthread_mutex_trylock(&shared_m);
	return NULL;
}

/* Unlock and trylock of shared_m from another thread. */
static void run_other(int unlock)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, other_thread_ops,
			     unlock ? &shared_m : NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
}

static void make_mutex(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t a;
	int got = -1;

	CHECK(pthread_mutexattr_init(&a) == 0);
	CHECK(pthread_mutexattr_settype(&a, type) == 0);
	CHECK(pthread_mutexattr_gettype(&a, &got) == 0);
	CHECK(got == type);
	CHECK(pthread_mutex_init(m, &a) == 0);
	CHECK(pthread_mutexattr_destroy(&a) == 0);
}

static void check_mutex_types(void)
{
	pthread_mutexattr_t a;
	struct timespec ts;

	printf("mutex types\n");
	/* recursive: counts */
	make_mutex(&shared_m, PTHREAD_MUTEX_RECURSIVE);
	CHECK(pthread_mutex_lock(&shared_m) == 0);
	CHECK(pthread_mutex_lock(&shared_m) == 0);
	CHECK(pthread_mutex_trylock(&shared_m) == 0);
	run_other(1);
	printf("  recursive, other thread: unlock %d trylock %d\n",
	       other_rc[0], other_rc[1]);
	CHECK(other_rc[0] == EPERM && other_rc[1] == EBUSY);
	CHECK(pthread_mutex_unlock(&shared_m) == 0);
	CHECK(pthread_mutex_unlock(&shared_m) == 0);
	/* Destroying a locked mutex is undefined (glibc: EBUSY). */
	CHECK(pthread_mutex_unlock(&shared_m) == 0);
	CHECK(pthread_mutex_unlock(&shared_m) == EPERM);
	CHECK(pthread_mutex_destroy(&shared_m) == 0);

	/* errorcheck: EDEADLK, EBUSY, EPERM */
	make_mutex(&shared_m, PTHREAD_MUTEX_ERRORCHECK);
	CHECK(pthread_mutex_unlock(&shared_m) == EPERM);
	CHECK(pthread_mutex_lock(&shared_m) == 0);
	CHECK(pthread_mutex_lock(&shared_m) == EDEADLK);
	CHECK(pthread_mutex_trylock(&shared_m) == EBUSY);
	ts = ts_in(CLOCK_REALTIME, 10 * MS);
	CHECK(pthread_mutex_timedlock(&shared_m, &ts) == EDEADLK);
	run_other(1);
	printf("  errorcheck, other thread: unlock %d trylock %d\n",
	       other_rc[0], other_rc[1]);
	CHECK(other_rc[0] == EPERM && other_rc[1] == EBUSY);
	CHECK(pthread_mutex_unlock(&shared_m) == 0);
	CHECK(pthread_mutex_unlock(&shared_m) == EPERM);
	CHECK(pthread_mutex_destroy(&shared_m) == 0);

	/* normal (default): trylock busy, timedlock times out */
	CHECK(pthread_mutex_init(&shared_m, NULL) == 0);
	CHECK(pthread_mutex_trylock(&shared_m) == 0);
	run_other(0);
	CHECK(other_rc[1] == EBUSY);
	CHECK(pthread_mutex_unlock(&shared_m) == 0);
	CHECK(pthread_mutex_destroy(&shared_m) == 0);

	CHECK(pthread_mutexattr_init(&a) == 0);
	CHECK(pthread_mutexattr_settype(&a, 99) == EINVAL);
	CHECK(pthread_mutexattr_destroy(&a) == 0);
}

static pthread_mutex_t held_m = PTHREAD_MUTEX_INITIALIZER;
static int timed_rc[3];

static void *try_held(void *arg)
{
	struct timespec ts = ts_in(CLOCK_REALTIME, 20 * MS);
	struct timespec bad = { 0, NSEC_PER_SEC };

	timed_rc[0] = pthread_mutex_timedlock(&held_m, &ts);
	/* Not before the deadline, on the deadline's own clock (a pause
	 * between reading two clocks must not count as a short wait). */
	timed_rc[1] = now_ns(CLOCK_REALTIME) >=
		      ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	timed_rc[2] = pthread_mutex_timedlock(&held_m, &bad);
	return NULL;
}

static void check_timedlock(void)
{
	pthread_t t;
	struct timespec bad = { 0, -1 };

	printf("timedlock\n");
	CHECK(pthread_mutex_lock(&held_m) == 0);
	CHECK(pthread_create(&t, NULL, try_held, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	printf("  held: %s, waited %s, bad time %s\n",
	       timed_rc[0] == ETIMEDOUT ? "ETIMEDOUT" : "?",
	       timed_rc[1] ? "ok" : "too short",
	       timed_rc[2] == EINVAL ? "EINVAL" : "?");
	CHECK(pthread_mutex_unlock(&held_m) == 0);
	/* A free mutex is taken without looking at the time. */
	CHECK(pthread_mutex_timedlock(&held_m, &bad) == 0);
	CHECK(pthread_mutex_unlock(&held_m) == 0);
}

/* condition variables */

#define SLOTS	4
#define ITEMS	2000

static pthread_mutex_t pc_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int ring[SLOTS], head, count;

static void *producer(void *arg)
{
	int i;

	for (i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&pc_m);
		while (count == SLOTS)
			pthread_cond_wait(&not_full, &pc_m);
		ring[(head + count++) % SLOTS] = i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&pc_m);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0;
	int i, v, in_order = 1, last = 0;

	for (i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&pc_m);
		while (!count)
			pthread_cond_wait(&not_empty, &pc_m);
		v = ring[head];
		head = (head + 1) % SLOTS;
		count--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&pc_m);
		in_order &= v == last + 1;
		last = v;
		sum += v;
	}
	return (void *)(in_order ? sum : -1);
}

static void check_producer_consumer(void)
{
	pthread_t p, c;
	void *sum;

	printf("producer/consumer\n");
	CHECK(pthread_create(&c, NULL, consumer, NULL) == 0);
	CHECK(pthread_create(&p, NULL, producer, NULL) == 0);
	CHECK(pthread_join(p, NULL) == 0);
	CHECK(pthread_join(c, &sum) == 0);
	printf("  sum %ld\n", (long)(intptr_t)sum);
	CHECK((intptr_t)sum == (long)ITEMS * (ITEMS + 1) / 2);
}

static void check_timedwait(void)
{
	pthread_condattr_t ca;
	pthread_cond_t c;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec ts, bad = { 0, NSEC_PER_SEC };
	clockid_t clk = -1;
	long long t0;
	int rc;

	printf("timedwait\n");
	CHECK(pthread_condattr_init(&ca) == 0);
	CHECK(pthread_condattr_getclock(&ca, &clk) == 0);
	CHECK(clk == CLOCK_REALTIME);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
	CHECK(pthread_condattr_getclock(&ca, &clk) == 0);
	CHECK(clk == CLOCK_MONOTONIC);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_THREAD_CPUTIME_ID) ==
	      EINVAL);
	CHECK(pthread_cond_init(&c, &ca) == 0);
	CHECK(pthread_condattr_destroy(&ca) == 0);

	pthread_mutex_lock(&m);
	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_in(CLOCK_MONOTONIC, 20 * MS);
	rc = pthread_cond_timedwait(&c, &m, &ts);
	printf("  monotonic: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : "?");
	CHECK(rc == ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS);
	/* the mutex is held again */
	CHECK(pthread_mutex_trylock(&m) == EBUSY);
	ts = ts_in(CLOCK_MONOTONIC, -5 * MS);
	CHECK(pthread_cond_timedwait(&c, &m, &ts) == ETIMEDOUT);
	CHECK(pthread_cond_timedwait(&c, &m, &bad) == EINVAL);
	pthread_mutex_unlock(&m);
	CHECK(pthread_cond_destroy(&c) == 0);

	/* the default clock is CLOCK_REALTIME */
	CHECK(pthread_cond_init(&c, NULL) == 0);
	pthread_mutex_lock(&m);
	t0 = now_ns(CLOCK_REALTIME);
	ts = ts_in(CLOCK_REALTIME, 20 * MS);
	rc = pthread_cond_timedwait(&c, &m, &ts);
	printf("  realtime: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : "?");
	CHECK(rc == ETIMEDOUT);
	CHECK(now_ns(CLOCK_REALTIME) - t0 >= 20 * MS - 1 * MS);
	pthread_mutex_unlock(&m);
	CHECK(pthread_cond_destroy(&c) == 0);
}

/* broadcast wakes everyone */

static pthread_mutex_t bc_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bc_c = PTHREAD_COND_INITIALIZER;
static int bc_go, bc_waiting, bc_woken;

static void *bc_waiter(void *arg)
{
	pthread_mutex_lock(&bc_m);
	bc_waiting++;
	pthread_cond_broadcast(&bc_c);
	while (!bc_go)
		pthread_cond_wait(&bc_c, &bc_m);
	bc_woken++;
	pthread_mutex_unlock(&bc_m);
	return NULL;
}

static void check_broadcast(void)
{
	pthread_t t[10];
	int i;

	printf("broadcast\n");
	for (i = 0; i < 10; i++)
		CHECK(pthread_create(&t[i], NULL, bc_waiter, NULL) == 0);
	pthread_mutex_lock(&bc_m);
	while (bc_waiting < 10)
		pthread_cond_wait(&bc_c, &bc_m);
	bc_go = 1;
	pthread_cond_broadcast(&bc_c);
	pthread_mutex_unlock(&bc_m);
	for (i = 0; i < 10; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	printf("  woken %d\n", bc_woken);
	CHECK(bc_woken == 10);
}

/* read-write locks */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, writers_in, rw_violations, shared_value;

static void *reader(void *arg)
{
	int i;

	for (i = 0; i < 200; i++) {
		pthread_rwlock_rdlock(&rw);
		__atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&writers_in, __ATOMIC_SEQ_CST))
			__atomic_add_fetch(&rw_violations, 1,
					   __ATOMIC_SEQ_CST);
		if (i % 10 == 0)
			sched_yield();
		__atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *writer(void *arg)
{
	int i;

	for (i = 0; i < 100; i++) {
		pthread_rwlock_wrlock(&rw);
		if (__atomic_add_fetch(&writers_in, 1, __ATOMIC_SEQ_CST) != 1 ||
		    __atomic_load_n(&readers_in, __ATOMIC_SEQ_CST))
			__atomic_add_fetch(&rw_violations, 1,
					   __ATOMIC_SEQ_CST);
		shared_value++;
		if (i % 10 == 0)
			sched_yield();
		__atomic_sub_fetch(&writers_in, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static int rw_try_rc[2];

static void *rw_try(void *arg)
{
	rw_try_rc[0] = pthread_rwlock_tryrdlock(&rw);
	rw_try_rc[1] = pthread_rwlock_trywrlock(&rw);
	if (rw_try_rc[0] == 0)
		pthread_rwlock_unlock(&rw);
	return NULL;
}

static void check_rwlock(void)
{
	pthread_t t[6];
	struct timespec ts;
	int i;

	printf("rwlock\n");
	for (i = 0; i < 6; i++)
		CHECK(pthread_create(&t[i], NULL, i < 4 ? reader : writer,
				     NULL) == 0);
	for (i = 0; i < 6; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	printf("  writes %d, violations %d\n", shared_value, rw_violations);
	CHECK(shared_value == 200 && rw_violations == 0);

	CHECK(pthread_rwlock_rdlock(&rw) == 0);
	CHECK(pthread_rwlock_rdlock(&rw) == 0);
	CHECK(pthread_create(&t[0], NULL, rw_try, NULL) == 0);
	CHECK(pthread_join(t[0], NULL) == 0);
	printf("  read-locked: tryrdlock %d, trywrlock %s\n", rw_try_rc[0],
	       rw_try_rc[1] == EBUSY ? "EBUSY" : "?");
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	CHECK(pthread_rwlock_unlock(&rw) == 0);

	CHECK(pthread_rwlock_wrlock(&rw) == 0);
	/* Relocking one's own write lock "may fail" with EDEADLK (glibc);
	 * musl deadlocks: only the try forms here. */
	CHECK(pthread_rwlock_trywrlock(&rw) == EBUSY);
	CHECK(pthread_rwlock_tryrdlock(&rw) == EBUSY);
	CHECK(pthread_create(&t[0], NULL, rw_try, NULL) == 0);
	CHECK(pthread_join(t[0], NULL) == 0);
	printf("  write-locked: tryrdlock %s, trywrlock %s\n",
	       rw_try_rc[0] == EBUSY ? "EBUSY" : "?",
	       rw_try_rc[1] == EBUSY ? "EBUSY" : "?");
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	ts = ts_in(CLOCK_REALTIME, 10 * MS);
	CHECK(pthread_rwlock_timedwrlock(&rw, &ts) == 0);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	CHECK(pthread_rwlock_destroy(&rw) == 0);
}

/* once */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;

static void once_fn(void)
{
	once_calls++;
	sched_yield();		/* let the others pile up behind it */
}

static void *call_once(void *arg)
{
	return (void *)(intptr_t)pthread_once(&once, once_fn);
}

static void check_once(void)
{
	pthread_t t[20];
	void *rc;
	int i, bad = 0;

	printf("once\n");
	for (i = 0; i < 20; i++)
		CHECK(pthread_create(&t[i], NULL, call_once, NULL) == 0);
	for (i = 0; i < 20; i++) {
		CHECK(pthread_join(t[i], &rc) == 0);
		bad += rc != NULL;
	}
	CHECK(pthread_once(&once, once_fn) == 0);
	printf("  calls %d, errors %d\n", once_calls, bad);
	CHECK(once_calls == 1 && bad == 0);
}

/* keys */

static pthread_key_t key, sticky_key, plain_key;
static int destructor_calls, sticky_calls, destructor_bad;

static void count_destructor(void *v)
{
	__atomic_add_fetch(&destructor_calls, 1, __ATOMIC_SEQ_CST);
	if ((intptr_t)v < 1 || (intptr_t)v > 10)
		__atomic_add_fetch(&destructor_bad, 1, __ATOMIC_SEQ_CST);
}

static void sticky_destructor(void *v)
{
	__atomic_add_fetch(&sticky_calls, 1, __ATOMIC_SEQ_CST);
	/* sets itself again: only PTHREAD_DESTRUCTOR_ITERATIONS rounds */
	pthread_setspecific(sticky_key, v);
}

static void *key_user(void *arg)
{
	intptr_t id = (intptr_t)arg;
	int ok;

	ok = pthread_getspecific(key) == NULL;
	ok &= pthread_setspecific(key, (void *)id) == 0;
	ok &= pthread_setspecific(plain_key, (void *)id) == 0;
	sched_yield();
	ok &= pthread_getspecific(key) == (void *)id;
	if (id == 1)
		ok &= pthread_setspecific(sticky_key, (void *)id) == 0;
	if (id == 2)	/* NULL values get no destructor call */
		ok &= pthread_setspecific(key, NULL) == 0;
	return (void *)(intptr_t)ok;
}

static void check_keys(void)
{
	pthread_t t[10];
	pthread_key_t k2;
	void *ok;
	int i, all_ok = 1;

	printf("keys\n");
	CHECK(pthread_key_create(&key, count_destructor) == 0);
	CHECK(pthread_key_create(&sticky_key, sticky_destructor) == 0);
	CHECK(pthread_key_create(&plain_key, NULL) == 0);
	CHECK(pthread_setspecific(key, (void *)5) == 0);
	for (i = 0; i < 10; i++)
		CHECK(pthread_create(&t[i], NULL, key_user,
				     (void *)(intptr_t)(i + 1)) == 0);
	for (i = 0; i < 10; i++) {
		CHECK(pthread_join(t[i], &ok) == 0);
		all_ok &= ok != NULL;
	}
	CHECK(all_ok);
	CHECK(pthread_getspecific(key) == (void *)5);
	printf("  destructor calls %d (bad values %d), sticky %d\n",
	       destructor_calls, destructor_bad, sticky_calls);
	CHECK(destructor_calls == 9 && destructor_bad == 0);
	CHECK(sticky_calls == PTHREAD_DESTRUCTOR_ITERATIONS);

	/* a deleted key's slot reused: the old value is not seen (using a
	 * deleted key is undefined: glibc says EINVAL, musl does not look) */
	CHECK(pthread_setspecific(plain_key, (void *)3) == 0);
	CHECK(pthread_key_delete(plain_key) == 0);
	CHECK(pthread_key_create(&k2, NULL) == 0);
	CHECK(pthread_getspecific(k2) == NULL);
	CHECK(pthread_key_delete(k2) == 0);
	CHECK(pthread_setspecific(key, NULL) == 0);
	CHECK(pthread_key_delete(key) == 0);
	CHECK(pthread_key_delete(sticky_key) == 0);
}

/* barriers, spin locks */

static pthread_barrier_t barrier;
static pthread_spinlock_t spin;
static long spin_counter;

static void *barrier_user(void *arg)
{
	int i, serial = 0;

	for (i = 0; i < 10; i++) {
		pthread_spin_lock(&spin);
		spin_counter++;
		pthread_spin_unlock(&spin);
		serial += pthread_barrier_wait(&barrier) ==
			  PTHREAD_BARRIER_SERIAL_THREAD;
	}
	return (void *)(intptr_t)serial;
}

static void check_barrier(void)
{
	pthread_t t[4];
	void *serial;
	int i, total = 0;

	printf("barrier and spin lock\n");
	CHECK(pthread_barrier_init(&barrier, NULL, 0) == EINVAL);
	CHECK(pthread_barrier_init(&barrier, NULL, 4) == 0);
	CHECK(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE) == 0);
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, barrier_user, NULL) == 0);
	for (i = 0; i < 4; i++) {
		CHECK(pthread_join(t[i], &serial) == 0);
		total += (intptr_t)serial;
	}
	printf("  serial threads %d, counter %ld\n", total, spin_counter);
	CHECK(total == 10 && spin_counter == 40);
	CHECK(pthread_spin_trylock(&spin) == 0);
	CHECK(pthread_spin_trylock(&spin) == EBUSY);
	CHECK(pthread_spin_unlock(&spin) == 0);
	CHECK(pthread_spin_destroy(&spin) == 0);
	CHECK(pthread_barrier_destroy(&barrier) == 0);
}

/* attributes, names */

static void *use_stack(void *arg)
{
	volatile char buf[32 * 1024];
	size_t i;
	long sum = 0;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)i;
	for (i = 0; i < sizeof(buf); i++)
		sum += buf[i];
	return (void *)sum;
}

static void check_attrs(void)
{
	pthread_attr_t attr;
	pthread_t t;
	size_t size = 0;
	int state = -1;
	void *ret;
	char name[32];

	printf("attributes and names\n");
	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_getdetachstate(&attr, &state) == 0);
	CHECK(state == PTHREAD_CREATE_JOINABLE);
	CHECK(pthread_attr_setdetachstate(&attr, 99) == EINVAL);
	CHECK(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
	CHECK(pthread_attr_getstacksize(&attr, &size) == 0);
	printf("  stack size %zu\n", size);
	CHECK(size == 256 * 1024);
	CHECK(pthread_attr_setstacksize(&attr, 1) == EINVAL);
	CHECK(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN - 1) ==
	      EINVAL);
	CHECK(pthread_attr_getstacksize(&attr, &size) == 0);
	CHECK(size == 256 * 1024);
	CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
	CHECK(pthread_create(&t, &attr, use_stack, NULL) == 0);
	CHECK(pthread_join(t, &ret) == 0);
	CHECK(ret == use_stack(NULL));
	CHECK(pthread_attr_destroy(&attr) == 0);

	CHECK(pthread_setname_np(pthread_self(), "a-name-that-is-too-long")
	      == ERANGE);
	CHECK(pthread_setname_np(pthread_self(), "worker-1") == 0);
	CHECK(pthread_getname_np(pthread_self(), name, 8) == ERANGE);
	CHECK(pthread_getname_np(pthread_self(), name, sizeof(name)) == 0);
	printf("  name %s\n", name);
	CHECK(strcmp(name, "worker-1") == 0);
}

/* clocks and sleeping */

static void check_sleep(void)
{
	struct timespec ts, res, bad[3] = {
		{ 0, NSEC_PER_SEC }, { 0, -1 }, { -1, 0 } };
	struct timeval tv;
	long long t0, rt0;
	time_t now;
	int i, ok;

	printf("clocks and sleeping\n");
	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= MS);
	CHECK(clock_getres(CLOCK_REALTIME, NULL) == 0);
	errno = 0;
	CHECK(clock_gettime(12345, &ts) == -1 && errno == EINVAL);
	t0 = now_ns(CLOCK_MONOTONIC_RAW);
	CHECK(t0 > 0);
	CHECK(now_ns(CLOCK_MONOTONIC_COARSE) > 0);

	now = time(NULL);
	CHECK(gettimeofday(&tv, NULL) == 0);
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
	ok = ts.tv_sec - now <= 1 && ts.tv_sec >= now &&
	     ts.tv_sec - tv.tv_sec <= 1 && tv.tv_usec < 1000000;
	printf("  time/gettimeofday/realtime agree: %s\n", ok ? "ok" : "no");
	CHECK(ok);

	t0 = now_ns(CLOCK_MONOTONIC);
	ts.tv_sec = 0;
	ts.tv_nsec = 20 * MS;
	CHECK(nanosleep(&ts, NULL) == 0);
	ok = now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS;
	printf("  nanosleep 20 ms: %s\n", ok ? "ok" : "too short");
	CHECK(ok);

	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 0);
	ok = now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS;
	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_in(CLOCK_MONOTONIC, 20 * MS);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)
	      == 0);
	ok &= now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS - 1;
	rt0 = now_ns(CLOCK_REALTIME);
	ts = ts_in(CLOCK_REALTIME, 20 * MS);
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL)
	      == 0);
	ok &= now_ns(CLOCK_REALTIME) >= ts.tv_sec * NSEC_PER_SEC +
					ts.tv_nsec;
	ts.tv_sec = 0;
	ts.tv_nsec = 20 * MS;
	rt0 = now_ns(CLOCK_REALTIME);
	CHECK(clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL) == 0);
	ok &= now_ns(CLOCK_REALTIME) - rt0 >= 20 * MS - 1 * MS;
	/* an absolute time in the past returns at once */
	ts = ts_in(CLOCK_MONOTONIC, -10 * MS);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)
	      == 0);
	printf("  clock_nanosleep relative/absolute: %s\n",
	       ok ? "ok" : "too short");
	CHECK(ok);

	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(usleep(20000) == 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS);
	CHECK(sleep(0) == 0);

	for (i = 0; i < 3; i++) {
		errno = 0;
		CHECK(nanosleep(&bad[i], NULL) == -1 && errno == EINVAL);
		CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[i], NULL) ==
		      EINVAL);
	}
	ts.tv_sec = 0;
	ts.tv_nsec = 1;
	CHECK(clock_nanosleep(12345, 0, &ts, NULL) == EINVAL);
	printf("  bad timespecs and clocks: EINVAL\n");
	/* A pointer nobody mapped: the kernel reads it safely. */
	errno = 0;
	CHECK(nanosleep((const struct timespec *)16, NULL) == -1 &&
	      errno == EFAULT);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0,
			      (const struct timespec *)16, NULL) == EFAULT);
	printf("  unmapped timespec: EFAULT\n");
	CHECK(sched_yield() == 0);
}

int main(void)
{
	check_create_join();
	check_detach();
	check_many();
	check_mutex_types();
	check_timedlock();
	check_producer_consumer();
	check_timedwait();
	check_broadcast();
	check_rwlock();
	check_once();
	check_keys();
	check_barrier();
	check_attrs();
	check_sleep();
	return posix_check_summary();
}
