/*
 * Helpers shared by the benchmark workloads and drivers: a monotonic clock
 * in nanoseconds, the median of a sample, and the "key value" line that a
 * workload prints for its driver (common/driver.h reads them back).
 *
 * Header-only, so that one source builds both as an Amphi image (guest,
 * __AMPHI__, freestanding libc) and as a host program (glibc): the guest
 * reads ukplat_monotonic_clock(), which in sim is the host's
 * CLOCK_MONOTONIC, so times taken on either side compare.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stdio.h>
#include <stdlib.h>
#ifdef __AMPHI__
#include <uk/plat/time.h>
#else
#include <time.h>
#endif

/* Nanoseconds on the monotonic clock. */
static inline unsigned long long bench_now_ns(void)
{
#ifdef __AMPHI__
	return ukplat_monotonic_clock();
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
#endif
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n-1], n >= 1 (the mean of the middle two for even n);
 * sorts v in place. */
static inline double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Prints "key median" for the driver; sorts v in place. */
static inline void bench_put_median(const char *key, double *v, int n)
{
	printf("%s %.1f\n", key, bench_median(v, n));
}

#endif /* BENCH_WORKLOAD_H */
