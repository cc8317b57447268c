/*
 * AF_UNIX benchmark workload, built twice from this file: as an Amphi
 * image and as a host program (only AF_UNIX sockets, POSIX threads and
 * clocks). bench-unix runs both and prints ratios. Arguments choose the
 * groups; prints "key value" lines, medians over REPS runs:
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

#include "../../common/workload.h"

#define REPS		7
#define CHUNK		65536
#define THRU_BYTES	(64UL << 20)
#define ROUNDS_SAME	20000
#define ROUNDS_CROSS	2000

static void die(const char *what)
{
	printf("error %s\n", what);
	exit(1);
}

/* Starts fn(arg) on CPU cpu. */
static void start_on(pthread_t *t, int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;

	pthread_attr_init(&attr);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_attr_setaffinity_np(&attr, sizeof(set), &set) ||
	    pthread_create(t, &attr, fn, arg))
		die("cannot start a thread");
	pthread_attr_destroy(&attr);
}

/* throughput: one sender, one receiver, 64 KiB at a time */

static void *writer(void *arg)
{
	static char buf[CHUNK];
	int fd = *(int *)arg;
	unsigned long done;

	memset(buf, 'w', sizeof(buf));
	for (done = 0; done < THRU_BYTES; done += CHUNK)
		if (send(fd, buf, CHUNK, 0) != CHUNK)
			die("short send");
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
			die("recv failed");
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
		die("socketpair failed");
	t0 = bench_now_ns();
	start_on(&tr, cpu_r, reader, &fds[0]);
	start_on(&tw, cpu_w, writer, &fds[1]);
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
			die("pong failed");
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
		die("socketpair failed");
	other = (struct pong){ sv[1], rounds };
	start_on(&tb, cpu_b, ponger, &other);
	t0 = bench_now_ns();
	for (i = 0; i < rounds; i++)
		if (send(sv[0], &c, 1, 0) != 1 || recv(sv[0], &c, 1, 0) != 1)
			die("ping failed");
	t0 = bench_now_ns() - t0;
	pthread_join(tb, NULL);
	close(sv[0]);
	close(sv[1]);
	return (double)t0 / rounds;
}

struct job {
	const char *key;
	double (*fn)(int, int, int);
	int cpu_a, cpu_b, arg;
	double v[REPS];
};

static double thru_job(int a, int b, int unused)
{
	return thru_mbs(a, b);
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	int i;

	j->fn(j->cpu_a, j->cpu_b, j->arg);	/* warm-up */
	for (i = 0; i < REPS; i++)
		j->v[i] = j->fn(j->cpu_a, j->cpu_b, j->arg);
	return NULL;
}

/* Runs the job in a thread pinned to its first CPU, prints the median. */
static void report(struct job *j)
{
	pthread_t t;

	start_on(&t, j->cpu_a, run_job, j);
	pthread_join(t, NULL);
	bench_put_median(j->key, j->v, REPS);
}

int main(int argc, char *argv[])
{
	struct job jobs[] = {
		{ "thru-same-mbs", thru_job, 0, 0, 0 },
		{ "lat-same-ns", lat_ns, 0, 0, ROUNDS_SAME },
		{ "thru-cross-mbs", thru_job, 0, 1, 0 },
		{ "lat-cross-ns", lat_ns, 0, 1, ROUNDS_CROSS },
	};
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "same")) {
			report(&jobs[0]);
			report(&jobs[1]);
		} else if (!strcmp(argv[i], "cross")) {
			report(&jobs[2]);
			report(&jobs[3]);
		} else {
			printf("usage: %s same|cross...\n", argv[0]);
			return 2;
		}
	}
	return 0;
}
