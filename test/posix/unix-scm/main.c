/*
 * AF_UNIX fd passing and socket options, checked the same way on Linux
 * and on Amphi: SCM_RIGHTS over stream, seqpacket and datagram sockets
 * (the received fd is a new number on the same open file description),
 * several fds at once, MSG_CTRUNC, MSG_CMSG_CLOEXEC, bad fds, rights
 * discarded unread (the passed pipe end is closed: EOF on the other end);
 * then SO_PEERCRED, SO_TYPE/DOMAIN/PROTOCOL/ACCEPTCONN, SO_SNDBUF/RCVBUF,
 * SO_ERROR, SO_RCVTIMEO and the errors of getsockopt/setsockopt.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"
#include "../scm-rights.h"

static char dir[64];

struct got {
	ssize_t n;		/* recvmsg's result */
	char c;			/* the byte */
	int flags;		/* msg_flags */
	int nfds;		/* fds in SCM_RIGHTS */
	int fds[SCM_MAXFDS];
};

/* Receives one byte and up to ctl bytes of control data into *g. */
static void recv_fds(int s, size_t ctl, int flags, struct got *g)
{
	union {
		char buf[CMSG_SPACE(SCM_MAXFDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &g->c, 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *cm;

	memset(g, 0, sizeof(*g));
	/* Missing fds stay invalid: a failed check must not write to a
	 * real fd (or block on one). */
	memset(g->fds, 0xff, sizeof(g->fds));
	memset(&u, 0, sizeof(u));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl ? u.buf : NULL;
	m.msg_controllen = ctl;
	g->n = recvmsg(s, &m, flags);
	g->flags = m.msg_flags;
	if (g->n < 0)
		return;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS)
			continue;
		g->nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(g->fds, CMSG_DATA(cm), g->nfds * sizeof(int));
	}
}

/* True if no fd in fds[0..n) is one of the caller's own fds. */
static int all_new(const int *fds, int n, const int *own, int nown)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if (fds[i] < 0 || fcntl(fds[i], F_GETFD) < 0)
			return 0;
		for (j = 0; j < nown; j++)
			if (fds[i] == own[j])
				return 0;
	}
	return 1;
}

/* A pipe end, an eventfd, a regular file and a socket over a pair of
 * sockets of type. */
