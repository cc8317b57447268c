/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiler attributes and small helpers used everywhere. Safe to include
 * from guest and host code alike: it uses no library header.
 */
#ifndef __UK_ESSENTIALS_H__
#define __UK_ESSENTIALS_H__

#ifndef __ASSEMBLY__
#include <stddef.h>
#endif

#define __used			__attribute__((used))
#define __noreturn		__attribute__((noreturn))
#define __packed		__attribute__((packed))
#define __align(x)		__attribute__((aligned(x)))
#define __section(s)		__attribute__((section(s)))
#define __weak			__attribute__((weak))
#define __printf(f, a)		__attribute__((format(printf, f, a)))
#define __noinline		__attribute__((noinline))
/* No stack-clash probes (a compiler's default on some distributions):
 * arm64's store zeros below the stack pointer, for code that touches
 * the stack ahead and must change none of its bytes. */
#if defined(__clang__)
#define __no_stack_probes
#else
#define __no_stack_probes	__attribute__((optimize("no-stack-clash-protection")))
#endif
#ifndef __always_inline		/* glibc's sys/cdefs.h has the same */
#define __always_inline		inline __attribute__((always_inline))
#endif
#define __maybe_unused		__attribute__((unused))
#define __pure			__attribute__((pure))
#ifndef __nonnull
#define __nonnull(...)		__attribute__((nonnull(__VA_ARGS__)))
#endif
/* An entry point the backend calls (kept global by the guest link). */
#define __uk_entry		__attribute__((visibility("default"), used))

#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#define STRINGIFY_(x)		#x
#define STRINGIFY(x)		STRINGIFY_(x)
#define UK_CONCAT_(a, b)	a##b
#define UK_CONCAT(a, b)		UK_CONCAT_(a, b)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

/* Power-of-two alignment. */
#define ALIGN_UP(v, a)		(((v) + (a) - 1) & ~((__typeof__(v))(a) - 1))
#define ALIGN_DOWN(v, a)	((v) & ~((__typeof__(v))(a) - 1))
#define IS_ALIGNED(v, a)	(((v) & ((__typeof__(v))(a) - 1)) == 0)
#define IS_POW2(v)		((v) != 0 && ((v) & ((v) - 1)) == 0)

#ifndef __ASSEMBLY__
#define __containerof(ptr, type, field)					\
	((type *)((char *)(ptr) - offsetof(type, field)))
#define containerof		__containerof

#define UK_BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

#define barrier()		__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#endif

#endif /* __UK_ESSENTIALS_H__ */
