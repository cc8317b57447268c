/*
 * Paging benchmark workload, built twice from this file: as an Amphi image
 * (ukplat_page_map of 1 GiB with 2 MiB pages from the frame allocator, in
 * the address-space window) and as a host program (Linux mmap of a 1 GiB
 * memfd range). Both touch one byte per 2 MiB, so every page is really
 * backed, then unmap. bench-paging runs both and prints ratios.
 * Prints "key value" lines, medians over REPS runs:
 *
 *   map-us     map 1 GiB (Amphi: 512 PTEs of 2 MiB; host: one mmap)
 *   touch-us   write one byte in each 2 MiB
 *   unmap-us   unmap 1 GiB (Amphi: also frees the frames)
 *   total-us   the three together
 *   populate-us  host only: mmap with MAP_POPULATE + munmap
 */
#include <stdio.h>
#include <stdlib.h>
#ifdef __AMPHI__
#include <uk/plat/paging.h>
#else
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "../../common/workload.h"

#define SIZE		(1UL << 30)
#define STEP		(2UL << 20)
#define REPS		11

#ifdef __AMPHI__
static char *base;

static int setup(void)
{
	unsigned long len;

	if (ukplat_paging_vas_window((__vaddr_t *)&base, &len) < 0 ||
	    len < 2 * SIZE)
		return -1;
	/* The top 1 GiB of the window: clear of what core/vmem uses. */
	base += len - SIZE;
	return 0;
}

static char *map(void)
{
	int rc = ukplat_page_map(ukplat_pt_get_active(), (__vaddr_t)base,
				 __PADDR_ANY, SIZE >> PAGE_SHIFT,
				 PAGE_ATTR_PROT_RW,
				 PAGE_FLAG_FORCE_SIZE |
				 PAGE_FLAG_SIZE(PAGE_LARGE_LEVEL));

	return rc < 0 ? NULL : base;
}

static int unmap(char *p)
{
	return ukplat_page_unmap(ukplat_pt_get_active(), (__vaddr_t)p,
				 SIZE >> PAGE_SHIFT, 0);
}
#else
static int memfd = -1;

static int setup(void)
{
	memfd = memfd_create("bench-paging", MFD_CLOEXEC);
	return memfd < 0 || ftruncate(memfd, SIZE) < 0 ? -1 : 0;
}

static char *map(void)
{
	void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       memfd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int unmap(char *p)
{
	return munmap(p, SIZE);
}

static double populate_us(void)
{
	unsigned long long t0 = bench_now_ns();
	void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, memfd, 0);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, SIZE);
	return (bench_now_ns() - t0) / 1e3;
}
#endif

int main(void)
{
	double m[REPS], t[REPS], u[REPS], all[REPS];
	unsigned long long t0, t1, t2, t3;
	unsigned long off;
	char *p;
	int i;

	if (setup() < 0) {
		printf("setup failed\n");
		return 1;
	}
	for (i = 0; i < REPS; i++) {
		t0 = bench_now_ns();
		p = map();
		t1 = bench_now_ns();
		if (!p) {
			printf("map failed\n");
			return 1;
		}
		for (off = 0; off < SIZE; off += STEP)
			((volatile char *)p)[off] = (char)off;
		t2 = bench_now_ns();
		if (unmap(p) < 0) {
			printf("unmap failed\n");
			return 1;
		}
		t3 = bench_now_ns();
		m[i] = (t1 - t0) / 1e3;
		t[i] = (t2 - t1) / 1e3;
		u[i] = (t3 - t2) / 1e3;
		all[i] = (t3 - t0) / 1e3;
	}
	bench_put_median("map-us", m, REPS);
	bench_put_median("touch-us", t, REPS);
	bench_put_median("unmap-us", u, REPS);
	bench_put_median("total-us", all, REPS);
#ifndef __AMPHI__
	for (i = 0; i < REPS; i++)
		all[i] = populate_us();
	bench_put_median("populate-us", all, REPS);
#endif
	return 0;
}
