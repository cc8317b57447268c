/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The C library's allocation functions: thin wrappers over the default
 * uk_alloc that set errno as POSIX says.
 */
#include <errno.h>
#include <stdlib.h>
#include <uk/essentials.h>
#include <uk/alloc.h>

size_t malloc_usable_size(void *ptr);

static void *set_enomem(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	struct uk_alloc *a = uk_alloc_get_default();

	return set_enomem(a ? uk_malloc(a, size) : NULL);
}

void *calloc(size_t nmemb, size_t size)
{
	struct uk_alloc *a = uk_alloc_get_default();

	return set_enomem(a ? uk_calloc(a, nmemb, size) : NULL);
}

void *realloc(void *ptr, size_t size)
{
	struct uk_alloc *a = uk_alloc_get_default();
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
	struct uk_alloc *a = uk_alloc_get_default();

	if (ptr && a)
		uk_free(a, ptr);
}

int posix_memalign(void **memptr, size_t align, size_t size)
{
	struct uk_alloc *a = uk_alloc_get_default();

	if (!a)
		return ENOMEM;
	return uk_posix_memalign(a, memptr, align, size);
}

void *memalign(size_t align, size_t size)
{
	struct uk_alloc *a = uk_alloc_get_default();

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
	struct uk_alloc *a = uk_alloc_get_default();

	if (!ptr || !a)
		return 0;
	return uk_alloc_usable_size(a, ptr);
}
