/*
 * epoll as apps use it, checked the same way on Linux and on Amphi:
 * argument errors, level- and edge-triggered reports (ET after a partial
 * read), EPOLLONESHOT and re-arming with EPOLL_CTL_MOD, a description
 * closed while watched (a dup keeps the item), HUP and ERR of pipe ends,
 * an epoll inside an epoll, ELOOP, timeouts, a second thread waking
 * epoll_wait, fewer slots than ready items, many fds, eventfds, and
 * threads closing watched fds while another waits; epoll_pwait2's
 * timespec (made raw: not every C library wraps it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../posix-check.h"

#define MANY		200
#define MANY_READY	10

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int ep_add(int ep, int fd, unsigned int events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int ep_mod(int ep, int fd, unsigned int events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* epoll_wait with timeout 0 into one slot; stores the event. */
static int wait1(int ep, struct epoll_event *ev)
{
	return epoll_wait(ep, ev, 1, 0);
}

static void test_errors(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	int ep, p[2], dn, dir, e2;
	volatile int neg = -1;
	struct epoll_event *volatile bad = NULL;

#ifdef SYS_epoll_create
	/* The system call (musl's epoll_create ignores the size). */
	CHECK(syscall(SYS_epoll_create, 0) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_epoll_create, -1) == -1 && errno == EINVAL);
#else
	/* arm64 has epoll_create1 alone: its unknown flags instead (as
	 * many checks, so the output matches the host's). */
	CHECK(epoll_create1(0x40) == -1 && errno == EINVAL);
	CHECK(epoll_create1(-1) == -1 && errno == EINVAL);
#endif
	CHECK(epoll_create1(1) == -1 && errno == EINVAL);
	ep = epoll_create(1);
	CHECK(ep >= 0);
	CHECK(fcntl(ep, F_GETFD) == 0);
	e2 = epoll_create1(EPOLL_CLOEXEC);
	CHECK(e2 >= 0 && fcntl(e2, F_GETFD) == FD_CLOEXEC);
	CHECK(pipe(p) == 0);

	CHECK(epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &ev) == -1 && errno == EBADF);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev) == -1 && errno == EBADF);
	CHECK(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev) == -1 &&
	      errno == EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, 0, p[0], &ev) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, 4, p[0], &ev) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL) == -1 &&
	      errno == EFAULT);
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == -1 &&
	      errno == ENOENT);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 &&
	      errno == ENOENT);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1 &&
	      errno == EEXIST);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 &&
	      errno == ENOENT);

	/* Files that cannot be polled. */
	dn = open("/dev/null", O_RDWR);
	CHECK(dn >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, dn, &ev) == -1 && errno == EPERM);
	dir = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev) == -1 && errno == EPERM);
	close(dn);
	close(dir);

	/* EPOLLEXCLUSIVE: only on ADD, only with in/out bits, no epolls. */
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == -1 &&
	      errno == EINVAL);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1 &&
	      errno == EINVAL);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, e2, &ev) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	/* An exclusive item cannot be modified at all. */
	ev.events = EPOLLIN;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == -1 &&
	      errno == EINVAL);

	CHECK(epoll_wait(ep, out, 0, 0) == -1 && errno == EINVAL);
	CHECK(epoll_wait(ep, out, neg, 0) == -1 && errno == EINVAL);
	CHECK(epoll_wait(ep, out, neg & 0x7fffffff, 0) == -1 && errno == EINVAL);
	CHECK(epoll_wait(-1, out, 4, 0) == -1 && errno == EBADF);
	CHECK(epoll_wait(p[0], out, 4, 0) == -1 && errno == EINVAL);
	CHECK(epoll_wait(ep, out, 4, 0) == 0);
	/* A bad buffer faults only when there is something to store, and
	 * the event stays for the next call. */
	CHECK(epoll_wait(ep, bad, 4, 0) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(epoll_wait(ep, bad, 4, 0) == -1 && errno == EFAULT);
	CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN);

	/* An epoll reads and writes nothing. */
	CHECK(read(ep, out, sizeof(out)) == -1 && errno == EINVAL);
	CHECK(write(ep, "x", 1) == -1 && errno == EINVAL);

	close(p[0]);
	close(p[1]);
	close(ep);
	close(e2);
}

