/* SPDX-License-Identifier: BSD-3-Clause */
/* The scheduler's system calls: sched_yield, getcpu, the affinity, the
 * policies and priorities, the nice values. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <limits.h>
#include <uk/nofault.h>
#include <uk/process.h>
#include <uk/plat/lcpu.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/thread.h>
#include <uk/time.h>

UK_SYSCALL_R_DEFINE(int, sched_yield)
{
	uk_sched_yield();
	return 0;
}

/* One NUMA node. The third argument (a cache) is unused since Linux
 * 2.6.24. */
UK_SYSCALL_R_DEFINE(int, getcpu, unsigned int *, cpu, unsigned int *, node,
		    void *, unused)
{
	unsigned int c = ukplat_lcpu_idx(), n = 0;

	if ((cpu && uk_copy_to_user(cpu, &c, sizeof(c))) ||
	    (node && uk_copy_to_user(node, &n, sizeof(n))))
		return -EFAULT;
	return 0;
}

/*
 * CPU affinity. A thread is pinned to one CPU or runs anywhere: a mask of
 * every CPU unpins it, any other mask pins it to the mask's first CPU.
 * The kernel's mask is 64 bits (UKPLAT_LCPU_MAXCOUNT <= 64). As on Linux,
 * a thread's affinity is what the app asked for, not where the kernel
 * keeps it: "main" stays on the boot CPU, yet its mask is every CPU
 * (musl's sysconf(_SC_NPROCESSORS_ONLN) counts it).
 */
#define MASK_BYTES	sizeof(unsigned long)

static unsigned long all_cpus(void)
{
	unsigned int n = uk_sched_count();

	return n >= 64 ? ~0UL : (1UL << n) - 1;
}

static int mask_of(struct uk_thread *t, void *arg)
{
	unsigned long *mask = arg;

	*mask = (t->flags & UK_THREADF_AFFINE) && t->sched ?
		1UL << t->sched->cpu : all_cpus();
	return 0;
}

static int pin(struct uk_thread *t, void *arg)
{
	int cpu = *(int *)arg, rc = uk_thread_set_cpu(t, cpu);

	if (rc)
		return rc;
	/* Atomic: t may be another CPU's thread, whose flags its
	 * scheduler also changes. */
	if (cpu >= 0)
		__atomic_fetch_or(&t->flags, UK_THREADF_AFFINE,
				  __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&t->flags, ~UK_THREADF_AFFINE,
				   __ATOMIC_RELAXED);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, sched_getaffinity, int, pid, size_t, len,
		    unsigned long *, umask)
{
	unsigned long mask;
	int rc;

	if (len * 8 < uk_sched_count() || (len & (MASK_BYTES - 1)))
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	if (pid == 0)
		rc = mask_of(uk_thread_current(), &mask);
	else
		rc = uk_thread_with_id(pid, mask_of, &mask);
	if (rc)
		return rc;
	if (uk_copy_to_user(umask, &mask, MASK_BYTES))
		return -EFAULT;
	return MASK_BYTES;
}

UK_SYSCALL_R_DEFINE(int, sched_setaffinity, int, pid, size_t, len,
		    const unsigned long *, umask)
{
	unsigned long mask = 0;
	int cpu;

	if (pid < 0)
		return -ESRCH;
	if (uk_copy_from_user(&mask, umask, MIN(len, MASK_BYTES)))
		return -EFAULT;
	mask &= all_cpus();
	if (!mask)
		return -EINVAL;
	cpu = mask == all_cpus() ? -1 : __builtin_ctzl(mask);
	if (pid == 0 || pid == (int)uk_thread_current()->id)
		return pin(uk_thread_current(), &cpu);
	return uk_thread_with_id(pid, pin, &cpu);
}

/*
 * Scheduling policies, priorities and nice values. The scheduler runs
 * every thread alike (round robin, in time slices): what the app sets is
 * stored per thread, as Linux does, and reported back, but not honoured.
 * As for Linux's root, every policy but SCHED_DEADLINE (which needs
 * sched_setattr) is accepted.
 */
