/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Buddy frame allocator.
 *
 * A zone is a run of frames [base, base + frames). Blocks are 2^k frames,
 * aligned on 2^k in *absolute* frame numbers (so a 512-frame block is a
 * 2 MiB-aligned physical block), and must lie inside their zone; zones
 * need not be aligned nor power-of-two sized.
 *
 * Per-zone metadata, all in the memory given to addmem (no heap needed):
 *   used[]   1 bit per frame, set when the frame is allocated;
 *   order[]  1 byte per frame: k + 1 if a free block of order
 *            k < BIG_ORDER starts here, 0 otherwise;
 *   link[]   next/prev frame index of free-list neighbours (valid at the
 *            head of a free block of order < BIG_ORDER only);
 *   big[]    order + 1 and links of the free blocks of order >=
 *            BIG_ORDER, one entry per 2^BIG_ORDER frames: those heads
 *            lie pages apart in order[] and link[], and a zone's large
 *            blocks would touch a page of each per block (in sim, where
 *            the host backs a page at its first touch, about 20 page
 *            faults of a boot); in big[] they share a page or two;
 *   head[k]  first block of the free list of order k; bit k of nonempty
 *            tells whether that list has a block;
 *   clean[]  1 bit per frame, set while the frame is zero-filled and was
 *            never handed out (UK_FALLOC_F_ZERO need not clear it).
 * An empty zone's used[], order[], big[] and clean[] are all zeros
 * (links are written before they are read), so metadata
 * known to be zero-filled (fresh RAM) needs no clearing: in sim, where
 * the host backs a page at its first touch, clearing the app heap's
 * (for a range of 4x RAM) took 22 of a boot's ~200 page faults.
 *
 * Invariant: two free buddies of the same order never both exist (they
 * are merged). Hence an aligned run of 2^k free frames is always covered
 * by one free block, which makes frees of any sub-range simple: clear the
 * used bits, cut the range into aligned blocks, free each with merging.
 * An allocation of n frames takes the smallest free block of order
 * >= log2(n) and frees its tail at once, so nothing is wasted.
 */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/arch/types.h>
#include <uk/arch/valgrind.h>
#include <uk/spinlock.h>
#include <uk/falloc.h>

#define MAX_ORDER	UK_FALLOCBUDDY_MAX_ORDER
#define NIL		0xffffffffU
#define ZONE_MAX_FRAMES	0xfffffffeUL
#define BPL		(8 * sizeof(unsigned long))
#define BIG_ORDER	9	/* 2^9 links of 8 bytes: a page */

struct fb_link {
	__u32 next;
	__u32 prev;
};

struct fb_big {
	struct fb_link link;
	__u32 order;			/* k + 1, or 0: no block here */
};

struct fb_zone {
	struct fb_zone *next;		/* zones sorted by base */
	__paddr_t base;
	unsigned long pfn0;		/* base >> PAGE_SHIFT */
	unsigned long frames;
	__vaddr_t dm_off;
	unsigned long nonempty;		/* bit k: head[k] != NIL */
	__u32 head[MAX_ORDER];
	unsigned long *used;
	struct fb_link *link;
	__u8 *order;
	unsigned long *clean;
	struct fb_big *big;
};

struct fallocbuddy {
	struct uk_falloc fa;
	struct uk_spinlock lock;
	struct fb_zone *zones;
	int vg;				/* running under valgrind */
};

/* --- bitmap helpers ---------------------------------------------------- */

static unsigned long bm_mask(unsigned long bit, unsigned long cnt)
{
	if (cnt == BPL)
		return ~0UL;
	return ((1UL << cnt) - 1) << bit;
}

static void bm_set(unsigned long *bm, unsigned long i, unsigned long n)
{
	while (n) {
		unsigned long b = i % BPL, cnt = MIN(n, BPL - b);

		bm[i / BPL] |= bm_mask(b, cnt);
		i += cnt;
		n -= cnt;
	}
}

