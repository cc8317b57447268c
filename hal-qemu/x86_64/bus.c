/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The machine services of qemu/bus.h on x86_64: interrupt lines through
 * the I/O APICs (ioapic.c), MSIs to the local APIC, both as vectors of
 * ukplat_irq_alloc, PCI configuration through ports 0xcf8/0xcfc, and
 * QEMU's microvm virtio-mmio layout.
 */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/irq.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include <uk/spinlock.h>
#include <qemu/bus.h>
#include "x86.h"

/* QEMU microvm: 0xfeb00000, 512 bytes a transport; lines from 5 (8
 * transports) or, with its second I/O APIC (GSI 24..), from 24 (24). */
#define MICROVM_MMIO_BASE	0xfeb00000UL
#define MICROVM_MMIO_SIZE	512

static UK_SPINLOCK_DEFINE(bus_lock);		/* PCI configuration */

int qemu_irq_line(unsigned int gsi)
{
	int irq = ukplat_irq_alloc(), rc;

	if (irq < 0)
		return irq;
	rc = x86_ioapic_route(gsi, (unsigned long)irq, 1);
	if (rc) {
		ukplat_irq_free((unsigned long)irq);
		return rc;
	}
	return irq;
}

int qemu_msi_alloc(__u64 *addr, __u32 *data)
{
	int irq = ukplat_irq_alloc();

	if (irq < 0)
		return irq;
	*addr = 0xfee00000ULL | ((__u64)(x86_cpus[0].apic_id & 0xff) << 12);
	*data = X86_IRQ_BASE + (__u32)irq;	/* fixed, edge */
	return irq;
}

int qemu_virtio_mmio_slot(unsigned int i, __paddr_t *base, __sz *size,
			  unsigned int *line)
{
	unsigned int count = 8, first = 5, k;

	/* microvm is the machine without PCI (q35 and pc have a host
	 * bridge at 0:0.0), and its transports sit behind an I/O APIC. */
	if (strcmp(ukplat_bootinfo_get()->bootprotocol, "pvh") ||
	    !x86_ioapic_count ||
	    (qemu_pci_read32(0, 0, 0, 0) & 0xffff) != 0xffff)
		return -ENOENT;
	for (k = 0; k < x86_ioapic_count; k++) {
		if (x86_ioapics[k].gsi_base == 24) {
			count = 24;
			first = 24;
		}
	}
	if (i >= count)
		return -ENOENT;
	*base = MICROVM_MMIO_BASE + i * MICROVM_MMIO_SIZE;
	*size = MICROVM_MMIO_SIZE;
	*line = first + i;
	return 0;
}

/* fw_cfg is at I/O ports 0x510.. on x86 (drivers/fw_cfg.c). */
void *qemu_fw_cfg_mmio(void)
{
	return NULL;
}

/* --- PCI configuration mechanism #1 ------------------------------------ */

static void pci_select(unsigned int bus, unsigned int dev, unsigned int fn,
		       unsigned int off)
{
	outl(0xcf8, 0x80000000U | bus << 16 | dev << 11 | fn << 8 |
	     (off & 0xfc));
}

static __u32 inl(__u16 port)
{
	__u32 v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

__u32 qemu_pci_read32(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off)
{
	unsigned long fl;
	__u32 v;

	uk_spin_lock_irqsave(&bus_lock, fl);
	pci_select(bus, dev, fn, off);
	v = inl(0xcfc);
	uk_spin_unlock_irqrestore(&bus_lock, fl);
	return v;
}

void qemu_pci_write32(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off, __u32 v)
{
	unsigned long fl;

	uk_spin_lock_irqsave(&bus_lock, fl);
	pci_select(bus, dev, fn, off);
	outl(0xcfc, v);
	uk_spin_unlock_irqrestore(&bus_lock, fl);
}
