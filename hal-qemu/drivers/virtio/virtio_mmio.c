/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtio-mmio transport (virtio 1.x, 4.2; version 2 registers) on
 * QEMU's microvm (x86_64) and virt (arm64, slots from the device tree):
 * every slot of the machine is probed for a device; its interrupt line is
 * level triggered and acknowledged here.
 */
#include <errno.h>
#include <stdio.h>
#include <uk/alloc.h>
#include <uk/init.h>
#include <uk/print.h>
#include <uk/plat/irq.h>
#include <qemu/bus.h>
#include <virtio/virtio.h>

#define MMIO_MAGIC		0x000
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_DEV_FEATURES	0x010
#define MMIO_DEV_FEATURES_SEL	0x014
#define MMIO_DRV_FEATURES	0x020
#define MMIO_DRV_FEATURES_SEL	0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INT_STATUS		0x060
#define MMIO_INT_ACK		0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC		0x080
#define MMIO_QUEUE_DRIVER	0x090
#define MMIO_QUEUE_DEVICE	0x0a0
#define MMIO_CONFIG_GEN		0x0fc
#define MMIO_CONFIG		0x100

#define MMIO_MAGIC_VALUE	0x74726976	/* "virt" */

struct mmio_dev {
	struct virtio_dev vdev;
	volatile __u8 *base;
	unsigned int line;
	char where[32];
};

static struct mmio_dev *mmio_of(struct virtio_dev *dev)
{
	return __containerof(dev, struct mmio_dev, vdev);
}

static __u32 rd(struct virtio_dev *dev, unsigned int off)
{
	return *(volatile __u32 *)(mmio_of(dev)->base + off);
}

static void wr(struct virtio_dev *dev, unsigned int off, __u32 v)
{
	*(volatile __u32 *)(mmio_of(dev)->base + off) = v;
}

static __u64 features_get(struct virtio_dev *dev)
{
	__u64 f;

	wr(dev, MMIO_DEV_FEATURES_SEL, 1);
	f = (__u64)rd(dev, MMIO_DEV_FEATURES) << 32;
	wr(dev, MMIO_DEV_FEATURES_SEL, 0);
	return f | rd(dev, MMIO_DEV_FEATURES);
}

static void features_set(struct virtio_dev *dev, __u64 f)
{
	wr(dev, MMIO_DRV_FEATURES_SEL, 1);
	wr(dev, MMIO_DRV_FEATURES, (__u32)(f >> 32));
	wr(dev, MMIO_DRV_FEATURES_SEL, 0);
	wr(dev, MMIO_DRV_FEATURES, (__u32)f);
}

static __u8 status_get(struct virtio_dev *dev)
{
	return (__u8)rd(dev, MMIO_STATUS);
}

static void status_set(struct virtio_dev *dev, __u8 s)
{
	wr(dev, MMIO_STATUS, s);
}

static void config_get(struct virtio_dev *dev, unsigned int off, void *buf,
		       unsigned int len)
{
	volatile __u8 *cfg = mmio_of(dev)->base + MMIO_CONFIG + off;
	__u32 gen;
	unsigned int i;

	do {
		gen = rd(dev, MMIO_CONFIG_GEN);
		for (i = 0; i < len; i++)
			((__u8 *)buf)[i] = cfg[i];
	} while (gen != rd(dev, MMIO_CONFIG_GEN));
}

static unsigned int queue_max(struct virtio_dev *dev, unsigned int idx)
{
	wr(dev, MMIO_QUEUE_SEL, idx);
	if (rd(dev, MMIO_QUEUE_READY))
		return 0;
	return rd(dev, MMIO_QUEUE_NUM_MAX);
}

static int queue_enable(struct virtio_dev *dev, struct virtqueue *vq)
{
	wr(dev, MMIO_QUEUE_SEL, vq->index);
	wr(dev, MMIO_QUEUE_NUM, vq->num);
	wr(dev, MMIO_QUEUE_DESC, (__u32)vq->desc_pa);
	wr(dev, MMIO_QUEUE_DESC + 4, (__u32)(vq->desc_pa >> 32));
	wr(dev, MMIO_QUEUE_DRIVER, (__u32)vq->avail_pa);
	wr(dev, MMIO_QUEUE_DRIVER + 4, (__u32)(vq->avail_pa >> 32));
	wr(dev, MMIO_QUEUE_DEVICE, (__u32)vq->used_pa);
	wr(dev, MMIO_QUEUE_DEVICE + 4, (__u32)(vq->used_pa >> 32));
	wr(dev, MMIO_QUEUE_READY, 1);
	return 0;
}

static void config_set(struct virtio_dev *dev, unsigned int off,
		       const void *buf, unsigned int len)
{
	volatile __u8 *cfg = mmio_of(dev)->base + MMIO_CONFIG + off;
	unsigned int i;

	for (i = 0; i < len; i++)
		cfg[i] = ((const __u8 *)buf)[i];
}

static void notify(struct virtio_dev *dev, struct virtqueue *vq)
{
	wr(dev, MMIO_QUEUE_NOTIFY, vq->index);
}

static int mmio_isr(void *arg, struct __regs *regs __maybe_unused)
{
	struct virtio_dev *dev = arg;
	__u32 st = rd(dev, MMIO_INT_STATUS);

	if (!st)
		return 0;
	wr(dev, MMIO_INT_ACK, st);
	if (st & 1)
		virtio_dev_interrupt(dev);
	return 1;
}

static int irq_setup(struct virtio_dev *dev)
{
	int irq = qemu_irq_line(mmio_of(dev)->line);

	if (irq < 0)
		return irq;
	dev->irq = (unsigned int)irq;
	return ukplat_irq_register((unsigned long)irq, mmio_isr, dev);
}

static const struct virtio_transport_ops mmio_ops = {
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

static void probe_slot(__paddr_t pa, __sz size, unsigned int line)
{
	volatile __u8 *base = qemu_mmio_map(pa, size);
	struct mmio_dev *m;
	__u32 id;

	if (!base || *(volatile __u32 *)(base + MMIO_MAGIC) !=
	    MMIO_MAGIC_VALUE)
		return;
	id = *(volatile __u32 *)(base + MMIO_DEVICE_ID);
	if (!id)
		return;		/* an empty slot */
	m = uk_calloc(uk_alloc_get_default(), 1, sizeof(*m));
	if (!m)
		return;
	m->base = base;
	m->line = line;
	snprintf(m->where, sizeof(m->where), "mmio@0x%lx", pa);
	m->vdev.ops = &mmio_ops;
	m->vdev.device_id = (__u16)id;
	m->vdev.where = m->where;
	if (*(volatile __u32 *)(base + MMIO_VERSION) != 2) {
		uk_pr_err("virtio %s: legacy virtio-mmio (version %u); QEMU "
			  "needs -global virtio-mmio.force-legacy=false\n",
			  m->where, *(volatile __u32 *)(base + MMIO_VERSION));
		uk_free(uk_alloc_get_default(), m);
		return;
	}
	if (virtio_dev_add(&m->vdev))
		uk_free(uk_alloc_get_default(), m);
}

static int virtio_mmio_probe(struct uk_init_ctx *ctx __maybe_unused)
{
	unsigned int i, line;
	__paddr_t base;
	__sz size;

	for (i = 0; qemu_virtio_mmio_slot(i, &base, &size, &line) == 0; i++)
		probe_slot(base, size, line);
	return 0;
}
uk_plat_initcall(virtio_mmio_probe, NULL);