static void test_rights(int type)
{
	int sv[2], p[2], other[2], ev, file, own[8];
	char path[96], buf[16];
	uint64_t v;
	struct got g;

	/* Non-blocking everywhere: a failure fails checks, never hangs. */
	CHECK(socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	ev = eventfd(0, EFD_NONBLOCK);
	CHECK(ev >= 0);
	snprintf(path, sizeof(path), "%s/file-%d", dir, type);
	file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(file >= 0);
	CHECK(write(file, "0123456789", 10) == 10);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
			 other) == 0);
	own[0] = sv[0], own[1] = sv[1], own[2] = p[0], own[3] = p[1];
	own[4] = ev, own[5] = file, own[6] = other[0], own[7] = other[1];

	/* A pipe's write end: the copy writes into the same pipe. */
	CHECK(send_fds(sv[0], 'p', &p[1], 1) == 1);
	recv_fds(sv[1], CMSG_SPACE(sizeof(int)), 0, &g);
	CHECK(g.n == 1 && g.c == 'p' && g.flags == 0 && g.nfds == 1);
	CHECK(all_new(g.fds, g.nfds, own, 8));
	CHECK(write(g.fds[0], "via copy", 8) == 8);
	CHECK(read(p[0], buf, sizeof(buf)) == 8 &&
	      memcmp(buf, "via copy", 8) == 0);
	/* Status flags belong to the description: shared. The fd flag
	 * FD_CLOEXEC is per fd. */
	CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK(fcntl(g.fds[0], F_GETFL) >= 0 &&
	      (fcntl(g.fds[0], F_GETFL) & O_NONBLOCK));
	CHECK(fcntl(g.fds[0], F_GETFD) == 0);
	close(g.fds[0]);

	/* An eventfd: written through one, read through the other. */
	CHECK(send_fds(sv[1], 'e', &ev, 1) == 1);
	recv_fds(sv[0], CMSG_SPACE(sizeof(int)), 0, &g);
	CHECK(g.n == 1 && g.c == 'e' && g.nfds == 1);
	CHECK(all_new(g.fds, g.nfds, own, 8));
	v = 5;
	CHECK(write(ev, &v, 8) == 8);
	v = 0;
	CHECK(read(g.fds[0], &v, 8) == 8 && v == 5);
	close(g.fds[0]);

	/* A regular file: one position for both. */
	CHECK(send_fds(sv[0], 'f', &file, 1) == 1);
	recv_fds(sv[1], CMSG_SPACE(sizeof(int)), 0, &g);
	CHECK(g.n == 1 && g.c == 'f' && g.nfds == 1);
	CHECK(lseek(g.fds[0], 0, SEEK_CUR) == 10);
	CHECK(lseek(file, 2, SEEK_SET) == 2);
	CHECK(read(g.fds[0], buf, 3) == 3 && memcmp(buf, "234", 3) == 0);
	CHECK(lseek(file, 0, SEEK_CUR) == 5);
	close(g.fds[0]);

	/* A socket: the copy talks to the same peer. */
	CHECK(send_fds(sv[0], 's', &other[0], 1) == 1);
	recv_fds(sv[1], CMSG_SPACE(sizeof(int)), 0, &g);
	CHECK(g.n == 1 && g.c == 's' && g.nfds == 1);
	CHECK(write(g.fds[0], "sock", 4) == 4);
	CHECK(read(other[1], buf, sizeof(buf)) == 4 &&
	      memcmp(buf, "sock", 4) == 0);
	close(g.fds[0]);

	/* Several in one message, in order; the same fd twice is two
	 * new fds. */
	{
		int many[4] = { p[0], ev, file, p[0] };
		struct stat a, b;

		CHECK(send_fds(sv[0], 'm', many, 4) == 1);
		recv_fds(sv[1], CMSG_SPACE(4 * sizeof(int)), 0, &g);
		CHECK(g.n == 1 && g.c == 'm' && g.nfds == 4);
		CHECK(all_new(g.fds, g.nfds, own, 8));
		CHECK(g.fds[0] != g.fds[3]);
		CHECK(fstat(g.fds[2], &a) == 0 && fstat(file, &b) == 0 &&
		      a.st_ino == b.st_ino && S_ISREG(a.st_mode));
		CHECK(fstat(g.fds[0], &a) == 0 && S_ISFIFO(a.st_mode));
		CHECK(write(p[1], "x", 1) == 1);
		CHECK(read(g.fds[3], buf, 1) == 1 && buf[0] == 'x');
		close(g.fds[0]);
		close(g.fds[1]);
		close(g.fds[2]);
		close(g.fds[3]);
	}

	/* MSG_CMSG_CLOEXEC marks the new fds close-on-exec. */
	CHECK(send_fds(sv[0], 'c', &ev, 1) == 1);
	recv_fds(sv[1], CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC, &g);
	CHECK(g.n == 1 && g.nfds == 1);
	CHECK(fcntl(g.fds[0], F_GETFD) == FD_CLOEXEC);
	close(g.fds[0]);

	/* A bad fd fails the whole message: nothing is sent. */
	{
		int bad[2] = { ev, 999 };

		CHECK(send_fds(sv[0], 'b', bad, 2) == -1 && errno == EBADF);
		bad[1] = -1;
		CHECK(send_fds(sv[0], 'b', bad, 2) == -1 && errno == EBADF);
		recv_fds(sv[1], CMSG_SPACE(sizeof(int)), MSG_DONTWAIT, &g);
		CHECK(g.n == -1 && errno == EAGAIN);
	}

	close(other[0]);
	close(other[1]);
	close(file);
	CHECK(unlink(path) == 0);
	close(ev);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

/* The control buffer is too small: MSG_CTRUNC, the fds that fit are
 * received and the others are closed (EOF once the last copy goes). */
static void test_ctrunc(int type)
{
	int sv[2], p[2], fds[3];
	char buf[4];
	struct got g;

	CHECK(socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	fds[0] = fds[1] = fds[2] = p[1];
	CHECK(send_fds(sv[0], 't', fds, 3) == 1);
	close(p[1]);
	/* Room for the header and one int. */
	recv_fds(sv[1], CMSG_LEN(sizeof(int)), 0, &g);
	CHECK(g.n == 1 && g.c == 't');
	CHECK(g.flags & MSG_CTRUNC);
	CHECK(g.nfds == 1);
	CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN);
	CHECK(write(g.fds[0], "y", 1) == 1);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'y');
	close(g.fds[0]);
	CHECK(read(p[0], buf, 1) == 0);
	close(p[0]);

	/* No control buffer at all. */
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(send_fds(sv[0], 'u', &p[1], 1) == 1);
	close(p[1]);
	recv_fds(sv[1], 0, 0, &g);
	CHECK(g.n == 1 && g.c == 'u' && (g.flags & MSG_CTRUNC) &&
	      g.nfds == 0);
	CHECK(read(p[0], buf, 1) == 0);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

