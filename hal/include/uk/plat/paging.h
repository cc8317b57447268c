/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic paging over ukarch_pte_* (implemented once in hal/common, shared
 * by every backend). Page tables are frames of the frame allocator,
 * accessed through the direct map (vaddr = paddr + bootinfo dm_off).
 * Mapping calls choose 4 KiB or 2 MiB pages by alignment and size unless
 * a size is forced (PAGE_FLAG_FORCE_SIZE | PAGE_FLAG_SIZE(lvl), lvl up to
 * PAGE_HUGE_LEVEL). Every call takes the table's lock: SMP-safe, and
 * callable from the page-fault handler (no sleeping, no heap use).
 *
 * Virtual address-space window: the backend describes the range where
 * address spaces (core/vmem) may map pages as a bootinfo region of type
 * UKPLAT_MEMRT_VAS (vbase, len; no physical backing, nothing mapped at
 * boot). ukplat_paging_vas_window() returns it.
 */
#ifndef __UK_PLAT_PAGING_H__
#define __UK_PLAT_PAGING_H__

#include <uk/arch/paging.h>
#include <uk/spinlock.h>

struct uk_falloc;
struct ukplat_bootinfo;

struct uk_pagetable {
	__paddr_t pt_pbase;		/* root table, physical */
	__vaddr_t pt_vbase;		/* root table, through the direct map */
	__vaddr_t dm_off;		/* direct map: vaddr = paddr + dm_off */
	struct uk_falloc *fa;		/* frames for tables and __PADDR_ANY */
	struct uk_spinlock lock;	/* serialises every change and walk */
	unsigned long nr_tables;	/* table frames in use, root included */
};

#define PAGE_FLAG_KEEP_PTES	0x01	/* unmap: keep empty tables */
#define PAGE_FLAG_KEEP_FRAMES	0x02	/* unmap: do not free the frames */
#define PAGE_FLAG_FORCE_SIZE	0x04	/* use exactly the given page size */
#define PAGE_FLAG_DEVICE	0x08	/* map: device memory (MMIO), uncached */
#define PAGE_FLAG_SIZE(lvl)	((unsigned long)(lvl) << 8)
#define PAGE_FLAG_SIZE_LEVEL(flags)	(((flags) >> 8) & 0xf)

/*
 * Builds the kernel's page table from bi's regions (the direct map of all
 * RAM read-write, the image sections with their permissions) with table
 * frames from fa, and makes it the active one. The boot sequence calls it
 * once the frame allocator exists. Returns 0 or -errno.
 */
int ukplat_paging_init(struct ukplat_bootinfo *bi, struct uk_falloc *fa);

/* Bounds of the address-space window (UKPLAT_MEMRT_VAS region): *base and
 * *len. Returns 0 or -ENOENT if the backend declares none. */
int ukplat_paging_vas_window(__vaddr_t *base, __sz *len);

/* Returns the page table in use on this CPU (NULL before paging init). */
struct uk_pagetable *ukplat_pt_get_active(void);

/*
 * Maps pages 4 KiB pages at vaddr to paddr (or to newly allocated frames
 * if paddr is __PADDR_ANY; contents not zeroed) with PAGE_ATTR_* attr.
 * Nothing is changed on error. Returns 0, -EEXIST (part of the range is
 * already mapped), -ENOMEM (no frames), or -EINVAL (unaligned, empty,
 * overflowing range, bad level, or an address the backend cannot map).
 */
int ukplat_page_map(struct uk_pagetable *pt, __vaddr_t vaddr,
		    __paddr_t paddr, unsigned long pages, unsigned long attr,
		    unsigned long flags);

/* Called (table lock held) before each leaf PTE is written, with the
 * virtual address it maps; may change *pte, or return a negative errno to
 * stop: the mapping made so far is undone and the error returned. */
typedef int (*ukplat_page_mapx_func_t)(__vaddr_t vaddr, __pte_t *pte,
				       void *ctx);
/* Like ukplat_page_map with fn (may be NULL) called before each leaf. */
int ukplat_page_mapx(struct uk_pagetable *pt, __vaddr_t vaddr,
		     __paddr_t paddr, unsigned long pages, unsigned long attr,
		     unsigned long flags, ukplat_page_mapx_func_t fn,
		     void *ctx);

/*
 * Like ukplat_page_map with a given paddr, but pages of the range that
 * are already mapped to exactly the frames they would get are kept as
 * they are (attributes unchanged), and only the holes are mapped. For
 * mappings several users share without knowing of each other (device
 * memory). Returns 0, -EEXIST (a page maps other frames: nothing
 * changed), -ENOMEM (holes mapped before stay mapped) or -EINVAL (as
 * ukplat_page_map; also __PADDR_ANY or a forced size).
 */
int ukplat_page_map_shared(struct uk_pagetable *pt, __vaddr_t vaddr,
			   __paddr_t paddr, unsigned long pages,
			   unsigned long attr, unsigned long flags);

/*
 * Device memory (MMIO): maps the pages of [paddr, paddr + len) at the same
 * virtual address, read-write, uncached (PAGE_FLAG_DEVICE), never
 * executable, with ukplat_page_map_shared, so drivers may map a register
 * window whole or in parts, in any order, as often as they like. Every
 * driver's mapping of device memory goes through here. Returns the
 * virtual address of paddr, or ERR2PTR(-errno) (reported on the console).
 */
void *ukplat_page_map_mmio(struct uk_pagetable *pt, __paddr_t paddr,
			   __sz len);

/*
 * Unmaps the mapped pages in pages 4 KiB pages at vaddr (holes are
 * skipped), splitting large pages the range covers partly. Frees the
 * frames (unless PAGE_FLAG_KEEP_FRAMES) and tables left empty (unless
 * PAGE_FLAG_KEEP_PTES). Returns 0, -EINVAL (bad range) or -ENOMEM (no
 * frame for the table a split needs; nothing beyond it is unmapped).
 */
int ukplat_page_unmap(struct uk_pagetable *pt, __vaddr_t vaddr,
		      unsigned long pages, unsigned long flags);

/* Sets PAGE_ATTR_* attr on the mapped pages of the range (unmapped ones
 * are skipped), splitting large pages covered partly. Returns 0, -EINVAL
 * or -ENOMEM (as unmap). */
int ukplat_page_set_attr(struct uk_pagetable *pt, __vaddr_t vaddr,
			 unsigned long pages, unsigned long attr,
			 unsigned long flags);

/* Returns a kernel address of pages frames at paddr (through the direct
 * map; nothing is mapped), or __VADDR_INV if they lie outside it.
 * ukplat_page_kunmap releases it (a no-op with a direct map). */
__vaddr_t ukplat_page_kmap(struct uk_pagetable *pt, __paddr_t paddr,
			   unsigned long pages, unsigned long flags);
void ukplat_page_kunmap(struct uk_pagetable *pt, __vaddr_t vaddr,
			unsigned long pages, unsigned long flags);

/*
 * Walks to the entry of vaddr. On return *level is the level of the leaf
 * (or of the lowest table reached), *pt_vaddr that table's address and
 * *pte the entry (each pointer may be NULL). Returns 0 if vaddr is mapped
 * (by a leaf, even PAGE_ATTR_PROT_NONE), -EFAULT if not.
 */
int ukplat_pt_walk(struct uk_pagetable *pt, __vaddr_t vaddr,
		   unsigned int *level, __vaddr_t *pt_vaddr, __pte_t *pte);

#endif /* __UK_PLAT_PAGING_H__ */
