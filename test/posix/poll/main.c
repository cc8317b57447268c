/*
 * poll and ppoll over pipes, eventfds and /dev/null, checked the same way
 * on Linux and on Amphi: ready and not ready, zero and short timeouts,
 * POLLNVAL for a closed fd, negative fds skipped, POLLHUP once the writer
 * is gone, POLLERR on a write end without readers, a poll blocked forever
 * woken by another thread's write, a thousand fds at once, ppoll's
 * timespec and signal mask, and bad arguments (EFAULT, EINVAL).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define NFDS		1000		/* below the usual fd limit, 1024 */
#define SHORT_MS	20

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int poll1(int fd, short events, int timeout, short *revents)
{
	struct pollfd p = { fd, events, 0x7fff };
	int rc = poll(&p, 1, timeout);

	*revents = p.revents;
	return rc;
}

static void test_ready(void)
{
	short rev;
	char c;
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(poll1(p[0], POLLIN, 0, &rev) == 0 && rev == 0);
	CHECK(poll1(p[1], POLLOUT, 0, &rev) == 1 && rev == POLLOUT);
	/* Both at once: the write end is ready, the read end not. */
	{
		struct pollfd two[2] = { { p[0], POLLIN, 0 },
					 { p[1], POLLOUT, 0 } };

		CHECK(poll(two, 2, 0) == 1);
		CHECK(two[0].revents == 0 && two[1].revents == POLLOUT);
	}
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(poll1(p[0], POLLIN, 0, &rev) == 1 && rev == POLLIN);
	CHECK(poll1(p[0], POLLRDNORM, 0, &rev) == 1 && rev == POLLRDNORM);
	CHECK(poll1(p[0], POLLIN | POLLOUT | POLLPRI, -1, &rev) == 1 &&
	      rev == POLLIN);
	/* Nothing asked: nothing reported but errors. */
	CHECK(poll1(p[0], 0, 0, &rev) == 0 && rev == 0);
	/* The same fd twice counts twice. */
	{
		struct pollfd two[2] = { { p[0], POLLIN, 0 },
					 { p[0], POLLIN, 0 } };

		CHECK(poll(two, 2, 0) == 2);
		CHECK(two[0].revents == POLLIN && two[1].revents == POLLIN);
	}
	CHECK(read(p[0], &c, 1) == 1);
	CHECK(poll1(p[0], POLLIN, 0, &rev) == 0 && rev == 0);
	close(p[0]);
	close(p[1]);
}

static void test_timeouts(void)
{
	struct timespec ts = { 0, SHORT_MS * 1000000L };
	struct pollfd pf;
	long long t0;
	short rev;
	int p[2];

	CHECK(pipe(p) == 0);
	t0 = now_ms();
	CHECK(poll1(p[0], POLLIN, SHORT_MS, &rev) == 0 && rev == 0);
	CHECK(now_ms() - t0 >= SHORT_MS);

	pf = (struct pollfd){ p[0], POLLIN, 0 };
	t0 = now_ms();
	CHECK(ppoll(&pf, 1, &ts, NULL) == 0 && pf.revents == 0);
	CHECK(now_ms() - t0 >= SHORT_MS);
	/* ppoll leaves the caller's timespec alone. */
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == SHORT_MS * 1000000L);
	/* The system call under it writes the time left back (the C
	 * library hides that); 8: the kernel's signal set size. */
	pf.revents = 0;
	CHECK(syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8) == 0);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0);

	/* No fds at all: a plain sleep. */
	t0 = now_ms();
	CHECK(poll(NULL, 0, SHORT_MS) == 0);
	CHECK(now_ms() - t0 >= SHORT_MS);

	/* Ready at once with an infinite timeout. */
	CHECK(write(p[1], "y", 1) == 1);
	pf = (struct pollfd){ p[0], POLLIN, 0 };
	CHECK(ppoll(&pf, 1, NULL, NULL) == 1 && pf.revents == POLLIN);
	close(p[0]);
	close(p[1]);
}

