/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic paging over ukarch_pte_* (implemented once in hal/, shared by
 * every backend). Mapping calls choose 4 KiB or 2 MiB pages by alignment
 * and size unless a size is forced.
 */
#ifndef __UK_PLAT_PAGING_H__
#define __UK_PLAT_PAGING_H__

#include <uk/arch/paging.h>

struct uk_pagetable;

#define PAGE_FLAG_KEEP_PTES	0x01	/* unmap: keep empty tables */
#define PAGE_FLAG_KEEP_FRAMES	0x02	/* unmap: do not free the frames */
#define PAGE_FLAG_FORCE_SIZE	0x04	/* use exactly the given page size */
#define PAGE_FLAG_SIZE(lvl)	((unsigned long)(lvl) << 8)

/* Returns the page table in use on this CPU. */
struct uk_pagetable *ukplat_pt_get_active(void);

/* Maps pages pages at vaddr to paddr (or to newly allocated frames if
 * paddr is __PADDR_ANY) with PAGE_ATTR_* attr. Returns 0, -EEXIST (already
 * mapped), -ENOMEM or -EINVAL. */
int ukplat_page_map(struct uk_pagetable *pt, __vaddr_t vaddr,
		    __paddr_t paddr, unsigned long pages, unsigned long attr,
		    unsigned long flags);

/* Called before each PTE is written; may change *pte or return an error. */
typedef int (*ukplat_page_mapx_func_t)(__vaddr_t vaddr, __pte_t *pte,
				       void *ctx);
/* Like ukplat_page_map with a callback before each entry is written. */
int ukplat_page_mapx(struct uk_pagetable *pt, __vaddr_t vaddr,
		     __paddr_t paddr, unsigned long pages, unsigned long attr,
		     unsigned long flags, ukplat_page_mapx_func_t fn,
		     void *ctx);

/* Unmaps pages pages at vaddr, splitting large pages, freeing frames and
 * empty tables unless flags say otherwise. Returns 0 or -errno. */
int ukplat_page_unmap(struct uk_pagetable *pt, __vaddr_t vaddr,
		      unsigned long pages, unsigned long flags);

/* Sets attr on mapped pages of the range (unmapped ones are skipped). */
int ukplat_page_set_attr(struct uk_pagetable *pt, __vaddr_t vaddr,
			 unsigned long pages, unsigned long attr,
			 unsigned long flags);

/* Maps paddr temporarily for kernel access; returns the address or
 * __VADDR_INV. ukplat_page_kunmap undoes it. */
__vaddr_t ukplat_page_kmap(struct uk_pagetable *pt, __paddr_t paddr,
			   unsigned long pages, unsigned long flags);
void ukplat_page_kunmap(struct uk_pagetable *pt, __vaddr_t vaddr,
			unsigned long pages, unsigned long flags);

/* Walks to the entry of vaddr: *level and *pte get the leaf (or the lowest
 * existing level). Returns 0 if mapped, -EFAULT if not. */
int ukplat_pt_walk(struct uk_pagetable *pt, __vaddr_t vaddr,
		   unsigned int *level, __vaddr_t *pt_vaddr, __pte_t *pte);

#endif /* __UK_PLAT_PAGING_H__ */
