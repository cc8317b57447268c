/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host network devices: the rings between the guest and each device's
 * host thread, the thread's loop, and the HAL calls (uk/plat/hostnet.h).
 *
 * Both rings have one producer and one consumer: the guest receives on
 * lwIP's thread only and sends under lwIP's core lock, and the device
 * thread is the other end of both. The guest side uses atomics, memcpy
 * and at most one write() to an eventfd: async-signal-safe, so interrupts
 * may stay enabled.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <uk/plat/hostnet.h>
#include <uk/plat/irq.h>
#include "../cpu.h"
#include "../sim.h"
#include "net.h"

static struct sim_netdev devs[SIM_NET_MAX];
static unsigned int ndevs;

static int ring_init(struct sim_net_ring *r)
{
	r->head = r->tail = 0;
	r->slots = calloc(SIM_NET_SLOTS, sizeof(*r->slots));
	return r->slots ? 0 : -ENOMEM;
}

/* The producer's free slot, or NULL if full. */
static struct sim_net_slot *ring_free_slot(struct sim_net_ring *r)
{
	uint32_t head = r->head;
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

	if (head - tail >= SIM_NET_SLOTS)
		return NULL;
	return &r->slots[head % SIM_NET_SLOTS];
}

static void ring_push(struct sim_net_ring *r)
{
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
}

/* The consumer's next slot, or NULL if empty. */
static struct sim_net_slot *ring_peek(struct sim_net_ring *r)
{
	uint32_t tail = r->tail;

	if (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
		return NULL;
	return &r->slots[tail % SIM_NET_SLOTS];
}

static void ring_pop(struct sim_net_ring *r)
{
	__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
}

static int ring_empty(struct sim_net_ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}

void sim_net_deliver(struct sim_netdev *d, const void *frame, size_t len)
{
	struct sim_net_slot *s = ring_free_slot(&d->rx);

	if (!s || len > SIM_NET_FRAME_MAX) {
		d->rx.dropped++;
		return;
	}
	memcpy(s->data, frame, len);
	s->len = (uint32_t)len;
	ring_push(&d->rx);
	if (__atomic_exchange_n(&d->armed, 0, __ATOMIC_SEQ_CST))
		sim_lcpu_raise(0, d->irq);
}

static void kick_drain(struct sim_netdev *d)
{
	uint64_t v;

	if (read(d->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("amphi: net kick");
}

static void *net_thread(void *arg)
{
	struct pollfd fds[SIM_NET_POLL_MAX];
	struct sim_netdev *d = arg;
	struct sim_net_slot *s;
	int n, timeout, rc;

	sim_host_thread_attach();
	for (;;) {
		while ((s = ring_peek(&d->tx))) {
			d->be->send(d, s->data, s->len);
			ring_pop(&d->tx);
		}
		fds[0].fd = d->kick_fd;
		fds[0].events = POLLIN;
		n = 1;
		timeout = d->be->poll_fill(d, fds, &n);
		__atomic_store_n(&d->sleeping, 1, __ATOMIC_SEQ_CST);
		if (!ring_empty(&d->tx))
			timeout = 0;
		rc = poll(fds, (nfds_t)n, timeout);
		__atomic_store_n(&d->sleeping, 0, __ATOMIC_SEQ_CST);
		if (rc > 0 && fds[0].revents)
			kick_drain(d);
		d->be->poll_done(d, fds, 1, n, rc < 0 && errno != EINTR);
	}
	return NULL;
}

static void start_thread(struct sim_netdev *d)
{
	sigset_t all, old;
	pthread_t t;
	char name[16];

	/* The kernel's signals are for its CPUs, not for this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&t, NULL, net_thread, d)) {
		fprintf(stderr, "amphi: cannot start the network thread\n");
		exit(2);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_detach(t);
	snprintf(name, sizeof(name), "net%u", d->id);
	pthread_setname_np(t, name);
}

static struct sim_netdev *new_dev(void)
{
	struct sim_netdev *d;

	if (ndevs >= SIM_NET_MAX) {
		fprintf(stderr, "amphi: at most %d network devices\n",
			SIM_NET_MAX);
		exit(2);
	}
	d = &devs[ndevs];
	memset(d, 0, sizeof(*d));
	d->id = ndevs;
	/* QEMU's first MAC, with the device number. */
	memcpy(d->mac, "\x52\x54\x00\x12\x34\x56", 6);
	d->mac[5] = (uint8_t)(0x56 + d->id);
	d->mtu = 1500;
	d->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->kick_fd < 0 || ring_init(&d->rx) || ring_init(&d->tx)) {
		perror("amphi: network device");
		exit(2);
	}
	return d;
}

static int has_karg(char **kargs, int n, const char *prefix)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(kargs[i], prefix, strlen(prefix)))
			return 1;
	return 0;
}