static void test_nval_and_negative(void)
{
	struct pollfd pf[3];
	int p[2], closed;

	CHECK(pipe(p) == 0);
	closed = dup(p[0]);
	CHECK(closed >= 0);
	close(closed);
	pf[0] = (struct pollfd){ closed, POLLIN, 0x7fff };
	pf[1] = (struct pollfd){ -1, POLLIN, 0x7fff };
	pf[2] = (struct pollfd){ p[1], POLLOUT, 0x7fff };
	CHECK(poll(pf, 3, 0) == 2);
	CHECK(pf[0].revents == POLLNVAL);
	CHECK(pf[1].revents == 0);
	CHECK(pf[2].revents == POLLOUT);
	/* POLLNVAL even when no event was asked for. */
	pf[0] = (struct pollfd){ closed, 0, 0 };
	CHECK(poll(pf, 1, -1) == 1 && pf[0].revents == POLLNVAL);
	/* Only negative fds: a timeout. */
	pf[0] = (struct pollfd){ -5, POLLIN, 0 };
	CHECK(poll(pf, 1, SHORT_MS) == 0 && pf[0].revents == 0);
	close(p[0]);
	close(p[1]);
}

static void test_hup_and_err(void)
{
	short rev;
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "z", 1) == 1);
	close(p[1]);
	/* Data and hang-up together; hang-up is reported unasked. */
	CHECK(poll1(p[0], POLLIN, -1, &rev) == 1 &&
	      rev == (POLLIN | POLLHUP));
	CHECK(poll1(p[0], 0, -1, &rev) == 1 && rev == POLLHUP);
	close(p[0]);

	CHECK(pipe(p) == 0);
	close(p[0]);
	CHECK(poll1(p[1], POLLOUT, -1, &rev) == 1 &&
	      rev == (POLLOUT | POLLERR));
	CHECK(poll1(p[1], 0, 0, &rev) == 1 && rev == POLLERR);
	close(p[1]);
}

static void test_other_files(void)
{
	short rev;
	int fd, efd;
	uint64_t v = 3;

	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK(poll1(fd, POLLIN | POLLOUT, 0, &rev) == 1 &&
	      rev == (POLLIN | POLLOUT));
	close(fd);

	efd = eventfd(0, 0);
	CHECK(efd >= 0);
	CHECK(poll1(efd, POLLIN | POLLOUT, 0, &rev) == 1 && rev == POLLOUT);
	CHECK(write(efd, &v, sizeof(v)) == sizeof(v));
	CHECK(poll1(efd, POLLIN | POLLOUT, 0, &rev) == 1 &&
	      rev == (POLLIN | POLLOUT));
	CHECK(poll1(efd, POLLIN, 0, &rev) == 1 && rev == POLLIN);
	close(efd);
}

struct late {
	int fd;
	int ms;
};

static void *write_late(void *arg)
{
	struct late *l = arg;
	uint64_t one = 1;

	usleep(l->ms * 1000);
	if (write(l->fd, &one, sizeof(one)) < 1)
		return (void *)1;
	return NULL;
}

static void test_thread_wakes_poll(void)
{
	struct late l;
	pthread_t t;
	void *res;
	short rev;
	int p[2], efd;

	CHECK(pipe(p) == 0);
	l = (struct late){ p[1], SHORT_MS };
	CHECK(pthread_create(&t, NULL, write_late, &l) == 0);
	CHECK(poll1(p[0], POLLIN, -1, &rev) == 1 && rev == POLLIN);
	CHECK(pthread_join(t, &res) == 0 && res == NULL);
	close(p[0]);
	close(p[1]);

	/* Woken by an eventfd while also watching an idle pipe. */
	efd = eventfd(0, 0);
	CHECK(efd >= 0 && pipe(p) == 0);
	{
		struct pollfd pf[2] = { { p[0], POLLIN, 0 },
					{ efd, POLLIN, 0 } };

		l = (struct late){ efd, SHORT_MS };
		CHECK(pthread_create(&t, NULL, write_late, &l) == 0);
		CHECK(poll(pf, 2, 10000) == 1);
		CHECK(pf[0].revents == 0 && pf[1].revents == POLLIN);
		CHECK(pthread_join(t, &res) == 0 && res == NULL);
	}
	close(efd);
	close(p[0]);
	close(p[1]);
}

/* Eventfds rather than pipes: a thousand pipe buffers would not fit in
 * a small guest. */