#define K_SCHED_OTHER		0
#define K_SCHED_FIFO		1
#define K_SCHED_RR		2
#define K_SCHED_BATCH		3
#define K_SCHED_IDLE		5
#define K_SCHED_DEADLINE	6
#define K_SCHED_RESET_ON_FORK	0x40000000
#define K_SCHED_PRIO_MAX	99

#define K_PRIO_PROCESS		0
#define K_PRIO_PGRP		1
#define K_PRIO_USER		2
#define K_NICE_MIN		(-20)
#define K_NICE_MAX		19

static int rt_policy(int policy)
{
	return policy == K_SCHED_FIFO || policy == K_SCHED_RR;
}

/* Calls fn for the caller (pid 0) or the thread pid; -ESRCH if none. */
static int on_thread(int pid, int (*fn)(struct uk_thread *t, void *arg),
		     void *arg)
{
	if (pid == 0 || pid == (int)uk_thread_current()->id)
		return fn(uk_thread_current(), arg);
	return uk_thread_with_id(pid, fn, arg);
}

void uk_thread_sched_inherit(struct uk_thread *t,
			     const struct uk_thread *parent)
{
	t->nice = parent->nice;
	t->sched_policy = parent->sched_policy & ~K_SCHED_RESET_ON_FORK;
	t->sched_prio = parent->sched_prio;
	if (!(parent->sched_policy & K_SCHED_RESET_ON_FORK))
		return;
	if (rt_policy(t->sched_policy)) {
		t->sched_policy = K_SCHED_OTHER;
		t->sched_prio = 0;
	}
	if (t->nice < 0)
		t->nice = 0;
}

/* A request of sched_setscheduler (policy -1: sched_setparam's, keep
 * the thread's policy). */
struct sched_req {
	int policy;
	int prio;
};

/* Linux's checks of the policy and its priority range (the thread
 * found); stores them. */
static int set_sched(struct uk_thread *t, void *arg)
{
	const struct sched_req *r = arg;
	int policy = r->policy & ~K_SCHED_RESET_ON_FORK;
	int reset = r->policy & K_SCHED_RESET_ON_FORK;

	if (r->policy == -1) {
		policy = t->sched_policy & ~K_SCHED_RESET_ON_FORK;
		reset = t->sched_policy & K_SCHED_RESET_ON_FORK;
	} else if (policy > K_SCHED_IDLE || policy == 4) {
		return -EINVAL;
	}
	if ((unsigned int)r->prio > K_SCHED_PRIO_MAX ||
	    rt_policy(policy) != (r->prio != 0))
		return -EINVAL;
	/* Atomic stores: another CPU's thread may read them meanwhile. */
	WRITE_ONCE(t->sched_policy, policy | reset);
	WRITE_ONCE(t->sched_prio, r->prio);
	return 0;
}

/* sched_setscheduler and sched_setparam, in Linux's order: the
 * arguments, the thread, then the policy and priority. */
static int sched_set(int pid, int policy, const int *uparam)
{
	struct sched_req r = { policy, 0 };

	if (!uparam || pid < 0)
		return -EINVAL;
	if (uk_copy_from_user(&r.prio, uparam, sizeof(r.prio)))
		return -EFAULT;
	return on_thread(pid, set_sched, &r);
}

UK_SYSCALL_R_DEFINE(int, sched_setscheduler, int, pid, int, policy,
		    const int *, param)
{
	/* Negative: no policy (-1 is sched_setparam's "keep it"). */
	if (policy < 0)
		return -EINVAL;
	return sched_set(pid, policy, param);
}

UK_SYSCALL_R_DEFINE(int, sched_setparam, int, pid, const int *, param)
{
	return sched_set(pid, -1, param);
}

static int get_policy(struct uk_thread *t, void *arg)
{
	*(int *)arg = READ_ONCE(t->sched_policy);
	return 0;
}

static int get_prio(struct uk_thread *t, void *arg)
{
	*(int *)arg = READ_ONCE(t->sched_prio);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, sched_getscheduler, int, pid)
{
	int policy, rc;

	if (pid < 0)
		return -EINVAL;
	rc = on_thread(pid, get_policy, &policy);
	return rc ? rc : policy;
}

