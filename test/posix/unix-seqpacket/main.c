/*
 * AF_UNIX SOCK_SEQPACKET, the same on Linux and on Amphi: record
 * boundaries, MSG_TRUNC (flag out and flag in), MSG_PEEK, empty records,
 * EMSGSIZE, a listener with accept, end of file and EPIPE after the peer
 * closes, and records between threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"

#define RECS	2000

static ssize_t recv_flags(int fd, void *buf, size_t len, int flags,
			  int *out_flags)
{
	struct iovec iov = { buf, len };
	struct msghdr m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	r = recvmsg(fd, &m, flags);
	*out_flags = m.msg_flags;
	return r;
}

static void test_records(void)
{
	static char big[300000];	/* too big for a metal stack */
	char buf[64];
	int sv[2], fl, v;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	CHECK(send(sv[0], "one", 3, 0) == 3);
	CHECK(send(sv[0], "two!", 4, MSG_EOR) == 4);
	CHECK(send(sv[0], "", 0, 0) == 0);
	CHECK(send(sv[0], "three-long", 10, 0) == 10);
	CHECK(ioctl(sv[1], FIONREAD, &v) == 0 && v == 17);
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 3);
	CHECK(recv_flags(sv[1], buf, sizeof(buf), 0, &fl) == 3 && fl == 0);
	CHECK(memcmp(buf, "one", 3) == 0);
	CHECK(recv_flags(sv[1], buf, 2, 0, &fl) == 2 && fl == MSG_TRUNC);
	CHECK(memcmp(buf, "tw", 2) == 0);
	CHECK(recv_flags(sv[1], buf, sizeof(buf), 0, &fl) == 0 && fl == 0);
	CHECK(recv_flags(sv[1], buf, 5, MSG_TRUNC, &fl) == 10 &&
	      fl == MSG_TRUNC);
	CHECK(memcmp(buf, "three", 5) == 0);
	errno = 0;
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	memset(big, 1, sizeof(big));
	errno = 0;
	CHECK(send(sv[0], big, sizeof(big), 0) == -1 && errno == EMSGSIZE);
	CHECK(send(sv[0], big, 100000, 0) == 100000);
	CHECK(recv(sv[1], big, sizeof(big), 0) == 100000);
	/* Peer close: queued records, then end of file; EPIPE. */
	CHECK(send(sv[1], "bye", 3, 0) == 3);
	close(sv[1]);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 3);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 0);
	errno = 0;
	CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(sv[0]);
}

static void test_listen(void)
{
	struct sockaddr_un a;
	socklen_t alen;
	int l, c, s, fl;
	char buf[16];
	struct pollfd p;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	/* An abstract name: no file. */
	/* Per process: the Linux runs of the test may overlap. */
	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
		 "amphi-seqpacket-%d", (int)getpid());
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(a.sun_path + 1);
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK(bind(l, (struct sockaddr *)&a, alen) == 0);
	CHECK(listen(l, 4) == 0);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	errno = 0;
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == ENOTCONN);
	errno = 0;
	CHECK(recv(c, buf, 1, 0) == -1 && errno == ENOTCONN);
	CHECK(connect(c, (struct sockaddr *)&a, alen) == 0);
	p.fd = l;
	p.events = POLLIN;
	CHECK(poll(&p, 1, 1000) == 1 && p.revents == POLLIN);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(send(c, "rec1", 4, 0) == 4);
	CHECK(send(c, "rec22", 5, 0) == 5);
	CHECK(recv_flags(s, buf, sizeof(buf), 0, &fl) == 4 && fl == 0);
	CHECK(recv_flags(s, buf, sizeof(buf), 0, &fl) == 5 && fl == 0);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0);
	close(c);
	close(s);
	/* The abstract name goes with its socket. */
	close(l);
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK(bind(l, (struct sockaddr *)&a, alen) == 0);
	close(l);
}

static void *sender(void *arg)
{
	int fd = *(int *)arg, i, n;
	char buf[200];

	for (i = 0; i < RECS; i++) {
		n = 1 + i % 190;
		memset(buf, i & 0xff, n);
		if (send(fd, buf, n, 0) != n)
			break;
	}
	close(fd);
	return NULL;
}

static void test_threads(void)
{
	int sv[2], i = 0, bad = 0;
	char buf[256];
	pthread_t t;
	ssize_t r;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	CHECK(pthread_create(&t, NULL, sender, &sv[0]) == 0);
	while ((r = recv(sv[1], buf, sizeof(buf), 0)) > 0) {
		if (r != 1 + i % 190 || buf[0] != (char)(i & 0xff) ||
		    buf[r - 1] != (char)(i & 0xff))
			bad++;
		i++;
	}
	pthread_join(t, NULL);
	CHECK(r == 0);
	CHECK(i == RECS);
	CHECK(bad == 0);
	close(sv[1]);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	test_records();
	test_listen();
	test_threads();
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
