/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtio-pci transport (virtio 1.x, 4.1), modern interface: the
 * common, notify and device configuration structures found through the
 * vendor capabilities, in memory BARs; one MSI-X vector for the
 * configuration and every queue. Bus 0 is scanned (QEMU's q35 and pc
 * put devices there).
 */
#include <errno.h>
#include <stdio.h>
#include <uk/alloc.h>
#include <uk/arch/atomic.h>
#include <uk/init.h>
#include <uk/print.h>
#include <uk/plat/irq.h>
#include <qemu/bus.h>
#include <virtio/virtio.h>

#define PCI_VENDOR_VIRTIO	0x1af4
#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEM		0x02
#define PCI_COMMAND_MASTER	0x04
#define PCI_COMMAND_INTX_OFF	0x400
#define PCI_STATUS		0x06
#define PCI_STATUS_CAPS		0x10
#define PCI_HEADER_TYPE		0x0e
#define PCI_SUBSYS_ID		0x2e
#define PCI_CAPS		0x34
#define PCI_CAP_MSIX		0x11
#define PCI_CAP_VENDOR		0x09

#define CAP_COMMON		1
#define CAP_NOTIFY		2
#define CAP_ISR			3
#define CAP_DEVICE		4

/* struct virtio_pci_common_cfg */
#define CC_DFSELECT		0x00
#define CC_DF			0x04
#define CC_GFSELECT		0x08
#define CC_GF			0x0c
#define CC_MSIX			0x10
#define CC_STATUS		0x14
#define CC_CFGGEN		0x15
#define CC_Q_SELECT		0x16
#define CC_Q_SIZE		0x18
#define CC_Q_MSIX		0x1a
#define CC_Q_ENABLE		0x1c
#define CC_Q_NOFF		0x1e
#define CC_Q_DESC		0x20
#define CC_Q_AVAIL		0x28
#define CC_Q_USED		0x30

struct pci_vdev {
	struct virtio_dev vdev;
	unsigned int bus, dev, fn;
	volatile __u8 *common, *notify, *devcfg;
	__u32 notify_mult;
	unsigned int msix_cap;
	char where[24];
};

static struct pci_vdev *pv_of(struct virtio_dev *dev)
{
	return __containerof(dev, struct pci_vdev, vdev);
}

#define CC8(d, o)	(*(volatile __u8 *)(pv_of(d)->common + (o)))
#define CC16(d, o)	(*(volatile __u16 *)(pv_of(d)->common + (o)))
#define CC32(d, o)	(*(volatile __u32 *)(pv_of(d)->common + (o)))

static __u64 features_get(struct virtio_dev *dev)
{
	__u64 f;

	CC32(dev, CC_DFSELECT) = 1;
	f = (__u64)CC32(dev, CC_DF) << 32;
	CC32(dev, CC_DFSELECT) = 0;
	return f | CC32(dev, CC_DF);
}

static void features_set(struct virtio_dev *dev, __u64 f)
{
	CC32(dev, CC_GFSELECT) = 1;
	CC32(dev, CC_GF) = (__u32)(f >> 32);
	CC32(dev, CC_GFSELECT) = 0;
	CC32(dev, CC_GF) = (__u32)f;
}

static __u8 status_get(struct virtio_dev *dev)
{
	return CC8(dev, CC_STATUS);
}

static void status_set(struct virtio_dev *dev, __u8 s)
{
	CC8(dev, CC_STATUS) = s;
	if (!s)		/* a reset completes when status reads 0 */
		while (CC8(dev, CC_STATUS))
			ukarch_spinwait();
}

static void config_get(struct virtio_dev *dev, unsigned int off, void *buf,
		       unsigned int len)
{
	volatile __u8 *cfg = pv_of(dev)->devcfg + off;
	unsigned int i;
	__u8 gen;

	do {
		gen = CC8(dev, CC_CFGGEN);
		for (i = 0; i < len; i++)
			((__u8 *)buf)[i] = cfg[i];
	} while (gen != CC8(dev, CC_CFGGEN));
}

static void config_set(struct virtio_dev *dev, unsigned int off,
		       const void *buf, unsigned int len)
{
	volatile __u8 *cfg = pv_of(dev)->devcfg + off;
	unsigned int i;

	for (i = 0; i < len; i++)
		cfg[i] = ((const __u8 *)buf)[i];
}

static unsigned int queue_max(struct virtio_dev *dev, unsigned int idx)
{
	CC16(dev, CC_Q_SELECT) = (__u16)idx;
	return CC16(dev, CC_Q_SIZE);
}

static int queue_enable(struct virtio_dev *dev, struct virtqueue *vq)
{
	struct pci_vdev *pv = pv_of(dev);

	CC16(dev, CC_Q_SELECT) = (__u16)vq->index;
	CC16(dev, CC_Q_SIZE) = vq->num;
	*(volatile __u64 *)(pv->common + CC_Q_DESC) = vq->desc_pa;
	*(volatile __u64 *)(pv->common + CC_Q_AVAIL) = vq->avail_pa;
	*(volatile __u64 *)(pv->common + CC_Q_USED) = vq->used_pa;
	CC16(dev, CC_Q_MSIX) = 0;
	if (CC16(dev, CC_Q_MSIX) != 0)
		return -ENOSPC;
	vq->tpriv = (void *)(pv->notify + CC16(dev, CC_Q_NOFF) *
			     pv->notify_mult);
	CC16(dev, CC_Q_ENABLE) = 1;
	return 0;
}

