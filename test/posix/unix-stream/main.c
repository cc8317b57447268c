/*
 * AF_UNIX stream sockets, checked the same way on Linux and on Amphi:
 * socketpair, a path name with bind/listen/connect/accept4 and its
 * flags, a full backlog (EAGAIN for a non-blocking connect, a blocking
 * connect that proceeds once another thread accepts), shutdown halves,
 * end of file, EPIPE with MSG_NOSIGNAL and with SIGPIPE ignored, MSG_PEEK,
 * MSG_DONTWAIT, poll events, options, and a large transfer between
 * threads with a checksum.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef POLLRDHUP
#define POLLRDHUP	0x2000
#endif

/* Per process: the Linux runs of the test may overlap. */
static char PATH[64], PATH2[64];
#define BIG	(4 << 20)

static short revents(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

static socklen_t make_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static void test_pair(void)
{
	int sv[2], v;
	char buf[16];
	socklen_t len = sizeof(v);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(send(sv[0], "hello", 5, 0) == 5);
	CHECK(write(sv[0], " world", 6) == 6);
	CHECK(ioctl(sv[1], FIONREAD, &v) == 0 && v == 11);
	/* Peek leaves the bytes; stream writes coalesce. */
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 11);
	CHECK(memcmp(buf, "hello world", 11) == 0);
	CHECK(recv(sv[1], buf, 3, 0) == 3 && memcmp(buf, "hel", 3) == 0);
	CHECK(read(sv[1], buf, sizeof(buf)) == 8);
	CHECK(memcmp(buf, "lo world", 8) == 0);
	errno = 0;
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	      errno == EAGAIN);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	      v == SOCK_STREAM);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 &&
	      v == 212992);
	v = 1;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 &&
	      v == 4608);
	v = 10000;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 &&
	      v == 20000);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len) == 0 &&
	      v == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 0);
	errno = 0;
	CHECK(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	struct ucred c;
	len = sizeof(c);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, &len) == 0);
	CHECK(len == sizeof(c) && c.pid == getpid() && c.uid == getuid() &&
	      c.gid == getgid());
	CHECK((revents(sv[0], POLLIN | POLLOUT) & (POLLIN | POLLOUT)) ==
	      POLLOUT);
	CHECK(send(sv[1], "x", 1, 0) == 1);
	CHECK(revents(sv[0], POLLIN | POLLOUT) == (POLLIN | POLLOUT));
	close(sv[0]);
	close(sv[1]);
}

