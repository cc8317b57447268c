/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * getppid N: times N getppid() calls (glibc issues the syscall
 * instruction every time) and prints "ns_per_call X".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	long n = argc > 1 ? atol(argv[1]) : 100000, i;
	struct timespec a, b;
	volatile pid_t sink = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		sink += getppid();
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call %.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 +
				      (b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}
