/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <uk/plat/bootinfo.h>

int ukplat_bootinfo_add_mrd(struct ukplat_bootinfo *bi,
			    const struct ukplat_memregion_desc *mrd)
{
	if (bi->nr_mrds >= UKPLAT_BOOTINFO_MAXMR)
		return -ENOMEM;
	bi->mrds[bi->nr_mrds++] = *mrd;
	return 0;
}
