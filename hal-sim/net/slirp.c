/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The user-mode network (libslirp), as QEMU's "-netdev user": the guest
 * is 10.0.2.15 (DHCP), the gateway 10.0.2.2 is the host's loopback, DNS
 * at 10.0.2.3 is relayed to the host's resolver; IPv6 fec0::/64. Port
 * forwardings (-p) listen on the host. Everything runs on the device
 * thread: libslirp is not thread-safe.
 *
 * libslirp (and the GLib it pulls in) is dlopen()ed by the first --net
 * user: an image that uses no network loads neither, and memcheck sees
 * no GLib blocks at its exit.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <slirp/libslirp.h>
#include "net.h"

/* The libslirp functions used, looked up at run time. */
static struct {
	Slirp *(*new)(const SlirpConfig *, const SlirpCb *, void *);
	void (*input)(Slirp *, const uint8_t *, int);
	void (*pollfds_fill)(Slirp *, uint32_t *, SlirpAddPollCb, void *);
	void (*pollfds_poll)(Slirp *, int, SlirpGetREventsCb, void *);
	int (*add_hostfwd)(Slirp *, int, struct in_addr, int, struct in_addr,
			   int);
} lib;

static void lib_load(void)
{
	void *h = dlopen("libslirp.so.0", RTLD_NOW | RTLD_LOCAL);

	if (h) {
		lib.new = (__typeof__(lib.new))dlsym(h, "slirp_new");
		lib.input = (__typeof__(lib.input))dlsym(h, "slirp_input");
		lib.pollfds_fill = (__typeof__(lib.pollfds_fill))
				   dlsym(h, "slirp_pollfds_fill");
		lib.pollfds_poll = (__typeof__(lib.pollfds_poll))
				   dlsym(h, "slirp_pollfds_poll");
		lib.add_hostfwd = (__typeof__(lib.add_hostfwd))
				  dlsym(h, "slirp_add_hostfwd");
	}
	if (!lib.new || !lib.input || !lib.pollfds_fill ||
	    !lib.pollfds_poll || !lib.add_hostfwd) {
		fprintf(stderr, "amphi: --net user needs libslirp "
			"(libslirp0; ./amphi setup installs it): %s\n",
			h ? "missing functions" : dlerror());
		exit(2);
	}
}

struct slirp_timer {
	struct slirp_timer *next;
	SlirpTimerCb cb;
	void *arg;
	int64_t expire_ms;		/* -1: not armed */
};

struct slirp_be {
	Slirp *slirp;
	struct sim_netdev *d;
	struct slirp_timer *timers;
	struct pollfd *fds;		/* during poll_fill/poll_done */
	int nfds, first;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct slirp_be *b = opaque;

	sim_net_deliver(b->d, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	fprintf(stderr, "amphi: slirp: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	return now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_be *b = opaque;
	struct slirp_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cb = cb;
	t->arg = cb_opaque;
	t->expire_ms = -1;
	t->next = b->timers;
	b->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct slirp_be *b = opaque;
	struct slirp_timer **pp;

	for (pp = &b->timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = ((struct slirp_timer *)timer)->next;
			free(timer);
			return;
		}
	}
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	((struct slirp_timer *)timer)->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
}

static const SlirpCb slirp_callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
};

static void be_send(struct sim_netdev *d, const uint8_t *frame, size_t len)
{
	struct slirp_be *b = d->priv;

	lib.input(b->slirp, frame, (int)len);
}

static int add_poll(int fd, int events, void *opaque)
{
	struct slirp_be *b = opaque;
	struct pollfd *p;

	if (b->first + b->nfds >= SIM_NET_POLL_MAX)
		return -1;	/* too many connections: polled next round */
	p = &b->fds[b->first + b->nfds];
	p->fd = fd;
	p->events = 0;
	if (events & SLIRP_POLL_IN)
		p->events |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		p->events |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		p->events |= POLLPRI;
	p->revents = 0;
	return b->nfds++;
}

