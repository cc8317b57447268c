/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Threads: a stack, a context, an extended (FPU/SIMD) context and a TLS
 * pointer, separate from any scheduler. The extended context needs no
 * area of its own: a cooperative switch happens at a call, where the ABI
 * only keeps the FPU control words (ukarch_ctx_switch saves them), and a
 * preempted thread saves the whole FPU/SIMD state on its own stack
 * (ukarch_regs_inject_call). A thread is created
 * unassigned, then added to a scheduler (uk/sched.h), which runs it; it
 * can be removed and added to another one while it is not running.
 *
 *   t = uk_thread_create("worker", fn, arg, 0);
 *   uk_thread_start(t);            // placed on the least loaded CPU
 *   uk_thread_join(t, &status);    // waits, frees stack and struct
 *
 * Every thread carries a thread pointer: musl's thread descriptor, with
 * the TLS block below it (errno, the app's __thread variables). Threads
 * made here get theirs from the C library's glue (uk_libc_tls_init);
 * clone children use the one musl gave them.
 */
#ifndef __UK_THREAD_H__
#define __UK_THREAD_H__

#include <uk/arch/ctx.h>
#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <uk/list.h>
#include <uk/plat/syscall.h>
#include <uk/plat/tls.h>
#include <uk/spinlock.h>
#include <uk/wait_types.h>

struct uk_sched;

#define UK_THREAD_NAME_MAX	24
/* Thread ids: the boot thread's is the process id; all stay below
 * Linux's largest pid_max (ids are ints to apps). */
#define UK_THREAD_ID_MAIN	1
#define UK_THREAD_ID_MAX	4194304
#define UK_THREAD_STACK_DEFAULT	(64 * 1024)
#define UK_THREAD_STACK_MIN	(8 * 1024)

/* uk_thread_create flags */
#define UK_THREADF_DETACHED	0x01	/* freed by itself at exit */
#define UK_THREADF_SERVICE	0x02	/* kernel housekeeping: its CPU time
					 * is not the process's */
/* set by the scheduler */
#define UK_THREADF_PINNED	0x10	/* added to a chosen CPU: not moved */
#define UK_THREADF_STATIC	0x20	/* struct/stack not ours to free */
#define UK_THREADF_IDLE		0x40	/* a CPU's idle thread */
#define UK_THREADF_JOINING	0x80	/* uk_thread_join waits for it */
#define UK_THREADF_FOREIGN	0x100	/* the stack is the app's (clone) */
#define UK_THREADF_AFFINE	0x200	/* pinned by sched_setaffinity */

enum uk_thread_state {
	UK_THREAD_NEW,		/* created, on no scheduler */
	UK_THREAD_RUNNABLE,	/* queued, or running if sched->current */
	UK_THREAD_BLOCKED,	/* waiting for a wake-up or its deadline */
	UK_THREAD_EXITED,	/* finished; waits to be joined or freed */
};

typedef void (*uk_thread_fn_t)(void *arg);

struct uk_thread {
	struct ukarch_ctx ctx;
	char name[UK_THREAD_NAME_MAX];
	unsigned long id;
	enum uk_thread_state state;
	unsigned int flags;
	struct uk_sched *sched;		/* NULL while unassigned */
	struct uk_sched *migrate_to;	/* moves there at its next switch */

	struct uk_list rq_link;		/* on sched->runq */
	/* Sleep queue: a pairing heap ordered by wakeup_time. */
	__nsec wakeup_time;		/* 0: no deadline */
	struct uk_thread *sq_child, *sq_next, *sq_prev;
	int in_sleepq;
	int kill_pending;		/* uk_thread_kill: dies when it runs */
	int preempt_return;		/* on its way back from a preemption */
	struct uk_waitq *wq;		/* the queue it waits on, if any */
	struct uk_waitq_entry *wq_entry;
	int off_cpu;			/* exited and its stack is unused */

	void *stack;			/* lowest address */
	__sz stack_size;
	__vaddr_t stack_vma;		/* its VMA, guards included */
	__uptr tlsp;			/* its thread pointer (musl's) */
	void *tls_block;		/* its TLS area, if the kernel's */
	/* A loaded binary's thread: the thread pointer of its own musl
	 * area, which kernel code runs on in its trapped system calls,
	 * and the binary's own, to go back to (core/syscall). */
	__uptr ktlsp;
	__uptr utlsp;

	uk_thread_fn_t fn;
	void *arg;
	__u64 cpu_ticks;		/* CPU time run (ukplat_cpu_ticks) */
	int exit_status;
	void *priv;			/* for the owner of the thread */
	struct __regs *syscall_regs;	/* full-frame system call, or NULL */
	/* The FPU/SIMD state a trapped system call saved at its entry and
	 * resumes with (an extended context, uk/arch/ctx.h), or NULL. */
	void *syscall_ectx;
	/* Where its trapped system calls run (a loaded binary's thread on
	 * metal; uk_thread_syscall_stack()), and the block behind it. */
	struct ukplat_syscall_stack syscall_stack;
	void *syscall_stack_block;
	/* core/signal's per-thread state; sig_intr (written under the
	 * signal lock) says a signal waits for this thread to take it:
	 * interruptible waits end and the system call returns. */
	__u64 sig_blocked;		/* its blocked signals */
	__u64 sig_pending;		/* signals sent to this thread */
	struct uk_list sig_queue;	/* their siginfo (core/signal) */
	int sig_intr;
	int sig_altstack_flags;		/* sigaltstack: SS_* */
	__uptr sig_altstack_sp;
	__sz sig_altstack_size;
	/* A fault's signal, from the trap to its injected delivery. */
	int sig_fault;			/* the signal, 0: none */
	int sig_fault_code;		/* its si_code */
	__uptr sig_fault_addr;		/* its si_addr */
	unsigned long sig_fault_trapno;	/* the trap's vector (x86_64) */
	unsigned long sig_fault_err;	/* its error code; arm64: ESR */
	/* x86_64: the address of the last page fault that was a signal,
	 * which Linux's frames show as cr2 (its thread.cr2). */
	__uptr sig_fault_cr2;
	/* Set by clone (core/process): Linux's per-thread process data. */
	__u32 *clear_child_tid;		/* 0 and a futex wake at exit */
	void *robust_list;		/* set_robust_list's head */
	unsigned long robust_len;
	void (*on_off_cpu)(struct uk_thread *t);  /* exited, stack unused */
	__uptr unmap_base;		/* this range is unmapped then */
	__sz unmap_len;
	int kernel_buffers;		/* uk_kernel_buffers_begin depth */
	/* Waits for an absolute CLOCK_REALTIME time: a step of the wall
	 * clock wakes it to look at its deadline again (core/time). */
	int rt_deadline_wait;
	/* What the app set with setpriority and sched_setscheduler
	 * (core/sched/syscalls.c): kept and reported, never used, as the
	 * scheduler runs every thread alike. */
	int nice;			/* -20..19 */
	int sched_policy;		/* SCHED_*, | SCHED_RESET_ON_FORK */
	int sched_prio;			/* 1..99 for FIFO and RR, else 0 */

	struct uk_spinlock lock;	/* exit, detach, join */
	struct uk_waitq exit_wq;	/* joiners */
	struct uk_list all_link;	/* every thread, for uk_sched_dump */
	struct uk_list id_link;		/* in the table of ids */
	unsigned long vg_stack_id;	/* valgrind's id of the stack */
};

/* Nonzero if t (the running thread) is a loaded binary's serving one of
 * its trapped system calls, on its own thread pointer (t->ktlsp): the
 * binary's is t->utlsp then (arch_prctl, clone, signal handlers). */
static inline int uk_thread_in_binary_call(const struct uk_thread *t)
{
	return t && t->ktlsp && ukplat_tlsp_get() == t->ktlsp;
}

/* Creates an unassigned thread that will run fn(arg) on a new stack of
 * stack_size bytes (0: UK_THREAD_STACK_DEFAULT). Returns the thread or
 * ERR2PTR(-EINVAL) (stack too small, NULL fn), ERR2PTR(-ENOMEM). */
struct uk_thread *uk_thread_create(const char *name, uk_thread_fn_t fn,
				   void *arg, __sz stack_size,
				   unsigned int flags);

struct __regs;
/* Creates an unassigned thread that, once started, resumes the registers
 * start (a copy is kept on its stack, below start's stack pointer): the
 * child of a clone. The stack is the caller's (UK_THREADF_FOREIGN: never
 * freed by the kernel), the VMA holding start's stack pointer, which
 * must be mapped with at least UK_THREAD_STACK_MIN bytes below it.
 * Returns the thread or ERR2PTR(-EINVAL, -ENOMEM). */
struct uk_thread *uk_thread_create_regs(const char *name,
					const struct __regs *start,
					unsigned int flags);

/* Adds t to the least loaded CPU's scheduler. Returns 0 or -EINVAL (t
 * already on a scheduler or exited). */
int uk_thread_start(struct uk_thread *t);

/* Returns the running thread, or NULL before the scheduler exists. */
struct uk_thread *uk_thread_current(void);

/* Gives t a kernel stack of its own for the system calls it traps with
 * the "syscall" instruction (a loaded binary's thread: its stack is the
 * binary's), if it has none; freed with the thread. Returns 0 or
 * -ENOMEM. */
int uk_thread_syscall_stack(struct uk_thread *t);

/* Ends the calling thread with status; wakes its joiners. */
void __noreturn uk_thread_exit(int status);

/* Waits until t exited, stores its status in *status (may be NULL) and
 * frees it. Returns 0, -EINVAL (t is detached), -EDEADLK (t is the
 * caller). A thread is joined at most once. */
int uk_thread_join(struct uk_thread *t, int *status);

/* Lets t free itself when it exits (or frees it now if it already has).
 * Returns 0 or -EINVAL (already detached). */
int uk_thread_detach(struct uk_thread *t);

/* Ends t with status -1: at once if it never ran, else the next time it
 * is scheduled (it is woken if blocked, and leaves the queue it waited
 * on). Locks it holds are not released. Returns 0 or -EINVAL (already
 * exited or being killed). */
int uk_thread_kill(struct uk_thread *t);

/* Frees an exited or never-started thread's stack and struct. */
void uk_thread_release(struct uk_thread *t);

/* Marks the running thread t blocked (until deadline, 0: none); it stops
 * running at its next uk_sched_yield() unless woken before. */
void uk_thread_block_until(struct uk_thread *t, __nsec deadline);
static inline void uk_thread_block(struct uk_thread *t)
{
	uk_thread_block_until(t, 0);
}

/* Makes a blocked thread runnable again. ISR-safe, any CPU. */
void uk_thread_wake(struct uk_thread *t);

/* For core/signal, after it set t->sig_intr: wakes t if it is blocked
 * (an interruptible wait then ends), or has t's CPU call the interrupt
 * hook in t if t runs app code there. ISR-safe, any CPU. */
void uk_thread_interrupt(struct uk_thread *t);

/* Whether t is one of the app's threads: the boot thread (its main)
 * and clone's children, not the kernel's own. */
static inline int uk_thread_is_app(const struct uk_thread *t)
{
	return t->id == UK_THREAD_ID_MAIN || (t->flags & UK_THREADF_FOREIGN);
}

/* Whether t's interruptible waits should end (a signal waits for it). */
static inline int uk_thread_interrupted(const struct uk_thread *t)
{
	return t && __atomic_load_n(&t->sig_intr, __ATOMIC_ACQUIRE);
}

/* Sets the function a thread interrupted while it runs app code calls,
 * as if called from the interrupted instruction, with the interrupted
 * registers and FPU/SIMD state (an extended context, uk/arch/ctx.h),
 * which it may change (core/signal: delivery of asynchronous signals). */
void uk_thread_set_interrupt_hook(void (*fn)(struct __regs *regs,
					     void *ectx));

/* Sleeps until the monotonic deadline (0: none) or until the caller is
 * interrupted (uk_thread_interrupted). Returns 0 at the deadline, -EINTR
 * when interrupted. */
int uk_thread_sleep_interruptible(__nsec deadline);

/* Renames t (truncated to UK_THREAD_NAME_MAX - 1 characters). */
void uk_thread_set_name(struct uk_thread *t, const char *name);

static inline const char *uk_thread_name(const struct uk_thread *t)
{
	return t->name;
}

/* The thread with id id (its tid), or NULL. Only for a check: unless
 * the caller keeps it alive otherwise, it may be gone on return. */
struct uk_thread *uk_thread_find_id(unsigned long id);

/* Calls fn(t, arg) for the thread with id id, unless it exited, under
 * the thread-list lock (fn must not block). Returns fn's result or
 * -ESRCH. */
int uk_thread_with_id(unsigned long id,
		      int (*fn)(struct uk_thread *t, void *arg), void *arg);

/* Gives t, a clone child of parent, the nice value and scheduling
 * policy parent has, as Linux does (SCHED_RESET_ON_FORK: the defaults). */
void uk_thread_sched_inherit(struct uk_thread *t,
			     const struct uk_thread *parent);

/* Calls fn(t, arg) for every thread under the thread-list lock; fn must
 * not create, free or block threads. */
void uk_thread_for_each(void (*fn)(struct uk_thread *t, void *arg),
			void *arg);

#endif /* __UK_THREAD_H__ */
