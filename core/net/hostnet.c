/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The netdev driver of host network devices (sim: libslirp or TAP on the
 * host, uk/plat/hostnet.h): one queue pair, frames copied in and out by
 * the backend, a receive interrupt the stack arms when the queue is empty.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/init.h>
#include <uk/netdev.h>
#include <uk/print.h>
#include <uk/plat/hostnet.h>
#include <uk/plat/irq.h>

struct hostnet {
	struct uk_netdev dev;
	unsigned int id;
	struct ukplat_hostnet_info info;
	struct uk_hwaddr hwaddr;
	struct uk_netdev_rxqueue_conf rxconf;
	struct uk_netbuf *spare;	/* allocated, not filled */
};

static struct hostnet *hn_of(struct uk_netdev *dev)
{
	return __containerof(dev, struct hostnet, dev);
}

static int hn_irq(void *arg, struct __regs *regs __maybe_unused)
{
	struct hostnet *hn = arg;

	if (hn->rxconf.callback)
		hn->rxconf.callback(&hn->dev, 0, hn->rxconf.callback_cookie);
	return 1;
}

static void hn_info(struct uk_netdev *dev, struct uk_netdev_info *info)
{
	struct hostnet *hn = hn_of(dev);

	memset(info, 0, sizeof(*info));
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mtu = hn->info.mtu;
	info->ioalign = 1;
	info->features = UK_NETDEV_F_RXQ_INTR;
}

static int hn_configure(struct uk_netdev *dev,
			const struct uk_netdev_conf *conf)
{
	return 0;
}

static int hn_rxq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_rxqueue_conf *conf)
{
	struct hostnet *hn = hn_of(dev);

	if (qid)
		return -EINVAL;
	hn->rxconf = *conf;
	return 0;
}

static int hn_txq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_txqueue_conf *conf)
{
	return qid ? -EINVAL : 0;
}

static int hn_start(struct uk_netdev *dev)
{
	struct hostnet *hn = hn_of(dev);

	return ukplat_irq_register(hn->info.irq, hn_irq, hn);
}

static const struct uk_hwaddr *hn_hwaddr(struct uk_netdev *dev)
{
	return &hn_of(dev)->hwaddr;
}

static __u16 hn_mtu(struct uk_netdev *dev)
{
	return hn_of(dev)->info.mtu;
}

static int hn_intr_enable(struct uk_netdev *dev, __u16 qid)
{
	return ukplat_hostnet_arm(hn_of(dev)->id) ? UK_NETDEV_STATUS_MORE : 0;
}

static int hn_intr_disable(struct uk_netdev *dev, __u16 qid)
{
	ukplat_hostnet_disarm(hn_of(dev)->id);
	return 0;
}

static int hn_rx_one(struct uk_netdev *dev, __u16 qid,
		     struct uk_netbuf **pkt)
{
	struct hostnet *hn = hn_of(dev);
	struct uk_netbuf *nb = hn->spare;
	int len;

	if (!nb && !hn->rxconf.alloc_rxpkts(hn->rxconf.alloc_rxpkts_argp,
					    &nb, 1))
		return UK_NETDEV_STATUS_UNDERRUN;
	hn->spare = nb;
	for (;;) {
		len = ukplat_hostnet_recv(hn->id, nb->data,
					  (unsigned int)uk_netbuf_tailroom(nb) +
					  nb->len);
		if (len != -EMSGSIZE)
			break;
		uk_pr_warn("netdev%u: frame too long, dropped\n", dev->id);
	}
	if (len < 0)
		return 0;
	hn->spare = NULL;
	nb->len = (__u32)len;
	*pkt = nb;
	return UK_NETDEV_STATUS_SUCCESS | UK_NETDEV_STATUS_MORE;
}

static int hn_tx_one(struct uk_netdev *dev, __u16 qid,
		     struct uk_netbuf *pkt)
{
	int rc = ukplat_hostnet_send(hn_of(dev)->id, pkt->data, pkt->len);

	if (rc == -EAGAIN)
		return 0;
	uk_netbuf_free(pkt);	/* sent or refused: the frame is done */
	return rc < 0 ? rc : UK_NETDEV_STATUS_SUCCESS;
}

static const struct uk_netdev_ops hn_ops = {
	.info_get = hn_info,
	.configure = hn_configure,
	.rxq_configure = hn_rxq_configure,
	.txq_configure = hn_txq_configure,
	.start = hn_start,
	.hwaddr_get = hn_hwaddr,
	.mtu_get = hn_mtu,
	.rxq_intr_enable = hn_intr_enable,
	.rxq_intr_disable = hn_intr_disable,
};

static int hostnet_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct hostnet *hn;
	unsigned int i;
	int rc;

	for (i = 0; i < ukplat_hostnet_count(); i++) {
		hn = uk_calloc(uk_alloc_get_default(), 1, sizeof(*hn));
		if (!hn)
			return -ENOMEM;
		hn->id = i;
		rc = ukplat_hostnet_info(i, &hn->info);
		if (rc < 0) {
			uk_pr_err("hostnet %u: %d\n", i, rc);
			uk_free(uk_alloc_get_default(), hn);
			continue;
		}
		memcpy(hn->hwaddr.addr_bytes, hn->info.mac, 6);
		hn->dev.ops = &hn_ops;
		hn->dev.rx_one = hn_rx_one;
		hn->dev.tx_one = hn_tx_one;
		uk_netdev_drv_register(&hn->dev, hn->info.name);
	}
	return 0;
}
uk_plat_initcall(hostnet_init, NULL);
