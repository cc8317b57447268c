/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signal dispositions, masks and synchronous delivery, as system-call
 * handlers. One process, so the dispositions are global; the blocked
 * mask is each thread's (musl blocks signals around thread creation and
 * exit and relies on that), the pending set the process's for now
 * (pending_set()). One lock, never held while a handler runs.
 */
#include <errno.h>
#include <string.h>
#include <uk/plat/trace.h>
#include <uk/process.h>
#include <uk/essentials.h>
#include <uk/nofault.h>
#include <uk/print.h>
#include <uk/signal.h>
#include <uk/spinlock.h>
#include <uk/syscall.h>
#include <uk/thread.h>

/* Linux's values (signal.h of any C library agrees). */
#define U_SIG_DFL	0UL
#define U_SIG_IGN	1UL
#define U_SA_SIGINFO	0x00000004UL
#define U_SA_NODEFER	0x40000000UL
#define U_SA_RESETHAND	0x80000000UL
#define U_SIG_BLOCK	0
#define U_SIG_UNBLOCK	1
#define U_SIG_SETMASK	2
#define U_SI_USER	0
#define U_SI_TKILL	(-6)
#define U_SIGKILL	9
#define U_SIGPIPE	13
#define U_SIGSTOP	19

/* Signals that can be neither caught, ignored nor blocked. */
#define SIG_UNCATCHABLE	(UK_SIGBIT(U_SIGKILL) | UK_SIGBIT(U_SIGSTOP))
/* Default action "ignore" (SIGCHLD, SIGCONT, SIGURG, SIGWINCH); the stop
 * signals too, as there is no job control to continue them. */
#define SIG_DFL_IGNORED	(UK_SIGBIT(17) | UK_SIGBIT(18) | UK_SIGBIT(23) | \
			 UK_SIGBIT(28) | UK_SIGBIT(19) | UK_SIGBIT(20) |  \
			 UK_SIGBIT(21) | UK_SIGBIT(22))

/* The pid of the one process, as a container's init. */
#define UK_PID		1

/* Linux's siginfo_t: 128 bytes, the fields of a kill. */
struct k_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad;
	int si_pid;
	unsigned int si_uid;
	char __rest[128 - 24];
};

/* Room for any C library's ucontext_t (musl's is 936 bytes on x86_64):
 * handlers get a zeroed one, with no interrupted context to show. */
#define UCONTEXT_SIZE	1024

static struct uk_sigaction actions[UK_NSIG];
static __u64 process_pending;
static __u64 boot_blocked;		/* before the scheduler runs */
static struct uk_spinlock sig_lock = UK_SPINLOCK_INITIALIZER();

/* The state the calling thread's signals are in. */
static struct uk_signal_state sigstate(void)
{
	struct uk_thread *t = uk_thread_current();

	return (struct uk_signal_state){
		.blocked = t ? &t->sig_blocked : &boot_blocked,
		/* Every signal is directed at the process for now. */
		.pending = &process_pending,
	};
}

static int sig_valid(int sig)
{
	return sig >= 1 && sig < UK_NSIG;
}

/* Default action "core": the program ends with a report, as a core dump
 * would tell (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
 * SIGXCPU, SIGXFSZ, SIGSYS). */
#define SIG_DFL_CORE	(UK_SIGBIT(3) | UK_SIGBIT(4) | UK_SIGBIT(5) |	\
			 UK_SIGBIT(6) | UK_SIGBIT(7) | UK_SIGBIT(8) |	\
			 UK_SIGBIT(11) | UK_SIGBIT(24) | UK_SIGBIT(25) | \
			 UK_SIGBIT(31))

static const char *const core_names[32] = {
	[3] = "SIGQUIT (Quit)", [4] = "SIGILL (Illegal instruction)",
	[5] = "SIGTRAP (Trace/breakpoint trap)", [6] = "SIGABRT (Aborted)",
	[7] = "SIGBUS (Bus error)", [8] = "SIGFPE (Floating point exception)",
	[11] = "SIGSEGV (Segmentation fault)",
	[24] = "SIGXCPU (CPU time limit exceeded)",
	[25] = "SIGXFSZ (File size limit exceeded)",
	[31] = "SIGSYS (Bad system call)",
};

/* The default action of sig: nothing, or the end of the program with
 * Linux's status, 128 + sig. */
