/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signals with Linux's numbers and system calls: rt_sigaction,
 * rt_sigprocmask, rt_sigpending, kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, rt_sigsuspend, pause, rt_sigtimedwait, sigaltstack,
 * rt_sigreturn; signalfd/signalfd4 (signalfd.c); alarm, setitimer,
 * getitimer and the POSIX timers (timer.c).
 *
 * The dispositions and a pending set are the process's; each thread has
 * its blocked mask and a pending set of its own (tkill, tgkill, timers
 * with SIGEV_THREAD_ID). Standard signals are pending at most once,
 * real-time ones (32..64) are queued with their siginfo.
 *
 * Delivery: a signal is taken by a thread that does not block it (the
 * target of a thread-directed one; for a process-directed one the
 * sender if it can, else the first app thread that can). That thread's
 * sig_intr is set: its interruptible waits end (a system call returns
 * -EINTR, or runs again after the handler with SA_RESTART), handlers run
 * when the system call returns, and a thread running app code on
 * another CPU is interrupted there (uk_thread_interrupt). Handlers run
 * as calls on the thread's stack (or its sigaltstack with SA_ONSTACK):
 * there is no signal frame on the stack; a SA_SIGINFO handler's ucontext
 * (uk/ucontext.h) carries the mask to restore, the sigaltstack, and the
 * registers of a system call that saved a full frame, or of the app
 * code an asynchronous signal or a fault (fault.c: SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL in the faulting thread) interrupted.
 */
#ifndef __UK_SIGNAL_H__
#define __UK_SIGNAL_H__

#include <uk/arch/types.h>
#include <uk/thread.h>

#define UK_NSIG			65	/* signals 1..64 */
#define UK_SIGBIT(sig)		(1UL << ((sig) - 1))

/* Linux's struct k_sigaction (x86_64, arm64): what rt_sigaction takes. */
struct uk_sigaction {
	void *handler;			/* SIG_DFL (0), SIG_IGN (1) or code */
	unsigned long flags;		/* SA_* */
	void (*restorer)(void);		/* SA_RESTORER: return trampoline */
	__u64 mask;			/* blocked while the handler runs */
};

/* Linux's siginfo_t (128 bytes); the union's fields by their offsets. */
struct uk_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad;
	int si_a;			/* si_pid, si_tid (timer) */
	int si_b;			/* si_uid, si_overrun (timer); with
					 * si_a: si_addr (a fault's) */
	__u64 si_value;			/* si_value (sigqueue, timer) */
	char __rest[128 - 32];
};

/* si_code values (Linux). */
#define UK_SI_USER		0
#define UK_SI_KERNEL		0x80
#define UK_SI_QUEUE		(-1)
#define UK_SI_TIMER		(-2)
#define UK_SI_TKILL		(-6)

/* Raises sig in the calling thread (as tkill of itself): its action
 * runs when the current system call returns, or it stays pending while
 * blocked. Returns 0 or -EINVAL. */
int uk_signal_raise(int sig);

/* Whether sig's action is the default one (SIG_DFL). */
int uk_signal_is_default(int sig);

/* Writers to a pipe or stream socket without readers call this (unless
 * MSG_NOSIGNAL) right before returning -EPIPE. */
void uk_signal_raise_pipe(void);

/* Sends the signal info->si_signo with info to thread t (NULL: to the
 * process). Returns 0, -EINVAL (bad number) or -EAGAIN (no memory for
 * a real-time signal's queue entry). */
int uk_signal_send(struct uk_thread *t, const struct uk_siginfo *info);

/* Changes the calling thread's blocked set with kernel memory (how:
 * SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK; set may be NULL), the old set in
 * *old if not NULL. What became unblocked is delivered when the system
 * call returns. Returns 0 or -EINVAL. */
int uk_signal_mask(int how, const __u64 *set, __u64 *old);

/* For ppoll, pselect6 and epoll_pwait: if umask is not NULL, installs
 * the app's mask *umask (size bytes: 8, as Linux wants) for the call,
 * the previous one in *old, and returns 1; 0 without a mask; -EINVAL,
 * -EFAULT. uk_signal_mask_restore(old) delivers what the call's mask
 * lets through, then puts the old mask back. */
int uk_signal_mask_swap_user(const void *umask, __sz size, __u64 *old);
void uk_signal_mask_restore(__u64 old);

/* The signals pending for the calling thread (its own and the
 * process's). */
__u64 uk_signal_pending(void);

/* How many threads a signal waits for (sig_intr set). */
extern int uk_signal_intr_threads;

/* Whether a signal waits for the calling thread: the system call's end
 * must call uk_signal_syscall_end(). */
static inline int uk_signal_waiting(void)
{
	if (likely(!__atomic_load_n(&uk_signal_intr_threads,
				    __ATOMIC_RELAXED)))
		return 0;
	return uk_thread_interrupted(uk_thread_current());
}

/* At the end of a system call whose result is *rc: delivers the signals
 * waiting for the caller. Returns 1 if the call must run again
 * (-UK_ERESTARTSYS and SA_RESTART or no handler ran), else 0 with the
 * final result in *rc. */
int uk_signal_syscall_end(long *rc);

/* Frees what a thread still had queued (it exits). */
void uk_signal_thread_exit(struct uk_thread *t);

#endif /* __UK_SIGNAL_H__ */
