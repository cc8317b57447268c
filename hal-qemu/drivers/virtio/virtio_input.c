/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keyboard and pointer on metal: virtio-input devices (virtio 1.x, 5.8;
 * QEMU's virtio-keyboard and virtio-tablet, on virtio-mmio or virtio-pci
 * alike) merged into the platform's one input stream (uk/plat/display.h).
 * virtio-input speaks Linux's evdev already: events pass as they are,
 * and virtio-tablet's absolute axes are the contract's [0, 0x7fff].
 *
 * Each device's event queue interrupts through the virtio core; the
 * queue's callback raises the input's own vector (ukplat_irq_alloc) on
 * this CPU, as sim's SDL thread raises it, and the core's input handler
 * drains every device with ukplat_input_next().
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/falloc.h>
#include <uk/plat/display.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/print.h>
#include <uk/spinlock.h>
#include <qemu/bus.h>
#include <virtio/virtio.h>

#define VIRTIO_ID_INPUT		18

/* struct virtio_input_config */
#define CFG_SELECT		0
#define CFG_SUBSEL		1
#define CFG_SIZE		2
#define CFG_DATA		8
#define CFG_ID_NAME		0x01

#define VIN_EVQ			0
#define VIN_QSIZE		64
#define VIN_MAX_DEVS		4

struct vinput {
	struct virtqueue *evq;
	struct ukplat_input_event *ev;	/* a buffer per descriptor */
	__paddr_t ev_pa;
	int mid_packet;			/* events taken since a SYN */
	char name[64];
};

static struct vinput *devs[VIN_MAX_DEVS];
static unsigned int ndevs, cur;
static int input_irq = -1;		/* the core's vector, once probed */
static UK_SPINLOCK_DEFINE(vin_lock);	/* the queues, cur */

static void read_name(struct virtio_dev *vdev, char *name, __sz size)
{
	__u8 sel[2] = { CFG_ID_NAME, 0 }, len = 0;

	virtio_config_set(vdev, CFG_SELECT, sel, sizeof(sel));
	virtio_config_get(vdev, CFG_SIZE, &len, 1);
	if (len > size - 1)
		len = (__u8)(size - 1);
	virtio_config_get(vdev, CFG_DATA, name, len);
	name[len] = '\0';
}

/* Gives buffer b back to the device. */
static void give(struct vinput *d, struct ukplat_input_event *b)
{
	struct virtqueue_sg sg = {
		.addr = d->ev_pa + (__paddr_t)(b - d->ev) * sizeof(*b),
		.len = sizeof(*b),
	};

	virtqueue_add(d->evq, &sg, 0, 1, b);
}

/* Interrupt context: events wait; the core's handler takes them. */
static void vin_callback(struct virtqueue *vq, void *arg)
{
	int irq = __atomic_load_n(&input_irq, __ATOMIC_ACQUIRE);
	__lcpuidx self = ukplat_lcpu_idx();

	if (irq >= 0)
		ukplat_lcpu_send_ipi(&self, 1, (unsigned int)irq);
}

static int vin_add(struct virtio_dev *vdev)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct vinput *d;
	unsigned int i;

	if (ndevs >= VIN_MAX_DEVS)
		return -ENOSPC;
	d = uk_calloc(a, 1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ev_pa = __PADDR_ANY;
	if (uk_falloc(uk_falloc_get_default(), &d->ev_pa, 1,
		      UK_FALLOC_F_ZERO) < 0) {
		uk_free(a, d);
		return -ENOMEM;
	}
	d->ev = (void *)(d->ev_pa + ukplat_bootinfo_get()->dm_off);
	read_name(vdev, d->name, sizeof(d->name));
	d->evq = virtqueue_create(vdev, VIN_EVQ, VIN_QSIZE, vin_callback, d);
	if (!d->evq) {
		uk_ffree(uk_falloc_get_default(), d->ev_pa, 1);
		uk_free(a, d);
		return -EIO;
	}
	for (i = 0; i < d->evq->num; i++)
		give(d, &d->ev[i]);
	vdev->priv = d;
	devs[ndevs++] = d;
	return 0;
}

static void vin_start(struct virtio_dev *vdev)
{
	struct vinput *d = vdev->priv;

	uk_pr_info("virtio-input: %s\n", d->name);
	virtqueue_kick(d->evq);
}

static const struct virtio_driver vin_driver = {
	.name = "input",
	.device_id = VIRTIO_ID_INPUT,
	.add = vin_add,
	.start = vin_start,
};
VIRTIO_DRIVER_REGISTER(vin_driver);

int ukplat_input_probe(struct ukplat_input_info *info)
{
	int irq = __atomic_load_n(&input_irq, __ATOMIC_ACQUIRE);

	if (!ndevs)
		return -ENODEV;
	if (irq < 0) {
		irq = ukplat_irq_alloc();
		if (irq < 0)
			return irq;
		__atomic_store_n(&input_irq, irq, __ATOMIC_RELEASE);
	}
	strcpy(info->name, ndevs > 1 ? "QEMU Virtio Keyboard and Tablet" :
	       devs[0]->name);
	info->bustype = 0x06;		/* BUS_VIRTUAL, as Linux names it */
	info->vendor = 0x0627;		/* QEMU's virtio-input ids */
	info->product = 0x0001;
	info->version = 1;
	info->irq = (unsigned long)irq;
	return 0;
}

/* Takes one event of d, giving its buffer back. Returns 1 or 0. */
static int take(struct vinput *d, struct ukplat_input_event *ev)
{
	struct ukplat_input_event *b = virtqueue_get(d->evq, NULL);

	if (!b)
		return 0;
	*ev = *b;
	give(d, b);
	virtqueue_kick(d->evq);
	d->mid_packet = !(ev->type == 0 && ev->code == 0);
	return 1;
}

/* Packets of the devices are not interleaved: the current device keeps
 * the stream until its packet ends. */
int ukplat_input_next(struct ukplat_input_event *ev)
{
	unsigned long fl;
	unsigned int i;
	int got = 0;

	uk_spin_lock_irqsave(&vin_lock, fl);
	for (i = 0; i < ndevs; i++) {
		if (take(devs[cur], ev)) {
			got = 1;
			break;
		}
		if (devs[cur]->mid_packet)
			break;
		cur = (cur + 1) % ndevs;
	}
	uk_spin_unlock_irqrestore(&vin_lock, fl);
	return got;
}
