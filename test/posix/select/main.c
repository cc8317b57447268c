/*
 * select and pselect over pipes and eventfds, checked the same way on
 * Linux and on Amphi: ready and not ready, the sets rewritten to the
 * ready fds (only on success), zero and short timeouts and the time left
 * written back by select, EBADF for a closed fd, fds at or above nfds
 * ignored, EINVAL for nfds < 0 and bad timeouts, EFAULT for a bad set,
 * hang-up and error counted as readable / writable, a thread waking a
 * blocked select, five hundred fds, and pselect's timespec and mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../posix-check.h"

#define SHORT_MS	20
#define NPIPES		250

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

static void test_ready(void)
{
	struct timeval tv = { 0, 0 };
	fd_set r, w, x;
	int p[2], n;
	char c;

	CHECK(pipe(p) == 0);
	n = max(p[0], p[1]) + 1;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&x);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	FD_SET(p[0], &x);
	FD_SET(p[1], &x);
	CHECK(select(n, &r, &w, &x, &tv) == 1);
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	CHECK(!FD_ISSET(p[0], &x) && !FD_ISSET(p[1], &x));

	CHECK(write(p[1], "a", 1) == 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK(select(n, &r, &w, NULL, NULL) == 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));

	/* An fd in the read and write sets counts once per set. */
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[0], &w);
	CHECK(select(n, &r, &w, NULL, &tv) == 1);
	CHECK(FD_ISSET(p[0], &r) && !FD_ISSET(p[0], &w));
	CHECK(read(p[0], &c, 1) == 1);

	/* Timed out: the sets come back empty. */
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 0 };
	CHECK(select(n, &r, NULL, NULL, &tv) == 0);
	CHECK(!FD_ISSET(p[0], &r));
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);

	/* Nothing to watch at all. */
	CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
	close(p[0]);
	close(p[1]);
}

/* The select system call on readfds alone, which writes the time left
 * back into tv. arm64 has pselect6 alone, which does the same with a
 * timespec (microseconds past a second carried over by the caller, as
 * select does). */
static int sys_select(int n, fd_set *r, struct timeval *tv)
{
#ifdef SYS_select
	return (int)syscall(SYS_select, n, r, NULL, NULL, tv);
#else
	struct timespec ts = { tv->tv_sec + tv->tv_usec / 1000000,
			       tv->tv_usec % 1000000 * 1000 };
	int rc = (int)syscall(SYS_pselect6, n, r, NULL, NULL, &ts, NULL);

	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return rc;
#endif
}

static void test_timeouts(void)
{
	struct timespec ts = { 0, SHORT_MS * 1000000L };
	struct timeval tv;
	long long t0;
	fd_set r;
	int p[2];

	CHECK(pipe(p) == 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, SHORT_MS * 1000 };
	t0 = now_ms();
	/* Linux's select writes back the time left; glibc passes the app's
	 * timeval, musl a copy: the system call itself. */
	CHECK(sys_select(p[0] + 1, &r, &tv) == 0);
	CHECK(now_ms() - t0 >= SHORT_MS);
	CHECK(!FD_ISSET(p[0], &r));
	/* All the time was used: none left. */
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	t0 = now_ms();
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL) == 0);
	CHECK(now_ms() - t0 >= SHORT_MS);
	/* pselect leaves its timespec alone. */
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == SHORT_MS * 1000000L);
	/* The system call under it writes the time left back (the C
	 * library hides that). */
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, NULL) == 0);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0);

	/* Microseconds past a second carry over; ready at once, so most
	 * of the time is left (and never more than given). */
	CHECK(write(p[1], "b", 1) == 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 1, 1500000 };
	CHECK(sys_select(p[0] + 1, &r, &tv) == 1);
	CHECK(FD_ISSET(p[0], &r));
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(tv.tv_sec * 1000000LL + tv.tv_usec <= 2500000LL);
	CHECK(tv.tv_sec >= 2);
	close(p[0]);
	close(p[1]);
}

