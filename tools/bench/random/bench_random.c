/*
 * Random-number benchmark driver: runs the workload (tools/bench/random/
 * app) as an Amphi sim image and as a host program, and prints both
 * medians and their ratios: getrandom of 16 bytes (latency), getrandom
 * and /dev/urandom reads of 4 KiB and 1 MiB (throughput; a ratio above 1
 * means Amphi is faster there).
 *
 *   bench-random AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	34

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 };

	if (bench_usage(argc, argv))
		return 2;
	if (bench_run(&am, "'%s' -q", argv[1]) < 0 ||
	    bench_run(&host, "'%s'", argv[2]) < 0)
		return 1;
	printf("random benchmark, medians%31s %13s %9s\n", "Amphi sim",
	       "Linux", "ratio");
	bench_row_key("getrandom 16 B, per call", WIDTH, "ns", "gr16-ns",
		      &am, &host);
	bench_row_key("getrandom 4 KiB calls", WIDTH, "MB", "gr4k-mbs",
		      &am, &host);
	bench_row_key("getrandom 1 MiB calls", WIDTH, "MB", "gr1m-mbs",
		      &am, &host);
	bench_row_key("/dev/urandom 4 KiB reads", WIDTH, "MB", "ur4k-mbs",
		      &am, &host);
	bench_row_key("/dev/urandom 1 MiB reads", WIDTH, "MB", "ur1m-mbs",
		      &am, &host);
	printf("(MB = MB/s: for those rows a ratio above 1 is Amphi "
	       "faster)\n");
	return 0;
}
