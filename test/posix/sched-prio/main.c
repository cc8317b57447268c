/*
 * Nice values and scheduling policies, per thread as on Linux:
 * getpriority/setpriority and nice (range clamped to -20..19, a thread
 * id for PRIO_PROCESS, EINVAL and ESRCH), sched_setscheduler,
 * sched_setparam, sched_getscheduler, sched_getparam, the priority
 * ranges, sched_rr_get_interval, what a new thread inherits (and what
 * SCHED_RESET_ON_FORK resets), pthread_setschedparam, sched_setattr and
 * sched_getattr (sizes, flags, SCHED_DEADLINE's checks)
 * (getpriority(2), sched_setscheduler(2), sched_setattr(2), sched(7)).
 * The scheduling calls are made raw: musl's wrappers of the
 * process-wide calls refuse with ENOSYS by design, glibc's are the
 * system calls. Run as root.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE	6
#endif

static long sys_setscheduler(int pid, int policy, int prio)
{
	struct sched_param p = { .sched_priority = prio };

	return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

static long sys_setparam(int pid, int prio)
{
	struct sched_param p = { .sched_priority = prio };

	return syscall(SYS_sched_setparam, pid, &p);
}

static long sys_getscheduler(int pid)
{
	return syscall(SYS_sched_getscheduler, pid);
}

/* The thread's priority, or -1 with errno. */
static long sys_getparam(int pid)
{
	struct sched_param p = { .sched_priority = -1 };

	if (syscall(SYS_sched_getparam, pid, &p))
		return -1;
	return p.sched_priority;
}

static int tid(void)
{
	return (int)syscall(SYS_gettid);
}

/* getpriority that tells an error (-1 and errno set) from nice -1. */
static int prio_of(int which, int who, int *err)
{
	int v;

	errno = 0;
	v = getpriority(which, who);
	*err = errno;
	return v;
}

static void check_nice(void)
{
	int me = tid(), err, v;

	CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0);
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == 0 && err == 0);
	CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0);
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == 5 && err == 0);
	CHECK(prio_of(PRIO_PROCESS, me, &err) == 5 && err == 0);
	CHECK(setpriority(PRIO_PROCESS, me, -3) == 0);
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == -3 && err == 0);
	/* Out of range values are clamped. */
	CHECK(setpriority(PRIO_PROCESS, 0, 100) == 0);
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == 19 && err == 0);
	CHECK(setpriority(PRIO_PROCESS, 0, -100) == 0);
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == -20 && err == 0);
	/* nice() adds and returns the new value. */
	errno = 0;
	CHECK(nice(1) == -19 && errno == 0);
	CHECK(nice(-5) == -20);
	CHECK(nice(50) == 19);
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == 19 && err == 0);
	/* Errors. */
	CHECK(setpriority(7, 0, 0) == -1 && errno == EINVAL);
	CHECK(prio_of(-1, 0, &err) == -1 && err == EINVAL);
	CHECK(prio_of(PRIO_PROCESS, INT_MAX, &err) == -1 && err == ESRCH);
	CHECK(setpriority(PRIO_PROCESS, INT_MAX, 0) == -1 && errno == ESRCH);
	CHECK(prio_of(PRIO_PGRP, INT_MAX, &err) == -1 && err == ESRCH);
	CHECK(prio_of(PRIO_USER, 54321, &err) == -1 && err == ESRCH);
	/* The process group and the user hold this thread at least. */
	v = prio_of(PRIO_PGRP, 0, &err);
	CHECK(err == 0 && v >= -20 && v <= 19);
	v = prio_of(PRIO_USER, getuid(), &err);
	CHECK(err == 0 && v >= -20 && v <= 19);
	CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0);
}

