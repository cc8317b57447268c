/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signal dispositions and synchronous delivery (signal.h), and the
 * process identity calls of unistd.h. One process, so the dispositions,
 * the blocked mask and the pending set are global, under one lock that
 * is never held while a handler runs.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <uk/boot.h>
#include <uk/errno.h>
#include <uk/essentials.h>
#include <uk/nofault.h>
#include <uk/print.h>
#include <uk/spinlock.h>

#define SIG_BIT(sig)	(1UL << ((sig) - 1))
/* Signals that can be neither caught, ignored nor blocked. */
#define SIG_UNCATCHABLE	(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* Default action "ignore"; the stop signals too, as there is no job
 * control to continue them. */
#define SIG_DFL_IGNORED	(SIG_BIT(SIGCHLD) | SIG_BIT(SIGCONT) |		\
			 SIG_BIT(SIGURG) | SIG_BIT(SIGWINCH) |		\
			 SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) |		\
			 SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))

/* The pid of the one process, as a container's init. */
#define UK_PID		1

static struct sigaction actions[_NSIG];
static unsigned long blocked, pending;
static struct uk_spinlock sig_lock = UK_SPINLOCK_INITIALIZER();

static int sig_valid(int sig)
{
	return sig >= 1 && sig < _NSIG;
}


/* The default action of sig: nothing, or the end of the program. */
static void sig_default(int sig)
{
	if (SIG_BIT(sig) & SIG_DFL_IGNORED)
		return;
	uk_pr_debug("signal %d: default action ends the program\n", sig);
	uk_boot_exit(128 + sig);
}

/* Runs act for sig with the lock held on entry (flags: the saved
 * interrupt state); returns with it released. */
static void run_action(int sig, unsigned long flags)
{
	struct sigaction act = actions[sig];
	unsigned long saved = blocked;
	siginfo_t info;

	if (act.sa_handler == SIG_IGN) {
		uk_spin_unlock_irqrestore(&sig_lock, flags);
		return;
	}
	if (act.sa_handler == SIG_DFL) {
		uk_spin_unlock_irqrestore(&sig_lock, flags);
		sig_default(sig);
		return;
	}
	if (act.sa_flags & SA_RESETHAND)
		memset(&actions[sig], 0, sizeof(actions[sig]));
	blocked |= act.sa_mask.__bits;
	if (!(act.sa_flags & SA_NODEFER))
		blocked |= SIG_BIT(sig);
	blocked &= ~SIG_UNCATCHABLE;
	uk_spin_unlock_irqrestore(&sig_lock, flags);

	if (act.sa_flags & SA_SIGINFO) {
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = SI_TKILL;
		info.si_pid = UK_PID;
		act.sa_sigaction(sig, &info, NULL);
	} else {
		act.sa_handler(sig);
	}

	/* As a return from the handler restores the mask on Linux. */
	uk_spin_lock_irqsave(&sig_lock, flags);
	blocked = saved;
	uk_spin_unlock_irqrestore(&sig_lock, flags);
}

/* Delivers the pending signals that are not blocked, lowest first. */
static void deliver_pending(void)
{
	unsigned long flags, ready;
	int sig;

	for (;;) {
		uk_spin_lock_irqsave(&sig_lock, flags);
		ready = pending & ~blocked;
		if (!ready) {
			uk_spin_unlock_irqrestore(&sig_lock, flags);
			return;
		}
		sig = __builtin_ctzl(ready) + 1;
		pending &= ~SIG_BIT(sig);
		run_action(sig, flags);
	}
}

int uk_signal_raise(int sig)
{
	unsigned long flags;

	if (!sig_valid(sig))
		return -EINVAL;
	uk_spin_lock_irqsave(&sig_lock, flags);
	if (blocked & SIG_BIT(sig)) {
		pending |= SIG_BIT(sig);
		uk_spin_unlock_irqrestore(&sig_lock, flags);
		return 0;
	}
	run_action(sig, flags);
	deliver_pending();
	return 0;
}

void uk_signal_raise_pipe(void)
{
	uk_signal_raise(SIGPIPE);
}

