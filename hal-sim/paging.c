/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writing a page-table entry in sim: the entry is stored in the table (in
 * memfd memory, where the generic paging code reads it back) and applied
 * to the process, so the host MMU enforces what the table says:
 *
 *  - address-space window (UKPLAT_MEMRT_VAS): a leaf maps its memfd frame
 *    there (mmap MAP_FIXED|MAP_SHARED, or only mprotect if the same frame
 *    is already mapped); a cleared entry goes back to an anonymous
 *    PROT_NONE reservation, so nothing else of the host lands there.
 *  - direct map: always maps all of the memfd at paddr + dm_off; a leaf
 *    must map its own frame (identity) and only changes the protection.
 *  - kernel image (part of the host executable): a leaf names the image
 *    by vaddr + SIM_IMAGE_PHYS_OFF and only changes the protection, which
 *    makes the image's W^X real and adjustable.
 *  - anywhere else: -EINVAL (the host owns it).
 *
 * Changes to the window are not applied one by one: a run of entries of
 * one table mapping consecutive frames at consecutive addresses with one
 * protection, or of consecutive pages made inaccessible, becomes a single
 * mmap in ukarch_pte_sync (or when the run breaks), so mapping 1 GiB in
 * 2 MiB pages costs one system call instead of 512, and so does
 * unmapping 1 MiB of 4 KiB pages instead of 256. The table's lock, held by the generic code
 * from the first write to the sync, protects the run.
 *
 * Runs from the page-fault path on the signal stack, and with the guest's
 * %fs (fastcalls.list: a host call's %fs switches cost two system calls
 * per page-table write on hosts without FSGSBASE): mmap and mprotect are
 * plain system calls (sim_syscall), no C library, no errno. Each window
 * starts "pristine" (as memory.c and the host's ELF loader left it);
 * while it is, a write that asks for that very state costs no system
 * call, which keeps building the kernel's page table at boot free.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <uk/arch/paging.h>
#include <uk/arch/valgrind.h>
#include "cpu.h"
#include "sim.h"

extern char __amphi_text_start[], __amphi_text_end[];
extern char __amphi_rodata_start[], __amphi_rodata_end[];
extern char __amphi_data_start[], __amphi_data_end[];
extern char __amphi_bss_start[], __amphi_bss_end[];

/* -1 until known: running under valgrind. */
static int vg = -1;

/* Nothing changed yet from the initial host state of the window. */
static int dm_pristine = 1;
static int image_pristine = 1;

#define PG_UP(x)	(((uintptr_t)(x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PG_DOWN(x)	((uintptr_t)(x) & PAGE_MASK)

static int in_range(uintptr_t va, size_t len, uintptr_t start, uintptr_t end)
{
	return va >= start && va + len <= end && va + len > va;
}

static int in_vas(uintptr_t va, size_t len)
{
	uintptr_t s = (uintptr_t)sim_guest_vas;

	return in_range(va, len, s, s + sim_guest_vas_size);
}

static int in_dm(uintptr_t va, size_t len)
{
	uintptr_t s = (uintptr_t)sim_direct_map;

	return in_range(va, len, s, s + sim_mem_size);
}

static int in_image(uintptr_t va, size_t len)
{
	return in_range(va, len, PG_DOWN(__amphi_text_start),
			PG_UP(__amphi_bss_end));
}

/* Host protection of a leaf. */
static int leaf_prot(__pte_t pte)
{
	int prot;

	if (!(pte & X86_PTE_PRESENT))
		return PROT_NONE;
	prot = PROT_READ;
	if (pte & X86_PTE_RW)
		prot |= PROT_WRITE;
	if (!(pte & X86_PTE_NX))
		prot |= PROT_EXEC;
	return prot;
}

static int is_leaf(__pte_t pte, unsigned int lvl)
{
	if (!(pte & (X86_PTE_PRESENT | X86_PTE_PROTNONE)))
		return 0;
	return lvl == PAGE_LEVEL || (pte & X86_PTE_PSE);
}

static uintptr_t leaf_paddr(__pte_t pte, unsigned int lvl)
{
	return lvl == PAGE_LEVEL ? pte & X86_PTE_ADDR_MASK
				 : pte & X86_PTE_LARGE_ADDR_MASK;
}

/* Protection the image's ELF mapping gives va at start. */
static int image_initial_prot(uintptr_t va)
{
	if (va < PG_UP(__amphi_text_end))
		return PROT_READ | PROT_EXEC;
	if (va >= PG_DOWN(__amphi_rodata_start) &&
	    va < PG_UP(__amphi_rodata_end))
		return PROT_READ;
	return PROT_READ | PROT_WRITE;
}

/* The pending run of window changes (see the top of the file): new
 * mappings of consecutive frames, or consecutive pages made inaccessible
 * (no frame: next_slot is NULL and pa unused). */
static struct {
	uintptr_t va;
	uintptr_t pa;
	size_t len;
	int prot;
	volatile __pte_t *next_slot;	/* the entry that would extend it */
} run;

static int run_flush(void)
{
	const int none_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			       MAP_NORESERVE;
	size_t len = run.len;
	long rc;

	if (!len)
		return 0;
	run.len = 0;
	if (!run.next_slot)
		rc = sim_syscall(SYS_mmap, (long)run.va, (long)len, PROT_NONE,
				 none_flags, -1, 0);
	else
		rc = sim_syscall(SYS_mmap, (long)run.va, (long)len, run.prot,
				 MAP_SHARED | MAP_FIXED, sim_memfd,
				 (long)run.pa);
	if (rc < 0 && rc > -4096)
		return -ENOMEM;
	/* Memcheck cannot follow aliases: what is written here must read
	 * as defined through the direct map too. */
	if (vg < 0)
		vg = uk_valgrind_running() != 0;
	if (vg && run.next_slot)
		UK_VG_DEFINED((uintptr_t)sim_direct_map + run.pa, len);
	return 0;
}

/* Adds a change at va to the run, or flushes the run and starts anew:
 * slot NULL makes [va, va + len) inaccessible, else maps frame pa. */
static int run_add(volatile __pte_t *slot, uintptr_t va, uintptr_t pa,
		   size_t len, int prot)
{
	int rc;

	if (run.len && va == run.va + run.len &&
	    (slot ? slot == run.next_slot && pa == run.pa + run.len &&
		    prot == run.prot
		  : !run.next_slot)) {
		run.len += len;
		if (slot)
			run.next_slot = slot + 1;
		return 0;
	}
	rc = run_flush();
	if (rc)
		return rc;
	run.va = va;
	run.pa = pa;
	run.len = len;
	run.prot = prot;
	run.next_slot = slot ? slot + 1 : NULL;
	return 0;
}

int ukarch_pte_sync(void)
{
	return run_flush();
}

/* The process's mappings already are what the (only) table says. */
void ukarch_pt_activate(__paddr_t pt_paddr)
{
}

static int host_mprotect(uintptr_t va, size_t len, int prot)
{
	return sim_syscall3(SYS_mprotect, va, len, prot) == 0 ? 0 : -ENOMEM;
}

/* Makes [va, va + len) inaccessible, window by window (a cleared table
 * entry may cover more than a window). */
static int apply_none(uintptr_t va, size_t len)
{
	uintptr_t s, e, end = va + len;
	int rc = 0;

	s = (uintptr_t)sim_guest_vas;
	e = s + sim_guest_vas_size;
	if (va < e && end > s)
		rc = run_add(NULL, va > s ? va : s,
			     0, (end < e ? end : e) - (va > s ? va : s), 0);
	if (in_vas(va, len))
		return rc;
	rc = run_flush() ?: rc;
	s = (uintptr_t)sim_direct_map;
	e = s + sim_mem_size;
	if (va < e && end > s) {
		dm_pristine = 0;
		rc = host_mprotect(va > s ? va : s, (end < e ? end : e) -
				   (va > s ? va : s), PROT_NONE) ?: rc;
	}
	s = PG_DOWN(__amphi_text_start);
	e = PG_UP(__amphi_bss_end);
	if (va < e && end > s) {
		image_pristine = 0;
		rc = host_mprotect(va > s ? va : s, (end < e ? end : e) -
				   (va > s ? va : s), PROT_NONE) ?: rc;
	}
	return rc;
}

/* A present leaf (maybe PROT_NONE) at va of size len, written in slot. */
static int apply_leaf(volatile __pte_t *slot, uintptr_t va, size_t len,
		      unsigned int lvl, __pte_t old, __pte_t pte)
{
	uintptr_t pa = leaf_paddr(pte, lvl);
	int prot = leaf_prot(pte);
	int same_frame = is_leaf(old, lvl) && leaf_paddr(old, lvl) == pa;

	if (in_vas(va, len)) {
		if (pa + len > sim_mem_size || pa + len < pa)
			return -EINVAL;
		if (!same_frame)
			return run_add(slot, va, pa, len, prot);
		if (leaf_prot(old) == prot)
			return 0;
		return run_flush() ?: host_mprotect(va, len, prot);
	}
	/* Anything but a new window mapping applies in order. */
	if (run_flush())
		return -ENOMEM;
	if (in_dm(va, len)) {
		if (pa != va - (uintptr_t)sim_direct_map)
			return -EINVAL;
		if (same_frame && leaf_prot(old) == prot)
			return 0;
		if (dm_pristine && prot == (PROT_READ | PROT_WRITE))
			return 0;
		dm_pristine = 0;
		return host_mprotect(va, len, prot);
	}
	if (in_image(va, len)) {
		if (pa != va + SIM_IMAGE_PHYS_OFF)
			return -EINVAL;
		if (same_frame && leaf_prot(old) == prot)
			return 0;
		if (image_pristine && prot == image_initial_prot(va) &&
		    prot == image_initial_prot(va + len - 1))
			return 0;
		image_pristine = 0;
		return host_mprotect(va, len, prot);
	}
	return -EINVAL;
}

int ukarch_pte_write(__vaddr_t pt_vaddr, unsigned int lvl, unsigned int idx,
		     __pte_t pte, __vaddr_t vaddr)
{
	volatile __pte_t *slot = (volatile __pte_t *)pt_vaddr + idx;
	const size_t len = PAGE_Lx_SIZE(lvl);
	__pte_t old;
	int rc = 0;

	if (lvl >= PT_LEVELS || idx >= PT_PTES_PER_LEVEL)
		return -EINVAL;
	old = *slot;
	if (vaddr != __VADDR_INV) {
		if (is_leaf(pte, lvl))
			rc = apply_leaf(slot, vaddr, len, lvl, old, pte);
		else if (!(pte & X86_PTE_PRESENT) &&
			 (old & (X86_PTE_PRESENT | X86_PTE_PROTNONE)))
			rc = apply_none(vaddr, len);
		/* A table over a leaf is a split (same mapping); a table
		 * over nothing is empty: nothing to apply either way. */
	}
	if (rc == 0)
		*slot = pte;
	return rc;
}

/*
 * No TLB to flush in sim: the mappings are the host process's, and the
 * host kernel keeps them coherent across all CPU threads at each mmap or
 * mprotect.
 */
void ukarch_tlb_flush_entry(__vaddr_t vaddr)
{
}

void ukarch_tlb_flush_range(__vaddr_t start, __vaddr_t end)
{
	(void)start;
	(void)end;
}

void ukarch_tlb_flush(void)
{
}
