/*
 * The CPU-time clocks count the CPU time threads ran, checked the same
 * way on Linux and on Amphi: CLOCK_PROCESS_CPUTIME_ID, clock() and
 * getrusage(RUSAGE_SELF) grow while the process computes and stand still
 * while it sleeps; CLOCK_THREAD_CPUTIME_ID and getrusage(RUSAGE_THREAD)
 * count the calling thread only.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define MS	1000000.0

static double clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double rusage_ns(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) < 0)
		return -1;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static volatile unsigned long sink;

/* Computes until id advanced by ms of CPU time, or 20 s of real time
 * passed (then the clock did not count). Returns the advance. */
static double burn(clockid_t id, double ms)
{
	double c0 = clock_ns(id), w0 = clock_ns(CLOCK_MONOTONIC);
	unsigned long i;

	while (clock_ns(id) - c0 < ms * MS &&
	       clock_ns(CLOCK_MONOTONIC) - w0 < 20000 * MS)
		for (i = 0; i < 10000; i++)
			sink += i;
	return clock_ns(id) - c0;
}

static void test_process(void)
{
	double p0, p1, r0, r1, t0, t1;
	clock_t c0, c1;

	p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	c0 = clock();
	r0 = rusage_ns(RUSAGE_SELF);
	CHECK(burn(CLOCK_PROCESS_CPUTIME_ID, 60) >= 60 * MS);
	p1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	c1 = clock();
	r1 = rusage_ns(RUSAGE_SELF);
	CHECK(c1 - c0 >= 50 * CLOCKS_PER_SEC / 1000);
	CHECK(r1 - r0 >= 50 * MS);
	/* Asleep: hardly any CPU time. */
	t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	usleep(200000);
	t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	CHECK(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p1 < 100 * MS);
	CHECK(t1 - t0 < 100 * MS);
	CHECK(clock() - c1 < 100 * CLOCKS_PER_SEC / 1000);
	CHECK(p1 > p0 && t1 >= t0);
}

static double thread_burnt;

static void *burner(void *arg)
{
	double r0 = rusage_ns(RUSAGE_THREAD);

	thread_burnt = burn(CLOCK_THREAD_CPUTIME_ID, 60);
	CHECK(rusage_ns(RUSAGE_THREAD) - r0 >= 50 * MS);
	return NULL;
}

static void test_threads(void)
{
	double mine0, mine1, p0, p1;
	pthread_t t;

	p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK(pthread_create(&t, NULL, burner, NULL) == 0);
	/* After the creation, which is this thread's own work (and slow
	 * where first touches of memory exit to a nested hypervisor). */
	mine0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	CHECK(pthread_join(t, NULL) == 0);
	mine1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	p1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	/* The burner's time is its own, and the process's. */
	CHECK(thread_burnt >= 60 * MS);
	CHECK(mine1 - mine0 < 40 * MS);
	CHECK(p1 - p0 >= 60 * MS);
}

int main(void)
{
	test_process();
	test_threads();
	return posix_check_summary();
}
