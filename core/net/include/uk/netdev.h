/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Network devices (Unikraft's uknetdev). Drivers (sim: libslirp or TAP
 * through the host; metal: virtio-net) register a struct uk_netdev at
 * boot; the network stack (core/lwip) finds them, and takes each through
 * its states:
 *
 *   UNPROBED --probe--> UNCONFIGURED --configure, rxq/txq_configure-->
 *   CONFIGURED --start--> RUNNING
 *
 * probe negotiates features with the device (offloads, buffer layout),
 * so info_get tells the truth only after it.
 *
 * Receive: the stack gives each receive queue an allocator of netbufs
 * (alloc_rxpkts) that the driver fills the device with, and an interrupt
 * callback. The callback runs in interrupt context when packets arrived
 * and the queue's interrupt is enabled; the stack then calls rx_one until
 * it returns no packet, and enables the interrupt again (which reports
 * UK_NETDEV_STATUS_MORE if packets came meanwhile, so none is missed).
 * A stack that does not enable interrupts polls.
 *
 * Transmit: tx_one takes the netbuf (the driver frees it when the device
 * is done) or returns without UK_NETDEV_STATUS_SUCCESS when the queue is
 * full. Netbufs for transmission keep info.nb_encap_tx bytes of headroom.
 */
#ifndef __UK_NETDEV_H__
#define __UK_NETDEV_H__

#include <uk/list.h>
#include <uk/netbuf.h>
#include <uk/arch/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UK_NETDEV_HWADDR_LEN	6

struct uk_hwaddr {
	__u8 addr_bytes[UK_NETDEV_HWADDR_LEN];
};

enum uk_netdev_state {
	UK_NETDEV_UNPROBED = 0,
	UK_NETDEV_UNCONFIGURED,
	UK_NETDEV_CONFIGURED,
	UK_NETDEV_RUNNING,
};

/* Features (uk_netdev_info.features). */
#define UK_NETDEV_F_RXQ_INTR		0x01	/* receive interrupts */
#define UK_NETDEV_F_PARTIAL_CSUM	0x02	/* transmits partial csums */
#define UK_NETDEV_F_RX_CSUM		0x04	/* may mark DATA_VALID */

struct uk_netdev_info {
	__u16 max_rx_queues, max_tx_queues;
	__u16 max_mtu;
	__u16 nb_encap_tx;		/* headroom tx netbufs must have */
	__u16 nb_encap_rx;		/* the driver's header in rx netbufs */
	__u16 ioalign;			/* alignment of rx buffers */
	__u32 features;			/* UK_NETDEV_F_* */
};

/* Status bits of rx_one / tx_one / rxq_intr_enable (>= 0); -errno on
 * error. */
#define UK_NETDEV_STATUS_SUCCESS	0x1	/* a packet was taken/given */
#define UK_NETDEV_STATUS_MORE		0x2	/* more are there/room left */
#define UK_NETDEV_STATUS_UNDERRUN	0x4	/* rx: no buffers to refill */

struct uk_netdev;

struct uk_netdev_conf {
	__u16 nb_rx_queues, nb_tx_queues;
};

/* Fills pkts with up to count fresh netbufs (headroom at least
 * nb_encap_rx); returns how many. Called by the driver to refill. */
typedef __u16 (*uk_netdev_alloc_rxpkts)(void *argp, struct uk_netbuf *pkts[],
					__u16 count);
/* A receive queue has packets; interrupt context. */
typedef void (*uk_netdev_queue_event_t)(struct uk_netdev *dev, __u16 qid,
					void *cookie);

struct uk_netdev_rxqueue_conf {
	struct uk_alloc *a;		/* the driver's own allocations */
	uk_netdev_alloc_rxpkts alloc_rxpkts;
	void *alloc_rxpkts_argp;
	uk_netdev_queue_event_t callback;	/* NULL: polling */
	void *callback_cookie;
};

struct uk_netdev_txqueue_conf {
	struct uk_alloc *a;
};

struct uk_netdev_ops {
	int (*probe)(struct uk_netdev *dev);
	void (*info_get)(struct uk_netdev *dev, struct uk_netdev_info *info);
	int (*configure)(struct uk_netdev *dev,
			 const struct uk_netdev_conf *conf);
	int (*rxq_configure)(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			     struct uk_netdev_rxqueue_conf *conf);
	int (*txq_configure)(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			     struct uk_netdev_txqueue_conf *conf);
	int (*start)(struct uk_netdev *dev);
	const struct uk_hwaddr *(*hwaddr_get)(struct uk_netdev *dev);
	__u16 (*mtu_get)(struct uk_netdev *dev);
	/* Returns 0, or UK_NETDEV_STATUS_MORE if packets are waiting
	 * (the interrupt for them may not come). */
	int (*rxq_intr_enable)(struct uk_netdev *dev, __u16 qid);
	int (*rxq_intr_disable)(struct uk_netdev *dev, __u16 qid);
};

struct uk_netdev {
	/* The fast path, called directly. */
	int (*rx_one)(struct uk_netdev *dev, __u16 qid,
		      struct uk_netbuf **pkt);
	int (*tx_one)(struct uk_netdev *dev, __u16 qid,
		      struct uk_netbuf *pkt);
	const struct uk_netdev_ops *ops;
	enum uk_netdev_state state;
	unsigned int id;		/* set at registration */
	const char *drv_name;
	void *scratch_pad;		/* the stack's (its netif) */
	struct uk_list link;
};

/* Adds dev (state UNPROBED) to the registry; sets dev->id. Returns the
 * id, or -EINVAL (missing ops). */
int uk_netdev_drv_register(struct uk_netdev *dev, const char *drv_name);
/* Number of registered devices; the device of id (or NULL). */
unsigned int uk_netdev_count(void);
struct uk_netdev *uk_netdev_get(unsigned int id);

/* The state machine; each returns 0 or -errno (-EINVAL in a wrong
 * state). */
int uk_netdev_probe(struct uk_netdev *dev);
void uk_netdev_info_get(struct uk_netdev *dev, struct uk_netdev_info *info);
int uk_netdev_configure(struct uk_netdev *dev,
			const struct uk_netdev_conf *conf);
int uk_netdev_rxq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_rxqueue_conf *conf);
int uk_netdev_txq_configure(struct uk_netdev *dev, __u16 qid, __u16 nb_desc,
			    struct uk_netdev_txqueue_conf *conf);
int uk_netdev_start(struct uk_netdev *dev);
const struct uk_hwaddr *uk_netdev_hwaddr_get(struct uk_netdev *dev);
__u16 uk_netdev_mtu_get(struct uk_netdev *dev);
int uk_netdev_rxq_intr_enable(struct uk_netdev *dev, __u16 qid);
int uk_netdev_rxq_intr_disable(struct uk_netdev *dev, __u16 qid);

static inline int uk_netdev_rx_one(struct uk_netdev *dev, __u16 qid,
				   struct uk_netbuf **pkt)
{
	return dev->rx_one(dev, qid, pkt);
}

static inline int uk_netdev_tx_one(struct uk_netdev *dev, __u16 qid,
				   struct uk_netbuf *pkt)
{
	return dev->tx_one(dev, qid, pkt);
}

#ifdef __cplusplus
}
#endif

#endif /* __UK_NETDEV_H__ */
