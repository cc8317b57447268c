/* SPDX-License-Identifier: BSD-3-Clause */
/* select and pselect (core/poll), over poll. */
#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H

#include <sys/types.h>
#include <sys/time.h>
#include <signal.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FD_SETSIZE	1024

typedef struct {
	unsigned long fds_bits[FD_SETSIZE / (8 * sizeof(unsigned long))];
} fd_set;

#define __FD_WORD(fd)	((fd) / (8 * (int)sizeof(unsigned long)))
#define __FD_MASK(fd)	(1UL << ((fd) % (8 * (int)sizeof(unsigned long))))
#define FD_ZERO(s)	__builtin_memset((s), 0, sizeof(fd_set))
#define FD_SET(fd, s)	((s)->fds_bits[__FD_WORD(fd)] |= __FD_MASK(fd))
#define FD_CLR(fd, s)	((s)->fds_bits[__FD_WORD(fd)] &= ~__FD_MASK(fd))
#define FD_ISSET(fd, s)	(((s)->fds_bits[__FD_WORD(fd)] & __FD_MASK(fd)) != 0)

/* Waits for the fds below nfds in the sets; rewrites the sets to the
 * ready ones. Returns their count (0 on timeout) or -1 + errno (EBADF,
 * EINVAL for nfds < 0 or > FD_SETSIZE or a bad timeout, EFAULT). select
 * updates *timeout to the time left, as Linux. */
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
	   struct timeval *timeout);
int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
	    const struct timespec *timeout, const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_SELECT_H */
