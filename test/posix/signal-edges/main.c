/*
 * Signal delivery details, checked the same way on Linux and on Amphi:
 *   - siginfo of kill (SI_USER, si_pid, si_uid), sigqueue (SI_QUEUE and
 *     the value) and tgkill/raise (SI_TKILL) in an SA_SIGINFO handler;
 *   - realtime signals queue (each instance, in order, lowest number
 *     first), standard ones coalesce; sigwaitinfo takes the lowest;
 *   - SA_RESETHAND, SA_NODEFER and sa_mask: the mask in the handler, the
 *     action after it;
 *   - SIG_IGN discards a pending signal; RLIMIT_SIGPENDING caps queued
 *     realtime signals (EAGAIN);
 *   - ppoll, pselect and epoll_pwait unblock atomically: a pending
 *     signal they let through ends them with EINTR at once;
 *   - the system calls' size and pid arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

#define LOG_MAX	16

/* What the handler saw, in order. */
static struct seen {
	int sig, code, value, pid, uid;
	int blocked_self, blocked_other;
} seen[LOG_MAX];
static volatile int nseen;
static int other_sig;		/* whose blocking the handler records */

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	sigset_t now;
	struct seen *s;

	(void)uc;
	if (nseen >= LOG_MAX)
		return;
	s = &seen[nseen];
	sigprocmask(SIG_SETMASK, NULL, &now);
	s->sig = sig;
	s->code = si->si_code;
	s->value = si->si_value.sival_int;
	s->pid = si->si_pid;
	s->uid = si->si_uid;
	s->blocked_self = sigismember(&now, sig);
	s->blocked_other = other_sig ? sigismember(&now, other_sig) : 0;
	nseen++;
}

static void mask(int how, int sig1, int sig2)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig1);
	if (sig2)
		sigaddset(&s, sig2);
	sigprocmask(how, &s, NULL);
}

static void test_siginfo(void)
{
	union sigval v = { .sival_int = 42 };

	nseen = 0;
	CHECK(set_action(SIGUSR1, on_sig, 0) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(nseen == 1 && seen[0].code == SI_USER &&
	      seen[0].pid == getpid() && seen[0].uid == (int)getuid());
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	CHECK(nseen == 2 && seen[1].code == SI_QUEUE && seen[1].value == 42 &&
	      seen[1].pid == getpid() && seen[1].uid == (int)getuid());
	CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) == 0);
	CHECK(nseen == 3 && seen[2].code == SI_TKILL &&
	      seen[2].pid == getpid());
	/* The signal is blocked in its own handler. */
	CHECK(seen[0].blocked_self);
	CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
}

/* on_sig for sig, with every other signal blocked while it runs: the
 * handlers of signals unblocked together run one after the other. */
