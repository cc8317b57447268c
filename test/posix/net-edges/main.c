/*
 * The edges of the IPv4 socket calls, checked the same way on Linux and
 * on Amphi, as conformance suites probe them:
 *   - socket() and socketpair() with bad families, types, flags and
 *     protocols (EAFNOSUPPORT, EINVAL, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
 *     EOPNOTSUPP);
 *   - every call on a bad fd (EBADF) and on a non-socket (ENOTSOCK);
 *   - bind: short lengths, a wrong family, twice, a non-local address,
 *     a port in use, SO_REUSEADDR over a closed connection's port;
 *   - listen/accept on UDP (EOPNOTSUPP), accept on a non-listener,
 *     accept4 flags and what the accepted socket inherits;
 *   - getsockopt/setsockopt: levels and names that do not exist, short
 *     and bad lengths, SO_DOMAIN, SO_ACCEPTCONN, SO_LINGER, SO_RCVBUF
 *     (doubled), SO_ERROR clearing;
 *   - send/recv flags: MSG_OOB on UDP, MSG_TRUNC's real length, MSG_PEEK,
 *     sendto on a connected stream (EISCONN), EPIPE with and without
 *     MSG_NOSIGNAL, shutdown's how, SHUT_RD;
 *   - names: getsockname after an implicit bind, getpeername and
 *     address lengths;
 *   - what a TCP socket keeps once its connection is over (TIME_WAIT,
 *     a reset, both ends closing at once): the options the app set (and
 *     an accepted socket inherited), its name, data that came before a
 *     reset (MSG_PEEK, SIOCINQ), then ECONNRESET, then EOF;
 *   - the name a refused connect leaves, TCP_MAXSEG before, during and
 *     after a connection, TCP_INFO (state, sizes), bind and listen
 *     after a connection, connect(AF_UNSPEC) (disconnect, connect again);
 *   - TCP_INFO's rto with no connection and a listener's fields;
 *     SIOCOUTQ with a FIN that waits for its ACK; an explicit bind
 *     through connect(AF_UNSPEC); shutdown with no connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"

#define WAIT_MS	5000

static void loopback(struct sockaddr_in *a, int port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static short revents(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

/* A socket of type bound to a loopback port; *a gets its address. */
static int bound(int type, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, type, 0);

	loopback(a, 0);
	CHECK(bind(fd, (struct sockaddr *)a, sizeof(*a)) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)a, &len) == 0);
	return fd;
}

static int listener(struct sockaddr_in *a)
{
	int fd = bound(SOCK_STREAM, a);

	CHECK(listen(fd, 8) == 0);
	return fd;
}

/* A connected pair: *c the client, *s the accepted end. */
static void pair(int lfd, const struct sockaddr_in *la, int *c, int *s)
{
	*c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(*c, (const struct sockaddr *)la, sizeof(*la)) == 0);
	*s = accept(lfd, NULL, NULL);
	CHECK(*s >= 0);
}

static void test_socket_errors(void)
{
	int sv[2], fd;

	CHECK(socket(0, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socket(AF_INET, 75, 0) == -1 && errno == EINVAL);
	CHECK(socket(AF_INET, -1, 0) == -1 && errno == EINVAL);
	CHECK(socket(AF_INET, SOCK_STREAM | 0x40000, 0) == -1 &&
	      errno == EINVAL);
	CHECK(socket(AF_INET, 7, 0) == -1 && errno == ESOCKTNOSUPPORT);
	CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == -1 &&
	      errno == EPROTONOSUPPORT);
	CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP) == -1 &&
	      errno == EPROTONOSUPPORT);
	CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_ICMP) == -1 &&
	      errno == EPROTONOSUPPORT);
	CHECK(socket(AF_UNIX, SOCK_STREAM, IPPROTO_TCP) == -1 &&
	      errno == EPROTONOSUPPORT);
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	CHECK(fd >= 0);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	CHECK(fd >= 0);
	close(fd);

	CHECK(socketpair(0, SOCK_STREAM, 0, sv) == -1 &&
	      errno == EAFNOSUPPORT);
	CHECK(socketpair(AF_UNIX, 75, 0, sv) == -1 && errno == EINVAL);
	CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 &&
	      errno == EOPNOTSUPP);
	CHECK(socketpair(AF_INET, SOCK_DGRAM, IPPROTO_UDP, sv) == -1 &&
	      errno == EOPNOTSUPP);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, IPPROTO_TCP, sv) == -1 &&
	      errno == EPROTONOSUPPORT);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, IPPROTO_UDP, sv) == -1 &&
	      errno == EPROTONOSUPPORT);
}

/* Every socket call on a closed fd and on a pipe. */
static void test_not_sockets(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int p[2], v = 1, bad = 400, i;
	char c;

	loopback(&a, 1);
	CHECK(pipe(p) == 0);
	for (i = 0; i < 2; i++) {
		int fd = i ? p[0] : bad, e = i ? ENOTSOCK : EBADF;

		len = sizeof(a);
		CHECK(bind(fd, (struct sockaddr *)&a, len) == -1 && errno == e);
		CHECK(connect(fd, (struct sockaddr *)&a, len) == -1 &&
		      errno == e);
		CHECK(listen(fd, 1) == -1 && errno == e);
		CHECK(accept(fd, NULL, NULL) == -1 && errno == e);
		CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == -1 &&
		      errno == e);
		CHECK(getpeername(fd, (struct sockaddr *)&a, &len) == -1 &&
		      errno == e);
		CHECK(send(fd, "x", 1, 0) == -1 && errno == e);
		CHECK(recv(fd, &c, 1, MSG_DONTWAIT) == -1 && errno == e);
		CHECK(shutdown(fd, SHUT_RD) == -1 && errno == e);
		CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v,
				 sizeof(v)) == -1 && errno == e);
		len = sizeof(v);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1 &&
		      errno == e);
	}
	close(p[0]);
	close(p[1]);
}

