/*
 * Stacks as large as Linux gives them, checked the same way on Linux and
 * on Amphi (every world): main has 8 MiB, so a 1 MiB local and a deep
 * recursion of 4 MiB work; a thread with a 4 MiB stack holds a 2 MiB
 * local. (Overflowing a stack is a crash: the crash app shows those.)
 */
#include <pthread.h>
#include <stdio.h>
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
