/* SPDX-License-Identifier: BSD-3-Clause */
/* String and memory functions (C11 7.24, POSIX and common extensions). */
#ifndef _STRING_H
#define _STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
/* Last occurrence of c in the first n bytes of s (GNU). */
void *memrchr(const void *s, int c, size_t n);
/* First occurrence of needle in haystack, byte-wise (GNU). */
void *memmem(const void *haystack, size_t hlen,
	     const void *needle, size_t nlen);
/* Copies up to and including the first c; returns the byte after it
 * in dst, or NULL if c was not among the n bytes. */
void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n);
/* memcpy returning dst + n (GNU). */
void *mempcpy(void *restrict dst, const void *restrict src, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* In the C locale, strcoll is strcmp. */
int strcoll(const char *a, const char *b);
size_t strxfrm(char *restrict dst, const char *restrict src, size_t n);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
/* Like strcpy/strncpy but return the end of dst (POSIX). */
char *stpcpy(char *restrict dst, const char *restrict src);
char *stpncpy(char *restrict dst, const char *restrict src, size_t n);
/* BSD: copy/append into a buffer of size n, always terminated if n > 0;
 * return the length of the string they tried to create. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t n);
size_t strlcat(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Like strchr but returns the terminating NUL instead of NULL (GNU). */
char *strchrnul(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strcasestr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strtok(char *restrict s, const char *restrict delim);
char *strtok_r(char *restrict s, const char *restrict delim,
	       char **restrict saveptr);
/* Cuts *sp at the first byte of delim; returns the token (BSD). */
char *strsep(char **sp, const char *delim);
/* Allocate with malloc(); NULL and ENOMEM on failure. */
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

/* Message for errnum ("Unknown error N" for unknown numbers). */
char *strerror(int errnum);
/* XSI form: 0, or EINVAL for an unknown errnum, or ERANGE if the message
 * does not fit in n bytes (then it is truncated). */
int strerror_r(int errnum, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#include <strings.h>

#endif /* _STRING_H */