int raise(int sig)
{
	int rc = uk_signal_raise(sig);

	return rc < 0 ? uk_posix_ret(rc) : 0;
}

int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig >= _NSIG)
		return uk_posix_ret(-EINVAL);
	if (pid != UK_PID && pid != 0 && pid != -1)
		return uk_posix_ret(-ESRCH);
	if (!sig)
		return 0;
	return raise(sig);
}

int sigaction(int sig, const struct sigaction *restrict act,
	      struct sigaction *restrict oldact)
{
	struct sigaction new, old;
	unsigned long flags;

	if (!sig_valid(sig) || (act && (SIG_BIT(sig) & SIG_UNCATCHABLE)))
		return uk_posix_ret(-EINVAL);
	if (act && uk_copy_from_user(&new, act, sizeof(new)) < 0)
		return uk_posix_ret(-EFAULT);
	uk_spin_lock_irqsave(&sig_lock, flags);
	old = actions[sig];
	if (act) {
		new.sa_mask.__bits &= ~SIG_UNCATCHABLE;
		actions[sig] = new;
		/* Setting SIG_IGN discards a pending instance (POSIX). */
		if (new.sa_handler == SIG_IGN)
			pending &= ~SIG_BIT(sig);
	}
	uk_spin_unlock_irqrestore(&sig_lock, flags);
	if (oldact && uk_copy_to_user(oldact, &old, sizeof(old)) < 0)
		return uk_posix_ret(-EFAULT);
	return 0;
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act, old;

	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	act.sa_flags = SA_RESTART;
	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

static int do_sigmask(int how, const sigset_t *set, sigset_t *oldset)
{
	sigset_t new = { 0 }, old;
	unsigned long flags;

	if (set && uk_copy_from_user(&new, set, sizeof(new)) < 0)
		return -EFAULT;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK &&
	    how != SIG_SETMASK)
		return -EINVAL;
	uk_spin_lock_irqsave(&sig_lock, flags);
	old.__bits = blocked;
	if (set) {
		if (how == SIG_BLOCK)
			blocked |= new.__bits;
		else if (how == SIG_UNBLOCK)
			blocked &= ~new.__bits;
		else
			blocked = new.__bits;
		blocked &= ~SIG_UNCATCHABLE;
	}
	uk_spin_unlock_irqrestore(&sig_lock, flags);
	if (oldset && uk_copy_to_user(oldset, &old, sizeof(old)) < 0)
		return -EFAULT;
	deliver_pending();
	return 0;
}

int sigprocmask(int how, const sigset_t *restrict set,
		sigset_t *restrict oldset)
{
	int rc = do_sigmask(how, set, oldset);

	return rc < 0 ? uk_posix_ret(rc) : 0;
}

int pthread_sigmask(int how, const sigset_t *restrict set,
		    sigset_t *restrict oldset)
{
	return -do_sigmask(how, set, oldset);
}

int sigpending(sigset_t *set)
{
	sigset_t s;

	s.__bits = __atomic_load_n(&pending, __ATOMIC_RELAXED);
	if (uk_copy_to_user(set, &s, sizeof(s)) < 0)
		return uk_posix_ret(-EFAULT);
	return 0;
}

int sigemptyset(sigset_t *set)
{
	set->__bits = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	set->__bits = ~0UL;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (!sig_valid(sig))
		return uk_posix_ret(-EINVAL);
	set->__bits |= SIG_BIT(sig);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (!sig_valid(sig))
		return uk_posix_ret(-EINVAL);
	set->__bits &= ~SIG_BIT(sig);
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (!sig_valid(sig))
		return uk_posix_ret(-EINVAL);
	return !!(set->__bits & SIG_BIT(sig));
}

pid_t getpid(void)
{
	return UK_PID;
}

pid_t getppid(void)
{
	return 0;
}

uid_t getuid(void)
{
	return 0;
}

uid_t geteuid(void)
{
	return 0;
}

gid_t getgid(void)
{
	return 0;
}

gid_t getegid(void)
{
	return 0;
}
