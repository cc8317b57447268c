/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scheduling (core/libc/time.c, core/libc/pthread.c): yielding, the
 * current CPU, and CPU sets for thread affinity (GNU names). The
 * schedulers are cooperative and have no priorities: the policy and
 * priority calls accept only SCHED_OTHER and priority 0.
 */
#ifndef _SCHED_H
#define _SCHED_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCHED_OTHER	0
#define SCHED_FIFO	1
#define SCHED_RR	2
#define SCHED_BATCH	3
#define SCHED_IDLE	5

struct sched_param {
	int sched_priority;
};

/* Lets the other runnable threads of this CPU run. Returns 0. */
int sched_yield(void);
/* Returns the index of the CPU the caller runs on. */
int sched_getcpu(void);
/* Priority range of policy: 0..0 for SCHED_OTHER, -1 + EINVAL for an
 * unknown policy. */
int sched_get_priority_min(int policy);
int sched_get_priority_max(int policy);

/* CPU sets, as in glibc: a bit per CPU, CPU_SETSIZE CPUs. */
#define CPU_SETSIZE	1024
#define __NCPUBITS	(8 * sizeof(unsigned long))

typedef struct {
	unsigned long __bits[CPU_SETSIZE / __NCPUBITS];
} cpu_set_t;

#define __CPU_OK(cpu, size)	((size_t)(cpu) / 8 < (size))
#define CPU_ZERO_S(size, set)	__builtin_memset((set), 0, (size))
#define CPU_SET_S(cpu, size, set)					\
	(__CPU_OK(cpu, size) ? ((set)->__bits[(cpu) / __NCPUBITS] |=	\
		1UL << ((cpu) % __NCPUBITS)) : 0)
#define CPU_CLR_S(cpu, size, set)					\
	(__CPU_OK(cpu, size) ? ((set)->__bits[(cpu) / __NCPUBITS] &=	\
		~(1UL << ((cpu) % __NCPUBITS))) : 0)
#define CPU_ISSET_S(cpu, size, set)					\
	(__CPU_OK(cpu, size) ? !!((set)->__bits[(cpu) / __NCPUBITS] &	\
		(1UL << ((cpu) % __NCPUBITS))) : 0)
#define CPU_COUNT_S(size, set)	__sched_cpucount((size), (set))

#define CPU_ZERO(set)		CPU_ZERO_S(sizeof(cpu_set_t), set)
#define CPU_SET(cpu, set)	CPU_SET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_CLR(cpu, set)	CPU_CLR_S(cpu, sizeof(cpu_set_t), set)
#define CPU_ISSET(cpu, set)	CPU_ISSET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_COUNT(set)		CPU_COUNT_S(sizeof(cpu_set_t), set)

/* Number of CPUs in the first size bytes of set. */
int __sched_cpucount(size_t size, const cpu_set_t *set);

#ifdef __cplusplus
}
#endif

#endif /* _SCHED_H */