static void check_ranges(void)
{
	CHECK(sched_get_priority_min(SCHED_OTHER) == 0);
	CHECK(sched_get_priority_max(SCHED_OTHER) == 0);
	CHECK(sched_get_priority_min(SCHED_BATCH) == 0);
	CHECK(sched_get_priority_max(SCHED_IDLE) == 0);
	CHECK(sched_get_priority_max(SCHED_DEADLINE) == 0);
	CHECK(sched_get_priority_min(SCHED_FIFO) == 1);
	CHECK(sched_get_priority_max(SCHED_FIFO) == 99);
	CHECK(sched_get_priority_min(SCHED_RR) == 1);
	CHECK(sched_get_priority_max(SCHED_RR) == 99);
	CHECK(sched_get_priority_max(4) == -1 && errno == EINVAL);
	CHECK(sched_get_priority_min(-1) == -1 && errno == EINVAL);
	CHECK(sched_get_priority_max(8) == -1 && errno == EINVAL);
}

static void check_policies(void)
{
	struct timespec ts = { -1, -1 };

	CHECK(sys_getscheduler(0) == SCHED_OTHER);
	CHECK(sys_getparam(0) == 0);
	CHECK(sys_setscheduler(0, SCHED_FIFO, 10) == 0);
	CHECK(sys_getscheduler(0) == SCHED_FIFO);
	CHECK(sys_getscheduler(tid()) == SCHED_FIFO);
	CHECK(sys_getparam(0) == 10);
	CHECK(sys_setparam(0, 20) == 0);
	CHECK(sys_getparam(tid()) == 20);
	CHECK(sys_setparam(0, 0) == -1 && errno == EINVAL);
	CHECK(sys_setparam(0, 100) == -1 && errno == EINVAL);
	CHECK(sys_setparam(0, -1) == -1 && errno == EINVAL);
	CHECK(sys_getparam(0) == 20);
	CHECK(sys_setscheduler(0, SCHED_RR, 5) == 0);
	CHECK(sys_getscheduler(0) == SCHED_RR && sys_getparam(0) == 5);
	/* The quantum of a round-robin thread. */
	CHECK(sched_rr_get_interval(0, &ts) == 0);
	CHECK(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0);
	/* The normal policies take priority 0 only. */
	CHECK(sys_setscheduler(0, SCHED_OTHER, 1) == -1 && errno == EINVAL);
	CHECK(sys_getscheduler(0) == SCHED_RR);
	CHECK(sys_setscheduler(0, SCHED_BATCH, 0) == 0);
	CHECK(sys_getscheduler(0) == SCHED_BATCH && sys_getparam(0) == 0);
	CHECK(sys_setparam(0, 1) == -1 && errno == EINVAL);
	CHECK(sys_setscheduler(0, SCHED_IDLE, 0) == 0);
	CHECK(sys_getscheduler(0) == SCHED_IDLE);
	CHECK(sys_setscheduler(0, SCHED_FIFO, 0) == -1 && errno == EINVAL);
	CHECK(sys_setscheduler(0, SCHED_RR, 100) == -1 && errno == EINVAL);
	CHECK(sys_setscheduler(0, SCHED_OTHER, 0) == 0);
	CHECK(sys_getscheduler(0) == SCHED_OTHER);
	/* Unknown policies (7 is SCHED_EXT on newer Linux); SCHED_DEADLINE
	 * needs sched_setattr. */
	CHECK(sys_setscheduler(0, 4, 0) == -1 && errno == EINVAL);
	CHECK(sys_setscheduler(0, 8, 0) == -1 && errno == EINVAL);
	CHECK(sys_setscheduler(0, -1, 0) == -1 && errno == EINVAL);
	CHECK(sys_setscheduler(0, SCHED_DEADLINE, 0) == -1 &&
	      errno == EINVAL);
	/* The flag comes back with the policy; sched_setparam keeps it. */
	CHECK(sys_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, 0) == 0);
	CHECK(sys_getscheduler(0) == (SCHED_OTHER | SCHED_RESET_ON_FORK));
	CHECK(sys_setparam(0, 0) == 0);
	CHECK(sys_getscheduler(0) == (SCHED_OTHER | SCHED_RESET_ON_FORK));
	CHECK(sys_setscheduler(0, SCHED_OTHER, 0) == 0);
	CHECK(sys_getscheduler(0) == SCHED_OTHER);
}

