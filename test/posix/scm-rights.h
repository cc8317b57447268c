/*
 * Helpers for the tests that pass fds over AF_UNIX sockets (SCM_RIGHTS),
 * built like posix-check.h for Linux and for Amphi.
 */
#ifndef AMPHI_POSIX_SCM_RIGHTS_H
#define AMPHI_POSIX_SCM_RIGHTS_H

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SCM_MAXFDS	8

/* Sends the byte c with n fds (n <= SCM_MAXFDS) as SCM_RIGHTS; returns
 * sendmsg's result. */
static inline ssize_t send_fds(int s, char c, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(SCM_MAXFDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *cm;

	memset(&u, 0, sizeof(u));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = CMSG_SPACE(n * sizeof(int));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(s, &m, 0);
}

#endif
