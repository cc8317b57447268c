/* SPDX-License-Identifier: BSD-3-Clause */
/* POSIX <strings.h>: case-insensitive compares and bit scanning. */
#ifndef _STRINGS_H
#define _STRINGS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Compare ignoring ASCII case (C locale). */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
/* 1-based index of the lowest set bit, 0 if none. */
int ffs(int i);
int ffsl(long i);
int ffsll(long long i);
/* Legacy BSD names. */
int bcmp(const void *a, const void *b, size_t n);
void bcopy(const void *src, void *dst, size_t n);
void bzero(void *s, size_t n);
/* memset() that the compiler may not optimise away (BSD/glibc). */
void explicit_bzero(void *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* _STRINGS_H */
