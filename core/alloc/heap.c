/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Heaps over a page source (struct uk_heap_pages): the kernel's over the
 * frame allocator and the direct map, the app's over pages mapped in the
 * address space (app_heap.c). Same code for both. Three kinds of blocks,
 * so that any size wastes little (a heap filled with blocks of one size
 * holds over 90 % of its memory in them, for any size):
 *
 * - up to 2 KiB: slabs of one size class each; the 64 classes are
 *   16..256 in steps of 16, then 16 steps per doubling (a block wastes at
 *   most 1/16 of its size). A slab is the smallest run of 4, 8 or 16
 *   pages whose tail wastes at most 1/32 of it; it starts with a header
 *   (the bitmap of free objects). Each class keeps a list of its slabs
 *   with free objects, one of them empty at most (its spare); other
 *   empty slabs go.
 * - up to 128 KiB: blocks with a 32-byte header in arenas of up to
 *   4 MiB, carved and coalesced with boundary tags, free blocks in bins
 *   of 8 per doubling. An arena whose blocks are all free is cut down to
 *   what the largest arena block needs and kept as the heap's spare
 *   (if it has none; else it goes back).
 * - larger: runs of whole pages with a 64-byte header.
 *
 * The spares make a malloc/free of a program that holds few blocks cheap
 * (no pages mapped and unmapped on each round trip; in the app heap that
 * was 4-8 us a call): they stay where blocks are taken from, and cost
 * nothing until memory is short.
 *
 * In front of the slabs, each CPU caches free slab blocks (up to 32 of
 * a class, 128 KiB in all), taken from and given back to the slabs 16
 * at a time under one lock: a malloc/free round trip
 * on one CPU takes no lock, no atomic operation and no bitmap. Only the
 * owner touches its cache (a busy flag keeps its own interrupt handlers
 * out: they use the slabs); a CPU that needs the blocks back (memory
 * short, trim, availmem, maxalloc) asks the owner through an interrupt
 * and waits for its answer (struct heap_cpu). Cached blocks are free for
 * memcheck; under memory tagging the caches are off. A block in a cache
 * carries a mark in its first word (cache_mark), so that a free looks
 * for a double free in the cache only when it finds the mark. Pages are
 * taken from and given back to
 * the source outside the heap's spinlocks, so that a heap whose source
 * is short can take the locks of every heap to give back their spares
 * (uk_alloc_heap_reclaim_all), and try again.
 *
 * Nothing is aligned beyond a page: a page map (one word per page of the
 * source's range) names the span (slab, arena, large block) each page of
 * the heap belongs to, so for any block p the span's header is found
 * from p - 1, and its magic tells which kind it is.
 *
 * Under memcheck (checked once at init; other valgrind tools, the
 * profilers, see the native heap) slab blocks get 16-byte redzones
 * that also hold the requested size, arena blocks keep what follows the
 * requested size inaccessible; blocks are announced with MALLOCLIKE/
 * FREELIKE; free objects, large headers and span tails are NOACCESS.
 * Slab and arena block headers stay accessible (memcheck cannot tell
 * the heap from the app; they are never adjacent to an object's bytes).
 *
 * With memory tagging (uk/arch/memtag.h: arm64 MTE), each slab block and
 * each large block gets a fresh tag when allocated and again when freed,
 * never one of its neighbours' (so an overflow into the next object
 * always faults), and the heap strips the tag wherever it looks up a
 * block's header. Blocks allocated before tagging was on keep untagged
 * pointers (unchecked), and so do arena blocks (their headers sit in the
 * granules between them). Large blocks are tagged over their whole span,
 * so they are checked even where tags exist only per page
 * (ukarch_memtag_fine() == 0).
 */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/arch/memtag.h>
#include <uk/arch/types.h>
#include <uk/arch/valgrind.h>
#include <uk/assert.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/paging.h>
#include <uk/plat/time.h>
#include <uk/spinlock.h>
#include <uk/falloc.h>
#include <uk/alloc.h>

#define SMALL_MAX	UK_ALLOC_HEAP_SMALL_MAX
#define MID_MAX		UK_ALLOC_HEAP_MID_MAX
#define MID_HDR		32
#define MID_MIN_SPLIT	64		/* smallest free block carved off */
#define ARENA_HDR	64
#define ARENA_PAGES	1024		/* 4 MiB */
#define NBINS		160		/* 8 per doubling, from 64 bytes */
#define SMALL_ALIGN_MAX	64		/* larger alignments use spans */
#define AREA_ALIGN	64
#define LARGE_HDR	64
#define HEAP_MAX_SIZE	(1UL << 46)
#define VG_RZ		16
#define BPL		(8 * sizeof(unsigned long))
#define NCLASSES	64
#define SLAB_MIN_PAGES	4
#define SLAB_MAX_PAGES	16
#define SPARE_ARENA_PAGES	(UK_ALLOC_HEAP_SPARE_ARENA / PAGE_SIZE)
UK_BUILD_BUG_ON(SLAB_MAX_PAGES * PAGE_SIZE > UK_ALLOC_HEAP_SPARE_SLAB_MAX);
/* The spare arena holds the largest arena block. */
UK_BUILD_BUG_ON(ARENA_HDR + ALIGN_UP(MID_MAX + MID_HDR, 16) + MID_HDR >
		UK_ALLOC_HEAP_SPARE_ARENA);
#define MAX_HEAPS	8		/* reclaimed by each other */
#define CACHE_BYTES	UK_ALLOC_HEAP_CACHE_BYTES
#define CACHE_SLOTS	UK_ALLOC_HEAP_CACHE_BLOCKS
#define CACHE_BATCH	(CACHE_SLOTS / 2)	/* moved at a refill */

#define SLAB_MAGIC	0x51ab51abU
#define LARGE_MAGIC	0x1a26eb10U
#define ARENA_MAGIC	0xa4e2a000U
#define FREED_MAGIC	0xdeadf4eeU

struct slab {
	__u32 magic;
	__u16 cls;
	__u16 hint;		/* lowest freemap word that may be nonzero */
	__u32 nobjs;
	__u32 nfree;
	struct slab *next;	/* in the class's list of non-full slabs */
	struct slab *prev;
	char *area;		/* object 0 */
	unsigned long freemap[]; /* bit set: object free */
};

struct large {
	__u32 magic;
	__u32 off;		/* block = span + off */
	unsigned long pages;	/* span length */
	__sz size;		/* size asked for */
};
UK_BUILD_BUG_ON(sizeof(struct large) > LARGE_HDR);

/* Arena blocks: sizes include the header and are multiples of 16; a
 * block's payload starts at its header + MID_HDR. prev_size is the size
 * of the block before (0: the first), so both neighbours are found. */
#define MID_USED	1UL
struct mid_block {
	__u64 prev_size;
	__u64 size;		/* | MID_USED */
	__u64 req;		/* size asked for, if used */
	__u64 pad;
};

struct mid_free {		/* a free block's payload */
	struct mid_block *next, *prev;
};

struct arena {
	__u32 magic;
	__u32 pad;
	unsigned long pages;
};
UK_BUILD_BUG_ON(sizeof(struct arena) > ARENA_HDR);
UK_BUILD_BUG_ON(sizeof(struct mid_block) != MID_HDR);

struct heap_class {
	struct uk_spinlock lock;
	__u32 size;
	__u32 recip;		/* ceil(2^32 / size): offset -> index */
	__u32 nobjs;
	__u16 area_off;
	__u16 pages;		/* of a slab */
	unsigned int nempty;	/* empty slabs on the list (0 or 1) */
	struct slab *partial;	/* slabs with a free object */
};

/*
 * A CPU's cache of free slab blocks: up to CACHE_SLOTS of each class, in
 * arrays of its own (never linked through the blocks: an app's write
 * after free damages app data, not the cache). Only its CPU touches it,
 * with no atomic operation: busy (a plain flag, with preemption off)
 * keeps out the interrupt handlers of that CPU, which use the slabs
 * while it is set. Another CPU that wants the blocks back asks (req) and
 * interrupts the owner (ukplat_lcpu_run), which empties it in the
 * handler or, if the handler stopped a cache operation, at its end, and
 * answers (done).
 */
struct heap_cpu {
	int busy;
	__u32 bytes;			/* of the blocks it holds */
	unsigned long req;		/* empties asked for (any CPU) */
	unsigned long done;		/* and done (this CPU) */
	__u8 count[NCLASSES];
	void *slot[NCLASSES][CACHE_SLOTS];	/* objects (block - rz) */
} __attribute__((aligned(64)));

struct heap {
	struct uk_alloc a;
	struct uk_heap_pages *src;
	int vg;			/* running under memcheck */
	int vg_any;		/* under any valgrind tool */
	unsigned int rz;	/* redzone on each side of small blocks */
	__vaddr_t lo, hi;	/* the source's range */
	__u32 *pagemap;		/* per page of [lo, hi): span head + 1 */
	__u8 cls_of[SMALL_MAX / 16 + 1];
	struct heap_class cls[NCLASSES];
	__vaddr_t large_next;		/* after the last large span */
	struct uk_falloc *meta_fa;	/* where this state came from */
	unsigned long meta_pages;
	int own_src;			/* src is a page of meta_fa */
	__vaddr_t dm_off;
	struct uk_spinlock mid_lock;	/* arenas, bins */
	struct arena *spare;		/* an empty arena (in the bins) */
	unsigned long bin_map[DIV_ROUND_UP(NBINS, 8 * sizeof(long))];
	struct mid_block *bins[NBINS];
	unsigned int ncpu;		/* CPUs with a cache */
	unsigned long ipis;		/* cache_ipi calls not yet over */
	unsigned long key;		/* of cache_mark */
	struct heap_cpu *cpu;		/* after this state */
};

static struct heap *to_heap(struct uk_alloc *a)
{
	return containerof(a, struct heap, a);
}

/* --- size classes ------------------------------------------------------ */

static __u32 class_size(unsigned int i)
{
	unsigned int k, j;

	if (i < 16)
		return 16 * (i + 1);
	k = (i - 16) / 16 + 8;
	j = (i - 16) % 16 + 1;
	return (1U << k) + j * (1U << (k - 4));
}

/* The smallest class of at least sz bytes (sz <= SMALL_MAX). */
static unsigned int class_index(struct heap *h, __sz sz)
{
	return h->cls_of[(sz + 15) >> 4];
}

/* --- spans: pages from the source -------------------------------------- */

static __u32 *map_slot(struct heap *h, __vaddr_t va)
{
	return &h->pagemap[(va - h->lo) >> PAGE_SHIFT];
}

/*
 * Marks pages [va, va + pages) as the span starting at head. Under
 * valgrind (any tool) a plain store that takes the demand fault of a
 * page of the app heap's map was seen lost (the first slab's entry read
 * 0 later: "pointer not from this heap"), so there each slot is faulted
 * in first by an atomic add of 0, as the stack is (app_heap.c).
 */
static void map_span(struct heap *h, __vaddr_t head, __vaddr_t va,
		     unsigned long pages)
{
	__u32 e = (__u32)(((head - h->lo) >> PAGE_SHIFT) + 1);
	__u32 *slot = map_slot(h, va);

	while (pages--) {
		if (unlikely(h->vg_any))
			__atomic_fetch_add(slot, 0, __ATOMIC_RELAXED);
		*slot++ = e;
	}
}

static void *span_alloc(struct heap *h, unsigned long pages,
			unsigned int order)
{
	void *va = h->src->alloc(h->src, pages, order);

	if (va)
		map_span(h, (__vaddr_t)va, (__vaddr_t)va, pages);
	return va;
}

static void span_free(struct heap *h, void *va, unsigned long pages)
{
	if (pages)
		h->src->free(h->src, va, pages);
}

/* Extends the span of head ending at end by pages pages. 0 or -ENOMEM. */
static int span_grow(struct heap *h, void *head, void *end,
		     unsigned long pages)
{
	if (!h->src->grow)
		return -ENOMEM;
	if (h->src->grow(h->src, end, pages) &&
	    (!uk_alloc_heap_reclaim_all() ||
	     h->src->grow(h->src, end, pages)))
		return -ENOMEM;
	map_span(h, (__vaddr_t)head, (__vaddr_t)end, pages);
	return 0;
}

/* span_alloc, and if the source is short, again once the heaps' spares
 * are back. Called without any of the heap's locks. */
static void *span_get(struct heap *h, unsigned long pages,
		      unsigned int order)
{
	void *va = span_alloc(h, pages, order);

	if (!va && uk_alloc_heap_reclaim_all())
		va = span_alloc(h, pages, order);
	return va;
}

/* --- spares: empty slabs and arenas kept for reuse --------------------- */

static struct heap *heaps[MAX_HEAPS];	/* reclaimed by each other */

static unsigned long slab_reclaim(struct heap *h, struct heap_class *c);
static int slab_reclaim_one(struct heap *h, struct heap_class *c,
			    unsigned int keep);
static unsigned long cache_drain(struct heap *h, int exact);
static unsigned long arena_reclaim(struct heap *h);

/* Gives h's spares back to its source; returns the pages given. */
static unsigned long heap_reclaim(struct heap *h)
{
	unsigned long pages = 0;
	unsigned int i;

	pages = cache_drain(h, 0);
	for (i = 0; i < NCLASSES; i++)
		pages += slab_reclaim(h, &h->cls[i]);
	return pages + arena_reclaim(h);
}

unsigned long uk_alloc_heap_reclaim_all(void)
{
	unsigned long pages = 0;
	struct heap *h;
	unsigned int i;

	for (i = 0; i < MAX_HEAPS; i++) {
		h = __atomic_load_n(&heaps[i], __ATOMIC_ACQUIRE);
		if (h)
			pages += heap_reclaim(h);
	}
	return pages;
}

static void heap_register(struct heap *h)
{
	struct heap *none;
	unsigned int i;

	for (i = 0; i < MAX_HEAPS; i++) {
		none = NULL;
		if (__atomic_compare_exchange_n(&heaps[i], &none, h, 0,
						__ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return;
	}
	/* More heaps than slots: h still gives its own spares back. */
}

static void heap_unregister(struct heap *h)
{
	struct heap *self;
	unsigned int i;

	for (i = 0; i < MAX_HEAPS; i++) {
		self = h;
		__atomic_compare_exchange_n(&heaps[i], &self, NULL, 0,
					    __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED);
	}
}

/* --- slabs ------------------------------------------------------------- */

static void slab_list_add(struct heap_class *c, struct slab *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void slab_list_del(struct heap_class *c, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct slab *slab_new(struct heap *h, unsigned int ci)
{
	struct heap_class *c = &h->cls[ci];
	unsigned long words = DIV_ROUND_UP(c->nobjs, BPL), w;
	struct slab *s;

	s = span_get(h, c->pages, 0);
	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->cls = ci;
	s->nobjs = c->nobjs;
	s->nfree = c->nobjs;
	s->hint = 0;
	s->next = s->prev = NULL;
	s->area = (char *)s + c->area_off;
	for (w = 0; w < words; w++)
		s->freemap[w] = ~0UL;
	if (c->nobjs % BPL)
		s->freemap[words - 1] = (1UL << (c->nobjs % BPL)) - 1;
	if (h->vg) {
		__sz hdr = offsetof(struct slab, freemap) +
			   words * sizeof(unsigned long);

		UK_VG_NOACCESS((char *)s + hdr, c->pages * PAGE_SIZE - hdr);
	}
	return s;
}

/* Takes a free object of s (which has one); returns its index. */
static unsigned int slab_take(struct slab *s)
{
	unsigned int w = s->hint;
	unsigned long bits;

	while (!s->freemap[w])
		w++;
	s->hint = w;
	bits = s->freemap[w];
	s->freemap[w] = bits & (bits - 1);
	s->nfree--;
	return w * BPL + __builtin_ctzl(bits);
}

/*
 * Tags the object obj of s (size bytes) afresh, with a tag its
 * neighbours and (old != -1) its previous self do not have. Called with
 * the class lock: neighbours are retagged under the same lock.
 */
static char *tag_object(struct heap *h, struct slab *s, char *obj,
			__sz size, int old)
{
	unsigned long exclude = old >= 0 ? 1UL << old : 0;
	char *end = obj + size;

	if (obj > s->area)
		exclude |= 1UL << ukarch_memtag_get(obj -
						    UKARCH_MEMTAG_GRANULE);
	if (end < (char *)s + (__sz)h->cls[s->cls].pages * PAGE_SIZE)
		exclude |= 1UL << ukarch_memtag_get(end);
	return ukarch_memtag_new(obj, size, exclude);
}

static void *small_alloc(struct heap *h, unsigned int ci, __sz size)
{
	struct heap_class *c = &h->cls[ci];
	unsigned long irqf;
	struct slab *s;
	char *obj;

	uk_spin_lock_irqsave(&c->lock, irqf);
	s = c->partial;
	if (unlikely(!s)) {
		/* The source maps pages: not under the lock. */
		uk_spin_unlock_irqrestore(&c->lock, irqf);
		s = slab_new(h, ci);
		if (!s)
			return NULL;
		uk_spin_lock_irqsave(&c->lock, irqf);
		slab_list_add(c, s);
		c->nempty++;
	}
	if (s->nfree == s->nobjs)
		c->nempty--;
	obj = s->area + (__sz)slab_take(s) * c->size;
	if (ukarch_memtag_fine())
		obj = tag_object(h, s, obj, c->size, -1);
	if (!s->nfree)
		slab_list_del(c, s);
	uk_spin_unlock_irqrestore(&c->lock, irqf);

	if (unlikely(h->vg)) {
		UK_VG_DEFINED(obj, sizeof(__sz));
		*(__sz *)obj = size;
		UK_VG_NOACCESS(obj, sizeof(__sz));
		UK_VG_MALLOCLIKE(obj + h->rz, size, h->rz, 0);
	}
	return obj + h->rz;
}

/* Index of the object at ptr in s; crashes if ptr is not an object. */
static __always_inline unsigned long slab_index(struct heap *h,
						struct slab *s,
						const void *ptr)
{
	struct heap_class *c = &h->cls[s->cls];
	unsigned long off, idx;

	ptr = ukarch_memtag_strip(ptr);
	off = (const char *)ptr - h->rz - s->area;
	idx = (off * c->recip) >> 32;
	if ((const char *)ptr < s->area + h->rz || idx >= s->nobjs ||
	    idx * c->size != off)
		UK_CRASH("free(%p): not a heap block\n", ptr);
	return idx;
}

/* Puts object idx of s back in its slab (a block's end for memcheck is
 * the caller's); crashes if it is free already. An empty slab that is
 * not the class's spare goes back, unless keep (it then waits on the
 * list for slab_reclaim: keep is for interrupt context). */
/* slab_put with c's lock held (irqf: how it was taken); returns 1 if s
 * is to go back (empty, not the spare, not keep). */
static int slab_put_locked(struct heap *h, struct heap_class *c,
			   struct slab *s, unsigned long idx, int keep,
			   unsigned long irqf)
{
	unsigned long bit = 1UL << (idx % BPL);

	if (unlikely(s->freemap[idx / BPL] & bit)) {
		uk_spin_unlock_irqrestore(&c->lock, irqf);
		UK_CRASH("free(%p): double free\n",
			 s->area + idx * c->size + h->rz);
	}
	if (ukarch_memtag_fine()) {
		char *obj = s->area + idx * c->size;

		/* Stale pointers now fault. */
		tag_object(h, s, obj, c->size, (int)ukarch_memtag_get(obj));
	}
	s->freemap[idx / BPL] |= bit;
	if (idx / BPL < s->hint)
		s->hint = idx / BPL;
	if (s->nfree++ == 0)
		slab_list_add(c, s);
	if (s->nfree != s->nobjs)
		return 0;
	/* One empty slab stays (the spare); others go back. */
	if (c->nempty && !keep) {
		slab_list_del(c, s);
		s->magic = FREED_MAGIC;
		return 1;
	}
	c->nempty++;
	return 0;
}

static void slab_put(struct heap *h, struct slab *s, unsigned long idx,
		     int keep)
{
	struct heap_class *c = &h->cls[s->cls];
	unsigned long irqf;
	int release;

	uk_spin_lock_irqsave(&c->lock, irqf);
	release = slab_put_locked(h, c, s, idx, keep, irqf);
	uk_spin_unlock_irqrestore(&c->lock, irqf);
	if (release)
		span_free(h, s, c->pages);
}

static void small_free(struct heap *h, struct slab *s, void *ptr)
{
	unsigned long idx = slab_index(h, s, ptr);

	if (unlikely(h->vg))
		UK_VG_FREELIKE(ptr, h->rz);
	slab_put(h, s, idx, 0);
}

/* Gives c's empty slabs back (the spare, and those emptied by cache
 * drains); returns their pages (0: none). */
static unsigned long slab_reclaim(struct heap *h, struct heap_class *c)
{
	unsigned long pages = 0;

	while (slab_reclaim_one(h, c, 0))
		pages += c->pages;
	return pages;
}

/* Gives one of c's empty slabs back if it has more than keep; returns 1,
 * or 0 if it gave none. */
static int slab_reclaim_one(struct heap *h, struct heap_class *c,
			    unsigned int keep)
{
	unsigned long irqf;
	struct slab *s;

	uk_spin_lock_irqsave(&c->lock, irqf);
	s = c->nempty > keep ? c->partial : NULL;
	while (s && s->nfree != s->nobjs)
		s = s->next;
	if (s) {
		slab_list_del(c, s);
		s->magic = FREED_MAGIC;
		c->nempty--;
	}
	uk_spin_unlock_irqrestore(&c->lock, irqf);
	if (!s)
		return 0;
	span_free(h, s, c->pages);
	return 1;
}

/* Size the caller asked for (valgrind) or may use, of a small block. */
static __sz small_size(struct heap *h, struct slab *s, const void *ptr)
{
	const char *obj = (const char *)ukarch_memtag_strip(ptr) - h->rz;
	__sz size;

	if (!h->vg)
		return h->cls[s->cls].size;
	UK_VG_DEFINED(obj, sizeof(__sz));
	size = *(const __sz *)obj;
	UK_VG_NOACCESS(obj, sizeof(__sz));
	return size;
}

/* --- per-CPU caches of slab blocks ------------------------------------ */

#define CACHE_WAIT_NS	(20 * 1000 * 1000)	/* for another CPU's answer */

static void cache_serve(struct heap *h, struct heap_cpu *pc);

/*
 * This CPU's cache, marked busy, or NULL (busy already: this runs in an
 * interrupt handler that stopped a cache operation). Preemption is off
 * until cache_put: the thread stays on the CPU. Under memory tagging
 * caches are off: a block is retagged under its class lock, where its
 * neighbours are.
 */
static __always_inline struct heap_cpu *cache_get(struct heap *h)
{
	struct heap_cpu *pc;
	unsigned int i;

	if (ukarch_memtag_fine())
		return NULL;
	uk_preempt_disable();
	i = ukplat_lcpu_idx();
	if (likely(i < h->ncpu)) {
		pc = &h->cpu[i];
		if (likely(!pc->busy)) {
			pc->busy = 1;
			barrier();
			return pc;
		}
	}
	uk_preempt_enable();
	return NULL;
}

/* Ends a cache operation; empties the cache if another CPU asked for it
 * meanwhile (its interrupt found the cache busy). */
static __always_inline void cache_put(struct heap *h, struct heap_cpu *pc)
{
	barrier();
	pc->busy = 0;
	barrier();
	if (unlikely(__atomic_load_n(&pc->req, __ATOMIC_ACQUIRE) != pc->done))
		cache_serve(h, pc);
	uk_preempt_enable();
}

/* The slab that holds the object obj (not tagged). */
static struct slab *slab_of(struct heap *h, const char *obj)
{
	return (struct slab *)(h->lo +
		((__vaddr_t)(*map_slot(h, (__vaddr_t)obj) - 1) << PAGE_SHIFT));
}

/*
 * The mark a block in a cache carries in its first word (without
 * memcheck, where blocks have no redzone): a free finds it there and
 * only then looks for the block in the cache, so that a double free is
 * caught at the cost of a load. An app that writes the word after free
 * (or stores the value itself) costs a look, no more.
 */
static unsigned long cache_mark(struct heap *h, const char *obj)
{
	return h->key ^ (unsigned long)obj;
}

static int cache_holds(struct heap_cpu *pc, unsigned int ci, const char *obj)
{
	unsigned int k;

	for (k = 0; k < pc->count[ci]; k++)
		if (pc->slot[ci][k] == obj)
			return 1;
	return 0;
}

/*
 * Fills the empty cache pc of class ci with up to CACHE_BATCH free
 * objects of the class's slabs, under one lock; returns how many (0:
 * no slab has one, or the cache is full of other classes). No slab is
 * made here: preemption is off.
 */
static __noinline unsigned int cache_refill(struct heap *h,
					   struct heap_cpu *pc,
					   unsigned int ci)
{
	struct heap_class *c = &h->cls[ci];
	unsigned int n = 0, want, k;
	unsigned long irqf;
	struct slab *s;
	char *obj;

	want = MIN((CACHE_BYTES - pc->bytes) / c->size, CACHE_BATCH);
	uk_spin_lock_irqsave(&c->lock, irqf);
	while (n < want && (s = c->partial)) {
		if (s->nfree == s->nobjs)
			c->nempty--;
		pc->slot[ci][n++] = s->area + (__sz)slab_take(s) * c->size;
		if (!s->nfree)
			slab_list_del(c, s);
	}
	uk_spin_unlock_irqrestore(&c->lock, irqf);
	if (!h->vg) {
		for (k = 0; k < n; k++) {
			obj = pc->slot[ci][k];
			*(unsigned long *)obj = cache_mark(h, obj);
		}
	}
	pc->count[ci] = n;
	pc->bytes += n * c->size;
	return n;
}

/*
 * Gives the oldest half of class ci's blocks in the cache pc back to
 * their slabs, under one lock. Slabs left empty stay on the class's
 * list (preemption is off: no pages are unmapped here) for the caller
 * to give back once out of the cache (cache_spilled).
 */
static void cache_spill(struct heap *h, struct heap_cpu *pc, unsigned int ci)
{
	struct heap_class *c = &h->cls[ci];
	unsigned int n = pc->count[ci], out = (n + 1) / 2, k;
	unsigned long irqf;
	struct slab *s;
	char *obj;

	uk_spin_lock_irqsave(&c->lock, irqf);
	for (k = 0; k < out; k++) {
		obj = pc->slot[ci][k];
		s = slab_of(h, obj);
		slab_put_locked(h, c, s, (obj - s->area) / c->size, 1, irqf);
	}
	uk_spin_unlock_irqrestore(&c->lock, irqf);
	memmove(pc->slot[ci], pc->slot[ci] + out,
		(n - out) * sizeof(pc->slot[ci][0]));
	pc->count[ci] = n - out;
	pc->bytes -= out * c->size;
}

/* After a spill: the empty slabs beyond the spare go back. */
static void cache_spilled(struct heap *h, unsigned int ci)
{
	struct heap_class *c = &h->cls[ci];

	while (__atomic_load_n(&c->nempty, __ATOMIC_RELAXED) > 1 &&
	       slab_reclaim_one(h, c, 1))
		;
}

/* A block of class ci from this CPU's cache (filled from the slabs if
 * empty), or NULL. */
static __always_inline void *cache_alloc(struct heap *h, unsigned int ci,
					 __sz size)
{
	struct heap_cpu *pc = cache_get(h);
	unsigned int n;
	char *obj;

	if (!pc)
		return NULL;
	n = pc->count[ci];
	if (unlikely(!n) && !(n = cache_refill(h, pc, ci))) {
		cache_put(h, pc);
		return NULL;
	}
	obj = pc->slot[ci][--n];
	pc->count[ci] = n;
	pc->bytes -= h->cls[ci].size;
	cache_put(h, pc);
	if (likely(!h->vg)) {
		*(unsigned long *)obj = 0;
		return obj;
	}
	UK_VG_DEFINED(obj, sizeof(__sz));
	*(__sz *)obj = size;
	UK_VG_NOACCESS(obj, sizeof(__sz));
	UK_VG_MALLOCLIKE(obj + h->rz, size, h->rz, 0);
	return obj + h->rz;
}

/*
 * cache_free's rare cases, with pc got: under memcheck, a block that
 * carries the mark (a double free if the cache holds it), a full cache
 * (the oldest half of the class goes back to the slabs first). Puts pc;
 * returns as cache_free.
 */
static __noinline int cache_free_slow(struct heap *h, struct heap_cpu *pc,
				      struct slab *s, char *obj, void *ptr)
{
	unsigned int ci = s->cls, n;
	struct heap_class *c = &h->cls[ci];
	int spilled = 0, kept = 0;

	if ((h->vg || *(unsigned long *)obj == cache_mark(h, obj)) &&
	    cache_holds(pc, ci, obj)) {
		cache_put(h, pc);
		UK_CRASH("free(%p): double free\n", ptr);
	}
	if (pc->count[ci] >= CACHE_SLOTS ||
	    pc->bytes + c->size > CACHE_BYTES) {
		if (pc->count[ci]) {
			cache_spill(h, pc, ci);
			spilled = 1;
		}
	}
	if (pc->bytes + c->size <= CACHE_BYTES) {
		if (h->vg)
			UK_VG_FREELIKE(ptr, h->rz);
		else
			*(unsigned long *)obj = cache_mark(h, obj);
		n = pc->count[ci];
		pc->slot[ci][n] = obj;
		pc->count[ci] = n + 1;
		pc->bytes += c->size;
		kept = 1;
	}
	cache_put(h, pc);
	if (spilled)
		cache_spilled(h, ci);
	return kept;
}

/* Keeps the freed block ptr of s in this CPU's cache (the oldest half
 * of its class go back to the slabs if that is full); 0 if it cannot
 * (busy, or full of other classes). A double free seen here (the block
 * is free in its slab or in this cache) crashes; one from another
 * CPU's cache does when that block reaches its slab. */
static __always_inline int cache_free(struct heap *h, struct slab *s,
				      void *ptr)
{
	unsigned long idx = slab_index(h, s, ptr);
	unsigned int ci = s->cls, n;
	struct heap_class *c = &h->cls[ci];
	char *obj = s->area + idx * c->size;
	struct heap_cpu *pc;

	/* (a block free in its slab: slab_put reports it) */
	if (__atomic_load_n(&s->freemap[idx / BPL], __ATOMIC_RELAXED) &
	    (1UL << (idx % BPL)))
		return 0;
	pc = cache_get(h);
	if (!pc)
		return 0;
	n = pc->count[ci];
	if (unlikely(h->vg || *(unsigned long *)obj == cache_mark(h, obj) ||
		     n >= CACHE_SLOTS || pc->bytes + c->size > CACHE_BYTES))
		return cache_free_slow(h, pc, s, obj, ptr);
	*(unsigned long *)obj = cache_mark(h, obj);
	pc->slot[ci][n] = obj;
	pc->count[ci] = n + 1;
	pc->bytes += c->size;
	cache_put(h, pc);
	return 1;
}

/*
 * Gives every block of this CPU's cache pc (not busy) to its slab, and
 * answers the requests so far. Slabs left empty stay on their class's
 * list (this may be an interrupt handler: no pages are unmapped here),
 * for slab_reclaim.
 */
static void cache_serve(struct heap *h, struct heap_cpu *pc)
{
	unsigned long req = __atomic_load_n(&pc->req, __ATOMIC_ACQUIRE);
	unsigned int ci;
	struct slab *s;
	char *obj;

	pc->busy = 1;
	barrier();
	for (ci = 0; ci < NCLASSES; ci++) {
		while (pc->count[ci]) {
			obj = pc->slot[ci][--pc->count[ci]];
			s = slab_of(h, obj);
			slab_put(h, s, (obj - s->area) / h->cls[ci].size, 1);
		}
	}
	pc->bytes = 0;
	barrier();
	pc->busy = 0;
	__atomic_store_n(&pc->done, req, __ATOMIC_RELEASE);
}

/* Empties this CPU's cache of heap arg if no cache operation is under
 * way here (else that operation does when it ends). ukplat_lcpu_run's
 * function: an interrupt handler. */
static void cache_ipi(void *arg)
{
	struct heap *h = arg;
	unsigned int i = ukplat_lcpu_idx();

	if (i < h->ncpu && !h->cpu[i].busy)
		cache_serve(h, &h->cpu[i]);
	__atomic_sub_fetch(&h->ipis, 1, __ATOMIC_RELEASE);
}

/* This CPU's cache: emptied if it is asked for or want, and not busy. */
static void cache_serve_here(struct heap *h, int want)
{
	struct heap_cpu *pc;
	unsigned int i;

	uk_preempt_disable();
	i = ukplat_lcpu_idx();
	pc = i < h->ncpu ? &h->cpu[i] : NULL;
	if (pc && !pc->busy &&
	    (want || __atomic_load_n(&pc->req, __ATOMIC_ACQUIRE) != pc->done))
		cache_serve(h, pc);
	uk_preempt_enable();
}

/*
 * Asks CPU i (not this one) to empty its cache; returns the request to
 * wait for, or 0: nothing to wait for (it is empty or not started), or,
 * unless exact, its queue of interrupt work is full (it answers at its
 * next cache operation). Exact tries again until the work is queued or
 * the CPU answered.
 */
static unsigned long cache_ask(struct heap *h, unsigned int i, int exact)
{
	struct heap_cpu *pc = &h->cpu[i];
	unsigned long req;
	int rc;

	if (!__atomic_load_n(&pc->bytes, __ATOMIC_RELAXED) ||
	    !ukplat_lcpu_started(i))
		return 0;
	req = __atomic_add_fetch(&pc->req, 1, __ATOMIC_ACQ_REL);
	for (;;) {
		__atomic_add_fetch(&h->ipis, 1, __ATOMIC_ACQ_REL);
		rc = ukplat_lcpu_run(&i, 1, cache_ipi, h);
		if (!rc)
			return req;
		__atomic_sub_fetch(&h->ipis, 1, __ATOMIC_RELEASE);
		if (rc != -EBUSY || !exact ||
		    (long)(__atomic_load_n(&pc->done, __ATOMIC_ACQUIRE) -
			   req) >= 0)
			return 0;
		cache_serve_here(h, 0);
		ukplat_lcpu_spin_yield();
	}
}

/*
 * Waits until CPU i answered request req, or the clock passed until
 * (0: no limit); returns 0 if it did not answer in time. Meanwhile it
 * answers requests to this CPU, so two CPUs that ask each other do not
 * wait for each other, and now and then lets the host run the other
 * CPUs (in sim they are threads, one at a time under valgrind).
 */
static int cache_answered(struct heap *h, unsigned int i, unsigned long req,
			  __nsec until)
{
	struct heap_cpu *pc = &h->cpu[i];
	unsigned int spins = 0;

	while ((long)(__atomic_load_n(&pc->done, __ATOMIC_ACQUIRE) - req) < 0) {
		if (until && ukplat_monotonic_clock() > until)
			return 0;
		cache_serve_here(h, 0);
		ukarch_spinwait();
		if (unlikely(++spins == UK_SPIN_YIELD_INTERVAL)) {
			spins = 0;
			ukplat_lcpu_spin_yield();
		}
	}
	return 1;
}

/*
 * Gets every CPU's cached blocks back to their slabs: this CPU's at
 * once, the others' through their CPU. It waits up to CACHE_WAIT_NS in
 * all (a CPU that keeps interrupts masked that long keeps its cache
 * until it answers), or, if exact, for every answer however long it
 * takes: for callers that need an exact count and hold no lock.
 */
static void cache_wait(struct heap *h, int exact)
{
	unsigned long want[UKPLAT_LCPU_MAXCOUNT];
	unsigned int i, self;
	__nsec until = 0;

	cache_serve_here(h, 1);
	self = ukplat_lcpu_idx();
	for (i = 0; i < h->ncpu; i++)
		want[i] = i == self ? 0 : cache_ask(h, i, exact);
	if (!exact)
		until = ukplat_monotonic_clock() + CACHE_WAIT_NS;
	for (i = 0; i < h->ncpu; i++)
		if (want[i] && !cache_answered(h, i, want[i], until))
			return;
}

/* cache_wait, then the slabs it left empty go back (one per class stays,
 * the spare); returns their pages. */
static unsigned long cache_drain(struct heap *h, int exact)
{
	unsigned long pages = 0;
	unsigned int ci;

	cache_wait(h, exact);
	for (ci = 0; ci < NCLASSES; ci++)
		while (slab_reclaim_one(h, &h->cls[ci], 1))
			pages += h->cls[ci].pages;
	return pages;
}

/* --- arena blocks ------------------------------------------------------ */

static struct mid_block *mid_next(struct mid_block *b)
{
	return (struct mid_block *)((char *)b + (b->size & ~MID_USED));
}

static struct mid_block *mid_prev(struct mid_block *b)
{
	return b->prev_size ? (struct mid_block *)((char *)b - b->prev_size)
			    : NULL;
}

static struct mid_free *mid_links(struct heap *h, struct mid_block *b)
{
	struct mid_free *f = (struct mid_free *)(b + 1);

	if (unlikely(h->vg))
		UK_VG_DEFINED(f, sizeof(*f));
	return f;
}

/* The bin of a free block of size bytes: 8 per doubling from 64. */
static unsigned int bin_of(__sz size)
{
	unsigned int k = 63 - __builtin_clzl(size);
	unsigned int i;

	if (k < 6)
		return 0;
	i = (k - 6) * 8 + ((size >> (k - 3)) & 7);
	return MIN(i, NBINS - 1);
}

static void bin_add(struct heap *h, struct mid_block *b)
{
	unsigned int i = bin_of(b->size);
	struct mid_free *f = mid_links(h, b);

	f->prev = NULL;
	f->next = h->bins[i];
	if (f->next)
		mid_links(h, f->next)->prev = b;
	h->bins[i] = b;
	h->bin_map[i / BPL] |= 1UL << (i % BPL);
}

static void bin_del(struct heap *h, struct mid_block *b)
{
	unsigned int i = bin_of(b->size);
	struct mid_free *f = mid_links(h, b);

	if (f->prev)
		mid_links(h, f->prev)->next = f->next;
	else
		h->bins[i] = f->next;
	if (f->next)
		mid_links(h, f->next)->prev = f->prev;
	if (!h->bins[i])
		h->bin_map[i / BPL] &= ~(1UL << (i % BPL));
}

/* A free block of at least size bytes, taken off its bin, or NULL. */
static struct mid_block *bin_take(struct heap *h, __sz size)
{
	unsigned int i = bin_of(size), w;
	struct mid_block *b;
	unsigned long bits;

	/* The blocks of size's own bin may be smaller: look at each. */
	for (b = h->bins[i]; b; b = mid_links(h, b)->next)
		if (b->size >= size)
			goto found;
	for (i++, w = i / BPL; w < ARRAY_SIZE(h->bin_map); w++) {
		bits = h->bin_map[w];
		if (w == i / BPL)
			bits &= ~0UL << (i % BPL);
		if (bits) {
			b = h->bins[w * BPL + __builtin_ctzl(bits)];
			goto found;
		}
	}
	return NULL;
found:
	bin_del(h, b);
	return b;
}

/* Makes b (free, off the bins) size bytes; the rest becomes a free
 * block if it is worth one. */
static void mid_cut(struct heap *h, struct mid_block *b, __sz size)
{
	struct mid_block *r;
	__sz rest = b->size - size;

	if (rest < MID_MIN_SPLIT)
		return;
	b->size = size;
	r = mid_next(b);
	if (unlikely(h->vg))
		UK_VG_DEFINED(r, MID_HDR);
	r->prev_size = size;
	r->size = rest;
	mid_next(r)->prev_size = rest;
	bin_add(h, r);
}

/*
 * New pages for an arena for a block of size bytes (smaller arenas when
 * memory is short, down to just this block). Called without the lock;
 * arena_init makes it usable.
 */
static struct arena *arena_get(struct heap *h, __sz size)
{
	unsigned long need = PAGE_COUNT(ARENA_HDR + size + MID_HDR), pages;
	struct arena *ar = NULL;

	for (pages = ARENA_PAGES; pages >= need; pages /= 2) {
		ar = span_alloc(h, pages, 0);
		if (ar)
			break;
	}
	if (!ar) {
		pages = need;
		ar = span_get(h, pages, 0);
	}
	if (ar)
		ar->pages = pages;
	return ar;
}

static struct mid_block *arena_first(struct arena *ar)
{
	return (struct mid_block *)((char *)ar + ARENA_HDR);
}

/* Makes ar's pages one free block b and its sentinel (b->prev_size
 * is 0). Under the lock. */
static void arena_format(struct heap *h, struct arena *ar)
{
	struct mid_block *b = arena_first(ar), *end;

	end = (struct mid_block *)((char *)ar + ar->pages * PAGE_SIZE -
				   MID_HDR);
	if (unlikely(h->vg))
		UK_VG_DEFINED(end, MID_HDR);
	b->size = (char *)end - (char *)b;
	end->prev_size = b->size;
	end->size = MID_USED;		/* the sentinel: size 0, used */
}

/* Makes ar (from arena_get) one free block, in the bins. Under the lock. */
static void arena_init(struct heap *h, struct arena *ar)
{
	struct mid_block *b = arena_first(ar);

	ar->magic = ARENA_MAGIC;
	if (unlikely(h->vg)) {
		UK_VG_NOACCESS(b, ar->pages * PAGE_SIZE - ARENA_HDR);
		UK_VG_DEFINED(b, MID_HDR);
	}
	b->prev_size = 0;
	arena_format(h, ar);
	bin_add(h, b);
}

/*
 * ar's blocks are all free (its one block is off the bins; under the
 * lock). The first such arena stays as the heap's spare, in the bins,
 * cut down to SPARE_ARENA_PAGES (enough for any arena block: a spare
 * holds little); the pages to give back (after the lock) are returned
 * in *tail, *pages: the cut tail, or all of ar if the heap has a spare.
 */
static void arena_retire(struct heap *h, struct arena *ar, void **tail,
			 unsigned long *pages)
{
	if (h->spare) {
		ar->magic = FREED_MAGIC;
		*tail = ar;
		*pages = ar->pages;
		return;
	}
	*tail = NULL;
	*pages = 0;
	if (ar->pages > SPARE_ARENA_PAGES) {
		*tail = (char *)ar + SPARE_ARENA_PAGES * PAGE_SIZE;
		*pages = ar->pages - SPARE_ARENA_PAGES;
		ar->pages = SPARE_ARENA_PAGES;
		arena_format(h, ar);
	}
	h->spare = ar;
	bin_add(h, arena_first(ar));
}

/* Gives the spare arena back; returns its pages (0: none). */
static unsigned long arena_reclaim(struct heap *h)
{
	unsigned long irqf, pages = 0;
	struct arena *ar;

	uk_spin_lock_irqsave(&h->mid_lock, irqf);
	ar = h->spare;
	if (ar) {
		bin_del(h, arena_first(ar));
		ar->magic = FREED_MAGIC;
		pages = ar->pages;
		h->spare = NULL;
	}
	uk_spin_unlock_irqrestore(&h->mid_lock, irqf);
	if (ar)
		span_free(h, ar, pages);
	return pages;
}

static void *mid_alloc(struct heap *h, __sz req)
{
	__sz size = ALIGN_UP(req + MID_HDR, 16);
	struct mid_block *b;
	struct arena *ar;
	unsigned long irqf;
	char *p;

	uk_spin_lock_irqsave(&h->mid_lock, irqf);
	b = bin_take(h, size);
	if (unlikely(!b)) {
		/* The source maps pages: not under the lock. */
		uk_spin_unlock_irqrestore(&h->mid_lock, irqf);
		ar = arena_get(h, size);
		if (!ar)
			return NULL;
		uk_spin_lock_irqsave(&h->mid_lock, irqf);
		arena_init(h, ar);
		b = bin_take(h, size);	/* ar's block, if nothing smaller */
		UK_ASSERT(b);
	}
	if (h->spare && b == arena_first(h->spare))
		h->spare = NULL;	/* in use again */
	mid_cut(h, b, size);
	b->size |= MID_USED;
	b->req = req;
	uk_spin_unlock_irqrestore(&h->mid_lock, irqf);
	p = (char *)(b + 1);
	if (unlikely(h->vg)) {
		UK_VG_NOACCESS(p, (b->size & ~MID_USED) - MID_HDR);
		UK_VG_MALLOCLIKE(p, req, 0, 0);
	}
	return p;
}

/* The arena block of ptr in arena ar; crashes on anything else. */
static struct mid_block *mid_block_of(struct heap *h, struct arena *ar,
				      const void *ptr)
{
	struct mid_block *b = (struct mid_block *)ptr - 1;
	char *lo = (char *)ar + ARENA_HDR;

	if ((char *)b < lo || ((__uptr)ptr & 15) ||
	    (char *)ptr >= (char *)ar + ar->pages * PAGE_SIZE)
		UK_CRASH("free(%p): not a heap block\n", ptr);
	if (unlikely(h->vg))
		UK_VG_DEFINED(b, MID_HDR);
	if (!(b->size & MID_USED))
		UK_CRASH("free(%p): double free\n", ptr);
	if ((b->size & 15) != MID_USED || b->req > b->size ||
	    (b->prev_size && (char *)b - b->prev_size < lo))
		UK_CRASH("free(%p): not a heap block\n", ptr);
	return b;
}

static void mid_free(struct heap *h, struct arena *ar, void *ptr)
{
	struct mid_block *b = mid_block_of(h, ar, ptr), *n, *p;
	unsigned long irqf, pages = 0;
	void *tail = NULL;

	if (unlikely(h->vg))
		UK_VG_FREELIKE(ptr, 0);
	uk_spin_lock_irqsave(&h->mid_lock, irqf);
	b->size &= ~MID_USED;
	n = mid_next(b);
	if (!(n->size & MID_USED)) {
		bin_del(h, n);
		b->size += n->size;
	}
	p = mid_prev(b);
	if (p && !(p->size & MID_USED)) {
		bin_del(h, p);
		p->size += b->size;
		b = p;
	}
	n = mid_next(b);
	n->prev_size = b->size;
	/* Everything free (b is first, the sentinel follows). */
	if (!b->prev_size && n->size == MID_USED)
		arena_retire(h, ar, &tail, &pages);
	else
		bin_add(h, b);
	uk_spin_unlock_irqrestore(&h->mid_lock, irqf);
	if (pages)
		span_free(h, tail, pages);
}

/* Size the caller asked for (valgrind) or may use, of an arena block. */
static __sz mid_size(struct heap *h, struct arena *ar, const void *ptr)
{
	struct mid_block *b = mid_block_of(h, ar, ptr);

	return h->vg ? b->req : (b->size & ~MID_USED) - MID_HDR;
}

/* Resizes an arena block in place if it can (into a free block after
 * it when growing). Returns 0 or -ENOMEM. */
static int mid_resize(struct heap *h, struct arena *ar, void *ptr,
		      __sz req)
{
	struct mid_block *b = mid_block_of(h, ar, ptr), *n;
	__sz size = ALIGN_UP(req + MID_HDR, 16), have, old = b->req;
	unsigned long irqf;
	int rc = 0;

	uk_spin_lock_irqsave(&h->mid_lock, irqf);
	have = b->size & ~MID_USED;
	n = mid_next(b);
	if (size > have && !(n->size & MID_USED) &&
	    have + n->size >= size) {
		bin_del(h, n);
		b->size += n->size;
		mid_next(b)->prev_size = b->size & ~MID_USED;
		have = b->size & ~MID_USED;
	}
	if (size > have) {
		rc = -ENOMEM;
	} else {
		/* Give back a tail worth a block (merged with what
		 * follows, if free). */
		b->size = have;
		n = mid_next(b);
		if (have - size >= MID_MIN_SPLIT && !(n->size & MID_USED)) {
			bin_del(h, n);
			b->size += n->size;
			mid_next(b)->prev_size = b->size;
		}
		mid_cut(h, b, size);
		b->size |= MID_USED;
		b->req = req;
	}
	uk_spin_unlock_irqrestore(&h->mid_lock, irqf);
	if (!rc && unlikely(h->vg))
		UK_VG_RESIZEINPLACE(ptr, old, req, 0);
	return rc;
}

/* --- large blocks ------------------------------------------------------ */

static void large_seal(struct heap *h, struct large *l)
{
	if (unlikely(h->vg))
		UK_VG_NOACCESS(l, l->off);
}

/* The tag of the granule at va, or -1 if va is outside the heap's range
 * or not mapped (the app heap maps only the pages it holds). */
static int neighbour_tag(struct heap *h, __vaddr_t va)
{
#if defined(__aarch64__)
	if (va < h->lo || va >= h->hi ||
	    ukplat_pt_walk(ukplat_pt_get_active(), va, NULL, NULL, NULL))
		return -1;
	return (int)ukarch_memtag_get((void *)va);
#else
	return -1;			/* no tags elsewhere */
#endif
}

/*
 * Tags the whole span (header included: it is only reached untagged),
 * with a tag neither old (-1: none) nor the neighbouring pages', so an
 * overflow past the span, or into it from the span before, faults.
 * Returns span carrying the tag.
 */
static char *span_tag(struct heap *h, char *span, unsigned long pages,
		      int old)
{
	unsigned long exclude = old >= 0 ? 1UL << old : 0;
	int prev = neighbour_tag(h, (__vaddr_t)span - UKARCH_MEMTAG_GRANULE);
	int next = neighbour_tag(h, (__vaddr_t)span + pages * PAGE_SIZE);

	if (prev >= 0)
		exclude |= 1UL << prev;
	if (next >= 0)
		exclude |= 1UL << next;
	return ukarch_memtag_new(span, pages * PAGE_SIZE, exclude);
}

/*
 * A span for a large block: right after the previous one if those pages
 * are free (next fit), else anywhere. A buddy source gives a run of n
 * pages from a block of the next power of two and frees its tail; runs
 * placed one after the other fill those tails instead of leaving them
 * as holes too small for the next run.
 */
static void *large_place(struct heap *h, unsigned long pages)
{
	__vaddr_t hint = __atomic_load_n(&h->large_next, __ATOMIC_RELAXED);
	void *span = NULL;

	if (hint && hint + pages * PAGE_SIZE <= h->hi && h->src->grow &&
	    !h->src->grow(h->src, (void *)hint, pages)) {
		span = (void *)hint;
		map_span(h, hint, hint, pages);
	}
	if (!span)
		span = span_get(h, pages, 0);
	if (span)
		__atomic_store_n(&h->large_next,
				 (__vaddr_t)span + pages * PAGE_SIZE,
				 __ATOMIC_RELAXED);
	return span;
}

static void *large_alloc(struct heap *h, __sz size, __sz align)
{
	unsigned long off, pages, lead = 0;
	struct large *l;
	char *span;

	if (align <= LARGE_HDR)
		off = LARGE_HDR;
	else if (align <= PAGE_SIZE)
		off = align;
	else
		off = PAGE_SIZE;
	pages = PAGE_COUNT(off + size);
	if (align <= PAGE_SIZE) {
		span = large_place(h, pages);
	} else {
		/* The source gives T aligned on align; the block is at
		 * T + align, its span (header page) starts a page earlier. */
		lead = (align - PAGE_SIZE) / PAGE_SIZE;
		span = span_get(h, pages + lead,
				__builtin_ctzl(align / PAGE_SIZE));
		if (span) {
			span_free(h, span, lead);
			span += lead * PAGE_SIZE;
			map_span(h, (__vaddr_t)span, (__vaddr_t)span, pages);
		}
	}
	if (!span)
		return NULL;

	l = (struct large *)span;
	l->magic = LARGE_MAGIC;
	l->off = off;
	l->pages = pages;
	l->size = size;
	if (unlikely(h->vg)) {
		UK_VG_NOACCESS(span, pages * PAGE_SIZE);
		UK_VG_MALLOCLIKE(span + off, size, 0, 0);
	}
	if (ukarch_memtag_enabled())
		return span_tag(h, span, pages, -1) + off;
	return span + off;
}

static void large_free(struct heap *h, struct large *l, void *ptr)
{
	char *block = (char *)l + l->off;

	if (block != (char *)ukarch_memtag_strip(ptr))
		UK_CRASH("free(%p): not a heap block\n", ptr);
	if (unlikely(h->vg))
		UK_VG_FREELIKE(ptr, 0);
	if (ukarch_memtag_enabled())
		span_tag(h, (char *)l, l->pages,
			 (int)ukarch_memtag_get(block));
	l->magic = FREED_MAGIC;
	span_free(h, l, l->pages);
}

/* Resizes a large block in place if it can; returns 0 or -ENOMEM. */
static int large_resize(struct heap *h, struct large *l, __sz size)
{
	unsigned long pages = PAGE_COUNT(l->off + size);
	char *span = (char *)l;
	__sz old = l->size;

	if (pages > l->pages) {
		if (span_grow(h, span, span + l->pages * PAGE_SIZE,
			      pages - l->pages))
			return -ENOMEM;
		if (unlikely(h->vg))
			UK_VG_NOACCESS(span + l->pages * PAGE_SIZE,
				       (pages - l->pages) * PAGE_SIZE);
	} else if (pages < l->pages) {
		span_free(h, span + pages * PAGE_SIZE, l->pages - pages);
	}
	if (pages > l->pages && ukarch_memtag_enabled()) {
		/* The new pages take the block's tag. */
		unsigned long tag = ukarch_memtag_get(span + l->off);
		unsigned long ext = (unsigned long)span + l->pages * PAGE_SIZE;

		ukarch_memtag_apply((void *)((ext & ~(0xfUL << 56)) |
					     (tag << 56)),
				    (pages - l->pages) * PAGE_SIZE);
	}
	l->pages = pages;
	l->size = size;
	if (unlikely(h->vg))
		UK_VG_RESIZEINPLACE(span + l->off, old, size, 0);
	return 0;
}

/* --- lookup ------------------------------------------------------------ */

/*
 * Returns the header (slab or large) of the heap block ptr, opened for
 * reading under valgrind; crashes on foreign and freed pointers.
 */
static __always_inline __u32 *block_header(struct heap *h, const void *ptr)
{
	__vaddr_t p = (__vaddr_t)ukarch_memtag_strip(ptr);
	__u32 *hdr, e;

	if (p <= h->lo || p >= h->hi)
		UK_CRASH("free(%p): pointer not from this heap\n", ptr);
	/* A block never starts its span: p - 1 lies in the span. */
	e = *map_slot(h, p - 1);
	if (!e)
		UK_CRASH("free(%p): pointer not from this heap\n", ptr);
	hdr = (__u32 *)(h->lo + ((__vaddr_t)(e - 1) << PAGE_SHIFT));
	if (unlikely(h->vg))
		UK_VG_DEFINED(hdr, LARGE_HDR);
	if (*hdr == SLAB_MAGIC || *hdr == LARGE_MAGIC || *hdr == ARENA_MAGIC)
		return hdr;
	if (*hdr == FREED_MAGIC)
		UK_CRASH("free(%p): double free\n", ptr);
	UK_CRASH("free(%p): not a heap block\n", ptr);
}

/* --- vtable ------------------------------------------------------------ */

/* Class for size bytes aligned on align, or -1 for a large block. */
static __always_inline int small_class(struct heap *h, __sz size,
					__sz align)
{
	__sz sz = size + 2 * h->rz;
	unsigned int ci;

	if (sz > SMALL_MAX || align > SMALL_ALIGN_MAX ||
	    (h->rz && align > 16))
		return -1;
	ci = class_index(h, sz);
	while (align > 16 && ci < NCLASSES && class_size(ci) % align)
		ci++;
	return ci < NCLASSES ? (int)ci : -1;
}

static void *heap_alloc(struct heap *h, __sz size, __sz align)
{
	void *p;
	int ci;

	if (unlikely(size > HEAP_MAX_SIZE))
		return NULL;
	ci = small_class(h, size, align);
	if (likely(ci >= 0)) {
		p = cache_alloc(h, ci, size);
		return likely(p) ? p : small_alloc(h, ci, size);
	}
	if (size <= MID_MAX && align <= 16)
		return mid_alloc(h, size);
	return large_alloc(h, size, align);
}

/* The common case inline: a small block from this CPU's cache. */
static void *heap_malloc(struct uk_alloc *a, __sz size)
{
	struct heap *h = to_heap(a);
	void *p;

	if (likely(size <= SMALL_MAX - 2 * h->rz)) {
		p = cache_alloc(h, class_index(h, size + 2 * h->rz), size);
		if (likely(p))
			return p;
	}
	return heap_alloc(h, size, 16);
}

static void *heap_calloc(struct uk_alloc *a, __sz nmemb, __sz size)
{
	__sz total;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &total))
		return NULL;
	p = heap_alloc(to_heap(a), total, 16);
	if (p)
		memset(p, 0, total);
	return p;
}

/* heap_free of any block but one its CPU's cache takes. */
static __noinline void heap_free_slow(struct heap *h, __u32 *hdr, void *ptr)
{
	if (*hdr == SLAB_MAGIC)
		small_free(h, (struct slab *)hdr, ptr);
	else if (*hdr == ARENA_MAGIC)
		mid_free(h, (struct arena *)hdr, ptr);
	else
		large_free(h, (struct large *)hdr, ptr);
}

static void heap_free(struct uk_alloc *a, void *ptr)
{
	struct heap *h = to_heap(a);
	__u32 *hdr;

	if (!ptr)
		return;
	hdr = block_header(h, ptr);
	if (likely(*hdr == SLAB_MAGIC) &&
	    likely(cache_free(h, (struct slab *)hdr, ptr)))
		return;
	heap_free_slow(h, hdr, ptr);
}

static __sz heap_usable_size(struct uk_alloc *a, const void *ptr)
{
	struct heap *h = to_heap(a);
	struct large *l;
	__u32 *hdr;
	__sz size;

	if (!ptr)
		return 0;
	hdr = block_header(h, ptr);
	if (*hdr == SLAB_MAGIC)
		return small_size(h, (struct slab *)hdr, ptr);
	if (*hdr == ARENA_MAGIC)
		return mid_size(h, (struct arena *)hdr, ptr);
	l = (struct large *)hdr;
	size = h->vg ? l->size : l->pages * PAGE_SIZE - l->off;
	large_seal(h, l);
	return size;
}

/* Moves ptr (old bytes valid) to a new block of size bytes. */
static void *heap_move(struct heap *h, void *ptr, __sz old, __sz size)
{
	void *p = heap_alloc(h, size, 16);

	if (!p)
		return NULL;
	memcpy(p, ptr, MIN(old, size));
	heap_free(&h->a, ptr);
	return p;
}

static void *small_realloc(struct heap *h, struct slab *s, void *ptr,
			   __sz size)
{
	__sz old = small_size(h, s, ptr);
	int ci = small_class(h, size, 16);
	void *p;

	if (ci == s->cls) {
		if (unlikely(h->vg)) {
			char *obj = (char *)ptr - h->rz;

			UK_VG_DEFINED(obj, sizeof(__sz));
			*(__sz *)obj = size;
			UK_VG_NOACCESS(obj, sizeof(__sz));
			UK_VG_RESIZEINPLACE(ptr, old, size, h->rz);
		}
		return ptr;
	}
	p = heap_move(h, ptr, old, size);
	/* A shrink that finds no memory keeps its block. */
	if (!p && ci >= 0 && ci < s->cls && !h->vg)
		return ptr;
	return p;
}

static void *mid_realloc(struct heap *h, struct arena *ar, void *ptr,
			 __sz size)
{
	__sz old = mid_size(h, ar, ptr);
	void *p;

	if (size > SMALL_MAX && size <= MID_MAX &&
	    !mid_resize(h, ar, ptr, size))
		return ptr;
	p = heap_move(h, ptr, old, size);
	/* A shrink that finds no memory keeps its block. */
	if (!p && size < old && !h->vg)
		return ptr;
	return p;
}

static void *large_realloc(struct heap *h, struct large *l, void *ptr,
			   __sz size)
{
	__sz old = h->vg ? l->size : l->pages * PAGE_SIZE - l->off;
	void *p;

	if (size > MID_MAX && !large_resize(h, l, size)) {
		large_seal(h, l);
		return ptr;
	}
	large_seal(h, l);
	p = heap_move(h, ptr, old, size);
	/* A shrink to a smaller kind that finds no room stays in place. */
	if (!p && size <= MID_MAX) {
		block_header(h, ptr);
		large_resize(h, l, size);
		large_seal(h, l);
		p = ptr;
	}
	return p;
}

static void *heap_realloc(struct uk_alloc *a, void *ptr, __sz size)
{
	struct heap *h = to_heap(a);
	__u32 *hdr;

	if (!ptr)
		return heap_alloc(h, size, 16);
	if (!size) {
		heap_free(a, ptr);
		return NULL;
	}
	if (size > HEAP_MAX_SIZE)
		return NULL;
	hdr = block_header(h, ptr);
	if (*hdr == SLAB_MAGIC)
		return small_realloc(h, (struct slab *)hdr, ptr, size);
	if (*hdr == ARENA_MAGIC)
		return mid_realloc(h, (struct arena *)hdr, ptr, size);
	return large_realloc(h, (struct large *)hdr, ptr, size);
}

static void *heap_memalign(struct uk_alloc *a, __sz align, __sz size)
{
	if (!IS_POW2(align) || align > HEAP_MAX_SIZE)
		return NULL;
	return heap_alloc(to_heap(a), size, MAX(align, 16UL));
}

static int heap_posix_memalign(struct uk_alloc *a, void **memptr,
			       __sz align, __sz size)
{
	void *p;

	if (!IS_POW2(align) || align % sizeof(void *) ||
	    align > HEAP_MAX_SIZE)
		return EINVAL;
	p = heap_alloc(to_heap(a), size, MAX(align, 16UL));
	if (!p)
		return ENOMEM;
	*memptr = p;
	return 0;
}

/* A malloc gives the spares back before it fails: so does the answer. */
static __ssz heap_maxalloc(struct uk_alloc *a)
{
	struct heap *h = to_heap(a);
	unsigned long pages;

	heap_reclaim(h);
	pages = h->src->max_pages(h->src);

	if (pages * PAGE_SIZE <= LARGE_HDR)
		return 0;
	return pages * PAGE_SIZE - LARGE_HDR;
}

/* Pages in h's spares (a moment's count). */
static unsigned long spare_pages(struct heap *h)
{
	unsigned long pages = 0, irqf;
	unsigned int i;

	for (i = 0; i < NCLASSES; i++) {
		uk_spin_lock_irqsave(&h->cls[i].lock, irqf);
		pages += h->cls[i].nempty * h->cls[i].pages;
		uk_spin_unlock_irqrestore(&h->cls[i].lock, irqf);
	}
	uk_spin_lock_irqsave(&h->mid_lock, irqf);
	pages += h->spare ? h->spare->pages : 0;
	uk_spin_unlock_irqrestore(&h->mid_lock, irqf);
	return pages;
}

/* Cached blocks are free memory: in their slabs, they count as such. */
static __ssz heap_availmem(struct uk_alloc *a)
{
	struct heap *h = to_heap(a);

	cache_drain(h, 0);
	return (h->src->free_pages(h->src) + spare_pages(h)) * PAGE_SIZE;
}

void uk_alloc_heap_flush(struct uk_alloc *a)
{
	cache_drain(to_heap(a), 1);
}

unsigned long uk_alloc_heap_trim(struct uk_alloc *a)
{
	return heap_reclaim(to_heap(a));
}

void uk_alloc_heap_destroy(struct uk_alloc *a)
{
	struct heap *h = to_heap(a);

	heap_unregister(h);
	/* A CPU that answered too late may still look at h. */
	while (__atomic_load_n(&h->ipis, __ATOMIC_ACQUIRE))
		ukplat_lcpu_spin_yield();
	if (h->own_src)
		h->meta_fa->ffree(h->meta_fa, (__vaddr_t)h->src - h->dm_off,
				  1);
	h->meta_fa->ffree(h->meta_fa, (__vaddr_t)h - h->dm_off,
			  h->meta_pages);
}

/* --- init -------------------------------------------------------------- */

/* Objects of size in a slab of pages pages, and where they start. */
static unsigned long slab_fit(unsigned long pages, unsigned int size,
			      unsigned long *area_off)
{
	unsigned long bytes = pages * PAGE_SIZE, n = bytes / size, hdr = 0;

	for (; n; n--) {
		hdr = offsetof(struct slab, freemap) +
		      DIV_ROUND_UP(n, BPL) * sizeof(unsigned long);
		hdr = ALIGN_UP(hdr, AREA_ALIGN);
		if (hdr + n * size <= bytes)
			break;
	}
	*area_off = hdr;
	return n;
}

/* The smallest slab whose tail wastes at most 1/32 of it (else the one
 * that wastes least). */
static void class_init(struct heap_class *c, unsigned int size)
{
	unsigned long pages, best = 0, n, off, waste, best_waste = ~0UL;

	for (pages = SLAB_MIN_PAGES; pages <= SLAB_MAX_PAGES; pages *= 2) {
		n = slab_fit(pages, size, &off);
		if (!n)
			continue;
		waste = pages * PAGE_SIZE - n * size;
		if (waste * best <= best_waste * pages || !best) {
			best = pages;
			best_waste = waste;
		}
		if (waste * 32 <= pages * PAGE_SIZE)
			break;
	}
	c->pages = best;
	c->nobjs = slab_fit(best, size, &off);
	c->area_off = off;
	uk_spin_init(&c->lock);
	c->size = size;
	c->recip = (__u32)(((1ULL << 32) + size - 1) / size);
	c->nempty = 0;
	c->partial = NULL;
}

struct uk_alloc *uk_alloc_heap_create(struct uk_heap_pages *src,
				      struct uk_falloc *fa, __vaddr_t dm_off)
{
	unsigned int i, ci = 0, ncpu = ukplat_lcpu_count();
	unsigned long pages, meta, state;
	__paddr_t pa = __PADDR_ANY;
	struct heap *h;

	if (!src || !fa || src->hi <= src->lo || !PAGE_ALIGNED(src->lo))
		return NULL;
	pages = (src->hi - src->lo) >> PAGE_SHIFT;
	if (pages > 0xfffffffeUL)
		return NULL;
	/* State and page map: kernel memory, whatever the source. */
	/* A cache for each CPU there is (those found later have none). */
	ncpu = MIN(MAX(ncpu, 1U), (unsigned int)UKPLAT_LCPU_MAXCOUNT);
	state = ALIGN_UP(sizeof(*h), 64) + ncpu * sizeof(struct heap_cpu);
	meta = PAGE_COUNT(state) +
	       (src->pagemap ? 0 : PAGE_COUNT(pages * sizeof(__u32)));
	if (fa->falloc(fa, &pa, meta, UK_FALLOC_F_ZERO))
		return NULL;
	h = (struct heap *)(pa + dm_off);
	h->pagemap = src->pagemap ? src->pagemap :
		     (__u32 *)((char *)h + PAGE_COUNT(state) * PAGE_SIZE);
	h->cpu = (struct heap_cpu *)((char *)h + ALIGN_UP(sizeof(*h), 64));
	h->ncpu = ncpu;
	h->src = src;
	h->meta_fa = fa;
	h->meta_pages = meta;
	h->dm_off = dm_off;
	h->lo = src->lo;
	h->hi = src->hi;
	h->vg = uk_valgrind_memcheck();
	h->vg_any = uk_valgrind_running() != 0;
	h->rz = h->vg ? VG_RZ : 0;
	h->key = ((unsigned long)h ^ ukplat_monotonic_clock()) *
		 0x9e3779b97f4a7c15UL;
	for (i = 0; i < NCLASSES; i++)
		class_init(&h->cls[i], class_size(i));
	uk_spin_init(&h->mid_lock);
	for (i = 0; i < ARRAY_SIZE(h->cls_of); i++) {
		while (class_size(ci) < i * 16)
			ci++;
		h->cls_of[i] = ci;
	}
	h->a.malloc = heap_malloc;
	h->a.calloc = heap_calloc;
	h->a.realloc = heap_realloc;
	h->a.posix_memalign = heap_posix_memalign;
	h->a.memalign = heap_memalign;
	h->a.free = heap_free;
	h->a.usable_size = heap_usable_size;
	h->a.maxalloc = heap_maxalloc;
	h->a.availmem = heap_availmem;
	heap_register(h);
	return &h->a;
}

/* --- the kernel heap's source: frames through the direct map ---------- */

struct frame_pages {
	struct uk_heap_pages src;
	struct uk_falloc *fa;
	__vaddr_t dm_off;
};

static void *frames_alloc(struct uk_heap_pages *src, unsigned long pages,
			  unsigned int order)
{
	struct frame_pages *f = containerof(src, struct frame_pages, src);
	__paddr_t pa = __PADDR_ANY;

	if (f->fa->falloc(f->fa, &pa, pages, UK_FALLOC_F_ALIGN(order)))
		return NULL;
	return (void *)(pa + f->dm_off);
}

static void frames_free(struct uk_heap_pages *src, void *va,
			unsigned long pages)
{
	struct frame_pages *f = containerof(src, struct frame_pages, src);
	int rc;

	rc = f->fa->ffree(f->fa, (__vaddr_t)va - f->dm_off, pages);
	UK_ASSERT(rc == 0);
}

static int frames_grow(struct uk_heap_pages *src, void *end,
		       unsigned long pages)
{
	struct frame_pages *f = containerof(src, struct frame_pages, src);
	__paddr_t pa = (__vaddr_t)end - f->dm_off;

	return f->fa->falloc(f->fa, &pa, pages, 0);
}

static unsigned long frames_max(struct uk_heap_pages *src)
{
	struct frame_pages *f = containerof(src, struct frame_pages, src);

	return f->fa->max_frames(f->fa);
}

static unsigned long frames_free_count(struct uk_heap_pages *src)
{
	struct frame_pages *f = containerof(src, struct frame_pages, src);

	return f->fa->free_memory >> PAGE_SHIFT;
}

struct uk_alloc *uk_alloc_heap_init(struct uk_falloc *fa, __vaddr_t dm_off)
{
	__paddr_t pa = __PADDR_ANY;
	struct frame_pages *f;
	struct uk_alloc *a;

	if (!fa || !PAGE_ALIGNED(dm_off) || fa->zones_hi <= fa->zones_lo)
		return NULL;
	if (fa->falloc(fa, &pa, 1, UK_FALLOC_F_ZERO))
		return NULL;
	f = (struct frame_pages *)(pa + dm_off);
	f->fa = fa;
	f->dm_off = dm_off;
	f->src.alloc = frames_alloc;
	f->src.free = frames_free;
	f->src.grow = frames_grow;
	f->src.max_pages = frames_max;
	f->src.free_pages = frames_free_count;
	f->src.lo = fa->zones_lo + dm_off;
	f->src.hi = fa->zones_hi + dm_off;
	a = uk_alloc_heap_create(&f->src, fa, dm_off);
	if (!a)
		fa->ffree(fa, pa, 1);
	else
		to_heap(a)->own_src = 1;
	return a;
}
