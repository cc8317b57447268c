/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The backtrace's hooks (hal-qemu/common/backtrace.c walks the frames:
 * here, the early tables and a leaf's return address on top of the
 * stack), the end of the kernel, and the TLS pointer.
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
#include "../common/metal.h"

#define DEBUG_EXIT_PORT	0xf4

extern char image_text_start[], image_text_end[];

int metal_early_readable(unsigned long va)
{
	/* The early tables: the first 4 GiB, identity and direct map. */
	return va < (4UL << 30) ||
	       (va >= X86_DM_OFF && va < X86_DM_OFF + (4UL << 30));
}

unsigned long metal_return_addr(unsigned long saved)
{
	return saved;
}

/* A return address: in the image's text, right after a call rel32. */
static int is_return_addr(unsigned long ip)
{
	return ip >= (unsigned long)image_text_start + 5 &&
	       ip < (unsigned long)image_text_end &&
	       *(const unsigned char *)(ip - 5) == 0xe8;
}

/* A leaf without a frame (or before its push %rbp): its return address
 * is on top of the stack, not at fp + 8. */
unsigned long metal_leaf_return(const struct __regs *regs,
				unsigned long fp, unsigned long prev)
{
	unsigned long ip;

	if (!metal_readable(regs->rsp))
		return 0;
	ip = *(unsigned long *)regs->rsp;
	if (is_return_addr(ip) && (!fp || ip != ((unsigned long *)fp)[1]))
		return ip;
	return 0;
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