/* Rights never received die with the socket: the pipe's reader sees
 * EOF once the sockets are closed, and not before. */
static void test_discarded(int type)
{
	int sv[2], p[2], fds[2];
	char buf[4];

	CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	fds[0] = fds[1] = p[1];
	CHECK(send_fds(sv[0], 'd', fds, 2) == 1);
	CHECK(send_fds(sv[0], 'e', fds, 1) == 1);
	close(p[1]);
	CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN);
	close(sv[0]);
	CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN);
	close(sv[1]);
	CHECK(read(p[0], buf, 1) == 0);
	close(p[0]);
}

/* SCM_RIGHTS from a connected stream socket to an accepted one. */
static void test_rights_accepted(void)
{
	struct sockaddr_un sa = { AF_UNIX, "" };
	int l, c, a, p[2];
	char buf[4];
	struct got g;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/srv.sock", dir);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(l, 4) == 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(send_fds(c, 'a', &p[0], 1) == 1);
	recv_fds(a, CMSG_SPACE(sizeof(int)), 0, &g);
	CHECK(g.n == 1 && g.c == 'a' && g.nfds == 1);
	CHECK(write(p[1], "z", 1) == 1);
	CHECK(read(g.fds[0], buf, 1) == 1 && buf[0] == 'z');
	close(g.fds[0]);
	close(p[0]);
	close(p[1]);
	close(a);
	close(c);
	close(l);
	CHECK(unlink(sa.sun_path) == 0);
}

static int int_opt(int s, int name)
{
	socklen_t len = sizeof(int);
	int v = -12345;

	if (getsockopt(s, SOL_SOCKET, name, &v, &len) || len != sizeof(int))
		return -12345;
	return v;
}

static int creds_are_mine(int s)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(&uc, 0xff, sizeof(uc));
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len))
		return 0;
	return len == sizeof(uc) && uc.pid == getpid() &&
	       uc.uid == getuid() && uc.gid == getgid();
}

static void test_peercred(void)
{
	struct sockaddr_un sa = { AF_UNIX, "" };
	int sv[2], l, c, a;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(creds_are_mine(sv[0]) && creds_are_mine(sv[1]));
	close(sv[0]);
	close(sv[1]);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(creds_are_mine(sv[0]));
	close(sv[0]);
	close(sv[1]);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/cred.sock", dir);
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(l, 4) == 0);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK(creds_are_mine(a));
	CHECK(creds_are_mine(c));
	close(a);
	close(c);
	close(l);
	CHECK(unlink(sa.sun_path) == 0);
}

static void test_kind_options(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	int i, s;

	for (i = 0; i < 3; i++) {
		s = socket(AF_UNIX, types[i], 0);
		CHECK(int_opt(s, SO_TYPE) == types[i]);
		CHECK(int_opt(s, SO_DOMAIN) == AF_UNIX);
		CHECK(int_opt(s, SO_PROTOCOL) == 0);
		CHECK(int_opt(s, SO_ACCEPTCONN) == 0);
		CHECK(int_opt(s, SO_ERROR) == 0);
		close(s);
	}
	/* Flags of the type are not part of SO_TYPE. */
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(int_opt(s, SO_TYPE) == SOCK_STREAM);
	/* An unbound socket cannot listen; an autobound one can. */
	CHECK(listen(s, 1) == -1 && errno == EINVAL);
	CHECK(int_opt(s, SO_ACCEPTCONN) == 0);
	{
		struct sockaddr_un sa = { AF_UNIX, "" };

		CHECK(bind(s, (struct sockaddr *)&sa,
			   sizeof(sa_family_t)) == 0);
	}
	CHECK(listen(s, 1) == 0);
	CHECK(int_opt(s, SO_ACCEPTCONN) == 1);
	close(s);
}

static void test_buffer_options(void)
{
	int s, v;

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(int_opt(s, SO_SNDBUF) > 0 && int_opt(s, SO_RCVBUF) > 0);
	/* Linux doubles the value for its bookkeeping. */
	v = 65536;
	CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
	CHECK(int_opt(s, SO_SNDBUF) == 2 * 65536);
	v = 32768;
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	CHECK(int_opt(s, SO_RCVBUF) == 2 * 32768);
	close(s);
}

