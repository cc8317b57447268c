/*
 * Credentials over AF_UNIX sockets, checked the same way on Linux and on
 * Amphi: SO_PASSCRED (off by default), the SCM_CREDENTIALS message a
 * receiver with it gets whether or not the sender sent one, explicit
 * credentials a sender passes, none without SO_PASSCRED, on stream and
 * datagram pairs; an unbound datagram sender with SO_PASSCRED is
 * autobound (the receiver sees an abstract name), one without is
 * unnamed (a name of length 0), and a stream client with it is named
 * when it connects; SO_PEERCRED of a pair.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"

/* Receives one byte into *c; *cr gets SCM_CREDENTIALS if any came.
 * Returns 1 if they came, 0 if not, -1 on error. */
static int recv_creds(int s, char *c, struct ucred *cr, int flags)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + 64];
	} ctl;
	struct iovec iov = { c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *h;

	if (recvmsg(s, &m, flags) != 1)
		return -1;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		if (h->cmsg_level == SOL_SOCKET &&
		    h->cmsg_type == SCM_CREDENTIALS &&
		    h->cmsg_len == CMSG_LEN(sizeof(*cr))) {
			memcpy(cr, CMSG_DATA(h), sizeof(*cr));
			return 1;
		}
	}
	return 0;
}

/* Sends one byte with cr as SCM_CREDENTIALS. */
static ssize_t send_creds(int s, const struct ucred *cr)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct iovec iov = { "c", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_CREDENTIALS;
	h->cmsg_len = CMSG_LEN(sizeof(*cr));
	memcpy(CMSG_DATA(h), cr, sizeof(*cr));
	return sendmsg(s, &m, 0);
}

static int is_me(const struct ucred *cr)
{
	return cr->pid == getpid() && cr->uid == getuid() &&
	       cr->gid == getgid();
}

static void test_passcred(int type)
{
	struct ucred cr, me = { getpid(), getuid(), getgid() };
	int sv[2], v = -1, one = 1;
	socklen_t len = sizeof(v);
	char c;

	CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
	CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len) == 0 &&
	      v == 0 && len == sizeof(v));
	/* Without SO_PASSCRED: no credentials, even sent ones. */
	CHECK(send(sv[0], "a", 1, 0) == 1);
	CHECK(recv_creds(sv[1], &c, &cr, 0) == 0 && c == 'a');
	CHECK(send_creds(sv[0], &me) == 1);
	CHECK(recv_creds(sv[1], &c, &cr, 0) == 0 && c == 'c');
	/* With it: the sender's, sent or not. */
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one,
			 sizeof(one)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len) == 0 &&
	      v == 1);
	CHECK(send(sv[0], "b", 1, 0) == 1);
	memset(&cr, 0, sizeof(cr));
	CHECK(recv_creds(sv[1], &c, &cr, 0) == 1 && c == 'b' && is_me(&cr));
	memset(&cr, 0, sizeof(cr));
	CHECK(send_creds(sv[0], &me) == 1);
	CHECK(recv_creds(sv[1], &c, &cr, 0) == 1 && c == 'c' && is_me(&cr));
	/* MSG_PEEK shows them too. */
	CHECK(send(sv[0], "d", 1, 0) == 1);
	memset(&cr, 0, sizeof(cr));
	CHECK(recv_creds(sv[1], &c, &cr, MSG_PEEK) == 1 && is_me(&cr));
	CHECK(recv_creds(sv[1], &c, &cr, 0) == 1 && c == 'd');
	close(sv[0]);
	close(sv[1]);
}

/* The name a datagram from s shows at a receiver bound to an abstract
 * name: its length. */
static socklen_t sender_name_len(int passcred, struct sockaddr_un *from)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s, one = 1;
	socklen_t alen, len = sizeof(*from);
	char c;

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "creds-%d-%d",
		 (int)getpid(), passcred);
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(a.sun_path + 1);
	CHECK(bind(r, (struct sockaddr *)&a, alen) == 0);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (passcred)
		CHECK(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one,
				 sizeof(one)) == 0);
	CHECK(sendto(s, "x", 1, 0, (struct sockaddr *)&a, alen) == 1);
	memset(from, 0, sizeof(*from));
	CHECK(recvfrom(r, &c, 1, 0, (struct sockaddr *)from, &len) == 1);
	close(s);
	close(r);
	return len;
}

static void test_autobind(void)
{
	struct sockaddr_un from;
	socklen_t len;

	/* An unnamed sender: no name at all (length 0). */
	len = sender_name_len(0, &from);
	CHECK(len == 0);
	/* Linux's autobind name: a NUL and five hex digits. */
	len = sender_name_len(1, &from);
	CHECK(len == sizeof(sa_family_t) + 6 && from.sun_path[0] == 0);
}

/* A stream client with SO_PASSCRED is named when it connects. */
static void test_autobind_stream(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX }, peer;
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c, s, one = 1;
	socklen_t alen, len = sizeof(peer);

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "creds-l-%d",
		 (int)getpid());
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(a.sun_path + 1);
	CHECK(bind(l, (struct sockaddr *)&a, alen) == 0);
	CHECK(listen(l, 1) == 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(setsockopt(c, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
	CHECK(connect(c, (struct sockaddr *)&a, alen) == 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(getpeername(s, (struct sockaddr *)&peer, &len) == 0 &&
	      len == sizeof(sa_family_t) + 6 && peer.sun_path[0] == 0);
	len = sizeof(peer);
	CHECK(getsockname(c, (struct sockaddr *)&a, &len) == 0 &&
	      len == sizeof(sa_family_t) + 6 &&
	      !memcmp(a.sun_path, peer.sun_path, 6));
	close(s);
	close(c);
	close(l);
}

static void test_peercred(void)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	memset(&cr, 0, sizeof(cr));
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
	      len == sizeof(cr) && is_me(&cr));
	/* A short buffer: what fits. */
	len = 4;
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
	      len == 4);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	int low = lowest_free_fd();

	test_passcred(SOCK_STREAM);
	test_passcred(SOCK_DGRAM);
	test_passcred(SOCK_SEQPACKET);
	test_autobind();
	test_autobind_stream();
	test_peercred();
	CHECK(lowest_free_fd() == low);
	return posix_check_summary();
}
