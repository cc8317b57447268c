/*
 * eventfd as apps use it, checked the same way on Linux and on Amphi:
 * counter and semaphore modes, non-blocking EAGAIN at zero and at the
 * top, a blocking read woken by another thread, a writer blocked on a
 * full counter woken by a read, sizes and values that are EINVAL, flags,
 * poll states, fstat and fcntl, and the eventfd_read/write helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

#define TOP		0xfffffffffffffffeULL
#define ROUNDS		2000

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

static int put(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static void test_counter(void)
{
	uint64_t v = 0;
	int fd = eventfd(5, EFD_NONBLOCK);

	CHECK(fd >= 0);
	CHECK(read(fd, &v, sizeof(v)) == 8 && v == 5);
	CHECK(read(fd, &v, sizeof(v)) == -1 && errno == EAGAIN);
	CHECK(put(fd, 2) == 0 && put(fd, 40) == 0);
	/* A bigger buffer still moves 8 bytes. */
	{
		char big[16];

		memset(big, 0x55, sizeof(big));
		CHECK(read(fd, big, sizeof(big)) == 8);
		memcpy(&v, big, 8);
		CHECK(v == 42 && (unsigned char)big[8] == 0x55);
	}
	/* Writing zero succeeds and changes nothing. */
	CHECK(put(fd, 0) == 0);
	CHECK(read(fd, &v, sizeof(v)) == -1 && errno == EAGAIN);
	close(fd);
}

static void test_semaphore(void)
{
	uint64_t v;
	int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK), i;

	CHECK(fd >= 0);
	for (i = 0; i < 3; i++) {
		v = 0;
		CHECK(read(fd, &v, sizeof(v)) == 8 && v == 1);
	}
	CHECK(read(fd, &v, sizeof(v)) == -1 && errno == EAGAIN);
	CHECK(put(fd, 2) == 0);
	CHECK(revents(fd) == (POLLIN | POLLOUT));
	CHECK(read(fd, &v, sizeof(v)) == 8 && v == 1);
	CHECK(read(fd, &v, sizeof(v)) == 8 && v == 1);
	CHECK(revents(fd) == POLLOUT);
	close(fd);
}

