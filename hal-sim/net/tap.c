/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A TAP device (/dev/net/tun). Without a name the device is new,
 * "amphiN", gone when the process ends, and gets the host address
 * 10.0.(3+N).1/24 (the guest is .2): that needs CAP_NET_ADMIN. With a
 * name, an existing device (e.g. made with 'ip tuntap add NAME mode tap
 * user USER' by an administrator) is used as it is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

struct tap_be {
	int fd;
	uint8_t buf[SIM_NET_FRAME_MAX];
};

static void be_send(struct sim_netdev *d, const uint8_t *frame, size_t len)
{
	struct tap_be *t = d->priv;

	/* A full host queue drops the frame, as a wire would. */
	if (write(t->fd, frame, len) < 0 && errno != EAGAIN &&
	    errno != ENOBUFS)
		perror("amphi: tap write");
}

static int be_poll_fill(struct sim_netdev *d, struct pollfd *fds, int *n)
{
	struct tap_be *t = d->priv;

	fds[*n].fd = t->fd;
	fds[*n].events = POLLIN;
	fds[*n].revents = 0;
	(*n)++;
	return -1;
}

static void be_poll_done(struct sim_netdev *d, struct pollfd *fds, int first,
			 int n, int error)
{
	struct tap_be *t = d->priv;
	ssize_t len;
	int i;

	if (!(fds[first].revents & POLLIN))
		return;
	/* A bounded batch, then the guest's frames get their turn. */
	for (i = 0; i < 64; i++) {
		len = read(t->fd, t->buf, sizeof(t->buf));
		if (len <= 0)
			break;
		sim_net_deliver(d, t->buf, (size_t)len);
	}
}

static const struct sim_net_backend tap_backend = {
	.name = "tap",
	.send = be_send,
	.poll_fill = be_poll_fill,
	.poll_done = be_poll_done,
};

static int ifr_ioctl(int s, unsigned long req, struct ifreq *ifr)
{
	return ioctl(s, req, ifr);
}

/* Gives the new device its host address and brings it up. */
static int host_config(const char *ifname, const char *addr)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	inet_aton(addr, &sin->sin_addr);
	if (ifr_ioctl(s, SIOCSIFADDR, &ifr) < 0)
		goto out;
	inet_aton("255.255.255.0", &sin->sin_addr);
	if (ifr_ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		goto out;
	if (ifr_ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	rc = ifr_ioctl(s, SIOCSIFFLAGS, &ifr);
out:
	close(s);
	return rc;
}

void sim_net_tap_open(struct sim_netdev *d, const char *ifname,
		      char *guest_ip, char *gw, size_t len)
{
	struct tap_be *t = calloc(1, sizeof(*t));
	struct ifreq ifr;
	char host[32];
	int unit = 0;

	if (!t) {
		perror("amphi: tap");
		exit(2);
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		fprintf(stderr, "amphi: --net tap: /dev/net/tun: %s\n",
			strerror(errno));
		exit(2);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname ? ifname : "amphi%d");
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "amphi: --net tap: cannot %s TAP device %s: "
			"%s%s\n", ifname ? "attach to" : "create",
			ifname ? ifname : "amphiN", strerror(errno),
			errno == EPERM ? " (making one needs CAP_NET_ADMIN; "
			"or have one made: ip tuntap add NAME mode tap user "
			"$USER, and use --net tap:NAME)" : "");
		exit(2);
	}
	d->be = &tap_backend;
	d->priv = t;
	snprintf(d->name, sizeof(d->name), "tap %s", ifr.ifr_name);
	if (ifname)
		return;
	sscanf(ifr.ifr_name, "amphi%d", &unit);
	snprintf(host, sizeof(host), "10.0.%d.1", 3 + unit);
	if (host_config(ifr.ifr_name, host) < 0) {
		fprintf(stderr, "amphi: --net tap: cannot configure %s: %s\n",
			ifr.ifr_name, strerror(errno));
		exit(2);
	}
	if (guest_ip)
		snprintf(guest_ip, len, "10.0.%d.2/24", 3 + unit);
	if (gw)
		snprintf(gw, len, "%s", host);
}
