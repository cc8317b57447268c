/*
 * Threads pinned to CPUs, for the workloads that compare both threads on
 * one CPU with one thread per CPU (pipe, unix, eventfd, sched): starting
 * them, and running a measurement REPS times in one of them. Header-only
 * like workload.h, for the same reason.
 */
#ifndef BENCH_PINNED_H
#define BENCH_PINNED_H

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workload.h"

#define BENCH_REPS	7

/* Prints "error what" (the driver shows it) and ends the workload. */
static inline void bench_die(const char *what)
{
	printf("error %s\n", what);
	exit(1);
}

struct bench_pinned {
	void *(*fn)(void *);
	void *arg;
	int cpu;
};

/* The thread pins itself first (pthread_attr_setaffinity_np is glibc's
 * only; musl has the call on a running thread). */
static inline void *bench_pinned_start(void *p)
{
	struct bench_pinned s = *(struct bench_pinned *)p;
	cpu_set_t set;

	free(p);
	CPU_ZERO(&set);
	CPU_SET(s.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("cannot pin a thread");
	return s.fn(s.arg);
}

/* Starts fn(arg) in a thread pinned to CPU cpu, or dies. */
static inline void bench_start_on(pthread_t *t, int cpu,
				  void *(*fn)(void *), void *arg)
{
	struct bench_pinned *s = malloc(sizeof(*s));

	if (!s)
		bench_die("out of memory");
	s->fn = fn;
	s->arg = arg;
	s->cpu = cpu;
	if (pthread_create(t, NULL, bench_pinned_start, s))
		bench_die("cannot start a thread");
}

/* A measurement fn(cpu_a, cpu_b, arg), run in a thread on cpu_a. */
struct bench_job {
	const char *key;
	double (*fn)(int cpu_a, int cpu_b, int arg);
	int cpu_a, cpu_b, arg;
	double v[BENCH_REPS];
};

static inline void *bench_job_run(void *arg)
{
	struct bench_job *j = arg;
	int i;

	j->fn(j->cpu_a, j->cpu_b, j->arg);	/* warm-up */
	for (i = 0; i < BENCH_REPS; i++)
		j->v[i] = j->fn(j->cpu_a, j->cpu_b, j->arg);
	return NULL;
}

/* Runs j in a thread pinned to its first CPU; prints "key median". */
static inline void bench_job_report(struct bench_job *j)
{
	pthread_t t;

	bench_start_on(&t, j->cpu_a, bench_job_run, j);
	pthread_join(t, NULL);
	bench_put_median(j->key, j->v, BENCH_REPS);
}

/* main() of a workload with four jobs: the arguments "same" run jobs 0
 * and 1 (one CPU), "cross" jobs 2 and 3 (two CPUs). */
static inline int bench_same_cross_main(int argc, char *argv[],
					struct bench_job jobs[4])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "same")) {
			bench_job_report(&jobs[0]);
			bench_job_report(&jobs[1]);
		} else if (!strcmp(argv[i], "cross")) {
			bench_job_report(&jobs[2]);
			bench_job_report(&jobs[3]);
		} else {
			printf("usage: %s same|cross...\n", argv[0]);
			return 2;
		}
	}
	return 0;
}

#endif /* BENCH_PINNED_H */