static void test_limits(void)
{
	uint64_t v;
	char small[7];
	int fd = eventfd(0, EFD_NONBLOCK);

	CHECK(fd >= 0);
	CHECK(read(fd, small, sizeof(small)) == -1 && errno == EINVAL);
	CHECK(write(fd, small, sizeof(small)) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(put(fd, 0xffffffffffffffffULL) == -1 && errno == EINVAL);
	/* Up to the top: full, no POLLOUT. */
	CHECK(put(fd, TOP - 1) == 0);
	CHECK(revents(fd) == (POLLIN | POLLOUT));
	CHECK(put(fd, 1) == 0);
	CHECK(revents(fd) == POLLIN);
	errno = 0;
	CHECK(put(fd, 1) == -1 && errno == EAGAIN);
	/* Zero always fits. */
	CHECK(put(fd, 0) == 0);
	CHECK(read(fd, &v, sizeof(v)) == 8 && v == TOP);
	CHECK(revents(fd) == POLLOUT);
	/* One write can fill it whole. */
	CHECK(put(fd, TOP) == 0);
	errno = 0;
	CHECK(put(fd, 1) == -1 && errno == EAGAIN);
	close(fd);
}

static void test_flags_and_stat(void)
{
	struct stat st;
	int fd, fl;

	errno = 0;
	CHECK(eventfd(0, 0x10) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(eventfd(0, O_RDWR) == -1 && errno == EINVAL);

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	fl = fcntl(fd, F_GETFL);
	CHECK((fl & O_ACCMODE) == O_RDWR && (fl & O_NONBLOCK));
	CHECK(fstat(fd, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	CHECK(!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	      !S_ISDIR(st.st_mode) && !S_ISSOCK(st.st_mode));
	close(fd);

	fd = eventfd(0, 0);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) == 0);
	CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	/* O_NONBLOCK set later applies as well. */
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	{
		uint64_t v;

		CHECK(read(fd, &v, sizeof(v)) == -1 && errno == EAGAIN);
	}
	close(fd);
}

static void test_helpers(void)
{
	eventfd_t v = 0;
	int fd = eventfd(0, EFD_NONBLOCK);

	CHECK(fd >= 0);
	CHECK(eventfd_write(fd, 7) == 0);
	CHECK(eventfd_write(fd, 8) == 0);
	CHECK(eventfd_read(fd, &v) == 0 && v == 15);
	CHECK(eventfd_read(fd, &v) == -1 && errno == EAGAIN);
	CHECK(eventfd_write(fd, 0xffffffffffffffffULL) == -1 &&
	      errno == EINVAL);
	close(fd);
	CHECK(eventfd_read(fd, &v) == -1 && errno == EBADF);
}

struct late {
	int fd;
	uint64_t value;
};

static void *write_late(void *arg)
{
	struct late *l = arg;

	usleep(20000);
	return (void *)(long)put(l->fd, l->value);
}

static void *read_late(void *arg)
{
	struct late *l = arg;
	uint64_t v;

	usleep(20000);
	if (read(l->fd, &v, sizeof(v)) != 8)
		return (void *)1;
	l->value = v;
	return NULL;
}

static void test_blocking(void)
{
	struct late l;
	pthread_t t;
	uint64_t v = 0;
	void *res;
	int fd = eventfd(0, 0);

	CHECK(fd >= 0);
	/* A blocking read at zero waits for a writer. */
	l = (struct late){ fd, 9 };
	CHECK(pthread_create(&t, NULL, write_late, &l) == 0);
	CHECK(read(fd, &v, sizeof(v)) == 8 && v == 9);
	CHECK(pthread_join(t, &res) == 0 && res == NULL);

	/* A blocking write on a full counter waits for a reader. */
	CHECK(put(fd, TOP) == 0);
	l = (struct late){ fd, 0 };
	CHECK(pthread_create(&t, NULL, read_late, &l) == 0);
	CHECK(put(fd, 5) == 0);
	CHECK(pthread_join(t, &res) == 0 && res == NULL);
	CHECK(l.value == TOP);
	CHECK(read(fd, &v, sizeof(v)) == 8 && v == 5);
	close(fd);
}

/* Semaphore mode under contention: each post is taken exactly once. */
struct sem_args {
	int fd;
	int got;
};

static void *sem_taker(void *arg)
{
	struct sem_args *a = arg;
	uint64_t v;

	while (a->got < ROUNDS) {
		if (read(a->fd, &v, sizeof(v)) != 8 || v != 1)
			return (void *)1;
		a->got++;
	}
	return NULL;
}

static void test_semaphore_threads(void)
{
	struct sem_args a[2];
	pthread_t t[2];
	void *res;
	int fd = eventfd(0, EFD_SEMAPHORE), i, ok = 1;
	uint64_t v;

	CHECK(fd >= 0);
	for (i = 0; i < 2; i++) {
		a[i] = (struct sem_args){ fd, 0 };
		CHECK(pthread_create(&t[i], NULL, sem_taker, &a[i]) == 0);
	}
	for (i = 0; i < 2 * ROUNDS; i++)
		if (put(fd, 1) != 0)
			ok = 0;
	CHECK(ok);
	for (i = 0; i < 2; i++)
		CHECK(pthread_join(t[i], &res) == 0 && res == NULL);
	CHECK(a[0].got == ROUNDS && a[1].got == ROUNDS);
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	CHECK(read(fd, &v, sizeof(v)) == -1 && errno == EAGAIN);
	close(fd);
}

int main(void)
{
	int low = lowest_free_fd();

	test_counter();
	test_semaphore();
	test_limits();
	test_flags_and_stat();
	test_helpers();
	test_blocking();
	test_semaphore_threads();
	CHECK(lowest_free_fd() == low);
	return posix_check_summary();
}