static void bm_clear(unsigned long *bm, unsigned long i, unsigned long n)
{
	while (n) {
		unsigned long b = i % BPL, cnt = MIN(n, BPL - b);

		bm[i / BPL] &= ~bm_mask(b, cnt);
		i += cnt;
		n -= cnt;
	}
}

/* First bit in [i, end) equal to val, or end. */
static unsigned long bm_next(const unsigned long *bm, unsigned long i,
			     unsigned long end, int val)
{
	while (i < end) {
		unsigned long b = i % BPL;
		unsigned long w = val ? bm[i / BPL] : ~bm[i / BPL];

		w >>= b;
		if (w)
			return MIN(i + __builtin_ctzl(w), end);
		i += BPL - b;
	}
	return end;
}

/* --- free lists -------------------------------------------------------- */

static unsigned int ceil_log2(unsigned long n)
{
	return n <= 1 ? 0 : BPL - __builtin_clzl(n - 1);
}

static unsigned int floor_log2(unsigned long n)
{
	return BPL - 1 - __builtin_clzl(n);
}

/* big[] entry of frame i, which starts a block of order >= BIG_ORDER. */
static struct fb_big *big_of(const struct fb_zone *z, unsigned long i)
{
	return &z->big[((z->pfn0 + i) >> BIG_ORDER) -
		       (z->pfn0 >> BIG_ORDER)];
}

/* Links of the free block of order k at frame i. */
static struct fb_link *link_of(const struct fb_zone *z, unsigned long i,
			       unsigned int k)
{
	return k < BIG_ORDER ? &z->link[i] : &big_of(z, i)->link;
}

/* Whether a free block of order k starts at frame i (aligned on 2^k). */
static int is_head(const struct fb_zone *z, unsigned long i, unsigned int k)
{
	if (k < BIG_ORDER)
		return z->order[i] == k + 1;
	return big_of(z, i)->order == k + 1;
}

/* Marks frame i as the start of a free block of order k, or of none. */
static void set_head(struct fb_zone *z, unsigned long i, unsigned int k,
		     int on)
{
	if (k < BIG_ORDER)
		z->order[i] = on ? k + 1 : 0;
	else
		big_of(z, i)->order = on ? k + 1 : 0;
}

static void list_push(struct fb_zone *z, __u32 i, unsigned int k)
{
	struct fb_link *l = link_of(z, i, k);
	__u32 h = z->head[k];

	set_head(z, i, k, 1);
	l->prev = NIL;
	l->next = h;
	if (h != NIL)
		link_of(z, h, k)->prev = i;
	z->head[k] = i;
	z->nonempty |= 1UL << k;
}

/* Takes the free block of order k at frame i off its list. */
static void list_del(struct fb_zone *z, __u32 i, unsigned int k)
{
	struct fb_link *l = link_of(z, i, k);

	if (l->prev != NIL)
		link_of(z, l->prev, k)->next = l->next;
	else
		z->head[k] = l->next;
	if (l->next != NIL)
		link_of(z, l->next, k)->prev = l->prev;
	if (z->head[k] == NIL)
		z->nonempty &= ~(1UL << k);
	set_head(z, i, k, 0);
}

/* Frees block i of order k (used bits already clear), merging buddies. */
static void free_block(struct fb_zone *z, unsigned long i, unsigned int k)
{
	while (k < MAX_ORDER - 1) {
		unsigned long pfn = z->pfn0 + i;
		unsigned long bpfn = pfn ^ (1UL << k);
		unsigned long bi = bpfn - z->pfn0;

		if (bpfn < z->pfn0 || bi + (1UL << k) > z->frames)
			break;
		if (!is_head(z, bi, k))
			break;
		list_del(z, bi, k);
		i = MIN(i, bi);
		k++;
	}
	list_push(z, i, k);
}

/* Largest order of an aligned block at frame i no longer than n frames. */
static unsigned int block_order(struct fb_zone *z, unsigned long i,
				unsigned long n)
{
	unsigned long pfn = z->pfn0 + i;
	unsigned int k = floor_log2(n);

	if (pfn)
		k = MIN(k, (unsigned int)__builtin_ctzl(pfn));
	return MIN(k, MAX_ORDER - 1);
}

