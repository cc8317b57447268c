/*
 * Scheduling benchmark workload, built twice from this file: as an Amphi
 * image and as a host program. Only POSIX threads and clocks, so the same
 * code runs on both. bench-sched runs both and prints ratios. Arguments
 * choose the groups; prints "key value" lines, medians over REPS runs:
 *
 *   same:  yield-ns        sched_yield ping-pong of two threads on CPU 0,
 *                          per switch
 *          create-join-ns  pthread_create + pthread_join of an empty thread
 *          mutex-ns        uncontended pthread_mutex_lock + unlock
 *          cond-same-ns    condition-variable ping-pong, both threads on
 *                          CPU 0, per hand-off
 *   cross: cond-cross-ns   the same with the threads on CPUs 0 and 1
 *
 * Threads are pinned with pthread_attr_setaffinity_np (glibc and Amphi).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/pinned.h"

#define REPS		9
#define YIELDS		20000
#define CREATES		2000
#define LOCKS		1000000
#define HANDOFFS_SAME	20000
#define HANDOFFS_CROSS	2000

/* yield ping-pong */

static void *yielder(void *arg)
{
	int i;

	for (i = 0; i < YIELDS; i++)
		sched_yield();
	return NULL;
}

static double yield_ns(void)
{
	pthread_t a, b;
	unsigned long long t0 = bench_now_ns();

	bench_start_on(&a, 0, yielder, NULL);
	bench_start_on(&b, 0, yielder, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return (double)(bench_now_ns() - t0) / (2.0 * YIELDS);
}

/* create + join */

static void *empty(void *arg)
{
	return arg;
}

static double create_join_ns(void)
{
	unsigned long long t0 = bench_now_ns();
	pthread_t t;
	int i;

	for (i = 0; i < CREATES; i++) {
		if (pthread_create(&t, NULL, empty, NULL)) {
			printf("error pthread_create failed\n");
			exit(1);
		}
		pthread_join(t, NULL);
	}
	return (double)(bench_now_ns() - t0) / CREATES;
}

/* uncontended mutex */

static double mutex_ns(void)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	unsigned long long t0 = bench_now_ns();
	int i;

	for (i = 0; i < LOCKS; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return (double)(bench_now_ns() - t0) / LOCKS;
}

/* condition-variable ping-pong: turn says whose move it is */

struct pingpong {
	pthread_mutex_t m;
	pthread_cond_t c;
	int turn;
	int rounds;
};

struct player {
	struct pingpong *pp;
	int me;
};

static void *play(void *arg)
{
	struct player *p = arg;
	struct pingpong *pp = p->pp;
	int i;

	pthread_mutex_lock(&pp->m);
	for (i = 0; i < pp->rounds; i++) {
		while (pp->turn != p->me)
			pthread_cond_wait(&pp->c, &pp->m);
		pp->turn = !p->me;
		pthread_cond_signal(&pp->c);
	}
	pthread_mutex_unlock(&pp->m);
	return NULL;
}

static double cond_ns(int cpu_a, int cpu_b, int rounds)
{
	struct pingpong pp = { .turn = 0, .rounds = rounds };
	struct player a = { &pp, 0 }, b = { &pp, 1 };
	pthread_t ta, tb;
	unsigned long long t0;

	pthread_mutex_init(&pp.m, NULL);
	pthread_cond_init(&pp.c, NULL);
	t0 = bench_now_ns();
	bench_start_on(&ta, cpu_a, play, &a);
	bench_start_on(&tb, cpu_b, play, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	t0 = bench_now_ns() - t0;
	pthread_cond_destroy(&pp.c);
	pthread_mutex_destroy(&pp.m);
	return (double)t0 / (2.0 * rounds);
}

static void report(const char *key, double (*fn)(void))
{
	double v[REPS];
	int i;

	fn();			/* warm-up: caches, slabs */
	for (i = 0; i < REPS; i++)
		v[i] = fn();
	bench_put_median(key, v, REPS);
}

static double cond_same(void)
{
	return cond_ns(0, 0, HANDOFFS_SAME);
}

static double cond_cross(void)
{
	return cond_ns(0, 1, HANDOFFS_CROSS);
}

int main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "same")) {
			report("yield-ns", yield_ns);
			report("create-join-ns", create_join_ns);
			report("mutex-ns", mutex_ns);
			report("cond-same-ns", cond_same);
		} else if (!strcmp(argv[i], "cross")) {
			report("cond-cross-ns", cond_cross);
		} else {
			printf("usage: %s same|cross...\n", argv[0]);
			return 2;
		}
	}
	return 0;
}
