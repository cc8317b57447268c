/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The glue between netdevs (core/net) and lwIP interfaces.
 *
 * Receive: the queue's interrupt callback (interrupt context) posts one
 * preallocated message to the tcpip thread, which drains the queue under
 * the core lock, hands each frame to lwIP as a pbuf that wraps the netbuf
 * (no copy), and enables the interrupt again. A slow timer also drains
 * the queue, in case the post found the mailbox full, and is the whole
 * receive path for devices without interrupts.
 *
 * Transmit: the frame is copied into a netbuf with the device's headroom
 * (lwIP keeps TCP segments for retransmission, so it cannot lend them).
 *
 * Checksum offload: for a device that completes partial checksums, lwIP
 * leaves TCP checksums out and this glue puts the pseudo header's sum in
 * their place and marks the netbuf UK_NETBUF_F_PARTIAL_CSUM (UDP keeps
 * software checksums: a fragmented datagram cannot be offloaded). For a
 * device that checks received checksums, lwIP checks none: packets the
 * device marked DATA_VALID, or that carry a partial checksum (made on this
 * host), pass; the others are checked here.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/print.h>
#include <uk/netdev.h>

#include "lwip/opt.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "lwip_impl.h"

#define RX_DESC		256
#define TX_DESC		256
/* Frames handled per round before timers and other work get a turn. */
#define RX_BUDGET	128
/* Receive timer: the fallback for a lost interrupt message (ms), and
 * the period of a device without interrupts. */
#define RX_POLL_SLOW	100
#define RX_POLL_FAST	1
/* The shortest Ethernet frame, without its check sequence. */
#define ETH_MIN_FRAME	60

/* A received netbuf as an lwIP pbuf: priv of the netbuf. */
struct rx_pbuf {
	struct pbuf_custom pc;
	struct uk_netbuf *nb;
};

static struct uk_alloc *glue_alloc(void)
{
	return uk_alloc_get_default();
}

static void rx_pbuf_free(struct pbuf *p)
{
	struct rx_pbuf *rp = (struct rx_pbuf *)p;

	uk_netbuf_free(rp->nb);
}

static __u16 rx_alloc(void *argp, struct uk_netbuf *pkts[], __u16 count)
{
	struct lwip_netdev *ln = argp;
	__u16 i;

	for (i = 0; i < count; i++) {
		pkts[i] = uk_netbuf_alloc_buf(glue_alloc(), ln->rx_buflen,
					      ln->info.nb_encap_rx,
					      sizeof(struct rx_pbuf));
		if (!pkts[i])
			break;
	}
	return i;
}

void lwip_netdev_input(struct lwip_netdev *ln, struct uk_netbuf *nb)
{
	struct rx_pbuf *rp = nb->priv;
	struct pbuf *p;

	if ((ln->info.features & UK_NETDEV_F_RX_CSUM) &&
	    !(nb->flags & (UK_NETBUF_F_DATA_VALID |
			   UK_NETBUF_F_PARTIAL_CSUM)) &&
	    uk_netbuf_csum_verify(nb) == 0) {
		ln->rx_dropped++;
		uk_netbuf_free(nb);
		return;
	}
	if (nb->len > 0xffff || nb->len < SIZEOF_ETH_HDR || !rp) {
		ln->rx_dropped++;
		uk_netbuf_free(nb);
		return;
	}
	/* A runt is zero-padded to Ethernet's 60 bytes, as on a wire:
	 * lwIP's ARP reads a whole ARP header without checking the length
	 * (found by test/fuzz/netrx). */
	if (nb->len < ETH_MIN_FRAME) {
		if (uk_netbuf_tailroom(nb) < ETH_MIN_FRAME - nb->len) {
			ln->rx_dropped++;
			uk_netbuf_free(nb);
			return;
		}
		memset((char *)nb->data + nb->len, 0, ETH_MIN_FRAME - nb->len);
		nb->len = ETH_MIN_FRAME;
	}
	rp->nb = nb;
	rp->pc.custom_free_function = rx_pbuf_free;
	p = pbuf_alloced_custom(PBUF_RAW, (u16_t)nb->len, PBUF_REF, &rp->pc,
				nb->data, (u16_t)nb->len);
	ln->rx_packets++;
	if (ln->netif.input(p, &ln->netif) != ERR_OK)
		pbuf_free(p);
}

/* Drains the receive queue; returns nonzero if packets may remain. */
static int rx_drain(struct lwip_netdev *ln)
{
	struct uk_netbuf *nb;
	int n, rc;

	for (n = 0; n < RX_BUDGET; n++) {
		rc = uk_netdev_rx_one(ln->dev, 0, &nb);
		if (rc < 0)
			return 0;
		if (rc & UK_NETDEV_STATUS_SUCCESS)
			lwip_netdev_input(ln, nb);
		if (!(rc & UK_NETDEV_STATUS_MORE))
			return 0;
	}
	return 1;
}

static void rx_run(void *arg)
{
	struct lwip_netdev *ln = arg;

	for (;;) {
		if (rx_drain(ln)) {
			/* Budget spent: let timers and others in. */
			if (tcpip_callbackmsg_trycallback(ln->rx_msg) ==
			    ERR_OK)
				return;
			continue;
		}
		__atomic_store_n(&ln->rx_scheduled, 0, __ATOMIC_RELEASE);
		if (!(ln->info.features & UK_NETDEV_F_RXQ_INTR))
			return;
		/* Packets that came before the enable raise no interrupt. */
		if (!(uk_netdev_rxq_intr_enable(ln->dev, 0) &
		      UK_NETDEV_STATUS_MORE))
			return;
		if (__atomic_exchange_n(&ln->rx_scheduled, 1,
					__ATOMIC_ACQ_REL))
			return;		/* the interrupt posted it */
		uk_netdev_rxq_intr_disable(ln->dev, 0);
	}
}