static void test_level_edge(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), p[2], q[2];
	char buf[8];

	CHECK(pipe(p) == 0 && pipe(q) == 0);
	CHECK(ep_add(ep, p[0], EPOLLIN, 0x1122334455667788ULL) == 0);
	CHECK(ep_add(ep, q[0], EPOLLIN | EPOLLET, 7) == 0);
	CHECK(wait1(ep, &ev) == 0);

	/* Level: reported while data is left. */
	CHECK(write(p[1], "ab", 2) == 2);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLIN &&
	      ev.data.u64 == 0x1122334455667788ULL);
	CHECK(wait1(ep, &ev) == 1 && ev.data.u64 == 0x1122334455667788ULL);
	CHECK(read(p[0], buf, 1) == 1);
	CHECK(wait1(ep, &ev) == 1);
	CHECK(read(p[0], buf, 1) == 1);
	CHECK(wait1(ep, &ev) == 0);

	/* Edge: once per write; a partial read brings no new event. */
	CHECK(write(q[1], "abc", 3) == 3);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLIN && ev.data.u64 == 7);
	CHECK(wait1(ep, &ev) == 0);
	CHECK(read(q[0], buf, 1) == 1);
	CHECK(wait1(ep, &ev) == 0);
	CHECK(write(q[1], "d", 1) == 1);
	CHECK(wait1(ep, &ev) == 1 && ev.data.u64 == 7);
	CHECK(wait1(ep, &ev) == 0);
	/* MOD re-evaluates: still readable, so reported again. */
	CHECK(ep_mod(ep, q[0], EPOLLIN | EPOLLET, 8) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.data.u64 == 8);
	CHECK(wait1(ep, &ev) == 0);
	CHECK(read(q[0], buf, sizeof(buf)) == 3);

	/* Interest in writing only: the read end never reports. */
	CHECK(ep_mod(ep, p[0], EPOLLOUT, 1) == 0);
	CHECK(write(p[1], "a", 1) == 1);
	CHECK(wait1(ep, &ev) == 0);
	/* The write end is writable at once. */
	CHECK(ep_add(ep, p[1], EPOLLOUT, 2) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLOUT &&
	      ev.data.u64 == 2);

	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(ep);
}

static void test_oneshot(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), p[2];

	CHECK(pipe(p) == 0);
	CHECK(ep_add(ep, p[0], EPOLLIN | EPOLLONESHOT, 5) == 0);
	CHECK(write(p[1], "a", 1) == 1);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLIN && ev.data.u64 == 5);
	/* Disabled: neither the data left nor new data report. */
	CHECK(wait1(ep, &ev) == 0);
	CHECK(write(p[1], "b", 1) == 1);
	CHECK(wait1(ep, &ev) == 0);
	/* Still in the set while disabled. */
	CHECK(ep_add(ep, p[0], EPOLLIN, 0) == -1 && errno == EEXIST);
	CHECK(ep_mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 6) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.data.u64 == 6);
	CHECK(wait1(ep, &ev) == 0);
	/* Even HUP is not reported while disabled. */
	close(p[1]);
	CHECK(wait1(ep, &ev) == 0);
	CHECK(ep_mod(ep, p[0], EPOLLIN, 9) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.events == (EPOLLIN | EPOLLHUP));
	close(p[0]);
	close(ep);
}

