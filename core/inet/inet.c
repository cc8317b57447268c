/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_INET and AF_INET6 sockets (core/socket families) on lwIP's raw API:
 * the ops table, socket lifetime, addresses, options and ioctls. The
 * protocols are in tcp.c and udp.c. An AF_INET6 socket is dual stack
 * unless IPV6_V6ONLY is set: IPv4 peers appear as ::ffff:a.b.c.d.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/tcp.h>
#include <uk/alloc.h>
#include <uk/lwip.h>
#include <uk/nofault.h>

#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "inet_impl.h"

#define SIOCINQ		FIONREAD
#define SIOCOUTQ	0x5411

/* Linux's defaults, as SO_RCVBUF/SO_SNDBUF report them. */
#define INET_TCP_RCVBUF		131072
#define INET_TCP_SNDBUF		16384
#define INET_UDP_BUF		212992
#define INET_BUF_MAX		(16 * 1024 * 1024)
#define INET_RCVBUF_MIN		2304
#define INET_SNDBUF_MIN		4608

static struct uk_alloc *inet_alloc(void)
{
	return uk_alloc_get_default();
}

void inet_notify(struct inet_sock *s, unsigned int events)
{
	if (s->psf)
		posix_socket_notify(s->psf, events);
}

struct inet_sock *inet_sock_alloc(int family, int type)
{
	struct inet_sock *s = uk_calloc(inet_alloc(), 1, sizeof(*s));

	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->rcvbuf = type == SOCK_STREAM ? INET_TCP_RCVBUF : INET_UDP_BUF;
	s->sndbuf = type == SOCK_STREAM ? INET_TCP_SNDBUF : INET_UDP_BUF;
	s->keepidle = 7200;
	s->keepintvl = 75;
	s->keepcnt = 9;
	s->ttl = IP_DEFAULT_TTL;
	s->mss = 536;			/* Linux's TCP_MSS_DEFAULT */
	return s;
}

void inet_sock_free(struct inet_sock *s)
{
	struct inet_dgram *d;
	struct pbuf *p;

	while ((p = s->rq_head)) {
		s->rq_head = p->next;
		p->next = NULL;
		pbuf_free(p);
	}
	while ((d = s->dq_head)) {
		s->dq_head = d->next;
		pbuf_free(d->p);
		uk_free(inet_alloc(), d);
	}
	uk_free(inet_alloc(), s);
}

int inet_err(err_t err)
{
	switch (err) {
	case ERR_OK:		return 0;
	case ERR_MEM:		return -ENOMEM;
	case ERR_BUF:		return -ENOBUFS;
	case ERR_TIMEOUT:	return -ETIMEDOUT;
	case ERR_RTE:		return -ENETUNREACH;
	case ERR_INPROGRESS:	return -EINPROGRESS;
	case ERR_WOULDBLOCK:	return -EAGAIN;
	case ERR_USE:		return -EADDRINUSE;
	case ERR_ALREADY:	return -EALREADY;
	case ERR_ISCONN:	return -EISCONN;
	case ERR_CONN:		return -ENOTCONN;
	case ERR_IF:		return -EIO;
	case ERR_ABRT:		return -ECONNABORTED;
	case ERR_RST:		return -ECONNRESET;
	case ERR_CLSD:		return -ENOTCONN;
	default:		return -EINVAL;
	}
}

