/*
 * Heap benchmark workload as an image: heap_workload.h's malloc/free
 * steps through the booted kernel's heap (libc malloc), median ns per
 * operation. Run it where the heap's surroundings change, e.g. arm64
 * with and without pointer authentication (-cpu max,pauth=off) or MTE
 * (-M virt,mte=on):
 *
 *   heapbench [ops] [window] [reps]      (default 200000 1000 7)
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../common/workload.h"
#include "../heap_workload.h"

static void *c_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void c_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

int main(int argc, char **argv)
{
	unsigned long ops = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
	unsigned long window = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000;
	unsigned int reps = argc > 3 ? strtoul(argv[3], NULL, 0) : 7;
	struct heap_ops heap = { "malloc", c_malloc, c_free, NULL };
	struct workload w;
	double t[64];
	unsigned int i;

	if (!ops || !window || !reps || reps > 64) {
		fprintf(stderr, "usage: heapbench [ops] [window] [reps<=64]\n");
		return 2;
	}
	workload_init(&w, ops, window);
	run(&heap, &w);		/* warm-up: slabs, spans */
	for (i = 0; i < reps; i++)
		t[i] = run(&heap, &w);
	bench_put_median("heap-ns", t, reps);
	return 0;
}
