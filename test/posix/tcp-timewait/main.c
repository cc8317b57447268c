/*
 * A TCP socket whose connection ended in TIME_WAIT stays usable, as on
 * Linux, after the stack has let go of the connection (Linux: 60 s;
 * Amphi's lwIP: 2 * TCP_MSL, then it frees its pcb with no callback):
 *   - a client that shut its send side and then got the server's FIN,
 *     and an accepted socket that did the same;
 *   - right away and again after 66 s, with new connections made in
 *     between (they may take the freed memory): getsockname keeps the
 *     local address, getpeername fails (ENOTCONN), send fails (EPIPE),
 *     recv reads EOF, shutdown fails (ENOTCONN), poll shows the end;
 *   - both ends of a connection that shut their send sides at once (on
 *     Amphi's loopback the FINs cross: CLOSING, then TIME_WAIT with no
 *     callback), left alone until the stack has let go, say the same;
 *   - closing the old sockets leaves the new connections working.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../posix-check.h"

#define WAIT_MS		5000
/* Past Linux's TIME_WAIT (60 s) and Amphi's (2 * TCP_MSL in lwIP's
 * half-second ticks, which run a few per cent slow: 62 s was not
 * always enough for lwIP to free the pcbs). */
#define LINGER_S	66
#define NEW_CONNS	8
#define END_EV		(POLLIN | POLLOUT | POLLHUP | POLLRDHUP)

static short revents(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, (struct sockaddr *)a, sizeof(*a)) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)a, &len) == 0);
	CHECK(listen(fd, NEW_CONNS + 2) == 0);
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

/* first shuts its send side, then last closes: first ends in TIME_WAIT
 * once it has read the data and the FIN. */
static void finish(int first, int last)
{
	char buf[8];

	CHECK(send(last, "bye", 3, 0) == 3);
	CHECK(shutdown(first, SHUT_WR) == 0);
	CHECK(revents(last, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(last, buf, sizeof(buf), 0) == 0);
	CHECK(close(last) == 0);
	CHECK(revents(first, POLLIN, WAIT_MS) & POLLIN);
	CHECK(recv(first, buf, sizeof(buf), MSG_WAITALL) == 3 &&
	      memcmp(buf, "bye", 3) == 0);
	CHECK(recv(first, buf, sizeof(buf), 0) == 0);
}

/* a and b shut their send sides before either FIN arrives. Only poll
 * (which asks the stack nothing) looks at them before the sleep. */
static void cross_close(int a, int b)
{
	CHECK(shutdown(a, SHUT_WR) == 0);
	CHECK(shutdown(b, SHUT_WR) == 0);
	CHECK(revents(a, POLLIN, WAIT_MS) & POLLIN);
	CHECK(revents(b, POLLIN, WAIT_MS) & POLLIN);
}

static int same_name(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family && a->sin_port == b->sin_port &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr;
}

/* What an app can still ask of a socket in TIME_WAIT named name. */
static void check_over(int fd, const struct sockaddr_in *name)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char buf[4];

	memset(&a, 0, sizeof(a));
	CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0 &&
	      len == sizeof(a) && same_name(&a, name));
	len = sizeof(a);
	CHECK(getpeername(fd, (struct sockaddr *)&a, &len) == -1 &&
	      errno == ENOTCONN);
	CHECK(send(fd, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(recv(fd, buf, sizeof(buf), 0) == 0);
	CHECK(revents(fd, POLLIN | POLLOUT | POLLRDHUP, 0) == END_EV);
	CHECK(shutdown(fd, SHUT_RDWR) == -1 && errno == ENOTCONN);
	CHECK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == 0);
}

static void name_of(int fd, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);

	CHECK(getsockname(fd, (struct sockaddr *)a, &len) == 0);
}

/* Each new connection carries a byte both ways. */
static void check_live(const int *c, const int *s, int n)
{
	char b;
	int i;

	for (i = 0; i < n; i++) {
		CHECK(send(c[i], "c", 1, 0) == 1);
		CHECK(send(s[i], "s", 1, 0) == 1);
	}
	for (i = 0; i < n; i++) {
		CHECK(revents(s[i], POLLIN, WAIT_MS) == POLLIN);
		CHECK(recv(s[i], &b, 1, 0) == 1 && b == 'c');
		CHECK(revents(c[i], POLLIN, WAIT_MS) == POLLIN);
		CHECK(recv(c[i], &b, 1, 0) == 1 && b == 's');
	}
}

int main(void)
{
	int lfd, c, s, c2, s2, c3, s3, nc[NEW_CONNS], ns[NEW_CONNS], i;
	struct sockaddr_in la, cname, sname, c3name, s3name;

	lfd = listener(&la);
	/* The client ends in TIME_WAIT. */
	pair(lfd, &la, &c, &s);
	name_of(c, &cname);
	finish(c, s);
	/* The accepted socket ends in TIME_WAIT. */
	pair(lfd, &la, &c2, &s2);
	name_of(s2, &sname);
	finish(s2, c2);
	check_over(c, &cname);
	check_over(s2, &sname);
	/* Both ends close at once. */
	pair(lfd, &la, &c3, &s3);
	name_of(c3, &c3name);
	name_of(s3, &s3name);
	cross_close(c3, s3);

	sleep(LINGER_S);
	for (i = 0; i < NEW_CONNS; i++)
		pair(lfd, &la, &nc[i], &ns[i]);
	check_over(c, &cname);
	check_over(s2, &sname);
	check_over(c3, &c3name);
	check_over(s3, &s3name);
	CHECK(close(c) == 0);
	CHECK(close(s2) == 0);
	CHECK(close(c3) == 0);
	CHECK(close(s3) == 0);
	check_live(nc, ns, NEW_CONNS);
	for (i = 0; i < NEW_CONNS; i++) {
		CHECK(close(nc[i]) == 0);
		CHECK(close(ns[i]) == 0);
	}
	CHECK(close(lfd) == 0);
	return posix_check_summary();
}
