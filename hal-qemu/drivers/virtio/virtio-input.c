/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keyboard and pointer on metal: virtio-input devices (QEMU's
 * virtio-keyboard-device and virtio-tablet-device) on microvm's
 * virtio-mmio transports, merged into the platform's one input stream
 * (uk/plat/display.h). virtio-input speaks Linux's evdev already: its
 * events are passed on as they are, and virtio-tablet's absolute axes
 * are the contract's [0, 0x7fff].
 *
 * The transport and split-virtqueue code here is the minimum one
 * receive queue needs (modern virtio-mmio, version 2: qemu-run.py sets
 * virtio-mmio.force-legacy=false). It is meant to give way to the
 * shared virtio core (hal-qemu/drivers/virtio) when that lands.
 */
#include <errno.h>
#include <string.h>
#include <uk/falloc.h>
#include <uk/plat/display.h>
#include <uk/plat/irq.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "../../x86_64/x86.h"

/* microvm's transports: 512 bytes apart from here. */
#define MMIO_BASE		0xfeb00000UL
#define MMIO_SLOT		0x200
#define MMIO_SLOTS		24

#define VIRTIO_MAGIC		0x74726976	/* "virt" */
#define VIRTIO_ID_INPUT		18

#define R_MAGIC			0x000
#define R_VERSION		0x004
#define R_DEVICE_ID		0x008
#define R_DEV_FEATURES		0x010
#define R_DEV_FEATURES_SEL	0x014
#define R_DRV_FEATURES		0x020
#define R_DRV_FEATURES_SEL	0x024
#define R_QUEUE_SEL		0x030
#define R_QUEUE_NUM_MAX		0x034
#define R_QUEUE_NUM		0x038
#define R_QUEUE_READY		0x044
#define R_QUEUE_NOTIFY		0x050
#define R_INT_STATUS		0x060
#define R_INT_ACK		0x064
#define R_STATUS		0x070
#define R_QUEUE_DESC		0x080
#define R_QUEUE_AVAIL		0x090
#define R_QUEUE_USED		0x0a0
#define R_CONFIG		0x100

#define S_ACK			1
#define S_DRIVER		2
#define S_DRIVER_OK		4
#define S_FEATURES_OK		8

#define F_VERSION_1_HI		(1U << 0)	/* feature bit 32 */

#define CFG_ID_NAME		0x01

#define QSIZE			64
#define VRING_DESC_F_WRITE	2

#define INPUT_IRQ		UKPLAT_IRQ_DEVICE_BASE
#define MAX_DEVS		2

struct vring_desc {
	__u64 addr;
	__u32 len;
	__u16 flags;
	__u16 next;
};

struct vring_avail {
	__u16 flags;
	__u16 idx;
	__u16 ring[QSIZE];
};

struct vring_used {
	__u16 flags;
	__u16 idx;
	struct {
		__u32 id;
		__u32 len;
	} ring[QSIZE];
};

struct vq_page {			/* one page, at these offsets */
	struct vring_desc desc[QSIZE];		/* 0 */
	struct vring_avail avail;		/* 1024 */
	__u8 pad[2048 - 1024 - sizeof(struct vring_avail)];
	struct vring_used used;			/* 2048 */
	__u8 pad2[3072 - 2048 - sizeof(struct vring_used)];
	struct ukplat_input_event buf[QSIZE];	/* 3072 */
};

struct vinput {
	__uptr mmio;
	struct vq_page *q;		/* through the direct map */
	__u16 last_used;
	int mid_packet;			/* events taken since a SYN */
	char name[64];
};

static struct vinput devs[MAX_DEVS];
static unsigned int ndevs, cur;

static __u32 rd(const struct vinput *d, __u32 reg)
{
	return *(volatile __u32 *)(d->mmio + reg);
}

static void wr(const struct vinput *d, __u32 reg, __u32 v)
{
	*(volatile __u32 *)(d->mmio + reg) = v;
}

static void wr64(const struct vinput *d, __u32 reg, __u64 v)
{
	wr(d, reg, (__u32)v);
	wr(d, reg + 4, (__u32)(v >> 32));
}

static void read_name(struct vinput *d)
{
	volatile __u8 *cfg = (volatile __u8 *)(d->mmio + R_CONFIG);
	unsigned int n, i;

	cfg[0] = CFG_ID_NAME;
	cfg[1] = 0;
	n = cfg[2];
	for (i = 0; i < n && i < sizeof(d->name) - 1; i++)
		d->name[i] = (char)cfg[8 + i];
	d->name[i] = '\0';
}

static int queue_init(struct vinput *d)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__paddr_t pa = __PADDR_ANY;
	unsigned int i;

	wr(d, R_QUEUE_SEL, 0);
	if (rd(d, R_QUEUE_READY) || rd(d, R_QUEUE_NUM_MAX) < QSIZE)
		return -EIO;
	if (!fa || uk_falloc(fa, &pa, 1, UK_FALLOC_F_ZERO) < 0)
		return -ENOMEM;
	d->q = (struct vq_page *)(pa + X86_DM_OFF);
	for (i = 0; i < QSIZE; i++) {
		d->q->desc[i].addr = pa + __builtin_offsetof(struct vq_page,
							    buf[i]);
		d->q->desc[i].len = sizeof(d->q->buf[i]);
		d->q->desc[i].flags = VRING_DESC_F_WRITE;
		d->q->avail.ring[i] = (__u16)i;
	}
	d->q->avail.idx = QSIZE;
	wr(d, R_QUEUE_NUM, QSIZE);
	wr64(d, R_QUEUE_DESC, pa);
	wr64(d, R_QUEUE_AVAIL, pa + __builtin_offsetof(struct vq_page, avail));
	wr64(d, R_QUEUE_USED, pa + __builtin_offsetof(struct vq_page, used));
	wr(d, R_QUEUE_READY, 1);
	return 0;
}