static void test_close_while_watched(void)
{
	struct epoll_event ev;
	int base = lowest_free_fd(), p[2], d, q[2];
	int ep = epoll_create1(0);

	CHECK(pipe(p) == 0);
	CHECK(ep_add(ep, p[0], EPOLLIN, 1) == 0);
	d = dup(p[0]);
	CHECK(d >= 0);
	/* The dup keeps the description, so the item stays. */
	CHECK(close(p[0]) == 0);
	CHECK(write(p[1], "a", 1) == 1);
	CHECK(wait1(ep, &ev) == 1 && ev.data.u64 == 1);
	/* Its fd is closed: the calls cannot name it any more. */
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 &&
	      errno == EBADF);
	/* Linux keys items by fd and description: the same description
	 * back at the same fd is the same item. */
	CHECK(dup2(d, p[0]) == p[0]);
	CHECK(ep_add(ep, p[0], EPOLLIN, 2) == -1 && errno == EEXIST);
	CHECK(ep_add(ep, d, EPOLLIN, 3) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL) == 0);
	CHECK(close(p[0]) == 0);
	/* The last fd goes: the item leaves by itself. */
	CHECK(close(d) == 0);
	CHECK(wait1(ep, &ev) == 0);
	/* A new description at the old fd is a new item. */
	CHECK(pipe(q) == 0);
	CHECK(q[0] == p[0]);
	CHECK(ep_add(ep, q[0], EPOLLIN, 4) == 0);
	CHECK(write(q[1], "b", 1) == 1);
	CHECK(wait1(ep, &ev) == 1 && ev.data.u64 == 4);
	/* Closing a ready item and the epoll with items in it. */
	close(q[0]);
	close(q[1]);
	CHECK(wait1(ep, &ev) == 0);
	CHECK(pipe(q) == 0);
	CHECK(ep_add(ep, q[0], EPOLLIN, 4) == 0);
	CHECK(ep_add(ep, q[1], EPOLLOUT, 4) == 0);
	close(ep);
	CHECK(write(q[1], "b", 1) == 1);
	close(q[0]);
	close(q[1]);
	close(p[1]);
	CHECK(lowest_free_fd() == base);
}

static void test_hup_err(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), p[2];

	CHECK(pipe(p) == 0);
	/* Interest in nothing still reports ERR and HUP. */
	CHECK(ep_add(ep, p[0], 0, 1) == 0);
	CHECK(ep_add(ep, p[1], 0, 2) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
	CHECK(write(p[1], "a", 1) == 1);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
	CHECK(ep_mod(ep, p[0], EPOLLIN | EPOLLRDHUP, 1) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLIN);
	/* Pipes report HUP, not RDHUP, when the writers are gone. */
	close(p[1]);
	CHECK(wait1(ep, &ev) == 1 && ev.events == (EPOLLIN | EPOLLHUP) &&
	      ev.data.u64 == 1);
	close(p[0]);
	CHECK(wait1(ep, &ev) == 0);

	CHECK(pipe(p) == 0);
	CHECK(ep_add(ep, p[1], EPOLLOUT | EPOLLET, 3) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLOUT);
	CHECK(wait1(ep, &ev) == 0);
	/* No readers: the write end has an error (an edge). */
	close(p[0]);
	CHECK(wait1(ep, &ev) == 1 && ev.events == (EPOLLOUT | EPOLLERR) &&
	      ev.data.u64 == 3);
	close(p[1]);
	close(ep);
}