static void test_bind(void)
{
	struct sockaddr_in a, b;
	int fd = socket(AF_INET, SOCK_STREAM, 0), fd2;
	socklen_t len;

	loopback(&a, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1) == -1 &&
	      errno == EINVAL);
	CHECK(bind(fd, (struct sockaddr *)&a, 0) == -1 && errno == EINVAL);
	CHECK(bind(fd, NULL, sizeof(a)) == -1 && errno == EFAULT);
	a.sin_family = AF_INET6;
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EAFNOSUPPORT);
	/* 192.0.2.1 (TEST-NET-1) is no address of this machine. */
	loopback(&a, 0);
	a.sin_addr.s_addr = htonl(0xc0000201);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EADDRNOTAVAIL);
	/* Linux takes AF_UNSPEC with INADDR_ANY as AF_INET. */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_UNSPEC;
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	len = sizeof(b);
	CHECK(getsockname(fd, (struct sockaddr *)&b, &len) == 0 &&
	      b.sin_family == AF_INET && b.sin_port != 0 &&
	      b.sin_addr.s_addr == htonl(INADDR_ANY));
	/* Once only. */
	loopback(&a, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EINVAL);
	close(fd);

	/* UDP the same. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1) == -1 &&
	      errno == EINVAL);
	a.sin_addr.s_addr = htonl(0xc0000201);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EADDRNOTAVAIL);
	loopback(&a, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EINVAL);
	len = sizeof(a);
	CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	/* Its port is taken for another UDP socket, not for TCP. */
	fd2 = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(bind(fd2, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EADDRINUSE);
	close(fd2);
	close(fd);
}

/* The side that closes first keeps the port in TIME_WAIT: a new bind
 * needs SO_REUSEADDR, on both (the accepted socket inherits it). */
static void test_reuseaddr(void)
{
	struct sockaddr_in la;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), c, s, fd, one = 1, v = -1;
	socklen_t len = sizeof(v);
	char buf[4];

	CHECK(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one,
			 sizeof(one)) == 0);
	loopback(&la, 0);
	CHECK(bind(lfd, (struct sockaddr *)&la, sizeof(la)) == 0);
	len = sizeof(la);
	CHECK(getsockname(lfd, (struct sockaddr *)&la, &len) == 0);
	CHECK(listen(lfd, 1) == 0);
	pair(lfd, &la, &c, &s);
	close(lfd);
	close(s);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	close(c);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 &&
	      v == 0);
	CHECK(bind(fd, (struct sockaddr *)&la, sizeof(la)) == -1 &&
	      errno == EADDRINUSE);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			 sizeof(one)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 &&
	      v == 1);
	CHECK(bind(fd, (struct sockaddr *)&la, sizeof(la)) == 0);
	CHECK(listen(fd, 1) == 0);
	close(fd);
}