static int action_masking(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

static void test_queueing(void)
{
	union sigval v;
	int i, rt = SIGRTMIN + 2;

	nseen = 0;
	CHECK(action_masking(rt) == 0);
	CHECK(action_masking(SIGRTMIN) == 0);
	CHECK(action_masking(SIGUSR2) == 0);
	mask(SIG_BLOCK, rt, SIGRTMIN);
	mask(SIG_BLOCK, SIGUSR2, 0);
	for (i = 1; i <= 3; i++) {
		v.sival_int = i;
		CHECK(sigqueue(getpid(), rt, v) == 0);
	}
	v.sival_int = 10;
	CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
	/* A standard signal sent thrice is pending once. */
	for (i = 0; i < 3; i++)
		CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(nseen == 0);
	{
		sigset_t all;

		sigemptyset(&all);
		sigaddset(&all, rt);
		sigaddset(&all, SIGRTMIN);
		sigaddset(&all, SIGUSR2);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
	}
	/* Lowest number first: SIGUSR2, SIGRTMIN, then rt in order. */
	CHECK(nseen == 5);
	CHECK(seen[0].sig == SIGUSR2);
	CHECK(seen[1].sig == SIGRTMIN && seen[1].value == 10);
	CHECK(seen[2].sig == rt && seen[2].value == 1);
	CHECK(seen[3].sig == rt && seen[3].value == 2);
	CHECK(seen[4].sig == rt && seen[4].value == 3);
	CHECK(signal(rt, SIG_DFL) != SIG_ERR);
	CHECK(signal(SIGRTMIN, SIG_DFL) != SIG_ERR);
	CHECK(signal(SIGUSR2, SIG_DFL) != SIG_ERR);
}

static void test_sigwaitinfo_order(void)
{
	sigset_t set;
	siginfo_t si;
	union sigval v = { .sival_int = 5 };

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(sigqueue(getpid(), SIGRTMIN + 1, v) == 0);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1 && si.si_code == SI_QUEUE &&
	      si.si_value.sival_int == 5);
	CHECK(sigwaitinfo(&set, &si) == SIGUSR2 && si.si_code == SI_USER);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN + 1 &&
	      si.si_value.sival_int == 5);
	/* A standard signal queued twice with values: the first stays. */
	v.sival_int = 1;
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	v.sival_int = 2;
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1 && si.si_value.sival_int == 1);
	CHECK(sigpending(&set) == 0 && !sigismember(&set, SIGUSR1));
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_flags(void)
{
	struct sigaction old;

	/* SA_NODEFER: the signal is not blocked in its handler, sa_mask
	 * is. */
	nseen = 0;
	other_sig = SIGUSR2;
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sig;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGUSR2);
		CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	}
	CHECK(raise(SIGUSR1) == 0);
	CHECK(nseen == 1 && !seen[0].blocked_self && seen[0].blocked_other);
	/* Both come back unblocked. */
	{
		sigset_t now;

		sigprocmask(SIG_SETMASK, NULL, &now);
		CHECK(!sigismember(&now, SIGUSR1) &&
		      !sigismember(&now, SIGUSR2));
	}
	/* SA_RESETHAND: once, then the default (and Linux still blocks
	 * the signal in the handler). */
	CHECK(set_action(SIGUSR1, on_sig, SA_RESETHAND) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(nseen == 2 && seen[1].blocked_self);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 &&
	      old.sa_handler == SIG_DFL);
	/* The flags read back as set. */
	CHECK(set_action(SIGUSR1, on_sig, SA_RESTART | SA_NODEFER) == 0);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 &&
	      (old.sa_flags & (SA_SIGINFO | SA_RESTART | SA_NODEFER)) ==
	      (SA_SIGINFO | SA_RESTART | SA_NODEFER) &&
	      old.sa_sigaction == on_sig);
	CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
	other_sig = 0;
}

static void test_ignore_discards(void)
{
	sigset_t set;
	union sigval v = { 0 };

	mask(SIG_BLOCK, SIGUSR1, SIGRTMIN);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
	CHECK(sigpending(&set) == 0 && sigismember(&set, SIGUSR1) &&
	      sigismember(&set, SIGRTMIN));
	CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	CHECK(signal(SIGRTMIN, SIG_IGN) != SIG_ERR);
	CHECK(sigpending(&set) == 0 && !sigismember(&set, SIGUSR1) &&
	      !sigismember(&set, SIGRTMIN));
	/* Blocked, an ignored signal still pends (the action may change
	 * before it is unblocked); ignoring it again discards it. */
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sigpending(&set) == 0 && sigismember(&set, SIGUSR1));
	CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	CHECK(sigpending(&set) == 0 && !sigismember(&set, SIGUSR1));
	mask(SIG_UNBLOCK, SIGUSR1, SIGRTMIN);
	CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
	CHECK(signal(SIGRTMIN, SIG_DFL) != SIG_ERR);
}

static void test_sigpending_limit(void)
{
	struct rlimit old, lim;
	sigset_t set;
	siginfo_t si;
	union sigval v = { 0 };
	int i, ok = 0, n = 0;

	CHECK(getrlimit(RLIMIT_SIGPENDING, &old) == 0);
	lim = (struct rlimit){ 8, old.rlim_max };
	CHECK(setrlimit(RLIMIT_SIGPENDING, &lim) == 0);
	mask(SIG_BLOCK, SIGRTMIN, 0);
	for (i = 0; i < 20; i++) {
		if (sigqueue(getpid(), SIGRTMIN, v) == 0)
			ok++;
		else if (errno == EAGAIN)
			break;
	}
	/* Linux counts per user: other processes' pending signals (tests
	 * running beside this one) may take some or all of the 8. */
	CHECK(ok <= 8 && i == ok && errno == EAGAIN);
	/* kill's realtime signal has no info to lose: sent all the same
	 * (and gone with the last queued one). */
	CHECK(kill(getpid(), SIGRTMIN) == 0);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	while (sigtimedwait(&set, &si, &(struct timespec){ 0, 0 }) ==
	       SIGRTMIN)
		n++;
	CHECK(n == ok);
	mask(SIG_UNBLOCK, SIGRTMIN, 0);
	CHECK(setrlimit(RLIMIT_SIGPENDING, &old) == 0);
}

