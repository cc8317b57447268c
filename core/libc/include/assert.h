/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * C assert (C11 7.2). On failure prints "Assertion failed: expr (file:
 * line)" on the console and calls abort(). Not guarded: its meaning
 * follows NDEBUG at each inclusion.
 */
#undef assert

#ifdef NDEBUG
#define assert(expr)	((void)0)
#else
#ifdef __cplusplus
extern "C"
#endif
_Noreturn void __assert_fail(const char *expr, const char *file, int line);
#define assert(expr)							\
	((expr) ? (void)0 : __assert_fail(#expr, __FILE__, __LINE__))
#endif

#ifndef __cplusplus
#undef static_assert
#define static_assert	_Static_assert
#endif
