/*
 * Stacks as large as Linux gives them, checked the same way on Linux and
 * on Amphi (every world): main has 8 MiB, so a 1 MiB local and a deep
 * recursion of 4 MiB work; a thread with a 4 MiB stack holds a 2 MiB
 * local; memory allocated and freed deep in a recursion. (Overflowing a
 * stack is a crash: the crash app shows those.)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../posix-check.h"

static int __attribute__((noinline)) big_local(int seed)
{
	volatile char buf[1 << 20];
	int i, sum = 0;

	for (i = 0; i < (int)sizeof(buf); i += 4096)
		buf[i] = (char)(seed + i / 4096);
	for (i = 0; i < (int)sizeof(buf); i += 4096)
		sum += buf[i];
	return sum;
}

/* About 4 KiB per level. */
static int __attribute__((noinline)) deep(int n)
{
	volatile char pad[4000];

	pad[0] = (char)(n % 100);
	if (!n)
		return 0;
	return deep(n - 1) + pad[0];
}

/*
 * Blocks of several pages allocated first, then freed one at each level
 * of a recursion whose stack grows into fresh pages (jq's setpath does
 * it): the allocator unmaps pages, deeper on the stack each time.
 */
#define DEEP_BLOCKS	512
#define DEEP_BLOCK	(8 << 10)

static char *deep_blocks[DEEP_BLOCKS];

static int __attribute__((noinline)) deep_free(int n)
{
	volatile char pad[700];

	if (n == DEEP_BLOCKS)
		return 0;
	pad[0] = deep_blocks[n][DEEP_BLOCK - 1];
	free(deep_blocks[n]);
	return deep_free(n + 1) + pad[0];
}

static int free_deep(void)
{
	int i;

	for (i = 0; i < DEEP_BLOCKS; i++) {
		deep_blocks[i] = malloc(DEEP_BLOCK);
		if (!deep_blocks[i])
			return -1;
		deep_blocks[i][DEEP_BLOCK - 1] = 1;
	}
	return deep_free(0);
}

static void *thread_big(void *arg)
{
	volatile char buf[2 << 20];

	memset((char *)buf, 7, sizeof(buf));
	*(int *)arg = buf[0] + buf[sizeof(buf) - 1];
	return NULL;
}

int main(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int got = 0, expect = 0, i;

	/* First, while the stack below main's frame is still fresh. */
	CHECK(free_deep() == DEEP_BLOCKS);
	for (i = 0; i < 256; i++)
		expect += (char)(3 + i);
	CHECK(big_local(3) == expect);
	CHECK(deep(1000) == 49500);
	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_setstacksize(&attr, 4 << 20) == 0);
	CHECK(pthread_create(&t, &attr, thread_big, &got) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(got == 14);
	return posix_check_summary();
}