static void test_listen_accept(void)
{
	struct sockaddr_in la, a;
	int lfd, u, c, s, v = -1;
	socklen_t len;

	u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(listen(u, 1) == -1 && errno == EOPNOTSUPP);
	CHECK(accept(u, NULL, NULL) == -1 && errno == EOPNOTSUPP);
	close(u);

	lfd = listener(&la);
	len = sizeof(v);
	CHECK(getsockopt(lfd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 1);
	/* listen again only changes the backlog. */
	CHECK(listen(lfd, 4) == 0);
	/* The system call: musl's accept4 falls back to accept on EINVAL. */
	CHECK(syscall(SYS_accept4, lfd, NULL, NULL, 1) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_accept4, lfd, NULL, NULL, O_APPEND) == -1 &&
	      errno == EINVAL);
	/* A listener that does not block: EAGAIN with nothing queued, and
	 * the accepted socket does not inherit O_NONBLOCK. */
	CHECK(fcntl(lfd, F_SETFL, O_NONBLOCK) == 0);
	CHECK(accept(lfd, NULL, NULL) == -1 && errno == EAGAIN);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	CHECK(revents(lfd, POLLIN, WAIT_MS) == POLLIN);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(!(fcntl(s, F_GETFL) & O_NONBLOCK));
	CHECK(fcntl(s, F_GETFD) == 0);
	len = sizeof(v);
	CHECK(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 0);
	close(s);
	close(c);
	/* accept4 flags; a short address length gets the real one. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	CHECK(revents(lfd, POLLIN, WAIT_MS) == POLLIN);
	memset(&a, 0x55, sizeof(a));
	len = 4;
	s = accept4(lfd, (struct sockaddr *)&a, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0);
	CHECK(len == sizeof(a));
	CHECK(a.sin_family == AF_INET && ((char *)&a)[4] == 0x55);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(s, F_GETFD) == FD_CLOEXEC);
	/* A bad address length. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	len = -1;
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	CHECK(revents(lfd, POLLIN, WAIT_MS) == POLLIN);
	CHECK(accept(lfd, (struct sockaddr *)&a, &len) == -1 &&
	      errno == EINVAL);
	close(s);
	close(c);
	close(lfd);
}

static void test_options(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), t, v = -1;
	struct linger lg = { 1, 5 }, lg2 = { -1, -1 };
	socklen_t len = sizeof(v);
	char small[2];

	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	      v == AF_INET && len == sizeof(v));
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	      v == SOCK_DGRAM);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
	      v == IPPROTO_UDP);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 0);
	/* Levels and names that do not exist. */
	len = sizeof(v);
	CHECK(getsockopt(fd, 500, SO_TYPE, &v, &len) == -1 &&
	      errno == EOPNOTSUPP);
	CHECK(getsockopt(fd, SOL_SOCKET, 9999, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	CHECK(getsockopt(fd, IPPROTO_IP, -1, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	CHECK(getsockopt(fd, IPPROTO_UDP, 9999, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	CHECK(setsockopt(fd, 500, SO_TYPE, &v, sizeof(v)) == -1 &&
	      errno == ENOPROTOOPT);
	/* Lengths: short buffers get what fits, negative ones EINVAL. */
	len = -1;
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1 &&
	      errno == EINVAL);
	len = 2;
	memset(small, 0x55, sizeof(small));
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, small, &len) == 0 &&
	      len == 2);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, NULL, &len) == -1 &&
	      errno == EFAULT);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, NULL) == -1 &&
	      errno == EFAULT);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, 2) == -1 &&
	      errno == EINVAL);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, -1) == -1 &&
	      errno == EINVAL);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof(v)) ==
	      -1 && errno == EFAULT);
	/* Read-only options. */
	v = SOCK_STREAM;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_TYPE, &v, sizeof(v)) == -1 &&
	      errno == ENOPROTOOPT);
	/* The kernel doubles buffer sizes for its bookkeeping. */
	v = 10000;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 &&
	      v == 20000);
	v = 10000;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 &&
	      v == 20000);
	close(fd);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	len = sizeof(lg2);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg2, &len) == 0 &&
	      len == sizeof(lg2) && lg2.l_onoff == 0 && lg2.l_linger == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	len = sizeof(lg2);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg2, &len) == 0 &&
	      lg2.l_onoff == 1 && lg2.l_linger == 5);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(int)) ==
	      -1 && errno == EINVAL);
	len = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_TCP, 9999, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	len = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_UDP, 1, &v, &len) == -1 &&
	      errno == EOPNOTSUPP);
	/* TCP options on UDP: IPv4 says the level is not its, IPv6 that
	 * there is no such option. */
	t = socket(AF_INET, SOCK_DGRAM, 0);
	len = sizeof(v);
	CHECK(getsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, &len) == -1 &&
	      errno == EOPNOTSUPP);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, len) == -1 &&
	      errno == ENOPROTOOPT);
	close(t);
	t = socket(AF_INET6, SOCK_DGRAM, 0);
	len = sizeof(v);
	CHECK(getsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	CHECK(getsockopt(t, 500, 1, &v, &len) == -1 && errno == ENOPROTOOPT);
	close(t);
	close(fd);
}

static void test_udp_flags(void)
{
	struct sockaddr_in a, b, from;
	int fa = bound(SOCK_DGRAM, &a), fb = bound(SOCK_DGRAM, &b);
	socklen_t len;
	char buf[4];

	CHECK(sendto(fa, "x", 1, MSG_OOB, (struct sockaddr *)&b,
		     sizeof(b)) == -1 && errno == EOPNOTSUPP);
	/* Address lengths. */
	CHECK(sendto(fa, "x", 1, 0, (struct sockaddr *)&b, 4) == -1 &&
	      errno == EINVAL);
	CHECK(sendto(fa, "x", 1, 0, (struct sockaddr *)&b, -1) == -1 &&
	      errno == EINVAL);
	CHECK(sendto(fa, "x", 1, 0, NULL, sizeof(b)) == -1 &&
	      errno == EDESTADDRREQ);
	CHECK(sendto(fa, "hello", 5, 0, (struct sockaddr *)&b,
		     sizeof(b)) == 5);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	/* MSG_TRUNC|MSG_PEEK: the real length, the datagram stays. */
	CHECK(recv(fb, buf, 2, MSG_PEEK | MSG_TRUNC) == 5);
	len = 2;
	memset(&from, 0x55, sizeof(from));
	CHECK(recvfrom(fb, buf, 2, 0, (struct sockaddr *)&from, &len) == 2);
	CHECK(len == sizeof(from) && from.sin_family == AF_INET &&
	      ((unsigned char *)&from)[2] == 0x55);
	/* A zero-length read consumes a datagram too. */
	CHECK(sendto(fa, "ab", 2, 0, (struct sockaddr *)&b, sizeof(b)) == 2);
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(fb, buf, 0, 0) == 0);
	CHECK(recv(fb, buf, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
	/* Unconnected: the name of an implicitly bound socket. */
	close(fa);
	fa = socket(AF_INET, SOCK_DGRAM, 0);
	len = sizeof(a);
	CHECK(getsockname(fa, (struct sockaddr *)&a, &len) == 0 &&
	      a.sin_port == 0 && a.sin_family == AF_INET);
	CHECK(sendto(fa, "y", 1, 0, (struct sockaddr *)&b, sizeof(b)) == 1);
	len = sizeof(a);
	CHECK(getsockname(fa, (struct sockaddr *)&a, &len) == 0 &&
	      a.sin_port != 0 && a.sin_addr.s_addr == htonl(INADDR_ANY));
	CHECK(revents(fb, POLLIN, WAIT_MS) & POLLIN);
	len = sizeof(from);
	CHECK(recvfrom(fb, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		       &len) == 1 && from.sin_port == a.sin_port);
	/* shutdown of an unconnected UDP socket. */
	CHECK(shutdown(fb, SHUT_RDWR) == -1 && errno == ENOTCONN);
	close(fa);
	close(fb);
}

/* True once shutdown(fd, how) fails with ENOTCONN, as Linux's does at
 * once: Amphi's loopback may take the last ACK a moment later. */
static int shutdown_over(int fd, int how)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (shutdown(fd, how) == -1)
			return errno == ENOTCONN;
		msleep(50);
	}
	return 0;
}

