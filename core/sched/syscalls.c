/* SPDX-License-Identifier: BSD-3-Clause */
/* The scheduler's system calls: sched_yield, getcpu. */
#include <errno.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/sched.h>
#include <uk/syscall.h>

UK_SYSCALL_R_DEFINE(int, sched_yield)
{
	uk_sched_yield();
	return 0;
}

/* One NUMA node. The third argument (a cache) is unused since Linux
 * 2.6.24. */
UK_LLSYSCALL_R_DEFINE(int, getcpu, unsigned int *, cpu, unsigned int *, node,
		      void *, unused)
{
	unsigned int c = ukplat_lcpu_idx(), n = 0;

	if ((cpu && uk_copy_to_user(cpu, &c, sizeof(c))) ||
	    (node && uk_copy_to_user(node, &n, sizeof(n))))
		return -EFAULT;
	return 0;
}

#ifdef UK_SYSCALL_POSIX_WRAPPERS
int sched_getcpu(void);

int sched_getcpu(void)
{
	return ukplat_lcpu_idx();
}
#endif