static void notify(struct virtio_dev *dev, struct virtqueue *vq)
{
	*(volatile __u16 *)vq->tpriv = (__u16)vq->index;
}

static int msix_isr(void *arg, struct __regs *regs __maybe_unused)
{
	virtio_dev_interrupt(arg);
	return 1;
}

/* Where unassigned memory BARs go: above every assigned one, below the
 * I/O APIC (firmware such as qboot leaves 64-bit BARs unassigned). */
#define PCI_MMIO_FLOOR	0xe0000000UL
#define PCI_MMIO_CEIL	0xfec00000UL
static __paddr_t pci_mmio_next;

static __paddr_t bar_read(unsigned int b, unsigned int d, unsigned int f,
			  unsigned int bar)
{
	__u32 lo = qemu_pci_read32(b, d, f, 0x10 + 4 * bar);
	__paddr_t a = lo & ~0xfU;

	if (lo & 1)
		return 0;		/* I/O space */
	if ((lo & 0x6) == 0x4 && bar < 5)
		a |= (__paddr_t)qemu_pci_read32(b, d, f, 0x14 + 4 * bar) <<
		     32;
	return a;
}

/* The size of a memory BAR (decoding is off meanwhile). */
static __u32 bar_size(unsigned int b, unsigned int d, unsigned int f,
		      unsigned int bar)
{
	unsigned int off = 0x10 + 4 * bar;
	__u32 lo = qemu_pci_read32(b, d, f, off), sz;
	__u16 cmd = qemu_pci_read16(b, d, f, PCI_COMMAND);

	qemu_pci_write16(b, d, f, PCI_COMMAND, cmd & ~PCI_COMMAND_MEM);
	qemu_pci_write32(b, d, f, off, 0xffffffffU);
	sz = ~(qemu_pci_read32(b, d, f, off) & ~0xfU) + 1;
	qemu_pci_write32(b, d, f, off, lo);
	qemu_pci_write16(b, d, f, PCI_COMMAND, cmd);
	return sz;
}

/* Gives BAR bar of pv an address (aligned to its size) if it has none. */
static __paddr_t bar_assign(struct pci_vdev *pv, unsigned int bar)
{
	unsigned int b = pv->bus, d = pv->dev, f = pv->fn, off = 0x10 + 4 * bar;
	__u32 lo = qemu_pci_read32(b, d, f, off);
	__u32 sz = bar_size(b, d, f, bar);
	__paddr_t a = ALIGN_UP(pci_mmio_next, sz);

	if ((lo & 1) || !sz || a + sz > PCI_MMIO_CEIL)
		return 0;
	qemu_pci_write32(b, d, f, off, (__u32)a | (lo & 0xf));
	if ((lo & 0x6) == 0x4)
		qemu_pci_write32(b, d, f, off + 4, 0);
	pci_mmio_next = a + sz;
	return a;
}

static __paddr_t bar_addr(struct pci_vdev *pv, unsigned int bar)
{
	__paddr_t a = bar_read(pv->bus, pv->dev, pv->fn, bar);

	return a ? a : bar_assign(pv, bar);
}

/* Starts pci_mmio_next above the memory BARs firmware assigned. */
static void mmio_window_init(void)
{
	unsigned int d, f, bar;
	__paddr_t a;

	pci_mmio_next = PCI_MMIO_FLOOR;
	for (d = 0; d < 32; d++)
		for (f = 0; f < 8; f++) {
			if ((qemu_pci_read32(0, d, f, 0) & 0xffff) == 0xffff)
				continue;
			for (bar = 0; bar < 6; bar++) {
				a = bar_read(0, d, f, bar);
				if (a < PCI_MMIO_FLOOR || a >= PCI_MMIO_CEIL)
					continue;
				a += bar_size(0, d, f, bar);
				if (a > pci_mmio_next)
					pci_mmio_next = a;
			}
		}
}

static int irq_setup(struct virtio_dev *dev)
{
	struct pci_vdev *pv = pv_of(dev);
	unsigned int c = pv->msix_cap;
	volatile __u32 *table;
	__u32 tbl;
	__u16 mc;
	__u64 addr;
	__u32 data;
	int irq;

	if (!c)
		return -ENOTSUP;
	tbl = qemu_pci_read32(pv->bus, pv->dev, pv->fn, c + 4);
	table = qemu_mmio_map(bar_addr(pv, tbl & 7) + (tbl & ~7U), 16);
	irq = table ? qemu_msi_alloc(&addr, &data) : -ENOMEM;
	if (irq < 0)
		return irq;
	table[0] = (__u32)addr;
	table[1] = (__u32)(addr >> 32);
	table[2] = data;
	table[3] = 0;			/* unmasked */
	CC16(dev, CC_MSIX) = 0;
	dev->irq = (unsigned int)irq;
	irq = ukplat_irq_register((unsigned long)irq, msix_isr, dev);
	if (irq)
		return irq;
	mc = qemu_pci_read16(pv->bus, pv->dev, pv->fn, c + 2);
	qemu_pci_write16(pv->bus, pv->dev, pv->fn, c + 2,
			 (mc | 0x8000) & ~0x4000);
	return 0;
}

