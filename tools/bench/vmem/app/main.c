/*
 * vmem benchmark workload, built twice from this file: as an Amphi image
 * (mmap from core/vmem, demand paging through the trap path) and as a
 * host program (Linux mmap). bench-vmem runs both and prints ratios.
 * Prints "key value" lines, medians over REPS runs:
 *
 *   fault-ns      demand-paging fault per 4 KiB page (write-touch of
 *                 FAULT_PAGES untouched pages of an anonymous mapping)
 *   map1m-us      mmap 1 MiB + touch each page + munmap
 *   memcpy4k-ns   memcpy of 4 KiB (present pages)
 *   nfmemcpy4k-ns uk_nofault_memcpy of 4 KiB (Amphi only)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __AMPHI__
#include <uk/nofault.h>
#endif

#include "../../common/workload.h"

#define PG		4096UL
#define FAULT_PAGES	1024UL		/* 4 MiB per run */
#define MAP_BYTES	(1UL << 20)
#define COPY_LOOPS	2000
#define REPS		15

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("error mmap failed\n");
		exit(1);
	}
	return p;
}

static void touch(volatile char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += PG)
		p[off] = 1;
}

/* ns per first touch of a page, mapping and unmapping excluded. */
static double fault_ns(void)
{
	char *p = map_anon(FAULT_PAGES * PG);
	unsigned long long t0, t1;

	t0 = bench_now_ns();
	touch(p, FAULT_PAGES * PG);
	t1 = bench_now_ns();
	munmap(p, FAULT_PAGES * PG);
	return (double)(t1 - t0) / FAULT_PAGES;
}

static double map1m_us(void)
{
	unsigned long long t0, t1;
	char *p;

	t0 = bench_now_ns();
	p = map_anon(MAP_BYTES);
	touch(p, MAP_BYTES);
	munmap(p, MAP_BYTES);
	t1 = bench_now_ns();
	return (t1 - t0) / 1e3;
}

typedef void (*copy_fn)(char *dst, const char *src, size_t len);

static void plain_copy(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	__asm__ __volatile__("" : : "r" (dst) : "memory");
}

#ifdef __AMPHI__
static void nofault_copy(char *dst, const char *src, size_t len)
{
	if (uk_nofault_memcpy(dst, src, len, 0) != len) {
		printf("error nofault copy failed\n");
		exit(1);
	}
}
#endif

static double copy4k_ns(copy_fn fn, char *dst, const char *src)
{
	unsigned long long t0, t1;
	int i;

	t0 = bench_now_ns();
	for (i = 0; i < COPY_LOOPS; i++)
		fn(dst, src, PG);
	t1 = bench_now_ns();
	return (double)(t1 - t0) / COPY_LOOPS;
}

int main(void)
{
	static char src[PG] __attribute__((aligned(4096)));
	static char dst[PG] __attribute__((aligned(4096)));
	double v[REPS];
	int i;

	memset(src, 7, sizeof(src));
	memset(dst, 1, sizeof(dst));
	fault_ns();			/* warm-up: page tables, VMA arrays */
	for (i = 0; i < REPS; i++)
		v[i] = fault_ns();
	bench_put_median("fault-ns", v, REPS);
	for (i = 0; i < REPS; i++)
		v[i] = map1m_us();
	bench_put_median("map1m-us", v, REPS);
	for (i = 0; i < REPS; i++)
		v[i] = copy4k_ns(plain_copy, dst, src);
	bench_put_median("memcpy4k-ns", v, REPS);
#ifdef __AMPHI__
	for (i = 0; i < REPS; i++)
		v[i] = copy4k_ns(nofault_copy, dst, src);
	bench_put_median("nfmemcpy4k-ns", v, REPS);
#endif
	return 0;
}
