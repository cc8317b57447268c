/* Boot benchmark app: reports when main() was reached (CLOCK_MONOTONIC in
 * sim, the same clock the benchmark driver reads on the host). */
#include <stdio.h>

#include "../../common/workload.h"

int main(void)
{
	printf("main-ns %llu\n", bench_now_ns());
	return 0;
}
