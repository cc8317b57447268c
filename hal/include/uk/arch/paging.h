/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Page-table entries, in the architecture's format (x86_64: 4 levels of
 * 512 entries; sim uses the same format in its memfd memory). The generic
 * paging code in hal/ (uk/plat/paging.h) is written against these only.
 * In sim, ukarch_pte_write() also applies the mapping to the process
 * (mmap of the memfd, mprotect, or PROT_NONE).
 */
#ifndef __UK_ARCH_PAGING_H__
#define __UK_ARCH_PAGING_H__

#include <uk/arch/types.h>

#define PT_LEVELS		4
#define PT_PTES_PER_LEVEL	512
#define PT_LEVEL_SHIFT		9	/* log2(PT_PTES_PER_LEVEL) */
#define PAGE_LEVEL		0	/* 4 KiB leaf */
#define PAGE_LARGE_LEVEL	1	/* 2 MiB leaf */
#define PAGE_HUGE_LEVEL		2	/* 1 GiB leaf */

/* Size and shift of what one entry of level lvl covers (0: 4 KiB). */
#define PAGE_Lx_SHIFT(lvl)	(PAGE_SHIFT + PT_LEVEL_SHIFT * (lvl))
#define PAGE_Lx_SIZE(lvl)	(1UL << PAGE_Lx_SHIFT(lvl))
/* Index of vaddr's entry in a table of level lvl. */
#define PT_Lx_IDX(vaddr, lvl)						\
	(((vaddr) >> PAGE_Lx_SHIFT(lvl)) & (PT_PTES_PER_LEVEL - 1))

typedef __u64 __pte_t;

#define PAGE_ATTR_PROT_NONE	0x00
#define PAGE_ATTR_PROT_READ	0x01
#define PAGE_ATTR_PROT_WRITE	0x02
#define PAGE_ATTR_PROT_EXEC	0x04
#define PAGE_ATTR_PROT_RW	(PAGE_ATTR_PROT_READ | PAGE_ATTR_PROT_WRITE)
#define PAGE_ATTR_PROT_RWX	(PAGE_ATTR_PROT_RW | PAGE_ATTR_PROT_EXEC)
#define PAGE_ATTR_PROT_MASK	PAGE_ATTR_PROT_RWX

#if defined(__x86_64__)
/* x86_64 entry bits (Intel SDM vol. 3, 4.5). */
#define X86_PTE_PRESENT		(1ULL << 0)
#define X86_PTE_RW		(1ULL << 1)
#define X86_PTE_USER		(1ULL << 2)
#define X86_PTE_ACCESSED	(1ULL << 5)
#define X86_PTE_DIRTY		(1ULL << 6)
#define X86_PTE_PSE		(1ULL << 7)	/* 2 MiB / 1 GiB leaf */
#define X86_PTE_GLOBAL		(1ULL << 8)
/*
 * Software bit (ignored by the MMU): a leaf that keeps its frame but
 * allows no access (PAGE_ATTR_PROT_NONE). PRESENT is clear, so any access
 * faults; ukarch_pte_present() still reports it as mapped.
 */
#define X86_PTE_PROTNONE	(1ULL << 9)
#define X86_PTE_NX		(1ULL << 63)
/* Frame / next table address bits of a 4 KiB leaf or a table entry. */
#define X86_PTE_ADDR_MASK	0x000ffffffffff000ULL
/* Frame address bits of a 2 MiB / 1 GiB leaf (bit 12 is PAT there). */
#define X86_PTE_LARGE_ADDR_MASK	0x000fffffffffe000ULL
#endif

#if defined(__aarch64__)
/*
 * VMSAv8-64 stage-1 descriptors, 4 KiB granule, 48-bit VA (Arm ARM
 * D8.3). Levels are numbered as above (0: 4 KiB page, 3: the root), the
 * reverse of Arm's. One root serves both halves: TTBR0_EL1 and TTBR1_EL1
 * hold the same table, so the canonical split works as on x86_64.
 */