static int sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void test_tcp_flags(void)
{
	struct sockaddr_in la, a, b;
	int lfd = listener(&la), c, s, fd;
	socklen_t len;
	char buf[8];

	pair(lfd, &la, &c, &s);
	CHECK(shutdown(c, -1) == -1 && errno == EINVAL);
	CHECK(shutdown(c, 3) == -1 && errno == EINVAL);
	/* A connected stream ignores sendto's address. */
	CHECK(sendto(c, "x", 1, 0, (struct sockaddr *)&la, sizeof(la)) == 1);
	CHECK(sendto(c, "y", 1, 0, NULL, 0) == 1);
	CHECK(recv(s, buf, 2, MSG_WAITALL) == 2 && !memcmp(buf, "xy", 2));
	/* No urgent data waits. */
	CHECK(recv(s, buf, 1, MSG_OOB | MSG_DONTWAIT) == -1 &&
	      errno == EINVAL);
	/* getsockname of a client: the port it was given. */
	len = sizeof(a);
	CHECK(getsockname(c, (struct sockaddr *)&a, &len) == 0 &&
	      a.sin_port != 0 && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	len = sizeof(b);
	CHECK(getpeername(s, (struct sockaddr *)&b, &len) == 0 &&
	      b.sin_port == a.sin_port);
	/* A short length truncates, and says how long the name is. */
	len = 2;
	memset(&b, 0x55, sizeof(b));
	CHECK(getpeername(s, (struct sockaddr *)&b, &len) == 0 &&
	      len == sizeof(b) && b.sin_family == AF_INET &&
	      ((unsigned char *)&b)[2] == 0x55);
	len = -1;
	CHECK(getsockname(s, (struct sockaddr *)&b, &len) == -1 &&
	      errno == EINVAL);
	CHECK(getsockname(s, (struct sockaddr *)&b, NULL) == -1 &&
	      errno == EFAULT);
	/* MSG_PEEK leaves the data. */
	CHECK(send(c, "abcd", 4, 0) == 4);
	CHECK(revents(s, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(s, buf, 2, MSG_PEEK) == 2 && !memcmp(buf, "ab", 2));
	CHECK(recv(s, buf, 4, MSG_WAITALL) == 4 && !memcmp(buf, "abcd", 4));
	/* SHUT_RD: reads end, the peer can still send and we can write. */
	CHECK(shutdown(s, SHUT_RD) == 0);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0);
	CHECK(revents(s, POLLIN | POLLOUT, 0) & POLLIN);
	CHECK(send(s, "ok", 2, 0) == 2);
	CHECK(recv(c, buf, 2, MSG_WAITALL) == 2);
	/* The peer went: EPIPE and SIGPIPE, or EPIPE alone. */
	CHECK(signal(SIGPIPE, on_sigpipe) != SIG_ERR);
	close(s);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(sigpipes == 0);
	CHECK(send(c, "x", 1, 0) == -1 && errno == EPIPE);
	CHECK(sigpipes == 1);
	CHECK(write(c, "x", 1) == -1 && errno == EPIPE);
	CHECK(sigpipes == 2);
	CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
	/* Closed both ways, the connection is gone. */
	CHECK(shutdown_over(c, SHUT_RDWR));
	close(c);

	/* A listener cannot send, be connected or shut down. */
	CHECK(send(lfd, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(connect(lfd, (struct sockaddr *)&la, sizeof(la)) == -1 &&
	      errno == EISCONN);
	CHECK(shutdown(lfd, SHUT_RDWR) == 0);
	close(lfd);

	/* connect's address errors. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(fd, (struct sockaddr *)&la, 4) == -1 &&
	      errno == EINVAL);
	CHECK(connect(fd, NULL, sizeof(la)) == -1 && errno == EFAULT);
	a = la;
	a.sin_family = AF_INET6;
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EAFNOSUPPORT);
	close(fd);
}

/* A connection closed both ways is over: shutdown says ENOTCONN. */
static void test_shutdown_over(void)
{
	struct sockaddr_in la;
	int lfd = listener(&la), c, s;
	char buf[4];

	pair(lfd, &la, &c, &s);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0);
	CHECK(shutdown(s, SHUT_WR) == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	/* c waits in TIME_WAIT, s is closed once c's ACK came. */
	CHECK(revents(s, POLLIN, WAIT_MS) & POLLHUP);
	CHECK(shutdown(c, SHUT_RD) == -1 && errno == ENOTCONN);
	CHECK(shutdown_over(s, SHUT_RDWR));
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(send(s, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(c);
	close(s);
	close(lfd);
}

/* SO_ERROR reads and clears a pending error. */
static void test_so_error(void)
{
	struct sockaddr_in a;
	int fd = bound(SOCK_STREAM, &a), err = -1, c;
	socklen_t len = sizeof(err);

	close(fd);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	    errno == EINPROGRESS)
		CHECK(revents(c, POLLOUT, WAIT_MS) & POLLOUT);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK(err == 0 || err == ECONNREFUSED);
	err = -1;
	len = sizeof(err);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	      err == 0);
	/* A refused socket may try again (and be refused again). */
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1);
	close(c);
}

/* Options an app sets on a TCP socket, to read back. */
static const struct kept_opt {
	int level, name, set, get;
} kept_opts[] = {
	{ SOL_SOCKET, SO_KEEPALIVE, 1, 1 },
	{ SOL_SOCKET, SO_REUSEADDR, 1, 1 },
	{ SOL_SOCKET, SO_RCVBUF, 5000, 10000 },
	{ SOL_SOCKET, SO_SNDBUF, 6000, 12000 },
	{ IPPROTO_TCP, TCP_NODELAY, 1, 1 },
	{ IPPROTO_TCP, TCP_KEEPIDLE, 11, 11 },
	{ IPPROTO_TCP, TCP_KEEPINTVL, 12, 12 },
	{ IPPROTO_TCP, TCP_KEEPCNT, 13, 13 },
	{ IPPROTO_IP, IP_TTL, 33, 33 },
	{ IPPROTO_IP, IP_TOS, 0x20, 0x20 },
};

#define N_KEPT	(sizeof(kept_opts) / sizeof(kept_opts[0]))

static void opts_set(int fd)
{
	struct linger lg = { 1, 7 };
	unsigned int i;

	for (i = 0; i < N_KEPT; i++)
		CHECK(setsockopt(fd, kept_opts[i].level, kept_opts[i].name,
				 &kept_opts[i].set, sizeof(int)) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
}

/* True if fd reads back every option opts_set gave it. */
static int opts_kept(int fd)
{
	struct linger lg = { 0, 0 };
	socklen_t len;
	unsigned int i;
	int v, ok = 1;

	for (i = 0; i < N_KEPT; i++) {
		v = -1;
		len = sizeof(v);
		if (getsockopt(fd, kept_opts[i].level, kept_opts[i].name, &v,
			       &len) || v != kept_opts[i].get) {
			printf("option %d/%d: %d, not %d\n",
			       kept_opts[i].level, kept_opts[i].name, v,
			       kept_opts[i].get);
			ok = 0;
		}
	}
	len = sizeof(lg);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0);
	return ok && lg.l_onoff == 1 && lg.l_linger == 7;
}

static void name_of(int fd, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);

	CHECK(getsockname(fd, (struct sockaddr *)a, &len) == 0);
}

static int same_name(int fd, const struct sockaddr_in *name)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	return getsockname(fd, (struct sockaddr *)&a, &len) == 0 &&
	       len == sizeof(a) && a.sin_port == name->sin_port &&
	       a.sin_addr.s_addr == name->sin_addr.s_addr;
}

/* What a socket whose connection is over still says. */
static void check_over(int fd, const struct sockaddr_in *name)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char buf[4];

	CHECK(same_name(fd, name));
	CHECK(getpeername(fd, (struct sockaddr *)&a, &len) == -1 &&
	      errno == ENOTCONN);
	CHECK(send(fd, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(recv(fd, buf, sizeof(buf), 0) == 0);
	CHECK(revents(fd, POLLIN | POLLOUT | POLLRDHUP, 0) ==
	      (POLLIN | POLLOUT | POLLHUP | POLLRDHUP));
	CHECK(opts_kept(fd));
}

/* True once getpeername fails (ENOTCONN): Linux's loopback ends a
 * connection within the call that sends the last FIN, Amphi's may take
 * the last ACK a moment later. */
static int peer_gone(int fd)
{
	struct sockaddr_in a;
	socklen_t len;
	int i;

	for (i = 0; i < 100; i++) {
		len = sizeof(a);
		if (getpeername(fd, (struct sockaddr *)&a, &len) == -1)
			return errno == ENOTCONN;
		msleep(50);
	}
	return 0;
}

/* Options set on a client and on a listener (which its accepted sockets
 * inherit) outlast the connection: TIME_WAIT, a reset. */
static void test_kept_options(void)
{
	struct sockaddr_in la, cname;
	int lfd = bound(SOCK_STREAM, &la), c, s, v = -1;
	struct linger zero = { 1, 0 };
	socklen_t len;
	char buf[8];

	opts_set(lfd);
	CHECK(listen(lfd, 8) == 0);
	CHECK(opts_kept(lfd));
	c = socket(AF_INET, SOCK_STREAM, 0);
	opts_set(c);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	name_of(c, &cname);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(opts_kept(c));
	CHECK(opts_kept(s));
	/* c ends in TIME_WAIT. */
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0);
	CHECK(shutdown(s, SHUT_WR) == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(peer_gone(c));
	check_over(c, &cname);
	CHECK(peer_gone(s));
	CHECK(opts_kept(s));
	close(s);
	/* A socket that had a connection stays "connected" (Linux's
	 * SS_CONNECTED): it cannot connect again. */
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == -1 &&
	      errno == EISCONN);
	check_over(c, &cname);
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	opts_set(c);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	name_of(c, &cname);
	/* Data that came before a reset stays readable. */
	CHECK(send(s, "zz", 2, 0) == 2);
	CHECK(revents(c, POLLIN, WAIT_MS) & POLLIN);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &zero, sizeof(zero)) == 0);
	close(s);
	CHECK(revents(c, 0, WAIT_MS) & POLLERR);
	CHECK(peer_gone(c));
	CHECK(ioctl(c, FIONREAD, &v) == 0 && v == 2);
	v = -1;
	CHECK(recv(c, buf, sizeof(buf), MSG_PEEK) == 2 &&
	      !memcmp(buf, "zz", 2));
	CHECK(recv(c, buf, sizeof(buf), 0) == 2);
	CHECK(recv(c, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
	check_over(c, &cname);
	v = -1;
	len = sizeof(v);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0);
	close(c);
	close(lfd);
}