u8_t inet_ip_type(const struct inet_sock *s)
{
	if (s->family == AF_INET)
		return IPADDR_TYPE_V4;
	return s->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

void inet_ip_opts_apply(struct inet_sock *s)
{
	/* Both pcbs start with IP_PCB. */
	struct ip_pcb *ip = s->pcb.any;
	const u8_t flags = SOF_REUSEADDR | SOF_KEEPALIVE | SOF_BROADCAST;

	if (!ip)
		return;
	ip->so_options = (u8_t)((ip->so_options & ~flags) | s->so_flags);
	ip->ttl = s->ttl;
	ip->tos = s->tos;
}

/* Takes lwIP's core lock for an op on s. */
static void inet_lock(struct inet_sock *s)
{
	LOCK_TCPIP_CORE();
	if (s->type == SOCK_STREAM)
		inet_tcp_settle(s);
}

/* --- addresses ------------------------------------------------------ */

static int addr_in4(const struct sockaddr *sa, socklen_t len, ip_addr_t *ip,
		    u16_t *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

	if (len < sizeof(*sin))
		return -EINVAL;
	ip_addr_set_ip4_u32_val(*ip, sin->sin_addr.s_addr);
	*port = ntohs(sin->sin_port);
	return sa->sa_family == AF_INET ? 0 : -EAFNOSUPPORT;
}

static int addr_in6(const struct inet_sock *s, const struct sockaddr *sa,
		    socklen_t len, ip_addr_t *ip, u16_t *port)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct in6_addr *a = &sin6->sin6_addr;

	/* RFC 2133's sockaddr_in6 had no scope id: Linux takes 24 bytes. */
	if (len < 24)
		return -EINVAL;
	if (sa->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	*port = ntohs(sin6->sin6_port);
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		if (s->v6only)
			return -ENETUNREACH;
		ip_addr_set_ip4_u32_val(*ip, a->s6_addr32[3]);
		return 0;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(a) && !s->v6only) {
		ip_addr_set_any(1, ip);
		IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_ANY);
		return 0;
	}
	IP_ADDR6(ip, a->s6_addr32[0], a->s6_addr32[1], a->s6_addr32[2],
		 a->s6_addr32[3]);
	return 0;
}

int inet_addr_in(const struct inet_sock *s, const struct sockaddr *sa,
		 socklen_t len, ip_addr_t *ip, u16_t *port)
{
	if (!sa)
		return -EINVAL;
	if (s->family == AF_INET)
		return addr_in4(sa, len, ip, port);
	return addr_in6(s, sa, len, ip, port);
}

void inet_addr_out(const struct inet_sock *s, const ip_addr_t *ip,
		   u16_t port, struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	int v4 = !ip || IP_IS_V4(ip) || IP_IS_ANY_TYPE_VAL(*ip);

	if (s->family == AF_INET) {
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (ip && IP_IS_V4(ip))
			sin->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
		*len = sizeof(*sin);
		return;
	}
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*len = sizeof(*sin6);
	if (!ip || IP_IS_ANY_TYPE_VAL(*ip))
		return;
	if (v4) {
		if (!ip4_addr_isany(ip_2_ip4(ip))) {
			sin6->sin6_addr.s6_addr32[2] = htonl(0xffff);
			sin6->sin6_addr.s6_addr32[3] =
				ip4_addr_get_u32(ip_2_ip4(ip));
		}
		return;
	}
	memcpy(&sin6->sin6_addr, ip_2_ip6(ip)->addr, 16);
}

int inet_addr_local(const ip_addr_t *ip)
{
	struct netif *netif;
	int i;

	if (ip_addr_isany(ip) || IP_IS_ANY_TYPE_VAL(*ip))
		return 0;
	if (IP_IS_V4(ip)) {
		if (ip4_addr_isloopback(ip_2_ip4(ip)) ||
		    ip4_addr_ismulticast(ip_2_ip4(ip)) ||
		    ip4_addr_get_u32(ip_2_ip4(ip)) == IPADDR_BROADCAST)
			return 0;
		NETIF_FOREACH(netif) {
			if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(netif)))
				return 0;
		}
		return -EADDRNOTAVAIL;
	}
	if (ip6_addr_ismulticast(ip_2_ip6(ip)))
		return 0;
	NETIF_FOREACH(netif) {
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (ip6_addr_isvalid(netif_ip6_addr_state(netif, i)) &&
			    ip6_addr_cmp(ip_2_ip6(ip), netif_ip6_addr(netif, i)))
				return 0;
	}
	return -EADDRNOTAVAIL;
}

/* --- ops ------------------------------------------------------------ */

