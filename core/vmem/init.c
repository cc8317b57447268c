/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot: the kernel's VAS over the active page table and the backend's
 * address-space window. Regions of the boot information that already
 * live inside the window (image sections, initrd, boot stack on metal)
 * become reservations, so nothing is mapped over them.
 */
#include <errno.h>
#include <uk/alloc.h>
#include <uk/falloc.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "vmem_internal.h"

static struct uk_vas kernel_vas;

static void reserve_regions(struct uk_vas *vas, struct ukplat_bootinfo *bi)
{
	const struct ukplat_memregion_desc *m;
	__vaddr_t start, end;
	unsigned int i;
	int rc;

	for (i = 0; i < bi->nr_mrds; i++) {
		m = &bi->mrds[i];
		if (m->type == UKPLAT_MEMRT_VAS || !m->len)
			continue;
		start = MAX(PAGE_ALIGN_DOWN(m->vbase), vas->start);
		end = MIN(PAGE_ALIGN_UP(m->vbase + m->len), vas->end);
		if (start >= end)
			continue;
		rc = uk_vma_reserve_ex(vas, &start, end - start,
				       ukplat_memregion_attr(m),
				       UK_VMA_MAP_REPLACE, m->name);
		if (rc < 0)
			uk_pr_warn("vmem: cannot reserve region %s: %d\n",
				   m->name, rc);
	}
}

/* A region inside the window that is not the app's: device memory or
 * firmware's (metal x86_64: the device hole below 4 GiB). */
static int window_hole(const struct ukplat_memregion_desc *m)
{
	return (m->type & (UKPLAT_MEMRT_DEVICE | UKPLAT_MEMRT_RESERVED)) &&
	       m->len && m->vbase + m->len > m->vbase;
}

/* Adds the window minus its holes, lowest piece first. */
static void window_ranges(struct uk_vas *vas, struct ukplat_bootinfo *bi)
{
	const struct ukplat_memregion_desc *m;
	__vaddr_t at = vas->start, next, skip;
	unsigned int i;

	while (at < vas->end) {
		next = vas->end;
		skip = vas->end;
		for (i = 0; bi && i < bi->nr_mrds; i++) {
			m = &bi->mrds[i];
			if (!window_hole(m) || m->vbase + m->len <= at ||
			    PAGE_ALIGN_DOWN(m->vbase) >= next)
				continue;
			next = MAX(PAGE_ALIGN_DOWN(m->vbase), at);
			skip = PAGE_ALIGN_UP(m->vbase + m->len);
		}
		if (next > at && uk_user_range_add(at, next) < 0)
			uk_pr_warn("vmem: too many app ranges\n");
		at = skip;
	}
}

/* App memory (uk/nofault.h): the window but for its holes, and the
 * image's sections. The direct map (the kernel heap, every frame) is
 * not, nor device memory, nor anything of the host's in sim: system
 * calls refuse those before touching them. */
static void user_ranges(struct uk_vas *vas, struct ukplat_bootinfo *bi)
{
	const struct ukplat_memregion_desc *m;
	unsigned int i;

	window_ranges(vas, bi);
	for (i = 0; bi && i < bi->nr_mrds; i++) {
		m = &bi->mrds[i];
		if (m->type == UKPLAT_MEMRT_KERNEL && m->len &&
		    uk_user_range_add(PAGE_ALIGN_DOWN(m->vbase),
				      PAGE_ALIGN_UP(m->vbase + m->len)) < 0)
			uk_pr_warn("vmem: too many app ranges\n");
	}
}

static int vmem_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	struct uk_pagetable *pt = ukplat_pt_get_active();
	__vaddr_t base;
	__sz len;
	int rc;

	if (!pt || ukplat_paging_vas_window(&base, &len) < 0) {
		uk_pr_warn("vmem: no page table or address-space window: "
			   "no virtual memory\n");
		return 0;
	}
	rc = uk_vas_init(&kernel_vas, pt, uk_alloc_get_default(),
			 pt->fa ? pt->fa : uk_falloc_get_default(),
			 PAGE_ALIGN_UP(base), PAGE_ALIGN_DOWN(base + len));
	if (rc < 0)
		return rc;
	if (bi)
		reserve_regions(&kernel_vas, bi);
	uk_vas_set_active(&kernel_vas);
	user_ranges(&kernel_vas, bi);
	uk_pr_debug("vmem: VAS 0x%lx-0x%lx\n", kernel_vas.start,
		    kernel_vas.end);
	return 0;
}

/* Early: the scheduler's stacks and every library's mmap come after. No
 * term: at shutdown a thread may still run on a stack of this VAS. */
uk_early_initcall_prio(vmem_init, NULL, 1);
