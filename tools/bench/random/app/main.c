/*
 * Random-number benchmark workload, built twice from this file: as an
 * Amphi image (core/random) and as a host program (Linux's getrandom and
 * /dev/urandom). bench-random runs both and prints ratios. Prints
 * "key value" lines, medians over REPS runs, in MB/s (10^6 bytes) except
 * the small-request latency:
 *
 *   gr16-ns    getrandom of 16 bytes, ns per call
 *   gr4k-mbs   getrandom, 4 KiB per call
 *   gr1m-mbs   getrandom, 1 MiB per call
 *   ur4k-mbs   read(2) of /dev/urandom, 4 KiB per call
 *   ur1m-mbs   read(2) of /dev/urandom, 1 MiB per call
 *
 * The /dev/urandom lines are left out if it does not open.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../../common/workload.h"

#define REPS		11
#define BYTES_PER_RUN	(16UL << 20)
#define SMALL_CALLS	20000

static unsigned char *buf;

static void die(const char *what)
{
	printf("error %s failed\n", what);
	exit(1);
}

/* MB/s of BYTES_PER_RUN bytes in chunk-sized getrandom calls (fd < 0) or
 * reads of fd. */
static double run_mbs(int fd, size_t chunk)
{
	unsigned long long t0, t1;
	size_t done;
	ssize_t n;

	t0 = bench_now_ns();
	for (done = 0; done < BYTES_PER_RUN; done += chunk) {
		n = fd < 0 ? getrandom(buf, chunk, 0) : read(fd, buf, chunk);
		if (n != (ssize_t)chunk)
			die(fd < 0 ? "getrandom" : "read");
	}
	t1 = bench_now_ns();
	return BYTES_PER_RUN * 1e3 / (double)(t1 - t0);
}

static double small_ns(void)
{
	unsigned long long t0, t1;
	int i;

	t0 = bench_now_ns();
	for (i = 0; i < SMALL_CALLS; i++)
		if (getrandom(buf, 16, 0) != 16)
			die("getrandom");
	t1 = bench_now_ns();
	return (double)(t1 - t0) / SMALL_CALLS;
}

static void series(const char *key, int fd, size_t chunk)
{
	double v[REPS];
	int i;

	run_mbs(fd, chunk);		/* warm-up: page in the buffer */
	for (i = 0; i < REPS; i++)
		v[i] = run_mbs(fd, chunk);
	bench_put_median(key, v, REPS);
}

int main(void)
{
	double v[REPS];
	int i, fd;

	buf = malloc(1UL << 20);
	if (!buf)
		die("malloc");
	memset(buf, 0, 1UL << 20);
	for (i = 0; i < REPS; i++)
		v[i] = small_ns();
	bench_put_median("gr16-ns", v, REPS);
	series("gr4k-mbs", -1, 4096);
	series("gr1m-mbs", -1, 1UL << 20);
	fd = open("/dev/urandom", O_RDONLY);
	if (fd >= 0) {
		series("ur4k-mbs", fd, 4096);
		series("ur1m-mbs", fd, 1UL << 20);
		close(fd);
	}
	free(buf);
	return 0;
}
