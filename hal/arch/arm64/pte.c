/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arm64 page-table entries (VMSAv8-64, 4 KiB granule, 48-bit VA) behind
 * the same ukarch_pte_* calls the generic paging code uses on x86_64,
 * and the TLB maintenance. Leaves are always inner-shareable with the
 * access flag set (no access-flag faults) and never reachable from EL0
 * (UXN); W^X: a writable leaf is never executable at EL1 (PXN), and an
 * executable one is a BTI guarded page when the CPU has BTI.
 *
 * TLB invalidations are the broadcast ones (…IS): they reach every CPU
 * in the inner-shareable domain, and the DSB after them waits until they
 * have, so no IPI is needed before a frame is reused.
 */
#include <errno.h>
#include <uk/arch/paging.h>
#include <uk/essentials.h>

/* Set by the backend once it has turned BTI on (SCTLR_EL1.BT1). */
int arm64_bti_enabled;
/* Set by the backend before paging init when the CPU has MTE: normal
 * memory is then mapped Tagged (ARM64_MAIR_TAGGED). */
int arm64_mte_enabled;
/* uk/arch/memtag.h: set once tag checks are on. */
int ukarch_memtag_on;

/* Bits a leaf of level lvl keeps as its output address. */
static __pte_t leaf_addr_mask(unsigned int lvl)
{
	return ARM64_PTE_ADDR_MASK & ~(PAGE_Lx_SIZE(lvl) - 1);
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
	const __pte_t prot_bits = ARM64_PTE_VALID | ARM64_PTE_TABLE |
				  ARM64_PTE_AP_RO | ARM64_PTE_PXN |
				  ARM64_PTE_UXN | ARM64_PTE_GP |
				  ARM64_PTE_PROTNONE;
	int device = (template & ARM64_PTE_ATTRIDX_MASK) ==
		     ARM64_PTE_ATTRIDX(ARM64_MAIR_DEVICE);
	__pte_t pte = template & ~(prot_bits | ARM64_PTE_ADDR_MASK);

	pte |= (paddr & leaf_addr_mask(lvl)) | ARM64_PTE_AF | ARM64_PTE_UXN;
	if (!device)
		pte |= ARM64_PTE_SH_INNER;
	if (!device && READ_ONCE(arm64_mte_enabled) &&
	    (pte & ARM64_PTE_ATTRIDX_MASK) ==
	    ARM64_PTE_ATTRIDX(ARM64_MAIR_NORMAL))
		pte |= ARM64_PTE_ATTRIDX(ARM64_MAIR_TAGGED);
	if (lvl == PAGE_LEVEL)
		pte |= ARM64_PTE_TABLE;		/* a page, not a block */
	if (!(attr & PAGE_ATTR_PROT_RWX))
		return pte | ARM64_PTE_PROTNONE;
	/* Like x86: write-only and exec-only imply read. */
	pte |= ARM64_PTE_VALID;
	if (!(attr & PAGE_ATTR_PROT_WRITE))
		pte |= ARM64_PTE_AP_RO;
	if (!(attr & PAGE_ATTR_PROT_EXEC) || device)
		pte |= ARM64_PTE_PXN;
	else if (READ_ONCE(arm64_bti_enabled))
		pte |= ARM64_PTE_GP;
	return pte;
}

__pte_t ukarch_pte_create_table(__paddr_t table_paddr, unsigned int lvl)
{
	/* Permissions are decided by the leaves: tables allow everything. */
	return (table_paddr & ARM64_PTE_ADDR_MASK) | ARM64_PTE_VALID |
	       ARM64_PTE_TABLE;
}

int ukarch_pte_present(__pte_t pte)
{
	return (pte & (ARM64_PTE_VALID | ARM64_PTE_PROTNONE)) != 0;
}

int ukarch_pte_is_leaf(__pte_t pte, unsigned int lvl)
{
	if (lvl == PAGE_LEVEL)
		return 1;
	/* A block (or a PROT_NONE block) has bit 1 clear; a table, set. */
	return lvl <= PAGE_HUGE_LEVEL && !(pte & ARM64_PTE_TABLE);
}

__paddr_t ukarch_pte_paddr(__pte_t pte, unsigned int lvl)
{
	if (lvl > PAGE_LEVEL && !(pte & ARM64_PTE_TABLE))
		return pte & leaf_addr_mask(lvl);
	return pte & ARM64_PTE_ADDR_MASK;
}

unsigned long ukarch_pte_attr(__pte_t pte, unsigned int lvl)
{
	unsigned long attr;

	if (!(pte & ARM64_PTE_VALID))
		return PAGE_ATTR_PROT_NONE;
	attr = PAGE_ATTR_PROT_READ;
	if (!(pte & ARM64_PTE_AP_RO))
		attr |= PAGE_ATTR_PROT_WRITE;
	if (!(pte & ARM64_PTE_PXN))
		attr |= PAGE_ATTR_PROT_EXEC;
	return attr;
}

int ukarch_pte_write(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		     __pte_t pte, __vaddr_t vaddr)
{
	if (unlikely(lvl >= PT_LEVELS || idx >= PT_PTES_PER_LEVEL))
		return -EINVAL;
	WRITE_ONCE(((__pte_t *)pt_vaddr)[idx], pte);
	return 0;
}

/* New entries are visible to the table walker once this returns. */
int ukarch_pte_sync(void)
{
	__asm__ __volatile__("dsb ishst\n\tisb" : : : "memory");
	return 0;
}

void ukarch_pt_activate(__paddr_t pt_paddr)
{
	/* One root for both halves (uk/arch/paging.h). */
	__asm__ __volatile__("dsb ishst\n\t"
			     "msr ttbr0_el1, %0\n\t"
			     "msr ttbr1_el1, %0\n\t"
			     "isb\n\t"
			     "tlbi vmalle1\n\t"
			     "dsb nsh\n\t"
			     "isb"
			     : : "r"(pt_paddr) : "memory");
}

/* A range of more pages is flushed whole. */
#define TLBI_RANGE_PAGES_MAX	64

void ukarch_tlb_flush_entry(__vaddr_t vaddr)
{
	/* Any level, any ASID: the entry may have been a block. */
	__asm__ __volatile__("dsb ishst\n\t"
			     "tlbi vaae1is, %0\n\t"
			     "dsb ish\n\t"
			     "isb"
			     : : "r"((vaddr >> PAGE_SHIFT) & 0xfffffffffffUL)
			     : "memory");
}

void ukarch_tlb_flush_range(__vaddr_t start, __vaddr_t end)
{
	__vaddr_t va;

	if ((end - start) >> PAGE_SHIFT > TLBI_RANGE_PAGES_MAX) {
		ukarch_tlb_flush();
		return;
	}
	/* Broadcast invalidations, then one wait for them all. */
	__asm__ __volatile__("dsb ishst" : : : "memory");
	for (va = start; va < end; va += PAGE_SIZE)
		__asm__ __volatile__("tlbi vaae1is, %0"
				     : : "r"((va >> PAGE_SHIFT) &
					     0xfffffffffffUL) : "memory");
	__asm__ __volatile__("dsb ish\n\t"
			     "isb" : : : "memory");
}

void ukarch_tlb_flush(void)
{
	__asm__ __volatile__("dsb ishst\n\t"
			     "tlbi vmalle1is\n\t"
			     "dsb ish\n\t"
			     "isb" : : : "memory");
}