static void test_nesting(void)
{
	struct epoll_event ev;
	int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
	int chain[7], i, rc;
	char c;

	CHECK(pipe(p) == 0);
	CHECK(ep_add(inner, p[0], EPOLLIN, 1) == 0);
	CHECK(ep_add(outer, inner, EPOLLIN, 2) == 0);
	CHECK(wait1(outer, &ev) == 0);
	CHECK(write(p[1], "a", 1) == 1);
	CHECK(epoll_wait(outer, &ev, 1, 1000) == 1 && ev.events == EPOLLIN &&
	      ev.data.u64 == 2);
	CHECK(wait1(inner, &ev) == 1 && ev.data.u64 == 1);
	CHECK(read(p[0], &c, 1) == 1);
	/* Nothing ready inside any more: the outer sees that too. */
	CHECK(wait1(outer, &ev) == 0);
	CHECK(wait1(inner, &ev) == 0);

	/* Loops. */
	CHECK(ep_add(inner, outer, EPOLLIN, 0) == -1 && errno == ELOOP);
	CHECK(ep_add(outer, inner, EPOLLIN, 0) == -1 && errno == EEXIST);

	/* Closing the inner epoll takes it out of the outer one. */
	close(inner);
	CHECK(write(p[1], "b", 1) == 1);
	CHECK(wait1(outer, &ev) == 0);

	/* Chains: five epolls deep is the limit, built either way. */
	for (i = 0; i < 7; i++)
		chain[i] = epoll_create1(0);
	for (i = 0; i < 5; i++) {
		rc = ep_add(chain[i + 1], chain[i], EPOLLIN, i);
		CHECK(i < 4 ? rc == 0 : rc == -1 && errno == ELOOP);
	}
	for (i = 0; i < 7; i++)
		close(chain[i]);
	for (i = 0; i < 7; i++)
		chain[i] = epoll_create1(0);
	for (i = 0; i < 5; i++) {
		rc = ep_add(chain[i], chain[i + 1], EPOLLIN, i);
		CHECK(i < 4 ? rc == 0 : rc == -1 && errno == ELOOP);
	}
	/* A cycle through three. */
	for (i = 0; i < 7; i++)
		close(chain[i]);
	for (i = 0; i < 3; i++)
		chain[i] = epoll_create1(0);
	CHECK(ep_add(chain[0], chain[1], EPOLLIN, 0) == 0);
	CHECK(ep_add(chain[1], chain[2], EPOLLIN, 0) == 0);
	CHECK(ep_add(chain[2], chain[0], EPOLLIN, 0) == -1 && errno == ELOOP);
	for (i = 0; i < 3; i++)
		close(chain[i]);

	close(p[0]);
	close(p[1]);
	close(outer);
}

static void test_timeouts(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), p[2];
	long long t0, dt;
	sigset_t mask;

	CHECK(pipe(p) == 0);
	CHECK(ep_add(ep, p[0], EPOLLIN, 0) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
	t0 = now_ms();
	CHECK(epoll_wait(ep, &ev, 1, 50) == 0);
	dt = now_ms() - t0;
	CHECK(dt >= 45 && dt < 5000);
	sigemptyset(&mask);
	t0 = now_ms();
	CHECK(epoll_pwait(ep, &ev, 1, 30, &mask) == 0);
	CHECK(now_ms() - t0 >= 25);
	CHECK(write(p[1], "a", 1) == 1);
	CHECK(epoll_pwait(ep, &ev, 1, -1, NULL) == 1);
	close(p[0]);
	close(p[1]);
	close(ep);
}

struct waker {
	int ep, fd, delay_ms, add;
};

static void *waker_main(void *arg)
{
	struct waker *w = arg;
	struct timespec ts = { 0, w->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	if (w->add)
		ep_add(w->ep, w->fd, EPOLLOUT, 42);
	else
		write(w->fd, "z", 1);
	return NULL;
}

static void test_threads(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), p[2];
	struct waker w;
	pthread_t t;

	CHECK(pipe(p) == 0);
	CHECK(ep_add(ep, p[0], EPOLLIN, 1) == 0);
	/* Data written by another thread wakes a waiter. */
	w = (struct waker){ ep, p[1], 30, 0 };
	CHECK(pthread_create(&t, NULL, waker_main, &w) == 0);
	CHECK(epoll_wait(ep, &ev, 1, -1) == 1 && ev.data.u64 == 1);
	pthread_join(t, NULL);
	/* So does a ready fd added by another thread. */
	w = (struct waker){ ep, p[1], 30, 1 };
	CHECK(ep_mod(ep, p[0], EPOLLIN | EPOLLET, 1) == 0);
	CHECK(wait1(ep, &ev) == 1);
	CHECK(pthread_create(&t, NULL, waker_main, &w) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 5000) == 1 && ev.data.u64 == 42 &&
	      ev.events == EPOLLOUT);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static long pwait2(int ep, struct epoll_event *ev, int max,
		   const struct timespec *ts, const sigset_t *mask)
{
	return syscall(SYS_epoll_pwait2, ep, ev, max, ts, mask, 8);
}

