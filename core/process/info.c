/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the process learns about its system and sets for itself: uname,
 * sethostname, sysinfo, resource limits, prctl, membarrier.
 */
#include <errno.h>
#include <string.h>
#include <uk/falloc.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/process.h>
#include <uk/sched.h>
#include <uk/spinlock.h>
#include <uk/syscall.h>
#include <uk/thread.h>

#define AMPHI_VERSION	"0.1.0"

/* Linux's struct utsname: six fields of 65 bytes. */
#define UTS_LEN		65
struct k_utsname {
	char sysname[UTS_LEN];
	char nodename[UTS_LEN];
	char release[UTS_LEN];
	char version[UTS_LEN];
	char machine[UTS_LEN];
	char domainname[UTS_LEN];
};

#if defined(__x86_64__)
#define UTS_MACHINE	"x86_64"
#elif defined(__aarch64__)
#define UTS_MACHINE	"aarch64"
#endif

static char hostname[UTS_LEN] = "amphi";
static struct uk_spinlock uts_lock = UK_SPINLOCK_INITIALIZER();

/* "Linux" and a Linux-like release: programs and C libraries compare
 * them (glibc refuses kernels older than it supports). */
UK_SYSCALL_R_DEFINE(int, uname, struct k_utsname *, buf)
{
	struct k_utsname u;
	unsigned long flags;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	uk_spin_lock_irqsave(&uts_lock, flags);
	memcpy(u.nodename, hostname, sizeof(hostname));
	uk_spin_unlock_irqrestore(&uts_lock, flags);
	strcpy(u.release, "6.1.0-amphi-" AMPHI_VERSION);
	strcpy(u.version, "#1 SMP Amphi " AMPHI_VERSION);
	strcpy(u.machine, UTS_MACHINE);
	strcpy(u.domainname, "(none)");
	return uk_copy_to_user(buf, &u, sizeof(u));
}

UK_SYSCALL_R_DEFINE(int, sethostname, const char *, name, size_t, len)
{
	char k[UTS_LEN];
	unsigned long flags;

	if (len >= UTS_LEN)
		return -EINVAL;
	if (uk_copy_from_user(k, name, len))
		return -EFAULT;
	k[len] = '\0';
	uk_spin_lock_irqsave(&uts_lock, flags);
	memcpy(hostname, k, len + 1);
	uk_spin_unlock_irqrestore(&uts_lock, flags);
	return 0;
}

/* Linux's struct sysinfo on 64-bit ABIs. */
struct k_sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram;
	unsigned long totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char _f[20 - 2 * sizeof(long) - sizeof(int)];
};

static void count_thread(struct uk_thread *t, void *arg)
{
	(*(unsigned int *)arg)++;
}

UK_SYSCALL_R_DEFINE(int, sysinfo, struct k_sysinfo *, info)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	struct k_sysinfo si;
	unsigned int threads = 0;

	memset(&si, 0, sizeof(si));
	si.uptime = (long)(ukplat_monotonic_clock() / 1000000000ULL);
	if (fa) {
		si.totalram = fa->total_memory;
		si.freeram = fa->free_memory;
	}
	uk_thread_for_each(count_thread, &threads);
	si.procs = threads > 65535 ? 65535 : (unsigned short)threads;
	si.mem_unit = 1;
	return uk_copy_to_user(info, &si, sizeof(si));
}

/* Resource limits: kept as set, enforced where the kernel has a limit of
 * its own (RLIMIT_NOFILE: the fd table's, which it cannot exceed) and
 * by mq_open and signals (RLIMIT_MSGQUEUE, RLIMIT_SIGPENDING:
 * uk_process_rlimit). */
#define RLIM_NLIMITS	16
#define RLIMIT_STACK	3
#define RLIMIT_NOFILE	7
#define RLIM_INFINITY	(~0UL)
#define FD_MAX		65536

struct k_rlimit {
	unsigned long cur, max;
};

#define UNLIMITED	{ RLIM_INFINITY, RLIM_INFINITY }
static struct k_rlimit limits[RLIM_NLIMITS] = {
	UNLIMITED,				/* CPU */
	UNLIMITED,				/* FSIZE */
	UNLIMITED,				/* DATA */
	{ 8UL << 20, RLIM_INFINITY },		/* STACK */
	{ 0, RLIM_INFINITY },			/* CORE */
	UNLIMITED,				/* RSS */
	UNLIMITED,				/* NPROC */
	{ FD_MAX, FD_MAX },			/* NOFILE */
	{ 8UL << 20, 8UL << 20 },		/* MEMLOCK */
	UNLIMITED,				/* AS */
	UNLIMITED,				/* LOCKS */
	UNLIMITED,				/* SIGPENDING */
	{ 819200, 819200 },			/* MSGQUEUE */
	{ 0, 0 },				/* NICE */
	{ 0, 0 },				/* RTPRIO */
	UNLIMITED,				/* RTTIME */
};
static struct uk_spinlock limits_lock = UK_SPINLOCK_INITIALIZER();