static void sig_default(int sig)
{
	struct uk_thread *t = uk_thread_current();

	if (UK_SIGBIT(sig) & SIG_DFL_IGNORED)
		return;
	if (UK_SIGBIT(sig) & SIG_DFL_CORE) {
		uk_printk_raw("amphi: %s in thread %s: the program ends "
			      "(status %d)\n", core_names[sig],
			      t ? t->name : "?", 128 + sig);
		ukplat_backtrace(NULL, 0);
	} else {
		uk_pr_debug("signal %d: default action ends the program\n",
			    sig);
	}
	uk_process_exit(128 + sig);
}

typedef void (*handler_fn)(int);
typedef void (*sigaction_fn)(int, struct k_siginfo *, void *);

/* Runs the action for sig with the lock held on entry (flags: the saved
 * interrupt state); returns with it released. */
static void run_action(struct uk_signal_state st, int sig,
		       unsigned long flags)
{
	struct uk_sigaction act = actions[sig];
	__u64 saved = *st.blocked;
	struct k_siginfo info;
	char uc[UCONTEXT_SIZE] __align(16);

	if ((unsigned long)act.handler == U_SIG_IGN) {
		uk_spin_unlock_irqrestore(&sig_lock, flags);
		return;
	}
	if ((unsigned long)act.handler == U_SIG_DFL) {
		uk_spin_unlock_irqrestore(&sig_lock, flags);
		sig_default(sig);
		return;
	}
	if (act.flags & U_SA_RESETHAND)
		memset(&actions[sig], 0, sizeof(actions[sig]));
	*st.blocked |= act.mask;
	if (!(act.flags & U_SA_NODEFER))
		*st.blocked |= UK_SIGBIT(sig);
	*st.blocked &= ~SIG_UNCATCHABLE;
	uk_spin_unlock_irqrestore(&sig_lock, flags);

	if (act.flags & U_SA_SIGINFO) {
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = U_SI_TKILL;
		info.si_pid = UK_PID;
		memset(uc, 0, sizeof(uc));
		((sigaction_fn)act.handler)(sig, &info, uc);
	} else {
		((handler_fn)act.handler)(sig);
	}

	/* As a return from the handler restores the mask on Linux. */
	uk_spin_lock_irqsave(&sig_lock, flags);
	*st.blocked = saved;
	uk_spin_unlock_irqrestore(&sig_lock, flags);
}

/* Delivers the pending signals that are not blocked, lowest first. */
static void deliver_pending(struct uk_signal_state st)
{
	unsigned long flags;
	__u64 ready;
	int sig;

	for (;;) {
		uk_spin_lock_irqsave(&sig_lock, flags);
		ready = *st.pending & ~*st.blocked;
		if (!ready) {
			uk_spin_unlock_irqrestore(&sig_lock, flags);
			return;
		}
		sig = __builtin_ctzll(ready) + 1;
		*st.pending &= ~UK_SIGBIT(sig);
		run_action(st, sig, flags);
	}
}

int uk_signal_raise(int sig)
{
	struct uk_signal_state st = sigstate();
	unsigned long flags;

	if (!sig_valid(sig))
		return -EINVAL;
	uk_spin_lock_irqsave(&sig_lock, flags);
	if (*st.blocked & UK_SIGBIT(sig)) {
		*st.pending |= UK_SIGBIT(sig);
		uk_spin_unlock_irqrestore(&sig_lock, flags);
		return 0;
	}
	run_action(st, sig, flags);
	deliver_pending(st);
	return 0;
}

void uk_signal_raise_pipe(void)
{
	uk_signal_raise(U_SIGPIPE);
}

int uk_signal_mask(int how, const __u64 *set, __u64 *old)
{
	struct uk_signal_state st = sigstate();
	unsigned long flags;

	if (set && how != U_SIG_BLOCK && how != U_SIG_UNBLOCK &&
	    how != U_SIG_SETMASK)
		return -EINVAL;
	uk_spin_lock_irqsave(&sig_lock, flags);
	if (old)
		*old = *st.blocked;
	if (set) {
		if (how == U_SIG_BLOCK)
			*st.blocked |= *set;
		else if (how == U_SIG_UNBLOCK)
			*st.blocked &= ~*set;
		else
			*st.blocked = *set;
		*st.blocked &= ~SIG_UNCATCHABLE;
	}
	uk_spin_unlock_irqrestore(&sig_lock, flags);
	deliver_pending(st);
	return 0;
}

