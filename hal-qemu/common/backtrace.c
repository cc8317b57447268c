/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crash-report backtrace of both metal backends. It follows the frame
 * records (x86_64 and arm64 lay them out alike: the caller's frame
 * pointer, then the return address) and prints addresses only, one
 * "#N 0xADDR in ??" line each (two spaces before "in" for the exact
 * address of a trap, not a return address): the image carries no symbol
 * table at run time, and tools/qemu-run.py resolves these lines with
 * addr2line as they pass by, so the report reads like sim's.
 */
#include <uk/arch/paging.h>
#include <uk/plat/paging.h>
#include <uk/plat/trace.h>
#include <uk/print.h>
#include "metal.h"

#define MAX_FRAMES	48
#define MAX_FRAME_SIZE	(1UL << 20)

/* Whether the 8 bytes at va can be read without a fault: a walk of the
 * active table without its lock (the crash may have come with the lock
 * held), or the backend's early tables before paging init. */
static int readable(unsigned long va)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	__vaddr_t t;
	__pte_t pte;
	int lvl;

	if ((va & 7) || va < 4096)
		return 0;
	if (!(va < (1UL << 47) || va >= (~0UL << 47)))
		return 0;
	if (!pt)
		return metal_early_readable(va);
	t = pt->pt_vbase;
	for (lvl = PT_LEVELS - 1; lvl >= 0; lvl--) {
		if (ukarch_pte_read(t, (unsigned int)lvl,
				    (unsigned int)PT_Lx_IDX(va, lvl), &pte) ||
		    !ukarch_pte_present(pte))
			return 0;
		if (ukarch_pte_is_leaf(pte, (unsigned int)lvl))
			return (ukarch_pte_attr(pte, (unsigned int)lvl) &
				PAGE_ATTR_PROT_READ) != 0;
		t = ukarch_pte_paddr(pte, (unsigned int)lvl) + pt->dm_off;
	}
	return 0;
}

static int frame_ok(unsigned long fp, unsigned long prev)
{
	if (!fp || fp <= prev || fp - prev > MAX_FRAME_SIZE)
		return 0;
	return readable(fp) && readable(fp + 8);
}

void ukplat_backtrace(const struct __regs *regs, unsigned int skip)
{
	unsigned long fp, prev, ip;
	unsigned int n = 0, i;

	if (regs) {
		/* Two spaces: an exact address, not a return address. */
		uk_printk_raw("  #%-2u 0x%016lx  in ??\n", n++,
			      ukarch_regs_ip(regs));
		fp = ukarch_regs_fp(regs);
		prev = ukarch_regs_sp(regs) - 16;
		skip = 0;
		ip = metal_leaf_return(regs, frame_ok(fp, prev) ? fp : 0,
				       prev);
		if (ip)
			uk_printk_raw("  #%-2u 0x%016lx in ??\n", n++, ip);
	} else {
		fp = (unsigned long)__builtin_frame_address(0);
		prev = fp - 16;
	}
	for (i = 0; i < MAX_FRAMES && frame_ok(fp, prev); i++) {
		ip = metal_return_addr(((unsigned long *)fp)[1]);
		if (!ip)
			break;
		if (skip)
			skip--;
		else
			uk_printk_raw("  #%-2u 0x%016lx in ??\n", n++, ip);
		prev = fp;
		fp = ((unsigned long *)fp)[0];
	}
}

int metal_readable(unsigned long va)
{
	return readable(va);
}
