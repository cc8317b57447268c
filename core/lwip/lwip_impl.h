/* SPDX-License-Identifier: BSD-3-Clause */
/* Inside core/lwip: the netdev glue (netif.c) and the stack (stack.c). */
#ifndef __LWIP_IMPL_H__
#define __LWIP_IMPL_H__

#include <uk/netdev.h>
#include "lwip/netif.h"

/* An lwIP interface over a netdev. */
struct lwip_netdev {
	struct netif netif;
	struct uk_netdev *dev;
	struct uk_netdev_info info;
	struct tcpip_callback_msg *rx_msg;
	int rx_scheduled;		/* rx_msg is posted or running */
	__sz rx_buflen;			/* bytes of each receive netbuf */
	unsigned long rx_packets, tx_packets, rx_dropped, tx_dropped;
};

/* Brings netdev dev up as an lwIP interface named "en" + its id (probe,
 * configure, start, netif_add; address configuration is the caller's).
 * Core lock held. Returns it or NULL (reported). */
struct lwip_netdev *lwip_netdev_add(struct uk_netdev *dev);
/* Feeds one received Ethernet frame (netbuf, taken over) to lwIP. Core
 * lock held. */
void lwip_netdev_input(struct lwip_netdev *ln, struct uk_netbuf *nb);

#endif /* __LWIP_IMPL_H__ */