/* Puts frames [i, i + n) (used bits already clear) on the free lists. */
static void free_range(struct fb_zone *z, unsigned long i, unsigned long n)
{
	while (n) {
		unsigned int k = block_order(z, i, n);

		free_block(z, i, k);
		i += 1UL << k;
		n -= 1UL << k;
	}
}

/* Head of the free block that holds free frame i; its order in *kp. */
static unsigned long block_of(struct fb_zone *z, unsigned long i,
			      unsigned int *kp)
{
	unsigned long pfn = z->pfn0 + i;
	unsigned int k;

	for (k = 0; k < MAX_ORDER; k++) {
		unsigned long hpfn = pfn & ~((1UL << k) - 1);

		if (hpfn < z->pfn0)
			break;
		if (is_head(z, hpfn - z->pfn0, k)) {
			*kp = k;
			return hpfn - z->pfn0;
		}
	}
	return NIL;	/* not reached while the invariant holds */
}

/* Takes the free frames [i, i + n) off the free lists and marks them used. */
static void carve(struct fb_zone *z, unsigned long i, unsigned long n)
{
	while (n) {
		unsigned int k = 0;
		unsigned long h = block_of(z, i, &k);
		unsigned long end = h + (1UL << k);
		unsigned long take = MIN(n, end - i);

		list_del(z, h, k);
		bm_set(z->used, i, take);
		free_range(z, h, i - h);
		free_range(z, i + take, end - i - take);
		i += take;
		n -= take;
	}
}

/* --- zones ------------------------------------------------------------- */

static struct fb_zone *zone_of(struct fallocbuddy *b, __paddr_t paddr,
			       unsigned long frames)
{
	unsigned long pfn = paddr >> PAGE_SHIFT;
	struct fb_zone *z;

	for (z = b->zones; z; z = z->next) {
		if (pfn < z->pfn0 || pfn - z->pfn0 >= z->frames)
			continue;
		if (frames > z->frames - (pfn - z->pfn0))
			return NULL;
		return z;
	}
	return NULL;
}

/* Next frame index >= i whose absolute frame number is aligned on 2^a. */
static unsigned long align_index(struct fb_zone *z, unsigned long i,
				 unsigned int a)
{
	return ALIGN_UP(z->pfn0 + i, 1UL << a) - z->pfn0;
}

/* First run of n free frames in [lo, hi) aligned on 2^a, or NIL. */
static unsigned long find_run(struct fb_zone *z, unsigned long lo,
			      unsigned long hi, unsigned long n,
			      unsigned int a)
{
	unsigned long i = lo, j;

	for (;;) {
		i = bm_next(z->used, i, hi, 0);
		if (i >= hi)
			return NIL;
		i = align_index(z, i, a);
		if (i >= hi || n > hi - i)
			return NIL;
		j = bm_next(z->used, i, i + n, 1);
		if (j == i + n)
			return i;
		i = j + 1;
	}
}

/* Allocates n frames anywhere in z; returns the index or NIL. */
static unsigned long zone_alloc(struct fb_zone *z, unsigned long n,
				unsigned int a)
{
	unsigned int k = MAX(ceil_log2(n), a);
	unsigned long lists, i, j;

	lists = k < MAX_ORDER ? z->nonempty & ~((1UL << k) - 1) : 0;
	if (lists) {
		j = __builtin_ctzl(lists);
		i = z->head[j];
		list_del(z, i, j);
		bm_set(z->used, i, n);
		free_range(z, i + n, (1UL << j) - n);
		return i;
	}
	/* An exact power of two was exact; else look for any free run. */
	if (k < MAX_ORDER && IS_POW2(n) && a == ceil_log2(n))
		return NIL;
	i = find_run(z, 0, z->frames, n, a);
	if (i != NIL)
		carve(z, i, n);
	return i;
}

