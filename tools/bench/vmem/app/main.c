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
 *   mapins-ns     mmap of one page that cannot merge with its neighbour
 *                 (alternating protections), per mapping, while
 *                 MANY_MAPS of them pile up (Linux stops at its
 *                 vm.max_map_count, 65530: it does HOST_MAPS)
 *   mapdel-ns     munmap of those, per mapping
 *   map200k-ms    the whole pile-up of MANY_MAPS mappings (Amphi only)
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
#define MANY_MAPS	200000UL
#define HOST_MAPS	60000UL

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

/* Maps n unmergeable pages; stores the ns per mmap and per munmap. */
static void pile_up(unsigned long n, double *ins, double *del)
{
	void **p = malloc(n * sizeof(*p));
	unsigned long long t0, t1, t2;
	unsigned long i;

	if (!p) {
		printf("error out of memory\n");
		exit(1);
	}
	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		p[i] = mmap(NULL, PG, i & 1 ? PROT_READ :
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p[i] == MAP_FAILED) {
			printf("error mmap %lu failed\n", i);
			exit(1);
		}
	}
	t1 = bench_now_ns();
	for (i = 0; i < n; i++)
		munmap(p[i], PG);
	t2 = bench_now_ns();
	free(p);
	*ins = (double)(t1 - t0) / n;
	*del = (double)(t2 - t1) / n;
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
	{
		double ins, del;
#ifdef __AMPHI__
		unsigned long n = MANY_MAPS;
#else
		unsigned long n = HOST_MAPS;
#endif

		pile_up(n, &ins, &del);
		bench_put_median("mapins-ns", &ins, 1);
		bench_put_median("mapdel-ns", &del, 1);
#ifdef __AMPHI__
		v[0] = ins * n / 1e6;
		bench_put_median("map200k-ms", v, 1);
#endif
	}
	return 0;
}
