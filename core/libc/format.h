/* SPDX-License-Identifier: BSD-3-Clause */
/* The printf engine (printf.c) for the libc's own output sinks. */
#ifndef __LIBC_FORMAT_H__
#define __LIBC_FORMAT_H__

#include <stdarg.h>
#include <stddef.h>

/* Receives n bytes of output (n > 0). */
typedef void (*__libc_emit_fn)(void *arg, const char *s, size_t n);

/* Formats fmt, passing the output in pieces of up to 256 bytes to emit.
 * Returns the length of the whole output, or -1 + errno (EOVERFLOW,
 * EINVAL, EILSEQ) for a format that cannot be printed. */
int __libc_vformat(__libc_emit_fn emit, void *arg, const char *fmt,
		   va_list ap);

#endif /* __LIBC_FORMAT_H__ */