/* Allocates n frames within [lo, hi) of z; returns the index or NIL. */
static unsigned long zone_alloc_range(struct fb_zone *z, unsigned long lo,
				      unsigned long hi, unsigned long n,
				      unsigned int a)
{
	unsigned long i;

	if (lo == 0 && hi == z->frames)
		return zone_alloc(z, n, a);
	i = find_run(z, lo, hi, n, a);
	if (i != NIL)
		carve(z, i, n);
	return i;
}

static void *zone_va(struct fb_zone *z, unsigned long i)
{
	return (void *)((z->pfn0 + i) * PAGE_SIZE + z->dm_off);
}

/* --- vtable ------------------------------------------------------------ */

static int check_request(unsigned long frames, unsigned long flags)
{
	if (!frames || frames > ZONE_MAX_FRAMES)
		return -EINVAL;
	if (flags & ~(UK_FALLOC_F_ZERO | UK_FALLOC_F_ALIGN(0x3f)))
		return -EINVAL;
	if (UK_FALLOC_F_ALIGN_ORDER(flags) >= MAX_ORDER)
		return -EINVAL;
	return 0;
}

/* Allocates at the fixed address paddr; called with the lock held. */
static int alloc_fixed(struct fallocbuddy *b, __paddr_t paddr,
		       unsigned long n, unsigned int a, struct fb_zone **zp,
		       unsigned long *ip)
{
	struct fb_zone *z;
	unsigned long i;

	if (!PAGE_ALIGNED(paddr) ||
	    !IS_ALIGNED(paddr >> PAGE_SHIFT, 1UL << a))
		return -EINVAL;
	z = zone_of(b, paddr, n);
	if (!z)
		return -EINVAL;
	i = (paddr >> PAGE_SHIFT) - z->pfn0;
	if (bm_next(z->used, i, i + n, 1) != i + n)
		return -ENOMEM;
	carve(z, i, n);
	*zp = z;
	*ip = i;
	return 0;
}

/* Allocates n frames in [min, max); called with the lock held. */
static int alloc_range(struct fallocbuddy *b, __paddr_t min, __paddr_t max,
		       unsigned long n, unsigned int a, struct fb_zone **zp,
		       unsigned long *ip)
{
	unsigned long minpfn = PAGE_ALIGN_UP(min) >> PAGE_SHIFT;
	unsigned long maxpfn = max >> PAGE_SHIFT;
	struct fb_zone *z;

	if (PAGE_ALIGN_UP(min) < min)
		return -ENOMEM;
	for (z = b->zones; z; z = z->next) {
		unsigned long lo, hi, i;

		if (maxpfn <= z->pfn0 || minpfn >= z->pfn0 + z->frames)
			continue;
		lo = MAX(minpfn, z->pfn0) - z->pfn0;
		hi = MIN(maxpfn, z->pfn0 + z->frames) - z->pfn0;
		if (hi - lo < n)
			continue;
		i = zone_alloc_range(z, lo, hi, n, a);
		if (i != NIL) {
			*zp = z;
			*ip = i;
			return 0;
		}
	}
	return -ENOMEM;
}

static int fb_falloc_from_range(struct uk_falloc *fa, __paddr_t *paddr,
				unsigned long frames, unsigned long flags,
				__paddr_t min, __paddr_t max)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	unsigned int a = UK_FALLOC_F_ALIGN_ORDER(flags);
	struct fb_zone *z = NULL;
	unsigned long irqf, i = 0;
	int rc, clean = 0;

	rc = check_request(frames, flags);
	if (rc)
		return rc;
	if (!paddr || min >= max)
		return -EINVAL;

	uk_spin_lock_irqsave(&b->lock, irqf);
	if (*paddr != __PADDR_ANY) {
		if (*paddr < min || *paddr > max ||
		    frames > (max - *paddr) >> PAGE_SHIFT)
			rc = -EINVAL;
		else
			rc = alloc_fixed(b, *paddr, frames, a, &z, &i);
	} else {
		rc = alloc_range(b, min, max, frames, a, &z, &i);
	}
	if (!rc) {
		fa->free_memory -= frames * PAGE_SIZE;
		/* Never handed out and zero-filled from the start: no
		 * clearing (in sim, where the host backs a page at its
		 * first touch, this also keeps untouched RAM untouched). */
		clean = bm_next(z->clean, i, i + frames, 0) == i + frames;
		bm_clear(z->clean, i, frames);
	}
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	if (rc)
		return rc;

	*paddr = (z->pfn0 + i) << PAGE_SHIFT;
	if (b->vg)
		UK_VG_UNDEFINED(zone_va(z, i), frames * PAGE_SIZE);
	if ((flags & UK_FALLOC_F_ZERO) && !clean)
		memset(zone_va(z, i), 0, frames * PAGE_SIZE);
	else if ((flags & UK_FALLOC_F_ZERO) && b->vg)
		UK_VG_DEFINED(zone_va(z, i), frames * PAGE_SIZE);
	return 0;
}