/* Both ends shut their send side before either FIN arrives (on Amphi's
 * loopback: lwIP's CLOSING, then TIME_WAIT on the ACK with no callback;
 * Linux's loopback delivers the first FIN at once). */
static void test_cross_close(void)
{
	struct sockaddr_in la, cname, sname;
	int lfd = listener(&la), c, s;
	char buf[8];

	c = socket(AF_INET, SOCK_STREAM, 0);
	opts_set(c);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	opts_set(s);
	name_of(c, &cname);
	name_of(s, &sname);
	CHECK(send(c, "c", 1, 0) == 1);
	CHECK(send(s, "s", 1, 0) == 1);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(shutdown(s, SHUT_WR) == 0);
	CHECK(recv(c, buf, sizeof(buf), MSG_WAITALL) == 1 && buf[0] == 's');
	CHECK(recv(s, buf, sizeof(buf), MSG_WAITALL) == 1 && buf[0] == 'c');
	CHECK(peer_gone(c));
	CHECK(peer_gone(s));
	check_over(c, &cname);
	check_over(s, &sname);
	CHECK(shutdown(c, SHUT_RDWR) == -1 && errno == ENOTCONN);
	CHECK(shutdown(s, SHUT_RDWR) == -1 && errno == ENOTCONN);
	close(c);
	close(s);
	close(lfd);
}

