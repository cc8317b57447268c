/*
 * The guest's core/alloc API under its amphi_ prefix (see ../meson.build):
 * the guest headers are included with every function renamed, so the
 * static inline wrappers and the vtables work unchanged.
 */
#ifndef AMPHI_TEST_ALLOC_H
#define AMPHI_TEST_ALLOC_H

#define uk_fallocbuddy_size		amphi_uk_fallocbuddy_size
#define uk_fallocbuddy_init		amphi_uk_fallocbuddy_init
#define uk_fallocbuddy_metadata_size	amphi_uk_fallocbuddy_metadata_size
#define uk_fallocbuddy_addmem_inplace	amphi_uk_fallocbuddy_addmem_inplace
#define uk_fallocbuddy_free_blocks	amphi_uk_fallocbuddy_free_blocks
#define uk_fallocbuddy_check		amphi_uk_fallocbuddy_check
#define uk_falloc_get_default		amphi_uk_falloc_get_default
#define uk_falloc_set_default		amphi_uk_falloc_set_default
#define uk_alloc_get_default		amphi_uk_alloc_get_default
#define uk_alloc_set_default		amphi_uk_alloc_set_default
#define uk_alloc_heap_init		amphi_uk_alloc_heap_init
#define uk_alloc_heap_trim		amphi_uk_alloc_heap_trim
#define uk_alloc_heap_flush		amphi_uk_alloc_heap_flush
#define uk_alloc_heap_destroy		amphi_uk_alloc_heap_destroy
#define uk_alloc_heap_reclaim_all	amphi_uk_alloc_heap_reclaim_all

#include <stddef.h>
/* glibc's <sys/cdefs.h> has its own (equivalent) definition */
#undef __always_inline
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/alloc.h>
#include <uk/arch/valgrind.h>

/* libc entry points of core/alloc/malloc.c (their errno is glibc's
 * here: the guest's __errno_location is left to the host). */
void *amphi_malloc(size_t size);
void *amphi_calloc(size_t n, size_t size);
void *amphi_realloc(void *p, size_t size);
void amphi_free(void *p);
int amphi_posix_memalign(void **memptr, size_t align, size_t size);
void *amphi_memalign(size_t align, size_t size);
void *amphi_aligned_alloc(size_t align, size_t size);
size_t amphi_malloc_usable_size(void *p);

/* "Physical memory" for a frame allocator: a host buffer. */
struct tmem {
	void *buf;		/* host memory, 2 MiB aligned */
	unsigned long frames;
	__paddr_t pbase;	/* its physical address */
	__vaddr_t dm_off;	/* buf = pbase + dm_off */
	void *meta;
};

/* Allocates frames frames; pbase ~0UL: paddr = host address (dm_off 0). */
void tmem_init(struct tmem *m, unsigned long frames, __paddr_t pbase);
void tmem_fini(struct tmem *m);
/* Adds m as a zone of fa; returns addmem's result. */
int tmem_add(struct uk_falloc *fa, struct tmem *m);
/* A new, empty buddy allocator (host memory). */
struct uk_falloc *falloc_new(void);
void falloc_delete(struct uk_falloc *fa);

#include <check.h>
TCase *falloc_tcase_basic(void);
TCase *falloc_tcase_stress(void);
TCase *heap_tcase_basic(void);
TCase *heap_tcase_crash(void);
TCase *heap_tcase_stress(void);
TCase *heap_tcase_fill(void);

#endif
