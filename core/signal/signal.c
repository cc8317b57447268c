/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signal dispositions, masks, pending sets and delivery, as system-call
 * handlers (see uk/signal.h for the model). One process, so the
 * dispositions are global; the blocked mask and a pending set are each
 * thread's (musl blocks signals around thread creation and exit and
 * relies on that), and the process has a pending set of its own.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/arch/ctx.h>
#include <uk/plat/trace.h>
#include <uk/process.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include <uk/ucontext.h>
#include "signal_impl.h"

#define U_SIG_DFL	0UL
#define U_SIG_IGN	1UL
#define U_SA_SIGINFO	0x00000004UL
#define U_SA_ONSTACK	0x08000000UL
#define U_SA_RESTART	0x10000000UL
#define U_SA_NODEFER	0x40000000UL
#define U_SA_RESETHAND	0x80000000UL
#define U_SIG_BLOCK	0
#define U_SIG_UNBLOCK	1
#define U_SIG_SETMASK	2
#define U_SIGPIPE	13
#define U_SS_ONSTACK	1
#define U_SS_DISABLE	2
#define U_SS_AUTODISARM	(1U << 31)
#if defined(__aarch64__)
#define U_MINSIGSTKSZ	5120
#else
#define U_MINSIGSTKSZ	2048
#endif

/* Default action "ignore" (SIGCHLD, SIGCONT, SIGURG, SIGWINCH); the stop
 * signals too, as there is no job control to continue them. */
#define SIG_DFL_IGNORED	(UK_SIGBIT(17) | UK_SIGBIT(18) | UK_SIGBIT(23) | \
			 UK_SIGBIT(28) | UK_SIGBIT(19) | UK_SIGBIT(20) |  \
			 UK_SIGBIT(21) | UK_SIGBIT(22))

/* Default action "core": the program ends with a report, as a core dump
 * would tell (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
 * SIGXCPU, SIGXFSZ, SIGSYS). */
#define SIG_DFL_CORE	(UK_SIGBIT(3) | UK_SIGBIT(4) | UK_SIGBIT(5) |	\
			 UK_SIGBIT(6) | UK_SIGBIT(7) | UK_SIGBIT(8) |	\
			 UK_SIGBIT(11) | UK_SIGBIT(24) | UK_SIGBIT(25) | \
			 UK_SIGBIT(31))

/* A queued signal's siginfo. */
struct sigq {
	struct uk_list link;
	struct uk_siginfo info;
	int charged;		/* counted in sigq_charged */
};

/* Linux's RLIMIT_SIGPENDING, the app's queued signals it caps. */
#define K_RLIMIT_SIGPENDING	11
static unsigned long sigq_charged;

int uk_signal_intr_threads;
struct uk_spinlock uk_sig_lock = UK_SPINLOCK_INITIALIZER();
static struct uk_sigaction actions[UK_NSIG];
static __u64 proc_pending;
static struct uk_list proc_queue = UK_LIST_HEAD_INIT(proc_queue);
static __u64 boot_blocked;		/* before the scheduler runs */

static int sig_valid(int sig)
{
	return sig >= 1 && sig < UK_NSIG;
}

static __u64 *blocked_of(struct uk_thread *t)
{
	return t ? &t->sig_blocked : &boot_blocked;
}

/* Whether sig sent now would be thrown away (ignored, not blocked). */
static int sig_ignored(int sig)
{
	unsigned long h = (unsigned long)actions[sig].handler;

	if (UK_SIGBIT(sig) & SIG_UNCATCHABLE)
		return 0;
	return h == U_SIG_IGN ||
	       (h == U_SIG_DFL && (UK_SIGBIT(sig) & SIG_DFL_IGNORED));
}

static void set_intr_locked(struct uk_thread *t, int v)
{
	if (t->sig_intr == v)
		return;
	__atomic_store_n(&t->sig_intr, v, __ATOMIC_RELEASE);
	__atomic_add_fetch(&uk_signal_intr_threads, v ? 1 : -1,
			   __ATOMIC_RELAXED);
}

int sig_recalc_locked(struct uk_thread *t)
{
	int was = t->sig_intr;
	__u64 ready = (t->sig_pending | proc_pending) & ~t->sig_blocked;

	set_intr_locked(t, ready != 0);
	return !was && ready;
}

void sig_free(struct sigq *q)
{
	if (!q)
		return;
	if (q->charged)
		__atomic_sub_fetch(&sigq_charged, 1, __ATOMIC_RELAXED);
	uk_free(uk_alloc_get_default(), q);
}

/* Adds sig (with q's info, if q) to a pending set. Returns 1 if q was
 * used, 0 if not (a standard signal already pending), -EAGAIN (a
 * realtime signal whose info could not be kept; kill's goes plain). */
