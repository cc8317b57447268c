/*
 * TCP on 127.0.0.1 and ::1, checked the same way on Linux and on Amphi:
 * connect/accept and the names of both ends, data with MSG_PEEK,
 * MSG_DONTWAIT and FIONREAD, half-close (shutdown(SHUT_WR), then the
 * reply), a reset when a socket closes with unread data (ECONNRESET,
 * then EOF, then EPIPE), EADDRINUSE, ECONNREFUSED (blocking and
 * non-blocking with SO_ERROR), a non-blocking connect (EINPROGRESS,
 * POLLOUT, SO_ERROR 0), poll and epoll readiness (listener, data,
 * EPOLLRDHUP), options, a dual-stack listener that sees an IPv4 client as
 * ::ffff:127.0.0.1, and 4 MiB between threads with a checksum.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef POLLRDHUP
#define POLLRDHUP	0x2000
#endif

#define BIG	(4 << 20)
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

static int fam;		/* the family under test */

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

static int port_of(const struct addr *a)
{
	return ntohs(fam == AF_INET ? a->in.sin_port : a->in6.sin6_port);
}

static short revents(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

/* A listener on loopback port 0; *a gets its address. */
static int listener(struct addr *a)
{
	int fd = socket(fam, SOCK_STREAM, 0), one = 1;

	CHECK(fd >= 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			 sizeof(one)) == 0);
	loopback(a, 0);
	CHECK(bind(fd, &a->sa, a->len) == 0);
	CHECK(listen(fd, 16) == 0);
	a->len = sizeof(a->ss);
	CHECK(getsockname(fd, &a->sa, &a->len) == 0);
	CHECK(port_of(a) != 0);
	return fd;
}

static int same_addr(const struct addr *x, const struct addr *y)
{
	return x->len == y->len && !memcmp(&x->ss, &y->ss, x->len);
}

/* A connected pair: *c the client, *s the accepted end. */
static void pair(int lfd, const struct addr *la, int *c, int *s)
{
	struct addr ca, sa, peer;

	*c = socket(fam, SOCK_STREAM, 0);
	CHECK(*c >= 0);
	CHECK(connect(*c, &la->sa, la->len) == 0);
	peer.len = sizeof(peer.ss);
	*s = accept(lfd, &peer.sa, &peer.len);
	CHECK(*s >= 0);
	ca.len = sizeof(ca.ss);
	CHECK(getsockname(*c, &ca.sa, &ca.len) == 0);
	CHECK(same_addr(&ca, &peer));
	sa.len = sizeof(sa.ss);
	CHECK(getpeername(*c, &sa.sa, &sa.len) == 0);
	CHECK(same_addr(&sa, la));
	sa.len = sizeof(sa.ss);
	CHECK(getsockname(*s, &sa.sa, &sa.len) == 0);
	CHECK(port_of(&sa) == port_of(la));
}

