/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/plat/bootinfo.h>

int ukplat_bootinfo_add_mrd(struct ukplat_bootinfo *bi,
			    const struct ukplat_memregion_desc *mrd)
{
	if (bi->nr_mrds >= UKPLAT_BOOTINFO_MAXMR)
		return -ENOMEM;
	bi->mrds[bi->nr_mrds++] = *mrd;
	return 0;
}

int ukplat_bootinfo_add(struct ukplat_bootinfo *bi, __paddr_t pbase,
			__vaddr_t vbase, __sz len, int type, int flags,
			const char *name)
{
	struct ukplat_memregion_desc mrd = {
		.pbase = pbase, .vbase = vbase, .len = len,
		.type = (__u16)type, .flags = (__u16)flags,
	};

	if (!len)
		return 0;
	strncpy(mrd.name, name, sizeof(mrd.name) - 1);
	return ukplat_bootinfo_add_mrd(bi, &mrd);
}

int ukplat_bootinfo_add_ram(struct ukplat_bootinfo *bi, __paddr_t lo,
			    __paddr_t hi, const __paddr_t excl[][2],
			    unsigned int nexcl)
{
	const int rw = UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE;
	__paddr_t cut;
	unsigned int i;
	int rc = 0;

	lo = PAGE_ALIGN_UP(lo);
	hi = PAGE_ALIGN_DOWN(hi);
	while (lo < hi && rc == 0) {
		/* The first excluded range that overlaps, if any. */
		for (i = 0; i < nexcl; i++)
			if (excl[i][0] < hi && excl[i][1] > lo)
				break;
		if (i == nexcl)
			return ukplat_bootinfo_add(bi, lo, lo + bi->dm_off,
						   hi - lo, UKPLAT_MEMRT_FREE,
						   rw, "ram");
		if (excl[i][0] > lo) {
			/* Free part before it, then continue at it. */
			rc = ukplat_bootinfo_add_ram(bi, lo, excl[i][0], excl,
						     nexcl);
			lo = excl[i][0];
		}
		cut = MIN(hi, PAGE_ALIGN_UP(excl[i][1]));
		if (rc == 0)
			rc = ukplat_bootinfo_add(bi, lo, lo + bi->dm_off,
						 cut - lo,
						 UKPLAT_MEMRT_RESERVED, rw,
						 "reserved");
		lo = cut;
	}
	return rc;
}
