/*
 * AF_UNIX SOCK_DGRAM, the same on Linux and on Amphi: sendto/recvfrom
 * with path and abstract names (and an unnamed sender), connected
 * sockets, MSG_TRUNC, MSG_PEEK, EMSGSIZE, a full receiver (EAGAIN, and
 * poll without POLLOUT), ECONNREFUSED then ENOTCONN once the peer is
 * closed, autobind, EPERM to a socket connected elsewhere, and datagrams
 * between threads.
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
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"

/* Per process: the Linux runs of the test may overlap. */
static char PATH_A[64], PATH_B[64];
#define MSGS	3000

static socklen_t make_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static socklen_t make_abstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* Per process: the Linux runs of the test may overlap. */
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s-%d", name,
		 (int)getpid());
	return offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(a->sun_path + 1);
}

static short revents(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };

	poll(&p, 1, 0);
	return p.revents;
}

static void test_names(void)
{
	struct sockaddr_un a, b, from, ab;
	socklen_t alen = make_addr(&a, PATH_A), blen = make_addr(&b, PATH_B);
	socklen_t ablen = make_abstract(&ab, "amphi-dgram"), len;
	int sa, sb, sc, v;
	char buf[32];

	unlink(PATH_A);
	unlink(PATH_B);
	sa = socket(AF_UNIX, SOCK_DGRAM, 0);
	sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	sc = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(sa, (struct sockaddr *)&a, alen) == 0);
	CHECK(bind(sb, (struct sockaddr *)&b, blen) == 0);
	CHECK(bind(sc, (struct sockaddr *)&ab, ablen) == 0);
	errno = 0;
	CHECK(bind(sc, (struct sockaddr *)&ab, ablen) == -1 &&
	      errno == EINVAL);

	CHECK(sendto(sa, "to-b", 4, 0, (struct sockaddr *)&b, blen) == 4);
	CHECK(sendto(sc, "abs", 3, 0, (struct sockaddr *)&b, blen) == 3);
	CHECK(sendto(sb, "to-abs", 6, 0, (struct sockaddr *)&ab, ablen) == 6);
	CHECK(ioctl(sb, FIONREAD, &v) == 0 && v == 4);
	len = sizeof(from);
	memset(&from, 0, sizeof(from));
	CHECK(recvfrom(sb, buf, sizeof(buf), MSG_PEEK,
		       (struct sockaddr *)&from, &len) == 4);
	CHECK(len == alen && strcmp(from.sun_path, PATH_A) == 0);
	len = sizeof(from);
	CHECK(recvfrom(sb, buf, sizeof(buf), 0,
		       (struct sockaddr *)&from, &len) == 4);
	CHECK(len == alen && memcmp(buf, "to-b", 4) == 0);
	len = sizeof(from);
	CHECK(recvfrom(sb, buf, sizeof(buf), 0,
		       (struct sockaddr *)&from, &len) == 3);
	CHECK(len == ablen && memcmp(&from, &ab, ablen) == 0);
	len = sizeof(from);
	CHECK(recvfrom(sc, buf, sizeof(buf), 0,
		       (struct sockaddr *)&from, &len) == 6);
	CHECK(len == blen && strcmp(from.sun_path, PATH_B) == 0);

	/* An unnamed sender has an empty address. */
	int u = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(sendto(u, "anon", 4, 0, (struct sockaddr *)&a, alen) == 4);
	len = sizeof(from);
	CHECK(recvfrom(sa, buf, sizeof(buf), 0,
		       (struct sockaddr *)&from, &len) == 4);
	CHECK(len == 0);
	/* Autobind: a 5-hex-digit abstract name. */
	CHECK(bind(u, (struct sockaddr *)&a, sizeof(sa_family_t)) == 0);
	len = sizeof(from);
	CHECK(getsockname(u, (struct sockaddr *)&from, &len) == 0);
	CHECK(len == offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK(from.sun_path[0] == 0);
	CHECK(sendto(u, "auto", 4, 0, (struct sockaddr *)&a, alen) == 4);
	len = sizeof(b);
	CHECK(recvfrom(sa, buf, sizeof(buf), 0, (struct sockaddr *)&b,
		       &len) == 4);
	CHECK(len == offsetof(struct sockaddr_un, sun_path) + 6 &&
	      memcmp(&b, &from, len) == 0);
	close(u);

	/* Bad names and missing ones. */
	errno = 0;
	CHECK(sendto(sa, "x", 1, 0, (struct sockaddr *)&a, 2) == -1 &&
	      errno == EINVAL);
	make_addr(&b, "/tmp/amphi-unix-dgram-none");
	errno = 0;
	CHECK(sendto(sa, "x", 1, 0, (struct sockaddr *)&b, sizeof(b)) == -1 &&
	      errno == ENOENT);
	make_abstract(&b, "amphi-none");
	errno = 0;
	CHECK(sendto(sa, "x", 1, 0, (struct sockaddr *)&b, ablen) == -1 &&
	      errno == ECONNREFUSED);
	errno = 0;
	CHECK(send(sa, "x", 1, 0) == -1 && errno == ENOTCONN);
	close(sa);
	close(sb);
	close(sc);
	/* Path names stay, abstract ones go. */
	sc = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(sc, (struct sockaddr *)&ab, ablen) == 0);
	errno = 0;
	CHECK(sendto(sc, "x", 1, 0, (struct sockaddr *)&a, alen) == -1 &&
	      errno == ECONNREFUSED);
	close(sc);
	CHECK(unlink(PATH_A) == 0);
	CHECK(unlink(PATH_B) == 0);
}