/* epoll_pwait2: the timeout is a timespec, checked before all else. */
static void test_pwait2(void)
{
	struct timespec zero = { 0, 0 }, ms30 = { 0, 30000000 };
	struct timespec five = { 5, 0 };
	struct timespec bad[] = { { 0, 1000000000 }, { -1, 0 }, { 0, -1 } };
	struct epoll_event ev;
	int ep = epoll_create1(0), p[2];
	struct waker w = { 0 };
	long long t0;
	sigset_t mask;
	pthread_t t;
	unsigned int i;

	CHECK(pipe(p) == 0);
	CHECK(ep_add(ep, p[0], EPOLLIN, 7) == 0);
	CHECK(pwait2(ep, &ev, 1, &zero, NULL) == 0);
	t0 = now_ms();
	CHECK(pwait2(ep, &ev, 1, &ms30, NULL) == 0);
	CHECK(now_ms() - t0 >= 25);
	sigemptyset(&mask);
	CHECK(pwait2(ep, &ev, 1, &ms30, &mask) == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(pwait2(ep, &ev, 1, &bad[i], NULL) == -1 &&
		      errno == EINVAL);
		CHECK(pwait2(-1, &ev, 0, &bad[i], NULL) == -1 &&
		      errno == EINVAL);
	}
	CHECK(pwait2(-1, &ev, 1, (void *)8, NULL) == -1 && errno == EFAULT);
	CHECK(pwait2(-1, &ev, 1, &zero, NULL) == -1 && errno == EBADF);
	CHECK(pwait2(ep, &ev, 0, &zero, NULL) == -1 && errno == EINVAL);
	CHECK(pwait2(p[0], &ev, 1, &zero, NULL) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_epoll_pwait2, ep, &ev, 1, &zero, &mask, 4) == -1 &&
	      errno == EINVAL);
	/* Woken before the timeout, and with none. */
	w = (struct waker){ ep, p[1], 30, 0 };
	CHECK(pthread_create(&t, NULL, waker_main, &w) == 0);
	CHECK(pwait2(ep, &ev, 1, &five, NULL) == 1 && ev.data.u64 == 7);
	pthread_join(t, NULL);
	CHECK(pwait2(ep, &ev, 1, NULL, NULL) == 1 && ev.data.u64 == 7);
	CHECK(pwait2(ep, &ev, 1, &zero, &mask) == 1);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_many(void)
{
	static int fds[MANY][2];
	struct epoll_event evs[64];
	int base = lowest_free_fd(), i, n, seen[MANY], total, ok = 1;
	int ep = epoll_create1(0);

	for (i = 0; i < MANY; i++) {
		if (pipe(fds[i]) || ep_add(ep, fds[i][0], EPOLLIN | EPOLLET,
					   i))
			ok = 0;
	}
	CHECK(ok);
	CHECK(epoll_wait(ep, evs, 64, 0) == 0);
	for (i = 0; i < MANY_READY; i++)
		CHECK(write(fds[i * 19][1], "x", 1) == 1);
	/* Fewer slots than ready items: the rest come next time. */
	memset(seen, 0, sizeof(seen));
	total = 0;
	while ((n = epoll_wait(ep, evs, 3, 0)) > 0) {
		CHECK(n <= 3);
		for (i = 0; i < n; i++) {
			seen[evs[i].data.u64]++;
			total++;
		}
	}
	CHECK(n == 0 && total == MANY_READY);
	for (i = 0; i < MANY_READY; i++)
		CHECK(seen[i * 19] == 1);
	/* Level-triggered, all of them in one call. */
	for (i = 0; i < MANY_READY; i++)
		CHECK(ep_mod(ep, fds[i * 19][0], EPOLLIN, i * 19) == 0);
	CHECK(epoll_wait(ep, evs, 64, 0) == MANY_READY);
	CHECK(epoll_wait(ep, evs, 3, 0) == 3);
	for (i = 0; i < MANY; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	CHECK(epoll_wait(ep, evs, 64, 0) == 0);
	close(ep);
	CHECK(lowest_free_fd() == base);
}

static void test_eventfd(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), efd = eventfd(0, EFD_NONBLOCK);
	uint64_t v = 3;

	CHECK(efd >= 0);
	CHECK(ep_add(ep, efd, EPOLLIN | EPOLLOUT | EPOLLET, 1) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLOUT);
	CHECK(wait1(ep, &ev) == 0);
	/* Each write is an edge, even with the counter already > 0. */
	CHECK(write(efd, &v, 8) == 8);
	CHECK(wait1(ep, &ev) == 1 && ev.events == (EPOLLIN | EPOLLOUT));
	CHECK(write(efd, &v, 8) == 8);
	CHECK(wait1(ep, &ev) == 1 && ev.events == (EPOLLIN | EPOLLOUT));
	CHECK(wait1(ep, &ev) == 0);
	CHECK(read(efd, &v, 8) == 8 && v == 6);
	/* Level-triggered: readable until read. */
	CHECK(ep_mod(ep, efd, EPOLLIN, 2) == 0);
	CHECK(wait1(ep, &ev) == 0);
	CHECK(eventfd_write(efd, 1) == 0);
	CHECK(wait1(ep, &ev) == 1 && ev.events == EPOLLIN);
	CHECK(wait1(ep, &ev) == 1);
	CHECK(eventfd_read(efd, &v) == 0 && v == 1);
	CHECK(wait1(ep, &ev) == 0);
	close(efd);
	close(ep);
}

