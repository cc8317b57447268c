/* SPDX-License-Identifier: BSD-3-Clause */
/* Resource usage (CPU time from the scheduler, core/sched). */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <sys/time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

struct rusage {
	struct timeval ru_utime;	/* CPU time (all of it: no split) */
	struct timeval ru_stime;	/* 0 */
	long ru_maxrss;
	long ru_ixrss;
	long ru_idrss;
	long ru_isrss;
	long ru_minflt;
	long ru_majflt;
	long ru_nswap;
	long ru_inblock;
	long ru_oublock;
	long ru_msgsnd;
	long ru_msgrcv;
	long ru_nsignals;
	long ru_nvcsw;
	long ru_nivcsw;
	long __reserved[16];
};

/* Fills *usage for who (RUSAGE_SELF: the process, RUSAGE_THREAD: the
 * caller, RUSAGE_CHILDREN: none). The kernel and the app are one
 * program, so all CPU time is in ru_utime. Returns 0 or -1 + errno
 * (EINVAL, EFAULT). */
int getrusage(int who, struct rusage *usage);

#ifdef __cplusplus
}
#endif

#endif