static void test_data(int lfd, const struct addr *la)
{
	char buf[64];
	int c, s, n = -1;

	pair(lfd, la, &c, &s);
	CHECK(recv(s, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	CHECK(!(revents(s, POLLIN, 0) & POLLIN));
	CHECK(revents(s, POLLOUT, 0) & POLLOUT);
	CHECK(send(c, "hello, world", 12, 0) == 12);
	CHECK(revents(s, POLLIN, WAIT_MS) & POLLIN);
	CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 12);
	CHECK(recv(s, buf, 5, MSG_PEEK) == 5 && !memcmp(buf, "hello", 5));
	CHECK(recv(s, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
	CHECK(read(s, buf, sizeof(buf)) == 7 && !memcmp(buf, ", world", 7));
	CHECK(recv(s, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	CHECK(write(s, "back", 4) == 4);
	CHECK(recv(c, buf, 4, MSG_WAITALL) == 4 && !memcmp(buf, "back", 4));
	close(c);
	close(s);
}

/* shutdown(SHUT_WR): the peer reads EOF and may still answer. */
static void test_half_close(int lfd, const struct addr *la)
{
	char buf[64];
	int c, s;

	pair(lfd, la, &c, &s);
	CHECK(send(c, "request", 7, 0) == 7);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(recv(s, buf, sizeof(buf), MSG_WAITALL) == 7);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0);
	CHECK(revents(s, POLLIN | POLLRDHUP, 0) & POLLRDHUP);
	CHECK(send(s, "reply", 5, 0) == 5);
	CHECK(recv(c, buf, 5, MSG_WAITALL) == 5 && !memcmp(buf, "reply", 5));
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(s);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	close(c);
}

/* Closing with unread data resets the connection. */
static void test_reset(int lfd, const struct addr *la)
{
	char buf[64];
	int c, s, err = -1;
	socklen_t len = sizeof(err);

	pair(lfd, la, &c, &s);
	CHECK(send(c, "unread", 6, 0) == 6);
	CHECK(revents(s, POLLIN, WAIT_MS) & POLLIN);
	close(s);
	CHECK(revents(c, POLLIN, WAIT_MS) & (POLLERR | POLLHUP));
	CHECK(recv(c, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	      err == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(c);
}

static int closed_port(void)
{
	struct addr a;
	int fd = socket(fam, SOCK_STREAM, 0), port;

	loopback(&a, 0);
	CHECK(bind(fd, &a.sa, a.len) == 0);
	a.len = sizeof(a.ss);
	CHECK(getsockname(fd, &a.sa, &a.len) == 0);
	port = port_of(&a);
	close(fd);
	return port;
}

static void test_errors(int lfd, const struct addr *la)
{
	struct addr a;
	int fd, err = -1, rc;
	socklen_t len = sizeof(err);

	/* The listener's port is taken. */
	fd = socket(fam, SOCK_STREAM, 0);
	CHECK(bind(fd, &la->sa, la->len) == -1 && errno == EADDRINUSE);
	close(fd);

	/* Nobody listens: refused, blocking and not. */
	loopback(&a, closed_port());
	fd = socket(fam, SOCK_STREAM, 0);
	CHECK(connect(fd, &a.sa, a.len) == -1 && errno == ECONNREFUSED);
	close(fd);
	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	rc = connect(fd, &a.sa, a.len);
	CHECK(rc == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
	if (rc == -1 && errno == EINPROGRESS) {
		CHECK(revents(fd, POLLOUT, WAIT_MS) & POLLERR);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		      err == ECONNREFUSED);
	}
	close(fd);

	/* Not connected. */
	fd = socket(fam, SOCK_STREAM, 0);
	CHECK(send(fd, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(recv(fd, &err, 1, 0) == -1 && errno == ENOTCONN);
	a.len = sizeof(a.ss);
	CHECK(getpeername(fd, &a.sa, &a.len) == -1 && errno == ENOTCONN);
	CHECK(shutdown(fd, SHUT_RDWR) == -1 && errno == ENOTCONN);
	CHECK(accept(fd, NULL, NULL) == -1 && errno == EINVAL);
	close(fd);
}

static void test_nonblocking_connect(int lfd, const struct addr *la)
{
	struct addr a;
	int c, s, err = -1, rc;
	socklen_t len = sizeof(err);

	c = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	rc = connect(c, &la->sa, la->len);
	CHECK(rc == 0 || (rc == -1 && errno == EINPROGRESS));
	CHECK(revents(c, POLLOUT, WAIT_MS) == POLLOUT);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	      err == 0);
	/* The first connect() after the background one tells its result. */
	if (rc == -1)
		CHECK(connect(c, &la->sa, la->len) == 0);
	CHECK(connect(c, &la->sa, la->len) == -1 && errno == EISCONN);
	/* The listener is readable once a connection waits. */
	CHECK(revents(lfd, POLLIN, WAIT_MS) == POLLIN);
	a.len = sizeof(a.ss);
	s = accept4(lfd, &a.sa, &a.len, SOCK_NONBLOCK);
	CHECK(s >= 0);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK(!(revents(lfd, POLLIN, 0) & POLLIN));
	close(c);
	close(s);
}

static void test_epoll(int lfd, const struct addr *la)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP }, out[4];
	int ep = epoll_create1(0), c, s, n;
	char buf[16];

	pair(lfd, la, &c, &s);
	ev.data.fd = s;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	CHECK(epoll_wait(ep, out, 4, 0) == 0);
	CHECK(send(c, "ping", 4, 0) == 4);
	n = epoll_wait(ep, out, 4, WAIT_MS);
	CHECK(n == 1 && out[0].data.fd == s && out[0].events == EPOLLIN);
	CHECK(recv(s, buf, sizeof(buf), 0) == 4);
	CHECK(epoll_wait(ep, out, 4, 0) == 0);
	CHECK(shutdown(c, SHUT_WR) == 0);
	n = epoll_wait(ep, out, 4, WAIT_MS);
	CHECK(n == 1 && out[0].events == (EPOLLIN | EPOLLRDHUP));
	close(ep);
	close(c);
	close(s);
}

static void test_options(void)
{
	int fd = socket(fam, SOCK_STREAM, 0), v = -1, one = 1;
	socklen_t len = sizeof(v);

	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	      v == SOCK_STREAM);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
	      v == IPPROTO_TCP);
	len = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 &&
	      v == 0);
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			 sizeof(one)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 &&
	      v == 1);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
			 sizeof(one)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &len) == 0 &&
	      v == 1);
	v = 65536;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 &&
	      v >= 65536);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, 9999, &one, sizeof(one)) == -1 &&
	      errno == ENOPROTOOPT);
	close(fd);
}