static void check_sched_errors(void)
{
	struct sched_param p = { 0 };
	struct timespec ts;

	/* Arguments first, then the thread, then the policy. */
	CHECK(syscall(SYS_sched_setscheduler, -1, SCHED_OTHER, &p) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8) ==
	      -1 && errno == EFAULT);
	CHECK(syscall(SYS_sched_setscheduler, INT_MAX, SCHED_OTHER, &p) ==
	      -1 && errno == ESRCH);
	CHECK(syscall(SYS_sched_setscheduler, INT_MAX, 4, &p) == -1 &&
	      errno == ESRCH);
	CHECK(syscall(SYS_sched_setparam, 0, NULL) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_setparam, INT_MAX, &p) == -1 &&
	      errno == ESRCH);
	CHECK(sys_getscheduler(-1) == -1 && errno == EINVAL);
	CHECK(sys_getscheduler(INT_MAX) == -1 && errno == ESRCH);
	CHECK(syscall(SYS_sched_getparam, 0, NULL) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_getparam, -1, &p) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_getparam, 0, (void *)8) == -1 &&
	      errno == EFAULT);
	CHECK(sys_getparam(INT_MAX) == -1 && errno == ESRCH);
	CHECK(sched_rr_get_interval(-1, &ts) == -1 && errno == EINVAL);
	CHECK(sched_rr_get_interval(INT_MAX, &ts) == -1 && errno == ESRCH);
	CHECK(sched_rr_get_interval(0, (void *)8) == -1 && errno == EFAULT);
}

/* What a new thread sees of its own settings; it then waits until the
 * main thread has looked at and changed them by its id. */
struct child {
	pthread_barrier_t bar;
	int tid, nice, policy, prio;
	int nice_later;
};

static void *child_fn(void *arg)
{
	struct child *c = arg;
	int err;

	c->tid = tid();
	c->nice = prio_of(PRIO_PROCESS, 0, &err);
	c->policy = (int)sys_getscheduler(0);
	c->prio = (int)sys_getparam(0);
	pthread_barrier_wait(&c->bar);
	pthread_barrier_wait(&c->bar);
	c->nice_later = prio_of(PRIO_PROCESS, 0, &err);
	return NULL;
}

/* Starts a child, lets it look at itself, checks what the main thread
 * sees of it by its id, and sets its nice value to 9 by the id. */
static void run_child(struct child *c)
{
	pthread_t t;
	int err;

	memset(c, 0, sizeof(*c));
	pthread_barrier_init(&c->bar, NULL, 2);
	CHECK(pthread_create(&t, NULL, child_fn, c) == 0);
	pthread_barrier_wait(&c->bar);
	CHECK(prio_of(PRIO_PROCESS, c->tid, &err) == c->nice && err == 0);
	CHECK(sys_getscheduler(c->tid) == c->policy);
	CHECK(setpriority(PRIO_PROCESS, c->tid, 9) == 0);
	CHECK(prio_of(PRIO_PROCESS, c->tid, &err) == 9 && err == 0);
	pthread_barrier_wait(&c->bar);
	CHECK(pthread_join(t, NULL) == 0);
	pthread_barrier_destroy(&c->bar);
}

static void check_inherit(void)
{
	struct child c;
	int err;

	/* A new thread has its creator's nice value and policy. */
	CHECK(setpriority(PRIO_PROCESS, 0, 4) == 0);
	CHECK(sys_setscheduler(0, SCHED_BATCH, 0) == 0);
	run_child(&c);
	CHECK(c.nice == 4 && c.policy == SCHED_BATCH && c.prio == 0);
	CHECK(c.nice_later == 9);
	/* Setting the child's value left the creator's alone. */
	CHECK(prio_of(PRIO_PROCESS, 0, &err) == 4 && err == 0);
	CHECK(sys_setscheduler(0, SCHED_RR, 3) == 0);
	run_child(&c);
	CHECK(c.policy == SCHED_RR && c.prio == 3);
	/* SCHED_RESET_ON_FORK: a normal policy, no negative nice, and the
	 * flag itself not inherited. */
	CHECK(setpriority(PRIO_PROCESS, 0, -5) == 0);
	CHECK(sys_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 7) == 0);
	run_child(&c);
	CHECK(c.nice == 0 && c.policy == SCHED_OTHER && c.prio == 0);
	CHECK(sys_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, 0) ==
	      0);
	CHECK(setpriority(PRIO_PROCESS, 0, 6) == 0);
	run_child(&c);
	CHECK(c.nice == 6 && c.policy == SCHED_BATCH);
	CHECK(sys_setscheduler(0, SCHED_OTHER, 0) == 0);
	CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0);
}

