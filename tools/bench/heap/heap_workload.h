/*
 * The heap benchmark's workload, shared by the host driver (bench_heap.c:
 * the guest heap, prefixed, against glibc) and the image (app/main.c: the
 * heap of a booted kernel, e.g. on arm64 with and without PAuth or MTE).
 * Fixed-seed random sizes of 16..4096 bytes, a window of live blocks; each
 * step frees a random slot and mallocs a new block in it (each block's
 * first and last byte are written). Needs workload.h's bench_now_ns().
 */
#ifndef BENCH_HEAP_WORKLOAD_H
#define BENCH_HEAP_WORKLOAD_H

#include <stdio.h>
#include <stdlib.h>

struct workload {
	unsigned long ops;
	unsigned long window;
	unsigned int *slot;
	unsigned short *size;
	void **live;
};

struct heap_ops {
	const char *name;
	void *(*malloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *p);
	void *ctx;
};

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void workload_init(struct workload *w, unsigned long ops,
			  unsigned long window)
{
	unsigned long s = 42, i;

	w->ops = ops;
	w->window = window;
	w->slot = malloc(ops * sizeof(*w->slot));
	w->size = malloc(ops * sizeof(*w->size));
	w->live = calloc(window, sizeof(*w->live));
	if (!w->slot || !w->size || !w->live) {
		fprintf(stderr, "heap workload: out of memory\n");
		exit(1);
	}
	for (i = 0; i < ops; i++) {
		unsigned long r = xorshift(&s);

		w->slot[i] = r % window;
		/* log-uniform-ish: small blocks are the most common */
		w->size[i] = 16 + (r >> 32) % (16UL << ((r >> 24) % 9));
		if (w->size[i] > 4096)
			w->size[i] = 4096;
	}
}

/* Runs the workload once; returns ns per malloc/free operation. */
static double run(const struct heap_ops *h, struct workload *w)
{
	unsigned long i, nops = 0;
	unsigned long long t0, t1;

	t0 = bench_now_ns();
	for (i = 0; i < w->ops; i++) {
		unsigned int k = w->slot[i];
		unsigned int n = w->size[i];
		char *p;

		if (w->live[k]) {
			h->free(h->ctx, w->live[k]);
			nops++;
		}
		p = h->malloc(h->ctx, n);
		if (!p) {
			fprintf(stderr, "heap workload: %s: out of memory\n",
				h->name);
			exit(1);
		}
		p[0] = 1;
		p[n - 1] = 1;
		w->live[k] = p;
		nops++;
	}
	for (i = 0; i < w->window; i++) {
		if (w->live[i]) {
			h->free(h->ctx, w->live[i]);
			w->live[i] = NULL;
			nops++;
		}
	}
	t1 = bench_now_ns();
	return (double)(t1 - t0) / nops;
}

#endif /* BENCH_HEAP_WORKLOAD_H */