static int queue_locked(__u64 *pending, struct uk_list *queue, int sig,
			int code, struct sigq *q)
{
	if (sig < U_SIGRTMIN && (*pending & UK_SIGBIT(sig)))
		return 0;
	if (!q && sig >= U_SIGRTMIN && code != UK_SI_USER)
		return -EAGAIN;
	*pending |= UK_SIGBIT(sig);
	if (!q)
		return 0;
	uk_list_add_tail(&q->link, queue);
	return 1;
}

/* Takes sig from a pending set: its first queued info, or a plain one. */
static void take_one(__u64 *pending, struct uk_list *queue, int sig,
		     struct uk_siginfo *info, struct sigq **fq)
{
	struct uk_list *pos;
	struct sigq *q, *found = NULL;
	int more = 0;

	uk_list_for_each(pos, queue) {
		q = uk_list_entry(pos, struct sigq, link);
		if (q->info.si_signo != sig)
			continue;
		if (found) {
			more = 1;
			break;
		}
		found = q;
	}
	if (!more)
		*pending &= ~UK_SIGBIT(sig);
	if (found) {
		uk_list_del(&found->link);
		*info = found->info;
	} else {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = UK_SI_KERNEL;
	}
	*fq = found;
	if (info->si_code == UK_SI_TIMER)
		timer_signal_taken(info);
}

int sig_take_locked(struct uk_thread *t, __u64 allowed,
		    struct uk_siginfo *info, struct sigq **fq)
{
	__u64 own = t->sig_pending & allowed;
	__u64 shared = proc_pending & allowed;
	int sig;

	*fq = NULL;
	if (own) {
		sig = __builtin_ctzll(own) + 1;
		take_one(&t->sig_pending, &t->sig_queue, sig, info, fq);
	} else if (shared) {
		sig = __builtin_ctzll(shared) + 1;
		take_one(&proc_pending, &proc_queue, sig, info, fq);
	} else {
		return 0;
	}
	return sig;
}

/* --- sending ----------------------------------------------------------- */

/* Whether info counts against RLIMIT_SIGPENDING: as Linux, all but
 * standard signals from kill or the kernel, and timers' (Linux charges
 * those when the timer is made). */
static int sigq_limited(const struct uk_siginfo *info)
{
	if (info->si_code == UK_SI_TIMER)
		return 0;
	return info->si_signo >= U_SIGRTMIN || info->si_code < 0;
}

static struct sigq *sigq_new(const struct uk_siginfo *info)
{
	struct sigq *q;
	int charged = sigq_limited(info);

