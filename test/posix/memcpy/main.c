/*
 * memcpy, memset and memmove against a byte loop: every size to 600
 * bytes at every source and destination alignment in a word, and
 * memmove with every overlap of a 200-byte window in both directions;
 * the bytes around the destination must stay untouched.
 */
#include <stdio.h>
#include <string.h>

#include "../posix-check.h"

#define SPAN 700

static unsigned char src[SPAN], dst[SPAN], ref[SPAN];

/* Called through pointers the compiler cannot see through: the library
 * is called (no inline copy), and indirectly, as programs that keep
 * memcpy in a table do (on arm64 with BTI, a function without a landing
 * pad faults there). */
static void *(*volatile do_memcpy)(void *, const void *, size_t) = memcpy;
static void *(*volatile do_memmove)(void *, const void *, size_t) = memmove;
static void *(*volatile do_memset)(void *, int, size_t) = memset;

static void fill(unsigned char *p, int seed)
{
	for (int i = 0; i < SPAN; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}

static int check_copy(size_t n, int so, int dof)
{
	fill(src, 1);
	fill(dst, 100);
	fill(ref, 100);
	for (size_t i = 0; i < n; i++)
		ref[dof + i] = src[so + i];
	if (do_memcpy(dst + dof, src + so, n) != dst + dof)
		return 0;
	return !memcmp(dst, ref, SPAN);
}

/* memmove of n bytes from buf+from to buf+to inside one buffer. */
static int check_move(size_t n, int from, int to)
{
	fill(dst, 3);
	fill(ref, 3);
	unsigned char tmp[SPAN];

	for (size_t i = 0; i < n; i++)
		tmp[i] = ref[from + i];
	for (size_t i = 0; i < n; i++)
		ref[to + i] = tmp[i];
	if (do_memmove(dst + to, dst + from, n) != dst + to)
		return 0;
	return !memcmp(dst, ref, SPAN);
}

/* memset of n bytes at buf+at; the bytes around stay. */
static int check_set(size_t n, int at)
{
	fill(dst, 5);
	fill(ref, 5);
	for (size_t i = 0; i < n; i++)
		ref[at + i] = 0xa5;
	if (do_memset(dst + at, 0xa5, n) != dst + at)
		return 0;
	return !memcmp(dst, ref, SPAN);
}

int main(void)
{
	int bad = 0;

	for (size_t n = 0; n <= 600; n++)
		for (int so = 0; so < 8; so++)
			for (int dof = 0; dof < 8; dof++)
				bad += !check_copy(n, so + 16, dof + 16);
	CHECK(bad == 0);
	bad = 0;
	for (size_t n = 0; n <= 200; n++)
		for (int d = 0; d <= 72; d++) {
			bad += !check_move(n, 100, 100 + d);
			bad += !check_move(n, 100 + d, 100);
		}
	CHECK(bad == 0);
	bad = 0;
	for (size_t n = 0; n <= 600; n++)
		for (int at = 0; at < 16; at++)
			bad += !check_set(n, at + 16);
	CHECK(bad == 0);
	return posix_check_summary();
}
