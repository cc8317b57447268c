/*
 * eventfd benchmark workload, built twice from this file: as an Amphi
 * image and as a host program (only eventfds, poll, POSIX threads and
 * clocks). bench-eventfd runs both and prints ratios. Arguments choose
 * the groups; prints "key value" lines, medians over BENCH_REPS runs:
 *
 *   same:  lat-same-ns       ping-pong round trip over two eventfds,
 *                            blocking reads, both threads on CPU 0
 *          poll-same-ns      the same, each side waiting in poll()
 *                            before its read
 *   cross: lat-cross-ns, poll-cross-ns: the same on CPUs 0 and 1
 *
 * Threads are pinned with pthread_attr_setaffinity_np (glibc and Amphi).
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../common/pinned.h"

#define ROUNDS_SAME	20000
#define ROUNDS_CROSS	2000

struct side {
	int in, out, rounds, use_poll;
};

/* Waits for the counter of fd (in poll() first if asked) and takes it. */
static void take(int fd, int use_poll)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	if (use_poll && (poll(&p, 1, -1) != 1 || !(p.revents & POLLIN)))
		bench_die("poll failed");
	if (read(fd, &v, sizeof(v)) != sizeof(v) || v != 1)
		bench_die("read failed");
}

static void give(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		bench_die("write failed");
}

static void *ponger(void *arg)
{
	struct side *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++) {
		take(s->in, s->use_poll);
		give(s->out);
	}
	return NULL;
}

/* The caller, pinned to the job's first CPU (report()), pings. */
static double lat_ns(int cpu_b, int rounds, int use_poll)
{
	struct side other;
	unsigned long long t0;
	int ab, ba, i;
	pthread_t tb;

	ab = eventfd(0, 0);
	ba = eventfd(0, 0);
	if (ab < 0 || ba < 0)
		bench_die("eventfd failed");
	other = (struct side){ ab, ba, rounds, use_poll };
	bench_start_on(&tb, cpu_b, ponger, &other);
	t0 = bench_now_ns();
	for (i = 0; i < rounds; i++) {
		give(ab);
		take(ba, use_poll);
	}
	t0 = bench_now_ns() - t0;
	pthread_join(tb, NULL);
	close(ab);
	close(ba);
	return (double)t0 / rounds;
}

static double lat_job(int a, int b, int rounds)
{
	return lat_ns(b, rounds, 0);
}

static double poll_job(int a, int b, int rounds)
{
	return lat_ns(b, rounds, 1);
}

int main(int argc, char *argv[])
{
	struct bench_job jobs[] = {
		{ "lat-same-ns", lat_job, 0, 0, ROUNDS_SAME },
		{ "poll-same-ns", poll_job, 0, 0, ROUNDS_SAME },
		{ "lat-cross-ns", lat_job, 0, 1, ROUNDS_CROSS },
		{ "poll-cross-ns", poll_job, 0, 1, ROUNDS_CROSS },
	};

	return bench_same_cross_main(argc, argv, jobs);
}
