/*
 * ramfs benchmark driver: runs the workload (tools/bench/ramfs/app) as an
 * Amphi sim image and as a host program on tmpfs, and prints both
 * medians and their ratios for writing and reading a 64 MiB file in 4 KiB
 * and in 1 MiB chunks.
 *
 *   bench-ramfs AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	34

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 };

	if (bench_usage(argc, argv))
		return 2;
	if (bench_run(&am, "'%s' -q -m 512M", argv[1]) < 0 ||
	    bench_run(&host, "'%s'", argv[2]) < 0)
		return 1;
	printf("ramfs benchmark (64 MiB), medians%24s %13s %9s\n",
	       "Amphi sim", "Linux tmpfs", "ratio");
	bench_row_key("write in 4 KiB chunks", WIDTH, "ms", "w4k-ms", &am,
		      &host);
	bench_row_key("read in 4 KiB chunks", WIDTH, "ms", "r4k-ms", &am,
		      &host);
	bench_row_key("write in 1 MiB chunks", WIDTH, "ms", "w1m-ms", &am,
		      &host);
	bench_row_key("read in 1 MiB chunks", WIDTH, "ms", "r1m-ms", &am,
		      &host);
	return 0;
}