void sim_net_init(const struct sim_options *opt, char **kargs, int *nkargs)
{
	static char ip[48], gw[48];
	struct sim_netdev *d;

	if (opt->net_mode == SIM_NET_NONE)
		return;
	d = new_dev();
	if (opt->net_mode == SIM_NET_USER) {
		sim_net_slirp_open(d, opt->fwd, opt->nfwd);
	} else {
		strcpy(ip, "net.ip=");
		strcpy(gw, "net.gw=");
		sim_net_tap_open(d, opt->net_ifname, ip + 7, gw + 7,
				 sizeof(ip) - 7);
		/* A new device has no DHCP server: the guest's address
		 * goes on the command line, unless the user gave one. */
		if (ip[7] && !has_karg(kargs, *nkargs, "net.ip=")) {
			kargs[(*nkargs)++] = ip;
			kargs[(*nkargs)++] = gw;
		}
	}
	ndevs++;
	start_thread(d);
}

/* --- the HAL calls (guest side) -------------------------------------- */

static struct sim_netdev *dev_of(unsigned int id)
{
	return id < ndevs ? &devs[id] : NULL;
}

unsigned int ukplat_hostnet_count(void)
{
	return ndevs;
}

int ukplat_hostnet_info(unsigned int id, struct ukplat_hostnet_info *info)
{
	struct sim_netdev *d = dev_of(id);
	int irq;

	if (!d)
		return -ENODEV;
	/* The vector is taken when the kernel first asks; the device's
	 * thread raises it only once the kernel armed it (after this). */
	if (!d->irq) {
		irq = ukplat_irq_alloc();
		if (irq < 0)
			return irq;
		d->irq = (unsigned int)irq;
	}
	memcpy(info->mac, d->mac, 6);
	info->mtu = d->mtu;
	info->irq = d->irq;
	snprintf(info->name, sizeof(info->name), "%s", d->name);
	return 0;
}

int ukplat_hostnet_recv(unsigned int id, void *buf, unsigned int len)
{
	struct sim_netdev *d = dev_of(id);
	struct sim_net_slot *s;
	int n;

	if (!d)
		return -ENODEV;
	s = ring_peek(&d->rx);
	if (!s)
		return -EAGAIN;
	n = (int)s->len;
	if (s->len <= len)
		memcpy(buf, s->data, s->len);
	else
		n = -EMSGSIZE;
	ring_pop(&d->rx);
	return n;
}

int ukplat_hostnet_arm(unsigned int id)
{
	struct sim_netdev *d = dev_of(id);

	if (!d)
		return 0;
	__atomic_store_n(&d->armed, 1, __ATOMIC_SEQ_CST);
	if (ring_empty(&d->rx))
		return 0;
	/* Frames came first: they raise nothing, the caller reads on. */
	__atomic_store_n(&d->armed, 0, __ATOMIC_SEQ_CST);
	return 1;
}

void ukplat_hostnet_disarm(unsigned int id)
{
	struct sim_netdev *d = dev_of(id);

	if (d)
		__atomic_store_n(&d->armed, 0, __ATOMIC_SEQ_CST);
}

int ukplat_hostnet_send(unsigned int id, const void *frame, unsigned int len)
{
	struct sim_netdev *d = dev_of(id);
	struct sim_net_slot *s;
	uint64_t one = 1;

	if (!d)
		return -ENODEV;
	if (len < 14 || len > SIM_NET_FRAME_MAX)
		return -EINVAL;
	s = ring_free_slot(&d->tx);
	if (!s) {
		d->tx.dropped++;
		return -EAGAIN;
	}
	memcpy(s->data, frame, len);
	s->len = len;
	ring_push(&d->tx);
	if (__atomic_exchange_n(&d->sleeping, 0, __ATOMIC_SEQ_CST) &&
	    write(d->kick_fd, &one, sizeof(one)) < 0)
		return 0;	/* the thread looks again after its poll */
	return 0;
}
