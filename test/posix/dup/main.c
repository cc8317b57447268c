/*
 * dup, dup2, dup3, fcntl F_DUPFD and close_range as apps use them,
 * checked the same way on Linux and on Amphi: dups share the offset and
 * status flags of one open file description, FD_CLOEXEC belongs to each
 * fd, new fds take the lowest free number (also after closing 0, 1 and
 * 2), and bad fds and flags give the errors Linux gives.
 *
 * Output goes through write(2) on fds 1 and 2 (no stdio buffering), so
 * that Linux and Amphi print the same in the same order while stdout is
 * closed and reopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

static char path[64];

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		posix_checks_failed++;
}

/* Nonzero if fd is open. */
static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void test_shared_description(void)
{
	char buf[16];
	int fd, d, other;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	d = dup(fd);
	CHECK(d > fd);

	/* One offset for both fds. */
	CHECK(lseek(fd, 2, SEEK_SET) == 2);
	CHECK(read(d, buf, 3) == 3 && memcmp(buf, "234", 3) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 5);
	CHECK(read(fd, buf, 2) == 2 && memcmp(buf, "56", 2) == 0);
	CHECK(lseek(d, 0, SEEK_CUR) == 7);

	/* Another open has its own. */
	other = open(path, O_RDONLY);
	CHECK(other >= 0);
	CHECK(read(other, buf, 3) == 3 && memcmp(buf, "012", 3) == 0);
	CHECK(lseek(d, 0, SEEK_CUR) == 7);

	/* Status flags are the description's: shared... */
	CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0);
	CHECK(fcntl(d, F_GETFL) & O_APPEND);
	CHECK(!(fcntl(other, F_GETFL) & O_APPEND));
	CHECK(write(d, "X", 1) == 1);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);
	/* ...FD_CLOEXEC is the fd's: not shared. */
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(d, F_GETFD) == 0);

	/* Closing one fd leaves the description to the other. */
	CHECK(close(fd) == 0);
	CHECK(lseek(d, 0, SEEK_SET) == 0);
	CHECK(read(d, buf, 11) == 11 && memcmp(buf, "0123456789X", 11) == 0);
	CHECK(close(d) == 0);
	CHECK(close(other) == 0);
}

static void test_dup2_dup3(void)
{
	int fd, fds[2];
	char c;

	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0);

	/* dup2 onto itself: nothing happens, the fd comes back. */
	CHECK(dup2(fd, fd) == fd);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	/* dup3 onto itself is an error; so are unknown flags. */
	CHECK(dup3(fd, fd, 0) == -1 && errno == EINVAL);
	/* The system call (musl's dup3 without O_CLOEXEC is dup2). */
	CHECK(syscall(SYS_dup3, fd, fd + 1, O_NONBLOCK) == -1 && errno == EINVAL);
	CHECK(!is_open(fd + 1));

	/* The copy has FD_CLOEXEC clear (dup2) or as asked (dup3). */
	CHECK(dup2(fd, 40) == 40);
	CHECK(fcntl(40, F_GETFD) == 0);
	CHECK(dup3(fd, 41, O_CLOEXEC) == 41);
	CHECK(fcntl(41, F_GETFD) == FD_CLOEXEC);

	/* dup2 onto an open fd closes what was there: here a pipe's only
	 * write end, so its reader sees end of file. */
	CHECK(pipe(fds) == 0);
	CHECK(dup2(fd, fds[1]) == fds[1]);
	CHECK(read(fds[0], &c, 1) == 0);
	CHECK(read(fds[1], &c, 1) == 1 && c == '0');
	close(fds[0]);
	close(fds[1]);
	close(40);
	close(41);
	close(fd);
}

static void test_f_dupfd(void)
{
	int fd, a, b;

	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	a = fcntl(fd, F_DUPFD, 30);
	CHECK(a == 30);
	b = fcntl(fd, F_DUPFD, 30);
	CHECK(b == 31);
	CHECK(fcntl(a, F_GETFD) == 0);
	close(a);
	/* The lowest free fd at or above the minimum: 30 again. */
	a = fcntl(fd, F_DUPFD_CLOEXEC, 30);
	CHECK(a == 30);
	CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC);
	/* Below the minimum, a free fd is left alone. */
	CHECK(fcntl(fd, F_DUPFD, 0) == fd + 1);
	CHECK(fcntl(fd, F_DUPFD, -1) == -1 && errno == EINVAL);
	close(fd + 1);
	close(a);
	close(b);
	close(fd);
}