	if (charged && __atomic_add_fetch(&sigq_charged, 1, __ATOMIC_RELAXED) >
	    uk_process_rlimit(K_RLIMIT_SIGPENDING)) {
		__atomic_sub_fetch(&sigq_charged, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	q = uk_malloc(uk_alloc_get_default(), sizeof(*q));
	if (!q) {
		if (charged)
			__atomic_sub_fetch(&sigq_charged, 1,
					   __ATOMIC_RELAXED);
		return NULL;
	}
	q->info = *info;
	q->charged = charged;
	return q;
}

struct send_args {
	const struct uk_siginfo *info;
	struct sigq *q;
	int rc;
};

/* Sends to thread t (alive: the caller holds the thread-list lock or is
 * t). */
static int send_thread(struct uk_thread *t, void *arg)
{
	struct send_args *a = arg;
	int sig = a->info->si_signo;
	unsigned long flags;
	int rc = 0, intr = 0;

	if (!uk_thread_is_app(t))
		return -ESRCH;
	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	if (!sig_ignored(sig) || (t->sig_blocked & UK_SIGBIT(sig))) {
		rc = queue_locked(&t->sig_pending, &t->sig_queue, sig,
				  a->info->si_code, a->q);
		if (rc == 1)
			a->q = NULL;
		intr = sig_recalc_locked(t);
	}
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	if (intr)
		uk_thread_interrupt(t);
	return rc < 0 ? rc : 0;
}

struct pick_args {
	int sig;
	unsigned long target;		/* a thread id, 0: none */
	int blocked_somewhere;
};

static void pick_thread(struct uk_thread *t, void *arg)
{
	struct pick_args *p = arg;

	if (!uk_thread_is_app(t) || t->state == UK_THREAD_EXITED)
		return;
	if (READ_ONCE(t->sig_blocked) & UK_SIGBIT(p->sig))
		p->blocked_somewhere = 1;
	else if (!p->target)
		p->target = t->id;
}

static int interrupt_thread(struct uk_thread *t, void *arg __maybe_unused)
{
	unsigned long flags;
	int intr;

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	intr = sig_recalc_locked(t);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	if (intr)
		uk_thread_interrupt(t);
	return 0;
}

/* Sends to the process: the caller takes it if it can, else the first
 * app thread that does not block it. */
static int send_process(struct send_args *a)
{
	struct uk_thread *self = uk_thread_current();
	struct pick_args p = { .sig = a->info->si_signo };
	unsigned long flags;
	int rc;

	if (self && uk_thread_is_app(self) &&
	    !(READ_ONCE(self->sig_blocked) & UK_SIGBIT(p.sig)))
		p.target = self->id;
	else
		uk_thread_for_each(pick_thread, &p);
	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	if (sig_ignored(p.sig) && !p.blocked_somewhere) {
		uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
		return 0;
	}
	rc = queue_locked(&proc_pending, &proc_queue, p.sig,
			  a->info->si_code, a->q);
	if (rc == 1)
		a->q = NULL;
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	if (p.target)
		uk_thread_with_id(p.target, interrupt_thread, NULL);
	return rc < 0 ? rc : 0;
}

int uk_signal_send(struct uk_thread *t, const struct uk_siginfo *info)
{
	struct send_args a = { .info = info };
	int rc;

	if (!sig_valid(info->si_signo))
		return -EINVAL;
	a.q = sigq_new(info);
	if (!t)
		rc = send_process(&a);
	else if (t == uk_thread_current())
		rc = send_thread(t, &a);
	else
		rc = uk_thread_with_id(t->id, send_thread, &a);
	sig_free(a.q);
	signalfd_notify();
	return rc;
}

int uk_signal_send_tid(unsigned long tid, const struct uk_siginfo *info)
{
	struct send_args a = { .info = info };
	int rc;

	a.q = sigq_new(info);
	rc = uk_thread_with_id(tid, send_thread, &a);
	sig_free(a.q);
	signalfd_notify();
	return rc;
}

static void info_user(struct uk_siginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->si_a = UK_PID;		/* si_pid */
	info->si_b = 0;			/* si_uid: root */
}

int uk_signal_is_default(int sig)
{
	return sig_valid(sig) &&
	       (unsigned long)actions[sig].handler == U_SIG_DFL;
}

int uk_signal_raise(int sig)
{
	struct uk_thread *self = uk_thread_current();
	struct uk_siginfo info;

	if (!sig_valid(sig))
		return -EINVAL;
	info_user(&info, sig, UK_SI_TKILL);
	return uk_signal_send(self && uk_thread_is_app(self) ? self : NULL,
			      &info);
}

void uk_signal_raise_pipe(void)
{
	uk_signal_raise(U_SIGPIPE);
}

void uk_signal_thread_exit(struct uk_thread *t)
{
	struct uk_list *pos, *n;
	unsigned long flags;
	struct uk_list gone = UK_LIST_HEAD_INIT(gone);

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	/* It takes nothing more: signals for the process go elsewhere. */
	t->sig_blocked = ~0ULL;
	t->sig_pending = 0;
	uk_list_for_each_safe(pos, n, &t->sig_queue) {
		uk_list_del(pos);
		uk_list_add_tail(pos, &gone);
	}
	set_intr_locked(t, 0);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	uk_list_for_each_safe(pos, n, &gone)
		sig_free(uk_list_entry(pos, struct sigq, link));
	/* Process signals it would have taken go to another thread. */
	if (proc_pending) {
		struct pick_args p = { .sig = __builtin_ctzll(proc_pending) + 1 };

		uk_thread_for_each(pick_thread, &p);
		if (p.target)
			uk_thread_with_id(p.target, interrupt_thread, NULL);
	}
}

/* --- delivery ---------------------------------------------------------- */

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
void sig_say_core(int sig)
{
	struct uk_thread *t = uk_thread_current();

	uk_printk_raw("amphi: %s in thread %s: the program ends (status %d)"
		      "\n", core_names[sig], t ? t->name : "?", 128 + sig);
}

static void sig_default(int sig)
{
	if (UK_SIGBIT(sig) & SIG_DFL_IGNORED)
		return;
	if (UK_SIGBIT(sig) & SIG_DFL_CORE) {
		sig_say_core(sig);
		ukplat_backtrace(NULL, 0);
	} else {
		uk_pr_debug("signal %d: default action ends the program\n",
			    sig);
	}
	uk_process_exit(128 + sig);
}

typedef void (*handler_fn)(int);
typedef void (*sigaction_fn)(int, struct uk_siginfo *, void *);

struct handler_call {
	struct uk_sigaction act;
	int sig;
	struct uk_siginfo *info;
	const struct uk_sigfault *trap;	/* a fault's, or NULL */
	struct uk_ucontext *uc;
	struct ukarch_ctx back, alt;
};

/* A binary's handler runs on the binary's thread pointer, also when the
 * kernel calls it from a trapped system call (core/syscall); kernel
 * code goes on with its own. */
static void call_handler(struct handler_call *c)
{
	struct uk_thread *t = uk_thread_current();
	int binary = uk_thread_in_binary_call(t);

	if (binary)
		ukplat_tlsp_set(t->utlsp);
	if (c->act.flags & U_SA_SIGINFO)
		((sigaction_fn)c->act.handler)(c->sig, c->info, c->uc);
	else
		((handler_fn)c->act.handler)(c->sig);
	if (binary) {
		/* Its arch_prctl there changed the binary's. */
		t->utlsp = ukplat_tlsp_get();
		ukplat_tlsp_set(t->ktlsp);
	}
}

/* First thing on the alternate stack: the handler, then back. */
static void __noreturn alt_entry(long arg0, long arg1 __maybe_unused)
{
	struct handler_call *c = (struct handler_call *)arg0;

	call_handler(c);
	ukarch_ctx_switch(&c->alt, &c->back);
	__builtin_unreachable();
}

static int on_altstack(const struct uk_thread *t)
{
	__uptr sp = (__uptr)__builtin_frame_address(0);

	return t->sig_altstack_size && sp > t->sig_altstack_sp &&
	       sp <= t->sig_altstack_sp + t->sig_altstack_size;
}

/* Sets t's alternate stack as sigaltstack does (the caller checked that
 * t is not on it): 0, -EINVAL (flags) or -ENOMEM (too small). */
static int altstack_set(struct uk_thread *t, __uptr sp, int flags, __sz size)
{
	unsigned int mode = (unsigned int)flags & ~U_SS_AUTODISARM;

	if (mode != 0 && mode != U_SS_ONSTACK && mode != U_SS_DISABLE)
		return -EINVAL;
	if (mode == U_SS_DISABLE) {
		t->sig_altstack_sp = 0;
		t->sig_altstack_size = 0;
		t->sig_altstack_flags = U_SS_DISABLE;
		return 0;
	}
	if (size < U_MINSIGSTKSZ)
		return -ENOMEM;
	/* Its top is paged in now: a fault's handler call (fault.c)
	 * starts there from the trap, which must not fault again. */
	uk_nofault_probe_w(sp + size - 64, 64, 0);
	t->sig_altstack_sp = sp;
	t->sig_altstack_size = size;
	t->sig_altstack_flags = (int)((unsigned int)flags & U_SS_AUTODISARM);
	return 0;
}

/*
 * Runs the handler on t's alternate stack if it asks for it and t has
 * one it is not already on. With SS_AUTODISARM the alternate stack is
 * no more while the handler runs, as Linux's delivery resets it, and
 * its return sets it from uc_stack as Linux's sigreturn does (what the
 * handler left there; a handler that jumps out leaves it disarmed).
 */
static void run_handler(struct uk_thread *t, struct handler_call *c)
{
	int flags = t->sig_altstack_flags;
	int alt = (c->act.flags & U_SA_ONSTACK) && t->sig_altstack_size &&
		  !(flags & U_SS_DISABLE) && !on_altstack(t);
	__uptr top = (t->sig_altstack_sp + t->sig_altstack_size) &
		     ~(__uptr)(UKARCH_SP_ALIGN - 1);
	const struct uk_stack *st = &c->uc->uc_stack;

	if (flags & U_SS_AUTODISARM)
		altstack_set(t, 0, U_SS_DISABLE, 0);
	if (alt) {
		ukarch_ctx_init_entry2(&c->alt, top, alt_entry, (long)c, 0);
		ukarch_ctx_keep_key(&c->alt);
		ukarch_ctx_switch(&c->back, &c->alt);
	} else {
		call_handler(c);
	}
	if (flags & U_SS_AUTODISARM)
		altstack_set(t, st->ss_sp, st->ss_flags, st->ss_size);
}

/* The handler's ucontext: the mask to restore, the alternate stack (as
 * sigaltstack set it, as Linux saves it), the registers of a call that
 * came with a full frame (a Linux binary's "syscall" instruction), the
 * return register holding what the call returns, or of the code an
 * asynchronous signal interrupted, and the FPU/SIMD state ectx. A native
 * app's system calls are function calls: there is no interrupted
 * register state, its registers are zero (its FPU state is the CPU's at
 * the call). */
static void uc_fill(struct uk_sigframe *f, struct uk_thread *t,
		    __u64 restore, const struct __regs *regs, long ret,
		    const void *ectx)
{
	struct uk_ucontext *uc = &f->uc;

	memset(uc, 0, sizeof(*uc));
	uc->uc_sigmask = restore;
	uc->uc_stack.ss_sp = t->sig_altstack_sp;
	uc->uc_stack.ss_size = t->sig_altstack_size;
	uc->uc_stack.ss_flags = t->sig_altstack_flags;
	if (!t->sig_altstack_size)
		uc->uc_stack.ss_flags = U_SS_DISABLE;
	if (regs)
		uk_mcontext_from_regs(&uc->uc_mcontext, regs, ret);
	uk_sigframe_fpu_from(f, ectx);
}

/* Takes the FPU/SIMD state a handler left in f back into ectx; a frame
 * whose state cannot be read is a bad frame, which Linux answers with
 * SIGSEGV (as rt_sigreturn below). */
static void fpu_back(void *ectx, const struct uk_sigframe *f)
{
	if (!uk_sigframe_fpu_to(ectx, f))
		return;
	uk_printk_raw("amphi: a signal handler's fpregs cannot be read\n");
	sig_default(11);
}

#if defined(__x86_64__)
/* What ukarch_regs_resume writes below the stack pointer it resumes
 * (uk/arch/ctx.h): 24 bytes, 152 bytes below it. */
#define RESUME_BELOW	152
#define RESUME_BYTES	24
#endif

/* A handler that moved the stack pointer to memory the way back cannot
 * write (x86_64) would crash the kernel there; on Linux the program
 * goes on and faults at its first use of that stack, which ends it by
 * SIGSEGV: so it ends here, the same way. */
static void sp_check(const struct __regs *r, __uptr old_sp)
{
#if defined(__x86_64__)
	__uptr sp = ukarch_regs_sp(r);

	if (sp == old_sp ||
	    uk_nofault_probe_w(sp - RESUME_BELOW, RESUME_BYTES, 0) ==
	    RESUME_BYTES)
		return;
	uk_printk_raw("amphi: a signal handler set a stack pointer (0x%lx) "
		      "that cannot be written\n", (unsigned long)sp);
	sig_default(11);
#else
	(void)r;
	(void)old_sp;
#endif
}

/* What a call shows as its result in the handler's registers. */
static long shown_rc(const long *rc, unsigned long act_flags)
{
	if (*rc == -UK_ERESTARTSYS && !(act_flags & U_SA_RESTART))
		return -EINTR;
	return *rc;
}

/* Runs c's handler for the calling thread self (the signal taken, its
 * mask in force; saved is the mask before it), then puts the mask back,
 * as deliver below describes for rc, after, intr and intr_ectx.
 * sp_always: check the stack pointer the way back resumes even if the
 * handler left it as it was (a fault's, which may be an overflow's). */
static void run_action(struct uk_thread *self, struct handler_call *c,
		       __u64 saved, long *rc, __u64 *after,
		       struct __regs *intr, void *intr_ectx, int sp_always)
{
	struct uk_sigframe frame __align(64);
	__u8 live[UKARCH_ECTX_SIZE] __align(UKARCH_ECTX_ALIGN);
	struct __regs *regs = rc ? self->syscall_regs : intr;
	void *ectx = intr ? intr_ectx : self->syscall_ectx;
	unsigned long flags;
	long shown = 0;

	if (regs)
		shown = rc ? shown_rc(rc, c->act.flags) :
			     (long)ukarch_regs_ret(regs);
	if (!ectx)
		ukarch_ectx_store(live);
	uc_fill(&frame, self, after ? *after : saved, regs, shown,
		ectx ? ectx : live);
	if (c->trap)
		uk_sigframe_fault(&frame, c->trap);
	c->uc = &frame.uc;
#if defined(__x86_64__)
	/* Linux's x86 handlers start with the initial FPU state (arm64's
	 * keep the registers): no FP exception of the interrupted code
	 * is pending or unmasked in a handler, nor after it jumps out. */
	ukarch_ectx_init();
#endif
	run_handler(self, c);
	fpu_back(ectx ? ectx : live, &frame);
	if (!ectx)
		ukarch_ectx_load(live);
	if (regs) {
		__uptr old_sp = sp_always ? 0 : ukarch_regs_sp(regs);
		long set = uk_mcontext_to_regs(regs, &frame.uc.uc_mcontext);

		sp_check(regs, old_sp);

		if (!rc)
			ukarch_regs_ret(regs) = (unsigned long)set;
		else if (set != shown)
			*rc = set;
	}
	/* As Linux's return from a handler: the mask is uc_sigmask,
	 * which the handler may have changed. */
	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	if (after)
		*after = frame.uc.uc_sigmask & ~SIG_UNCATCHABLE;
	self->sig_blocked = after ? saved :
			    frame.uc.uc_sigmask & ~SIG_UNCATCHABLE;
	sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
}

/* Blocks what a handler's action blocks while it runs (uk_sig_lock
 * held); SA_RESETHAND puts the default action back. */
static void block_for_handler_locked(struct uk_thread *self, int sig,
				     const struct uk_sigaction *act)
{
	if (act->flags & U_SA_RESETHAND)
		memset(&actions[sig], 0, sizeof(actions[sig]));
	self->sig_blocked |= act->mask;
	if (!(act->flags & U_SA_NODEFER))
		self->sig_blocked |= UK_SIGBIT(sig);
	self->sig_blocked &= ~SIG_UNCATCHABLE;
}

/* Delivers what the calling thread can take now, lowest first. Returns
 * how many handlers ran; *no_restart is set if one lacked SA_RESTART.
 * rc is the ending system call's result (NULL: not in a call); a handler
 * that changes the return register of a full-frame call changes it.
 * after (NULL: none) is the mask the call puts back when it ends (one
 * that runs under a temporary mask: sigsuspend, ppoll...): handlers see
 * it as uc_sigmask, and their edits go there. intr (NULL: none) is the
 * state of the app code the thread was interrupted in (not in a call):
 * handlers see it as uc_mcontext, and their edits go there, as Linux
 * resumes them; intr_ectx is its FPU/SIMD state, likewise. In a call,
 * the FPU/SIMD state handlers see and change is the one a trapped call
 * saved at its entry (syscall_ectx), else the CPU's (a native app's
 * call is a function call), loaded again after each handler, which
 * itself may use the FPU freely, as on Linux. */
static int deliver(int *no_restart, long *rc, __u64 *after,
		   struct __regs *intr, void *intr_ectx)
{
	struct uk_thread *self = uk_thread_current();
	struct handler_call c;
	struct uk_siginfo info;
	unsigned long flags;
	unsigned long h;
	struct sigq *fq;
	__u64 saved;
	int sig, ran = 0;

	if (!self)
		return 0;
	for (;;) {
		uk_spin_lock_irqsave(&uk_sig_lock, flags);
		sig = sig_take_locked(self, ~self->sig_blocked, &info, &fq);
		if (!sig) {
			sig_recalc_locked(self);
			uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
			return ran;
		}
		c.act = actions[sig];
		h = (unsigned long)c.act.handler;
		saved = self->sig_blocked;
		if (h != U_SIG_IGN && h != U_SIG_DFL)
			block_for_handler_locked(self, sig, &c.act);
		sig_recalc_locked(self);
		uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
		sig_free(fq);
		if (h == U_SIG_IGN)
			continue;
		if (h == U_SIG_DFL) {
			sig_default(sig);
			continue;
		}
		c.sig = sig;
		c.info = &info;
		c.trap = NULL;
		run_action(self, &c, saved, rc, after, intr, intr_ectx, 0);
		ran++;
		if (!(c.act.flags & U_SA_RESTART))
			*no_restart = 1;
	}
}

/* Whether sig would run a handler in t now: caught, not blocked. */
static int caught_locked(const struct uk_thread *t, int sig)
{
	unsigned long h = (unsigned long)actions[sig].handler;

	return h != U_SIG_DFL && h != U_SIG_IGN &&
	       !(t->sig_blocked & UK_SIGBIT(sig));
}

int sig_fault_caught(struct uk_thread *t, int sig, unsigned long *act_flags)
{
	unsigned long flags;
	int caught;

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	caught = caught_locked(t, sig);
	*act_flags = actions[sig].flags;
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	return caught;
}

void sig_fault_deliver(struct uk_siginfo *info, struct __regs *regs,
		       void *ectx, const struct uk_sigfault *trap)
{
	struct uk_thread *self = uk_thread_current();
	int sig = info->si_signo;
	struct handler_call c;
	unsigned long flags;
	__u64 saved;

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	if (!caught_locked(self, sig)) {
		/* Changed since the fault (another thread's sigaction):
		 * Linux's force_sig, the default action. */
		uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
		sig_default(sig);
		return;
	}
	c.act = actions[sig];
	saved = self->sig_blocked;
	block_for_handler_locked(self, sig, &c.act);
	sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	c.sig = sig;
	c.info = info;
	c.trap = trap;
	run_action(self, &c, saved, NULL, NULL, regs, ectx, 1);
}

int uk_signal_syscall_end(long *rc)
{
	int no_restart = 0;
	int ran = deliver(&no_restart, rc, NULL, NULL, NULL);

	if (*rc != -UK_ERESTARTSYS)
		return 0;
	if (ran && no_restart) {
		*rc = -EINTR;
		return 0;
	}
	return 1;
}

/* Called in a thread interrupted while it ran app code, whose state
 * regs and ectx are. */
static void interrupt_hook(struct __regs *regs, void *ectx)
{
	int no_restart;

	deliver(&no_restart, NULL, NULL, regs, ectx);
}

static int signal_init(struct uk_init_ctx *ctx __maybe_unused)
{
	uk_thread_set_interrupt_hook(interrupt_hook);
	return 0;
}
uk_early_initcall(signal_init, NULL);

/* --- masks ------------------------------------------------------------- */

int uk_signal_mask(int how, const __u64 *set, __u64 *old)
{
	struct uk_thread *self = uk_thread_current();
	__u64 *blocked = blocked_of(self);
	unsigned long flags;

	if (set && how != U_SIG_BLOCK && how != U_SIG_UNBLOCK &&
	    how != U_SIG_SETMASK)
		return -EINVAL;
	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	if (old)
		*old = *blocked;
	if (set) {
		if (how == U_SIG_BLOCK)
			*blocked |= *set;
		else if (how == U_SIG_UNBLOCK)
			*blocked &= ~*set;
		else
			*blocked = *set;
		*blocked &= ~SIG_UNCATCHABLE;
	}
	if (self)
		sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
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
	int no_restart;

	/* What the call's mask let in is taken under that mask. */
	deliver(&no_restart, NULL, &old, NULL, NULL);
	uk_signal_mask(U_SIG_SETMASK, &old, NULL);
}

__u64 uk_signal_pending(void)
{
	struct uk_thread *self = uk_thread_current();
	__u64 own = self ? READ_ONCE(self->sig_pending) : 0;

	return own | __atomic_load_n(&proc_pending, __ATOMIC_RELAXED);
}

/* --- system calls ----------------------------------------------------- */

UK_SYSCALL_R_DEFINE(int, rt_sigaction, int, sig,
		    const struct uk_sigaction *, act,
		    struct uk_sigaction *, oldact, size_t, sigsetsize)
{
	struct uk_thread *self = uk_thread_current();
	struct uk_sigaction new, old;
	struct sigq *fq[2] = { NULL, NULL };
	struct uk_siginfo info;
	unsigned long flags;

	if (sigsetsize != sizeof(__u64))
		return -EINVAL;
	if (!sig_valid(sig) || (act && (UK_SIGBIT(sig) & SIG_UNCATCHABLE)))
		return -EINVAL;
	if (act && uk_copy_from_user(&new, act, sizeof(new)) < 0)
		return -EFAULT;
	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	old = actions[sig];
	if (act) {
		new.mask &= ~SIG_UNCATCHABLE;
		actions[sig] = new;
		/* Ignoring discards a pending instance (POSIX); the
		 * caller's and the process's, one queued info each. */
		if (sig_ignored(sig)) {
			if (self && (self->sig_pending & UK_SIGBIT(sig)))
				take_one(&self->sig_pending, &self->sig_queue,
					 sig, &info, &fq[0]);
			if (proc_pending & UK_SIGBIT(sig))
				take_one(&proc_pending, &proc_queue, sig,
					 &info, &fq[1]);
		}
	}
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	sig_free(fq[0]);
	sig_free(fq[1]);
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
	struct uk_thread *self = uk_thread_current();
	__u64 s = uk_signal_pending() & *blocked_of(self);

	if (sigsetsize > sizeof(__u64))
		return -EINVAL;
	return uk_copy_to_user(set, &s, sigsetsize);
}

UK_SYSCALL_R_DEFINE(int, kill, int, pid, int, sig)
{
	struct uk_siginfo info;

	if (sig < 0 || sig >= UK_NSIG)
		return -EINVAL;
	if (pid != UK_PID && pid != 0 && pid != -1 && pid != -UK_PID)
		return -ESRCH;
	if (!sig)
		return 0;
	info_user(&info, sig, UK_SI_USER);
	return uk_signal_send(NULL, &info);
}

static int thread_exists(struct uk_thread *t, void *arg __maybe_unused)
{
	return uk_thread_is_app(t) ? 0 : -ESRCH;
}

UK_SYSCALL_R_DEFINE(int, tkill, int, tid, int, sig)
{
	struct uk_siginfo info;

	if (tid <= 0 || sig < 0 || sig >= UK_NSIG)
		return -EINVAL;
	if (!sig)
		return uk_thread_with_id(tid, thread_exists, NULL);
	info_user(&info, sig, UK_SI_TKILL);
	return uk_signal_send_tid(tid, &info);
}

UK_SYSCALL_R_DEFINE(int, tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig >= UK_NSIG)
		return -EINVAL;
	if (tgid != UK_PID)
		return -ESRCH;
	return __uk_sys_tkill(tid, sig);
}

/* Reads a sigqueue info as Linux checks it (same process: any code). */
static int info_from_user(struct uk_siginfo *info, int sig,
			  const struct uk_siginfo *uinfo)
{
	if (!sig_valid(sig))
		return -EINVAL;
	if (uk_copy_from_user(info, uinfo, sizeof(*info)) < 0)
		return -EFAULT;
	info->si_signo = sig;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, rt_sigqueueinfo, int, pid, int, sig,
		    const struct uk_siginfo *, uinfo)
{
	struct uk_siginfo info;
	int rc = info_from_user(&info, sig, uinfo);

	if (rc)
		return rc;
	if (pid != UK_PID && pid != 0)
		return -ESRCH;
	return uk_signal_send(NULL, &info);
}

UK_SYSCALL_R_DEFINE(int, rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		    const struct uk_siginfo *, uinfo)
{
	struct uk_siginfo info;
	int rc = info_from_user(&info, sig, uinfo);

	if (rc)
		return rc;
	if (tgid != UK_PID || tid <= 0)
		return tid <= 0 ? -EINVAL : -ESRCH;
	return uk_signal_send_tid(tid, &info);
}

/* Waits with the mask *mask until a handler ran (or the program ended),
 * then puts the caller's mask back: sigsuspend, pause. */
static int suspend(const __u64 *mask)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long flags;
	int no_restart;
	__u64 saved;

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	saved = self->sig_blocked;
	if (mask)
		self->sig_blocked = *mask & ~SIG_UNCATCHABLE;
	sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	do
		uk_thread_sleep_interruptible(0);
	while (!deliver(&no_restart, NULL, &saved, NULL, NULL));
	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	self->sig_blocked = saved;
	sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	return -EINTR;
}

