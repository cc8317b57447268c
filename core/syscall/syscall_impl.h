/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by the system-call table and its printer. */
#ifndef __UK_SYSCALL_IMPL_H__
#define __UK_SYSCALL_IMPL_H__

#include <uk/syscall.h>

/* -ENOSYS, naming n on the console the first time. */
long uk_syscall_not_implemented(long n);

/* Calls fn (NULL: not implemented) and prints the call (trace.c). */
long uk_syscall_traced(long n, uk_syscall_fn_t fn, long a1, long a2,
		       long a3, long a4, long a5, long a6);

#endif /* __UK_SYSCALL_IMPL_H__ */