/* connect's result on fd to a; the port fd's name then has in *port,
 * and its address in *addr. */
static int connect_name(int fd, const struct sockaddr_in *a, in_port_t *port,
			in_addr_t *addr)
{
	struct sockaddr_in n;
	int rc = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	int e = errno;

	name_of(fd, &n);
	*port = n.sin_port;
	*addr = n.sin_addr.s_addr;
	errno = e;
	return rc;
}

/* A refused connect keeps its port; the address goes when connect()
 * reports the refusal (Linux then disconnects the socket). */
static void test_refused_name(void)
{
	struct sockaddr_in a, n;
	int fd = bound(SOCK_STREAM, &a), c;
	in_port_t port, port2;
	in_addr_t addr;

	close(fd);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect_name(c, &a, &port, &addr) == -1 &&
	      errno == ECONNREFUSED);
	CHECK(port != 0 && addr == htonl(INADDR_ANY));
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	    errno == EINPROGRESS) {
		CHECK(revents(c, POLLOUT, WAIT_MS) & POLLOUT);
		name_of(c, &n);
		CHECK(n.sin_port != 0 &&
		      n.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
		CHECK(connect_name(c, &a, &port2, &addr) == -1 &&
		      errno == ECONNREFUSED);
		CHECK(port2 == n.sin_port && addr == htonl(INADDR_ANY));
	}
	close(c);
}

static const struct sockaddr unspec = { .sa_family = AF_UNSPEC };

static int maxseg(int fd)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &v, &len))
		return -errno;
	return v;
}

static void tcp_info_of(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0xff, sizeof(*ti));
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) == 0 &&
	      len == sizeof(*ti));
}

static unsigned char tcp_state(int fd)
{
	struct tcp_info ti;

	tcp_info_of(fd, &ti);
	return ti.tcpi_state;
}

/* Ends c's and s's connection: both shut their send side in turn. */
static void end_both(int c, int s)
{
	char buf[4];

	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0);
	CHECK(shutdown(s, SHUT_WR) == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(peer_gone(c));
	CHECK(peer_gone(s));
}

/* TCP_MAXSEG: 536 with no connection, the app's value until one, the
 * connection's MSS during and after it. TCP_INFO's state and sizes. */
static void test_maxseg_info(void)
{
	struct sockaddr_in la;
	int lfd = listener(&la), c, s, v = 1000, smss;
	unsigned char b[8];
	struct tcp_info ti;
	socklen_t len;

	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(maxseg(c) == 536);
	/* No connection: Linux's initial RTO (TCP_TIMEOUT_INIT, 1 s). */
	tcp_info_of(c, &ti);
	CHECK(ti.tcpi_state == TCP_CLOSE && ti.tcpi_rto == 1000000);
	CHECK(setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)) == 0);
	CHECK(maxseg(c) == 1000);
	close(c);
	CHECK(maxseg(lfd) == 536);
	/* A listener: its queue (tcpi_unacked) and backlog (tcpi_sacked),
	 * no RTO, no MSS. */
	tcp_info_of(lfd, &ti);
	CHECK(ti.tcpi_state == TCP_LISTEN && ti.tcpi_rto == 0 &&
	      ti.tcpi_snd_mss == 0 && ti.tcpi_rcv_mss == 0 &&
	      ti.tcpi_unacked == 0 && ti.tcpi_sacked == 8);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	CHECK(revents(lfd, POLLIN, WAIT_MS) == POLLIN);
	tcp_info_of(lfd, &ti);
	CHECK(ti.tcpi_unacked == 1);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	smss = maxseg(s);
	CHECK(smss > 536 && maxseg(c) > 536);
	len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	CHECK(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	      len == sizeof(ti));
	/* Linux's loopback: 200 ms (TCP_RTO_MIN) and a little; lwIP's
	 * steps by 500 ms from 3 s. */
	CHECK(ti.tcpi_state == TCP_ESTABLISHED &&
	      ti.tcpi_rto >= 200000 && ti.tcpi_rto <= 3000000 &&
	      ti.tcpi_snd_mss > 0 && ti.tcpi_rcv_mss > 0 &&
	      ti.tcpi_snd_cwnd > 0);
	CHECK(tcp_state(s) == TCP_ESTABLISHED);
	/* A shorter buffer gets the start of the structure. */
	memset(b, 9, sizeof(b));
	len = 3;
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_INFO, b, &len) == 0 && len == 3);
	CHECK(b[0] == TCP_ESTABLISHED && b[3] == 9);
	len = 0;
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_INFO, b, &len) == 0 && len == 0);
	end_both(c, s);
	CHECK(tcp_state(c) == TCP_CLOSE && tcp_state(s) == TCP_CLOSE);
	CHECK(maxseg(s) == smss && maxseg(c) > 536);
	/* Disconnected: the initial RTO again. */
	CHECK(connect(c, &unspec, sizeof(unspec)) == 0);
	tcp_info_of(c, &ti);
	CHECK(ti.tcpi_state == TCP_CLOSE && ti.tcpi_rto == 1000000);
	close(c);
	close(s);
	close(lfd);
}

