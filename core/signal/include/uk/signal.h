/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signals with Linux's numbers and system calls (rt_sigaction,
 * rt_sigprocmask, rt_sigpending, kill, tkill, tgkill, rt_sigreturn).
 *
 * Today's semantics: the dispositions and the pending set are
 * process-wide, the blocked mask is per thread (inherited by a clone
 * child), and delivery is synchronous: a signal raised by the app (raise,
 * kill or tkill of its own ids) or by the kernel (SIGPIPE) runs its
 * handler at once in the calling thread, or stays pending while blocked
 * and runs when a mask change of a thread unblocks it. The state is
 * reached through one function (signal.c: sigstate()), so that
 * per-thread pending sets are a change of that function and of the
 * delivery points.
 */
#ifndef __UK_SIGNAL_H__
#define __UK_SIGNAL_H__

#include <uk/arch/types.h>

#define UK_NSIG			65	/* signals 1..64 */
#define UK_SIGBIT(sig)		(1UL << ((sig) - 1))

/* Linux's struct k_sigaction (x86_64, arm64): what rt_sigaction takes. */
struct uk_sigaction {
	void *handler;			/* SIG_DFL (0), SIG_IGN (1) or code */
	unsigned long flags;		/* SA_* */
	void (*restorer)(void);		/* SA_RESTORER: return trampoline */
	__u64 mask;			/* blocked while the handler runs */
};

/* The calling thread's blocked and pending signals. */
struct uk_signal_state {
	__u64 *blocked;			/* the thread's (uk_thread) */
	__u64 *pending;			/* the process's, today */
};

/* Raises sig in the calling thread: runs its action now, or makes it
 * pending while blocked. Returns 0 or -EINVAL. */
int uk_signal_raise(int sig);

/* Writers to a pipe or stream socket without readers call this (unless
 * MSG_NOSIGNAL) right before returning -EPIPE. */
void uk_signal_raise_pipe(void);

/* Changes the calling thread's blocked set with kernel memory (how:
 * SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK; set may be NULL), the old set in
 * *old if not NULL. Delivers what became unblocked. Returns 0 or -EINVAL.
 * ppoll, pselect and epoll_pwait swap the mask with it. */
int uk_signal_mask(int how, const __u64 *set, __u64 *old);

/* For ppoll, pselect6 and epoll_pwait: if umask is not NULL, installs
 * the app's mask *umask (size bytes: 8, as Linux wants) for the call,
 * the previous one in *old, and returns 1; 0 without a mask; -EINVAL,
 * -EFAULT. uk_signal_mask_restore(old) puts the old mask back after. */
int uk_signal_mask_swap_user(const void *umask, __sz size, __u64 *old);
void uk_signal_mask_restore(__u64 old);

/* The signals pending for the calling thread. */
__u64 uk_signal_pending(void);

#endif /* __UK_SIGNAL_H__ */
