/* The host's counterpart of the boot benchmark app, linked -static. */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("main-ns %llu\n",
	       (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
	return 0;
}
