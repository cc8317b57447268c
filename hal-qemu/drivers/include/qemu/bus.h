/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What device drivers of the metal backend (hal-qemu/drivers) need from
 * the machine, implemented per architecture (x86_64/bus.c): device memory
 * mapping, interrupt lines and MSIs as platform interrupts (uk/plat/irq.h),
 * PCI configuration space, DMA addresses, and where QEMU's virtio-mmio
 * slots are.
 */
#ifndef __QEMU_BUS_H__
#define __QEMU_BUS_H__

#include <uk/arch/types.h>

/* Maps len bytes of device memory at pa; the address, or NULL. */
void *qemu_mmio_map(__paddr_t pa, __sz len);

/* The physical (bus) address of kernel memory at p (heap, frames). */
__paddr_t qemu_dma_addr(const void *p);

/* Routes interrupt line (x86: an I/O APIC input, GSI) to CPU 0, level
 * triggered, active high, as the platform interrupt it returns (for
 * ukplat_irq_register), or -errno. */
int qemu_irq_line(unsigned int line);

/* Allocates a platform interrupt delivered by message (MSI/MSI-X) to
 * CPU 0: the device writes *data to *addr. Returns the interrupt or
 * -ENOSPC. */
int qemu_msi_alloc(__u64 *addr, __u32 *data);

/* QEMU's virtio-mmio transports: count slots of size bytes from base,
 * slot i interrupting on line first_line + i. 0, or -ENODEV if the
 * machine has none. */
int qemu_virtio_mmio_slots(__paddr_t *base, unsigned int *count,
			   __sz *size, unsigned int *first_line);

/* PCI configuration space of bus:dev.fn (bus 0 .. 255). */
__u32 qemu_pci_read32(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off);
void qemu_pci_write32(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off, __u32 v);
__u16 qemu_pci_read16(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off);
void qemu_pci_write16(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off, __u16 v);
__u8 qemu_pci_read8(unsigned int bus, unsigned int dev, unsigned int fn,
		    unsigned int off);

#endif /* __QEMU_BUS_H__ */