static void rx_event(struct uk_netdev *dev, __u16 qid, void *cookie)
{
	struct lwip_netdev *ln = cookie;

	if (__atomic_exchange_n(&ln->rx_scheduled, 1, __ATOMIC_ACQ_REL))
		return;
	if (tcpip_callbackmsg_trycallback_fromisr(ln->rx_msg) != ERR_OK)
		__atomic_store_n(&ln->rx_scheduled, 0, __ATOMIC_RELEASE);
}

static void rx_timer(void *arg)
{
	struct lwip_netdev *ln = arg;
	int intr = ln->info.features & UK_NETDEV_F_RXQ_INTR;

	if (!__atomic_exchange_n(&ln->rx_scheduled, 1, __ATOMIC_ACQ_REL)) {
		if (intr)
			uk_netdev_rxq_intr_disable(ln->dev, 0);
		rx_run(ln);
	}
	sys_timeout(intr ? RX_POLL_SLOW : RX_POLL_FAST, rx_timer, ln);
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	struct lwip_netdev *ln = netif->state;
	struct uk_netbuf *nb;
	int rc;

	nb = uk_netbuf_alloc_buf(glue_alloc(),
				 ln->info.nb_encap_tx + p->tot_len,
				 ln->info.nb_encap_tx, 0);
	if (!nb) {
		ln->tx_dropped++;
		return ERR_MEM;
	}
	nb->len = pbuf_copy_partial(p, nb->data, p->tot_len, 0);
	if (ln->info.features & UK_NETDEV_F_PARTIAL_CSUM)
		uk_netbuf_csum_partial(nb, 1);
	rc = uk_netdev_tx_one(ln->dev, 0, nb);
	if (rc < 0 || !(rc & UK_NETDEV_STATUS_SUCCESS)) {
		uk_netbuf_free(nb);
		ln->tx_dropped++;
		return ERR_WOULDBLOCK;
	}
	ln->tx_packets++;
	return ERR_OK;
}

static err_t netif_init_cb(struct netif *netif)
{
	struct lwip_netdev *ln = netif->state;
	const struct uk_hwaddr *hw = uk_netdev_hwaddr_get(ln->dev);

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, hw->addr_bytes, ETH_HWADDR_LEN);
	netif->mtu = uk_netdev_mtu_get(ln->dev);
	netif->mtu6 = netif->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = linkoutput;
	netif_set_hostname(netif, "amphi");
	NETIF_SET_CHECKSUM_CTRL(netif, NETIF_CHECKSUM_ENABLE_ALL &
		~((ln->info.features & UK_NETDEV_F_PARTIAL_CSUM) ?
		  NETIF_CHECKSUM_GEN_TCP : 0) &
		~((ln->info.features & UK_NETDEV_F_RX_CSUM) ?
		  NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP : 0));
	return ERR_OK;
}

static int netdev_bring_up(struct lwip_netdev *ln)
{
	struct uk_netdev_conf conf = { .nb_rx_queues = 1, .nb_tx_queues = 1 };
	struct uk_netdev_rxqueue_conf rxc = {
		.a = glue_alloc(),
		.alloc_rxpkts = rx_alloc,
		.alloc_rxpkts_argp = ln,
		.callback = rx_event,
		.callback_cookie = ln,
	};
	struct uk_netdev_txqueue_conf txc = { .a = glue_alloc() };
	struct uk_netdev *dev = ln->dev;
	int rc;

	rc = uk_netdev_probe(dev);
	if (rc)
		return rc;
	uk_netdev_info_get(dev, &ln->info);
	ln->rx_buflen = ln->info.nb_encap_rx + ln->info.max_mtu +
			SIZEOF_ETH_HDR + 4;
	if (!(ln->info.features & UK_NETDEV_F_RXQ_INTR))
		rxc.callback = NULL;
	rc = uk_netdev_configure(dev, &conf);
	if (!rc)
		rc = uk_netdev_rxq_configure(dev, 0, RX_DESC, &rxc);
	if (!rc)
		rc = uk_netdev_txq_configure(dev, 0, TX_DESC, &txc);
	if (!rc)
		rc = uk_netdev_start(dev);
	return rc;
}

struct lwip_netdev *lwip_netdev_add(struct uk_netdev *dev)
{
	struct lwip_netdev *ln;
	int rc;

	ln = uk_calloc(glue_alloc(), 1, sizeof(*ln));
	if (!ln)
		return NULL;
	ln->dev = dev;
	ln->rx_msg = tcpip_callbackmsg_new(rx_run, ln);
	rc = ln->rx_msg ? netdev_bring_up(ln) : -ENOMEM;
	if (rc) {
		uk_pr_err("netdev%u (%s): cannot start: %d\n", dev->id,
			  dev->drv_name, rc);
		goto fail;
	}
	if (!netif_add(&ln->netif, NULL, NULL, NULL, ln, netif_init_cb,
		       tcpip_input)) {
		uk_pr_err("netdev%u: lwIP refused the interface\n", dev->id);
		goto fail;
	}
	dev->scratch_pad = ln;
	/* Receive before the first interrupt, then keep the fallback. */
	sys_timeout(RX_POLL_FAST, rx_timer, ln);
	return ln;
fail:
	if (ln->rx_msg)
		tcpip_callbackmsg_delete(ln->rx_msg);
	uk_free(glue_alloc(), ln);
	return NULL;
}
