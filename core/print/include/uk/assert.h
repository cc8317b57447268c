/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fatal checks. UK_CRASH prints the message, the location and a backtrace
 * of the caller, then ends the kernel with a non-zero status.
 * UK_ASSERT(x) crashes when x is false; UK_BUGON(x) when x is true.
 */
#ifndef __UK_ASSERT_H__
#define __UK_ASSERT_H__

#include <uk/essentials.h>

struct __regs;

void __noreturn _uk_crash(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);

/* Ends every crash report: prints the backtrace, from the trap's regs or,
 * with NULL, from the caller of the function that calls this, raises
 * UK_CRASH_EVENT_DUMP (data: regs) so libraries can print their state,
 * then ends the kernel with the non-zero status. */
#define UK_CRASH_EVENT_DUMP	uk_crash_dump
void __noreturn uk_crash_finish(const struct __regs *regs, int status);

#define UK_CRASH(fmt, ...)						\
	_uk_crash(__FILE__, __LINE__, (fmt), ##__VA_ARGS__)

#define UK_ASSERT(x)							\
	do {								\
		if (unlikely(!(x)))					\
			UK_CRASH("Assertion failure: %s\n", #x);	\
	} while (0)

#define UK_BUGON(x)							\
	do {								\
		if (unlikely(x))					\
			UK_CRASH("BUG: %s\n", #x);			\
	} while (0)

#define UK_WARNIF(x)							\
	do {								\
		if (unlikely(x))					\
			uk_printk_raw("WARNING %s:%d: %s\n", __FILE__,	\
				      __LINE__, #x);			\
	} while (0)

#endif /* __UK_ASSERT_H__ */
