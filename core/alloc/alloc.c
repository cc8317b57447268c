/* SPDX-License-Identifier: BSD-3-Clause */
/* The default heap and frame allocators of the kernel. */
#include <uk/alloc.h>

static struct uk_alloc *alloc_default;

struct uk_alloc *uk_alloc_get_default(void)
{
	return __atomic_load_n(&alloc_default, __ATOMIC_ACQUIRE);
}

void uk_alloc_set_default(struct uk_alloc *a)
{
	__atomic_store_n(&alloc_default, a, __ATOMIC_RELEASE);
}

static struct uk_falloc *falloc_default;

struct uk_falloc *uk_falloc_get_default(void)
{
	return __atomic_load_n(&falloc_default, __ATOMIC_ACQUIRE);
}

void uk_falloc_set_default(struct uk_falloc *fa)
{
	__atomic_store_n(&falloc_default, fa, __ATOMIC_RELEASE);
}

static struct uk_alloc *alloc_app;

struct uk_alloc *uk_alloc_app(void)
{
	struct uk_alloc *a = __atomic_load_n(&alloc_app, __ATOMIC_ACQUIRE);

	return a ? a : uk_alloc_get_default();
}

void uk_alloc_set_app(struct uk_alloc *a)
{
	__atomic_store_n(&alloc_app, a, __ATOMIC_RELEASE);
}
