/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host network devices of the sim backend (host code): a device is two
 * single-producer single-consumer rings of frames between the guest (the
 * ukplat_hostnet_* calls) and a host thread of its own, which drives a
 * backend (libslirp or TAP) and raises the device's interrupt when frames
 * arrive and the guest armed it.
 */
#ifndef AMPHI_HAL_SIM_NET_H
#define AMPHI_HAL_SIM_NET_H

#include <poll.h>
#include "../sim.h"
#include <stddef.h>
#include <stdint.h>

#define SIM_NET_MAX		4
#define SIM_NET_SLOTS		1024	/* frames per ring */
#define SIM_NET_FRAME_MAX	2048	/* bytes per frame slot */
#define SIM_NET_POLL_MAX	8192	/* fds the thread polls */

struct sim_net_slot {
	uint32_t len;
	uint8_t data[SIM_NET_FRAME_MAX];
};

struct sim_net_ring {
	uint32_t head;			/* producer's */
	uint32_t tail;			/* consumer's */
	struct sim_net_slot *slots;
	unsigned long dropped;
};

struct sim_netdev;

struct sim_net_backend {
	const char *name;
	/* A frame from the guest; on the device thread. */
	void (*send)(struct sim_netdev *d, const uint8_t *frame, size_t len);
	/* Adds the fds to poll from fds[*n] on; returns the poll timeout
	 * (ms, -1: none). */
	int (*poll_fill)(struct sim_netdev *d, struct pollfd *fds, int *n);
	/* After poll: fds as filled (first is fds[first]). */
	void (*poll_done)(struct sim_netdev *d, struct pollfd *fds, int first,
			  int n, int error);
};

struct sim_netdev {
	unsigned int id;
	unsigned int irq;
	uint8_t mac[6];
	uint16_t mtu;
	char name[32];
	const struct sim_net_backend *be;
	void *priv;			/* the backend's */
	struct sim_net_ring rx;		/* host -> guest */
	struct sim_net_ring tx;		/* guest -> host */
	int armed;			/* raise the irq on the next frame */
	int sleeping;			/* the thread sleeps: kick it */
	int kick_fd;			/* eventfd */
};

/* A port forwarding of -p. */
struct sim_net_fwd {
	int udp;
	char host_addr[64];
	int host_port, guest_port;
};

/* Frames from the host for the guest (device thread). */
void sim_net_deliver(struct sim_netdev *d, const void *frame, size_t len);

/* Backends: set d->be and d->priv, or print why not and exit(2). */
void sim_net_slirp_open(struct sim_netdev *d, const struct sim_net_fwd *fwd,
			int nfwd);
/* ifname NULL: a new device "amphiN" that goes with the process, with
 * the host address 10.0.(3+N).1/24; guest_ip and gw get the guest's
 * address/prefix and gateway (len bytes each; may be NULL). */
void sim_net_tap_open(struct sim_netdev *d, const char *ifname,
		      char *guest_ip, char *gw, size_t len);

#endif /* AMPHI_HAL_SIM_NET_H */
