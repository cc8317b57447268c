/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The backtrace's hooks (hal-qemu/common/backtrace.c: saved return
 * addresses lose their PAC), the end of the kernel, and the TLS pointer.
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
#include "../common/metal.h"

#define SYS_EXIT	0x18
#define ADP_STOPPED_APPLICATION_EXIT	0x20026

int metal_early_readable(unsigned long va)
{
	/* The early tables: RAM (from 1 GiB up to 16 GiB), identity and
	 * direct map. */
	return (va >= (1UL << 30) && va < (16UL << 30)) ||
	       (va >= ARM64_DM_OFF + (1UL << 30) &&
		va < ARM64_DM_OFF + (16UL << 30));
}

/* Without its PAC: the text is in the low half. */
unsigned long metal_return_addr(unsigned long saved)
{
	return saved & ((1UL << 48) - 1);
}

/* Leaf functions keep frame records (-mno-omit-leaf-frame-pointer). */
unsigned long metal_leaf_return(const struct __regs *regs,
				unsigned long fp, unsigned long prev)
{
	return 0;
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
	SYSREG_WRITE(tpidr_el0, tlsp);
}

/* The register, not a copy: code may write it directly (musl's
 * __set_thread_area, any arm64 binary's C library). */
__uptr ukplat_tlsp_get(void)
{
	return SYSREG_READ(tpidr_el0);
}