/* Socket c (its connection undone) connects to listener lfd at la
 * again and carries a byte; then both ends are closed. */
static void check_connects_again(int lfd, const struct sockaddr_in *la,
				 int c)
{
	char buf[4];
	int s;

	CHECK(connect(c, (const struct sockaddr *)la, sizeof(*la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(send(c, "z", 1, 0) == 1);
	CHECK(recv(s, buf, sizeof(buf), 0) == 1 && buf[0] == 'z');
	close(s);
	close(c);
}

/* After its connection: bind works, listen and connect do not (Linux's
 * socket stays SS_CONNECTED) until connect(AF_UNSPEC) disconnects it. */
static void test_disconnect(void)
{
	struct sockaddr_in la, a, cname;
	int lfd = listener(&la), c, s, v = -1;
	socklen_t len = sizeof(v);
	char buf[4];

	pair(lfd, &la, &c, &s);
	end_both(c, s);
	close(s);
	loopback(&a, 0);
	CHECK(bind(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(listen(c, 1) == -1 && errno == EINVAL);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == -1 &&
	      errno == EISCONN);
	CHECK(connect(c, &unspec, 1) == -1 && errno == EINVAL);
	CHECK(connect(c, &unspec, sizeof(unspec)) == 0);
	check_connects_again(lfd, &la, c);
	/* A live connection: reset, its data dropped. The port stays in
	 * the name (an explicit bind's address would too, on Linux). */
	pair(lfd, &la, &c, &s);
	CHECK(send(s, "ab", 2, 0) == 2);
	CHECK(revents(c, POLLIN, WAIT_MS) & POLLIN);
	name_of(c, &cname);
	CHECK(connect(c, &unspec, sizeof(unspec)) == 0);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 &&
	      v == ECONNRESET);
	name_of(c, &a);
	CHECK(a.sin_port == cname.sin_port &&
	      a.sin_addr.s_addr == htonl(INADDR_ANY));
	CHECK(ioctl(c, FIONREAD, &v) == 0 && v == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == -1 && errno == ENOTCONN);
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(revents(c, POLLIN | POLLOUT, 0) == (POLLOUT | POLLHUP));
	CHECK(recv(s, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
	close(s);
	check_connects_again(lfd, &la, c);
	/* With no connection: its name stays. */
	c = bound(SOCK_STREAM, &a);
	CHECK(connect(c, &unspec, sizeof(unspec)) == 0);
	CHECK(same_name(c, &a));
	close(c);
	/* A listener stops listening. */
	CHECK(connect(lfd, &unspec, sizeof(unspec)) == 0);
	CHECK(accept(lfd, NULL, NULL) == -1 && errno == EINVAL);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == -1 &&
	      errno == ECONNREFUSED);
	close(c);
	close(lfd);
}

/* SIOCOUTQ (which is TIOCOUTQ), or -1. No CHECK: callers poll it. */
static int outq(int fd)
{
	int v = -1;

	return ioctl(fd, TIOCOUTQ, &v) ? -1 : v;
}

/* True once fd's send queue is empty (all acked): Amphi's loopback may
 * take the last ACK a moment later. */
static int outq_drains(int fd)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (outq(fd) == 0)
			return 1;
		msleep(50);
	}
	return 0;
}

/* SIOCOUTQ counts the bytes not yet acked and, as Linux's write_seq -
 * snd_una, a FIN until its ACK: here one queued behind data that the
 * peer's full window holds back. */
static void test_outq_fin(void)
{
	static char buf[65536];
	struct sockaddr_in la;
	int lfd = listener(&la), c, s, q, i;
	ssize_t n;

	pair(lfd, &la, &c, &s);
	CHECK(outq(c) == 0);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 3; i++) {
		while (send(c, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		msleep(100);
	}
	/* Until the ACKs of what went out are in. */
	for (i = 0, q = -1; i < 20 && outq(c) != q; i++) {
		q = outq(c);
		msleep(300);
	}
	CHECK(q > 0);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(outq(c) == q + 1);
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
		;
	CHECK(n == 0);
	CHECK(outq_drains(c));
	close(s);
	close(c);
	close(lfd);
}

/* A loopback address with a port no socket has. */
static void free_port(struct sockaddr_in *a)
{
	close(bound(SOCK_STREAM, a));
}

/* An explicit bind outlasts connect(AF_UNSPEC) and a connection, as
 * Linux's socket keeps the port (SOCK_BINDPORT_LOCK) and the address:
 * the name keeps them, the port stays taken (bind: EINVAL on the
 * socket, EADDRINUSE on another), and the next connection or listen
 * uses them. */
static void test_disconnect_bind(void)
{
	struct sockaddr_in la, a;
	int lfd = listener(&la), c, s, c2, s2, fd;
	struct linger zero = { 1, 0 };
	char b;

	free_port(&a);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(connect(c, &unspec, sizeof(unspec)) == 0);
	close(s);
	CHECK(same_name(c, &a));
	CHECK(bind(c, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EINVAL);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EADDRINUSE);
	close(fd);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	CHECK(same_name(c, &a));
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	/* Over (TIME_WAIT): the port is still the socket's. */
	end_both(c, s);
	close(s);
	CHECK(bind(c, (struct sockaddr *)&la, sizeof(la)) == -1 &&
	      errno == EINVAL);
	close(c);

	/* A listener with a connection it accepted. */
	free_port(&a);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(listen(fd, 4) == 0);
	pair(fd, &a, &c, &s);
	CHECK(connect(fd, &unspec, sizeof(unspec)) == 0);
	CHECK(same_name(fd, &a));
	CHECK(accept(fd, NULL, NULL) == -1 && errno == EINVAL);
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c2, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == ECONNREFUSED);
	close(c2);
	/* Listening again checks the port: the connection on it is a
	 * conflict until it goes. */
	CHECK(listen(fd, 4) == -1 && errno == EADDRINUSE);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &zero, sizeof(zero)) == 0);
	close(s);
	close(c);
	CHECK(listen(fd, 4) == 0);
	CHECK(same_name(fd, &a));
	pair(fd, &a, &c2, &s2);
	CHECK(send(c2, "z", 1, 0) == 1);
	CHECK(recv(s2, &b, 1, 0) == 1 && b == 'z');
	close(s2);
	close(c2);
	close(fd);
	close(lfd);
}