static void on_plain(int sig)
{
	(void)sig;
	nseen++;
}

/* A blocked pending SIGUSR1 that the call's mask lets through: EINTR at
 * once, the handler run, the old mask back. */
static void test_atomic_masks(void)
{
	struct timespec ts = { 5, 0 };
	struct epoll_event ev;
	struct pollfd pf;
	sigset_t open_mask, now;
	fd_set r;
	int p[2], ep;

	CHECK(pipe(p) == 0);
	ep = epoll_create1(0);
	CHECK(signal(SIGUSR1, on_plain) != SIG_ERR);
	mask(SIG_BLOCK, SIGUSR1, 0);
	sigprocmask(SIG_SETMASK, NULL, &open_mask);
	sigdelset(&open_mask, SIGUSR1);

	nseen = 0;
	raise(SIGUSR1);
	pf = (struct pollfd){ p[0], POLLIN, 0 };
	CHECK(ppoll(&pf, 1, &ts, &open_mask) == -1 && errno == EINTR);
	CHECK(nseen == 1);

	raise(SIGUSR1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, &open_mask) == -1 &&
	      errno == EINTR);
	CHECK(nseen == 2);

	raise(SIGUSR1);
	CHECK(epoll_pwait(ep, &ev, 1, 5000, &open_mask) == -1 &&
	      errno == EINTR);
	CHECK(nseen == 3);

	/* A mask that keeps it blocked: a plain timeout. */
	raise(SIGUSR1);
	ts = (struct timespec){ 0, 1000000 };
	CHECK(ppoll(&pf, 1, &ts, NULL) == 0);
	CHECK(epoll_pwait(ep, &ev, 1, 1, NULL) == 0);
	CHECK(nseen == 3);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1));
	/* A bad mask size. */
	CHECK(syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &open_mask, 4) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_ppoll, &pf, 1, &ts, &open_mask, 4) == -1 &&
	      errno == EINVAL);
	mask(SIG_UNBLOCK, SIGUSR1, 0);
	CHECK(nseen == 4);
	CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
	close(ep);
	close(p[0]);
	close(p[1]);
}

static void test_bad_args(void)
{
	sigset_t set;
	siginfo_t si;
	union sigval v = { 0 };

	CHECK(kill(999999, 0) == -1 && errno == ESRCH);
	CHECK(sigqueue(999999, SIGUSR1, v) == -1 && errno == ESRCH);
	CHECK(sigqueue(getpid(), 65, v) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_tgkill, getpid(), 999999, 0) == -1 &&
	      errno == ESRCH);
	CHECK(syscall(SYS_tgkill, 0, gettid(), 0) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_tkill, 999999, 0) == -1 && errno == ESRCH);
	/* rt_sigpending takes a set no larger than the kernel's. */
	CHECK(syscall(SYS_rt_sigpending, &set, 16) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_rt_sigpending, &set, 8) == 0);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 4) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &set, 8) == 0);
	/* A bad how is only checked when there is a set. */
	CHECK(syscall(SYS_rt_sigprocmask, 7, NULL, &set, 8) == 0);
	sigemptyset(&set);
	CHECK(syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 4) == -1 &&
	      errno == EINVAL);
	CHECK(sigtimedwait(&set, &si, &(struct timespec){ 0, -1 }) == -1 &&
	      errno == EINVAL);
}

int main(void)
{
	test_siginfo();
	test_queueing();
	test_sigwaitinfo_order();
	test_flags();
	test_ignore_discards();
	test_sigpending_limit();
	test_atomic_masks();
	test_bad_args();
	return posix_check_summary();
}
