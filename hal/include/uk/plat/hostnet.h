/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host network devices: a backend that runs as a host process (sim)
 * bridges Ethernet frames to the host's networking (libslirp's user-mode
 * network, or a TAP device). core/net/hostnet.c makes each a netdev.
 * Frames cross by copy through two rings of the backend's; the calls
 * never block and are safe with interrupts enabled.
 */
#ifndef __UK_PLAT_HOSTNET_H__
#define __UK_PLAT_HOSTNET_H__

#include <uk/arch/types.h>

#define UKPLAT_HOSTNET_NAME_MAX	32

struct ukplat_hostnet_info {
	__u8 mac[6];			/* the guest's address */
	__u16 mtu;
	unsigned int irq;		/* raised on receive, once armed */
	char name[UKPLAT_HOSTNET_NAME_MAX];	/* "slirp", "tap amphi0" */
};

/* Number of host network devices. */
unsigned int ukplat_hostnet_count(void);
/* Describes device id (its irq is a vector of ukplat_irq_alloc, taken
 * on the first call). Returns 0, -ENODEV or -ENOSPC. */
int ukplat_hostnet_info(unsigned int id, struct ukplat_hostnet_info *info);
/* Copies the next received frame into buf (len bytes; a longer frame is
 * dropped). Returns its length, or -EAGAIN when none is queued, -ENODEV. */
int ukplat_hostnet_recv(unsigned int id, void *buf, unsigned int len);
/* Arms the receive interrupt: the next frame raises it once. Returns 1 if
 * frames are already queued (they raise nothing), else 0. */
int ukplat_hostnet_arm(unsigned int id);
/* Disarms it. */
void ukplat_hostnet_disarm(unsigned int id);
/* Queues frame (len bytes, copied) for the host. Returns 0, -EAGAIN if
 * the queue is full, -EINVAL for a bad length, -ENODEV. */
int ukplat_hostnet_send(unsigned int id, const void *frame, unsigned int len);

#endif /* __UK_PLAT_HOSTNET_H__ */