static int rlimit_access(int resource, const struct k_rlimit *new,
			 struct k_rlimit *old)
{
	unsigned long flags;

	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new && new->cur > new->max)
		return -EINVAL;
	if (new && resource == RLIMIT_NOFILE && new->max > FD_MAX)
		return -EPERM;
	uk_spin_lock_irqsave(&limits_lock, flags);
	if (old)
		*old = limits[resource];
	if (new)
		limits[resource] = *new;
	if (new && resource == RLIMIT_NOFILE)
		uk_fdtab_set_limit(new->cur);
	uk_spin_unlock_irqrestore(&limits_lock, flags);
	return 0;
}

unsigned long uk_process_rlimit(int resource)
{
	struct k_rlimit rl = { 0, 0 };

	rlimit_access(resource, NULL, &rl);
	return rl.cur;
}

UK_SYSCALL_R_DEFINE(int, prlimit64, int, pid, int, resource,
		    const struct k_rlimit *, unew, struct k_rlimit *, uold)
{
	struct k_rlimit new, old;
	int rc;

	if (pid != 0 && pid != UK_PROCESS_PID)
		return -ESRCH;
	if (unew && uk_copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	rc = rlimit_access(resource, unew ? &new : NULL, &old);
	if (!rc && uold && uk_copy_to_user(uold, &old, sizeof(old)))
		rc = -EFAULT;
	return rc;
}

UK_SYSCALL_R_DEFINE(int, getrlimit, int, resource, struct k_rlimit *, rl)
{
	return __uk_sys_prlimit64(0, resource, NULL, rl);
}

UK_SYSCALL_R_DEFINE(int, setrlimit, int, resource,
		    const struct k_rlimit *, rl)
{
	return __uk_sys_prlimit64(0, resource, rl, NULL);
}

/* prctl: the thread's name and the flags programs commonly set. */
#define PR_SET_PDEATHSIG	1
#define PR_GET_PDEATHSIG	2
#define PR_GET_DUMPABLE		3
#define PR_SET_DUMPABLE		4
#define PR_SET_NAME		15
#define PR_GET_NAME		16
#define PR_CAPBSET_READ		23
#define PR_SET_TIMERSLACK	29
#define PR_GET_TIMERSLACK	30
#define PR_SET_NO_NEW_PRIVS	38
#define PR_GET_NO_NEW_PRIVS	39
#define TASK_COMM_LEN		16

static int pdeathsig, no_new_privs;

static int prctl_name(unsigned long arg, int set)
{
	struct uk_thread *self = uk_thread_current();
	char name[TASK_COMM_LEN];
	long n;

	if (!self)
		return -EINVAL;
	if (!set) {
		memset(name, 0, sizeof(name));
		strncpy(name, self->name, sizeof(name) - 1);
		return uk_copy_to_user((void *)arg, name, sizeof(name));
	}
	n = uk_strncpy_from_user(name, (const char *)arg, sizeof(name));
	if (n < 0 && n != -ENAMETOOLONG)
		return (int)n;
	name[sizeof(name) - 1] = '\0';
	uk_thread_set_name(self, name);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, prctl, int, option, unsigned long, arg2,
		    unsigned long, arg3, unsigned long, arg4,
		    unsigned long, arg5)
{
	int v;

	switch (option) {
	case PR_SET_NAME:
	case PR_GET_NAME:
		return prctl_name(arg2, option == PR_SET_NAME);
	case PR_SET_PDEATHSIG:
		if (arg2 > 64)
			return -EINVAL;
		pdeathsig = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		v = pdeathsig;
		return uk_copy_to_user((void *)arg2, &v, sizeof(v));
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return arg2 <= 1 ? 0 : -EINVAL;
	case PR_CAPBSET_READ:
		return arg2 < 64 ? 1 : -EINVAL;	/* root has every one */
	case PR_SET_TIMERSLACK:
		return 0;
	case PR_GET_TIMERSLACK:
		return 1;			/* timers fire when asked */
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return no_new_privs;
	default:
		return -EINVAL;
	}
}

/* membarrier: a full barrier on every CPU that runs a thread. */
#define MEMBARRIER_CMD_QUERY				0
#define MEMBARRIER_CMD_GLOBAL				(1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED			(1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED	(1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED		(1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED	(1 << 4)
#define MEMBARRIER_SUPPORTED	(MEMBARRIER_CMD_GLOBAL |		\
				 MEMBARRIER_CMD_GLOBAL_EXPEDITED |	\
				 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | \
				 MEMBARRIER_CMD_PRIVATE_EXPEDITED |	\
				 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)

static void barrier_fn(void *arg)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

UK_SYSCALL_R_DEFINE(int, membarrier, int, cmd, unsigned int, flags,
		    int, cpu_id)
{
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_SUPPORTED;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
		return 0;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (uk_sched_count() > 1 &&
		    ukplat_lcpu_run(NULL, 0, barrier_fn, NULL) == 0)
			ukplat_lcpu_wait(NULL, 0, 0);
		return 0;
	default:
		return -EINVAL;
	}
}
