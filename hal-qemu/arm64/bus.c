/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The machine services of qemu/bus.h on arm64 (QEMU virt): interrupt
 * lines are GIC SPIs routed to the boot CPU as vectors of
 * ukplat_irq_alloc (gic.c), and the virtio-mmio transports and fw_cfg
 * come from the device tree (core/fdt). No PCI and no MSIs yet: virt's
 * PCIe host (ECAM, and the GICv3 ITS for MSI-X) is not driven, so
 * devices sit on virtio-mmio.
 */
#include <errno.h>
#include <uk/fdt.h>
#include <uk/plat/irq.h>
#include <uk/print.h>
#include <qemu/bus.h>
#include "arm64.h"

/* QEMU virt has 32 virtio-mmio transports. */
#define VIRTIO_MMIO_MAX		64
#define GIC_SPI			0	/* first cell of a GIC interrupt */

struct mmio_slot {
	__paddr_t base;
	__sz size;
	unsigned int line;
};

static struct mmio_slot slots[VIRTIO_MMIO_MAX];
static int nslots = -1;			/* -1: the tree not read yet */

int qemu_irq_line(unsigned int spi)
{
	int irq = ukplat_irq_alloc(), rc;

	if (irq < 0)
		return irq;
	rc = arm64_gic_spi_route(32 + spi, (unsigned long)irq);
	if (rc) {
		ukplat_irq_free((unsigned long)irq);
		return rc;
	}
	return irq;
}

int qemu_msi_alloc(__u64 *addr __maybe_unused, __u32 *data __maybe_unused)
{
	return -ENOTSUP;
}

int arm64_fdt_spi(const void *fdt, int node)
{
	const __u32 *cells;
	int len;

	cells = uk_fdt_getprop(fdt, node, "interrupts", &len);
	if (!cells || len < 12 || uk_fdt_read_cells(&cells[0], 1) != GIC_SPI)
		return -EINVAL;
	return (int)uk_fdt_read_cells(&cells[1], 1);
}

/* Every enabled "virtio,mmio" node, by address (virt lists them from the
 * top down; QEMU fills the lowest first). */
static void slots_read(void)
{
	const void *fdt = arm64_fdt;
	struct mmio_slot s;
	__u64 base, size;
	int node = -1, spi, i;

	nslots = 0;
	while ((node = uk_fdt_node_by_compatible(fdt, node,
						 "virtio,mmio")) >= 0) {
		if (!uk_fdt_node_enabled(fdt, node) ||
		    uk_fdt_reg(fdt, 0, node, 0, &base, &size) < 0 || !size)
			continue;
		spi = arm64_fdt_spi(fdt, node);
		if (spi < 0) {
			uk_pr_warn("virtio,mmio@0x%lx: no SPI\n", base);
			continue;
		}
		if (nslots == VIRTIO_MMIO_MAX)
			break;
		s = (struct mmio_slot){ base, size, (unsigned int)spi };
		for (i = nslots; i > 0 && slots[i - 1].base > base; i--)
			slots[i] = slots[i - 1];
		slots[i] = s;
		nslots++;
	}
}

int qemu_virtio_mmio_slot(unsigned int i, __paddr_t *base, __sz *size,
			  unsigned int *line)
{
	if (nslots < 0)
		slots_read();
	if (i >= (unsigned int)nslots)
		return -ENOENT;
	*base = slots[i].base;
	*size = slots[i].size;
	*line = slots[i].line;
	return 0;
}

void *qemu_fw_cfg_mmio(void)
{
	__u64 base, size;
	int node;

	node = uk_fdt_node_by_compatible(arm64_fdt, -1, "qemu,fw-cfg-mmio");
	if (node < 0 || !uk_fdt_node_enabled(arm64_fdt, node) ||
	    uk_fdt_reg(arm64_fdt, 0, node, 0, &base, &size) < 0 || size < 0x18)
		return NULL;
	return qemu_mmio_map(base, size);
}

__u32 qemu_pci_read32(unsigned int bus, unsigned int dev,
		      unsigned int fn, unsigned int off)
{
	return 0xffffffffU;		/* no PCI (see the top) */
}

void qemu_pci_write32(unsigned int bus, unsigned int dev,
		      unsigned int fn, unsigned int off,
		      __u32 v __maybe_unused)
{
}
