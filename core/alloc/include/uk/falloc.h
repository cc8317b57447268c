/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame allocator: hands out physical page frames. One vtable, any number
 * of implementations; the buddy allocator below is the default one.
 * All operations are SMP- and interrupt-safe (each allocator has a lock).
 */
#ifndef __UK_FALLOC_H__
#define __UK_FALLOC_H__

#include <uk/arch/types.h>

/* Flags of falloc/falloc_from_range. */
#define UK_FALLOC_F_ZERO	0x1UL	/* zero the frames (via direct map) */
/* The block starts at a multiple of 2^order frames (physical address). */
#define UK_FALLOC_F_ALIGN(order)	(((unsigned long)(order) & 0x3f) << 8)
#define UK_FALLOC_F_ALIGN_ORDER(flags)	(((flags) >> 8) & 0x3f)

struct uk_falloc {
	/*
	 * Allocates frames contiguous frames. *paddr in: __PADDR_ANY or the
	 * wanted base; out: the base. flags: UK_FALLOC_F_*.
	 * Returns 0, -ENOMEM (no such free block) or -EINVAL.
	 */
	int (*falloc)(struct uk_falloc *fa, __paddr_t *paddr,
		      unsigned long frames, unsigned long flags);
	/* Same, but the block lies within [min, max). */
	int (*falloc_from_range)(struct uk_falloc *fa, __paddr_t *paddr,
				 unsigned long frames, unsigned long flags,
				 __paddr_t min, __paddr_t max);
	/*
	 * Frees frames starting at paddr; need not match an allocation (part
	 * of one, or several adjacent ones). Returns 0, or -EINVAL if a frame
	 * is not allocated or outside every zone (nothing is freed then).
	 */
	int (*ffree)(struct uk_falloc *fa, __paddr_t paddr,
		     unsigned long frames);
	/*
	 * Adds [paddr, paddr + frames * PAGE_SIZE), accessible at
	 * paddr + dm_off, as a new zone; metadata holds its bookkeeping
	 * (size: the implementation's metadata_size). Returns 0 or -EINVAL
	 * (unaligned, empty, too large, overlapping an existing zone).
	 */
	int (*addmem)(struct uk_falloc *fa, void *metadata, __paddr_t paddr,
		      unsigned long frames, __vaddr_t dm_off);
	/* Returns the size in frames of the largest block falloc can give. */
	unsigned long (*max_frames)(struct uk_falloc *fa);

	unsigned long free_memory;	/* bytes */
	unsigned long total_memory;	/* bytes */
	/* Every zone lies in [zones_lo, zones_hi) (physical). */
	__paddr_t zones_lo, zones_hi;
};

/* Wrappers of the vtable, for readability at call sites. */
static inline int uk_falloc(struct uk_falloc *fa, __paddr_t *paddr,
			    unsigned long frames, unsigned long flags)
{
	return fa->falloc(fa, paddr, frames, flags);
}

static inline int uk_ffree(struct uk_falloc *fa, __paddr_t paddr,
			   unsigned long frames)
{
	return fa->ffree(fa, paddr, frames);
}

/* The system-wide frame allocator (NULL until boot sets it). */
struct uk_falloc *uk_falloc_get_default(void);
/* Makes fa the system-wide frame allocator. */
void uk_falloc_set_default(struct uk_falloc *fa);

/*
 * Buddy allocator: multi-zone, page granularity, power-of-two blocks
 * naturally aligned in physical memory; a request of n frames takes n
 * frames (the tail of its block is given back). Per-frame bookkeeping
 * (~9.2 bytes per frame) lives in the metadata given to addmem; the
 * allocator never writes into the frames it manages (except F_ZERO).
 * Zones hold at most 2^32 - 1 frames each.
 */
#define UK_FALLOCBUDDY_MAX_ORDER	32	/* blocks up to 2^31 frames */

/* Size of the memory uk_fallocbuddy_init needs (the allocator itself). */
__sz uk_fallocbuddy_size(void);
/* Makes an empty buddy allocator (no zones) in mem; returns it. */
struct uk_falloc *uk_fallocbuddy_init(void *mem);
/* Bytes of metadata addmem needs for a zone of frames frames. */
__sz uk_fallocbuddy_metadata_size(unsigned long frames);
/*
 * As fa->addmem, for metadata known to be zero-filled (fresh memory): it
 * is not cleared, so pages of it nobody uses are never touched.
 */
int uk_fallocbuddy_addmem_zeroed(struct uk_falloc *fa, void *metadata,
				 __paddr_t paddr, unsigned long frames,
				 __vaddr_t dm_off);
/*
 * Adds [paddr, paddr + frames * PAGE_SIZE) as a zone whose metadata is
 * taken from its own first frames. zeroed: the range is known to be
 * zero-filled (RAM nobody wrote yet): the metadata is not cleared, and
 * the frames are declared zeroed (uk_fallocbuddy_set_zeroed). Returns 0
 * or -EINVAL (too small, or as addmem).
 */
int uk_fallocbuddy_addmem_inplace(struct uk_falloc *fa, __paddr_t paddr,
				  unsigned long frames, __vaddr_t dm_off,
				  int zeroed);
/*
 * Declares the free frames of [paddr, paddr + frames * PAGE_SIZE) filled
 * with zeros (RAM nobody wrote yet): UK_FALLOC_F_ZERO skips clearing them
 * until they have been handed out once. Returns 0 or -EINVAL.
 */
int uk_fallocbuddy_set_zeroed(struct uk_falloc *fa, __paddr_t paddr,
			      unsigned long frames);
/* Number of free blocks of 2^order frames (statistics, tests). */
unsigned long uk_fallocbuddy_free_blocks(struct uk_falloc *fa,
					 unsigned int order);
/* Checks every invariant (O(frames)). Returns 0 or -EINVAL if broken. */
int uk_fallocbuddy_check(struct uk_falloc *fa);

#endif /* __UK_FALLOC_H__ */
