/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process's threads: clone (threads only), exit, exit_group,
 * set_tid_address, robust futex lists and arch_prctl; and the end of the
 * process, when its last thread exits or one calls exit_group.
 *
 * A clone child is a kernel thread (core/sched) that starts from a copy
 * of its parent's registers, as saved by the full-frame system-call
 * entry (uk/syscall.h), on the stack the parent gave it. What Linux
 * keeps per thread for the C library (the thread pointer, the tid to
 * clear at exit, the robust list) lives in struct uk_thread.
 */
#include <errno.h>
#include <uk/alloc.h>
#include <uk/arch/regs.h>
#include <uk/boot.h>
#include <uk/errptr.h>
#include <uk/futex.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/memory.h>
#include <uk/plat/tls.h>
#include <uk/print.h>
#include <uk/process.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/thread.h>
#include <uk/vmem.h>

/* Linux's values. */
#define CLONE_VM		0x00000100UL
#define CLONE_FS		0x00000200UL
#define CLONE_FILES		0x00000400UL
#define CLONE_SIGHAND		0x00000800UL
#define CLONE_VFORK		0x00004000UL
#define CLONE_THREAD		0x00010000UL
#define CLONE_SYSVSEM		0x00040000UL
#define CLONE_SETTLS		0x00080000UL
#define CLONE_PARENT_SETTID	0x00100000UL
#define CLONE_CHILD_CLEARTID	0x00200000UL
#define CLONE_DETACHED		0x00400000UL
#define CLONE_CHILD_SETTID	0x01000000UL
#define CLONE_IO		0x80000000UL

/* A thread of this process shares everything with it. */
#define CLONE_THREAD_NEEDS	(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_THREAD_MAY	(CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | \
				 CLONE_SETTLS | CLONE_PARENT_SETTID |	 \
				 CLONE_CHILD_CLEARTID | CLONE_DETACHED |  \
				 CLONE_CHILD_SETTID | CLONE_IO)

#define ARCH_SET_GS		0x1001
#define ARCH_SET_FS		0x1002
#define ARCH_GET_FS		0x1003
#define ARCH_GET_GS		0x1004

#define FUTEX_OWNER_DIED	0x40000000U
#define FUTEX_TID_MASK		0x3fffffffU
#define ROBUST_LIST_LIMIT	2048

/* Threads of the app: the boot thread and every clone child still
 * running. The process ends when the last one exits. */
static int app_threads = 1;

/* The off-CPU hook of clone children: what must wait until the thread
 * no longer runs on its stack (which the C library frees once the tid is
 * cleared, or which __unmapself asked to unmap). */
static void child_off_cpu(struct uk_thread *t)
{
	__u32 zero = 0;

	if (t->clear_child_tid &&
	    !uk_copy_to_user(t->clear_child_tid, &zero, sizeof(zero)))
		uk_futex_wake(t->clear_child_tid, 1);
	if (t->unmap_len)
		uk_vma_unmap(uk_vas_get_active(), t->unmap_base, t->unmap_len,
			     0);
}

/* A binary's new thread: a musl area for its kernel code (ktlsp), as
 * every kernel thread has; uk_thread_release frees it. */
static int binary_thread_tls(struct uk_thread *t)
{
	t->tls_block = uk_malloc(uk_alloc_get_default(), uk_libc_tls_size());
	if (!t->tls_block)
		return -ENOMEM;
	t->ktlsp = uk_libc_tls_init(t->tls_block, (int)t->id);
	return 0;
}

/* Stacks must be backed before a thread runs on them where a fault on
 * the stack in use cannot be taken (metal: no stack to push the trap
 * frame on). */
static int stack_prepare(__uptr sp)
{
	struct uk_vas *vas = uk_vas_get_active();
	const struct uk_vma *vma = vas ? uk_vma_find(vas, sp - 1) : NULL;

	if (!vma)
		return -EFAULT;
#if !UKPLAT_STACK_FAULTS_OK
	if (uk_vma_advise(vas, vma->start, vma->end - vma->start,
			  UK_VMA_ADV_WILLNEED, 0) < 0)
		return -ENOMEM;
#endif
	/* The child's first frame goes below sp: it must be writable app
	 * memory. */
	if (!uk_user_range_ok((void *)(sp - 1024), 1024) ||
	    uk_nofault_probe_w(sp - 1024, 1024, 0) != 1024)
		return -EFAULT;
	return 0;
}

/* A program asked for a child process (fork, vfork, posix_spawn or
 * system through clone): said once, -ENOSYS as for a missing call. */
static long no_new_process(unsigned long flags)
{
	static int said;

	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		uk_printk_raw("amphi: clone(%s): a new process (fork) is not "
			      "supported: Amphi runs one program\n",
			      flags & CLONE_VFORK ? "CLONE_VFORK" : "fork");
	return -ENOSYS;
}