#define CHURN_ROUNDS	2000

struct churn {
	int ep, stop;
};

/* Adds fresh pipes with data to the epoll and closes them again. */
static void *churner(void *arg)
{
	struct churn *c = arg;
	int i, p[2], bad = 0;

	for (i = 0; i < CHURN_ROUNDS; i++) {
		if (pipe(p) || ep_add(c->ep, p[0], EPOLLIN, 1) ||
		    write(p[1], "x", 1) != 1)
			bad++;
		if (i % 3 == 0)
			sched_yield();
		close(p[0]);
		close(p[1]);
	}
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	return (void *)(long)bad;
}

static void test_churn(void)
{
	int base = lowest_free_fd(), n, bad = 0;
	struct churn c = { epoll_create1(0), 0 };
	struct epoll_event evs[8];
	pthread_t t;
	void *rc;

	CHECK(pthread_create(&t, NULL, churner, &c) == 0);
	while (!__atomic_load_n(&c.stop, __ATOMIC_ACQUIRE)) {
		n = epoll_wait(c.ep, evs, 8, 1);
		if (n < 0 || n > 1)
			bad++;
		/* Amphi's scheduler is cooperative: let the churner go on
		 * while its pipe is still ready. */
		if (n > 0)
			sched_yield();
	}
	pthread_join(t, &rc);
	CHECK(rc == NULL);
	CHECK(bad == 0);
	CHECK(epoll_wait(c.ep, evs, 8, 0) == 0);
	close(c.ep);
	CHECK(lowest_free_fd() == base);
}

int main(void)
{
	struct stat st;
	int ep = epoll_create1(0);

	CHECK(fstat(ep, &st) == 0 && !S_ISREG(st.st_mode) &&
	      !S_ISFIFO(st.st_mode));
	close(ep);
	test_errors();
	test_level_edge();
	test_oneshot();
	test_close_while_watched();
	test_hup_err();
	test_nesting();
	test_timeouts();
	test_threads();
	test_pwait2();
	test_many();
	test_eventfd();
	test_churn();
	return posix_check_summary();
}
