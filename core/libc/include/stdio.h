/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Formatted output (C11 7.21.6). printf & co write to the kernel console;
 * streams (FILE) are not implemented yet.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EOF		(-1)
#define BUFSIZ		8192

typedef struct _FILE FILE;

#define __libc_printf(f, a)	__attribute__((format(printf, f, a)))

/* printf and vprintf write to the kernel console. */
int printf(const char *restrict fmt, ...) __libc_printf(1, 2);
int vprintf(const char *restrict fmt, va_list ap) __libc_printf(1, 0);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
	__libc_printf(2, 3);
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
	__libc_printf(2, 0);
/* Return the length the whole output would have had. */
int snprintf(char *restrict buf, size_t n, const char *restrict fmt, ...)
	__libc_printf(3, 4);
int vsnprintf(char *restrict buf, size_t n, const char *restrict fmt,
	      va_list ap) __libc_printf(3, 0);
/* Print into a buffer from malloc(), stored in *strp; -1 on failure. */
int asprintf(char **restrict strp, const char *restrict fmt, ...)
	__libc_printf(2, 3);
int vasprintf(char **restrict strp, const char *restrict fmt, va_list ap)
	__libc_printf(2, 0);

/* Write to the kernel console; puts appends a newline. */
int putchar(int c);
int puts(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* _STDIO_H */
