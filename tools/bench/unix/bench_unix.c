/*
 * AF_UNIX benchmark driver: runs the workload (tools/bench/unix/app) as an
 * Amphi sim image and as a host program, and prints both medians and
 * their ratios. The image runs with -smp 1 for the same-CPU figures and
 * with -smp 2 for the cross-CPU ones; the host program pins its threads
 * the same way.
 *
 *   bench-unix AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	44

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 };

	if (bench_usage(argc, argv))
		return 2;
	if (bench_run_same_cross(&am, &host, argv) < 0)
		return 1;
	printf("AF_UNIX stream benchmark, medians%27s %13s %9s\n", "Amphi sim",
	       "Linux", "ratio");
	bench_row_key("throughput, 64 KiB sends, same CPU", WIDTH, "MB/s",
		      "thru-same-mbs", &am, &host);
	bench_row_key("throughput, 64 KiB sends, two CPUs", WIDTH, "MB/s",
		      "thru-cross-mbs", &am, &host);
	bench_row_key("1-byte ping-pong round trip, same CPU", WIDTH, "ns",
		      "lat-same-ns", &am, &host);
	bench_row_key("1-byte ping-pong round trip, two CPUs", WIDTH, "ns",
		      "lat-cross-ns", &am, &host);
	return 0;
}