static const struct virtio_transport_ops pci_ops = {
	.features_get = features_get,
	.features_set = features_set,
	.status_get = status_get,
	.status_set = status_set,
	.config_get = config_get,
	.config_set = config_set,
	.queue_max = queue_max,
	.queue_enable = queue_enable,
	.notify = notify,
	.irq_setup = irq_setup,
};

/* Finds the configuration structures; 0 or -ENODEV. */
static int caps_read(struct pci_vdev *pv)
{
	unsigned int b = pv->bus, d = pv->dev, f = pv->fn, c, n = 0;
	__u8 type, bar;
	__u32 off, len;
	volatile __u8 *p;

	if (!(qemu_pci_read16(b, d, f, PCI_STATUS) & PCI_STATUS_CAPS))
		return -ENODEV;
	for (c = qemu_pci_read8(b, d, f, PCI_CAPS) & 0xfc; c && n++ < 48;
	     c = qemu_pci_read8(b, d, f, c + 1) & 0xfc) {
		if (qemu_pci_read8(b, d, f, c) == PCI_CAP_MSIX) {
			pv->msix_cap = c;
			continue;
		}
		if (qemu_pci_read8(b, d, f, c) != PCI_CAP_VENDOR)
			continue;
		type = qemu_pci_read8(b, d, f, c + 3);
		bar = qemu_pci_read8(b, d, f, c + 4);
		off = qemu_pci_read32(b, d, f, c + 8);
		len = qemu_pci_read32(b, d, f, c + 12);
		if (bar > 5 || type < CAP_COMMON || type > CAP_DEVICE ||
		    type == CAP_ISR)
			continue;
		p = qemu_mmio_map(bar_addr(pv, bar) + off, len ? len : 1);
		if (!p)
			return -ENOMEM;
		if (type == CAP_COMMON && !pv->common)
			pv->common = p;
		else if (type == CAP_NOTIFY && !pv->notify) {
			pv->notify = p;
			pv->notify_mult = qemu_pci_read32(b, d, f, c + 16);
		} else if (type == CAP_DEVICE && !pv->devcfg)
			pv->devcfg = p;
	}
	return pv->common && pv->notify && pv->devcfg ? 0 : -ENODEV;
}

static void probe_fn(unsigned int b, unsigned int d, unsigned int f,
		     __u32 id)
{
	__u16 did = (__u16)(id >> 16);
	struct pci_vdev *pv;
	__u16 cmd;

	if ((id & 0xffff) != PCI_VENDOR_VIRTIO || did < 0x1000 ||
	    did > 0x107f)
		return;
	pv = uk_calloc(uk_alloc_get_default(), 1, sizeof(*pv));
	if (!pv)
		return;
	pv->bus = b;
	pv->dev = d;
	pv->fn = f;
	snprintf(pv->where, sizeof(pv->where), "pci %u:%u.%u", b, d, f);
	pv->vdev.where = pv->where;
	pv->vdev.ops = &pci_ops;
	/* Transitional devices (0x1000..) give the type as subsystem. */
	pv->vdev.device_id = did >= 0x1040 ? (__u16)(did - 0x1040) :
			     qemu_pci_read16(b, d, f, PCI_SUBSYS_ID);
	cmd = qemu_pci_read16(b, d, f, PCI_COMMAND);
	qemu_pci_write16(b, d, f, PCI_COMMAND, cmd | PCI_COMMAND_MEM |
			 PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF);
	if (caps_read(pv)) {
		uk_pr_err("virtio %s: no modern interface\n", pv->where);
		uk_free(uk_alloc_get_default(), pv);
		return;
	}
	if (virtio_dev_add(&pv->vdev))
		uk_free(uk_alloc_get_default(), pv);
}

static int virtio_pci_probe(struct uk_init_ctx *ctx __maybe_unused)
{
	unsigned int d, f, nfn;
	__u32 id;

	if ((qemu_pci_read32(0, 0, 0, 0) & 0xffff) == 0xffff)
		return 0;		/* no PCI (microvm) */
	mmio_window_init();
	for (d = 0; d < 32; d++) {
		id = qemu_pci_read32(0, d, 0, 0);
		if ((id & 0xffff) == 0xffff)
			continue;
		nfn = qemu_pci_read8(0, d, 0, PCI_HEADER_TYPE) & 0x80 ? 8 : 1;
		for (f = 0; f < nfn; f++) {
			id = qemu_pci_read32(0, d, f, 0);
			if ((id & 0xffff) != 0xffff)
				probe_fn(0, d, f, id);
		}
	}
	return 0;
}
uk_plat_initcall(virtio_pci_probe, NULL);
