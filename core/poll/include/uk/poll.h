/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel side of core/poll: helpers shared by poll, select and epoll.
 * The POSIX calls themselves are declared in poll.h, sys/select.h,
 * sys/epoll.h and sys/eventfd.h.
 */
#ifndef __UK_POLL_H__
#define __UK_POLL_H__

#include <uk/sched.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Yields the CPU once if the library is built with the poll_yield option
 * (CONFIG_POLL_YIELD), else does nothing. poll, select and epoll_wait
 * call it before looking at their fds, so a thread that polls in a loop
 * with a zero timeout cannot starve the other threads of its CPU on the
 * cooperative scheduler.
 */
static inline void uk_poll_yield(void)
{
#ifdef CONFIG_POLL_YIELD
	uk_sched_yield();
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* __UK_POLL_H__ */
