/*
 * Socket calls given bad memory, checked the same way on Linux and on
 * Amphi: each gets its error (or its partial result) and the kernel
 * keeps working, with nothing leaked.
 *   - sendmsg/recvmsg/readv/writev with more iovecs than fit on the
 *     kernel's stack and an unreadable iovec array (EFAULT), or a
 *     length over SSIZE_MAX (EINVAL), many times over.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"

#define NIOV	16

/* The lowest free fd now (to see that nothing leaked). */
static int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD, 0);

	close(fd);
	return fd;
}

/* An address that is mapped nowhere: a page taken and given back. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 4096);
	return p;
}

static void test_bad_iov_arrays(void)
{
	static char buf[NIOV];
	struct iovec iov[NIOV];
	struct msghdr m = { 0 };
	void *bad = unmapped_page();
	int sv[2], i, round, efault = 0, einval = 0;
	char c;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	for (i = 0; i < NIOV; i++) {
		iov[i].iov_base = buf + i;
		iov[i].iov_len = 1;
	}
	/* Many rounds: a heap block freed twice would show by now. */
	for (round = 0; round < 200; round++) {
		m.msg_iov = bad;
		m.msg_iovlen = NIOV;
		errno = 0;
		efault += sendmsg(sv[0], &m, MSG_DONTWAIT) == -1 &&
			  errno == EFAULT;
		errno = 0;
		efault += recvmsg(sv[1], &m, MSG_DONTWAIT) == -1 &&
			  errno == EFAULT;
		errno = 0;
		efault += writev(sv[0], bad, NIOV) == -1 && errno == EFAULT;
		errno = 0;
		efault += readv(sv[1], bad, NIOV) == -1 && errno == EFAULT;

		/* Negative as a ssize_t. */
		iov[NIOV - 1].iov_len = (size_t)SSIZE_MAX + 1;
		m.msg_iov = iov;
		errno = 0;
		einval += sendmsg(sv[0], &m, MSG_DONTWAIT) == -1 &&
			  errno == EINVAL;
		errno = 0;
		einval += recvmsg(sv[1], &m, MSG_DONTWAIT) == -1 &&
			  errno == EINVAL;
		errno = 0;
		einval += writev(sv[0], iov, NIOV) == -1 && errno == EINVAL;
		errno = 0;
		einval += readv(sv[1], iov, NIOV) == -1 && errno == EINVAL;
		iov[NIOV - 1].iov_len = 1;
	}
	CHECK(efault == 4 * 200);
	CHECK(einval == 4 * 200);
	/* Still a working pair. */
	m.msg_iov = iov;
	m.msg_iovlen = NIOV;
	CHECK(sendmsg(sv[0], &m, 0) == NIOV);
	CHECK(read(sv[1], buf, NIOV) == NIOV);
	CHECK(send(sv[1], "k", 1, 0) == 1);
	CHECK(recv(sv[0], &c, 1, 0) == 1 && c == 'k');
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	test_bad_iov_arrays();
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
