/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signals (core/libc/signal.c) with the Linux numbers. There is one
 * process and nothing sends it signals from outside: a signal comes from
 * raise(), kill() of the own pid, or the kernel itself (SIGPIPE on a
 * write without readers). It is delivered synchronously, in the thread
 * that caused it. Dispositions, the mask and pending signals are
 * process-wide.
 *
 * sigset_t is 64 bits (signals 1..64), not glibc's 1024-bit layout: apps
 * build against this header, so only the names must match.
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGIOT		SIGABRT
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPOLL		SIGIO
#define SIGPWR		30
#define SIGSYS		31
/* 32 and 33 are the C library's own on Linux, as here. */
#define SIGRTMIN	34
#define SIGRTMAX	64
#define _NSIG		65
#define NSIG		_NSIG

typedef void (*sighandler_t)(int);

#define SIG_ERR		((sighandler_t)-1)
#define SIG_DFL		((sighandler_t)0)
#define SIG_IGN		((sighandler_t)1)

typedef struct {
	unsigned long __bits;	/* bit sig - 1 for signal sig */
} sigset_t;

typedef int sig_atomic_t;

union sigval {
	int sival_int;
	void *sival_ptr;
};

/* Linux's layout of the fields in use; 128 bytes as there. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	pid_t si_pid;
	uid_t si_uid;
	union sigval si_value;
	void *si_addr;
	int si_status;
	int __pad1[21];
} siginfo_t;

#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_TKILL	(-6)

struct sigaction {
	union {
		sighandler_t sa_handler;
		void (*sa_sigaction)(int, siginfo_t *, void *);
	};
	sigset_t sa_mask;
	int sa_flags;
	void (*sa_restorer)(void);
};

#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SA_NOMASK	SA_NODEFER
#define SA_ONESHOT	SA_RESETHAND

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

/* Set operations. sigaddset/sigdelset/sigismember return -1 + EINVAL
 * for a number outside 1..64; sigismember returns 1 or 0. */
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

/* Sets sig's disposition (a handler, SIG_IGN or SIG_DFL) from act if not
 * NULL, storing the old one in oldact if not NULL. SA_SIGINFO,
 * SA_RESETHAND and SA_NODEFER act; other flags are kept. Returns 0 or -1
 * + errno: EINVAL for a bad number or changing SIGKILL/SIGSTOP, EFAULT. */
int sigaction(int sig, const struct sigaction *restrict act,
	      struct sigaction *restrict oldact);
/* Sets a handler the BSD way (SA_RESTART). Returns the old one or
 * SIG_ERR + errno (EINVAL). */
sighandler_t signal(int sig, sighandler_t handler);

/* Changes the blocked set (SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK; SIGKILL
 * and SIGSTOP are never blocked), old one in oldset. Pending signals
 * that become unblocked are delivered before it returns. Returns 0 or
 * -1 + errno (EINVAL, EFAULT); pthread_sigmask returns the error number. */
int sigprocmask(int how, const sigset_t *restrict set,
		sigset_t *restrict oldset);
int pthread_sigmask(int how, const sigset_t *restrict set,
		    sigset_t *restrict oldset);
/* Stores the blocked signals raised but not delivered. Returns 0. */
int sigpending(sigset_t *set);

/* Delivers sig now (or marks it pending if blocked): runs its handler,
 * ignores it, or ends the program with status 128 + sig for a default
 * action that terminates (the status a shell reports). Returns 0 or -1
 * + EINVAL. */
int raise(int sig);
/* raise(sig) if pid is this process (getpid(), 0 or -1); sig 0 only
 * checks. Returns 0 or -1 + errno (EINVAL, ESRCH for other pids). */
int kill(pid_t pid, int sig);


#ifdef __cplusplus
}
#endif

#endif /* _SIGNAL_H */