static int fb_falloc(struct uk_falloc *fa, __paddr_t *paddr,
		     unsigned long frames, unsigned long flags)
{
	return fb_falloc_from_range(fa, paddr, frames, flags, 0, ~0UL);
}

static int fb_ffree(struct uk_falloc *fa, __paddr_t paddr,
		    unsigned long frames)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	struct fb_zone *z;
	unsigned long irqf, i;
	int rc = -EINVAL;

	if (!frames || !PAGE_ALIGNED(paddr))
		return -EINVAL;

	uk_spin_lock_irqsave(&b->lock, irqf);
	z = zone_of(b, paddr, frames);
	if (!z)
		goto out;
	i = (paddr >> PAGE_SHIFT) - z->pfn0;
	if (bm_next(z->used, i, i + frames, 0) != i + frames)
		goto out;
	bm_clear(z->used, i, frames);
	free_range(z, i, frames);
	fa->free_memory += frames * PAGE_SIZE;
	if (b->vg)
		UK_VG_NOACCESS(zone_va(z, i), frames * PAGE_SIZE);
	rc = 0;
out:
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	return rc;
}

int uk_fallocbuddy_set_zeroed(struct uk_falloc *fa, __paddr_t paddr,
			      unsigned long frames)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	unsigned long pfn = paddr >> PAGE_SHIFT, irqf, s, e;
	struct fb_zone *z;

	if (!PAGE_ALIGNED(paddr))
		return -EINVAL;
	uk_spin_lock_irqsave(&b->lock, irqf);
	for (z = b->zones; z; z = z->next) {
		s = MAX(pfn, z->pfn0);
		e = MIN(pfn + frames, z->pfn0 + z->frames);
		if (s >= e)
			continue;
		/* Only free frames: what is handed out may be written. */
		for (; s < e; s++)
			if (!(z->used[(s - z->pfn0) / BPL] &
			      (1UL << ((s - z->pfn0) % BPL))))
				bm_set(z->clean, s - z->pfn0, 1);
	}
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	return 0;
}

static unsigned long fb_max_frames(struct uk_falloc *fa)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	unsigned long irqf, best = 0;
	struct fb_zone *z;

	uk_spin_lock_irqsave(&b->lock, irqf);
	for (z = b->zones; z; z = z->next)
		if (z->nonempty)
			best = MAX(best, 1UL << floor_log2(z->nonempty));
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	return best;
}

/* big[] entries of a zone of frames frames, wherever it starts. */
static unsigned long big_entries(unsigned long frames)
{
	return (frames >> BIG_ORDER) + 2;
}

__sz uk_fallocbuddy_metadata_size(unsigned long frames)
{
	__sz sz = ALIGN_UP(sizeof(struct fb_zone), 8);

	sz += ALIGN_UP(big_entries(frames) * sizeof(struct fb_big), 8);
	sz += 2 * DIV_ROUND_UP(frames, BPL) * sizeof(unsigned long);
	sz += ALIGN_UP(frames, 8);
	sz += frames * sizeof(struct fb_link);
	return ALIGN_UP(sz, 8);
}

