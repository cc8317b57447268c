/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The machine services of qemu/bus.h on x86_64: interrupt lines through
 * the I/O APICs (ioapic.c), MSIs to the local APIC, PCI configuration
 * through ports 0xcf8/0xcfc, identity-mapped device memory, and QEMU's
 * microvm virtio-mmio layout.
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

static UK_SPINLOCK_DEFINE(bus_lock);
/* UKPLAT_IRQ_DEVICE_BASE is virtio-input's, which does not use this
 * allocator yet (drivers/virtio/virtio-input.c). */
static unsigned int next_irq = UKPLAT_IRQ_DEVICE_BASE + 1;

static int irq_alloc(void)
{
	unsigned long fl;
	int irq = -ENOSPC;

	uk_spin_lock_irqsave(&bus_lock, fl);
	if (next_irq < UKPLAT_IRQ_COUNT)
		irq = (int)next_irq++;
	uk_spin_unlock_irqrestore(&bus_lock, fl);
	return irq;
}

void *qemu_mmio_map(__paddr_t pa, __sz len)
{
	__paddr_t first = PAGE_ALIGN_DOWN(pa);
	unsigned long pages = (PAGE_ALIGN_UP(pa + len) - first) >> PAGE_SHIFT;
	int rc;

	rc = ukplat_page_map(ukplat_pt_get_active(), first, first, pages,
			     PAGE_ATTR_PROT_RW, 0);
	if (rc && rc != -EEXIST) {
		uk_pr_err("cannot map device memory at 0x%lx: %d\n", pa, rc);
		return NULL;
	}
	return (void *)pa;
}

__paddr_t qemu_dma_addr(const void *p)
{
	return (__paddr_t)p - ukplat_bootinfo_get()->dm_off;
}

int qemu_irq_line(unsigned int gsi)
{
	int irq = irq_alloc(), rc;

	if (irq < 0)
		return irq;
	rc = x86_ioapic_route(gsi, (unsigned long)irq, 1);
	return rc ? rc : irq;
}

int qemu_msi_alloc(__u64 *addr, __u32 *data)
{
	int irq = irq_alloc();

	if (irq < 0)
		return irq;
	*addr = 0xfee00000ULL | ((__u64)(x86_cpus[0].apic_id & 0xff) << 12);
	*data = X86_IRQ_BASE + (__u32)irq;	/* fixed, edge */
	return irq;
}

int qemu_virtio_mmio_slots(__paddr_t *base, unsigned int *count,
			   __sz *size, unsigned int *first_line)
{
	unsigned int i;

	/* microvm is the machine without PCI (q35 and pc have a host
	 * bridge at 0:0.0), and its transports sit behind an I/O APIC. */
	if (strcmp(ukplat_bootinfo_get()->bootprotocol, "pvh") ||
	    !x86_ioapic_count ||
	    (qemu_pci_read32(0, 0, 0, 0) & 0xffff) != 0xffff)
		return -ENODEV;
	*base = MICROVM_MMIO_BASE;
	*size = MICROVM_MMIO_SIZE;
	*count = 8;
	*first_line = 5;
	for (i = 0; i < x86_ioapic_count; i++) {
		if (x86_ioapics[i].gsi_base == 24) {
			*count = 24;
			*first_line = 24;
		}
	}
	return 0;
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

__u16 qemu_pci_read16(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off)
{
	return (__u16)(qemu_pci_read32(bus, dev, fn, off) >> ((off & 2) * 8));
}

void qemu_pci_write16(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off, __u16 v)
{
	__u32 w = qemu_pci_read32(bus, dev, fn, off);
	unsigned int shift = (off & 2) * 8;

	w = (w & ~(0xffffU << shift)) | ((__u32)v << shift);
	qemu_pci_write32(bus, dev, fn, off, w);
}

__u8 qemu_pci_read8(unsigned int bus, unsigned int dev, unsigned int fn,
		    unsigned int off)
{
	return (__u8)(qemu_pci_read32(bus, dev, fn, off) >> ((off & 3) * 8));
}
