/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory tagging (arm64 MTE, v0.11.0 notes): the kernel heap gives each
 * block a random 4-bit tag, kept in the pointer's top byte and in the
 * allocation tags of the block's 16-byte granules, and retags a block
 * when it is freed, so a use after free or an overflow into the next
 * block is a synchronous tag check fault. Untagged pointers (the top
 * byte 0x00 or 0xff) are never checked (TCR_EL1.TCMA), so only heap
 * pointers are. Elsewhere, and on CPUs without MTE, every call is a
 * no-op: ukarch_memtag_enabled() is 0 (a constant off arm64).
 *
 * Where the tag storage turns out to hold only one tag per page (the
 * backend's self-test; Debian 12's QEMU 7.2 drops the in-page offset of
 * tag addresses), ukarch_memtag_fine() is 0: only whole pages may then
 * be tagged, and the heap tags its page-sized blocks only.
 */
#ifndef __UK_ARCH_MEMTAG_H__
#define __UK_ARCH_MEMTAG_H__

#include <uk/arch/types.h>

#define UKARCH_MEMTAG_GRANULE	16

#if defined(__aarch64__)
/* Set by the backend once tag checks are on (after paging init): 1 with
 * per-granule tags, 2 when only whole pages can carry their own tag. */
extern int ukarch_memtag_on;

static inline int ukarch_memtag_enabled(void)
{
	return __builtin_expect(ukarch_memtag_on, 0);
}

/* Nonzero if every 16-byte granule has a tag of its own. */
static inline int ukarch_memtag_fine(void)
{
	return ukarch_memtag_on == 1;
}

/* p without its tag: an address as the MMU translates it. */
static inline void *ukarch_memtag_strip(const void *p)
{
	unsigned long v = (unsigned long)p;

	v = (v & (1UL << 55)) ? v | (0xfUL << 56) : v & ~(0xfUL << 56);
	return (void *)v;
}

/*
 * The MTE instructions as words (the kernel is built for Armv8.0, whose
 * assembler rejects them), on fixed registers: LDG x0, [x0];
 * STG x0, [x0]; IRG x0, x0, x1; STGM x1, [x0]. They run only where the
 * CPU has MTE.
 */
#define UKARCH_LDG_X0_X0	".inst 0xd9600000"
#define UKARCH_STG_X0_X0	".inst 0xd9200800"
#define UKARCH_IRG_X0_X0_X1	".inst 0x9ac11000"
#define UKARCH_STGM_X1_X0	".inst 0xd9a00001"

/* The allocation tag of the granule at p. */
static inline unsigned int ukarch_memtag_get(const void *p)
{
	register unsigned long x0 __asm__("x0") =
		(unsigned long)ukarch_memtag_strip(p);

	__asm__ __volatile__(UKARCH_LDG_X0_X0 : "+r"(x0) : : "memory");
	return (unsigned int)(x0 >> 56) & 0xf;
}

/* Gives the len bytes (granules) at p the tag of the pointer p. Whole
 * 256-byte blocks where tags are per page only: STGM (bulk tag store,
 * 16 granules, EL1) is the store that also reaches the tag bytes QEMU
 * 7.2's checks of an access spanning two granules read. */
static inline void ukarch_memtag_apply(void *p, __sz len)
{
	unsigned long g = (unsigned long)p, end = g + len;

	if (!ukarch_memtag_fine() && !(g & 255) && !(len & 255)) {
		register unsigned long x1 __asm__("x1") =
			((g >> 56) & 0xf) * 0x1111111111111111UL;

		for (; g < end; g += 256) {
			register unsigned long x0 __asm__("x0") = g;

			__asm__ __volatile__(UKARCH_STGM_X1_X0
					     : : "r"(x0), "r"(x1) : "memory");
		}
		return;
	}
	for (; g < end; g += UKARCH_MEMTAG_GRANULE) {
		register unsigned long x0 __asm__("x0") = g;

		__asm__ __volatile__(UKARCH_STG_X0_X0 : : "r"(x0) : "memory");
	}
}

/* Picks a random tag other than those in the mask exclude (bit n: tag
 * n; 0 and 15 are always excluded), gives it to the len bytes at p and
 * returns p carrying it. */
static inline void *ukarch_memtag_new(void *p, __sz len,
				      unsigned long exclude)
{
	register unsigned long x0 __asm__("x0") =
		(unsigned long)ukarch_memtag_strip(p);
	register unsigned long x1 __asm__("x1") = exclude | 0x8001UL;
	unsigned long tagged;

	__asm__ __volatile__(UKARCH_IRG_X0_X0_X1 : "+r"(x0) : "r"(x1));
	/* Out of x0 at once: apply() uses x0 for its own operands. */
	tagged = x0;
	ukarch_memtag_apply((void *)tagged, len);
	return (void *)tagged;
}
#else
static inline int ukarch_memtag_enabled(void)
{
	return 0;
}

static inline int ukarch_memtag_fine(void)
{
	return 0;
}

static inline void *ukarch_memtag_strip(const void *p)
{
	return (void *)p;
}

static inline unsigned int ukarch_memtag_get(const void *p)
{
	return 0;
}

static inline void ukarch_memtag_apply(void *p, __sz len)
{
}

static inline void *ukarch_memtag_new(void *p, __sz len,
				      unsigned long exclude)
{
	return p;
}
#endif

#endif /* __UK_ARCH_MEMTAG_H__ */
