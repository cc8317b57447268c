/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * I/O APICs: routing a device's global system interrupt to a platform
 * vector on the boot CPU. Their registers are reached through an index
 * (offset 0) and a data window (offset 0x10); redirection entry n is
 * registers 0x10 + 2n (low) and 0x11 + 2n (destination).
 */
#include <errno.h>
#include <uk/errptr.h>
#include <uk/plat/paging.h>
#include "x86.h"

#define IOAPIC_VER		0x01
#define IOAPIC_REDIR		0x10
#define REDIR_LEVEL		(1U << 15)
#define REDIR_MASKED		(1U << 16)

static void ioapic_write(__u32 pa, __u32 reg, __u32 v)
{
	*(volatile __u32 *)(__uptr)pa = reg;
	*(volatile __u32 *)(__uptr)(pa + 0x10) = v;
}

static __u32 ioapic_read(__u32 pa, __u32 reg)
{
	*(volatile __u32 *)(__uptr)pa = reg;
	return *(volatile __u32 *)(__uptr)(pa + 0x10);
}

int x86_ioapic_route(__u32 gsi, unsigned long irq, int level)
{
	const struct x86_ioapic *io;
	__u32 pins, pin, low;
	unsigned int i;

	for (i = 0; i < x86_ioapic_count; i++) {
		io = &x86_ioapics[i];
		if (gsi < io->gsi_base)
			continue;
		/* Identity-mapped, as the local APIC's page. */
		if (PTRISERR(ukplat_page_map_mmio(ukplat_pt_get_active(),
						  io->paddr, 0x20)))
			return -ENOMEM;
		pins = ((ioapic_read(io->paddr, IOAPIC_VER) >> 16) & 0xff) + 1;
		pin = gsi - io->gsi_base;
		if (pin >= pins)
			continue;
		low = (__u32)(X86_IRQ_BASE + irq) | (level ? REDIR_LEVEL : 0);
		ioapic_write(io->paddr, IOAPIC_REDIR + 2 * pin + 1,
			     x86_cpus[0].apic_id << 24);
		ioapic_write(io->paddr, IOAPIC_REDIR + 2 * pin, low);
		return 0;
	}
	return -ENODEV;
}
