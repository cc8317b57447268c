/*
 * eventfd benchmark workload, built twice from this file: as an Amphi
 * image and as a host program (only eventfds, poll, POSIX threads and
 * clocks). bench-eventfd runs both and prints ratios. Arguments choose
 * the groups; prints "key value" lines, medians over REPS runs:
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

#include "../../common/workload.h"

#define REPS		7
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

struct side {
	int in, out, rounds, use_poll;
};

/* Waits for the counter of fd (in poll() first if asked) and takes it. */
static void take(int fd, int use_poll)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	if (use_poll && (poll(&p, 1, -1) != 1 || !(p.revents & POLLIN)))
		die("poll failed");
	if (read(fd, &v, sizeof(v)) != sizeof(v) || v != 1)
		die("read failed");
}

static void give(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		die("write failed");
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
		die("eventfd failed");
	other = (struct side){ ab, ba, rounds, use_poll };
	start_on(&tb, cpu_b, ponger, &other);
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

struct job {
	const char *key;
	int cpu_a, cpu_b, rounds, use_poll;
	double v[REPS];
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	int i;

	lat_ns(j->cpu_b, j->rounds, j->use_poll);	/* warm-up */
	for (i = 0; i < REPS; i++)
		j->v[i] = lat_ns(j->cpu_b, j->rounds, j->use_poll);
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
		{ "lat-same-ns", 0, 0, ROUNDS_SAME, 0 },
		{ "poll-same-ns", 0, 0, ROUNDS_SAME, 1 },
		{ "lat-cross-ns", 0, 1, ROUNDS_CROSS, 0 },
		{ "poll-cross-ns", 0, 1, ROUNDS_CROSS, 1 },
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
