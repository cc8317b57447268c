/* SPDX-License-Identifier: BSD-3-Clause */
/* The network device registry and the state machine of each device. */
#include <errno.h>
#include <uk/assert.h>
#include <uk/netdev.h>
#include <uk/print.h>
#include <uk/spinlock.h>

static UK_LIST_HEAD(netdevs);
static unsigned int netdev_count;
static UK_SPINLOCK_DEFINE(netdev_lock);

int uk_netdev_drv_register(struct uk_netdev *dev, const char *drv_name)
{
	unsigned long fl;

	if (!dev || !dev->ops || !dev->rx_one || !dev->tx_one ||
	    !dev->ops->configure || !dev->ops->start ||
	    !dev->ops->info_get || !dev->ops->rxq_configure ||
	    !dev->ops->txq_configure || !dev->ops->hwaddr_get)
		return -EINVAL;
	dev->drv_name = drv_name;
	dev->state = UK_NETDEV_UNPROBED;
	uk_spin_lock_irqsave(&netdev_lock, fl);
	dev->id = netdev_count++;
	uk_list_add_tail(&dev->link, &netdevs);
	uk_spin_unlock_irqrestore(&netdev_lock, fl);
	uk_pr_info("netdev%u: %s\n", dev->id, drv_name);
	return (int)dev->id;
}

unsigned int uk_netdev_count(void)
{
	return __atomic_load_n(&netdev_count, __ATOMIC_ACQUIRE);
}

struct uk_netdev *uk_netdev_get(unsigned int id)
{
	struct uk_netdev *dev, *found = NULL;
	struct uk_list *it;
	unsigned long fl;

	uk_spin_lock_irqsave(&netdev_lock, fl);
	uk_list_for_each(it, &netdevs) {
		dev = uk_list_entry(it, struct uk_netdev, link);
		if (dev->id == id) {
			found = dev;
			break;
		}
	}
	uk_spin_unlock_irqrestore(&netdev_lock, fl);
	return found;
}

int uk_netdev_probe(struct uk_netdev *dev)
{
	int rc = 0;

	if (dev->state != UK_NETDEV_UNPROBED)
		return dev->state > UK_NETDEV_UNPROBED ? 0 : -EINVAL;
	if (dev->ops->probe)
		rc = dev->ops->probe(dev);
	if (!rc)
		dev->state = UK_NETDEV_UNCONFIGURED;
	return rc;
}

void uk_netdev_info_get(struct uk_netdev *dev, struct uk_netdev_info *info)
{
	dev->ops->info_get(dev, info);
}

int uk_netdev_configure(struct uk_netdev *dev,
			const struct uk_netdev_conf *conf)
{
	struct uk_netdev_info info;
	int rc;

	if (dev->state != UK_NETDEV_UNCONFIGURED)
		return -EINVAL;
	dev->ops->info_get(dev, &info);
	if (!conf->nb_rx_queues || conf->nb_rx_queues > info.max_rx_queues ||
	    !conf->nb_tx_queues || conf->nb_tx_queues > info.max_tx_queues)
		return -EINVAL;
	rc = dev->ops->configure(dev, conf);
	if (!rc)
		dev->state = UK_NETDEV_CONFIGURED;
	return rc;
}

int uk_netdev_rxq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_rxqueue_conf *conf)
{
	if (dev->state != UK_NETDEV_CONFIGURED || !conf->alloc_rxpkts)
		return -EINVAL;
	return dev->ops->rxq_configure(dev, qid, nb_desc, conf);
}

int uk_netdev_txq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_txqueue_conf *conf)
{
	if (dev->state != UK_NETDEV_CONFIGURED)
		return -EINVAL;
	return dev->ops->txq_configure(dev, qid, nb_desc, conf);
}

int uk_netdev_start(struct uk_netdev *dev)
{
	int rc;

	if (dev->state != UK_NETDEV_CONFIGURED)
		return -EINVAL;
	rc = dev->ops->start(dev);
	if (!rc)
		dev->state = UK_NETDEV_RUNNING;
	return rc;
}

const struct uk_hwaddr *uk_netdev_hwaddr_get(struct uk_netdev *dev)
{
	return dev->ops->hwaddr_get(dev);
}

__u16 uk_netdev_mtu_get(struct uk_netdev *dev)
{
	return dev->ops->mtu_get ? dev->ops->mtu_get(dev) : 1500;
}

int uk_netdev_rxq_intr_enable(struct uk_netdev *dev, __u16 qid)
{
	if (!dev->ops->rxq_intr_enable)
		return -ENOTSUP;
	return dev->ops->rxq_intr_enable(dev, qid);
}

int uk_netdev_rxq_intr_disable(struct uk_netdev *dev, __u16 qid)
{
	if (!dev->ops->rxq_intr_disable)
		return -ENOTSUP;
	return dev->ops->rxq_intr_disable(dev, qid);
}
