/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The C library's allocation functions, in place of musl's own malloc:
 * thin wrappers over the app's heap (uk_alloc_app: the kernel's heap code
 * over app memory of its own), so memcheck sees every block an app
 * allocates (core/alloc reports them) and an app's heap bug damages app
 * data only. They set errno as POSIX says. Built as a library of the C
 * library's side (uk_libc_malloc), searched like libc.a: an app that
 * brings its own malloc replaces these.
 *
 * libc_heap() is the one place that says which heap apps allocate from.
 */
#include <errno.h>
#include <stdlib.h>
#include <uk/essentials.h>
#include <uk/alloc.h>

size_t malloc_usable_size(void *ptr);
void *memalign(size_t align, size_t size);

static inline struct uk_alloc *libc_heap(void)
{
	return uk_alloc_app();
}

static void *set_enomem(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	struct uk_alloc *a = libc_heap();

	return set_enomem(a ? uk_malloc(a, size) : NULL);
}

void *calloc(size_t nmemb, size_t size)
{
	struct uk_alloc *a = libc_heap();

	return set_enomem(a ? uk_calloc(a, nmemb, size) : NULL);
}

void *realloc(void *ptr, size_t size)
{
	struct uk_alloc *a = libc_heap();
	void *p;

	if (!a)
		return set_enomem(NULL);
	p = uk_realloc(a, ptr, size);
	if (!p && (size || !ptr))
		errno = ENOMEM;
	return p;
}

void free(void *ptr)
{
	struct uk_alloc *a = libc_heap();

	if (ptr && a)
		uk_free(a, ptr);
}

int posix_memalign(void **memptr, size_t align, size_t size)
{
	struct uk_alloc *a = libc_heap();

	if (!a)
		return ENOMEM;
	return uk_posix_memalign(a, memptr, align, size);
}

void *memalign(size_t align, size_t size)
{
	struct uk_alloc *a = libc_heap();

	if (!IS_POW2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return set_enomem(a ? uk_memalign(a, align, size) : NULL);
}

/* C11: align must be a supported alignment (here: any power of two). */
void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

size_t malloc_usable_size(void *ptr)
{
	struct uk_alloc *a = libc_heap();

	if (!ptr || !a)
		return 0;
	return uk_alloc_usable_size(a, ptr);
}

/* musl's internal names for its own allocations (locale, atexit, time
 * zones): the same heap. */
void *__libc_malloc(size_t size) __attribute__((alias("malloc")));
void *__libc_malloc_impl(size_t size) __attribute__((alias("malloc")));
void *__libc_calloc(size_t n, size_t size) __attribute__((alias("calloc")));
void *__libc_realloc(void *p, size_t size) __attribute__((alias("realloc")));
void __libc_free(void *p) __attribute__((alias("free")));