static void test_shutdown(void)
{
	int sv[2];
	char buf[8];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(send(sv[0], "ab", 2, 0) == 2);
	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	printf("after SHUT_WR: own %#x, peer %#x\n",
	       revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	       revents(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	errno = 0;
	CHECK(send(sv[0], "c", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	/* The queued bytes come first, then end of file. */
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 2);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0);
	/* The other direction still works. */
	CHECK(send(sv[1], "z", 1, 0) == 1);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 1 && buf[0] == 'z');
	CHECK(shutdown(sv[1], SHUT_RD) == 0);
	errno = 0;
	CHECK(shutdown(sv[1], 7) == -1 && errno == EINVAL);
	printf("after both: %#x %#x\n",
	       revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	       revents(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	close(sv[0]);
	close(sv[1]);

	/* Peer close: data still readable, then 0; writes EPIPE. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(send(sv[1], "last", 4, 0) == 4);
	close(sv[1]);
	printf("peer closed: %#x\n",
	       revents(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 4);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 0);
	errno = 0;
	CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	CHECK(write(sv[0], "x", 1) == -1 && errno == EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);

	/* Closing with unread data resets the peer. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(send(sv[0], "lost", 4, 0) == 4);
	close(sv[1]);
	errno = 0;
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 0);
	close(sv[0]);
}

struct acceptor {
	int lfd;
	int fd;
};

static void *accept_later(void *arg)
{
	struct acceptor *a = arg;

	usleep(50000);
	a->fd = accept(a->lfd, NULL, NULL);
	return NULL;
}

static void test_listen(void)
{
	struct sockaddr_un a, got;
	socklen_t alen = make_addr(&a, PATH), len;
	int l, c[4], s, i, v, fl;
	char buf[8];
	struct stat st;
	pthread_t t;
	struct acceptor acc;

	unlink(PATH);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(l >= 0);
	errno = 0;
	CHECK(listen(l, 1) == -1 && errno == EINVAL);	/* unbound */
	errno = 0;
	CHECK(bind(l, (struct sockaddr *)&a, 1) == -1 && errno == EINVAL);
	CHECK(bind(l, (struct sockaddr *)&a, alen) == 0);
	/* Bound already: the same name is in use, another is EINVAL. */
	errno = 0;
	CHECK(bind(l, (struct sockaddr *)&a, alen) == -1 &&
	      errno == EADDRINUSE);
	len = make_addr(&got, PATH2);
	errno = 0;
	CHECK(bind(l, (struct sockaddr *)&got, len) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(stat(PATH2, &st) == -1 && errno == ENOENT);
	CHECK(stat(PATH, &st) == 0 && S_ISSOCK(st.st_mode));
	len = sizeof(got);
	CHECK(getsockname(l, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == alen && strcmp(got.sun_path, PATH) == 0);

	/* Nothing listens yet. */
	c[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	CHECK(connect(c[0], (struct sockaddr *)&a, alen) == -1 &&
	      errno == ECONNREFUSED);
	close(c[0]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, alen) == -1 &&
	      errno == EADDRINUSE);
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	errno = 0;
	CHECK(connect(s, (struct sockaddr *)&a, alen) == -1 &&
	      errno == EPROTOTYPE);
	close(s);

	fl = SOCK_NONBLOCK;
	errno = 0;
	CHECK(accept4(l, NULL, NULL, fl) == -1 && errno == EINVAL);
	CHECK(listen(l, 1) == 0);
	v = 0;
	len = sizeof(v);
	CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 1);
	CHECK(revents(l, POLLIN | POLLOUT) == 0);
	fcntl(l, F_SETFL, O_NONBLOCK);
	errno = 0;
	CHECK(accept(l, NULL, NULL) == -1 && errno == EAGAIN);
	fcntl(l, F_SETFL, 0);

	/* Backlog 1: two connections pend, the third would wait. */
	c[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	c[1] = socket(AF_UNIX, SOCK_STREAM, 0);
	c[2] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(connect(c[0], (struct sockaddr *)&a, alen) == 0);
	CHECK(connect(c[1], (struct sockaddr *)&a, alen) == 0);
	errno = 0;
	CHECK(connect(c[2], (struct sockaddr *)&a, alen) == -1 &&
	      errno == EAGAIN);
	CHECK(revents(l, POLLIN) == POLLIN);
	/* Data may go before the accept. */
	CHECK(send(c[0], "early", 5, 0) == 5);

	len = sizeof(got);
	memset(&got, 0x55, sizeof(got));
	s = accept4(l, (struct sockaddr *)&got, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0);
	CHECK(len == sizeof(sa_family_t) && got.sun_family == AF_UNIX);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(s, F_GETFD) == FD_CLOEXEC);
	CHECK(recv(s, buf, sizeof(buf), 0) == 5 &&
	      memcmp(buf, "early", 5) == 0);
	errno = 0;
	CHECK(recv(s, buf, sizeof(buf), 0) == -1 && errno == EAGAIN);
	len = sizeof(got);
	CHECK(getsockname(s, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == alen && strcmp(got.sun_path, PATH) == 0);
	len = sizeof(got);
	CHECK(getpeername(c[0], (struct sockaddr *)&got, &len) == 0);
	CHECK(len == alen && strcmp(got.sun_path, PATH) == 0);
	len = sizeof(got);
	CHECK(getpeername(s, (struct sockaddr *)&got, &len) == 0 &&
	      len == sizeof(sa_family_t));
	CHECK(send(s, "back", 4, 0) == 4);
	CHECK(recv(c[0], buf, sizeof(buf), 0) == 4);

	errno = 0;
	CHECK(connect(c[0], (struct sockaddr *)&a, alen) == -1 &&
	      errno == EISCONN);
	/* Room again: the non-blocking connect goes through. */
	CHECK(connect(c[2], (struct sockaddr *)&a, alen) == 0);
	/* Full again: a blocking connect waits for another thread's
	 * accept. */
	c[3] = socket(AF_UNIX, SOCK_STREAM, 0);
	acc.lfd = l;
	acc.fd = -1;
	CHECK(pthread_create(&t, NULL, accept_later, &acc) == 0);
	CHECK(connect(c[3], (struct sockaddr *)&a, alen) == 0);
	pthread_join(t, NULL);
	CHECK(acc.fd >= 0);
	for (i = 0; i < 2; i++) {
		int n = accept(l, NULL, NULL);

		CHECK(n >= 0);
		close(n);
	}
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(acc.fd);
	close(s);
	close(l);
	/* The name stays after close, as on Linux. */
	CHECK(stat(PATH, &st) == 0 && S_ISSOCK(st.st_mode));
	c[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	CHECK(connect(c[0], (struct sockaddr *)&a, alen) == -1 &&
	      errno == ECONNREFUSED);
	close(c[0]);
	CHECK(unlink(PATH) == 0);
}

static unsigned int checksum(const unsigned char *p, size_t n,
			     unsigned int sum)
{
	while (n--)
		sum = sum * 31 + *p++;
	return sum;
}

static unsigned char big[65536];

static void *writer(void *arg)
{
	int fd = *(int *)arg;
	size_t done = 0, n;
	ssize_t r;

	while (done < BIG) {
		n = BIG - done < 65536 ? BIG - done : 65536;
		for (size_t i = 0; i < n; i++)
			big[i] = (unsigned char)((done + i) * 7 + 3);
		r = write(fd, big, n);
		if (r != (ssize_t)n)
			break;
		done += n;
	}
	close(fd);
	return NULL;
}

static void test_big(void)
{
	static unsigned char rb[70000];
	unsigned int want = 0, sum = 0;
	size_t total = 0, i;
	pthread_t t;
	ssize_t r;
	int sv[2];

	for (i = 0; i < BIG; i++) {
		unsigned char b = (unsigned char)(i * 7 + 3);

		want = checksum(&b, 1, want);
	}
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pthread_create(&t, NULL, writer, &sv[0]) == 0);
	while ((r = read(sv[1], rb, sizeof(rb) - (total % 7))) > 0) {
		sum = checksum(rb, r, sum);
		total += r;
	}
	pthread_join(t, NULL);
	CHECK(r == 0);
	CHECK(total == BIG);
	CHECK(sum == want);
	close(sv[1]);
}

static void *write_in_two(void *arg)
{
	int fd = *(int *)arg;

	usleep(20000);
	if (write(fd, "abc", 3) != 3)
		return NULL;
	usleep(20000);
	if (write(fd, "def", 3) != 3)
		return NULL;
	return NULL;
}

struct drainer {
	int fd;
	size_t total;
};

static void *drain(void *arg)
{
	struct drainer *d = arg;
	char buf[4096];
	ssize_t r;

	while ((r = read(d->fd, buf, sizeof(buf))) > 0)
		d->total += r;
	return NULL;
}

/* MSG_WAITALL waits for every byte (across iovecs) unless the stream
 * ends; a blocking send bigger than the buffers finishes whole. */
static void test_waitall(void)
{
	static char big[1 << 20];
	char a[2], b[4];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	struct drainer d = { 0, 0 };
	pthread_t t;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pthread_create(&t, NULL, write_in_two, &sv[0]) == 0);
	CHECK(recvmsg(sv[1], &m, MSG_WAITALL) == 6);
	CHECK(!memcmp(a, "ab", 2) && !memcmp(b, "cdef", 4));
	pthread_join(t, NULL);
	CHECK(write(sv[0], "xy", 2) == 2);
	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	CHECK(recv(sv[1], b, sizeof(b), MSG_WAITALL) == 2);
	close(sv[0]);
	close(sv[1]);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	d.fd = sv[1];
	CHECK(pthread_create(&t, NULL, drain, &d) == 0);
	CHECK(send(sv[0], big, sizeof(big), 0) == (ssize_t)sizeof(big));
	close(sv[0]);
	pthread_join(t, NULL);
	CHECK(d.total == sizeof(big));
	close(sv[1]);
}

static void test_errors(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v;
	struct sockaddr_un a;
	char buf[4];
	socklen_t len = sizeof(a);

	errno = 0;
	CHECK(send(s, "x", 1, MSG_NOSIGNAL) == -1 && errno == ENOTCONN);
	errno = 0;
	CHECK(recv(s, buf, 1, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(getpeername(s, (struct sockaddr *)&a, &len) == -1 &&
	      errno == ENOTCONN);
	CHECK(getsockname(s, (struct sockaddr *)&a, &len) == 0 &&
	      len == sizeof(sa_family_t));
	printf("unconnected poll %#x\n", revents(s, POLLIN | POLLOUT));
	CHECK(shutdown(s, SHUT_RDWR) == 0);
	a.sun_family = AF_INET;
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(socket(AF_UNIX, SOCK_STREAM, 7) == -1 &&
	      errno == EPROTONOSUPPORT);
	errno = 0;
	CHECK(socket(AF_UNIX, 9, 0) == -1 && errno == ESOCKTNOSUPPORT);
	errno = 0;
	CHECK(ioctl(s, FIONREAD, &v) == 0 && v == 0);
	close(s);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	if (mkdir("/tmp", 0777) && errno != EEXIST)
		printf("cannot create /tmp\n");
	snprintf(PATH, sizeof(PATH), "/tmp/amphi-unix-stream-%d",
		 (int)getpid());
	snprintf(PATH2, sizeof(PATH2), "%s-2", PATH);
	test_pair();
	test_shutdown();
	test_listen();
	test_big();
	test_waitall();
	test_errors();
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
