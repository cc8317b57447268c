/* SPDX-License-Identifier: BSD-3-Clause */
/* epoll (core/poll): Linux's values and packed x86_64 event layout. */
#ifndef _SYS_EPOLL_H
#define _SYS_EPOLL_H

#include <stdint.h>
#include <signal.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EPOLL_CLOEXEC	02000000

#define EPOLL_CTL_ADD	1
#define EPOLL_CTL_DEL	2
#define EPOLL_CTL_MOD	3

#define EPOLLIN		0x001U
#define EPOLLPRI	0x002U
#define EPOLLOUT	0x004U
#define EPOLLERR	0x008U
#define EPOLLHUP	0x010U
#define EPOLLNVAL	0x020U
#define EPOLLRDNORM	0x040U
#define EPOLLRDBAND	0x080U
#define EPOLLWRNORM	0x100U
#define EPOLLWRBAND	0x200U
#define EPOLLMSG	0x400U
#define EPOLLRDHUP	0x2000U
#define EPOLLEXCLUSIVE	(1U << 28)
#define EPOLLWAKEUP	(1U << 29)
#define EPOLLONESHOT	(1U << 30)
#define EPOLLET		(1U << 31)

typedef union epoll_data {
	void *ptr;
	int fd;
	uint32_t u32;
	uint64_t u64;
} epoll_data_t;

struct epoll_event {
	uint32_t events;
	epoll_data_t data;
}
#ifdef __x86_64__
__attribute__((packed))
#endif
;

/* A new epoll's fd (size must be > 0; flags 0 or EPOLL_CLOEXEC), or -1 +
 * errno (EINVAL, EMFILE, ENOMEM). */
int epoll_create(int size);
int epoll_create1(int flags);
/* Adds, changes or removes fd in epfd's interest list. Returns 0 or -1 +
 * errno: EBADF, EEXIST, ENOENT, EINVAL (epfd no epoll, fd == epfd, bad
 * op or flags), ELOOP (nesting cycle or deeper than 5), EPERM (fd
 * cannot be polled), EFAULT, ENOMEM. */
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
/* Waits up to timeout ms (-1: forever) for events. Returns how many were
 * stored (0 on timeout) or -1 + errno (EBADF, EINVAL, EFAULT). */
int epoll_wait(int epfd, struct epoll_event *events, int maxevents,
	       int timeout);
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents,
		int timeout, const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_EPOLL_H */
