/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Linux system-call table, by Linux's numbers for the architecture
 * (x86_64, arm64). A library defines a handler where its code lives:
 *
 *   UK_SYSCALL_R_DEFINE(ssize_t, read, int, fd, void *, buf, size_t, n)
 *   {
 *           return ...;            // a value, or -errno
 *   }
 *
 * which makes uk_syscall_r_read(long a1, ..., long a6) and a link-time
 * entry { __NR_read, uk_syscall_r_read }. uk_syscall6(n, a1..a6) finds
 * the handler of n and calls it: musl's system calls are such direct
 * calls. A number without a handler returns -ENOSYS and is named once on
 * the console. With the kernel parameter syscall.trace=1 (or a list of
 * names, syscall.trace=openat,read) every call is printed, strace-like.
 */
#ifndef __UK_SYSCALL_H__
#define __UK_SYSCALL_H__

#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <uk/linktab.h>
#include <uk/syscall_nr.h>

/* Numbers are below this on every architecture we support. */
#define UK_SYSCALL_NR_MAX	512

typedef long (*uk_syscall_fn_t)(long, long, long, long, long, long);

struct uk_syscall_entry {
	long nr;
	uk_syscall_fn_t fn;
};

/* Calls the handler of system call n. Returns its result (a value or
 * -errno), -ENOSYS for a number without a handler. Signals waiting for
 * the thread are delivered before it returns (core/signal). */
long uk_syscall6(long n, long a1, long a2, long a3, long a4, long a5,
		 long a6);

/* What a handler returns when a signal ended its wait
 * (uk_thread_interrupted) and the call may run again: after the signal's
 * handler it does if the handler has SA_RESTART (or none ran), else it
 * returns -EINTR. Apps never see it. Calls that are never restarted
 * (poll, epoll_wait, nanosleep, pause...) return -EINTR themselves. */
#define UK_ERESTARTSYS		512

/* Names by number, from musl's list for the architecture. */
extern const char *const uk_syscall_names[UK_SYSCALL_NR_MAX];
/*
 * The full-frame path. uk_syscall_entry (assembly, not a C function) takes
 * the number and arguments in the registers of the architecture's
 * system-call instruction and saves the caller's registers as a struct
 * __regs before dispatching; handlers that need the caller's whole
 * context (clone, rt_sigreturn) find it with uk_syscall_regs(), which is
 * NULL for a plain uk_syscall6() call. musl's assembly that would issue
 * the instruction calls uk_syscall_entry; a trap entry for unmodified
 * binaries calls uk_syscall_entry_trapped() with its trap frame.
 */
struct __regs;
void uk_syscall_entry(void);
/* Dispatches the call regs describes and stores its result in regs. */
void uk_syscall_entry_regs(struct __regs *regs);
/* The same for a loaded binary's trapped call (the backends' trap
 * entries): kernel code runs on the thread's own thread pointer
 * (uk_thread.ktlsp), not the binary's, which is put back on return.
 * ectx (NULL: none) is the caller's FPU/SIMD state the entry saved and
 * restores (uk/arch/ctx.h): signal handlers see and may change it. */
void uk_syscall_entry_trapped(struct __regs *regs, void *ectx);
/* The calling thread's full-frame registers, or NULL. */
struct __regs *uk_syscall_regs(void);

/* The name of system call n ("read"), or NULL for an unused number. */
const char *uk_syscall_name(long n);
/* The number of the system call named name, or -1. */
long uk_syscall_nr(const char *name);
/* Nonzero if the kernel has a handler for system call n. */
int uk_syscall_implemented(long n);

/*
 * The printer behind syscall.trace. Formats one call of n with its
 * arguments and its result ret into buf (size bytes, at least 64), as
 * "name(args) = ret", reading the caller's memory through nofault: a bad
 * pointer prints as its address. Returns the length (truncated lines
 * end in "..."). phase: UK_SYSCALL_TRACE_ENTER formats the arguments
 * known before the call (ret unused, no result); UK_SYSCALL_TRACE_EXIT
 * everything.
 */
#define UK_SYSCALL_TRACE_ENTER	0
#define UK_SYSCALL_TRACE_EXIT	1
int uk_syscall_format(char *buf, __sz size, long n, const long args[6],
		      long ret, int phase);
/* What the arguments of system call n are, one letter each as the
 * printer decodes them ("fBu" for read: fd, buffer out, length; the
 * letters are listed in trace.c), or NULL if the printer has no format
 * for n. The system-call fuzzer (test/fuzz/syscalls) draws by them. */
const char *uk_syscall_arg_kinds(long n);
/* "ENOENT" for 2, or NULL. */
const char *uk_syscall_errname(long err);

