/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by signal.c, signalfd.c and timer.c. */
#ifndef __UK_SIGNAL_IMPL_H__
#define __UK_SIGNAL_IMPL_H__

#include <uk/list.h>
#include <uk/signal.h>
#include <uk/spinlock.h>
#include <uk/time.h>

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

/* Says that sig's default action "core" ends the program (the first
 * line of its report). */
void sig_say_core(int sig);

/* fault.c's: nonzero if sig raised by a fault now would run a handler
 * in the running thread t (caught, not blocked); its sa_flags in
 * *act_flags. Trap context. */
int sig_fault_caught(struct uk_thread *t, int sig, unsigned long *act_flags);
/* Runs the handler of the fault's signal info in the running thread, as
 * if called from the faulting instruction, whose state regs and ectx
 * are, the trap's details in its ucontext: the handler's edits of its
 * ucontext are what resumes. If the handler is no more (changed since
 * the fault), the default action. */
struct __regs;
struct uk_sigfault;
void sig_fault_deliver(struct uk_siginfo *info, struct __regs *regs,
		       void *ectx, const struct uk_sigfault *trap);

/* signalfd.c: wakes the readers and pollers of every signalfd. */
void signalfd_notify(void);

/* timer.c: a timer's signal was taken (uk_sig_lock held): fills in
 * its overrun count and lets the timer queue it again. */
void timer_signal_taken(struct uk_siginfo *info);

/* Linux's struct itimerspec (timer_settime, timerfd_settime). */
struct k_itimerspec {
	struct uk_timespec it_interval;
	struct uk_timespec it_value;
};

/* timer.c: timers that call fire(arg, n) for n expiries (n == 0: the
 * timer was set again, drop the count) instead of sending a signal.
 * fire runs under the timer lock: ISR-safe work only (an atomic add, a
 * pollq notify). After ktimer_cb_delete() it is never called again. */
int ktimer_cb_create(void (*fire)(void *arg, __u64 n), void *arg);
/* Arms id (clk: a Linux clock id; abs: value is a time on it) like
 * timer_settime; 0 disarms. The old time left and interval come back. */
int ktimer_cb_set(int id, int clk, int abs, __nsec value, __nsec interval,
		  __nsec *old_value, __nsec *old_interval);
void ktimer_cb_get(int id, __nsec *value, __nsec *interval);
void ktimer_cb_delete(int id);
/* 1 if clk is a clock timers run on (REALTIME, MONOTONIC, BOOTTIME and
 * their _ALARM twins), else 0. */
int ktimer_clock_ok(int clk);

#endif /* __UK_SIGNAL_IMPL_H__ */