UK_SYSCALL_R_DEFINE(int, rt_sigsuspend, const __u64 *, umask,
		    size_t, sigsetsize)
{
	__u64 mask;

	if (sigsetsize != sizeof(mask))
		return -EINVAL;
	if (uk_copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	return suspend(&mask);
}

UK_SYSCALL_R_DEFINE(int, pause)
{
	return suspend(NULL);
}

/* Takes a signal of set for the caller: the signal or 0. */
static int take_from(__u64 set, struct uk_siginfo *info)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long flags;
	struct sigq *fq;
	int sig;

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	sig = sig_take_locked(self, set, info, &fq);
	sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	sig_free(fq);
	return sig;
}

/* Waits until a signal of set is pending (taking it) or deadline (0:
 * none) or another signal interrupts: the signal, -EAGAIN, -EINTR. The
 * set is unblocked meanwhile, so that its signals pick this thread. */
static int timed_wait(__u64 set, __nsec deadline, struct uk_siginfo *info)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long flags;
	struct sigq *fq;
	__u64 saved;
	int sig, rc;

	uk_spin_lock_irqsave(&uk_sig_lock, flags);
	saved = self->sig_blocked;
	self->sig_blocked &= ~set;
	sig_recalc_locked(self);
	uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
	do {
		rc = uk_thread_sleep_interruptible(deadline);
		uk_spin_lock_irqsave(&uk_sig_lock, flags);
		sig = sig_take_locked(self, set, info, &fq);
		if (sig || rc == 0) {
			self->sig_blocked = saved;
			sig_recalc_locked(self);
		} else if (!((self->sig_pending | proc_pending) &
			     ~self->sig_blocked)) {
			/* Another thread took it: wait on. */
			sig_recalc_locked(self);
			rc = 1;
		} else {
			self->sig_blocked = saved;
			sig_recalc_locked(self);
		}
		uk_spin_unlock_irqrestore(&uk_sig_lock, flags);
		sig_free(fq);
	} while (!sig && rc == 1);
	if (sig)
		return sig;
	return rc ? -EINTR : -EAGAIN;
}

