/*
 * Heap benchmark: the same malloc/free workload through the guest heap
 * (core/alloc over its buddy frame allocator, symbols prefixed amphi_)
 * and through glibc malloc. Fixed-seed random sizes of 16..4096 bytes, a
 * window of live blocks; each step frees a random slot and mallocs a new
 * block in it (each block's first and last byte are written).
 * Prints the median ns per operation (a malloc or a free) and the ratio.
 *
 *   bench-heap [ops] [window] [reps]      (default 1000000 1000 7)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef __always_inline
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/alloc.h>

#include "../common/workload.h"
#include "heap_workload.h"

struct uk_falloc *amphi_uk_fallocbuddy_init(void *mem);
__sz amphi_uk_fallocbuddy_size(void);
__sz amphi_uk_fallocbuddy_metadata_size(unsigned long frames);
struct uk_alloc *amphi_uk_alloc_heap_init(struct uk_falloc *fa,
					  __vaddr_t dm_off);

#define HEAP_BYTES	(512UL << 20)

static void *g_malloc(void *ctx, size_t size)
{
	return uk_malloc(ctx, size);
}

static void g_free(void *ctx, void *p)
{
	uk_free(ctx, p);
}

static void *h_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void h_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static double median(const struct heap_ops *h, struct workload *w,
		     unsigned int reps)
{
	double t[64];
	unsigned int i;

	run(h, w);	/* warm-up: page faults, slabs, glibc arenas */
	for (i = 0; i < reps; i++)
		t[i] = run(h, w);
	return bench_median(t, reps);
}

static struct uk_alloc *guest_heap(void)
{
	unsigned long frames = HEAP_BYTES / PAGE_SIZE;
	void *mem = aligned_alloc(2UL << 20, HEAP_BYTES);
	void *meta = malloc(amphi_uk_fallocbuddy_metadata_size(frames));
	struct uk_falloc *fa = amphi_uk_fallocbuddy_init(
				malloc(amphi_uk_fallocbuddy_size()));
	struct uk_alloc *a;

	/* physical memory = the buffer's host addresses (dm_off 0) */
	if (!mem || !meta ||
	    fa->addmem(fa, meta, (__paddr_t)mem, frames, 0)) {
		fprintf(stderr, "bench-heap: cannot set up the guest heap\n");
		exit(1);
	}
	a = amphi_uk_alloc_heap_init(fa, 0);
	if (!a) {
		fprintf(stderr, "bench-heap: heap init failed\n");
		exit(1);
	}
	return a;
}

int main(int argc, char **argv)
{
	unsigned long ops = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	unsigned long window = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000;
	unsigned int reps = argc > 3 ? strtoul(argv[3], NULL, 0) : 7;
	struct heap_ops guest = { "amphi heap", g_malloc, g_free, NULL };
	struct heap_ops host = { "glibc malloc", h_malloc, h_free, NULL };
	struct workload w;
	double tg, th;

	if (!ops || !window || !reps || reps > 64) {
		fprintf(stderr, "usage: %s [ops] [window] [reps<=64]\n",
			argv[0]);
		return 2;
	}
	guest.ctx = guest_heap();
	workload_init(&w, ops, window);
	tg = median(&guest, &w, reps);
	th = median(&host, &w, reps);
	printf("heap: %lu malloc+free steps, sizes 16..4096, window %lu, "
	       "median of %u\n", ops, window, reps);
	printf("  %-14s %8.1f ns/op\n", guest.name, tg);
	printf("  %-14s %8.1f ns/op\n", host.name, th);
	printf("  ratio amphi/glibc %.2f\n", tg / th);
	return 0;
}
