/*
 * Corner cases of the fd calls, checked the same way on Linux and on
 * Amphi:
 *   - pread/pwrite/read/write with a buffer whose second half is not
 *     mapped: the partial count, the file changed only that far.
 *   - F_GETFL: the description's status flags, not the open-time ones
 *     (O_CREAT, O_EXCL, O_TRUNC, O_NOCTTY, O_CLOEXEC go; O_LARGEFILE is
 *     implied on 64-bit Linux).
 *   - fsync/fdatasync: fine on files and directories, EINVAL on pipes,
 *     sockets, devices and event files, EBADF on a closed fd.
 *   - poll on an fd that another thread closes while it waits: POLLNVAL
 *     when poll looks again (at its timeout), not a plain timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"

#define PG	4096

static char path[64];

/* Two pages, the second unmapped: a buffer that ends in a fault. */
static char *half_bad(void)
{
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(m + PG, PG);
	return m;
}

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_size : -1;
}

static void test_partial_io(void)
{
	char *m = half_bad(), buf[300];
	int fd, i;

	memset(m, 'a', PG);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	/* 100 good bytes, then the fault: 100 written. */
	CHECK(pwrite(fd, m + PG - 100, 200, 0) == 100);
	CHECK(size_of(fd) == 100);
	/* Nothing good at all: EFAULT, the file unchanged. */
	errno = 0;
	CHECK(pwrite(fd, m + PG, 200, 50) == -1 && errno == EFAULT);
	CHECK(size_of(fd) == 100);
	/* Over existing data: only the part before the fault changes. */
	memset(buf, 'z', sizeof(buf));
	CHECK(pwrite(fd, buf, sizeof(buf), 0) == sizeof(buf));
	memset(m, 'b', PG);
	CHECK(pwrite(fd, m + PG - 10, 100, 20) == 10);
	CHECK(pread(fd, buf, sizeof(buf), 0) == sizeof(buf));
	for (i = 0; i < 300; i++)
		if (buf[i] != ((i >= 20 && i < 30) ? 'b' : 'z'))
			break;
	CHECK(i == 300);
	/* Reads: the count up to the fault. */
	CHECK(pread(fd, m + PG - 100, 200, 0) == 100);
	CHECK(m[PG - 100] == 'z' && m[PG - 1] == 'z');
	CHECK(pread(fd, m + PG - 100, 200, 250) == 50);
	errno = 0;
	CHECK(pread(fd, m + PG, 200, 0) == -1 && errno == EFAULT);
	/* The same through the file position, which moves that far. */
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, m + PG - 40, 100) == 40);
	CHECK(lseek(fd, 0, SEEK_CUR) == 40);
	CHECK(write(fd, m + PG - 60, 100) == 60);
	CHECK(lseek(fd, 0, SEEK_CUR) == 100);
	close(fd);
	unlink(path);
	munmap(m, PG);
}

/* Linux's value for the architecture (glibc's O_LARGEFILE is 0 on
 * 64-bit builds). */
#if defined(__aarch64__)
#define LARGEFILE	0400000
#else
#define LARGEFILE	0100000
#endif

static void test_getfl(void)
{
	int fd, p[2];

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY |
		  O_CLOEXEC | O_APPEND, 0600);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) == (O_RDWR | O_APPEND | LARGEFILE));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW);
	CHECK(fcntl(fd, F_GETFL) ==
	      (O_WRONLY | O_NONBLOCK | O_NOFOLLOW | LARGEFILE));
	close(fd);
	fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(fcntl(fd, F_GETFL) == (O_DIRECTORY | LARGEFILE));
	close(fd);
	fd = open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fcntl(fd, F_GETFL) == (O_WRONLY | LARGEFILE));
	close(fd);
	/* pipe() makes no LARGEFILE descriptions. */
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_GETFL) == O_RDONLY);
	CHECK(fcntl(p[1], F_GETFL) == O_WRONLY);
	close(p[0]);
	close(p[1]);
	unlink(path);
}

/* 0 if fsync and fdatasync both succeed on fd, else both's errno
 * (-1 if they disagree). */
static int sync_errno(int fd)
{
	int e1, e2;

	errno = 0;
	e1 = fsync(fd) ? errno : 0;
	errno = 0;
	e2 = fdatasync(fd) ? errno : 0;
	return e1 == e2 ? e1 : -1;
}

static void test_fsync(void)
{
	int fd, p[2], sv[2];

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(sync_errno(fd) == 0);
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK(sync_errno(fd) == 0);
	close(fd);
	fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(sync_errno(fd) == 0);
	close(fd);
	CHECK(pipe(p) == 0);
	CHECK(sync_errno(p[0]) == EINVAL);
	CHECK(sync_errno(p[1]) == EINVAL);
	close(p[0]);
	close(p[1]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(sync_errno(sv[0]) == EINVAL);
	close(sv[0]);
	close(sv[1]);
	fd = open("/dev/null", O_RDWR);
	CHECK(sync_errno(fd) == EINVAL);
	close(fd);
	fd = eventfd(0, 0);
	CHECK(sync_errno(fd) == EINVAL);
	close(fd);
	CHECK(sync_errno(fd) == EBADF);
	unlink(path);
}

static void *close_later(void *arg)
{
	usleep(50000);
	close(*(int *)arg);
	return NULL;
}

static void test_poll_closed(void)
{
	struct pollfd pfd;
	pthread_t t;
	int p[2];

	CHECK(pipe(p) == 0);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	CHECK(pthread_create(&t, NULL, close_later, &p[0]) == 0);
	CHECK(poll(&pfd, 1, 300) == 1);
	CHECK(pfd.revents == POLLNVAL);
	pthread_join(t, NULL);
	close(p[1]);
}

int main(void)
{
	mkdir("/tmp", 0777);	/* Amphi's root starts empty */
	snprintf(path, sizeof(path), "/tmp/fd-edges-%d", (int)getpid());
	test_partial_io();
	test_getfl();
	test_fsync();
	test_poll_closed();
	return posix_check_summary();
}