static int get_revents(int idx, void *opaque)
{
	struct slirp_be *b = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || idx >= b->nfds)
		return 0;
	r = b->fds[b->first + idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static int be_poll_fill(struct sim_netdev *d, struct pollfd *fds, int *n)
{
	struct slirp_be *b = d->priv;
	struct slirp_timer *t;
	int64_t now = now_ns() / 1000000, wait;
	uint32_t timeout = 1000;

	b->fds = fds;
	b->first = *n;
	b->nfds = 0;
	lib.pollfds_fill(b->slirp, &timeout, add_poll, b);
	for (t = b->timers; t; t = t->next) {
		if (t->expire_ms < 0)
			continue;
		wait = t->expire_ms - now;
		if (wait < 0)
			wait = 0;
		if (wait < (int64_t)timeout)
			timeout = (uint32_t)wait;
	}
	*n += b->nfds;
	return (int)timeout;
}

static void be_poll_done(struct sim_netdev *d, struct pollfd *fds, int first,
			 int n, int error)
{
	struct slirp_be *b = d->priv;
	struct slirp_timer *t, *next;
	int64_t now = now_ns() / 1000000;

	lib.pollfds_poll(b->slirp, error, get_revents, b);
	for (t = b->timers; t; t = next) {
		next = t->next;
		if (t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->arg);
		}
	}
}

static const struct sim_net_backend slirp_backend = {
	.name = "slirp",
	.send = be_send,
	.poll_fill = be_poll_fill,
	.poll_done = be_poll_done,
};

/* True if fd is a TCP socket listening on host:port. */
static int is_listener(int fd, struct in_addr host, int port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int on = 0;
	socklen_t onlen = sizeof(on);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &onlen) < 0 ||
	    !on)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
	    sa.sin_family != AF_INET)
		return 0;
	return ntohs(sa.sin_port) == port &&
	       sa.sin_addr.s_addr == host.s_addr;
}

/*
 * libslirp listens with a backlog of 1: connections that arrive together
 * overflow the host's accept queue while the device thread is busy, and
 * those the kernel answered with a SYN cookie hang for minutes (the
 * client's connect succeeded; no reply ever comes). listen() again on
 * the forward's socket raises the backlog.
 */
static void widen_backlog(struct in_addr host, int port)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != dirfd(dir) && is_listener(fd, host, port))
			listen(fd, SOMAXCONN);
	}
	closedir(dir);
}

static void add_fwd(struct slirp_be *b, const struct sim_net_fwd *f)
{
	struct in_addr host, guest;

	if (!inet_aton(f->host_addr[0] ? f->host_addr : "127.0.0.1", &host)) {
		fprintf(stderr, "amphi: -p: bad host address '%s'\n",
			f->host_addr);
		exit(2);
	}
	inet_aton("10.0.2.15", &guest);
	if (lib.add_hostfwd(b->slirp, f->udp, host, f->host_port, guest,
			      f->guest_port) < 0) {
		fprintf(stderr, "amphi: -p %s:%d:%d: cannot listen on the "
			"host's %s port %d: %s\n", f->udp ? "udp" : "tcp",
			f->host_port, f->guest_port, f->udp ? "UDP" : "TCP",
			f->host_port, strerror(errno ? errno : EADDRINUSE));
		exit(2);
	}
	if (!f->udp)
		widen_backlog(host, f->host_port);
}

void sim_net_slirp_open(struct sim_netdev *d, const struct sim_net_fwd *fwd,
			int nfwd)
{
	struct slirp_be *b = calloc(1, sizeof(*b));
	SlirpConfig cfg = { .version = 3 };
	int i;

	if (!b) {
		perror("amphi: slirp");
		exit(2);
	}
	b->d = d;
	cfg.in_enabled = true;
	inet_aton("10.0.2.0", &cfg.vnetwork);
	inet_aton("255.255.255.0", &cfg.vnetmask);
	inet_aton("10.0.2.2", &cfg.vhost);
	cfg.in6_enabled = true;
	inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
	cfg.vprefix_len = 64;
	inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
	inet_aton("10.0.2.15", &cfg.vdhcp_start);
	inet_aton("10.0.2.3", &cfg.vnameserver);
	inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
	cfg.if_mtu = d->mtu;
	cfg.if_mru = d->mtu;
	lib_load();
	b->slirp = lib.new(&cfg, &slirp_callbacks, b);
	if (!b->slirp) {
		fprintf(stderr, "amphi: cannot start libslirp\n");
		exit(2);
	}
	d->be = &slirp_backend;
	d->priv = b;
	snprintf(d->name, sizeof(d->name), "slirp");
	for (i = 0; i < nfwd; i++)
		add_fwd(b, &fwd[i]);
}
