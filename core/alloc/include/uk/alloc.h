/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel heap: the uk_alloc vtable (Unikraft's API) and its wrappers.
 * Allocation failures return NULL; the libc entry points (malloc.c) set
 * errno. uk_posix_memalign returns an errno value like POSIX (positive).
 */
#ifndef __UK_ALLOC_H__
#define __UK_ALLOC_H__

#include <uk/arch/types.h>
#include <uk/falloc.h>

struct uk_alloc {
	void *(*malloc)(struct uk_alloc *a, __sz size);
	void *(*calloc)(struct uk_alloc *a, __sz nmemb, __sz size);
	void *(*realloc)(struct uk_alloc *a, void *ptr, __sz size);
	int (*posix_memalign)(struct uk_alloc *a, void **memptr, __sz align,
			      __sz size);
	void *(*memalign)(struct uk_alloc *a, __sz align, __sz size);
	void (*free)(struct uk_alloc *a, void *ptr);
	/* Bytes usable at ptr (>= the size asked for); 0 for NULL. */
	__sz (*usable_size)(struct uk_alloc *a, const void *ptr);
	/* Largest block a malloc could return now, in bytes. */
	__ssz (*maxalloc)(struct uk_alloc *a);
	/* Memory the allocator can still hand out, in bytes. */
	__ssz (*availmem)(struct uk_alloc *a);
};

/* Returns size bytes (any content), or NULL. size 0 gives a unique block. */
static inline void *uk_malloc(struct uk_alloc *a, __sz size)
{
	return a->malloc(a, size);
}

/* Returns nmemb * size zeroed bytes, or NULL (also on overflow). */
static inline void *uk_calloc(struct uk_alloc *a, __sz nmemb, __sz size)
{
	return a->calloc(a, nmemb, size);
}

/*
 * Resizes ptr to size bytes, keeping the contents (in place if it can).
 * ptr NULL: malloc. size 0: frees ptr, returns NULL. NULL on failure
 * (ptr is then untouched).
 */
static inline void *uk_realloc(struct uk_alloc *a, void *ptr, __sz size)
{
	return a->realloc(a, ptr, size);
}

/*
 * *memptr = size bytes aligned on align (a power of two multiple of
 * sizeof(void *)). Returns 0, EINVAL (bad align) or ENOMEM (positive).
 */
static inline int uk_posix_memalign(struct uk_alloc *a, void **memptr,
				    __sz align, __sz size)
{
	return a->posix_memalign(a, memptr, align, size);
}

/* Returns size bytes aligned on align (a power of two), or NULL. */
static inline void *uk_memalign(struct uk_alloc *a, __sz align, __sz size)
{
	return a->memalign(a, align, size);
}

/* Frees ptr (NULL is ignored). Crashes on a double or foreign free. */
static inline void uk_free(struct uk_alloc *a, void *ptr)
{
	a->free(a, ptr);
}

static inline __sz uk_alloc_usable_size(struct uk_alloc *a, const void *ptr)
{
	return a->usable_size(a, ptr);
}

static inline __ssz uk_alloc_maxalloc(struct uk_alloc *a)
{
	return a->maxalloc(a);
}

static inline __ssz uk_alloc_availmem(struct uk_alloc *a)
{
	return a->availmem(a);
}

/* The kernel's allocator (NULL before boot sets it). */
struct uk_alloc *uk_alloc_get_default(void);
/* Makes a the default allocator. */
void uk_alloc_set_default(struct uk_alloc *a);

/*
 * The app's allocator, behind malloc() and friends: a heap of its own
 * (same code) in app memory, so that an app's heap bug damages app data
 * only (app_heap.c). The kernel's until it is set up (early boot; host
 * unit tests). A C library routes its malloc here.
 */
struct uk_alloc *uk_alloc_app(void);
void uk_alloc_set_app(struct uk_alloc *a);

/*
 * Where a heap gets its memory: runs of pages at virtual addresses in
 * [lo, hi). alloc returns pages pages aligned on 2^order pages, or NULL;
 * free gives back any run of them; grow extends a run ending at end in
 * place (0 or -ENOMEM); max_pages and free_pages tell what is left.
 */
struct uk_heap_pages {
	void *(*alloc)(struct uk_heap_pages *src, unsigned long pages,
		       unsigned int order);
	void (*free)(struct uk_heap_pages *src, void *va,
		     unsigned long pages);
	int (*grow)(struct uk_heap_pages *src, void *end,
		    unsigned long pages);
	unsigned long (*max_pages)(struct uk_heap_pages *src);
	unsigned long (*free_pages)(struct uk_heap_pages *src);
	__vaddr_t lo, hi;
	/* Zero-filled memory for the page map (4 bytes a page of [lo, hi)),
	 * the source's (demand paged: only what is used costs), or NULL:
	 * the heap takes it from fa. */
	void *pagemap;
};

/*
 * A heap over src: slabs of 64 size classes for blocks up to
 * UK_ALLOC_HEAP_SMALL_MAX bytes (a block wastes at most 1/16 of its
 * size), blocks with a 32-byte header in arenas up to
 * UK_ALLOC_HEAP_MID_MAX, runs of whole pages with a 64-byte header above
 * (heap.c tells more). Its state and its page map (4 bytes per page of
 * src's range, unless src brings one) are kernel memory from fa, used
 * through the direct map dm_off. Returns the allocator or NULL.
 */
#define UK_ALLOC_HEAP_SMALL_MAX		2048
#define UK_ALLOC_HEAP_MID_MAX		(128 * 1024)
/* Each size class keeps one empty slab (at most this size) for reuse,
 * and the heap one empty arena cut down to UK_ALLOC_HEAP_SPARE_ARENA;
 * other empty slabs and arenas go back at once. Spares go back too when
 * a heap's source is short (uk_alloc_heap_reclaim_all). */
#define UK_ALLOC_HEAP_SPARE_SLAB_MAX	(16 * PAGE_SIZE)
#define UK_ALLOC_HEAP_SPARE_ARENA	(33 * PAGE_SIZE)
/* Each CPU keeps free slab blocks for its next mallocs (no lock or
 * atomic on a round trip): at most this many bytes of a heap, and this
 * many blocks of a class, taken from and given back to the slabs half
 * that many at a time (one lock each way). They go back to their slabs
 * when memory is short, on trim, availmem and maxalloc (from every CPU,
 * waiting 20 ms at most for each other CPU's answer) and on
 * uk_alloc_heap_flush. */
#define UK_ALLOC_HEAP_CACHE_BYTES	(128 * 1024)
#define UK_ALLOC_HEAP_CACHE_BLOCKS	32
struct uk_alloc *uk_alloc_heap_create(struct uk_heap_pages *src,
				      struct uk_falloc *fa, __vaddr_t dm_off);

/* Gives the blocks in every CPU's cache of a heap back to their slabs,
 * waiting for every CPU's answer however long it takes (a CPU with
 * interrupts masked holds it up): an exact count for callers that can
 * wait, such as leak checks; call it with no spinlock held. */
void uk_alloc_heap_flush(struct uk_alloc *a);
/* Gives the cached blocks and the spares (empty slabs and arena) of a
 * heap of uk_alloc_heap_create back to its source; returns the pages
 * given. */
unsigned long uk_alloc_heap_trim(struct uk_alloc *a);
/*
 * Gives every heap's spares back (uk_alloc_heap_trim on each heap, up to
 * 8 of them). A heap calls it when its source is short, before it fails
 * (a heap takes pages outside its locks); so may other users of frames.
 * It takes each heap's locks and unmaps pages (the app heap's): call it
 * without a heap's or a page table's spinlock held. Returns the pages
 * given.
 */
unsigned long uk_alloc_heap_reclaim_all(void);
/* Frees a heap's own state (its blocks and pages must be gone). */
void uk_alloc_heap_destroy(struct uk_alloc *a);

/* The kernel heap: a heap over the frames of fa (every zone added so
 * far), used through the direct map (vaddr = paddr + dm_off). */
struct uk_alloc *uk_alloc_heap_init(struct uk_falloc *fa, __vaddr_t dm_off);

#endif /* __UK_ALLOC_H__ */