static int zones_overlap(struct fallocbuddy *b, unsigned long pfn,
			 unsigned long frames)
{
	struct fb_zone *z;

	for (z = b->zones; z; z = z->next)
		if (pfn < z->pfn0 + z->frames && z->pfn0 < pfn + frames)
			return 1;
	return 0;
}

static void zone_insert(struct fallocbuddy *b, struct fb_zone *nz)
{
	struct fb_zone **pp = &b->zones;

	while (*pp && (*pp)->pfn0 < nz->pfn0)
		pp = &(*pp)->next;
	nz->next = *pp;
	*pp = nz;
}

static void zone_setup(struct fb_zone *z, void *metadata, __paddr_t paddr,
		       unsigned long frames, __vaddr_t dm_off, int zeroed)
{
	char *p = (char *)metadata + ALIGN_UP(sizeof(*z), 8);
	unsigned int k;

	z->next = NULL;
	z->base = paddr;
	z->pfn0 = paddr >> PAGE_SHIFT;
	z->frames = frames;
	z->dm_off = dm_off;
	z->nonempty = 0;
	for (k = 0; k < MAX_ORDER; k++)
		z->head[k] = NIL;
	/* What a boot touches first, next to the zone's header. */
	z->big = (struct fb_big *)p;
	p += ALIGN_UP(big_entries(frames) * sizeof(struct fb_big), 8);
	z->used = (unsigned long *)p;
	p += DIV_ROUND_UP(frames, BPL) * sizeof(unsigned long);
	z->clean = (unsigned long *)p;
	p += DIV_ROUND_UP(frames, BPL) * sizeof(unsigned long);
	z->order = (__u8 *)p;
	p += ALIGN_UP(frames, 8);
	z->link = (struct fb_link *)p;

	if (!zeroed) {
		memset(z->big, 0, big_entries(frames) * sizeof(*z->big));
		memset(z->used, 0, DIV_ROUND_UP(frames, BPL) *
		       sizeof(unsigned long));
		memset(z->clean, 0, DIV_ROUND_UP(frames, BPL) *
		       sizeof(unsigned long));
		memset(z->order, 0, frames);
	}
	free_range(z, 0, frames);
}

/* As addmem; zeroed: the metadata is known to be zero-filled. */
static int zone_add(struct uk_falloc *fa, void *metadata, __paddr_t paddr,
		    unsigned long frames, __vaddr_t dm_off, int zeroed)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	struct fb_zone *z = (struct fb_zone *)ALIGN_UP((__uptr)metadata, 8);
	unsigned long pfn = paddr >> PAGE_SHIFT, irqf;
	int rc = 0;

	if (!metadata || (void *)z != metadata || !PAGE_ALIGNED(paddr))
		return -EINVAL;
	if (!frames || frames > ZONE_MAX_FRAMES ||
	    pfn + frames > (~0UL >> PAGE_SHIFT) || pfn + frames < pfn)
		return -EINVAL;

	zone_setup(z, metadata, paddr, frames, dm_off, zeroed);
	uk_spin_lock_irqsave(&b->lock, irqf);
	if (zones_overlap(b, pfn, frames)) {
		rc = -EINVAL;
	} else {
		zone_insert(b, z);
		if (!fa->total_memory || paddr < fa->zones_lo)
			fa->zones_lo = paddr;
		if (paddr + frames * PAGE_SIZE > fa->zones_hi)
			fa->zones_hi = paddr + frames * PAGE_SIZE;
		fa->total_memory += frames * PAGE_SIZE;
		fa->free_memory += frames * PAGE_SIZE;
	}
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	if (!rc && b->vg)
		UK_VG_NOACCESS(zone_va(z, 0), frames * PAGE_SIZE);
	return rc;
}

static int fb_addmem(struct uk_falloc *fa, void *metadata, __paddr_t paddr,
		     unsigned long frames, __vaddr_t dm_off)
{
	return zone_add(fa, metadata, paddr, frames, dm_off, 0);
}

int uk_fallocbuddy_addmem_zeroed(struct uk_falloc *fa, void *metadata,
				 __paddr_t paddr, unsigned long frames,
				 __vaddr_t dm_off)
{
	return zone_add(fa, metadata, paddr, frames, dm_off, 1);
}