int uk_signal_mask_swap_user(const void *umask, __sz size, __u64 *old)
{
	__u64 set;
	int rc;

	if (!umask)
		return 0;
	if (size != sizeof(set))
		return -EINVAL;
	if (uk_copy_from_user(&set, umask, sizeof(set)))
		return -EFAULT;
	rc = uk_signal_mask(U_SIG_SETMASK, &set, old);
	return rc < 0 ? rc : 1;
}

void uk_signal_mask_restore(__u64 old)
{
	uk_signal_mask(U_SIG_SETMASK, &old, NULL);
}

__u64 uk_signal_pending(void)
{
	return __atomic_load_n(sigstate().pending, __ATOMIC_RELAXED);
}

/* --- system calls ----------------------------------------------------- */

UK_SYSCALL_R_DEFINE(int, rt_sigaction, int, sig,
		    const struct uk_sigaction *, act,
		    struct uk_sigaction *, oldact, size_t, sigsetsize)
{
	struct uk_sigaction new, old;
	unsigned long flags;

	if (sigsetsize != sizeof(__u64))
		return -EINVAL;
	if (!sig_valid(sig) || (act && (UK_SIGBIT(sig) & SIG_UNCATCHABLE)))
		return -EINVAL;
	if (act && uk_copy_from_user(&new, act, sizeof(new)) < 0)
		return -EFAULT;
	uk_spin_lock_irqsave(&sig_lock, flags);
	old = actions[sig];
	if (act) {
		new.mask &= ~SIG_UNCATCHABLE;
		actions[sig] = new;
		/* Setting SIG_IGN discards a pending instance (POSIX). */
		if ((unsigned long)new.handler == U_SIG_IGN)
			*sigstate().pending &= ~UK_SIGBIT(sig);
	}
	uk_spin_unlock_irqrestore(&sig_lock, flags);
	if (oldact && uk_copy_to_user(oldact, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, rt_sigprocmask, int, how, const __u64 *, set,
		    __u64 *, oldset, size_t, sigsetsize)
{
	__u64 new, old;
	int rc;

	if (sigsetsize != sizeof(__u64))
		return -EINVAL;
	if (set && uk_copy_from_user(&new, set, sizeof(new)) < 0)
		return -EFAULT;
	rc = uk_signal_mask(how, set ? &new : NULL, &old);
	if (rc == 0 && oldset && uk_copy_to_user(oldset, &old, sizeof(old)))
		return -EFAULT;
	return rc;
}

UK_SYSCALL_R_DEFINE(int, rt_sigpending, __u64 *, set, size_t, sigsetsize)
{
	__u64 s = uk_signal_pending();

	if (sigsetsize > sizeof(__u64))
		return -EINVAL;
	return uk_copy_to_user(set, &s, sigsetsize);
}

/* Sends sig to this process; sig 0 only checks. */
static int send_self(int sig)
{
	if (sig < 0 || sig >= UK_NSIG)
		return -EINVAL;
	return sig ? uk_signal_raise(sig) : 0;
}

UK_SYSCALL_R_DEFINE(int, kill, int, pid, int, sig)
{
	if (sig < 0 || sig >= UK_NSIG)
		return -EINVAL;
	if (pid != UK_PID && pid != 0 && pid != -1 && pid != -UK_PID)
		return -ESRCH;
	return send_self(sig);
}

/* A signal for one thread runs, like every signal today, in the caller
 * (process-wide state, synchronous delivery). */
UK_SYSCALL_R_DEFINE(int, tkill, int, tid, int, sig)
{
	if (tid <= 0)
		return -EINVAL;
	if (!uk_thread_find_id(tid))
		return -ESRCH;
	return send_self(sig);
}

UK_SYSCALL_R_DEFINE(int, tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != UK_PID)
		return -ESRCH;
	return __uk_sys_tkill(tid, sig);
}

/* Handlers run as calls and return by themselves: there is no signal
 * frame to return from. As Linux with a bad frame: SIGSEGV. */
UK_SYSCALL_R_DEFINE(long, rt_sigreturn)
{
	uk_pr_err("rt_sigreturn without a signal frame\n");
	uk_process_exit(128 + 11);
}