/* The virtio initialisation sequence (virtio 1.1, 3.1.1). */
static int dev_init(struct vinput *d)
{
	wr(d, R_STATUS, 0);
	wr(d, R_STATUS, S_ACK);
	wr(d, R_STATUS, S_ACK | S_DRIVER);
	wr(d, R_DEV_FEATURES_SEL, 1);
	if (!(rd(d, R_DEV_FEATURES) & F_VERSION_1_HI))
		return -EIO;
	wr(d, R_DRV_FEATURES_SEL, 0);
	wr(d, R_DRV_FEATURES, 0);
	wr(d, R_DRV_FEATURES_SEL, 1);
	wr(d, R_DRV_FEATURES, F_VERSION_1_HI);
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(d, R_STATUS) & S_FEATURES_OK))
		return -EIO;
	read_name(d);
	if (queue_init(d) < 0)
		return -EIO;
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	wr(d, R_QUEUE_NOTIFY, 0);
	return 0;
}

/* microvm puts transport i on GSI 24 + i when it has its second I/O
 * APIC (TCG, split irqchip), else on GSI 5 + i (8 transports). */
static __u32 gsi_of(unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < x86_ioapic_count; i++)
		if (x86_ioapics[i].gsi_base == 24)
			return 24 + slot;
	return 5 + slot;
}

int ukplat_input_probe(struct ukplat_input_info *info)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	struct vinput *d;
	unsigned int slot;
	__uptr pa;
	int rc;

	rc = ukplat_page_map(pt, MMIO_BASE, MMIO_BASE,
			     MMIO_SLOTS * MMIO_SLOT / PAGE_SIZE,
			     PAGE_ATTR_PROT_RW, 0);
	if (rc < 0 && rc != -EEXIST)
		return -ENODEV;
	for (slot = 0; slot < MMIO_SLOTS && ndevs < MAX_DEVS; slot++) {
		pa = MMIO_BASE + slot * MMIO_SLOT;
		d = &devs[ndevs];
		d->mmio = pa;
		if (rd(d, R_MAGIC) != VIRTIO_MAGIC ||
		    rd(d, R_DEVICE_ID) != VIRTIO_ID_INPUT)
			continue;
		if (rd(d, R_VERSION) != 2) {
			uk_pr_warn("virtio-input at %lx: legacy transport "
				   "(use -global virtio-mmio.force-legacy="
				   "false)\n", pa);
			continue;
		}
		if (dev_init(d) < 0 ||
		    x86_ioapic_route(gsi_of(slot), INPUT_IRQ, 1) < 0) {
			uk_pr_warn("virtio-input at %lx: cannot start\n", pa);
			wr(d, R_STATUS, 0);
			continue;
		}
		uk_pr_info("virtio-input: %s\n", d->name);
		ndevs++;
	}
	if (!ndevs)
		return -ENODEV;
	strcpy(info->name, ndevs > 1 ? "QEMU Virtio Keyboard and Tablet" :
	       devs[0].name);
	info->bustype = 0x06;		/* BUS_VIRTUAL, as Linux names it */
	info->vendor = 0x0627;		/* QEMU's virtio-input ids */
	info->product = 0x0001;
	info->version = 1;
	info->irq = INPUT_IRQ;
	return 0;
}

/* Takes one event of d, giving its buffer back. Returns 1 or 0. */
static int take(struct vinput *d, struct ukplat_input_event *ev)
{
	struct vq_page *q = d->q;
	__u16 used = __atomic_load_n(&q->used.idx, __ATOMIC_ACQUIRE);
	__u32 id;

	if (used == d->last_used) {
		/* Drained: lower the (level) interrupt, then look again
		 * for what came meanwhile. */
		wr(d, R_INT_ACK, rd(d, R_INT_STATUS));
		used = __atomic_load_n(&q->used.idx, __ATOMIC_ACQUIRE);
		if (used == d->last_used)
			return 0;
	}
	id = q->used.ring[d->last_used % QSIZE].id % QSIZE;
	*ev = q->buf[id];
	d->last_used++;
	q->avail.ring[q->avail.idx % QSIZE] = (__u16)id;
	__atomic_store_n(&q->avail.idx, (__u16)(q->avail.idx + 1),
			 __ATOMIC_RELEASE);
	wr(d, R_QUEUE_NOTIFY, 0);
	d->mid_packet = !(ev->type == 0 && ev->code == 0);
	return 1;
}

/* Packets of the devices are not interleaved: the current device keeps
 * the stream until its packet ends. */
int ukplat_input_next(struct ukplat_input_event *ev)
{
	unsigned int i;

	for (i = 0; i < ndevs; i++) {
		if (take(&devs[cur], ev))
			return 1;
		if (devs[cur].mid_packet)
			return 0;
		cur = (cur + 1) % ndevs;
	}
	return 0;
}
