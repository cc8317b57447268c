/*
 * Socket calls given bad memory, checked the same way on Linux and on
 * Amphi: each gets its error (or its partial result) and the kernel
 * keeps working, with nothing leaked.
 *   - sendmsg/recvmsg/readv/writev with more iovecs than fit on the
 *     kernel's stack and an unreadable iovec array (EFAULT), or a
 *     length over SSIZE_MAX (EINVAL), many times over.
 *   - SCM_RIGHTS received into a control buffer that cannot be written
 *     (unmapped, read-only, NULL): the byte arrives, no fd is installed,
 *     MSG_CTRUNC says so and the passed file is let go.
 *   - sendmsg with control data that cannot be read (NULL with a length,
 *     unmapped): EFAULT, nothing sent.
 *   - SO_RCVTIMEO/SO_SNDTIMEO of absurd lengths: no limit, not an
 *     immediate timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"
#include "../scm-rights.h"

#define NIOV	16

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

/* A pipe end passed over a pair of type and received into ctl (len
 * bytes): the byte comes, nothing is installed, the end is released. */
static void rights_into(int type, void *ctl, size_t len)
{
	struct msghdr m = { 0 };
	struct iovec iov;
	int sv[2], p[2], fd0;
	char c = 0, d;

	CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(send_fds(sv[0], 'r', &p[1], 1) == 1);
	close(p[1]);
	fd0 = lowest_free_fd();
	iov.iov_base = &c;
	iov.iov_len = 1;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = len;
	CHECK(recvmsg(sv[1], &m, MSG_DONTWAIT) == 1);
	CHECK(c == 'r');
	CHECK(m.msg_flags & MSG_CTRUNC);
	CHECK(m.msg_controllen == 0);
	CHECK(lowest_free_fd() == fd0);
	/* The passed write end is gone: the read end sees end of file. */
	CHECK(read(p[0], &d, 1) == 0);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

static void test_rights_unwritable(void)
{
	size_t len = CMSG_SPACE(sizeof(int));
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	unsigned int i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		rights_into(types[i], unmapped_page(), len);
		rights_into(types[i], ro, len);
		rights_into(types[i], NULL, len);
	}
	munmap(ro, 4096);
}

static void test_send_bad_control(void)
{
	struct iovec iov = { "x", 1 };
	struct msghdr m = { 0 };
	int sv[2];
	char c;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_controllen = 64;
	/* The system call: a C library may copy the control data in user
	 * space first (musl does), which faults in the app instead. */
	errno = 0;
	CHECK(syscall(SYS_sendmsg, sv[0], &m, 0) == -1 && errno == EFAULT);
	m.msg_control = unmapped_page();
	errno = 0;
	CHECK(syscall(SYS_sendmsg, sv[0], &m, 0) == -1 && errno == EFAULT);
	/* A pointer with no length is no control data at all. */
	m.msg_controllen = 0;
	CHECK(sendmsg(sv[0], &m, 0) == 1);
	CHECK(recv(sv[1], &c, 1, MSG_DONTWAIT) == 1 && c == 'x');
	/* Nothing else was sent. */
	errno = 0;
	CHECK(recv(sv[1], &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

static void *send_later(void *arg)
{
	usleep(100000);
	send(*(int *)arg, "t", 1, 0);
	return NULL;
}

static void test_huge_timeouts(void)
{
	struct timeval tv = { LONG_MAX, 0 }, got;
	socklen_t len = sizeof(got);
	pthread_t t;
	int sv[2];
	char c = 0;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv,
			 sizeof(tv)) == 0);
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv,
			 sizeof(tv)) == 0);
	/* As Linux: no limit, shown as 0. */
	CHECK(getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0);
	CHECK(got.tv_sec == 0 && got.tv_usec == 0);
	tv.tv_sec = LONG_MAX / 1000;
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv,
			 sizeof(tv)) == 0);
	/* The receive waits for the data instead of timing out at once. */
	CHECK(pthread_create(&t, NULL, send_later, &sv[0]) == 0);
	CHECK(recv(sv[1], &c, 1, 0) == 1 && c == 't');
	pthread_join(t, NULL);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	test_bad_iov_arrays();
	test_rights_unwritable();
	test_send_bad_control();
	test_huge_timeouts();
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