static long do_clone(unsigned long flags, unsigned long newsp, int *ptid,
		       int *ctid, unsigned long tls)
{
	struct uk_thread *self = uk_thread_current();
	struct __regs *regs = uk_syscall_regs(), start;
	struct uk_thread *t;
	int tid, rc;

	if ((flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS) {
		/* A new process (fork, vfork, posix_spawn): there is one. */
		if (!(flags & CLONE_THREAD))
			return no_new_process(flags);
		return -EINVAL;
	}
	if (flags & ~(CLONE_THREAD_NEEDS | CLONE_THREAD_MAY))
		return -EINVAL;
	if ((flags & 0xff) || !newsp)
		return -EINVAL;
	/* The child returns from the same call as its parent, so it needs
	 * the caller's registers: only the full-frame entry has them. */
	if (!regs || !self)
		return -ENOSYS;
	rc = stack_prepare(newsp);
	if (rc)
		return rc;
	start = *regs;
#if defined(__x86_64__)
	start.rax = 0;
	start.rsp = newsp;
#elif defined(__aarch64__)
	start.x[0] = 0;
	start.sp = newsp;
#endif
	t = uk_thread_create_regs(self->name, &start, UK_THREADF_DETACHED);
	if (PTRISERR(t))
		return PTR2ERR(t);
	/* A binary's thread traps its system calls, as its parent does. */
	if (self->syscall_stack_block && uk_thread_syscall_stack(t)) {
		uk_thread_release(t);
		return -ENOMEM;
	}
	tid = (int)t->id;
	if (uk_thread_in_binary_call(self)) {
		/* Its kernel code gets a musl area of its own too. */
		rc = binary_thread_tls(t);
		if (rc) {
			uk_thread_release(t);
			return rc;
		}
		t->tlsp = flags & CLONE_SETTLS ? tls : self->utlsp;
	} else {
		t->tlsp = flags & CLONE_SETTLS ? tls : ukplat_tlsp_get();
	}
	/* As on Linux, the child starts with its parent's signal mask. */
	t->sig_blocked = self->sig_blocked;
	uk_thread_sched_inherit(t, self);
	t->on_off_cpu = child_off_cpu;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = (__u32 *)ctid;
	if (((flags & CLONE_PARENT_SETTID) &&
	     uk_copy_to_user(ptid, &tid, sizeof(tid))) ||
	    ((flags & CLONE_CHILD_SETTID) &&
	     uk_copy_to_user(ctid, &tid, sizeof(tid)))) {
		uk_thread_release(t);
		return -EFAULT;
	}
	__atomic_add_fetch(&app_threads, 1, __ATOMIC_SEQ_CST);
	rc = uk_thread_start(t);
	if (rc < 0) {
		__atomic_sub_fetch(&app_threads, 1, __ATOMIC_SEQ_CST);
		uk_thread_release(t);
		return rc;
	}
	return tid;
}

/* The argument order differs between architectures (x86_64: tls last). */
#if defined(__x86_64__)
UK_SYSCALL_R_DEFINE(long, clone, unsigned long, flags, unsigned long, newsp,
		    int *, ptid, int *, ctid, unsigned long, tls)
{
	return do_clone(flags, newsp, ptid, ctid, tls);
}
#else
UK_SYSCALL_R_DEFINE(long, clone, unsigned long, flags, unsigned long, newsp,
		    int *, ptid, unsigned long, tls, int *, ctid)
{
	return do_clone(flags, newsp, ptid, ctid, tls);
}
#endif

UK_SYSCALL_R_DEFINE(long, set_tid_address, int *, tidptr)
{
	struct uk_thread *self = uk_thread_current();

	if (!self)
		return UK_PROCESS_PID;
	self->clear_child_tid = (__u32 *)tidptr;
	return (long)self->id;
}

/* Linux's struct robust_list_head. */
struct k_robust_list_head {
	void *list;
	long futex_offset;
	void *list_op_pending;
};

UK_SYSCALL_R_DEFINE(long, set_robust_list, void *, head, size_t, len)
{
	struct uk_thread *self = uk_thread_current();

	if (len != sizeof(struct k_robust_list_head))
		return -EINVAL;
	if (self) {
		self->robust_list = head;
		self->robust_len = len;
	}
	return 0;
}

UK_SYSCALL_R_DEFINE(long, get_robust_list, int, tid, void **, head,
		    size_t *, len)
{
	struct uk_thread *t = tid ? uk_thread_find_id(tid)
				  : uk_thread_current();
	size_t l = sizeof(struct k_robust_list_head);
	void *h;

	if (!t)
		return -ESRCH;
	h = t->robust_list;
	if (uk_copy_to_user(head, &h, sizeof(h)) ||
	    uk_copy_to_user(len, &l, sizeof(l)))
		return -EFAULT;
	return 0;
}

/* A robust futex the exiting thread holds: marks its owner dead and wakes
 * a waiter, as Linux's handle_futex_death(). */
static void robust_release(__u32 *uaddr, __u32 tid)
{
	__u32 val, cur;

	for (;;) {
		if (uk_copy_from_user(&val, uaddr, sizeof(val)))
			return;
		if ((val & FUTEX_TID_MASK) != tid)
			return;
		if (uk_nofault_cmpxchg_u32(uaddr, val,
					   (val & ~FUTEX_TID_MASK) |
					   FUTEX_OWNER_DIED, &cur, 0))
			return;
		if (cur == val)
			break;
	}
	uk_futex_wake(uaddr, 1);
}

/* Walks the exiting thread's robust list (bounded, fault-safe). */
static void robust_exit(struct uk_thread *self)
{
	struct k_robust_list_head head;
	void *entry, *pending;
	unsigned int n = 0;

	if (!self->robust_list ||
	    uk_copy_from_user(&head, self->robust_list, sizeof(head)))
		return;
	pending = head.list_op_pending;
	entry = head.list;
	while (entry && entry != self->robust_list &&
	       n++ < ROBUST_LIST_LIMIT) {
		void *next;

		if (uk_copy_from_user(&next, entry, sizeof(next)))
			return;
		/* The one being acquired or released is done last. */
		if (entry != pending)
			robust_release((__u32 *)((char *)entry +
						 head.futex_offset),
				       (__u32)self->id);
		entry = next;
	}
	if (pending)
		robust_release((__u32 *)((char *)pending + head.futex_offset),
			       (__u32)self->id);
}

void __noreturn uk_process_thread_exit(int status)
{
	struct uk_thread *self = uk_thread_current();

	robust_exit(self);
	uk_signal_thread_exit(self);
	/* The last thread of the app ends the process with its status. */
	if (__atomic_sub_fetch(&app_threads, 1, __ATOMIC_SEQ_CST) == 0)
		uk_process_exit(status);
	/* The boot thread has no child hook; clear its tid now (its stack
	 * is the boot stack, which nobody frees). */
	if (!self->on_off_cpu && self->clear_child_tid) {
		__u32 zero = 0;

		if (!uk_copy_to_user(self->clear_child_tid, &zero,
				     sizeof(zero)))
			uk_futex_wake(self->clear_child_tid, 1);
	}
	uk_thread_exit(status);
}

void __noreturn uk_process_thread_exit_unmap(void *base, __sz len)
{
	struct uk_thread *self = uk_thread_current();

	if (self->on_off_cpu) {
		self->unmap_base = (__uptr)base;
		self->unmap_len = len;
	}
	uk_process_thread_exit(0);
}

UK_SYSCALL_R_DEFINE(long, exit, int, status)
{
	uk_process_thread_exit(status & 0xff);
}

UK_SYSCALL_R_DEFINE(long, exit_group, int, status)
{
	uk_process_exit(status & 0xff);
}

void __noreturn uk_process_exit(int status)
{
	static int exiting;
	int left;

	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL)) {
		/* Another thread ends the process: it stops this one. */
		for (;;) {
			uk_thread_block(uk_thread_current());
			uk_sched_yield();
		}
	}
	left = uk_sched_stop_others();
	if (left > 0)
		uk_pr_warn("%d threads did not stop before exit\n", left);
	uk_boot_exit(status);
}