/* Turns tracing on for the calls named in spec ("1" or "all": every
 * call; "0": none; else names separated by commas). Returns 0, or
 * -EINVAL naming the first unknown name on the console. */
int uk_syscall_trace_set(const char *spec);

/* ----------------------------------------------------------------------
 * Defining handlers
 */

/* Argument lists: the macros take (type, name) pairs. */
#define __UK_SC_N(...)							\
	__UK_SC_N_(_, ##__VA_ARGS__, 6, x, 5, x, 4, x, 3, x, 2, x, 1, x, 0)
#define __UK_SC_N_(_, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, \
		   n, ...) n

#define __UK_SC_DECL0()		void
#define __UK_SC_DECL1(t1, a1)	t1 a1
#define __UK_SC_DECL2(t1, a1, ...)	t1 a1, __UK_SC_DECL1(__VA_ARGS__)
#define __UK_SC_DECL3(t1, a1, ...)	t1 a1, __UK_SC_DECL2(__VA_ARGS__)
#define __UK_SC_DECL4(t1, a1, ...)	t1 a1, __UK_SC_DECL3(__VA_ARGS__)
#define __UK_SC_DECL5(t1, a1, ...)	t1 a1, __UK_SC_DECL4(__VA_ARGS__)
#define __UK_SC_DECL6(t1, a1, ...)	t1 a1, __UK_SC_DECL5(__VA_ARGS__)

/* The handler's long arguments __a1.. cast to the declared types. */
#define __UK_SC_CAST0()
#define __UK_SC_CAST1(t1, a1)	(t1)__a1
#define __UK_SC_CAST2(t1, a1, t2, a2)	(t1)__a1, (t2)__a2
#define __UK_SC_CAST3(t1, a1, t2, a2, t3, a3)				\
	__UK_SC_CAST2(t1, a1, t2, a2), (t3)__a3
#define __UK_SC_CAST4(t1, a1, t2, a2, t3, a3, t4, a4)			\
	__UK_SC_CAST3(t1, a1, t2, a2, t3, a3), (t4)__a4
#define __UK_SC_CAST5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)		\
	__UK_SC_CAST4(t1, a1, t2, a2, t3, a3, t4, a4), (t5)__a5
#define __UK_SC_CAST6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)	\
	__UK_SC_CAST5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5), (t6)__a6

#define __UK_SC_DECL(...)						\
	UK_CONCAT(__UK_SC_DECL, __UK_SC_N(__VA_ARGS__))(__VA_ARGS__)
#define __UK_SC_CAST(...)						\
	UK_CONCAT(__UK_SC_CAST, __UK_SC_N(__VA_ARGS__))(__VA_ARGS__)

/* Registers fn as the handler of system call nr. */
#define UK_SYSCALL_ENTRY(nr, fn)					\
	UK_LINKTAB_ENTRY(const struct uk_syscall_entry,			\
			 UK_CONCAT(__uk_syscall_entry_, fn), "syscall",	\
			 "5") = { (nr), (fn) }

/*
 * Defines uk_syscall_r_<name>, the handler of __NR_<name>, with the typed
 * body that follows the macro. The body returns a value or -errno. A call
 * the architecture does not have (open on arm64: __UK_NR_open is -1)
 * gets its handler but no table entry.
 */
#define UK_SYSCALL_R_DEFINE(rtype, name, ...)				\
	static rtype __uk_sys_##name(__UK_SC_DECL(__VA_ARGS__));	\
	long uk_syscall_r_##name(long __a1, long __a2, long __a3,	\
				 long __a4, long __a5, long __a6);	\
	long uk_syscall_r_##name(long __a1, long __a2, long __a3,	\
				 long __a4, long __a5, long __a6)	\
	{								\
		(void)__a1; (void)__a2; (void)__a3;			\
		(void)__a4; (void)__a5; (void)__a6;			\
		return (long)__uk_sys_##name(__UK_SC_CAST(__VA_ARGS__));	\
	}								\
	UK_SYSCALL_ENTRY(__UK_NR_##name, uk_syscall_r_##name);		\
	static rtype __uk_sys_##name(__UK_SC_DECL(__VA_ARGS__))

/* A handler that is another one's under a second number (open is
 * openat(AT_FDCWD, ...) by another name): registers uk_syscall_r_<fn>
 * for __NR_<name>. */
#define UK_SYSCALL_ALIAS(name, fn)					\
	long uk_syscall_r_##fn(long, long, long, long, long, long);	\
	UK_LINKTAB_ENTRY(const struct uk_syscall_entry,			\
			 __uk_syscall_alias_##name, "syscall", "5") =	\
		{ __UK_NR_##name, uk_syscall_r_##fn }

#endif /* __UK_SYSCALL_H__ */
