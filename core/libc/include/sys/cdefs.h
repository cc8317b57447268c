/* SPDX-License-Identifier: BSD-3-Clause */
/* Compiler helper macros in the BSD/glibc <sys/cdefs.h> style. Each is
 * defined only if nobody (e.g. <uk/essentials.h>) did first. */
#ifndef _SYS_CDEFS_H
#define _SYS_CDEFS_H

#ifdef __cplusplus
#define __BEGIN_DECLS	extern "C" {
#define __END_DECLS	}
#else
#define __BEGIN_DECLS
#define __END_DECLS
#endif

#ifndef __P
#define __P(args)	args
#endif
#ifndef __CONCAT
#define __CONCAT(x, y)	x ## y
#endif
#ifndef __STRING
#define __STRING(x)	#x
#endif
#ifndef __unused
#define __unused	__attribute__((unused))
#endif
#ifndef __used
#define __used		__attribute__((used))
#endif
#ifndef __packed
#define __packed	__attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x)	__attribute__((aligned(x)))
#endif
#ifndef __dead2
#define __dead2		__attribute__((noreturn))
#endif
#ifndef __pure2
#define __pure2		__attribute__((const))
#endif
#ifndef __weak
#define __weak		__attribute__((weak))
#endif
#ifndef __printflike
#define __printflike(f, a)	__attribute__((format(printf, f, a)))
#endif
#ifndef __predict_true
#define __predict_true(x)	__builtin_expect(!!(x), 1)
#define __predict_false(x)	__builtin_expect(!!(x), 0)
#endif

#endif /* _SYS_CDEFS_H */
