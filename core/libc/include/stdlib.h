/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * General utilities (C11 7.22). Number conversion, sorting, searching,
 * arithmetic and pseudo-random numbers live in core/libc; the memory
 * allocator in core/alloc; process control and environment in core/boot.
 */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1
#define RAND_MAX	0x7fffffff
#define MB_CUR_MAX	((size_t)1)

typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;
typedef struct { long long quot, rem; } lldiv_t;

/* Number conversion (core/libc). strtod, strtof and strtold are correctly
 * rounded (to nearest, ties to even) whatever the input's length. */
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
double atof(const char *s);
long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end,
			    int base);
double strtod(const char *restrict s, char **restrict end);
float strtof(const char *restrict s, char **restrict end);
long double strtold(const char *restrict s, char **restrict end);

/* Integer arithmetic (core/libc). */
int abs(int i);
long labs(long i);
long long llabs(long long i);
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

/* Sorting and searching (core/libc). qsort is an introsort: O(n log n)
 * worst case, not stable. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));
/* qsort whose comparison takes a user argument (GNU argument order). */
void qsort_r(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *, void *), void *arg);
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/* Pseudo-random numbers (core/libc). */
int rand(void);
void srand(unsigned int seed);
int rand_r(unsigned int *seed);

/* Memory allocation (core/alloc). */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
int posix_memalign(void **memptr, size_t align, size_t size);
void *memalign(size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size);

/* Process control and environment (core/boot). */
_Noreturn void abort(void);
_Noreturn void exit(int status);
_Noreturn void _Exit(int status);
int atexit(void (*fn)(void));
char *getenv(const char *name);
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* _STDLIB_H */
