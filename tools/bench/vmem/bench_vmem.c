/*
 * vmem benchmark driver: runs the workload (tools/bench/vmem/app) as an
 * Amphi sim image and as a host program, and prints both medians and
 * their ratios: demand-paging fault per page, mmap + touch + munmap of
 * 1 MiB, uk_nofault_memcpy against memcpy for 4 KiB, and 200,000 mmaps
 * that cannot merge (the VMA tree).
 *
 *   bench-vmem AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	34

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 }, am1 = { 0 };
	double nf, mc;

	if (bench_usage(argc, argv))
		return 2;
	/* Amphi twice: as configured (fault-around on), and with one page
	 * per fault, which shows the cost of one trap. */
	if (bench_run(&am, "'%s' -q -m 256M", argv[1]) < 0 ||
	    bench_run(&am1, "'%s' -q -m 256M -k vmem.fault_around=1",
		      argv[1]) < 0 ||
	    bench_run(&host, "'%s'", argv[2]) < 0)
		return 1;
	printf("vmem benchmark, medians%33s %13s %9s\n", "Amphi sim",
	       "Linux", "ratio");
	bench_row_key("demand-paging fault per 4 KiB page", WIDTH, "ns",
		      "fault-ns", &am, &host);
	bench_row_key("  same, one page per fault (a trap)", WIDTH, "ns",
		      "fault-ns", &am1, &host);
	bench_row_key("mmap + touch + munmap of 1 MiB", WIDTH, "us",
		      "map1m-us", &am, &host);
	bench_row_key("  same, one page per fault", WIDTH, "us",
		      "map1m-us", &am1, &host);
	bench_row_key("memcpy 4 KiB", WIDTH, "ns", "memcpy4k-ns", &am, &host);
	bench_row_key("mmap of an unmergeable page, per map", WIDTH, "ns",
		      "mapins-ns", &am, &host);
	bench_row_key("munmap of it, per map", WIDTH, "ns", "mapdel-ns",
		      &am, &host);
	printf("%-*s %10.1f ms (Linux stops at 65530 maps)\n", WIDTH,
	       "200,000 unmergeable mmaps", bench_get(&am, "map200k-ms"));
	nf = bench_get(&am, "nfmemcpy4k-ns");
	mc = bench_get(&am, "memcpy4k-ns");
	printf("%-*s %10.1f ns (Amphi memcpy %.1f ns: %.2fx)\n",
	       WIDTH, "uk_nofault_memcpy 4 KiB", nf, mc, mc > 0 ? nf / mc : 0);
	return 0;
}