UK_SYSCALL_R_DEFINE(int, rt_sigtimedwait, const __u64 *, uset,
		    struct uk_siginfo *, uinfo,
		    const struct uk_timespec *, uts, size_t, sigsetsize)
{
	struct uk_siginfo info;
	struct uk_timespec ts;
	__nsec ns = 0, deadline = 0;
	__u64 set;
	int sig;

	if (sigsetsize != sizeof(set))
		return -EINVAL;
	if (uk_copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	set &= ~SIG_UNCATCHABLE;
	if (uts) {
		if (uk_copy_from_user(&ts, uts, sizeof(ts)) < 0)
			return -EFAULT;
		if (uk_timespec_to_ns(&ts, &ns) < 0)
			return -EINVAL;
	}
	sig = take_from(set, &info);
	if (!sig && uts && !ns)
		return -EAGAIN;
	if (!sig) {
		if (uts)
			deadline = ukplat_monotonic_clock() + ns;
		sig = timed_wait(set, deadline, &info);
		if (sig < 0)
			return sig;
	}
	if (uinfo && uk_copy_to_user(uinfo, &info, sizeof(info)) < 0)
		return -EFAULT;
	return sig;
}

/* Linux's stack_t. */
struct k_stack {
	__uptr ss_sp;
	int ss_flags;
	int __pad;
	__sz ss_size;
};

UK_SYSCALL_R_DEFINE(int, sigaltstack, const struct k_stack *, uss,
		    struct k_stack *, uold)
{
	struct uk_thread *self = uk_thread_current();
	struct k_stack ss, old = { 0 };
	int rc;

	if (!self)
		return -EINVAL;
	old.ss_sp = self->sig_altstack_sp;
	old.ss_size = self->sig_altstack_size;
	old.ss_flags = self->sig_altstack_flags;
	if (on_altstack(self))
		old.ss_flags = U_SS_ONSTACK |
			       (int)((unsigned int)old.ss_flags &
				     U_SS_AUTODISARM);
	else if (!old.ss_size)
		old.ss_flags = U_SS_DISABLE;
	if (uss) {
		if (uk_copy_from_user(&ss, uss, sizeof(ss)) < 0)
			return -EFAULT;
		if (on_altstack(self))
			return -EPERM;
		rc = altstack_set(self, ss.ss_sp, ss.ss_flags, ss.ss_size);
		if (rc < 0)
			return rc;
	}
	if (uold && uk_copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/*
 * Handlers run as calls and return by themselves: the kernel never puts
 * a signal frame on an app's stack, so whatever rt_sigreturn finds there
 * is not one (an app that calls it directly, or a handler that jumps to
 * its restorer), and restoring registers from it would resume at a
 * garbage address. Linux forces SIGSEGV for a bad frame (a block or
 * SIG_IGN does not keep it off), and the garbage it already loaded
 * typically leaves a handler no stack to run on: the process dies by
 * SIGSEGV even with a handler installed. Here too, always, with the
 * report of SIGSEGV's default action and status 139 (128 + 11, what a
 * shell shows for a death by SIGSEGV).
 */
UK_SYSCALL_R_DEFINE(long, rt_sigreturn)
{
	uk_printk_raw("amphi: rt_sigreturn without a signal frame\n");
	sig_default(11);
	__builtin_unreachable();
}