static volatile int timeo_done;

/* If the timeout never fires, a byte after 3 s ends the wait: the check
 * fails instead of hanging. */
static void *timeo_watchdog(void *arg)
{
	int i;

	for (i = 0; i < 300 && !timeo_done; i++)
		usleep(10000);
	if (!timeo_done)
		write(*(int *)arg, "!", 1);
	return NULL;
}

static void test_rcvtimeo(void)
{
	struct timeval tv = { 0, 20000 }, got;
	socklen_t len = sizeof(got);
	pthread_t t;
	int sv[2];
	char c;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
			 sizeof(tv)) == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0);
	CHECK(len == sizeof(got) && got.tv_sec == 0 &&
	      got.tv_usec == 20000);
	timeo_done = 0;
	CHECK(pthread_create(&t, NULL, timeo_watchdog, &sv[1]) == 0);
	CHECK(recv(sv[0], &c, 1, 0) == -1 && errno == EAGAIN);
	CHECK(read(sv[0], &c, 1) == -1 && errno == EAGAIN);
	timeo_done = 1;
	pthread_join(t, NULL);
	/* Data there: no waiting. */
	CHECK(write(sv[1], "k", 1) == 1);
	CHECK(recv(sv[0], &c, 1, 0) == 1 && c == 'k');
	/* A zero timeout is forever again. */
	tv.tv_usec = 0;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
			 sizeof(tv)) == 0);
	len = sizeof(got);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0);
	CHECK(got.tv_sec == 0 && got.tv_usec == 0);
	/* A bad microsecond count. */
	tv.tv_usec = 1000000;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
			 sizeof(tv)) == -1 && errno == EDOM);
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 4) == -1 &&
	      errno == EINVAL);
	close(sv[0]);
	close(sv[1]);
}

static void test_option_errors(void)
{
	socklen_t len;
	int s, v, p[2];

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	len = sizeof(v);
	CHECK(getsockopt(s, SOL_SOCKET, 9999, &v, &len) == -1 &&
	      errno == ENOPROTOOPT);
	v = 1;
	CHECK(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)) == -1 &&
	      errno == ENOPROTOOPT);
	/* A negative length is EINVAL; a short one for an int option is
	 * EINVAL when setting. */
	len = -1;
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == -1 &&
	      errno == EINVAL);
	CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 2) == -1 &&
	      errno == EINVAL);
	CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 0) == -1 &&
	      errno == EINVAL);
	/* Bad pointers. */
	len = sizeof(v);
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, NULL, &len) == -1 &&
	      errno == EFAULT);
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL) == -1 &&
	      errno == EFAULT);
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, (void *)16, &len) == -1 &&
	      errno == EFAULT);
	CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, NULL, sizeof(v)) == -1 &&
	      errno == EFAULT);
	CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, (void *)1,
			 sizeof(v)) == -1 && errno == EFAULT);
	/* Not a socket, not an fd. */
	CHECK(pipe(p) == 0);
	len = sizeof(v);
	CHECK(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len) == -1 &&
	      errno == ENOTSOCK);
	CHECK(setsockopt(p[1], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == -1 &&
	      errno == ENOTSOCK);
	close(p[0]);
	close(p[1]);
	CHECK(getsockopt(999, SOL_SOCKET, SO_TYPE, &v, &len) == -1 &&
	      errno == EBADF);
	CHECK(setsockopt(-1, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == -1 &&
	      errno == EBADF);
	close(s);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	snprintf(dir, sizeof(dir), "/tmp/unix-scm-%d", (int)getpid());
	if (mkdir("/tmp", 0777) && errno != EEXIST)
		printf("cannot create /tmp\n");
	CHECK(mkdir(dir, 0755) == 0);
	test_rights(SOCK_STREAM);
	test_rights(SOCK_SEQPACKET);
	test_rights(SOCK_DGRAM);
	test_ctrunc(SOCK_STREAM);
	test_ctrunc(SOCK_SEQPACKET);
	test_ctrunc(SOCK_DGRAM);
	test_discarded(SOCK_STREAM);
	test_discarded(SOCK_SEQPACKET);
	test_discarded(SOCK_DGRAM);
	test_rights_accepted();
	test_peercred();
	test_kind_options();
	test_buffer_options();
	test_rcvtimeo();
	test_option_errors();
	CHECK(rmdir(dir) == 0);
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
