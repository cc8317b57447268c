/*
 * Threads that never block must not starve the others, checked the same
 * way on Linux and on Amphi (one CPU there: time slices do it):
 *   - a thread looping on epoll_wait with a level-triggered fd nobody
 *     drains, and one on poll with a zero timeout;
 *   - a thread spinning on the CPU;
 * while main sleeps, wakes on time, and stops them.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

static volatile int stop;
static volatile unsigned long loops[3];
static int pfd[2], ep;

static void *epoll_spinner(void *arg)
{
	struct epoll_event ev;

	while (!stop)
		if (epoll_wait(ep, &ev, 1, -1) == 1)
			loops[0]++;
	return NULL;
}

static void *poll_spinner(void *arg)
{
	struct pollfd p = { .fd = pfd[0], .events = POLLIN };

	while (!stop)
		if (poll(&p, 1, 0) == 1)
			loops[1]++;
	return NULL;
}

static void *cpu_spinner(void *arg)
{
	while (!stop)
		loops[2]++;
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t t[3];
	double t0, slept;
	int i;

	CHECK(pipe(pfd) == 0);
	CHECK(write(pfd[1], "x", 1) == 1);
	ep = epoll_create1(0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev) == 0);
	CHECK(pthread_create(&t[0], NULL, epoll_spinner, NULL) == 0);
	CHECK(pthread_create(&t[1], NULL, poll_spinner, NULL) == 0);
	CHECK(pthread_create(&t[2], NULL, cpu_spinner, NULL) == 0);
	/* Main must get the CPU back after its sleep (without time slices
	 * it would wait forever). */
	t0 = now_ms();
	usleep(100000);
	slept = now_ms() - t0;
	CHECK(slept >= 100);
	stop = 1;
	for (i = 0; i < 3; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	/* Every spinner ran. */
	CHECK(loops[0] > 0 && loops[1] > 0 && loops[2] > 0);
	close(ep);
	close(pfd[0]);
	close(pfd[1]);
	return posix_check_summary();
}
