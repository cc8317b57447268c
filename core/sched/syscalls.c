/* SPDX-License-Identifier: BSD-3-Clause */
/* The scheduler's system calls: sched_yield, getcpu, the affinity. */
#include <errno.h>
#include <string.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/thread.h>

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

/* One scheduling policy, SCHED_OTHER, priority 0. */
#define SCHED_OTHER	0

UK_SYSCALL_R_DEFINE(int, sched_getscheduler, int, pid)
{
	if (pid < 0)
		return -EINVAL;
	return pid == 0 || uk_thread_find_id(pid) ? SCHED_OTHER : -ESRCH;
}

UK_SYSCALL_R_DEFINE(int, sched_getparam, int, pid, int *, param)
{
	int prio = 0;

	if (pid < 0 || !param)
		return -EINVAL;
	if (pid && !uk_thread_find_id(pid))
		return -ESRCH;
	return uk_copy_to_user(param, &prio, sizeof(prio));
}

UK_SYSCALL_R_DEFINE(int, sched_get_priority_max, int, policy)
{
	return policy >= 0 && policy <= 6 && policy != 4 ?
	       (policy == 1 || policy == 2 ? 99 : 0) : -EINVAL;
}

UK_SYSCALL_R_DEFINE(int, sched_get_priority_min, int, policy)
{
	return policy >= 0 && policy <= 6 && policy != 4 ?
	       (policy == 1 || policy == 2 ? 1 : 0) : -EINVAL;
}