/* shutdown() with no connection (none yet, disconnected, refused) is
 * ENOTCONN, but the flags take, as Linux's sk_shutdown, for the next
 * connection and for those a listener then accepts, until a disconnect.
 * On a listener SHUT_RD stops it, SHUT_WR does nothing. */
static void test_shutdown_unconn(void)
{
	const short all = POLLIN | POLLOUT | POLLRDHUP;
	struct sockaddr_in la, a;
	int lfd = listener(&la), c, s, fd, v = -1;
	socklen_t len = sizeof(v);
	char buf[4];

	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(shutdown(c, SHUT_WR) == -1 && errno == ENOTCONN);
	CHECK(revents(c, all, 0) == (POLLOUT | POLLHUP));
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(revents(c, all, 0) == POLLOUT);
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(send(s, "y", 1, 0) == 1);
	CHECK(recv(c, buf, sizeof(buf), 0) == 1 && buf[0] == 'y');
	/* A disconnect clears them; a shutdown after it takes again. */
	CHECK(connect(c, &unspec, sizeof(unspec)) == 0);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 &&
	      v == ECONNRESET);
	close(s);
	CHECK(shutdown(c, SHUT_RD) == -1 && errno == ENOTCONN);
	CHECK(revents(c, all, 0) == (POLLIN | POLLOUT | POLLHUP | POLLRDHUP));
	CHECK(recv(c, buf, sizeof(buf), MSG_DONTWAIT) == 0);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(revents(c, all, 0) == (POLLIN | POLLOUT | POLLRDHUP));
	CHECK(recv(c, buf, sizeof(buf), MSG_DONTWAIT) == 0);
	CHECK(send(c, "x", 1, 0) == 1);
	CHECK(recv(s, buf, sizeof(buf), 0) == 1);
	close(s);
	close(c);

	/* After a refused connect. */
	free_port(&a);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == ECONNREFUSED);
	CHECK(shutdown(c, SHUT_WR) == -1 && errno == ENOTCONN);
	CHECK(connect(c, (struct sockaddr *)&la, sizeof(la)) == 0);
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(s);
	close(c);

	/* Before listen: the accepted connections have them. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(shutdown(fd, SHUT_WR) == -1 && errno == ENOTCONN);
	CHECK(listen(fd, 4) == 0);
	name_of(fd, &a);
	pair(fd, &a, &c, &s);
	CHECK(send(s, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(s);
	close(c);
	CHECK(shutdown(fd, SHUT_WR) == 0);
	CHECK(revents(fd, all, 0) == 0);
	CHECK(shutdown(fd, SHUT_RD) == 0);
	CHECK(revents(fd, all, 0) == (POLLOUT | POLLHUP));
	CHECK(accept(fd, NULL, NULL) == -1 && errno == EINVAL);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == ECONNREFUSED);
	close(c);
	close(fd);
	close(lfd);
}

int main(void)
{
	int low = lowest_free_fd();

	test_socket_errors();
	test_not_sockets();
	test_bind();
	test_reuseaddr();
	test_listen_accept();
	test_options();
	test_udp_flags();
	test_tcp_flags();
	test_shutdown_over();
	test_so_error();
	test_kept_options();
	test_cross_close();
	test_refused_name();
	test_maxseg_info();
	test_disconnect();
	test_outq_fin();
	test_disconnect_bind();
	test_shutdown_unconn();
	CHECK(lowest_free_fd() == low);
	return posix_check_summary();
}
