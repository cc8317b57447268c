/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory tagging (FEAT_MTE2, QEMU's -M virt,mte=on -cpu max). boot.S set
 * TCR_EL1's top-byte-ignore and TCMA (untagged pointers unchecked);
 * arm64_mte_probe() makes the kernel's page table map normal memory as
 * Tagged; once that table is live, the first init call turns on
 * synchronous tag check faults at EL1 and random tags (GCR_EL1, 0 and 15
 * excluded), and the heap starts tagging (uk/arch/memtag.h); secondary
 * CPUs, started later, do the same when they come up. The kernel
 * parameter arm64.mte=0 leaves it off.
 *
 * A self-test first gives two granules of one page different tags and
 * reads the first back: where both read the same, the tag storage holds
 * one tag per page (QEMU 7.2 as Debian 12 ships it computes tag
 * addresses without the offset in the page), and only whole pages are
 * tagged (ukarch_memtag_fine() == 0).
 */
#include <uk/arch/memtag.h>
#include <uk/falloc.h>
#include <uk/init.h>
#include <uk/param.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "arm64.h"

#define SCTLR_ATA	(1UL << 43)
#define SCTLR_TCF_SYNC	(1UL << 40)
#define GCR_RRND	(1UL << 16)

static int mte_param = 1;
UK_PARAM("arm64.mte", mte_param, 0, 1,
	 "tag heap blocks where the CPU has MTE (default 1)");

void arm64_mte_probe(void)
{
	unsigned long pfr1 = SYSREG_READ(S3_0_C0_C4_1);

	arm64_mte_enabled = ((pfr1 >> 8) & 0xf) >= 2;
}

/* 1 if granules 0 and 2 of a fresh page keep tags of their own. */
static int fine_grained(void)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__paddr_t pa = __PADDR_ANY;
	unsigned long va, a, b;
	int fine;

	if (uk_falloc(fa, &pa, 1, 0) < 0)
		return 0;
	va = pa + ARM64_DM_OFF;
	a = (va & ~(0xfUL << 56)) | (5UL << 56);
	b = (va & ~(0xfUL << 56)) | (9UL << 56);
	ukarch_memtag_apply((void *)a, UKARCH_MEMTAG_GRANULE);
	ukarch_memtag_apply((void *)(b + 2 * UKARCH_MEMTAG_GRANULE),
			    UKARCH_MEMTAG_GRANULE);
	fine = ukarch_memtag_get((void *)va) == 5 &&
	       ukarch_memtag_get((void *)(va + 2 * UKARCH_MEMTAG_GRANULE)) ==
	       9;
	/* Back to 0 before the frame goes back. */
	ukarch_memtag_apply((void *)(va & ~(0xfUL << 56)), PAGE_SIZE);
	uk_ffree(fa, pa, 1);
	return fine;
}

/* Tag access, random tags and synchronous checks on this CPU. */
static void mte_cpu_on(void)
{
	SYSREG_WRITE(S3_0_C1_C0_6, GCR_RRND | 0x8001UL);	/* GCR_EL1 */
	SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | SCTLR_ATA |
		     SCTLR_TCF_SYNC);
	__asm__ __volatile__("isb" : : : "memory");
}

void arm64_mte_cpu_init(void)
{
	if (ukarch_memtag_enabled())
		mte_cpu_on();
}

static int mte_init(struct uk_init_ctx *ctx __maybe_unused)
{
	if (!arm64_mte_enabled || !mte_param || !ukplat_pt_get_active())
		return 0;
	mte_cpu_on();
	if (fine_grained()) {
		ukarch_memtag_on = 1;
		uk_pr_info("mte: heap blocks are tagged\n");
	} else {
		ukarch_memtag_on = 2;
		uk_pr_warn("mte: one tag per page only (an emulator bug?): "
			   "only blocks of whole pages are tagged\n");
	}
	return 0;
}
uk_early_initcall_prio(mte_init, NULL, UK_PRIO_EARLIEST);
