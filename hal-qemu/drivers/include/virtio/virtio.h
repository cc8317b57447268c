/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtio core (virtio 1.x): devices found by a transport (virtio-mmio,
 * virtio-pci), matched to a driver by device id, initialised by the
 * spec's sequence (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * queues, DRIVER_OK), with split virtqueues in physically contiguous
 * frames. Drivers (virtio-net, virtio-input; virtio-blk later) see only
 * this header.
 *
 *   static const struct virtio_driver my_drv = { .device_id = 1, ... };
 *   VIRTIO_DRIVER_REGISTER(my_drv);
 */
#ifndef __VIRTIO_VIRTIO_H__
#define __VIRTIO_VIRTIO_H__

#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <uk/linktab.h>

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_FAILED		0x80

/* Transport-independent features. */
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33

#define VIRTIO_FEATURE(bit)		(1ULL << (bit))

struct virtio_dev;
struct virtqueue;

/* What a transport does for the core. */
struct virtio_transport_ops {
	__u64 (*features_get)(struct virtio_dev *dev);
	void (*features_set)(struct virtio_dev *dev, __u64 features);
	__u8 (*status_get)(struct virtio_dev *dev);
	void (*status_set)(struct virtio_dev *dev, __u8 status);
	/* Copies len bytes of the device's configuration at off. */
	void (*config_get)(struct virtio_dev *dev, unsigned int off,
			   void *buf, unsigned int len);
	/* Writes len bytes of buf to the device's configuration at off. */
	void (*config_set)(struct virtio_dev *dev, unsigned int off,
			   const void *buf, unsigned int len);
	/* The most entries queue idx may have; 0: no such queue. */
	unsigned int (*queue_max)(struct virtio_dev *dev, unsigned int idx);
	/* Gives the queue's rings to the device and enables it. */
	int (*queue_enable)(struct virtio_dev *dev, struct virtqueue *vq);
	void (*notify)(struct virtio_dev *dev, struct virtqueue *vq);
	/* Routes the device's interrupts to virtio_dev_interrupt(). */
	int (*irq_setup)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_transport_ops *ops;
	const struct virtio_driver *drv;
	__u16 device_id;		/* 1 net, 2 block, 18 input ... */
	__u64 features;			/* negotiated */
	const char *where;		/* "mmio@0xfeb02e00", "pci 0:3.0" */
	unsigned int irq;		/* the platform interrupt, once set up */
	struct virtqueue *vqs[8];
	unsigned int nvqs;
	void *priv;			/* the driver's */
	void *tpriv;			/* the transport's */
};

struct virtio_driver {
	const char *name;
	__u16 device_id;
	__u64 features;			/* wanted (VERSION_1 is added) */
	/* Features are negotiated; sets up queues (virtqueue_create) and
	 * whatever else; the core then sets DRIVER_OK. 0 or -errno. */
	int (*add)(struct virtio_dev *dev);
	/* After DRIVER_OK (may be NULL). */
	void (*start)(struct virtio_dev *dev);
};

#define VIRTIO_DRIVER_REGISTER(drv)					\
	UK_LINKTAB_ENTRY(const struct virtio_driver *const,		\
			 UK_CONCAT(__virtio_drv_, drv), "virtio", "0") =	\
		&(drv)

/* Transports: a device was found; the core finds its driver and brings
 * it up. Returns 0, -ENODEV (no driver), or the failure. */
int virtio_dev_add(struct virtio_dev *dev);
/* Transports, in interrupt context: the device interrupted; runs the
 * callbacks of its queues. */
void virtio_dev_interrupt(struct virtio_dev *dev);

static inline void virtio_config_set(struct virtio_dev *dev,
				     unsigned int off, const void *buf,
				     unsigned int len)
{
	dev->ops->config_set(dev, off, buf, len);
}

static inline int virtio_has(const struct virtio_dev *dev, unsigned int bit)
{
	return !!(dev->features & VIRTIO_FEATURE(bit));
}

static inline void virtio_config_get(struct virtio_dev *dev, unsigned int off,
				     void *buf, unsigned int len)
{
	dev->ops->config_get(dev, off, buf, len);
}

/* --- split virtqueues --------------------------------------------------- */

struct vring_desc {
	__u64 addr;
	__u32 len;
	__u16 flags;
	__u16 next;
};

#define VRING_DESC_F_NEXT		1
#define VRING_DESC_F_WRITE		2
#define VRING_AVAIL_F_NO_INTERRUPT	1
#define VRING_USED_F_NO_NOTIFY		1

struct vring_avail {
	__u16 flags;
	__u16 idx;
	__u16 ring[];
};

struct vring_used_elem {
	__u32 id;
	__u32 len;
};

struct vring_used {
	__u16 flags;
	__u16 idx;
	struct vring_used_elem ring[];
};

/* Called in interrupt context when the device used buffers (and the
 * queue's interrupts are enabled). */
typedef void (*virtqueue_callback_t)(struct virtqueue *vq, void *arg);

struct virtqueue {
	struct virtio_dev *dev;
	unsigned int index;
	__u16 num;			/* entries */
	__u16 free_head, num_free;
	__u16 last_used;		/* next used entry to look at */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	__paddr_t desc_pa, avail_pa, used_pa;
	void **cookies;
	virtqueue_callback_t callback;
	void *arg;
	__paddr_t mem_pa;		/* the frames of the rings */
	unsigned long mem_frames;
	void *tpriv;			/* the transport's (notify address) */
};

/* One piece of a buffer: a physical address and a length. */
struct virtqueue_sg {
	__paddr_t addr;
	__u32 len;
};

/* Makes queue idx with up to num entries (the device's maximum caps
 * it) and enables it. Returns the queue or NULL (reported). */
struct virtqueue *virtqueue_create(struct virtio_dev *dev, unsigned int idx,
				   unsigned int num, virtqueue_callback_t cb,
				   void *arg);
/* Adds a buffer: nout pieces the device reads, then nin it writes.
 * cookie comes back from virtqueue_get. 0 or -ENOSPC. Not ISR-safe
 * against other adds to the same queue: callers serialise. */
int virtqueue_add(struct virtqueue *vq, const struct virtqueue_sg *sg,
		  unsigned int nout, unsigned int nin, void *cookie);
/* Tells the device about added buffers (unless it asked not to be). */
void virtqueue_kick(struct virtqueue *vq);
/* The next buffer the device is done with, and how much it wrote, or
 * NULL. */
void *virtqueue_get(struct virtqueue *vq, __u32 *len);
/* Nonzero if used buffers wait. */
int virtqueue_has_used(struct virtqueue *vq);
/* Asks for interrupts again; returns nonzero if used buffers already
 * wait (their interrupt may not come). */
int virtqueue_intr_enable(struct virtqueue *vq);
void virtqueue_intr_disable(struct virtqueue *vq);

#endif /* __VIRTIO_VIRTIO_H__ */