#define ARM64_PTE_VALID		(1ULL << 0)
#define ARM64_PTE_TABLE		(1ULL << 1)	/* table, or a level-0 page */
#define ARM64_PTE_ATTRIDX(i)	((unsigned long long)(i) << 2)
#define ARM64_PTE_ATTRIDX_MASK	(7ULL << 2)
#define ARM64_PTE_AP_RO		(1ULL << 7)	/* AP[2]: read-only */
#define ARM64_PTE_SH_INNER	(3ULL << 8)
#define ARM64_PTE_AF		(1ULL << 10)	/* access flag */
#define ARM64_PTE_NG		(1ULL << 11)
#define ARM64_PTE_GP		(1ULL << 50)	/* BTI guarded page */
#define ARM64_PTE_PXN		(1ULL << 53)
#define ARM64_PTE_UXN		(1ULL << 54)
/* Software bit: a leaf that keeps its frame but allows no access. */
#define ARM64_PTE_PROTNONE	(1ULL << 55)
#define ARM64_PTE_ADDR_MASK	0x0000fffffffff000ULL
/* MAIR_EL1 slots (hal-qemu/arm64 programs MAIR to match). */
#define ARM64_MAIR_NORMAL	0	/* write-back cacheable */
#define ARM64_MAIR_DEVICE	1	/* Device-nGnRE */
#define ARM64_MAIR_TAGGED	2	/* normal, with MTE allocation tags */
#define ARM64_MAIR_NC		3	/* normal non-cacheable */
#define ARM64_MAIR_VALUE	0x0000000044f004ffULL
#endif

/* Bits of ukarch_pte_create's template that make a leaf map device
 * memory (uncached, never executable): PAGE_FLAG_DEVICE. */
#if defined(__x86_64__)
#define UKARCH_PTE_DEVICE	((1ULL << 3) | (1ULL << 4))	/* PWT|PCD */
#elif defined(__aarch64__)
#define UKARCH_PTE_DEVICE	ARM64_PTE_ATTRIDX(ARM64_MAIR_DEVICE)
#endif

/* Reads the entry at index idx of the table at virtual address pt_vaddr
 * (level lvl) into *pte. Returns 0 or -EINVAL (bad level or index). */
int ukarch_pte_read(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		    __pte_t *pte);
/*
 * Writes pte at index idx of the table at pt_vaddr (level lvl). vaddr is
 * the first virtual address the entry translates, or __VADDR_INV for a
 * table not (yet) reachable from a root (the write then only stores it).
 * In sim the write is also applied to the process at vaddr: a present
 * leaf maps its frame (mmap/mprotect), a cleared entry that was present
 * (leaf or table) makes its whole range PROT_NONE, and linking a table
 * over a present leaf changes nothing (it must describe the same
 * mapping: a split). Linking a table over a non-present entry is only
 * allowed for an empty table. The caller flushes the TLB.
 * Returns 0, -EINVAL (bad arguments, or in sim an address the backend
 * cannot map) or -ENOMEM (sim: the host refused the mapping).
 */
int ukarch_pte_write(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		     __pte_t pte, __vaddr_t vaddr);
/* Makes the top-level table at physical address pt_paddr the one this CPU
 * translates with (x86_64: loads CR3). Sim: nothing, the host process's
 * mappings are what the table says. */
void ukarch_pt_activate(__paddr_t pt_paddr);
/* Makes every entry written since the last call take effect; the generic
 * paging code calls it before it releases the table's lock. Metal: the MMU
 * reads the tables, nothing to do. Sim: new mappings of consecutive
 * frames are applied to the process as one host mmap here. Returns 0 or
 * -ENOMEM (the host refused: the entries stay written but unapplied, and
 * the caller must unmap them). */
int ukarch_pte_sync(void);
/* Builds a leaf (lvl 0..2) entry mapping paddr with PAGE_ATTR_* attr;
 * bits of template other than address, protection and size (caching,
 * global...) are kept. PAGE_ATTR_PROT_NONE gives a non-accessible entry
 * that still holds its frame. */
__pte_t ukarch_pte_create(__paddr_t paddr, unsigned long attr,
			  unsigned int lvl, __pte_t template);
/* Builds an entry of a level lvl (1..3) table pointing to the next-level
 * table at physical address table_paddr. */
__pte_t ukarch_pte_create_table(__paddr_t table_paddr, unsigned int lvl);
/* Nonzero if pte maps something (a table, or a frame even without access
 * rights, see PAGE_ATTR_PROT_NONE). */
int ukarch_pte_present(__pte_t pte);
/* Nonzero if the present pte of level lvl is a leaf (maps a frame). */
int ukarch_pte_is_leaf(__pte_t pte, unsigned int lvl);
/* Physical address an entry points to (frame or next-level table). */
__paddr_t ukarch_pte_paddr(__pte_t pte, unsigned int lvl);
/* PAGE_ATTR_* protection of a leaf. */
unsigned long ukarch_pte_attr(__pte_t pte, unsigned int lvl);
/* Invalidates the TLB entries of vaddr / of the pages in [start, end) /
 * all entries, on every CPU, before returning (on x86_64 one NMI to each
 * other CPU per call, so flush a range once rather than page by page).
 * In sim all are no-ops (the host keeps the mappings coherent). */
void ukarch_tlb_flush_entry(__vaddr_t vaddr);
void ukarch_tlb_flush_range(__vaddr_t start, __vaddr_t end);
void ukarch_tlb_flush(void);

#endif /* __UK_ARCH_PAGING_H__ */
