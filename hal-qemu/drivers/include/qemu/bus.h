/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What device drivers of the metal backend (hal-qemu/drivers) need from
 * the machine: device memory mapping and DMA addresses (the same on every
 * architecture, here), and per architecture (x86_64/bus.c, arm64/bus.c)
 * interrupt lines and MSIs as platform interrupts (vectors of
 * ukplat_irq_alloc), PCI configuration space, where QEMU's virtio-mmio
 * transports and fw_cfg are.
 */
#ifndef __QEMU_BUS_H__
#define __QEMU_BUS_H__

#include <uk/arch/memtag.h>
#include <uk/arch/types.h>
#include <uk/errptr.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/paging.h>

/* Maps len bytes of device memory at pa (identity, uncached; a page
 * mapped before by anyone is fine: ukplat_page_map_mmio). The address,
 * or NULL (reported). */
static inline void *qemu_mmio_map(__paddr_t pa, __sz len)
{
	void *p = ukplat_page_map_mmio(ukplat_pt_get_active(), pa, len);

	return PTRISERR(p) ? NULL : p;
}

/* The physical (bus) address of kernel memory at p: the heap and frames
 * (through the direct map, tags stripped) or the image (identity). */
static inline __paddr_t qemu_dma_addr(const void *p)
{
	__vaddr_t va = (__vaddr_t)ukarch_memtag_strip(p);
	__vaddr_t dm_off = ukplat_bootinfo_get()->dm_off;

	return va >= dm_off ? va - dm_off : va;
}

/* Routes interrupt line (x86: an I/O APIC input, GSI; arm64: a GIC SPI,
 * INTID 32 + line) to CPU 0, level triggered, active high, as a vector
 * of ukplat_irq_alloc that it returns (for ukplat_irq_register), or
 * -errno. */
int qemu_irq_line(unsigned int line);

/* Allocates a platform interrupt delivered by message (MSI/MSI-X) to
 * CPU 0: the device writes *data to *addr. Returns the interrupt,
 * -ENOSPC, or -ENOTSUP where the machine takes no MSIs (arm64 so far). */
int qemu_msi_alloc(__u64 *addr, __u32 *data);

/* QEMU's virtio-mmio transports, i = 0, 1, ...: the registers of slot i
 * (*base, *size) and its interrupt line (for qemu_irq_line). Returns 0,
 * or -ENOENT past the last slot (at once if the machine has none). */
int qemu_virtio_mmio_slot(unsigned int i, __paddr_t *base, __sz *size,
			  unsigned int *line);

/* QEMU's fw_cfg where it is memory mapped (arm64 virt: from the device
 * tree): its registers, mapped, or NULL (x86 reaches it through I/O
 * ports; or the machine has none). */
void *qemu_fw_cfg_mmio(void);

/* PCI configuration space of bus:dev.fn (bus 0 .. 255); reads give all
 * ones where there is no device (or no PCI). Per architecture. */
__u32 qemu_pci_read32(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off);
void qemu_pci_write32(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int off, __u32 v);

static inline __u16 qemu_pci_read16(unsigned int bus, unsigned int dev,
				    unsigned int fn, unsigned int off)
{
	return (__u16)(qemu_pci_read32(bus, dev, fn, off) >> ((off & 2) * 8));
}

static inline void qemu_pci_write16(unsigned int bus, unsigned int dev,
				    unsigned int fn, unsigned int off, __u16 v)
{
	__u32 w = qemu_pci_read32(bus, dev, fn, off);
	unsigned int shift = (off & 2) * 8;

	w = (w & ~(0xffffU << shift)) | ((__u32)v << shift);
	qemu_pci_write32(bus, dev, fn, off, w);
}

static inline __u8 qemu_pci_read8(unsigned int bus, unsigned int dev,
				  unsigned int fn, unsigned int off)
{
	return (__u8)(qemu_pci_read32(bus, dev, fn, off) >> ((off & 3) * 8));
}

#endif /* __QEMU_BUS_H__ */