int uk_fallocbuddy_addmem_inplace(struct uk_falloc *fa, __paddr_t paddr,
				  unsigned long frames, __vaddr_t dm_off,
				  int zeroed)
{
	unsigned long meta;
	int rc;

	if (!frames || frames > ZONE_MAX_FRAMES)
		return -EINVAL;
	meta = PAGE_COUNT(uk_fallocbuddy_metadata_size(frames));
	if (meta >= frames)
		return -EINVAL;
	paddr += meta * PAGE_SIZE;
	frames -= meta;
	rc = zone_add(fa, (void *)(paddr - meta * PAGE_SIZE + dm_off), paddr,
		      frames, dm_off, zeroed);
	if (rc || !zeroed)
		return rc;
	return uk_fallocbuddy_set_zeroed(fa, paddr, frames);
}

__sz uk_fallocbuddy_size(void)
{
	return sizeof(struct fallocbuddy);
}

struct uk_falloc *uk_fallocbuddy_init(void *mem)
{
	struct fallocbuddy *b = mem;

	memset(b, 0, sizeof(*b));
	uk_spin_init(&b->lock);
	b->fa.falloc = fb_falloc;
	b->fa.falloc_from_range = fb_falloc_from_range;
	b->fa.ffree = fb_ffree;
	b->fa.addmem = fb_addmem;
	b->fa.max_frames = fb_max_frames;
	b->vg = uk_valgrind_running() != 0;
	return &b->fa;
}

/* --- statistics and self-check ----------------------------------------- */

unsigned long uk_fallocbuddy_free_blocks(struct uk_falloc *fa,
					 unsigned int order)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	unsigned long irqf, n = 0;
	struct fb_zone *z;
	__u32 i;

	if (order >= MAX_ORDER)
		return 0;
	uk_spin_lock_irqsave(&b->lock, irqf);
	for (z = b->zones; z; z = z->next)
		for (i = z->head[order]; i != NIL;
		     i = link_of(z, i, order)->next)
			n++;
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	return n;
}

/* Checks the free lists of z; returns the number of free frames or -1. */
static long zone_check(struct fb_zone *z)
{
	unsigned long nfree = 0, i, bi;
	unsigned int k;

	for (k = 0; k < MAX_ORDER; k++) {
		if (!!(z->nonempty & (1UL << k)) != (z->head[k] != NIL))
			return -1;
		for (i = z->head[k]; i != NIL; i = link_of(z, i, k)->next) {
			if (i + (1UL << k) > z->frames ||
			    !IS_ALIGNED(z->pfn0 + i, 1UL << k) ||
			    !is_head(z, i, k))
				return -1;
			if (bm_next(z->used, i, i + (1UL << k), 1) !=
			    i + (1UL << k))
				return -1;
			bi = ((z->pfn0 + i) ^ (1UL << k)) - z->pfn0;
			if (k < MAX_ORDER - 1 && bi < z->frames &&
			    is_head(z, bi, k))
				return -1;
			nfree += 1UL << k;
		}
	}
	for (i = 0, bi = 0; i < z->frames; i++)
		bi += !(z->used[i / BPL] & (1UL << (i % BPL)));
	return bi == nfree ? (long)nfree : -1;
}

int uk_fallocbuddy_check(struct uk_falloc *fa)
{
	struct fallocbuddy *b = containerof(fa, struct fallocbuddy, fa);
	unsigned long irqf, nfree = 0;
	struct fb_zone *z;
	long n;
	int rc = 0;

	uk_spin_lock_irqsave(&b->lock, irqf);
	for (z = b->zones; z && !rc; z = z->next) {
		n = zone_check(z);
		if (n < 0)
			rc = -EINVAL;
		else
			nfree += n;
	}
	if (!rc && nfree * PAGE_SIZE != fa->free_memory)
		rc = -EINVAL;
	uk_spin_unlock_irqrestore(&b->lock, irqf);
	return rc;
}