struct big {
	int fd;
	unsigned int sum;
};

static unsigned int checksum(unsigned int sum, const unsigned char *p,
			     size_t n)
{
	while (n--)
		sum = sum * 31 + *p++;
	return sum;
}

static void *big_sender(void *arg)
{
	static unsigned char buf[65536];
	struct big *b = arg;
	size_t done = 0, i;
	ssize_t n;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + (i >> 8));
	b->sum = 0;
	while (done < BIG) {
		n = send(b->fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		b->sum = checksum(b->sum, buf, (size_t)n);
		done += (size_t)n;
	}
	shutdown(b->fd, SHUT_WR);
	return NULL;
}

static void test_big(int lfd, const struct addr *la)
{
	static unsigned char buf[100000];
	struct big b;
	pthread_t t;
	unsigned int sum = 0;
	size_t total = 0;
	ssize_t n;
	int c, s;

	pair(lfd, la, &c, &s);
	b.fd = c;
	CHECK(pthread_create(&t, NULL, big_sender, &b) == 0);
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0) {
		sum = checksum(sum, buf, (size_t)n);
		total += (size_t)n;
	}
	CHECK(n == 0);
	pthread_join(t, NULL);
	CHECK(total == BIG);
	CHECK(sum == b.sum);
	close(c);
	close(s);
}

/* An AF_INET6 listener on :: takes IPv4 clients too. */
static void test_dual_stack(void)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 }, peer;
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	socklen_t len = sizeof(a6);
	char text[INET6_ADDRSTRLEN];
	int l, c, s, v = -1;

	l = socket(AF_INET6, SOCK_STREAM, 0);
	len = sizeof(v);
	CHECK(getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) == 0 &&
	      v == 0);
	CHECK(bind(l, (struct sockaddr *)&a6, sizeof(a6)) == 0);
	CHECK(listen(l, 4) == 0);
	len = sizeof(a6);
	CHECK(getsockname(l, (struct sockaddr *)&a6, &len) == 0);
	a4.sin_port = a6.sin6_port;
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a4, sizeof(a4)) == 0);
	len = sizeof(peer);
	s = accept(l, (struct sockaddr *)&peer, &len);
	CHECK(s >= 0 && len == sizeof(peer) && peer.sin6_family == AF_INET6);
	CHECK(inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof(text)) &&
	      !strcmp(text, "::ffff:127.0.0.1"));
	CHECK(send(c, "4to6", 4, 0) == 4);
	CHECK(recv(s, text, 4, MSG_WAITALL) == 4 && !memcmp(text, "4to6", 4));
	close(c);
	close(s);
	close(l);
}

static void run(int family)
{
	struct addr la;
	int lfd;

	fam = family;
	lfd = listener(&la);
	test_data(lfd, &la);
	test_half_close(lfd, &la);
	test_reset(lfd, &la);
	test_errors(lfd, &la);
	test_nonblocking_connect(lfd, &la);
	test_epoll(lfd, &la);
	test_options();
	test_big(lfd, &la);
	close(lfd);
}

int main(void)
{
	run(AF_INET);
	run(AF_INET6);
	test_dual_stack();
	return posix_check_summary();
}
