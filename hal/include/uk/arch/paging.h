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
#define PAGE_LEVEL		0	/* 4 KiB leaf */
#define PAGE_LARGE_LEVEL	1	/* 2 MiB leaf */
#define PAGE_HUGE_LEVEL		2	/* 1 GiB leaf */

typedef __u64 __pte_t;

#define PAGE_ATTR_PROT_NONE	0x00
#define PAGE_ATTR_PROT_READ	0x01
#define PAGE_ATTR_PROT_WRITE	0x02
#define PAGE_ATTR_PROT_EXEC	0x04
#define PAGE_ATTR_PROT_RW	(PAGE_ATTR_PROT_READ | PAGE_ATTR_PROT_WRITE)
#define PAGE_ATTR_PROT_RWX	(PAGE_ATTR_PROT_RW | PAGE_ATTR_PROT_EXEC)

/* Reads the entry at index idx of the table at virtual address pt_vaddr
 * (level lvl) into *pte. Returns 0 or -EINVAL. */
int ukarch_pte_read(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		    __pte_t *pte);
/* Writes pte there and, in sim, applies it to the process. Returns 0 or a
 * negative errno. */
int ukarch_pte_write(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		     __pte_t pte);
/* Builds a leaf (lvl 0..2) entry mapping paddr with PAGE_ATTR_* attr. */
__pte_t ukarch_pte_create(__paddr_t paddr, unsigned long attr,
			  unsigned int lvl, __pte_t template);
/* Nonzero if pte is present / a leaf at level lvl. */
int ukarch_pte_present(__pte_t pte);
int ukarch_pte_is_leaf(__pte_t pte, unsigned int lvl);
/* Physical address an entry points to (frame or next-level table). */
__paddr_t ukarch_pte_paddr(__pte_t pte, unsigned int lvl);
/* Invalidates the TLB entry of vaddr / all entries on this CPU. */
void ukarch_tlb_flush_entry(__vaddr_t vaddr);
void ukarch_tlb_flush(void);

#endif /* __UK_ARCH_PAGING_H__ */