static void test_ebadf(void)
{
	char c;

	CHECK(dup(-1) == -1 && errno == EBADF);
	CHECK(dup(999) == -1 && errno == EBADF);
	CHECK(dup2(999, 5) == -1 && errno == EBADF);
	CHECK(!is_open(5));
	CHECK(dup2(1, -1) == -1 && errno == EBADF);
	CHECK(dup2(1, INT_MAX) == -1 && errno == EBADF);
	CHECK(dup3(999, 5, 0) == -1 && errno == EBADF);
	CHECK(close(-1) == -1 && errno == EBADF);
	CHECK(close(999) == -1 && errno == EBADF);
	CHECK(fcntl(999, F_GETFD) == -1 && errno == EBADF);
	CHECK(fcntl(999, F_DUPFD, 0) == -1 && errno == EBADF);
	CHECK(read(999, &c, 1) == -1 && errno == EBADF);
	CHECK(write(999, &c, 1) == -1 && errno == EBADF);
}

/* Not every C library has a close_range() wrapper (musl 1.2.3 has
 * none): the system call itself. */
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif
#define close_range(first, last, flags)				\
	((int)syscall(SYS_close_range, (first), (last), (flags)))

static void test_close_range(void)
{
	int fd, i;

	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	for (i = 50; i < 55; i++)
		CHECK(dup2(fd, i) == i);
	CHECK(close_range(51, 53, 0) == 0);
	CHECK(is_open(50) && !is_open(51) && !is_open(52) && !is_open(53));
	CHECK(is_open(54));
	CHECK(close_range(50, 54, CLOSE_RANGE_CLOEXEC) == 0);
	CHECK(fcntl(50, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(54, F_GETFD) == FD_CLOEXEC);
	CHECK(close_range(54, 50, 0) == -1 && errno == EINVAL);
	CHECK(close_range(50, 54, 1 << 20) == -1 && errno == EINVAL);
	/* Up to the largest fd, open or not. */
	CHECK(close_range(50, ~0U, 0) == 0);
	CHECK(!is_open(50) && !is_open(54));
	CHECK(is_open(fd));
	close(fd);
}

/* Closes 0, 1 and 2 in turn; the next new fd takes the freed number. */
static void test_std_fds(void)
{
	char buf[32];
	int saved, fds[2], fd;

	say(1, "stdout: before closing fd 0\n");
	CHECK(close(0) == 0);
	CHECK(read(0, buf, 1) == -1 && errno == EBADF);
	CHECK(pipe(fds) == 0);
	CHECK(fds[0] == 0);
	CHECK(write(fds[1], "in", 2) == 2);
	CHECK(read(0, buf, 2) == 2 && memcmp(buf, "in", 2) == 0);
	close(fds[1]);

	saved = dup(1);
	CHECK(saved > 2);
	say(2, "stderr: closing stdout\n");
	CHECK(close(1) == 0);
	CHECK(write(1, "lost", 4) == -1 && errno == EBADF);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd == 1);
	say(1, "into the file\n");
	say(2, "stderr: stdout is a file\n");
	CHECK(dup2(saved, 1) == 1);
	close(saved);
	say(1, "stdout: back\n");
	fd = open(path, O_RDONLY);
	CHECK(read(fd, buf, sizeof(buf)) == 14);
	CHECK(memcmp(buf, "into the file\n", 14) == 0);
	close(fd);

	saved = dup(2);
	CHECK(close(2) == 0);
	CHECK(write(2, "lost", 4) == -1 && errno == EBADF);
	CHECK(dup(saved) == 2);
	close(saved);
	say(2, "stderr: back\n");
}

int main(void)
{
	mkdir("/tmp", 0777);
	snprintf(path, sizeof(path), "/tmp/amphi-dup-%d", (int)getpid());
	test_std_fds();
	test_shared_description();
	test_dup2_dup3();
	test_f_dupfd();
	test_ebadf();
	test_close_range();
	CHECK(unlink(path) == 0);
	return posix_check_summary();
}
