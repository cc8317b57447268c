/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel heap over a frame allocator.
 *
 * Small blocks (<= 2 KiB) come from slabs: a slab is SLAB_SIZE bytes
 * (4 frames), aligned on SLAB_SIZE, holding a header (with a bitmap of
 * free objects) then objects of one size class. Each class keeps a list
 * of its slabs that have free objects and at most one empty slab; other
 * empty slabs go back to the frame allocator.
 *
 * Large blocks are whole frames: a span aligned on SLAB_SIZE starting
 * with a 64-byte header; the block starts at most SLAB_SIZE bytes after
 * the span. So for any block p, ALIGN_DOWN(p - 1, SLAB_SIZE) is its slab
 * or span header, whose magic tells which.
 *
 * Under valgrind (checked once at init) small blocks get 16-byte redzones
 * that also hold the requested size; blocks are announced with
 * MALLOCLIKE/FREELIKE; free objects, large headers and span tails are
 * NOACCESS. Slab headers stay accessible (memcheck cannot tell the heap
 * from the app; they are never adjacent to an object's bytes).
 *
 * With memory tagging (uk/arch/memtag.h: arm64 MTE), each block gets a
 * fresh tag when allocated and again when freed, never one of its
 * neighbours' (so an overflow into the next object always faults), and
 * the heap strips the tag wherever it looks up a block's header. Blocks
 * allocated before tagging was on keep untagged pointers (unchecked).
 * Large blocks are tagged over their whole span, so they are checked
 * even where tags exist only per page (ukarch_memtag_fine() == 0).
 */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/arch/memtag.h>
#include <uk/arch/types.h>
#include <uk/arch/valgrind.h>
#include <uk/assert.h>
#include <uk/spinlock.h>
#include <uk/falloc.h>
#include <uk/alloc.h>

#define SLAB_SIZE	UK_ALLOC_HEAP_SLAB_SIZE
#define SLAB_FRAMES	(SLAB_SIZE / PAGE_SIZE)
#define SLAB_ORDER	2
#define SMALL_MAX	UK_ALLOC_HEAP_SMALL_MAX
#define SMALL_ALIGN_MAX	64		/* larger alignments use spans */
#define AREA_ALIGN	64
#define LARGE_HDR	64
#define HEAP_MAX_SIZE	(1UL << 46)
#define VG_RZ		16
#define BPL		(8 * sizeof(unsigned long))

#define SLAB_MAGIC	0x51ab51abU
#define LARGE_MAGIC	0x1a26eb10U
#define FREED_MAGIC	0xdeadf4eeU

UK_BUILD_BUG_ON(SLAB_SIZE != (PAGE_SIZE << SLAB_ORDER));

static const __u16 class_size[] = {
	16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256,
	320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 2048,
};
#define NCLASSES	ARRAY_SIZE(class_size)

struct slab {
	__u32 magic;
	__u16 cls;
	__u16 nobjs;
	__u16 nfree;
	__u16 hint;		/* lowest freemap word that may be nonzero */
	struct slab *next;	/* in the class's list of non-full slabs */
	struct slab *prev;
	char *area;		/* object 0 */
	unsigned long freemap[]; /* bit set: object free */
};

struct large {
	__u32 magic;
	__u32 off;		/* block = span + off */
	unsigned long frames;	/* span length */
	__sz size;		/* size asked for */
};
UK_BUILD_BUG_ON(sizeof(struct large) > LARGE_HDR);

struct heap_class {
	struct uk_spinlock lock;
	__u32 size;
	__u32 recip;		/* ceil(2^32 / size): offset -> index */
	__u16 nobjs;
	__u16 area_off;
	unsigned int nempty;	/* empty slabs on the list (0 or 1) */
	struct slab *partial;	/* slabs with a free object */
};

struct heap {
	struct uk_alloc a;
	struct uk_falloc *fa;
	__vaddr_t dm_off;
	int vg;			/* running under valgrind */
	unsigned int rz;	/* redzone on each side of small blocks */
	__vaddr_t lo, hi;	/* every span lies in [lo, hi) */
	__u8 cls_of[SMALL_MAX / 16 + 1];
	struct heap_class cls[NCLASSES];
};

static struct heap *to_heap(struct uk_alloc *a)
{
	return containerof(a, struct heap, a);
}

/* --- spans: frames from the frame allocator ---------------------------- */

static void range_widen(struct heap *h, __vaddr_t lo, __vaddr_t hi)
{
	__vaddr_t cur = __atomic_load_n(&h->lo, __ATOMIC_RELAXED);

	while (lo < cur && !__atomic_compare_exchange_n(&h->lo, &cur, lo, 0,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	cur = __atomic_load_n(&h->hi, __ATOMIC_RELAXED);
	while (hi > cur && !__atomic_compare_exchange_n(&h->hi, &cur, hi, 0,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* Returns frames frames aligned on 2^order frames, or NULL. */
static void *span_alloc(struct heap *h, unsigned long frames,
			unsigned int order)
{
	__paddr_t pa = __PADDR_ANY;
	__vaddr_t va;

	if (h->fa->falloc(h->fa, &pa, frames, UK_FALLOC_F_ALIGN(order)))
		return NULL;
	va = pa + h->dm_off;
	range_widen(h, va, va + frames * PAGE_SIZE);
	return (void *)va;
}

static void span_free(struct heap *h, void *va, unsigned long frames)
{
	int rc;

	if (!frames)
		return;
	rc = h->fa->ffree(h->fa, (__vaddr_t)va - h->dm_off, frames);
	UK_ASSERT(rc == 0);
}

/* Extends the span ending at end by frames frames; returns 0 or -errno. */
static int span_grow(struct heap *h, void *end, unsigned long frames)
{
	__paddr_t pa = (__vaddr_t)end - h->dm_off;
	int rc;

	rc = h->fa->falloc(h->fa, &pa, frames, 0);
	if (!rc)
		range_widen(h, (__vaddr_t)end,
			    (__vaddr_t)end + frames * PAGE_SIZE);
	return rc;
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

	s = span_alloc(h, SLAB_FRAMES, SLAB_ORDER);
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

		UK_VG_NOACCESS((char *)s + hdr, SLAB_SIZE - hdr);
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
static char *tag_object(struct slab *s, char *obj, __sz size, int old)
{
	unsigned long exclude = old >= 0 ? 1UL << old : 0;
	char *end = obj + size;

	if (obj > s->area)
		exclude |= 1UL << ukarch_memtag_get(obj -
						    UKARCH_MEMTAG_GRANULE);
	if (end < (char *)s + SLAB_SIZE)
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
		s = slab_new(h, ci);
		if (!s) {
			uk_spin_unlock_irqrestore(&c->lock, irqf);
			return NULL;
		}
		slab_list_add(c, s);
		c->nempty++;
	}
	if (s->nfree == s->nobjs)
		c->nempty--;
	obj = s->area + (__sz)slab_take(s) * c->size;
	if (ukarch_memtag_fine())
		obj = tag_object(s, obj, c->size, -1);
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
static unsigned long slab_index(struct heap *h, struct slab *s,
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

static void small_free(struct heap *h, struct slab *s, void *ptr)
{
	unsigned long idx = slab_index(h, s, ptr), irqf;
	unsigned long bit = 1UL << (idx % BPL);
	struct heap_class *c = &h->cls[s->cls];
	int release = 0;

	uk_spin_lock_irqsave(&c->lock, irqf);
	if (unlikely(s->freemap[idx / BPL] & bit)) {
		uk_spin_unlock_irqrestore(&c->lock, irqf);
		UK_CRASH("free(%p): double free\n", ptr);
	}
	if (unlikely(h->vg))
		UK_VG_FREELIKE(ptr, h->rz);
	if (ukarch_memtag_fine()) {
		char *obj = s->area + idx * c->size;

		/* Stale pointers now fault. */
		tag_object(s, obj, c->size, (int)ukarch_memtag_get(obj));
	}
	s->freemap[idx / BPL] |= bit;
	if (idx / BPL < s->hint)
		s->hint = idx / BPL;
	if (s->nfree++ == 0)
		slab_list_add(c, s);
	if (s->nfree == s->nobjs) {
		if (c->nempty) {
			slab_list_del(c, s);
			s->magic = FREED_MAGIC;
			release = 1;
		} else {
			c->nempty++;
		}
	}
	uk_spin_unlock_irqrestore(&c->lock, irqf);
	if (release)
		span_free(h, s, SLAB_FRAMES);
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

/* --- large blocks ------------------------------------------------------ */

static void large_seal(struct heap *h, struct large *l)
{
	if (unlikely(h->vg))
		UK_VG_NOACCESS(l, l->off);
}

/*
 * Tags the whole span (header included: it is only reached untagged),
 * with a tag neither old (-1: none) nor the next page's, so an overflow
 * past the span faults. Returns span carrying the tag.
 */
static char *span_tag(struct heap *h, char *span, unsigned long frames,
		      int old)
{
	unsigned long exclude = old >= 0 ? 1UL << old : 0;
	char *end = span + frames * PAGE_SIZE;

	if ((__vaddr_t)end < __atomic_load_n(&h->hi, __ATOMIC_RELAXED))
		exclude |= 1UL << ukarch_memtag_get(end);
	return ukarch_memtag_new(span, frames * PAGE_SIZE, exclude);
}

static void *large_alloc(struct heap *h, __sz size, __sz align)
{
	unsigned long off, frames, lead = 0;
	struct large *l;
	char *span;

	if (align <= LARGE_HDR)
		off = LARGE_HDR;
	else if (align < SLAB_SIZE)
		off = align;
	else
		off = SLAB_SIZE;
	frames = PAGE_COUNT(off + size);
	if (align <= SLAB_SIZE) {
		span = span_alloc(h, frames, SLAB_ORDER);
	} else {
		/* span_alloc gives T aligned on align; the block is at
		 * T + align, its span starts SLAB_SIZE earlier. */
		lead = (align - SLAB_SIZE) / PAGE_SIZE;
		span = span_alloc(h, frames + lead,
				  __builtin_ctzl(align / PAGE_SIZE));
		if (span) {
			span_free(h, span, lead);
			span += lead * PAGE_SIZE;
		}
	}
	if (!span)
		return NULL;

	l = (struct large *)span;
	l->magic = LARGE_MAGIC;
	l->off = off;
	l->frames = frames;
	l->size = size;
	if (unlikely(h->vg)) {
		UK_VG_NOACCESS(span, frames * PAGE_SIZE);
		UK_VG_MALLOCLIKE(span + off, size, 0, 0);
	}
	if (ukarch_memtag_enabled())
		return span_tag(h, span, frames, 0) + off;
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
		span_tag(h, (char *)l, l->frames,
			 (int)ukarch_memtag_get(block));
	l->magic = FREED_MAGIC;
	span_free(h, l, l->frames);
}

/* Resizes a large block in place if it can; returns 0 or -ENOMEM. */
static int large_resize(struct heap *h, struct large *l, __sz size)
{
	unsigned long frames = PAGE_COUNT(l->off + size);
	char *span = (char *)l;
	__sz old = l->size;

	if (frames > l->frames) {
		if (span_grow(h, span + l->frames * PAGE_SIZE,
			      frames - l->frames))
			return -ENOMEM;
		if (unlikely(h->vg))
			UK_VG_NOACCESS(span + l->frames * PAGE_SIZE,
				       (frames - l->frames) * PAGE_SIZE);
	} else if (frames < l->frames) {
		span_free(h, span + frames * PAGE_SIZE, l->frames - frames);
	}
	if (frames > l->frames && ukarch_memtag_enabled()) {
		/* The new frames take the block's tag. */
		unsigned long tag = ukarch_memtag_get(span + l->off);
		unsigned long ext = (unsigned long)span + l->frames * PAGE_SIZE;

		ukarch_memtag_apply((void *)((ext & ~(0xfUL << 56)) |
					     (tag << 56)),
				    (frames - l->frames) * PAGE_SIZE);
	}
	l->frames = frames;
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
static __u32 *block_header(struct heap *h, const void *ptr)
{
	__vaddr_t p = (__vaddr_t)ukarch_memtag_strip(ptr);
	__u32 *hdr;

	if (p <= __atomic_load_n(&h->lo, __ATOMIC_RELAXED) ||
	    p >= __atomic_load_n(&h->hi, __ATOMIC_RELAXED))
		UK_CRASH("free(%p): pointer not from this heap\n", ptr);
	hdr = (__u32 *)ALIGN_DOWN(p - 1, SLAB_SIZE);
	if (unlikely(h->vg))
		UK_VG_DEFINED(hdr, LARGE_HDR);
	if (*hdr == SLAB_MAGIC || *hdr == LARGE_MAGIC)
		return hdr;
	if (*hdr == FREED_MAGIC)
		UK_CRASH("free(%p): double free\n", ptr);
	UK_CRASH("free(%p): not a heap block\n", ptr);
}

/* --- vtable ------------------------------------------------------------ */

/* Class for size bytes aligned on align, or -1 for a large block. */
static int small_class(struct heap *h, __sz size, __sz align)
{
	__sz sz = size + 2 * h->rz;
	unsigned int ci;

	if (sz > SMALL_MAX || align > SMALL_ALIGN_MAX ||
	    (h->rz && align > 16))
		return -1;
	ci = h->cls_of[(sz + 15) >> 4];
	while (align > 16 && ci < NCLASSES && class_size[ci] % align)
		ci++;
	return ci < NCLASSES ? (int)ci : -1;
}

static void *heap_alloc(struct heap *h, __sz size, __sz align)
{
	int ci;

	if (unlikely(size > HEAP_MAX_SIZE))
		return NULL;
	ci = small_class(h, size, align);
	if (likely(ci >= 0))
		return small_alloc(h, ci, size);
	return large_alloc(h, size, align);
}

static void *heap_malloc(struct uk_alloc *a, __sz size)
{
	return heap_alloc(to_heap(a), size, 16);
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

static void heap_free(struct uk_alloc *a, void *ptr)
{
	struct heap *h = to_heap(a);
	__u32 *hdr;

	if (!ptr)
		return;
	hdr = block_header(h, ptr);
	if (*hdr == SLAB_MAGIC)
		small_free(h, (struct slab *)hdr, ptr);
	else
		large_free(h, (struct large *)hdr, ptr);
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
	l = (struct large *)hdr;
	size = h->vg ? l->size : l->frames * PAGE_SIZE - l->off;
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

static void *large_realloc(struct heap *h, struct large *l, void *ptr,
			   __sz size)
{
	__sz old = h->vg ? l->size : l->frames * PAGE_SIZE - l->off;
	void *p;

	if (size > SMALL_MAX && !large_resize(h, l, size)) {
		large_seal(h, l);
		return ptr;
	}
	large_seal(h, l);
	p = heap_move(h, ptr, old, size);
	/* A shrink to a small size that finds no slab stays in place. */
	if (!p && size <= SMALL_MAX) {
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

static __ssz heap_maxalloc(struct uk_alloc *a)
{
	struct heap *h = to_heap(a);
	unsigned long frames = h->fa->max_frames(h->fa);

	if (frames * PAGE_SIZE <= LARGE_HDR)
		return 0;
	return frames * PAGE_SIZE - LARGE_HDR;
}

static __ssz heap_availmem(struct uk_alloc *a)
{
	return to_heap(a)->fa->free_memory;
}

/* --- init -------------------------------------------------------------- */

static void class_init(struct heap_class *c, unsigned int size)
{
	unsigned long n = SLAB_SIZE / size, hdr;

	for (;; n--) {
		hdr = offsetof(struct slab, freemap) +
		      DIV_ROUND_UP(n, BPL) * sizeof(unsigned long);
		hdr = ALIGN_UP(hdr, AREA_ALIGN);
		if (hdr + n * size <= SLAB_SIZE)
			break;
	}
	uk_spin_init(&c->lock);
	c->size = size;
	c->recip = (__u32)(((1ULL << 32) + size - 1) / size);
	c->nobjs = n;
	c->area_off = hdr;
	c->nempty = 0;
	c->partial = NULL;
}

struct uk_alloc *uk_alloc_heap_init(struct uk_falloc *fa, __vaddr_t dm_off)
{
	__paddr_t pa = __PADDR_ANY;
	unsigned int i, ci = 0;
	struct heap *h;

	UK_BUILD_BUG_ON(sizeof(struct heap) > PAGE_SIZE);
	if (!fa || !IS_ALIGNED(dm_off, SLAB_SIZE))
		return NULL;
	if (fa->falloc(fa, &pa, 1, UK_FALLOC_F_ZERO))
		return NULL;
	h = (struct heap *)(pa + dm_off);
	h->fa = fa;
	h->dm_off = dm_off;
	h->vg = uk_valgrind_running() != 0;
	h->rz = h->vg ? VG_RZ : 0;
	h->lo = ~0UL;
	h->hi = 0;
	for (i = 0; i < NCLASSES; i++)
		class_init(&h->cls[i], class_size[i]);
	for (i = 0; i < ARRAY_SIZE(h->cls_of); i++) {
		while (class_size[ci] < i * 16)
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
	return &h->a;
}
