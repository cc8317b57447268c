/*
 * Scheduling benchmark driver: runs the workload (tools/bench/sched/app)
 * as an Amphi sim image and as a host program, and prints both medians
 * and their ratios. The image runs with -smp 1 for the same-CPU figures
 * and with -smp 2 for the cross-CPU condition variable; the host program
 * pins its threads the same way.
 *
 *   bench-sched AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	40

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 };

	if (bench_usage(argc, argv))
		return 2;
	if (bench_run_same_cross(&am, &host, argv) < 0)
		return 1;
	printf("sched benchmark, medians%30s %13s %9s\n", "Amphi sim",
	       "Linux", "ratio");
	bench_row_key("sched_yield ping-pong, per switch", WIDTH, "ns",
		      "yield-ns", &am, &host);
	bench_row_key("pthread_create + join, empty thread", WIDTH, "ns",
		      "create-join-ns", &am, &host);
	bench_row_key("mutex lock + unlock, uncontended", WIDTH, "ns",
		      "mutex-ns", &am, &host);
	bench_row_key("condvar ping-pong, same CPU, per wake", WIDTH, "ns",
		      "cond-same-ns", &am, &host);
	bench_row_key("condvar ping-pong, two CPUs, per wake", WIDTH, "ns",
		      "cond-cross-ns", &am, &host);
	printf("target: a yield under 50 ns on Amphi: %s\n",
	       bench_get(&am, "yield-ns") < 50 ? "met" : "not met");
	return 0;
}
