/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by signal.c, signalfd.c and timer.c. */
#ifndef __UK_SIGNAL_IMPL_H__
#define __UK_SIGNAL_IMPL_H__

#include <uk/list.h>
#include <uk/signal.h>
#include <uk/spinlock.h>

/* Linux's values (signal.h of any C library agrees). */
#define U_SIGKILL	9
#define U_SIGALRM	14
#define U_SIGSTOP	19
#define U_SIGRTMIN	32	/* the kernel's: queued from here on */

/* Signals that can be neither caught, ignored nor blocked. */
#define SIG_UNCATCHABLE	(UK_SIGBIT(U_SIGKILL) | UK_SIGBIT(U_SIGSTOP))

/* The pid of the one process, as a container's init. */
#define UK_PID		1

/* Dispositions, pending sets and masks; never held while a handler
 * runs. Taken inside the thread-list lock, never around it. */
extern struct uk_spinlock uk_sig_lock;

/* Takes the lowest signal of allowed pending for t (its own first, then
 * the process's), its siginfo in *info; an entry to free (after the
 * lock) in *fq. Returns the signal or 0. uk_sig_lock held. */
struct sigq;
int sig_take_locked(struct uk_thread *t, __u64 allowed,
		    struct uk_siginfo *info, struct sigq **fq);
void sig_free(struct sigq *q);

/* Sets t->sig_intr from what t can take now. uk_sig_lock held; returns
 * 1 if it became set (the caller then calls uk_thread_interrupt). */
int sig_recalc_locked(struct uk_thread *t);

/* Sends info to the app thread with id tid: 0, -ESRCH, -EAGAIN. */
int uk_signal_send_tid(unsigned long tid, const struct uk_siginfo *info);

/* signalfd.c: wakes the readers and pollers of every signalfd. */
void signalfd_notify(void);

/* timer.c: a timer's signal was taken (uk_sig_lock held): fills in
 * its overrun count and lets the timer queue it again. */
void timer_signal_taken(struct uk_siginfo *info);

#endif /* __UK_SIGNAL_IMPL_H__ */