UK_SYSCALL_R_DEFINE(int, sched_getparam, int, pid, int *, param)
{
	int prio, rc;

	if (pid < 0 || !param)
		return -EINVAL;
	rc = on_thread(pid, get_prio, &prio);
	if (rc)
		return rc;
	return uk_copy_to_user(param, &prio, sizeof(prio)) ? -EFAULT : 0;
}

UK_SYSCALL_R_DEFINE(int, sched_get_priority_max, int, policy)
{
	if (policy < 0 || policy > K_SCHED_DEADLINE || policy == 4)
		return -EINVAL;
	return rt_policy(policy) ? K_SCHED_PRIO_MAX : 0;
}

UK_SYSCALL_R_DEFINE(int, sched_get_priority_min, int, policy)
{
	if (policy < 0 || policy > K_SCHED_DEADLINE || policy == 4)
		return -EINVAL;
	return rt_policy(policy) ? 1 : 0;
}

/* The slice every thread gets, whatever its policy (0: cooperative,
 * which Linux's "no slice" also means). */
UK_SYSCALL_R_DEFINE(int, sched_rr_get_interval, int, pid,
		    struct uk_timespec *, uts)
{
	struct uk_timespec ts;
	int policy, rc;

	if (pid < 0)
		return -EINVAL;
	rc = on_thread(pid, get_policy, &policy);
	if (rc)
		return rc;
	uk_ns_to_timespec(&ts, uk_sched_timeslice_us() * 1000ULL);
	return uk_copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* The nice values of the threads a getpriority/setpriority call names:
 * the best one found (Linux's 20 - nice: 1..40, 0 for none), or the
 * value to set. */
struct prio_req {
	int set, nice;
	int best;
};

static int prio_one(struct uk_thread *t, void *arg)
{
	struct prio_req *r = arg;

	if (r->set)
		WRITE_ONCE(t->nice, r->nice);
	r->best = MAX(r->best, 20 - READ_ONCE(t->nice));
	return 0;
}

static void prio_app(struct uk_thread *t, void *arg)
{
	if (uk_thread_is_app(t) && t->state != UK_THREAD_EXITED)
		prio_one(t, arg);
}

/*
 * which PRIO_PROCESS names one thread (as on Linux, a tid; 0: the
 * caller); PRIO_PGRP and PRIO_USER all the app's threads, as the one
 * process group (UK_PROCESS_PID) and the one user (root) own them all.
 */
static int prio_do(int which, unsigned int who, struct prio_req *r)
{
	switch (which) {
	case K_PRIO_PROCESS:
		if (who > INT_MAX)
			return -ESRCH;
		return on_thread((int)who, prio_one, r);
	case K_PRIO_PGRP:
		if (who && who != UK_PROCESS_PID)
			return -ESRCH;
		break;
	case K_PRIO_USER:
		if (who)
			return -ESRCH;
		break;
	default:
		return -EINVAL;
	}
	uk_thread_for_each(prio_app, r);
	return r->best ? 0 : -ESRCH;
}

UK_SYSCALL_R_DEFINE(int, getpriority, int, which, unsigned int, who)
{
	struct prio_req r = { 0, 0, 0 };
	int rc = prio_do(which, who, &r);

	return rc ? rc : r.best;
}

/* Out of range values are clamped, as on Linux. */
UK_SYSCALL_R_DEFINE(int, setpriority, int, which, unsigned int, who,
		    int, nice)
{
	struct prio_req r = { 1, MIN(MAX(nice, K_NICE_MIN), K_NICE_MAX), 0 };

	return prio_do(which, who, &r);
}

/* Linux's struct sched_attr (SCHED_ATTR_SIZE_VER1). */
struct k_sched_attr {
	__u32 size;
	__u32 sched_policy;
	__u64 sched_flags;
	__s32 sched_nice;
	__u32 sched_priority;
	__u64 sched_runtime;
	__u64 sched_deadline;
	__u64 sched_period;
	__u32 sched_util_min;
	__u32 sched_util_max;
};

#define ATTR_SIZE_VER0		48
#define ATTR_SIZE_VER1		56
#define ATTR_SIZE_MAX		4096	/* Linux's PAGE_SIZE limit */
#define K_FLAG_RESET_ON_FORK	0x01
#define K_FLAG_KEEP_POLICY	0x08
#define K_FLAG_KEEP_PARAMS	0x10
#define K_FLAG_UTIL_CLAMP	0x60
#define K_FLAG_ALL		0x7f
#define K_FLAG_SUGOV		0x10000000
#define DL_RUNTIME_MIN		(1ULL << 10)		/* DL_SCALE */
#define DL_PERIOD_MIN		100000ULL		/* ns, sysctl */
#define DL_PERIOD_MAX		(1000ULL << 22)		/* ns */

static int fair_policy(int policy)
{
	return policy == K_SCHED_OTHER || policy == K_SCHED_BATCH;
}

/* The bytes of the app's larger struct past ours must be 0 (Linux's
 * copy_struct_from_user); 0, -E2BIG or -EFAULT. */
static int attr_tail_zero(const char *utail, size_t len)
{
	char buf[64];
	size_t n, i;

	for (; len; len -= n, utail += n) {
		n = MIN(len, sizeof(buf));
		if (uk_copy_from_user(buf, utail, n))
			return -EFAULT;
		for (i = 0; i < n; i++)
			if (buf[i])
				return -E2BIG;
	}
	return 0;
}

/* Linux's sched_copy_attr: a size of 0 is VER0's; a bad size is E2BIG,
 * with the size the kernel knows written back. The app's pointer may be
 * misaligned or bad: it is reached by address, never dereferenced. */
static int attr_copy_in(struct k_sched_attr *uattr, struct k_sched_attr *a)
{
	char *usize = (char *)uattr + offsetof(struct k_sched_attr, size);
	__u32 size, ours = sizeof(*a);
	int rc;

	memset(a, 0, sizeof(*a));
	if (uk_copy_from_user(&size, usize, sizeof(size)))
		return -EFAULT;
	if (!size)
		size = ATTR_SIZE_VER0;
	rc = size < ATTR_SIZE_VER0 || size > ATTR_SIZE_MAX ? -E2BIG : 0;
	if (!rc && size > ours)
		rc = attr_tail_zero((const char *)uattr + ours, size - ours);
	if (rc == -E2BIG)
		uk_copy_to_user(usize, &ours, sizeof(ours));
	if (rc)
		return rc;
	if (uk_copy_from_user(a, uattr, MIN(size, ours)))
		return -EFAULT;
	if ((a->sched_flags & K_FLAG_UTIL_CLAMP) && size < ATTR_SIZE_VER1)
		return -EINVAL;
	a->sched_nice = MIN(MAX(a->sched_nice, K_NICE_MIN), K_NICE_MAX);
	return 0;
}

/* Linux's __checkparam_dl: runtime <= deadline <= period, in range. */
static int dl_params_ok(const struct k_sched_attr *a)
{
	__u64 period = a->sched_period ? a->sched_period : a->sched_deadline;

	if (!a->sched_deadline || a->sched_runtime < DL_RUNTIME_MIN)
		return 0;
	if ((a->sched_deadline | a->sched_period) & (1ULL << 63))
		return 0;
	if (period < a->sched_deadline || a->sched_deadline < a->sched_runtime)
		return 0;
	return period >= DL_PERIOD_MIN && period <= DL_PERIOD_MAX;
}

/* Linux's get_params: a real-time thread's priority, else its nice
 * value and time slice. */
static void attr_params(struct uk_thread *t, struct k_sched_attr *a)
{
	int policy = READ_ONCE(t->sched_policy) & ~K_SCHED_RESET_ON_FORK;

	if (rt_policy(policy)) {
		a->sched_priority = READ_ONCE(t->sched_prio);
		return;
	}
	a->sched_nice = READ_ONCE(t->nice);
	a->sched_runtime = uk_sched_timeslice_us() * 1000ULL;
}

/* __sched_setscheduler's checks, in Linux's order, for root. A valid
 * SCHED_DEADLINE request finds no bandwidth (EBUSY): the scheduler has
 * no deadline class. Utilisation clamps are not kept (EOPNOTSUPP, as a
 * kernel without CONFIG_UCLAMP_TASK). */
static int set_attr(struct uk_thread *t, void *arg)
{
	struct k_sched_attr *a = arg;
	int policy = (int)a->sched_policy, reset;

	if (a->sched_flags & K_FLAG_KEEP_PARAMS)
		attr_params(t, a);
	if (policy == -1) {
		policy = t->sched_policy & ~K_SCHED_RESET_ON_FORK;
		reset = t->sched_policy & K_SCHED_RESET_ON_FORK;
	} else {
		if (policy > K_SCHED_DEADLINE || policy == 4)
			return -EINVAL;
		reset = a->sched_flags & K_FLAG_RESET_ON_FORK ?
			K_SCHED_RESET_ON_FORK : 0;
	}
	if (a->sched_flags & ~(__u64)(K_FLAG_ALL | K_FLAG_SUGOV))
		return -EINVAL;
	if (a->sched_priority > K_SCHED_PRIO_MAX ||
	    (policy == K_SCHED_DEADLINE && !dl_params_ok(a)) ||
	    rt_policy(policy) != (a->sched_priority != 0))
		return -EINVAL;
	if (a->sched_flags & K_FLAG_SUGOV)
		return -EINVAL;
	if (a->sched_flags & K_FLAG_UTIL_CLAMP)
		return -EOPNOTSUPP;
	if (policy == K_SCHED_DEADLINE)
		return -EBUSY;
	if (fair_policy(policy))
		WRITE_ONCE(t->nice, a->sched_nice);
	WRITE_ONCE(t->sched_policy, policy | reset);
	WRITE_ONCE(t->sched_prio, (int)a->sched_priority);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, sched_setattr, int, pid,
		    struct k_sched_attr *, uattr, unsigned int, flags)
{
	struct k_sched_attr a;
	int rc;

	if (!uattr || pid < 0 || flags)
		return -EINVAL;
	rc = attr_copy_in(uattr, &a);
	if (rc)
		return rc;
	if ((int)a.sched_policy < 0)
		return -EINVAL;
	if (a.sched_flags & K_FLAG_KEEP_POLICY)
		a.sched_policy = (__u32)-1;
	return on_thread(pid, set_attr, &a);
}

static int get_attr(struct uk_thread *t, void *arg)
{
	struct k_sched_attr *a = arg;
	int policy = READ_ONCE(t->sched_policy);

	a->sched_policy = policy & ~K_SCHED_RESET_ON_FORK;
	if (policy & K_SCHED_RESET_ON_FORK)
		a->sched_flags = K_FLAG_RESET_ON_FORK;
	attr_params(t, a);
	return 0;
}

/* Clears len bytes of the app's memory at u; 0 or -EFAULT. */
static int clear_user(char *u, size_t len)
{
	static const char zeros[64];
	size_t n;

	for (; len; len -= n, u += n) {
		n = MIN(len, sizeof(zeros));
		if (uk_copy_to_user(u, zeros, n))
			return -EFAULT;
	}
	return 0;
}

/* A smaller struct gets what fits; a larger one ours, its size, and
 * zeros past it (Linux's copy_struct_to_user). */
UK_SYSCALL_R_DEFINE(int, sched_getattr, int, pid,
		    struct k_sched_attr *, uattr, unsigned int, usize,
		    unsigned int, flags)
{
	struct k_sched_attr a = { 0 };
	int rc;

	if (!uattr || pid < 0 || usize > ATTR_SIZE_MAX ||
	    usize < ATTR_SIZE_VER0 || flags)
		return -EINVAL;
	rc = on_thread(pid, get_attr, &a);
	if (rc)
		return rc;
	a.size = MIN(usize, (unsigned int)sizeof(a));
	if (uk_copy_to_user(uattr, &a, a.size))
		return -EFAULT;
	return clear_user((char *)uattr + a.size, usize - a.size);
}
