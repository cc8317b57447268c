/* SPDX-License-Identifier: BSD-3-Clause */
/* The scheduler's system calls: sched_yield, getcpu, the affinity, the
 * policies and priorities, the nice values. */
#include <errno.h>
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
