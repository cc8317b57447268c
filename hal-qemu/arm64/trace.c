/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crash-report backtrace, the end of the kernel, and the TLS pointer.
 *
 * The backtrace follows the frame records (x29 chains, guest code keeps
 * them), strips pointer-authentication codes from the saved return
 * addresses and prints addresses only, "#N 0xADDR in ??" (two spaces
 * before "in" for the exact address of a trap): tools/qemu-run.py
 * resolves them with addr2line, as for x86_64.
 *
 * The kernel leaves QEMU through semihosting SYS_EXIT (QEMU's
 * -semihosting), which passes the exit status through whole; without
 * it, the status is stated on the console ("\e[amphi-exit N]", which
 * tools/qemu-run.py reads and hides) and PSCI SYSTEM_OFF powers off.
 */
#include <uk/arch/paging.h>
#include <uk/plat/bootstrap.h>
#include <uk/plat/paging.h>
#include <uk/plat/tls.h>
#include <uk/plat/trace.h>
#include <uk/print.h>
#include "arm64.h"

#define MAX_FRAMES	48
#define MAX_FRAME_SIZE	(1UL << 20)
#define SYS_EXIT	0x18
#define ADP_STOPPED_APPLICATION_EXIT	0x20026

extern char image_text_start[], image_text_end[];

/* Whether the 8 bytes at va can be read without a fault: a walk of the
 * active table without its lock (the crash may have come with the lock
 * held), or the early tables' 16 GiB before paging init. */
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
		return (va >= (1UL << 30) && va < (16UL << 30)) ||
		       (va >= ARM64_DM_OFF + (1UL << 30) &&
			va < ARM64_DM_OFF + (16UL << 30));
	t = pt->pt_vbase;
	for (lvl = PT_LEVELS - 1; lvl >= 0; lvl--) {
		if (ukarch_pte_read(t, (unsigned int)lvl,
				    (unsigned int)PT_Lx_IDX(va, lvl), &pte))
			return 0;
		if (!(pte & ARM64_PTE_VALID))
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

/* A saved return address without its PAC (the text is in the low half). */
static unsigned long strip_pac(unsigned long lr)
{
	return lr & ((1UL << 48) - 1);
}

void ukplat_backtrace(const struct __regs *regs, unsigned int skip)
{
	unsigned long fp, prev, ip;
	unsigned int n = 0, i;

	if (regs) {
		/* Two spaces: an exact address, not a return address. */
		uk_printk_raw("  #%-2u 0x%016lx  in ??\n", n++, regs->pc);
		fp = regs->x[29];
		prev = regs->sp - 16;
		skip = 0;
	} else {
		fp = (unsigned long)__builtin_frame_address(0);
		prev = fp - 16;
	}
	for (i = 0; i < MAX_FRAMES && frame_ok(fp, prev); i++) {
		ip = strip_pac(((unsigned long *)fp)[1]);
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

/* SYS_EXIT with its parameter block; returns only without semihosting
 * (traps.c skips the instruction). */
static long semihost_exit(unsigned long status)
{
	unsigned long block[2] = { ADP_STOPPED_APPLICATION_EXIT, status };
	register unsigned long x0 __asm__("x0") = SYS_EXIT;
	register unsigned long x1 __asm__("x1") = (unsigned long)block;

	__asm__ __volatile__(".globl arm64_semihost_insn\n"
			     "arm64_semihost_insn:\n\t"
			     "hlt #0xf000"
			     : "+r"(x0) : "r"(x1) : "memory");
	return (long)x0;
}

void ukplat_terminate(enum ukplat_gstate request, int status)
{
	unsigned int value;

	ukplat_lcpu_disable_irq();
	if (request != UKPLAT_HALT && !(status & 0xff))
		status = 1;
	value = (unsigned int)(status & 0xff);
	if (request == UKPLAT_RESTART)
		arm64_psci(PSCI_SYSTEM_RESET, 0, 0, 0);
	semihost_exit(value);
	uk_printk_raw("\x1b[amphi-exit %u]\n", value);
	arm64_psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	uk_printk_raw("amphi: halted (exit status %d)\n", status);
	arm64_halt_forever();
}

void ukplat_tlsp_set(__uptr tlsp)
{
	struct arm64_cpu *cpu = arm64_this_cpu();

	cpu->tlsp = tlsp;
	SYSREG_WRITE(tpidr_el0, tlsp);
}

__uptr ukplat_tlsp_get(void)
{
	return arm64_this_cpu()->tlsp;
}