static void test_many(void)
{
	struct pollfd *pf = calloc(NFDS, sizeof(*pf));
	int i, n, ok = 1, made = 0;
	struct late l;
	uint64_t v;
	pthread_t t;
	void *res;

	CHECK(pf != NULL);
	if (!pf)
		return;
	for (; made < NFDS; made++) {
		pf[made] = (struct pollfd){ eventfd(0, EFD_NONBLOCK), POLLIN,
					    0 };
		if (pf[made].fd < 0)
			break;
	}
	CHECK(made == NFDS);
	if (made < NFDS)
		goto out;
	CHECK(poll(pf, NFDS, 0) == 0);
	CHECK(write(pf[317].fd, &(uint64_t){ 1 }, 8) == 8);
	CHECK(poll(pf, NFDS, 0) == 1);
	for (i = 0; i < NFDS; i++)
		if (pf[i].revents != (i == 317 ? POLLIN : 0))
			ok = 0;
	CHECK(ok);

	/* All writable. */
	for (i = 0; i < NFDS; i++)
		pf[i].events = POLLOUT;
	CHECK(poll(pf, NFDS, 0) == NFDS);

	/* Blocked on a thousand fds, woken through the last one. */
	CHECK(read(pf[317].fd, &v, sizeof(v)) == 8 && v == 1);
	for (i = 0; i < NFDS; i++)
		pf[i].events = POLLIN;
	l = (struct late){ pf[NFDS - 1].fd, SHORT_MS };
	CHECK(pthread_create(&t, NULL, write_late, &l) == 0);
	n = poll(pf, NFDS, -1);
	CHECK(n == 1 && pf[NFDS - 1].revents == POLLIN);
	CHECK(pthread_join(t, &res) == 0 && res == NULL);
out:
	for (i = 0; i < made; i++)
		close(pf[i].fd);
	free(pf);
}

static void test_ppoll_args(void)
{
	struct timespec bad;
	struct pollfd pf;
	sigset_t mask, old, now;
	int p[2];

	CHECK(pipe(p) == 0);
	pf = (struct pollfd){ p[0], POLLIN, 0 };
	bad = (struct timespec){ 0, 1000000000L };
	errno = 0;
	CHECK(ppoll(&pf, 1, &bad, NULL) == -1 && errno == EINVAL);
	bad = (struct timespec){ -1, 0 };
	errno = 0;
	CHECK(ppoll(&pf, 1, &bad, NULL) == -1 && errno == EINVAL);
	bad = (struct timespec){ 0, -1 };
	errno = 0;
	CHECK(ppoll(&pf, 1, &bad, NULL) == -1 && errno == EINVAL);

	/* The mask holds during the call and the old one comes back. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &old) == 0);
	bad = (struct timespec){ 0, 0 };
	CHECK(ppoll(&pf, 1, &bad, &mask) == 0);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	CHECK(sigismember(&now, SIGUSR1) == sigismember(&old, SIGUSR1));
	close(p[0]);
	close(p[1]);
}

static void test_bad_args(void)
{
	struct pollfd pf = { 0, POLLIN, 0 };
	struct pollfd *volatile null = NULL;
	volatile nfds_t huge = 1UL << 24;
	int p[2];

	errno = 0;
	CHECK(poll(null, 1, 0) == -1 && errno == EFAULT);
	CHECK(pipe(p) == 0);
	pf.fd = p[1];
	/* A readable but read-only array (fd -1): the write-back fault
	 * is EFAULT too. */
	errno = 0;
	CHECK(poll((struct pollfd *)"\377\377\377\377\0\0\0", 1, 0) == -1 &&
	      errno == EFAULT);
	/* More fds than RLIMIT_NOFILE can ever be. */
	errno = 0;
	CHECK(poll(&pf, huge, 0) == -1 && errno == EINVAL);
	CHECK(poll(NULL, 0, 0) == 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	int low = lowest_free_fd();

	test_ready();
	test_timeouts();
	test_nval_and_negative();
	test_hup_and_err();
	test_other_files();
	test_thread_wakes_poll();
	test_many();
	test_ppoll_args();
	test_bad_args();
	CHECK(lowest_free_fd() == low);
	return posix_check_summary();
}