static int inet_create(struct posix_socket_file *sock, int family, int type,
		       int protocol)
{
	struct inet_sock *s;
	int rc;

	if (type == SOCK_STREAM) {
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_DGRAM) {
		if (protocol && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}
	uk_lwip_start();
	sock->protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	s = inet_sock_alloc(family, type);
	if (!s)
		return -ENOMEM;
	LOCK_TCPIP_CORE();
	rc = type == SOCK_STREAM ? inet_tcp_create(s) : inet_udp_create(s);
	if (!rc) {
		s->psf = sock;
		sock->sock_data = s;
	}
	UNLOCK_TCPIP_CORE();
	if (rc)
		inet_sock_free(s);
	return rc;
}

static int inet_bind(struct posix_socket_file *sock,
		     const struct sockaddr *addr, socklen_t len)
{
	struct inet_sock *s = inet_of(sock);
	ip_addr_t ip;
	u16_t port;
	int rc;

	rc = inet_addr_in(s, addr, len, &ip, &port);
	/* Linux takes AF_UNSPEC with INADDR_ANY as AF_INET (old apps). */
	if (rc == -EAFNOSUPPORT && s->family == AF_INET &&
	    addr->sa_family == AF_UNSPEC && ip_addr_isany(&ip))
		rc = 0;
	if (rc)
		return rc == -ENETUNREACH ? -EINVAL : rc;
	inet_lock(s);
	rc = inet_addr_local(&ip);
	if (!rc)
		rc = s->type == SOCK_STREAM ? inet_tcp_bind(s, &ip, port) :
					      inet_udp_bind(s, &ip, port);
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int inet_listen(struct posix_socket_file *sock, int backlog)
{
	struct inet_sock *s = inet_of(sock);
	int rc;

	if (s->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	inet_lock(s);
	rc = inet_tcp_listen(s, backlog);
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int inet_accept4(struct posix_socket_file *sock,
			struct posix_socket_file *newsock,
			struct sockaddr *addr, socklen_t *addrlen,
			int flags __maybe_unused)
{
	struct inet_sock *s = inet_of(sock);
	int rc;

	if (s->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	inet_lock(s);
	rc = inet_tcp_accept(s, newsock, addr, addrlen);
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int inet_connect(struct posix_socket_file *sock,
			const struct sockaddr *addr, socklen_t len)
{
	struct inet_sock *s = inet_of(sock);
	ip_addr_t ip;
	u16_t port;
	int rc;

	if (s->type == SOCK_DGRAM) {
		inet_lock(s);
		rc = inet_udp_connect(s, addr, len);
		UNLOCK_TCPIP_CORE();
		return rc;
	}
	/* Linux: AF_UNSPEC disconnects (sa_family is all it reads). */
	if (addr && len >= sizeof(addr->sa_family) &&
	    addr->sa_family == AF_UNSPEC) {
		inet_lock(s);
		rc = inet_tcp_disconnect(s);
		UNLOCK_TCPIP_CORE();
		return rc;
	}
	rc = inet_addr_in(s, addr, len, &ip, &port);
	if (rc)
		return rc;
	inet_lock(s);
	rc = inet_tcp_connect(s, &ip, port);
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int inet_shutdown(struct posix_socket_file *sock, int how)
{
	struct inet_sock *s = inet_of(sock);
	int rc = 0;

	inet_lock(s);
	if (s->type == SOCK_STREAM) {
		rc = inet_tcp_shutdown(s, how);
	} else if (s->state != INET_CONNECTED) {
		rc = -ENOTCONN;
	} else {
		inet_store(&s->shut, s->shut | (how + 1));
		inet_notify(s, IN_EV | OUT_EV | UK_POLLHUP);
	}
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int inet_getsockname(struct posix_socket_file *sock,
			    struct sockaddr *addr, socklen_t *len)
{
	struct inet_sock *s = inet_of(sock);

	inet_lock(s);
	if (s->type == SOCK_STREAM && s->pcb.tcp && s->pcb.tcp->local_port)
		inet_addr_out(s, &s->pcb.tcp->local_ip,
			      s->pcb.tcp->local_port, addr, len);
	else if (s->type == SOCK_STREAM && s->name_port)
		/* A connection that is over, or disconnected: Linux
		 * keeps the port, and the address unless connect()
		 * reported the end. */
		inet_addr_out(s, &s->name_ip, s->name_port, addr, len);
	else if (s->type == SOCK_STREAM && s->pcb.tcp)
		inet_addr_out(s, &s->pcb.tcp->local_ip,
			      s->pcb.tcp->local_port, addr, len);
	else if (s->type == SOCK_DGRAM && s->pcb.udp)
		inet_addr_out(s, &s->pcb.udp->local_ip,
			      s->pcb.udp->local_port, addr, len);
	else
		inet_addr_out(s, NULL, 0, addr, len);
	UNLOCK_TCPIP_CORE();
	return 0;
}

static int inet_getpeername(struct posix_socket_file *sock,
			    struct sockaddr *addr, socklen_t *len)
{
	struct inet_sock *s = inet_of(sock);
	int rc = 0;

	inet_lock(s);
	if (s->type == SOCK_STREAM && s->pcb.tcp &&
	    s->state == INET_CONNECTED)
		inet_addr_out(s, &s->pcb.tcp->remote_ip,
			      s->pcb.tcp->remote_port, addr, len);
	else if (s->type == SOCK_DGRAM && s->state == INET_CONNECTED)
		inet_addr_out(s, &s->pcb.udp->remote_ip,
			      s->pcb.udp->remote_port, addr, len);
	else
		rc = -ENOTCONN;
	UNLOCK_TCPIP_CORE();
	return rc;
}

/* --- options -------------------------------------------------------- */

static int put_int(void *val, socklen_t *len, int v)
{
	*len = *len < sizeof(int) ? *len : (socklen_t)sizeof(int);
	memcpy(val, &v, *len);
	return 0;
}

static int sol_socket_get(struct inet_sock *s, int name, int *v)
{
	switch (name) {
	case SO_ERROR:
		*v = s->err;
		s->err = 0;
		return 0;
	case SO_REUSEADDR:
		*v = !!(s->so_flags & SOF_REUSEADDR);
		return 0;
	case SO_KEEPALIVE:
		*v = !!(s->so_flags & SOF_KEEPALIVE);
		return 0;
	case SO_BROADCAST:
		*v = !!(s->so_flags & SOF_BROADCAST);
		return 0;
	case SO_REUSEPORT:
		*v = s->reuseport;
		return 0;
	case SO_SNDBUF:
		*v = s->sndbuf;
		return 0;
	case SO_RCVBUF:
		*v = s->rcvbuf;
		return 0;
	case SO_ACCEPTCONN:
		*v = s->state == INET_LISTEN;
		return 0;
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		*v = 1;
		return 0;
	case SO_OOBINLINE:
	case SO_DONTROUTE:
	case SO_DEBUG:
		*v = 0;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static void set_flag(struct inet_sock *s, u8_t flag, int on)
{
	if (on)
		s->so_flags |= flag;
	else
		s->so_flags &= (u8_t)~flag;
	inet_ip_opts_apply(s);
}

static int clamp_buf(int v, int min)
{
	unsigned int u = (unsigned int)v;

	if (u > INET_BUF_MAX / 2)
		u = INET_BUF_MAX / 2;
	return (int)u * 2 < min ? min : (int)u * 2;
}

static int sol_socket_set(struct inet_sock *s, int name, int v)
{
	switch (name) {
	case SO_REUSEADDR:
		set_flag(s, SOF_REUSEADDR, v);
		return 0;
	case SO_KEEPALIVE:
		set_flag(s, SOF_KEEPALIVE, v);
		return 0;
	case SO_BROADCAST:
		set_flag(s, SOF_BROADCAST, v);
		return 0;
	case SO_REUSEPORT:
		s->reuseport = !!v;
		return 0;
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		s->sndbuf = clamp_buf(v, INET_SNDBUF_MIN);
		return 0;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		s->rcvbuf = clamp_buf(v, INET_RCVBUF_MIN);
		return 0;
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
	case SO_OOBINLINE:
	case SO_DONTROUTE:
	case SO_DEBUG:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int ip_get(struct inet_sock *s, int level, int name, int *v)
{
	if (level == IPPROTO_IP && (name == IP_TTL || name == IP_TOS)) {
		*v = name == IP_TTL ? s->ttl : s->tos;
		return 0;
	}
	if (level == IPPROTO_IPV6 && s->family == AF_INET6) {
		switch (name) {
		case IPV6_V6ONLY:
			*v = s->v6only;
			return 0;
		case IPV6_UNICAST_HOPS:
			*v = s->ttl;
			return 0;
		case IPV6_TCLASS:
			*v = s->tos;
			return 0;
		}
	}
	/* Linux's ip_getsockopt: IPv4 sends other levels (not its own
	 * transport's) there, and it knows only SOL_IP. */
	if (s->family == AF_INET && level != IPPROTO_IP &&
	    !(level == IPPROTO_UDP && s->type == SOCK_DGRAM))
		return -EOPNOTSUPP;
	return -ENOPROTOOPT;
}

/* Bound, listening or connected: has a local port. */
static int inet_bound(struct inet_sock *s)
{
	if (!s->pcb.any)
		return s->state != INET_UNCONN;
	if (s->type == SOCK_STREAM)
		return s->pcb.tcp->local_port != 0;
	return s->pcb.udp->local_port != 0;
}

/* IP_TTL, IPV6_UNICAST_HOPS: -1 is the default. */
static void ttl_set(struct inet_sock *s, int v)
{
	s->ttl = v < 0 ? IP_DEFAULT_TTL : (u8_t)v;
	inet_ip_opts_apply(s);
}

static void tos_set(struct inet_sock *s, int v)
{
	s->tos = (u8_t)v;
	inet_ip_opts_apply(s);
}

static int ip_set(struct inet_sock *s, int level, int name, int v)
{
	struct ip_pcb *ip = s->pcb.any;

	if (level == IPPROTO_IP && name == IP_TTL) {
		if (v < -1 || v == 0 || v > 255)
			return -EINVAL;
		ttl_set(s, v);
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_TOS) {
		tos_set(s, v);
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_RECVERR)
		return 0;
	if (level != IPPROTO_IPV6 || s->family != AF_INET6)
		return -ENOPROTOOPT;
	switch (name) {
	case IPV6_V6ONLY:
		/* Only before the socket is bound or connected. */
		if (inet_bound(s))
			return -EINVAL;
		s->v6only = !!v;
		if (ip)
			IP_SET_TYPE_VAL(ip->local_ip, inet_ip_type(s));
		return 0;
	case IPV6_UNICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		ttl_set(s, v);
		return 0;
	case IPV6_TCLASS:
		tos_set(s, v);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int inet_getsockopt(struct posix_socket_file *sock, int level,
			   int optname, void *val, socklen_t *len)
{
	struct inet_sock *s = inet_of(sock);
	struct linger l;
	int v = 0, rc;

	inet_lock(s);
	if (level == IPPROTO_TCP && optname == TCP_INFO &&
	    s->type == SOCK_STREAM) {
		struct tcp_info ti;

		inet_tcp_info(s, &ti);
		UNLOCK_TCPIP_CORE();
		/* As Linux: a shorter buffer gets a prefix. */
		*len = *len < sizeof(ti) ? *len : (socklen_t)sizeof(ti);
		memcpy(val, &ti, *len);
		return 0;
	}
	if (level == SOL_SOCKET && optname == SO_LINGER) {
		l.l_onoff = s->linger_on;
		l.l_linger = s->linger_s;
		UNLOCK_TCPIP_CORE();
		*len = *len < sizeof(l) ? *len : (socklen_t)sizeof(l);
		memcpy(val, &l, *len);
		return 0;
	}
	if (level == SOL_SOCKET)
		rc = sol_socket_get(s, optname, &v);
	else if (level == IPPROTO_TCP && s->type == SOCK_STREAM)
		rc = inet_tcp_getopt(s, optname, &v);
	else
		rc = ip_get(s, level, optname, &v);
	UNLOCK_TCPIP_CORE();
	return rc ? rc : put_int(val, len, v);
}

static int inet_setsockopt(struct posix_socket_file *sock, int level,
			   int optname, const void *val, socklen_t len)
{
	struct inet_sock *s = inet_of(sock);
	struct linger l;
	int v = 0, rc;

	if (level == SOL_SOCKET && optname == SO_LINGER) {
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		inet_lock(s);
		s->linger_on = !!l.l_onoff;
		s->linger_s = l.l_linger < 0 ? 0 : l.l_linger;
		UNLOCK_TCPIP_CORE();
		return 0;
	}
	/* Linux takes a single byte for some IP options; ints here. */
	if (len < sizeof(int)) {
		if (!len || level == SOL_SOCKET || level == IPPROTO_TCP)
			return -EINVAL;
		v = *(const unsigned char *)val;
	} else {
		memcpy(&v, val, sizeof(v));
	}
	inet_lock(s);
	if (level == SOL_SOCKET)
		rc = sol_socket_set(s, optname, v);
	else if (level == IPPROTO_TCP && s->type == SOCK_STREAM)
		rc = inet_tcp_setopt(s, optname, v);
	else
		rc = ip_set(s, level, optname, v);
	UNLOCK_TCPIP_CORE();
	return rc;
}

/* --- data ----------------------------------------------------------- */

static ssize_t inet_recvmsg(struct posix_socket_file *sock,
			    struct msghdr *msg, int flags)
{
	struct inet_sock *s = inet_of(sock);
	ssize_t rc;

	msg->msg_flags = 0;
	msg->msg_controllen = 0;
	if (flags & MSG_OOB)
		return -EINVAL;
	inet_lock(s);
	if (s->type == SOCK_STREAM)
		rc = inet_tcp_recvmsg(s, msg, flags);
	else
		rc = inet_udp_recvmsg(s, msg, flags);
	UNLOCK_TCPIP_CORE();
	return rc;
}

static ssize_t inet_sendmsg(struct posix_socket_file *sock,
			    const struct msghdr *msg, int flags)
{
	struct inet_sock *s = inet_of(sock);
	ssize_t rc;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	inet_lock(s);
	if (s->type == SOCK_STREAM)
		rc = inet_tcp_sendmsg(s, msg, flags);
	else
		rc = inet_udp_sendmsg(s, msg, flags);
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int inet_close(struct posix_socket_file *sock)
{
	struct inet_sock *s = inet_of(sock);

	if (!s)
		return 0;
	inet_lock(s);
	s->psf = NULL;
	sock->sock_data = NULL;
	if (s->type == SOCK_STREAM)
		inet_tcp_close(s);
	else
		inet_udp_close(s);
	UNLOCK_TCPIP_CORE();
	return 0;
}

static int inet_ioctl(struct posix_socket_file *sock, unsigned long req,
		      void *arg)
{
	struct inet_sock *s = inet_of(sock);
	int v = 0, rc = 0;

	inet_lock(s);
	switch (req) {
	case SIOCINQ:
		if (s->state == INET_LISTEN)
			rc = -EINVAL;
		else if (s->type == SOCK_STREAM)
			v = (int)s->rq_bytes;
		else
			v = s->dq_head ? s->dq_head->p->tot_len : 0;
		break;
	case SIOCOUTQ:
		if (s->state == INET_LISTEN)
			rc = -EINVAL;
		else if (s->type == SOCK_STREAM)
			v = inet_tcp_outq(s);
		break;
	default:
		rc = -ENOTTY;
	}
	UNLOCK_TCPIP_CORE();
	if (rc)
		return rc;
	return uk_copy_to_user(arg, &v, sizeof(v));
}

static unsigned int inet_poll(struct posix_socket_file *sock)
{
	struct inet_sock *s = inet_of(sock);

	if (!s)
		return UK_POLLHUP;
	if (s->type == SOCK_STREAM)
		return inet_tcp_poll(s);
	return inet_udp_poll(s);
}

static const struct posix_socket_ops inet_ops = {
	.create = inet_create,
	.accept4 = inet_accept4,
	.bind = inet_bind,
	.shutdown = inet_shutdown,
	.getpeername = inet_getpeername,
	.getsockname = inet_getsockname,
	.getsockopt = inet_getsockopt,
	.setsockopt = inet_setsockopt,
	.connect = inet_connect,
	.listen = inet_listen,
	.recvmsg = inet_recvmsg,
	.sendmsg = inet_sendmsg,
	.close = inet_close,
	.ioctl = inet_ioctl,
	.poll = inet_poll,
};

POSIX_SOCKET_FAMILY_REGISTER(AF_INET, &inet_ops);
POSIX_SOCKET_FAMILY_REGISTER(AF_INET6, &inet_ops);
