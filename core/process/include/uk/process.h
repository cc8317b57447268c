/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one process: its ids, its limits and what the system calls about
 * it (uname, sysinfo, prlimit64) report.
 */
#ifndef __UK_PROCESS_H__
#define __UK_PROCESS_H__

/* The process id: the boot thread's id, as on Linux. */
#define UK_PROCESS_PID		1

#endif /* __UK_PROCESS_H__ */
