/*
 * Prints the clocks at a steady pace, to compare them with a watch (or,
 * in the test suite, with the host's clocks: test/apps/clock-rate.py):
 *
 *   clocks [-n COUNT] [-i MILLISECONDS]
 *
 * Line k (k = 0..COUNT) is printed at CLOCK_MONOTONIC start + k * interval
 * (absolute sleeps, so the pace does not drift):
 *
 *   clocks: k mono=NS real=NS cpu=NS
 *
 * mono is CLOCK_MONOTONIC, real CLOCK_REALTIME, cpu the process's CPU
 * time (which stays small: the program sleeps). Defaults: 5 lines, 1 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: clocks [-n COUNT] [-i MILLISECONDS]\n");
	return 2;
}

int main(int argc, char *argv[])
{
	long count = 5, interval_ms = 1000, k;
	struct timespec at;
	long long start;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-n"))
			count = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "-i"))
			interval_ms = atol(argv[i + 1]);
		else
			return usage();
	}
	if (i != argc || count < 0 || interval_ms < 0)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	start = ns(CLOCK_MONOTONIC);
	for (k = 0; k <= count; k++) {
		long long t = start + k * interval_ms * 1000000LL;

		at.tv_sec = t / 1000000000LL;
		at.tv_nsec = t % 1000000000LL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at,
				       NULL))
			;
		printf("clocks: %ld mono=%lld real=%lld cpu=%lld\n", k,
		       ns(CLOCK_MONOTONIC), ns(CLOCK_REALTIME),
		       ns(CLOCK_PROCESS_CPUTIME_ID));
	}
	return 0;
}
