/* SPDX-License-Identifier: BSD-3-Clause */
/* poll and ppoll (core/poll): Linux's event bits. */
#ifndef _POLL_H
#define _POLL_H

#include <signal.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN		0x001
#define POLLPRI		0x002
#define POLLOUT		0x004
#define POLLERR		0x008
#define POLLHUP		0x010
#define POLLNVAL	0x020
#define POLLRDNORM	0x040
#define POLLRDBAND	0x080
#define POLLWRNORM	0x100
#define POLLWRBAND	0x200
#define POLLMSG		0x400
#define POLLRDHUP	0x2000

typedef unsigned long nfds_t;

struct pollfd {
	int fd;
	short events;
	short revents;
};


/* Waits up to timeout ms (-1: forever) until one of the fds has events;
 * fills revents (POLLNVAL for a bad fd; negative fds are skipped).
 * Returns the count with events (0 on timeout) or -1 + errno (EFAULT,
 * EINVAL for nfds over RLIMIT_NOFILE, ENOMEM). */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);
/* poll with a timespec (NULL: forever; EINVAL if invalid); sigmask is
 * applied for the call's duration. */
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	  const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif

#endif /* _POLL_H */