#ifdef __NR_arch_prctl
/* The binary's own call (trapped, on the thread's kernel pointer), not
 * the C library's in the kernel code that serves one (musl's
 * __set_thread_area at exit). */
static int binary_arch_prctl(struct uk_thread *self)
{
	struct __regs *r = uk_syscall_regs();

	return uk_thread_in_binary_call(self) && r &&
	       r->orig_rax == __NR_arch_prctl;
}

UK_SYSCALL_R_DEFINE(long, arch_prctl, int, code, unsigned long, addr)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long v;

	switch (code) {
	case ARCH_SET_FS:
		/* A binary's: its own, put back when the call returns. */
		if (binary_arch_prctl(self)) {
			self->utlsp = addr;
			return 0;
		}
		if (self)
			self->tlsp = addr;
		ukplat_tlsp_set(addr);
		return 0;
	case ARCH_GET_FS:
		v = binary_arch_prctl(self) ? self->utlsp : ukplat_tlsp_get();
		return uk_copy_to_user((void *)addr, &v, sizeof(v));
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		/* %gs belongs to the kernel (sim: the CPU; metal: per-CPU
		 * data). */
		return -EPERM;
	default:
		return -EINVAL;
	}
}
#endif /* __NR_arch_prctl */

/* clone3: glibc tries it first and falls back to clone on this error
 * (as on kernels before 5.3), quietly. */
UK_SYSCALL_R_DEFINE(long, clone3, void *, args, size_t, size)
{
	return -ENOSYS;
}

/* Restartable sequences: not provided. glibc registers one at start
 * and carries on without it on this error, as on kernels before 4.18;
 * a handler of its own keeps every glibc program from being told
 * "not implemented" on the console. */
UK_SYSCALL_R_DEFINE(long, rseq, void *, rseq, __u32, len, int, flags,
		    __u32, sig)
{
	return -ENOSYS;
}