/* pthread's calls are the per-thread system calls. */
static void check_pthread(void)
{
	struct sched_param p = { .sched_priority = 12 };
	int policy = -1;

	CHECK(pthread_setschedparam(pthread_self(), SCHED_FIFO, &p) == 0);
	CHECK(sys_getscheduler(0) == SCHED_FIFO && sys_getparam(0) == 12);
	p.sched_priority = -1;
	CHECK(pthread_getschedparam(pthread_self(), &policy, &p) == 0);
	CHECK(policy == SCHED_FIFO && p.sched_priority == 12);
	CHECK(pthread_setschedprio(pthread_self(), 30) == 0);
	CHECK(sys_getparam(0) == 30);
	p.sched_priority = 1;
	CHECK(pthread_setschedparam(pthread_self(), SCHED_OTHER, &p) ==
	      EINVAL);
	p.sched_priority = 0;
	CHECK(pthread_setschedparam(pthread_self(), SCHED_OTHER, &p) == 0);
	CHECK(sys_getscheduler(0) == SCHED_OTHER);
}

/* Linux's struct sched_attr (SCHED_ATTR_SIZE_VER1), with room past it. */
struct attr {
	unsigned int size, policy;
	unsigned long long flags;
	int nice;
	unsigned int prio;
	unsigned long long runtime, deadline, period;
	unsigned int util_min, util_max;
	char more[8];
};

#define ATTR_VER0		48
#define ATTR_VER1		56
#define FLAG_RESET_ON_FORK	0x01
#define FLAG_KEEP_POLICY	0x08
#define FLAG_KEEP_PARAMS	0x10

static long sys_setattr(int pid, struct attr *a, unsigned int flags)
{
	return syscall(SYS_sched_setattr, pid, a, flags);
}

static long sys_getattr(int pid, struct attr *a, unsigned int size)
{
	return syscall(SYS_sched_getattr, pid, a, size, 0);
}

/* Sets policy with nice and prio (size VER1); -1 with errno. */
static long set_attr(int policy, int nice, int prio, int flags)
{
	struct attr a = { .size = ATTR_VER1, .policy = policy,
			  .flags = flags, .nice = nice, .prio = prio };

	return sys_setattr(0, &a, 0);
}

/* Prints what sched_getattr reports for the caller (not the fair
 * threads' time slice, which is the host's). */
static void show_attr(const char *what)
{
	struct attr a;

	memset(&a, 0xa5, sizeof(a));
	if (sys_getattr(0, &a, ATTR_VER1)) {
		printf("%s: getattr errno %d\n", what, errno);
		return;
	}
	printf("%s: size %u policy %u flags %llx nice %d prio %u\n", what,
	       a.size, a.policy, a.flags, a.nice, a.prio);
}

