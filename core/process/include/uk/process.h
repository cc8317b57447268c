/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one process: its ids, its limits and what the system calls about
 * it (uname, sysinfo, prlimit64) report.
 */
#ifndef __UK_PROCESS_H__
#define __UK_PROCESS_H__

#include <uk/arch/types.h>
#include <uk/essentials.h>

/* The process id: the boot thread's id, as on Linux. */
#define UK_PROCESS_PID		1

/* exit_group(status): stops every other thread, then ends the kernel
 * with status (init terms run, then the backend terminates). A second
 * caller waits to be stopped. */
void __noreturn uk_process_exit(int status);

/* exit(status) of the calling thread: its robust futexes are released;
 * the last thread of the app ends the process with its status. */
void __noreturn uk_process_thread_exit(int status);

/* The same, and [base, base + len) is unmapped once the thread no longer
 * runs (the C library's detached threads free their own stack so). */
void __noreturn uk_process_thread_exit_unmap(void *base, __sz len);

/* The soft limit of resource (RLIMIT_*), as setrlimit left it; 0 for
 * an unknown one. For the calls that enforce one (mq_open's
 * RLIMIT_MSGQUEUE, queued signals' RLIMIT_SIGPENDING). */
unsigned long uk_process_rlimit(int resource);

#endif /* __UK_PROCESS_H__ */
