/*
 * ramfs benchmark workload, built twice from this file: as an Amphi image
 * (files in the root ramfs) and as a host program (files on tmpfs,
 * /dev/shm). bench-ramfs runs both and prints ratios. Prints "key value"
 * lines, medians over REPS runs, of writing then reading back a 64 MiB
 * file in 4 KiB and in 1 MiB chunks (ms each):
 *
 *   w4k-ms r4k-ms w1m-ms r1m-ms
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/workload.h"

#define FILE_BYTES	(64UL << 20)
#define REPS		7

#ifdef __AMPHI__
#define PATH	"/bench-ramfs.bin"
#else
#define PATH	"/dev/shm/amphi-bench-ramfs.bin"
#endif

static void die(const char *what)
{
	printf("error %s failed\n", what);
	unlink(PATH);
	exit(1);
}

/* Writes then reads FILE_BYTES in chunks of len; stores both times. */
static void run(char *buf, size_t len, double *w_ms, double *r_ms)
{
	unsigned long long t0, t1, t2;
	size_t off;
	int fd;

	fd = open(PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	t0 = bench_now_ns();
	for (off = 0; off < FILE_BYTES; off += len)
		if (write(fd, buf, len) != (ssize_t)len)
			die("write");
	t1 = bench_now_ns();
	for (off = 0; off < FILE_BYTES; off += len)
		if (pread(fd, buf, len, off) != (ssize_t)len)
			die("read");
	t2 = bench_now_ns();
	close(fd);
	if (unlink(PATH))
		die("unlink");
	*w_ms = (t1 - t0) / 1e6;
	*r_ms = (t2 - t1) / 1e6;
}

int main(void)
{
	static const struct {
		size_t len;
		const char *w, *r;
	} sizes[] = {
		{ 4096, "w4k-ms", "r4k-ms" },
		{ 1UL << 20, "w1m-ms", "r1m-ms" },
	};
	double w[REPS], r[REPS];
	unsigned int s, i;
	char *buf = malloc(1UL << 20);

	if (!buf)
		die("malloc");
	memset(buf, 0x5a, 1UL << 20);
	for (s = 0; s < 2; s++) {
		run(buf, sizes[s].len, &w[0], &r[0]);	/* warm-up */
		for (i = 0; i < REPS; i++)
			run(buf, sizes[s].len, &w[i], &r[i]);
		bench_put_median(sizes[s].w, w, REPS);
		bench_put_median(sizes[s].r, r, REPS);
	}
	free(buf);
	return 0;
}
