/*
 * Pipe benchmark workload, built twice from this file: as an Amphi image
 * and as a host program (only pipes, POSIX threads and clocks). bench-pipe
 * runs both and prints ratios. Arguments choose the groups; prints "key
 * value" lines, medians over BENCH_REPS runs:
 *
 *   same:  thru-same-mbs  MB/s through one pipe, 64 KiB writes and reads,
 *                         writer and reader threads both on CPU 0
 *          lat-same-ns    1-byte ping-pong over two pipes, per round trip,
 *                         both threads on CPU 0
 *   cross: thru-cross-mbs, lat-cross-ns: the same on CPUs 0 and 1
 *
 * Threads are pinned with pthread_attr_setaffinity_np (glibc and Amphi).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/pinned.h"

#define CHUNK		65536
#define THRU_BYTES	(64UL << 20)
#define ROUNDS_SAME	20000
#define ROUNDS_CROSS	2000

/* throughput: one writer, one reader, 64 KiB at a time */

static void *writer(void *arg)
{
	static char buf[CHUNK];
	int fd = *(int *)arg;
	unsigned long done;

	memset(buf, 'w', sizeof(buf));
	for (done = 0; done < THRU_BYTES; done += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			bench_die("short write");
	return NULL;
}

static void *reader(void *arg)
{
	static char buf[CHUNK];
	int fd = *(int *)arg;
	unsigned long done = 0;
	ssize_t n;

	while (done < THRU_BYTES) {
		n = read(fd, buf, CHUNK);
		if (n <= 0)
			bench_die("read failed");
		done += n;
	}
	return NULL;
}

static double thru_mbs(int cpu_w, int cpu_r)
{
	unsigned long long t0;
	pthread_t tw, tr;
	int fds[2];

	if (pipe(fds))
		bench_die("pipe failed");
	t0 = bench_now_ns();
	bench_start_on(&tr, cpu_r, reader, &fds[0]);
	bench_start_on(&tw, cpu_w, writer, &fds[1]);
	pthread_join(tw, NULL);
	pthread_join(tr, NULL);
	t0 = bench_now_ns() - t0;
	close(fds[0]);
	close(fds[1]);
	return (double)THRU_BYTES / (1 << 20) / (t0 / 1e9);
}

/* latency: a byte goes over one pipe and comes back over the other */

struct pong {
	int in, out, rounds;
};

static void *ponger(void *arg)
{
	struct pong *p = arg;
	char c;
	int i;

	for (i = 0; i < p->rounds; i++)
		if (read(p->in, &c, 1) != 1 || write(p->out, &c, 1) != 1)
			bench_die("pong failed");
	return NULL;
}

/* The caller, pinned to the job's first CPU (report()), pings. */
static double lat_ns(int cpu_a, int cpu_b, int rounds)
{
	struct pong me, other;
	int ab[2], ba[2], i;
	unsigned long long t0;
	pthread_t tb;
	char c = 'p';

	if (pipe(ab) || pipe(ba))
		bench_die("pipe failed");
	me = (struct pong){ ba[0], ab[1], rounds };
	other = (struct pong){ ab[0], ba[1], rounds };
	bench_start_on(&tb, cpu_b, ponger, &other);
	t0 = bench_now_ns();
	for (i = 0; i < rounds; i++)
		if (write(me.out, &c, 1) != 1 || read(me.in, &c, 1) != 1)
			bench_die("ping failed");
	t0 = bench_now_ns() - t0;
	pthread_join(tb, NULL);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	return (double)t0 / rounds;
}

static double thru_job(int a, int b, int unused)
{
	return thru_mbs(a, b);
}

int main(int argc, char *argv[])
{
	struct bench_job jobs[] = {
		{ "thru-same-mbs", thru_job, 0, 0, 0 },
		{ "lat-same-ns", lat_ns, 0, 0, ROUNDS_SAME },
		{ "thru-cross-mbs", thru_job, 0, 1, 0 },
		{ "lat-cross-ns", lat_ns, 0, 1, ROUNDS_CROSS },
	};

	return bench_same_cross_main(argc, argv, jobs);
}
