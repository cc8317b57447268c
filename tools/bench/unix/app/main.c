/*
 * AF_UNIX benchmark workload, built twice from this file: as an Amphi
 * image and as a host program (only AF_UNIX sockets, POSIX threads and
 * clocks). bench-unix runs both and prints ratios. Arguments choose the
 * groups; prints "key value" lines, medians over BENCH_REPS runs:
 *
 *   same:  thru-same-mbs  MB/s through a stream socketpair, 64 KiB sends
 *                         and receives, sender and receiver threads both
 *                         on CPU 0
 *          lat-same-ns    1-byte ping-pong over one stream socketpair,
 *                         per round trip, both threads on CPU 0
 *   cross: thru-cross-mbs, lat-cross-ns: the same on CPUs 0 and 1
 *
 * Threads are pinned with pthread_attr_setaffinity_np (glibc and Amphi).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../common/pinned.h"

#define CHUNK		65536
#define THRU_BYTES	(64UL << 20)
#define ROUNDS_SAME	20000
#define ROUNDS_CROSS	2000

/* throughput: one sender, one receiver, 64 KiB at a time */

static void *writer(void *arg)
{
	static char buf[CHUNK];
	int fd = *(int *)arg;
	unsigned long done;

	memset(buf, 'w', sizeof(buf));
	for (done = 0; done < THRU_BYTES; done += CHUNK)
		if (send(fd, buf, CHUNK, 0) != CHUNK)
			bench_die("short send");
	return NULL;
}

static void *reader(void *arg)
{
	static char buf[CHUNK];
	int fd = *(int *)arg;
	unsigned long done = 0;
	ssize_t n;

	while (done < THRU_BYTES) {
		n = recv(fd, buf, CHUNK, 0);
		if (n <= 0)
			bench_die("recv failed");
		done += n;
	}
	return NULL;
}

static double thru_mbs(int cpu_w, int cpu_r)
{
	unsigned long long t0;
	pthread_t tw, tr;
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		bench_die("socketpair failed");
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

/* latency: a byte goes to the other end of a socketpair and comes back */

struct pong {
	int fd, rounds;
};

static void *ponger(void *arg)
{
	struct pong *p = arg;
	char c;
	int i;

	for (i = 0; i < p->rounds; i++)
		if (recv(p->fd, &c, 1, 0) != 1 || send(p->fd, &c, 1, 0) != 1)
			bench_die("pong failed");
	return NULL;
}

/* The caller, pinned to the job's first CPU (report()), pings. */
static double lat_ns(int cpu_a, int cpu_b, int rounds)
{
	unsigned long long t0;
	struct pong other;
	pthread_t tb;
	int sv[2], i;
	char c = 'p';

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		bench_die("socketpair failed");
	other = (struct pong){ sv[1], rounds };
	bench_start_on(&tb, cpu_b, ponger, &other);
	t0 = bench_now_ns();
	for (i = 0; i < rounds; i++)
		if (send(sv[0], &c, 1, 0) != 1 || recv(sv[0], &c, 1, 0) != 1)
			bench_die("ping failed");
	t0 = bench_now_ns() - t0;
	pthread_join(tb, NULL);
	close(sv[0]);
	close(sv[1]);
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