static void test_errors(void)
{
	struct timeval tv = { 0, 0 };
	struct timespec ts;
	fd_set r, saved;
	int p[2], closed;

	CHECK(pipe(p) == 0);
	closed = dup(p[0]);
	CHECK(closed >= 0);
	close(closed);

	/* A closed fd is EBADF and the sets stay as given. */
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	FD_SET(closed, &r);
	saved = r;
	errno = 0;
	CHECK(select(max(p[0], closed) + 1, &r, NULL, NULL, &tv) == -1 &&
	      errno == EBADF);
	CHECK(memcmp(&r, &saved, sizeof(r)) == 0);
	/* ... unless it is at or above nfds. */
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 0);

	errno = 0;
	CHECK(select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	tv = (struct timeval){ -1, 0 };
	errno = 0;
	CHECK(select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	tv = (struct timeval){ 0, -1 };
	errno = 0;
	CHECK(select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);

	ts = (struct timespec){ 0, 1000000000L };
	errno = 0;
	CHECK(pselect(0, NULL, NULL, NULL, &ts, NULL) == -1 &&
	      errno == EINVAL);
	ts = (struct timespec){ -1, 0 };
	errno = 0;
	CHECK(pselect(0, NULL, NULL, NULL, &ts, NULL) == -1 &&
	      errno == EINVAL);

	tv = (struct timeval){ 0, 0 };
	errno = 0;
	CHECK(select(p[0] + 1, (fd_set *)8, NULL, NULL, &tv) == -1 &&
	      errno == EFAULT);
	close(p[0]);
	close(p[1]);
}

static void test_hup_and_err(void)
{
	struct timeval tv = { 0, 0 };
	fd_set r, w, x;
	int p[2];

	/* No writer left: readable (read returns end of file). */
	CHECK(pipe(p) == 0);
	close(p[1]);
	FD_ZERO(&r);
	FD_ZERO(&x);
	FD_SET(p[0], &r);
	FD_SET(p[0], &x);
	CHECK(select(p[0] + 1, &r, NULL, &x, &tv) == 1);
	CHECK(FD_ISSET(p[0], &r) && !FD_ISSET(p[0], &x));
	close(p[0]);

	/* No reader left: writable (a write fails at once); the error
	 * makes it "readable" as well. */
	CHECK(pipe(p) == 0);
	close(p[0]);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[1], &r);
	FD_SET(p[1], &w);
	CHECK(select(p[1] + 1, &r, &w, NULL, &tv) == 2);
	CHECK(FD_ISSET(p[1], &r) && FD_ISSET(p[1], &w));
	close(p[1]);
}

static void *post_late(void *arg)
{
	uint64_t one = 1;

	usleep(SHORT_MS * 1000);
	return write(*(int *)arg, &one, sizeof(one)) == 8 ? NULL : (void *)1;
}

static void test_thread_wakes_select(void)
{
	struct timeval tv = { 10, 0 };
	int efd = eventfd(0, 0), p[2];
	pthread_t t;
	void *res;
	fd_set r;

	CHECK(efd >= 0 && pipe(p) == 0);
	FD_ZERO(&r);
	FD_SET(efd, &r);
	FD_SET(p[0], &r);
	CHECK(pthread_create(&t, NULL, post_late, &efd) == 0);
	CHECK(select(max(efd, p[0]) + 1, &r, NULL, NULL, &tv) == 1);
	CHECK(FD_ISSET(efd, &r) && !FD_ISSET(p[0], &r));
	CHECK(tv.tv_sec * 1000000LL + tv.tv_usec <= 10000000LL);
	CHECK(pthread_join(t, &res) == 0 && res == NULL);

	/* pselect woken the same way, forever and with a mask. */
	{
		sigset_t mask, before, after;
		uint64_t v;

		CHECK(read(efd, &v, sizeof(v)) == 8 && v == 1);
		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR2);
		CHECK(sigprocmask(SIG_SETMASK, NULL, &before) == 0);
		FD_ZERO(&r);
		FD_SET(efd, &r);
		CHECK(pthread_create(&t, NULL, post_late, &efd) == 0);
		CHECK(pselect(efd + 1, &r, NULL, NULL, NULL, &mask) == 1);
		CHECK(FD_ISSET(efd, &r));
		CHECK(pthread_join(t, &res) == 0 && res == NULL);
		CHECK(sigprocmask(SIG_SETMASK, NULL, &after) == 0);
		CHECK(sigismember(&after, SIGUSR2) ==
		      sigismember(&before, SIGUSR2));
	}
	close(efd);
	close(p[0]);
	close(p[1]);
}

static void test_many(void)
{
	struct timeval tv = { 0, 0 };
	int p[NPIPES][2], i, made, top = 0, ok = 1;
	fd_set r, w;

	for (made = 0; made < NPIPES; made++) {
		if (pipe(p[made]) != 0)
			break;
		top = max(top, max(p[made][0], p[made][1]));
	}
	CHECK(made == NPIPES && top < FD_SETSIZE);
	if (made < NPIPES || top >= FD_SETSIZE)
		goto out;
	CHECK(write(p[123][1], "c", 1) == 1);
	CHECK(write(p[NPIPES - 1][1], "d", 1) == 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	for (i = 0; i < NPIPES; i++) {
		FD_SET(p[i][0], &r);
		FD_SET(p[i][1], &w);
	}
	CHECK(select(top + 1, &r, &w, NULL, &tv) == NPIPES + 2);
	for (i = 0; i < NPIPES; i++) {
		if (FD_ISSET(p[i][0], &r) != (i == 123 || i == NPIPES - 1))
			ok = 0;
		if (!FD_ISSET(p[i][1], &w))
			ok = 0;
	}
	CHECK(ok);
out:
	for (i = 0; i < made; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

int main(void)
{
	int low = lowest_free_fd();

	test_ready();
	test_timeouts();
	test_errors();
	test_hup_and_err();
	test_thread_wakes_select();
	test_many();
	CHECK(lowest_free_fd() == low);
	return posix_check_summary();
}
