/* Boot benchmark app: reports when main() was reached (CLOCK_MONOTONIC in
 * sim, the same clock the benchmark driver reads on the host). */
#include <stdio.h>
#include <uk/plat/time.h>

int main(void)
{
	printf("main-ns %llu\n", (unsigned long long)ukplat_monotonic_clock());
	return 0;
}
