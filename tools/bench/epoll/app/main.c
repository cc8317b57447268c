/*
 * epoll benchmark workload, built twice from this file: as an Amphi image
 * and as a host program. bench-epoll runs both and prints ratios. Prints
 * "key value" lines, medians over REPS runs:
 *
 *   ctl-add-ns   EPOLL_CTL_ADD of one fd, while filling a set of NFDS
 *   wait-ns      one level-triggered epoll_wait (timeout 0) on NFDS fds
 *                of which NREADY hold a byte: all NREADY come back
 *   event-ns     the same per ready event (wait-ns / NREADY)
 *   pingpong-ns  a byte sent over a pipe to a thread blocked in
 *                epoll_wait and back the same way, per round trip, both
 *                threads on CPU 0
 *
 * The NFDS watched fds are both ends of NFDS / 2 pipes (the write ends
 * are watched for EPOLLIN, which a pipe's write end never has), so the
 * host needs no more fds than its usual limit allows.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#ifndef __AMPHI__
#include <sys/resource.h>
#endif

#include "../../common/pinned.h"

#define REPS		7
#define NFDS		10000
#define NREADY		100
#define WAITS		2000
#define ROUNDS		20000

static int fds[NFDS / 2][2];

static void raise_fd_limit(void)
{
#ifndef __AMPHI__
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < NFDS + 64) {
		rl.rlim_cur = rl.rlim_max < NFDS + 64 ? rl.rlim_max : NFDS + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
#endif
}

static void pipes_open(void)
{
	int i;

	for (i = 0; i < NFDS / 2; i++)
		if (pipe(fds[i]))
			bench_die("pipe failed (fd limit?)");
}

static void pipes_close(void)
{
	int i;

	for (i = 0; i < NFDS / 2; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
}

/* Fills a new epoll with every fd; returns it, the ns per add in *ns. */
static int fill(double *ns)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned long long t0;
	int ep = epoll_create1(0), i, j;

	if (ep < 0)
		bench_die("epoll_create1 failed");
	t0 = bench_now_ns();
	for (i = 0; i < NFDS / 2; i++) {
		for (j = 0; j < 2; j++) {
			ev.data.fd = fds[i][j];
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i][j], &ev))
				bench_die("epoll_ctl failed");
		}
	}
	*ns = (double)(bench_now_ns() - t0) / NFDS;
	return ep;
}

static void run_wait(double *add_ns, double *wait_ns)
{
	static struct epoll_event evs[NREADY * 2];
	unsigned long long t0;
	int ep, i;

	ep = fill(add_ns);
	for (i = 0; i < NREADY; i++)
		if (write(fds[i * (NFDS / 2 / NREADY)][1], "x", 1) != 1)
			bench_die("write failed");
	if (epoll_wait(ep, evs, NREADY * 2, 0) != NREADY)
		bench_die("wrong number of ready fds");
	t0 = bench_now_ns();
	for (i = 0; i < WAITS; i++)
		if (epoll_wait(ep, evs, NREADY * 2, 0) != NREADY)
			bench_die("wrong number of ready fds");
	*wait_ns = (double)(bench_now_ns() - t0) / WAITS;
	for (i = 0; i < NREADY; i++) {
		char c;

		if (read(fds[i * (NFDS / 2 / NREADY)][0], &c, 1) != 1)
			bench_die("read failed");
	}
	close(ep);
}

/* ping-pong: each side blocks in epoll_wait on its own pipe */

struct side {
	int ep, in, out;
};

static int side_init(struct side *s, int in, int out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = in };

	s->ep = epoll_create1(0);
	s->in = in;
	s->out = out;
	return s->ep < 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, in, &ev);
}

static void side_recv(struct side *s)
{
	struct epoll_event ev;
	char c;

	if (epoll_wait(s->ep, &ev, 1, -1) != 1 || read(s->in, &c, 1) != 1)
		bench_die("pong failed");
}

static void *ponger(void *arg)
{
	struct side *s = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		side_recv(s);
		if (write(s->out, "p", 1) != 1)
			bench_die("pong write failed");
	}
	return NULL;
}

static double pingpong_ns(void)
{
	struct side me, other;
	unsigned long long t0;
	int ab[2], ba[2], i;
	pthread_t t;

	if (pipe(ab) || pipe(ba) || side_init(&me, ba[0], ab[1]) ||
	    side_init(&other, ab[0], ba[1]))
		bench_die("ping-pong setup failed");
	bench_start_on(&t, 0, ponger, &other);
	t0 = bench_now_ns();
	for (i = 0; i < ROUNDS; i++) {
		if (write(me.out, "p", 1) != 1)
			bench_die("ping write failed");
		side_recv(&me);
	}
	t0 = bench_now_ns() - t0;
	pthread_join(t, NULL);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	close(me.ep);
	close(other.ep);
	return (double)t0 / ROUNDS;
}

static void *run_all(void *arg)
{
	double add[REPS], wait[REPS], ev[REPS], pp[REPS], unused;
	int i;

	(void)arg;
	pipes_open();
	run_wait(&unused, &unused);	/* warm-up */
	for (i = 0; i < REPS; i++) {
		run_wait(&add[i], &wait[i]);
		ev[i] = wait[i] / NREADY;
	}
	pipes_close();
	pingpong_ns();
	for (i = 0; i < REPS; i++)
		pp[i] = pingpong_ns();
	bench_put_median("ctl-add-ns", add, REPS);
	bench_put_median("wait-ns", wait, REPS);
	bench_put_median("event-ns", ev, REPS);
	bench_put_median("pingpong-ns", pp, REPS);
	return NULL;
}

int main(void)
{
	pthread_t t;

	raise_fd_limit();
	/* Everything runs on CPU 0, on both sides. */
	bench_start_on(&t, 0, run_all, NULL);
	pthread_join(t, NULL);
	return 0;
}
