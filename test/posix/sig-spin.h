/*
 * Helpers for the tests of handlers that interrupt a spinning thread
 * (sigcontext-async, sigcontext-fpu), built like posix-check.h for Linux
 * and for Amphi.
 */
#ifndef AMPHI_POSIX_SIG_SPIN_H
#define AMPHI_POSIX_SIG_SPIN_H

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "posix-check.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits up to 10 s for *v to reach n. Returns nonzero if it did. */
static int wait_for(volatile int *v, int n)
{
	double end = now() + 10;

	while (*v < n && now() < end)
		msleep(1);
	return *v >= n;
}

#endif
