/*
 * How many CPUs a program sees: sysconf(_SC_NPROCESSORS_ONLN) is the
 * number of CPUs the process may run on, the same for the main thread as
 * for a new thread, however the kernel places them (musl counts the
 * calling thread's sched_getaffinity mask, glibc reads sysfs). Pinning a
 * thread narrows its own mask to that CPU, and a set of every CPU gives
 * the whole mask back.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "../posix-check.h"

static int mask_count(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	return CPU_COUNT(&set);
}

static void *count_in_thread(void *arg)
{
	long *out = arg;

	out[0] = mask_count();
	out[1] = sysconf(_SC_NPROCESSORS_ONLN);
	return NULL;
}

int main(void)
{
	long onln = sysconf(_SC_NPROCESSORS_ONLN);
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	int main_mask = mask_count();
	long in_thread[2] = { -1, -1 };
	pthread_t t;
	cpu_set_t one, all;
	int i = 0;

	CHECK(onln >= 1);
	CHECK(conf >= onln);
	CHECK(main_mask >= 1 && main_mask <= onln);
	CHECK(pthread_create(&t, NULL, count_in_thread, in_thread) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	/* A new thread may run anywhere: the main thread may too. */
	CHECK(in_thread[0] == main_mask);
	CHECK(in_thread[1] == onln);

	/* Pinned to its first CPU, the main thread's mask is that CPU. */
	CPU_ZERO(&one);
	CPU_ZERO(&all);
	if (sched_getaffinity(0, sizeof(all), &all) == 0) {
		for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &all); i++)
			;
		CPU_SET(i, &one);
	}
	CHECK(sched_setaffinity(0, sizeof(one), &one) == 0);
	CHECK(mask_count() == 1);
	CHECK(sched_getcpu() == i);
	CHECK(sched_setaffinity(0, sizeof(all), &all) == 0);
	CHECK(mask_count() == main_mask);
	return posix_check_summary();
}
