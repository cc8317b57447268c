/*
 * UDP on 127.0.0.1 and ::1, checked the same way on Linux and on Amphi:
 * sendto/recvfrom with the sender's address, truncation (MSG_TRUNC in
 * msg_flags, and as a flag the datagram's full length), MSG_PEEK,
 * FIONREAD, empty datagrams, connect() (send without an address,
 * getpeername, AF_UNSPEC to disconnect), EDESTADDRREQ, EADDRINUSE,
 * EMSGSIZE, poll and epoll readiness, a 60000-byte datagram.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../posix-check.h"

#define WAIT_MS	5000

struct addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	};
	socklen_t len;
};

static int fam;

static void loopback(struct addr *a, int port)
{
	memset(a, 0, sizeof(*a));
	if (fam == AF_INET) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons(port);
		a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->len = sizeof(a->in);
	} else {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(port);
		a->in6.sin6_addr = in6addr_loopback;
		a->len = sizeof(a->in6);
	}
}

static short revents(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

/* A socket bound to a loopback port; *a gets its address. */
static int bound(struct addr *a)
{
	int fd = socket(fam, SOCK_DGRAM, 0);

	CHECK(fd >= 0);
	loopback(a, 0);
	CHECK(bind(fd, &a->sa, a->len) == 0);
	a->len = sizeof(a->ss);
	CHECK(getsockname(fd, &a->sa, &a->len) == 0);
	return fd;
}

static int same_addr(const struct addr *x, const struct addr *y)
{
	return x->len == y->len && !memcmp(&x->ss, &y->ss, x->len);
}

static void test_basic(void)
{
	struct addr a, b, from;
	char buf[200];
	int fa = bound(&a), fb = bound(&b), n = -1;

	CHECK(!(revents(fb, POLLIN, 0) & POLLIN));
	CHECK(revents(fb, POLLOUT, 0) == POLLOUT);
	CHECK(recv(fb, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	CHECK(sendto(fa, "first", 5, 0, &b.sa, b.len) == 5);
	CHECK(sendto(fa, "second!", 7, 0, &b.sa, b.len) == 7);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(ioctl(fb, FIONREAD, &n) == 0 && n == 5);
	from.len = sizeof(from.ss);
	CHECK(recvfrom(fb, buf, sizeof(buf), MSG_PEEK, &from.sa,
		       &from.len) == 5);
	CHECK(same_addr(&from, &a));
	from.len = sizeof(from.ss);
	CHECK(recvfrom(fb, buf, sizeof(buf), 0, &from.sa, &from.len) == 5 &&
	      !memcmp(buf, "first", 5));
	CHECK(same_addr(&from, &a));
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(fb, buf, sizeof(buf), 0) == 7 && !memcmp(buf, "second!", 7));
	/* An empty datagram is one. */
	CHECK(sendto(fa, "", 0, 0, &b.sa, b.len) == 0);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(fb, buf, sizeof(buf), 0) == 0);
	CHECK(recv(fb, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	/* The port is taken. */
	n = socket(fam, SOCK_DGRAM, 0);
	CHECK(bind(n, &b.sa, b.len) == -1 && errno == EADDRINUSE);
	close(n);
	close(fa);
	close(fb);
}

static void test_truncation(void)
{
	struct addr a, b;
	char big[100], buf[10];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fa = bound(&a), fb = bound(&b), i;

	for (i = 0; i < 100; i++)
		big[i] = (char)i;
	CHECK(sendto(fa, big, 100, 0, &b.sa, b.len) == 100);
	CHECK(sendto(fa, big, 100, 0, &b.sa, b.len) == 100);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recvmsg(fb, &m, 0) == 10 && (m.msg_flags & MSG_TRUNC));
	CHECK(!memcmp(buf, big, 10));
	/* The rest of a cut datagram is gone: the next read is the next. */
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(fb, buf, sizeof(buf), MSG_TRUNC) == 100);
	CHECK(recv(fb, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	close(fa);
	close(fb);
}

static void test_connected(void)
{
	struct addr a, b, peer, unspec = { .len = sizeof(struct sockaddr) };
	char buf[64];
	int fa = bound(&a), fb = bound(&b), fc;

	CHECK(send(fa, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
	peer.len = sizeof(peer.ss);
	CHECK(getpeername(fa, &peer.sa, &peer.len) == -1 &&
	      errno == ENOTCONN);
	CHECK(connect(fa, &b.sa, b.len) == 0);
	peer.len = sizeof(peer.ss);
	CHECK(getpeername(fa, &peer.sa, &peer.len) == 0 &&
	      same_addr(&peer, &b));
	CHECK(send(fa, "via connect", 11, 0) == 11);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(fb, buf, sizeof(buf), 0) == 11);
	/* A connected socket takes datagrams from its peer only. */
	CHECK(connect(fb, &a.sa, a.len) == 0);
	fc = bound(&peer);
	CHECK(sendto(fc, "stranger", 8, 0, &b.sa, b.len) == 8);
	CHECK(send(fa, "friend", 6, 0) == 6);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(fb, buf, sizeof(buf), 0) == 6 && !memcmp(buf, "friend", 6));
	CHECK(recv(fb, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	/* AF_UNSPEC disconnects. */
	unspec.ss.ss_family = AF_UNSPEC;
	CHECK(connect(fa, &unspec.sa, unspec.len) == 0);
	CHECK(send(fa, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
	close(fa);
	close(fb);
	close(fc);
}

static void test_sizes_epoll(void)
{
	static char big[70000], in[70000];
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	struct addr a, b;
	int fa = bound(&a), fb = bound(&b), ep = epoll_create1(0), i;

	for (i = 0; i < 60000; i++)
		big[i] = (char)(i * 13);
	CHECK(sendto(fa, big, 66000, 0, &b.sa, b.len) == -1 &&
	      errno == EMSGSIZE);
	ev.data.fd = fb;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fb, &ev) == 0);
	CHECK(epoll_wait(ep, out, 2, 0) == 0);
	CHECK(sendto(fa, big, 60000, 0, &b.sa, b.len) == 60000);
	CHECK(epoll_wait(ep, out, 2, WAIT_MS) == 1 &&
	      out[0].events == EPOLLIN);
	CHECK(recv(fb, in, sizeof(in), 0) == 60000 && !memcmp(in, big, 60000));
	CHECK(epoll_wait(ep, out, 2, 0) == 0);
	close(ep);
	close(fa);
	close(fb);
}

static void run(int family)
{
	fam = family;
	test_basic();
	test_truncation();
	test_connected();
	test_sizes_epoll();
}

int main(void)
{
	run(AF_INET);
	run(AF_INET6);
	return posix_check_summary();
}
