/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For backends: the argument rules of ukplat_lcpu_start() (uk/plat/lcpu.h),
 * checked the same way by every backend. Header-only, because sim's
 * backend is host code and cannot call guest code.
 */
#ifndef __UK_PLAT_LCPU_START_H__
#define __UK_PLAT_LCPU_START_H__

#include <errno.h>
#include <uk/plat/lcpu.h>

/* Fills todo[] with the CPUs ukplat_lcpu_start(lcpuidx, count, sp, entry)
 * must start, out of cpu_count, started(idx) telling which run already.
 * Returns their number, -EINVAL or -EALREADY. */
static inline int ukplat_lcpu_start_list(const __lcpuidx lcpuidx[],
					 unsigned int count, void *sp[],
					 ukplat_lcpu_entry_t entry[],
					 __lcpuidx todo[],
					 unsigned int cpu_count,
					 int (*started)(__lcpuidx idx))
{
	unsigned long seen = 0;
	unsigned int i, n = 0;

	if (!lcpuidx) {
		for (i = 1; i < cpu_count; i++)
			if (!started(i))
				todo[n++] = i;
		if (!n)
			return -EALREADY;
		if ((sp || entry) && count < n)
			return -EINVAL;
	} else {
		for (i = 0; i < count; i++) {
			if (lcpuidx[i] == 0 || lcpuidx[i] >= cpu_count ||
			    (seen & (1UL << lcpuidx[i])))
				return -EINVAL;
			seen |= 1UL << lcpuidx[i];
			if (started(lcpuidx[i]))
				return -EALREADY;
			todo[n++] = lcpuidx[i];
		}
	}
	for (i = 0; i < n; i++)
		if (entry && entry[i] && (!sp || !sp[i]))
			return -EINVAL;
	return (int)n;
}

#endif /* __UK_PLAT_LCPU_START_H__ */
