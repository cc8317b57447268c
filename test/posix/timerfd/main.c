/*
 * timerfd checked the same way on Linux and on Amphi: one-shot and
 * periodic timers (expiries a slow reader missed are counted), absolute
 * times on CLOCK_REALTIME and CLOCK_MONOTONIC, disarming, gettime,
 * nonblocking reads, poll and epoll wake-ups, a blocking read, and bad
 * input. Timing is asserted as ordering and lower bounds only.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define MS	1000000L

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct itimerspec its(long value_ns, long interval_ns)
{
	struct itimerspec it;

	it.it_value.tv_sec = value_ns / 1000000000L;
	it.it_value.tv_nsec = value_ns % 1000000000L;
	it.it_interval.tv_sec = interval_ns / 1000000000L;
	it.it_interval.tv_nsec = interval_ns % 1000000000L;
	return it;
}

static void test_one_shot(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec it = its(20 * MS, 0), cur;
	long long t0;
	uint64_t n = 0;

	CHECK(fd >= 0);
	CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	CHECK(!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	/* A new timer is disarmed. */
	CHECK(timerfd_gettime(fd, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
	CHECK(timerfd_gettime(fd, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_value.tv_nsec <= 20 * MS);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0);
	/* Blocks until it expires, once. */
	CHECK(read(fd, &n, sizeof(n)) == sizeof(n));
	CHECK(n == 1);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS);
	/* Expired one-shot: nothing left. */
	CHECK(timerfd_gettime(fd, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	/* A buffer under 8 bytes. */
	CHECK(read(fd, &n, 4) == -1 && errno == EINVAL);
	CHECK(close(fd) == 0);
}

static void test_periodic(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec it = its(10 * MS, 10 * MS), cur, old;
	uint64_t n = 0, total = 0;
	long long t0;

	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(read(fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
	/* A slow reader gets every expiry it missed in one count. */
	msleep(55);
	CHECK(read(fd, &n, sizeof(n)) == sizeof(n));
	CHECK(n >= 5);
	CHECK((long long)n <= (now_ns(CLOCK_MONOTONIC) - t0) / (10 * MS));
	total = n;
	CHECK(read(fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	CHECK(timerfd_gettime(fd, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 0 &&
	      cur.it_interval.tv_nsec == 10 * MS);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_value.tv_nsec <= 10 * MS);
	msleep(25);
	/* Disarm: the old setting comes back, the count is dropped. */
	it = its(0, 0);
	CHECK(timerfd_settime(fd, 0, &it, &old) == 0);
	CHECK(old.it_interval.tv_nsec == 10 * MS);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 10 * MS);
	CHECK(read(fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	msleep(25);
	CHECK(read(fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	CHECK(timerfd_gettime(fd, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 &&
	      cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0);
	CHECK(total >= 5);
	CHECK(close(fd) == 0);
}

static void test_absolute(void)
{
	clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
			       CLOCK_BOOTTIME };
	struct itimerspec it;
	uint64_t n;
	ssize_t got;
	unsigned int i;

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		int fd = timerfd_create(clocks[i], 0);
		long long at = now_ns(clocks[i]) + 20 * MS;

		CHECK(fd >= 0);
		it = its(0, 0);
		it.it_value.tv_sec = at / 1000000000LL;
		it.it_value.tv_nsec = at % 1000000000LL;
		CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &it, NULL) == 0);
		n = 0;
		CHECK(read(fd, &n, sizeof(n)) == sizeof(n) && n == 1);
		CHECK(now_ns(clocks[i]) >= at);
		/* A time in the past expires at once. */
		it.it_value.tv_sec = 1;
		it.it_value.tv_nsec = 0;
		CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &it, NULL) == 0);
		n = 0;
		CHECK(read(fd, &n, sizeof(n)) == sizeof(n) && n == 1);
		close(fd);
	}
	/* Accepted on a realtime clock; no one sets the clock here. */
	{
		int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
		long long at = now_ns(CLOCK_REALTIME) + 10 * MS;

		it = its(0, 0);
		it.it_value.tv_sec = at / 1000000000LL;
		it.it_value.tv_nsec = at % 1000000000LL;
		CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME |
				      TFD_TIMER_CANCEL_ON_SET, &it, NULL) == 0);
		msleep(30);
		n = 0;
		got = read(fd, &n, sizeof(n));
		/* ECANCELED: the host's clock was stepped meanwhile (Linux,
		 * as the reference on a machine that keeps its time). */
		CHECK((got == sizeof(n) && n == 1) ||
		      (got < 0 && errno == ECANCELED));
		if (got < 0 && errno != ECANCELED)
			printf("realtime timerfd read: %s\n", strerror(errno));
		close(fd);
	}
}

static void test_poll_epoll(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out;
	struct itimerspec it = its(20 * MS, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long t0;
	uint64_t n;

	CHECK(fd >= 0 && ep >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK(poll(&pfd, 1, 0) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
	memset(&out, 0, sizeof(out));
	CHECK(epoll_wait(ep, &out, 1, 5000) == 1);
	CHECK(out.events == EPOLLIN && out.data.u64 == 42);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 20 * MS);
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
	CHECK(read(fd, &n, sizeof(n)) == sizeof(n) && n == 1);
	/* Read: no longer ready. */
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	CHECK(poll(&pfd, 1, 0) == 0);
	/* poll wakes up too. */
	CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
	CHECK(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN);
	close(ep);
	close(fd);
}

static void test_errors(void)
{
	struct itimerspec it = its(MS, 0), cur;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0), pfd[2];
	int free_fd;

	CHECK(fd >= 0);
	CHECK(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0) == -1 &&
	      errno == EINVAL);
	CHECK(timerfd_create(42, 0) == -1 && errno == EINVAL);
	CHECK(timerfd_create(-1, 0) == -1 && errno == EINVAL);
	CHECK(timerfd_create(CLOCK_MONOTONIC, 1) == -1 && errno == EINVAL);
	CHECK(timerfd_create(CLOCK_MONOTONIC, O_RDWR) == -1 &&
	      errno == EINVAL);
	CHECK(timerfd_settime(fd, 4, &it, NULL) == -1 && errno == EINVAL);
	it.it_value.tv_nsec = 1000000000L;
	CHECK(timerfd_settime(fd, 0, &it, NULL) == -1 && errno == EINVAL);
	it.it_value.tv_nsec = -1;
	CHECK(timerfd_settime(fd, 0, &it, NULL) == -1 && errno == EINVAL);
	it = its(MS, 0);
	it.it_interval.tv_nsec = 1000000000L;
	CHECK(timerfd_settime(fd, 0, &it, NULL) == -1 && errno == EINVAL);
	it = its(MS, 0);
	CHECK(syscall(SYS_timerfd_settime, fd, 0, (void *)8, NULL) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_timerfd_gettime, fd, (void *)8) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_timerfd_settime, fd, 0, &it, (void *)8) == -1 &&
	      errno == EFAULT);
	CHECK(timerfd_gettime(fd, &cur) == 0);
	CHECK(timerfd_settime(-1, 0, &it, NULL) == -1 && errno == EBADF);
	CHECK(timerfd_settime(999, 0, &it, NULL) == -1 && errno == EBADF);
	CHECK(timerfd_gettime(-1, &cur) == -1 && errno == EBADF);
	CHECK(pipe(pfd) == 0);
	CHECK(timerfd_settime(pfd[0], 0, &it, NULL) == -1 && errno == EINVAL);
	CHECK(timerfd_gettime(pfd[0], &cur) == -1 && errno == EINVAL);
	close(pfd[0]);
	close(pfd[1]);
	/* Writing is not a thing a timerfd does. */
	CHECK(write(fd, &cur, 8) == -1 && errno == EINVAL);
	close(fd);

	/* Many timers, armed, closed: none is left behind. */
	free_fd = lowest_free_fd();
	for (int i = 0; i < 2000; i++) {
		fd = timerfd_create(CLOCK_MONOTONIC, 0);
		if (fd < 0) {
			CHECK(fd >= 0);
			break;
		}
		it = its(1000L * MS, MS);
		CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
		close(fd);
	}
	CHECK(lowest_free_fd() == free_fd);
}

int main(void)
{
	test_one_shot();
	test_periodic();
	test_absolute();
	test_poll_epoll();
	test_errors();
	return posix_check_summary();
}
