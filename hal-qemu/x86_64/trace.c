/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crash-report backtrace, the end of the kernel, and the TLS pointer.
 *
 * The backtrace follows the frame pointers (guest code keeps them) and
 * prints addresses only, one "#N 0xADDR in ??" line each (two spaces
 * before "in" for the exact address of a trap, not a return address):
 * the image
 * carries no symbol table at run time. tools/amphi.py resolves these
 * lines with addr2line against the image as they pass by, so the report
 * reads like sim's ("in main at apps/crash/main.c:12").
 *
 * The kernel leaves QEMU through isa-debug-exit (port 0xf4): QEMU exits
 * with (value << 1) | 1. value is the status + 1 (at most 127), so a
 * QEMU exit status of 1 (QEMU's own error) never reads as success.
 */
#include <uk/arch/paging.h>
#include <uk/plat/bootstrap.h>
#include <uk/plat/paging.h>
#include <uk/plat/tls.h>
#include <uk/plat/trace.h>
#include <uk/print.h>
#include "x86.h"

#define DEBUG_EXIT_PORT	0xf4
#define MAX_FRAMES	48
#define MAX_FRAME_SIZE	(1UL << 20)

extern char image_text_start[], image_text_end[];

/* Whether the 8 bytes at va can be read without a fault: a walk of the
 * active table without its lock (the crash may have come with the lock
 * held), or the early tables' first 4 GiB before paging init. */
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
		return va < (4UL << 30) ||
		       (va >= X86_DM_OFF && va < X86_DM_OFF + (4UL << 30));
	t = pt->pt_vbase;
	for (lvl = PT_LEVELS - 1; lvl >= 0; lvl--) {
		if (ukarch_pte_read(t, (unsigned int)lvl,
				    (unsigned int)PT_Lx_IDX(va, lvl), &pte))
			return 0;
		if (!(pte & X86_PTE_PRESENT))
			return 0;
		if (ukarch_pte_is_leaf(pte, (unsigned int)lvl))
			return 1;
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

/* A return address: in the image's text, right after a call rel32. */
static int is_return_addr(unsigned long ip)
{
	return ip >= (unsigned long)image_text_start + 5 &&
	       ip < (unsigned long)image_text_end &&
	       *(const unsigned char *)(ip - 5) == 0xe8;
}

void ukplat_backtrace(const struct __regs *regs, unsigned int skip)
{
	unsigned long fp, prev, ip;
	unsigned int n = 0, i;

	if (regs) {
		/* Two spaces: an exact address, not a return address. */
		uk_printk_raw("  #%-2u 0x%016lx  in ??\n", n++, regs->rip);
		fp = regs->rbp;
		prev = regs->rsp - 8;
		skip = 0;
		/* A leaf without a frame (or before its push %rbp): its
		 * return address is on top of the stack, not at fp + 8. */
		if (readable(regs->rsp)) {
			ip = *(unsigned long *)regs->rsp;
			if (is_return_addr(ip) && (!frame_ok(fp, prev) ||
			    ip != ((unsigned long *)fp)[1]))
				uk_printk_raw("  #%-2u 0x%016lx in ??\n", n++,
					      ip);
		}
	} else {
		fp = (unsigned long)__builtin_frame_address(0);
		prev = fp - 8;
	}
	for (i = 0; i < MAX_FRAMES && frame_ok(fp, prev); i++) {
		ip = ((unsigned long *)fp)[1];
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

void ukplat_terminate(enum ukplat_gstate request, int status)
{
	unsigned int value;

	ukplat_lcpu_disable_irq();
	if (request != UKPLAT_HALT && !(status & 0xff))
		status = 1;
	value = (unsigned int)(status & 0xff);
	if (value > 126) {
		/* isa-debug-exit carries 7 bits: the rest goes by console,
		 * where tools/qemu-run.py picks it up (and hides it). */
		uk_printk_raw("\x1b[amphi-exit %u]\n", value);
		value = 126;
	}
	outl(DEBUG_EXIT_PORT, value + 1);
	/* No isa-debug-exit device: stop here. */
	uk_printk_raw("amphi: halted (exit status %d)\n", status);
	x86_halt_forever();
}

void ukplat_tlsp_set(__uptr tlsp)
{
	struct x86_cpu *cpu = x86_this_cpu();

	/* A write to the MSR is a VM exit: only when it changes. */
	if (cpu->tlsp != tlsp) {
		cpu->tlsp = tlsp;
		wrmsr(MSR_FS_BASE, tlsp);
	}
}

__uptr ukplat_tlsp_get(void)
{
	return x86_this_cpu()->tlsp;
}
