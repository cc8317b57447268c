/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86_64 page-table entries (4 levels, 4 KiB / 2 MiB / 1 GiB leaves). The
 * format is shared by sim, whose tables live in its memfd memory; only
 * writing an entry and flushing the TLB differ: sim's backend provides
 * them (hal-sim/paging.c applies each entry to the process), metal uses
 * the ones at the end of this file.
 */
#include <errno.h>
#include <uk/arch/paging.h>
#include <uk/essentials.h>

static __pte_t addr_mask(unsigned int lvl)
{
	return lvl == PAGE_LEVEL ? X86_PTE_ADDR_MASK : X86_PTE_LARGE_ADDR_MASK;
}

int ukarch_pte_read(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		    __pte_t *pte)
{
	if (unlikely(lvl >= PT_LEVELS || idx >= PT_PTES_PER_LEVEL))
		return -EINVAL;
	*pte = READ_ONCE(((__pte_t *)pt_vaddr)[idx]);
	return 0;
}

__pte_t ukarch_pte_create(__paddr_t paddr, unsigned long attr,
			  unsigned int lvl, __pte_t template)
{
	const __pte_t prot_bits = X86_PTE_PRESENT | X86_PTE_RW |
				  X86_PTE_NX | X86_PTE_PROTNONE |
				  X86_PTE_PSE;
	__pte_t pte = template & ~(prot_bits | X86_PTE_ADDR_MASK);

	pte |= paddr & addr_mask(lvl);
	if (lvl > PAGE_LEVEL)
		pte |= X86_PTE_PSE;
	if (!(attr & PAGE_ATTR_PROT_RWX))
		return pte | X86_PTE_PROTNONE;
	/* x86 cannot express write-only or exec-only: both imply read. */
	pte |= X86_PTE_PRESENT;
	if (attr & PAGE_ATTR_PROT_WRITE)
		pte |= X86_PTE_RW;
	if (!(attr & PAGE_ATTR_PROT_EXEC))
		pte |= X86_PTE_NX;
	return pte;
}

__pte_t ukarch_pte_create_table(__paddr_t table_paddr, unsigned int lvl)
{
	/* Permissions are decided by the leaves: tables allow everything. */
	return (table_paddr & X86_PTE_ADDR_MASK) | X86_PTE_PRESENT |
	       X86_PTE_RW;
}

int ukarch_pte_present(__pte_t pte)
{
	return (pte & (X86_PTE_PRESENT | X86_PTE_PROTNONE)) != 0;
}

int ukarch_pte_is_leaf(__pte_t pte, unsigned int lvl)
{
	if (lvl == PAGE_LEVEL)
		return 1;
	return lvl <= PAGE_HUGE_LEVEL && (pte & X86_PTE_PSE);
}

__paddr_t ukarch_pte_paddr(__pte_t pte, unsigned int lvl)
{
	if (lvl > PAGE_LEVEL && (pte & X86_PTE_PSE))
		return pte & X86_PTE_LARGE_ADDR_MASK;
	return pte & X86_PTE_ADDR_MASK;
}

unsigned long ukarch_pte_attr(__pte_t pte, unsigned int lvl)
{
	unsigned long attr;

	if (!(pte & X86_PTE_PRESENT))
		return PAGE_ATTR_PROT_NONE;
	attr = PAGE_ATTR_PROT_READ;
	if (pte & X86_PTE_RW)
		attr |= PAGE_ATTR_PROT_WRITE;
	if (!(pte & X86_PTE_NX))
		attr |= PAGE_ATTR_PROT_EXEC;
	return attr;
}

#ifndef __AMPHI_PLAT_SIM__
/* Metal: the MMU reads the tables directly; a store is the whole job. */
int ukarch_pte_write(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		     __pte_t pte, __vaddr_t vaddr)
{
	if (unlikely(lvl >= PT_LEVELS || idx >= PT_PTES_PER_LEVEL))
		return -EINVAL;
	WRITE_ONCE(((__pte_t *)pt_vaddr)[idx], pte);
	return 0;
}

int ukarch_pte_sync(void)
{
	return 0;
}

void ukarch_pt_activate(__paddr_t pt_paddr)
{
	__asm__ __volatile__("movq %0, %%cr3" : : "r"(pt_paddr) : "memory");
}

/* TLB flushes are the backend's (hal-qemu/x86_64/tlb.c): with several
 * CPUs they must reach the others before a frame is reused. */
#endif
