/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net (virtio 1.x, 5.1) as a netdev (core/net): one receive and
 * one transmit queue. Receive buffers are netbufs from the stack's
 * allocator, each big enough for one frame and the 12-byte header (so
 * with mergeable receive buffers a packet is always one buffer);
 * transmit prepends the header in the netbuf's headroom, one descriptor
 * a packet, and reclaims finished buffers on the next transmit. Partial
 * checksum offload both ways: VIRTIO_NET_F_CSUM takes
 * UK_NETBUF_F_PARTIAL_CSUM packets, VIRTIO_NET_F_GUEST_CSUM marks
 * received ones UK_NETBUF_F_DATA_VALID.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/netdev.h>
#include <uk/print.h>
#include <uk/spinlock.h>
#include <qemu/bus.h>
#include <virtio/virtio.h>

#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MTU		3
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16

#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2

#define VNET_RXQ	0
#define VNET_TXQ	1
#define VNET_QSIZE	256

struct virtio_net_hdr {
	__u8 flags;
	__u8 gso_type;
	__u16 hdr_len;
	__u16 gso_size;
	__u16 csum_start;
	__u16 csum_offset;
	__u16 num_buffers;
} __packed;

#define VNET_HDR	sizeof(struct virtio_net_hdr)

struct vnet {
	struct uk_netdev netdev;
	struct virtio_dev *vdev;
	struct virtqueue *rxq, *txq;
	struct uk_hwaddr mac;
	__u16 mtu;
	struct uk_netdev_rxqueue_conf rxconf;
	struct uk_spinlock txlock;
	unsigned long rx_bad;
};

static struct vnet *vn_of(struct uk_netdev *dev)
{
	return __containerof(dev, struct vnet, netdev);
}

static void vn_info(struct uk_netdev *dev, struct uk_netdev_info *info)
{
	struct vnet *vn = vn_of(dev);

	memset(info, 0, sizeof(*info));
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mtu = vn->mtu;
	info->nb_encap_tx = VNET_HDR;
	info->nb_encap_rx = VNET_HDR;
	info->ioalign = 1;
	info->features = UK_NETDEV_F_RXQ_INTR;
	if (virtio_has(vn->vdev, VIRTIO_NET_F_CSUM))
		info->features |= UK_NETDEV_F_PARTIAL_CSUM;
	if (virtio_has(vn->vdev, VIRTIO_NET_F_GUEST_CSUM))
		info->features |= UK_NETDEV_F_RX_CSUM;
}

static int vn_configure(struct uk_netdev *dev,
			const struct uk_netdev_conf *conf)
{
	return 0;
}

/* Gives the device as many fresh receive buffers as it has room for. */
static void rx_refill(struct vnet *vn)
{
	struct uk_netbuf *nb;
	struct virtqueue_sg sg;
	int added = 0;

	while (vn->rxq->num_free) {
		if (!vn->rxconf.alloc_rxpkts(vn->rxconf.alloc_rxpkts_argp,
					     &nb, 1))
			break;
		/* The header lands in the headroom, the frame at data. */
		sg.addr = qemu_dma_addr(nb->buf);
		sg.len = (__u32)nb->buflen;
		if (virtqueue_add(vn->rxq, &sg, 0, 1, nb)) {
			uk_netbuf_free(nb);
			break;
		}
		added++;
	}
	if (added)
		virtqueue_kick(vn->rxq);
}

static void rx_callback(struct virtqueue *vq, void *arg)
{
	struct vnet *vn = arg;

	virtqueue_intr_disable(vq);
	if (vn->rxconf.callback)
		vn->rxconf.callback(&vn->netdev, 0,
				    vn->rxconf.callback_cookie);
}

static int vn_rxq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_rxqueue_conf *conf)
{
	struct vnet *vn = vn_of(dev);

	if (qid)
		return -EINVAL;
	vn->rxconf = *conf;
	return 0;
}

static int vn_txq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_txqueue_conf *conf)
{
	return qid ? -EINVAL : 0;
}

static int vn_start(struct uk_netdev *dev)
{
	struct vnet *vn = vn_of(dev);

	rx_refill(vn);
	if (vn->rxconf.callback)
		virtqueue_intr_enable(vn->rxq);
	return 0;
}

static const struct uk_hwaddr *vn_hwaddr(struct uk_netdev *dev)
{
	return &vn_of(dev)->mac;
}

static __u16 vn_mtu(struct uk_netdev *dev)
{
	return vn_of(dev)->mtu;
}

static int vn_intr_enable(struct uk_netdev *dev, __u16 qid)
{
	return virtqueue_intr_enable(vn_of(dev)->rxq) ?
	       UK_NETDEV_STATUS_MORE : 0;
}

static int vn_intr_disable(struct uk_netdev *dev, __u16 qid)
{
	virtqueue_intr_disable(vn_of(dev)->rxq);
	return 0;
}

static int vn_rx_one(struct uk_netdev *dev, __u16 qid,
		     struct uk_netbuf **pkt)
{
	struct vnet *vn = vn_of(dev);
	struct virtio_net_hdr *h;
	struct uk_netbuf *nb;
	__u32 len;