static void check_setattr(void)
{
	struct attr a;

	CHECK(set_attr(SCHED_OTHER, 5, 0, 0) == 0);
	show_attr("other nice 5");
	CHECK(getpriority(PRIO_PROCESS, 0) == 5);
	CHECK(set_attr(SCHED_BATCH, -30, 0, 0) == 0);
	show_attr("batch nice -30");
	CHECK(set_attr(SCHED_IDLE, 3, 0, 0) == 0);
	show_attr("idle nice 3");
	CHECK(set_attr(SCHED_FIFO, 7, 10, FLAG_RESET_ON_FORK) == 0);
	show_attr("fifo 10 reset");
	CHECK(getpriority(PRIO_PROCESS, 0) == -20);
	CHECK(sys_getscheduler(0) == (SCHED_FIFO | SCHED_RESET_ON_FORK));
	CHECK(set_attr(SCHED_RR, 0, 99, 0) == 0);
	show_attr("rr 99");
	/* Keep the policy, change the priority; keep the priority too. */
	CHECK(set_attr(SCHED_OTHER, 0, 42, FLAG_KEEP_POLICY) == 0);
	show_attr("keep policy");
	CHECK(set_attr(SCHED_OTHER, 0, 0,
		       FLAG_KEEP_POLICY | FLAG_KEEP_PARAMS) == 0);
	show_attr("keep all");
	/* Bad priorities, policies and flags. */
	errno = 0;
	CHECK(set_attr(SCHED_RR, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(set_attr(SCHED_RR, 0, 100, 0) == -1 && errno == EINVAL);
	CHECK(set_attr(SCHED_OTHER, 0, 1, 0) == -1 && errno == EINVAL);
	CHECK(set_attr(4, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(set_attr(7, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(set_attr(-1, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(set_attr(SCHED_OTHER, 0, 0, 0x80) == -1 && errno == EINVAL);
	/* SCHED_DEADLINE's parameters: deadline 0, runtime > deadline,
	 * deadline > period, a period too short. */
	memset(&a, 0, sizeof(a));
	a.size = ATTR_VER1;
	a.policy = SCHED_DEADLINE;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == EINVAL);
	a.runtime = 20000000;
	a.deadline = 10000000;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == EINVAL);
	a.runtime = 1000000;
	a.period = 5000000;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == EINVAL);
	a.runtime = 10000;
	a.deadline = 50000;
	a.period = 50000;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == EINVAL);
	/* Sizes: below VER0 is E2BIG with the kernel's size written back;
	 * 0 means VER0; a larger struct must end in zeros. */
	memset(&a, 0, sizeof(a));
	a.size = ATTR_VER0 - 8;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == E2BIG);
	CHECK(a.size == ATTR_VER1);
	a.size = 0;
	a.nice = 2;
	CHECK(sys_setattr(0, &a, 0) == 0);
	show_attr("size 0");
	a.size = sizeof(a);
	CHECK(sys_setattr(0, &a, 0) == 0);
	a.more[3] = 1;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == E2BIG);
	CHECK(a.size == ATTR_VER1);
	a.size = 8192;
	CHECK(sys_setattr(0, &a, 0) == -1 && errno == E2BIG);
	/* Bad arguments. */
	a.size = ATTR_VER1;
	CHECK(sys_setattr(0, &a, 1) == -1 && errno == EINVAL);
	CHECK(sys_setattr(-1, &a, 0) == -1 && errno == EINVAL);
	CHECK(sys_setattr(0, NULL, 0) == -1 && errno == EINVAL);
	CHECK(sys_setattr(0, (struct attr *)8, 0) == -1 && errno == EFAULT);
	CHECK(sys_setattr(INT_MAX, &a, 0) == -1 && errno == ESRCH);
	CHECK(sys_getattr(0, &a, ATTR_VER0 - 1) == -1 && errno == EINVAL);
	CHECK(sys_getattr(0, &a, 8192) == -1 && errno == EINVAL);
	CHECK(sys_getattr(-1, &a, ATTR_VER1) == -1 && errno == EINVAL);
	CHECK(sys_getattr(0, NULL, ATTR_VER1) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_getattr, 0, &a, ATTR_VER1, 1) == -1 &&
	      errno == EINVAL);
	CHECK(sys_getattr(0, (struct attr *)8, ATTR_VER1) == -1 &&
	      errno == EFAULT);
	CHECK(sys_getattr(INT_MAX, &a, ATTR_VER1) == -1 && errno == ESRCH);
	/* A short struct gets VER0's part, a larger one VER1's size. */
	memset(&a, 0xa5, sizeof(a));
	CHECK(sys_getattr(0, &a, ATTR_VER0) == 0);
	printf("getattr VER0: size %u util_min %x\n", a.size, a.util_min);
	memset(&a, 0xa5, sizeof(a));
	CHECK(sys_getattr(0, &a, sizeof(a)) == 0);
	printf("getattr larger: size %u more %x\n", a.size,
	       (unsigned char)a.more[0]);
	CHECK(set_attr(SCHED_OTHER, 0, 0, 0) == 0);
}

int main(void)
{
	check_nice();
	check_ranges();
	check_policies();
	check_sched_errors();
	check_inherit();
	check_pthread();
	check_setattr();
	return posix_check_summary();
}
