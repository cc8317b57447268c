/*
 * epoll benchmark driver: runs the workload (tools/bench/epoll/app) as an
 * Amphi sim image on one CPU and as a host program pinned to one CPU, and
 * prints both medians and their ratios.
 *
 *   bench-epoll AMPHI_IMAGE HOST_PROGRAM
 */
#include <stdio.h>

#include "../common/driver.h"

#define WIDTH	48

int main(int argc, char *argv[])
{
	struct bench_result am = { 0 }, host = { 0 };

	if (bench_usage(argc, argv))
		return 2;
	/* 5,000 pipes hold 64 KiB buffers each: give the image room. */
	if (bench_run(&am, "'%s' -q -smp 1 -m 1G", argv[1]) < 0 ||
	    bench_run(&host, "'%s'", argv[2]) < 0)
		return 1;
	printf("epoll benchmark, medians%35s %13s %9s\n", "Amphi sim",
	       "Linux", "ratio");
	bench_row_key("EPOLL_CTL_ADD, per fd (10,000 fds)", WIDTH, "ns",
		      "ctl-add-ns", &am, &host);
	bench_row_key("epoll_wait, 10,000 fds, 100 ready (LT)", WIDTH, "ns",
		      "wait-ns", &am, &host);
	bench_row_key("  per ready event", WIDTH, "ns", "event-ns", &am,
		      &host);
	bench_row_key("ping-pong via epoll_wait, round trip", WIDTH, "ns",
		      "pingpong-ns", &am, &host);
	return 0;
}