	for (;;) {
		nb = virtqueue_get(vn->rxq, &len);
		if (!nb) {
			rx_refill(vn);
			return vn->rxq->num_free == vn->rxq->num ?
			       UK_NETDEV_STATUS_UNDERRUN : 0;
		}
		h = nb->buf;
		if (len > VNET_HDR && len <= nb->buflen &&
		    (!virtio_has(vn->vdev, VIRTIO_NET_F_MRG_RXBUF) ||
		     h->num_buffers == 1))
			break;
		vn->rx_bad++;
		uk_netbuf_free(nb);
	}
	nb->data = (char *)nb->buf + VNET_HDR;
	nb->len = len - VNET_HDR;
	nb->flags = 0;
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/* From the host itself: the checksum is only begun. */
		nb->flags |= UK_NETBUF_F_PARTIAL_CSUM;
		nb->csum_start = h->csum_start;
		nb->csum_offset = h->csum_offset;
	} else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		nb->flags |= UK_NETBUF_F_DATA_VALID;
	}
	*pkt = nb;
	if (vn->rxq->num_free > vn->rxq->num / 2)
		rx_refill(vn);
	return UK_NETDEV_STATUS_SUCCESS | UK_NETDEV_STATUS_MORE;
}

static void tx_reclaim(struct vnet *vn)
{
	struct uk_netbuf *nb;

	while ((nb = virtqueue_get(vn->txq, NULL)))
		uk_netbuf_free(nb);
}

static int vn_tx_one(struct uk_netdev *dev, __u16 qid,
		     struct uk_netbuf *pkt)
{
	struct vnet *vn = vn_of(dev);
	struct virtio_net_hdr *h;
	struct virtqueue_sg sg;
	unsigned long fl;
	int rc;

	if (uk_netbuf_header(pkt, VNET_HDR))
		return -EINVAL;
	h = pkt->data;
	memset(h, 0, VNET_HDR);
	if (pkt->flags & UK_NETBUF_F_PARTIAL_CSUM) {
		h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->csum_start = pkt->csum_start;
		h->csum_offset = pkt->csum_offset;
	}
	sg.addr = qemu_dma_addr(pkt->data);
	sg.len = pkt->len;
	uk_spin_lock_irqsave(&vn->txlock, fl);
	tx_reclaim(vn);
	rc = virtqueue_add(vn->txq, &sg, 1, 0, pkt);
	if (!rc)
		virtqueue_kick(vn->txq);
	uk_spin_unlock_irqrestore(&vn->txlock, fl);
	if (rc) {
		uk_netbuf_header(pkt, -(long)VNET_HDR);
		return 0;	/* full: the caller keeps the packet */
	}
	return UK_NETDEV_STATUS_SUCCESS;
}

static const struct uk_netdev_ops vn_ops = {
	.info_get = vn_info,
	.configure = vn_configure,
	.rxq_configure = vn_rxq_configure,
	.txq_configure = vn_txq_configure,
	.start = vn_start,
	.hwaddr_get = vn_hwaddr,
	.mtu_get = vn_mtu,
	.rxq_intr_enable = vn_intr_enable,
	.rxq_intr_disable = vn_intr_disable,
};

static int vnet_add(struct virtio_dev *vdev)
{
	struct vnet *vn = uk_calloc(uk_alloc_get_default(), 1, sizeof(*vn));
	__u16 mtu;

	if (!vn)
		return -ENOMEM;
	vn->vdev = vdev;
	vdev->priv = vn;
	uk_spin_init(&vn->txlock);
	vn->mtu = 1500;
	if (virtio_has(vdev, VIRTIO_NET_F_MTU)) {
		virtio_config_get(vdev, 10, &mtu, sizeof(mtu));
		if (mtu >= 68 && mtu < 1500)
			vn->mtu = mtu;
	}
	if (virtio_has(vdev, VIRTIO_NET_F_MAC))
		virtio_config_get(vdev, 0, vn->mac.addr_bytes, 6);
	else
		memcpy(vn->mac.addr_bytes, "\x52\x54\x00\x12\x34\x57", 6);
	vn->rxq = virtqueue_create(vdev, VNET_RXQ, VNET_QSIZE, rx_callback,
				   vn);
	vn->txq = virtqueue_create(vdev, VNET_TXQ, VNET_QSIZE, NULL, vn);
	if (!vn->rxq || !vn->txq)
		return -ENOMEM;
	virtqueue_intr_disable(vn->rxq);
	virtqueue_intr_disable(vn->txq);
	return 0;
}

static void vnet_start(struct virtio_dev *vdev)
{
	struct vnet *vn = vdev->priv;

	vn->netdev.ops = &vn_ops;
	vn->netdev.rx_one = vn_rx_one;
	vn->netdev.tx_one = vn_tx_one;
	uk_netdev_drv_register(&vn->netdev, "virtio-net");
}

static const struct virtio_driver virtio_net_driver = {
	.name = "virtio-net",
	.device_id = 1,
	.features = VIRTIO_FEATURE(VIRTIO_NET_F_CSUM) |
		    VIRTIO_FEATURE(VIRTIO_NET_F_GUEST_CSUM) |
		    VIRTIO_FEATURE(VIRTIO_NET_F_MTU) |
		    VIRTIO_FEATURE(VIRTIO_NET_F_MAC) |
		    VIRTIO_FEATURE(VIRTIO_NET_F_MRG_RXBUF) |
		    VIRTIO_FEATURE(VIRTIO_NET_F_STATUS),
	.add = vnet_add,
	.start = vnet_start,
};

VIRTIO_DRIVER_REGISTER(virtio_net_driver);
