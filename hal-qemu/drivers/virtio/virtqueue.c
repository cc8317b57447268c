/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueues (virtio 1.x, 2.7): a descriptor table, the driver's
 * available ring and the device's used ring, in zeroed, physically
 * contiguous frames. No event index: interrupts and notifications are
 * switched with the rings' flags.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/falloc.h>
#include <uk/print.h>
#include <uk/plat/bootinfo.h>
#include <qemu/bus.h>
#include <virtio/virtio.h>

#define VQ_MAX	1024

/* Orders our ring stores before the device reads them, and our index
 * store before we read the device's flags. */
static inline void vq_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline __u16 load16(volatile __u16 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

struct virtqueue *virtqueue_create(struct virtio_dev *dev, unsigned int idx,
				   unsigned int num, virtqueue_callback_t cb,
				   void *arg)
{
	unsigned int max = dev->ops->queue_max(dev, idx), i;
	struct uk_falloc *fa = uk_falloc_get_default();
	__sz desc_sz, avail_sz, used_sz, total;
	struct virtqueue *vq;
	char *mem;

	if (!max || idx >= ARRAY_SIZE(dev->vqs))
		return NULL;
	if (num > max)
		num = max;
	if (num > VQ_MAX)
		num = VQ_MAX;
	vq = uk_calloc(uk_alloc_get_default(), 1, sizeof(*vq));
	if (!vq)
		return NULL;
	vq->cookies = uk_calloc(uk_alloc_get_default(), num, sizeof(void *));
	desc_sz = 16 * num;
	avail_sz = 6 + 2 * num;
	used_sz = 6 + 8 * num;
	total = ALIGN_UP(desc_sz + avail_sz, 4096) + ALIGN_UP(used_sz, 4096);
	vq->mem_frames = total >> PAGE_SHIFT;
	vq->mem_pa = __PADDR_ANY;
	if (!vq->cookies || uk_falloc(fa, &vq->mem_pa, vq->mem_frames, 0)) {
		uk_pr_err("virtio %s: no memory for queue %u\n", dev->where,
			  idx);
		uk_free(uk_alloc_get_default(), vq->cookies);
		uk_free(uk_alloc_get_default(), vq);
		return NULL;
	}
	mem = (char *)(vq->mem_pa + ukplat_bootinfo_get()->dm_off);
	memset(mem, 0, total);
	vq->dev = dev;
	vq->index = idx;
	vq->num = (__u16)num;
	vq->desc = (struct vring_desc *)mem;
	vq->avail = (struct vring_avail *)(mem + desc_sz);
	vq->used = (struct vring_used *)(mem +
					 ALIGN_UP(desc_sz + avail_sz, 4096));
	vq->desc_pa = qemu_dma_addr(vq->desc);
	vq->avail_pa = qemu_dma_addr(vq->avail);
	vq->used_pa = qemu_dma_addr(vq->used);
	for (i = 0; i + 1 < num; i++)
		vq->desc[i].next = (__u16)(i + 1);
	vq->num_free = (__u16)num;
	vq->callback = cb;
	vq->arg = arg;
	if (dev->ops->queue_enable(dev, vq)) {
		uk_pr_err("virtio %s: queue %u refused\n", dev->where, idx);
		return NULL;
	}
	dev->vqs[idx] = vq;
	if (dev->nvqs <= idx)
		dev->nvqs = idx + 1;
	return vq;
}

int virtqueue_add(struct virtqueue *vq, const struct virtqueue_sg *sg,
		  unsigned int nout, unsigned int nin, void *cookie)
{
	unsigned int n = nout + nin, i;
	__u16 head = vq->free_head, d = head, last = head;

	if (!n || n > vq->num_free)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		vq->desc[d].addr = sg[i].addr;
		vq->desc[d].len = sg[i].len;
		vq->desc[d].flags = (i >= nout ? VRING_DESC_F_WRITE : 0) |
				    (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		last = d;
		d = vq->desc[d].next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free = (__u16)(vq->num_free - n);
	vq->cookies[head] = cookie;
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	vq_mb();
	__atomic_store_n(&vq->avail->idx, (__u16)(vq->avail->idx + 1),
			 __ATOMIC_RELEASE);
	return 0;
}

void virtqueue_kick(struct virtqueue *vq)
{
	vq_mb();
	if (!(load16(&vq->used->flags) & VRING_USED_F_NO_NOTIFY))
		vq->dev->ops->notify(vq->dev, vq);
}

int virtqueue_has_used(struct virtqueue *vq)
{
	return load16(&vq->used->idx) != vq->last_used;
}

void *virtqueue_get(struct virtqueue *vq, __u32 *len)
{
	struct vring_used_elem *e;
	__u16 id, d, n = 1;
	void *cookie;

	if (!virtqueue_has_used(vq))
		return NULL;
	e = &vq->used->ring[vq->last_used % vq->num];
	id = (__u16)e->id;
	if (id >= vq->num || !vq->cookies[id])
		return NULL;	/* a broken device */
	if (len)
		*len = e->len;
	vq->last_used++;
	cookie = vq->cookies[id];
	vq->cookies[id] = NULL;
	for (d = id; vq->desc[d].flags & VRING_DESC_F_NEXT;
	     d = vq->desc[d].next)
		n++;
	vq->desc[d].next = vq->free_head;
	vq->free_head = id;
	vq->num_free = (__u16)(vq->num_free + n);
	return cookie;
}

int virtqueue_intr_enable(struct virtqueue *vq)
{
	__atomic_store_n(&vq->avail->flags, 0, __ATOMIC_RELEASE);
	vq_mb();
	return virtqueue_has_used(vq);
}

void virtqueue_intr_disable(struct virtqueue *vq)
{
	__atomic_store_n(&vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT,
			 __ATOMIC_RELEASE);
}
