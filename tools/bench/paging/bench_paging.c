/*
 * Paging benchmark driver: runs the workload (tools/bench/paging/app) as
 * an Amphi sim image and as a host program, and prints both medians and
 * their ratios: mapping 1 GiB with 2 MiB pages through ukplat_page_map
 * (every PTE applied to the process by hal-sim: one memfd mmap each)
 * against one Linux mmap of a 1 GiB memfd range, each then touched once
 * per 2 MiB and unmapped.
 *
 *   bench-paging AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	36

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 };

	if (bench_usage(argc, argv))
		return 2;
	/* 1 GiB of frames plus the kernel's own memory. */
	if (bench_run(&am, "'%s' -q -m 1280M", argv[1]) < 0 ||
	    bench_run(&host, "'%s'", argv[2]) < 0)
		return 1;
	printf("paging benchmark, 1 GiB in 2 MiB pages, medians"
	       "%12s %13s %9s\n", "Amphi sim", "Linux", "ratio");
	bench_row_key("map (page_map / mmap)", WIDTH, "us", "map-us", &am,
		      &host);
	bench_row_key("touch one byte per 2 MiB", WIDTH, "us", "touch-us",
		      &am, &host);
	bench_row_key("unmap (page_unmap / munmap)", WIDTH, "us", "unmap-us",
		      &am, &host);
	bench_row_key("map + touch + unmap", WIDTH, "us", "total-us", &am,
		      &host);
	bench_row("... vs MAP_POPULATE (4 KiB PTEs)+munmap", WIDTH, "us",
		  bench_get(&am, "total-us"), bench_get(&host, "populate-us"));
	return 0;
}
