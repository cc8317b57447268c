/*
 * AF_UNIX sockets in flight that nobody can receive any more are freed,
 * as Linux's garbage collector frees them; those that can still be
 * received are not. Checked the same way on Linux and on Amphi (the
 * kernel image has 64 MiB: without a collector the first part runs out
 * of memory).
 *   - 30,000 pairs whose end is sent into its own queue, then closed;
 *     10,000 times two pairs sent into each other's queues (a cycle).
 *   - a socket whose only reference is in a queue the app can still
 *     read survives collections and works once received.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../posix-check.h"
#include "../scm-rights.h"

static int recv_fd(int s)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { 0 };
	int fd = -1;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	if (recvmsg(s, &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

static void test_garbage(void)
{
	int i, sv[2], sw[2], bad = 0;

	for (i = 0; i < 30000; i++) {
		if (socketpair(AF_UNIX, i & 1 ? SOCK_DGRAM : SOCK_STREAM, 0,
			       sv) < 0) {
			bad++;
			break;
		}
		bad += send_fds(sv[0], 'x', &sv[1], 1) != 1;
		close(sv[0]);
		close(sv[1]);
	}
	CHECK(bad == 0);
	for (i = 0; i < 10000 && !bad; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sw) < 0) {
			bad++;
			break;
		}
		bad += send_fds(sv[0], 'x', &sw[1], 1) != 1;
		bad += send_fds(sw[0], 'x', &sv[1], 1) != 1;
		close(sv[0]);
		close(sv[1]);
		close(sw[0]);
		close(sw[1]);
	}
	CHECK(bad == 0);
}

static void test_reachable_survives(void)
{
	int sv[2], sw[2], i, a;
	char c = 0;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	/* sv[0] travels to sv[1]'s queue, and only lives there now. */
	CHECK(send_fds(sv[0], 'x', &sv[0], 1) == 1);
	close(sv[0]);
	/* Releases of other sockets run collections meanwhile. */
	for (i = 0; i < 100; i++) {
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sw) == 0);
		close(sw[0]);
		close(sw[1]);
	}
	a = recv_fd(sv[1]);
	CHECK(a >= 0);
	CHECK(write(a, "k", 1) == 1);
	CHECK(read(sv[1], &c, 1) == 1 && c == 'k');
	close(a);
	close(sv[1]);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	test_garbage();
	test_reachable_survives();
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
