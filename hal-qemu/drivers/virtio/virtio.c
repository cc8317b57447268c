/* SPDX-License-Identifier: BSD-3-Clause */
/* The virtio core: drivers by device id, the initialisation sequence. */
#include <errno.h>
#include <uk/print.h>
#include <virtio/virtio.h>

UK_LINKTAB_DEFINE(const struct virtio_driver *const, virtio_drivers,
		  "virtio");

static const struct virtio_driver *driver_of(__u16 id)
{
	const struct virtio_driver *const *it;

	uk_linktab_foreach(it, virtio_drivers)
		if ((*it)->device_id == id)
			return *it;
	return NULL;
}

static void status_add(struct virtio_dev *dev, __u8 bits)
{
	dev->ops->status_set(dev, dev->ops->status_get(dev) | bits);
}

int virtio_dev_add(struct virtio_dev *dev)
{
	const struct virtio_driver *drv = driver_of(dev->device_id);
	__u64 offered;
	int rc;

	if (!drv) {
		uk_pr_info("virtio %s: device %u has no driver\n", dev->where,
			   dev->device_id);
		return -ENODEV;
	}
	dev->drv = drv;
	dev->ops->status_set(dev, 0);
	status_add(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	status_add(dev, VIRTIO_STATUS_DRIVER);
	offered = dev->ops->features_get(dev);
	if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1))) {
		uk_pr_err("virtio %s: a legacy device (no VERSION_1); with "
			  "QEMU's virtio-mmio use -global "
			  "virtio-mmio.force-legacy=false\n", dev->where);
		rc = -ENOTSUP;
		goto fail;
	}
	dev->features = offered & (drv->features |
				   VIRTIO_FEATURE(VIRTIO_F_VERSION_1) |
				   VIRTIO_FEATURE(VIRTIO_F_ACCESS_PLATFORM));
	dev->ops->features_set(dev, dev->features);
	status_add(dev, VIRTIO_STATUS_FEATURES_OK);
	if (!(dev->ops->status_get(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		uk_pr_err("virtio %s: features refused\n", dev->where);
		rc = -ENOTSUP;
		goto fail;
	}
	rc = drv->add(dev);
	if (!rc)
		rc = dev->ops->irq_setup(dev);
	if (rc)
		goto fail;
	status_add(dev, VIRTIO_STATUS_DRIVER_OK);
	if (drv->start)
		drv->start(dev);
	uk_pr_info("virtio %s: %s, features 0x%llx, irq %u\n", dev->where,
		   drv->name, (unsigned long long)dev->features, dev->irq);
	return 0;
fail:
	status_add(dev, VIRTIO_STATUS_FAILED);
	uk_pr_err("virtio %s: %s failed: %d\n", dev->where, drv->name, rc);
	return rc;
}

void virtio_dev_interrupt(struct virtio_dev *dev)
{
	struct virtqueue *vq;
	unsigned int i;

	for (i = 0; i < dev->nvqs; i++) {
		vq = dev->vqs[i];
		if (vq && vq->callback && virtqueue_has_used(vq) &&
		    !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT))
			vq->callback(vq, vq->arg);
	}
}