static void test_connected(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = make_abstract(&a, "amphi-dg-a");
	socklen_t blen = make_abstract(&b, "amphi-dg-b");
	int sa, sb, sc, n, fl;
	static char buf[300000];	/* too big for a metal stack */
	struct msghdr m;
	struct iovec iov;

	sa = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	sc = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CHECK(bind(sa, (struct sockaddr *)&a, alen) == 0);
	CHECK(bind(sb, (struct sockaddr *)&b, blen) == 0);
	CHECK(connect(sa, (struct sockaddr *)&b, blen) == 0);
	CHECK(connect(sb, (struct sockaddr *)&a, alen) == 0);
	/* sb takes datagrams from its peer only. */
	errno = 0;
	CHECK(sendto(sc, "x", 1, 0, (struct sockaddr *)&b, blen) == -1 &&
	      errno == EPERM);
	errno = 0;
	CHECK(connect(sc, (struct sockaddr *)&b, blen) == -1 &&
	      errno == EPERM);

	CHECK(send(sa, "hello", 5, 0) == 5);
	memset(&m, 0, sizeof(m));
	iov.iov_base = buf;
	iov.iov_len = 2;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	CHECK(recvmsg(sb, &m, 0) == 2 && m.msg_flags == MSG_TRUNC);
	CHECK(send(sa, "hello", 5, 0) == 5);
	CHECK(recv(sb, buf, 2, MSG_TRUNC) == 5);
	errno = 0;
	CHECK(send(sa, buf, sizeof(buf), 0) == -1 && errno == EMSGSIZE);

	/* sc -> sd (not connected to each other): sd's queue fills. */
	struct sockaddr_un d;
	socklen_t dlen = make_abstract(&d, "amphi-dg-d");
	int sd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	CHECK(bind(sd, (struct sockaddr *)&d, dlen) == 0);
	for (n = 0; n < 100; n++)
		if (sendto(sc, "q", 1, 0, (struct sockaddr *)&d, dlen) != 1)
			break;
	CHECK(n > 0 && n < 100 && errno == EAGAIN);
	CHECK(connect(sc, (struct sockaddr *)&d, dlen) == 0);
	CHECK((revents(sc, POLLOUT) & POLLOUT) == 0);
	fl = 0;
	while (recv(sd, buf, 1, 0) == 1)
		fl++;
	CHECK(fl == n);
	CHECK(revents(sc, POLLOUT) == POLLOUT);
	close(sd);

	/* The peer goes: ECONNREFUSED once, then ENOTCONN. */
	close(sb);
	errno = 0;
	CHECK(send(sa, "x", 1, 0) == -1 && errno == ECONNREFUSED);
	errno = 0;
	CHECK(send(sa, "x", 1, 0) == -1 && errno == ENOTCONN);
	/* connect(AF_UNSPEC) dissolves a connection. */
	a.sun_family = AF_UNSPEC;
	CHECK(connect(sc, (struct sockaddr *)&a, sizeof(a)) == 0);
	errno = 0;
	CHECK(send(sc, "x", 1, 0) == -1 && errno == ENOTCONN);
	close(sa);
	close(sc);
}

static void test_pair(void)
{
	int sv[2], n = 0;
	char buf[8];

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(send(sv[0], "ab", 2, 0) == 2);
	CHECK(send(sv[0], "cde", 3, 0) == 3);
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 2);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 2);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3);
	errno = 0;
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	/* A full send buffer gives EAGAIN. */
	while (send(sv[0], "z", 1, MSG_DONTWAIT) == 1)
		n++;
	CHECK(errno == EAGAIN && n > 10);
	close(sv[0]);
	close(sv[1]);
}

static void *dgram_sender(void *arg)
{
	int fd = *(int *)arg, i;
	char buf[64];

	for (i = 0; i < MSGS; i++) {
		memset(buf, i & 0xff, sizeof(buf));
		if (send(fd, buf, 1 + i % 64, 0) != 1 + i % 64)
			break;
	}
	send(fd, "", 0, 0);
	return NULL;
}

static void test_threads(void)
{
	int sv[2], i = 0, bad = 0;
	char buf[128];
	pthread_t t;
	ssize_t r;

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(pthread_create(&t, NULL, dgram_sender, &sv[0]) == 0);
	while ((r = recv(sv[1], buf, sizeof(buf), 0)) > 0) {
		if (r != 1 + i % 64 || buf[r - 1] != (char)(i & 0xff))
			bad++;
		i++;
	}
	pthread_join(t, NULL);
	CHECK(i == MSGS && bad == 0);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	if (mkdir("/tmp", 0777) && errno != EEXIST)
		printf("cannot create /tmp\n");
	snprintf(PATH_A, sizeof(PATH_A), "/tmp/amphi-unix-dgram-%d-a",
		 (int)getpid());
	snprintf(PATH_B, sizeof(PATH_B), "/tmp/amphi-unix-dgram-%d-b",
		 (int)getpid());
	test_names();
	test_connected();
	test_pair();
	test_threads();
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
