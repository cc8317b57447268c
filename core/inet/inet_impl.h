/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_INET and AF_INET6 sockets on lwIP's raw API: internals shared by
 * inet.c (ops table, lifetime, addresses, options), tcp.c and udp.c.
 *
 * Locking: everything here, lwIP included, runs under lwIP's core lock
 * (LOCK_TCPIP_CORE), which lwIP's own thread also holds while it runs
 * callbacks. The poll op takes no lock: it reads single words that the
 * locked code updates before it notifies.
 */
#ifndef __INET_IMPL_H__
#define __INET_IMPL_H__

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <uk/socket.h>

#include "lwip/opt.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

enum inet_state {
	INET_UNCONN = 0,
	INET_LISTEN,
	INET_CONNECTING,
	INET_CONNECTED,
	INET_CLOSED,		/* had a connection; the pcb is gone */
};

#define INET_RCV_SHUT		1
#define INET_SEND_SHUT		2

#define IN_EV	(UK_POLLIN | UK_POLLRDNORM)
#define OUT_EV	(UK_POLLOUT | UK_POLLWRNORM)

/* A queued datagram. */
struct inet_dgram {
	struct inet_dgram *next;
	struct pbuf *p;
	ip_addr_t addr;
	u16_t port;
};

struct inet_sock {
	struct posix_socket_file *psf;	/* NULL: closed, or not accepted */
	int family;			/* AF_INET, AF_INET6 */
	int type;			/* SOCK_STREAM, SOCK_DGRAM */
	int state;
	int err;			/* SO_ERROR (positive) */
	int shut;			/* INET_*_SHUT, ours */
	int peer_fin;			/* the peer sent FIN */
	int connect_told;		/* connect() reported the result */
	int had_conn;			/* was connected: connect() says EISCONN
					 * for good, as Linux's SS_CONNECTED */
	int v6only;
	union {
		struct tcp_pcb *tcp;
		struct udp_pcb *udp;
		void *any;
	} pcb;
	/* TCP: the local address once connected, for getsockname after
	 * the pcb is gone (as Linux keeps it). */
	ip_addr_t name_ip;
	u16_t name_port;
	/* TCP: what bind() was given, which Linux's socket keeps past a
	 * connection and a disconnect (SOCK_BINDADDR_LOCK: an address
	 * other than "any"; SOCK_BINDPORT_LOCK: a port other than 0). */
	ip_addr_t bind_ip;
	u16_t bind_port;
	u8_t bind_addr;
	u8_t bind_forced;		/* bound past lwIP's conflict check */

	/* Receive queue: TCP bytes as single pbufs (rq_off into the
	 * first), or datagrams. */
	struct pbuf *rq_head, *rq_tail;
	u16_t rq_off;
	struct inet_dgram *dq_head, *dq_tail;
	__sz rq_bytes;			/* unread bytes */
	u32_t unacked;			/* received, window not yet reopened */

	/* Listener: connections not yet accepted (embryos). */
	struct inet_sock *acc_head, *acc_tail, *acc_next;
	int acc_count;
	int backlog;			/* as listen() got it (TCP_INFO) */

	/* TCP: room in the send buffer, as the poll op sees it. */
	u32_t sndavail;

	/* Options, kept here as Linux keeps them in the socket: the pcb
	 * may go (a connection's end) or be replaced (a new connect). */
	u8_t so_flags;			/* SOF_REUSEADDR, KEEPALIVE, BROADCAST */
	u8_t ttl, tos;
	int rcvbuf, sndbuf;
	int linger_on, linger_s;
	int keepidle, keepintvl, keepcnt;	/* s, s, count */
	int nodelay, reuseport, cork, defer_accept, user_timeout, quickack;
	int mss;			/* the last connection's (TCP_MAXSEG) */
	int user_mss;			/* TCP_MAXSEG as set, or 0 */
};

static inline struct inet_sock *inet_of(struct posix_socket_file *sock)
{
	return sock->sock_data;
}

static inline int inet_load(const int *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

static inline void inet_store(int *v, int x)
{
	__atomic_store_n(v, x, __ATOMIC_RELEASE);
}

/* inet.c */
/* Wakes the socket's waiters (core lock held). */
void inet_notify(struct inet_sock *s, unsigned int events);
struct inet_sock *inet_sock_alloc(int family, int type);
void inet_sock_free(struct inet_sock *s);
/* -errno of an lwIP error. */
int inet_err(err_t err);
/* An app's sockaddr for family into ip and port: -EINVAL (length),
 * -EAFNOSUPPORT (family). AF_UNSPEC with ok_unspec gives 0, else -err. */
int inet_addr_in(const struct inet_sock *s, const struct sockaddr *sa,
		 socklen_t len, ip_addr_t *ip, u16_t *port);
/* ip and port as the family's sockaddr (IPv4 mapped into AF_INET6). */
void inet_addr_out(const struct inet_sock *s, const ip_addr_t *ip,
		   u16_t port, struct sockaddr *sa, socklen_t *len);
/* 0 if ip may be bound (any, or an address of an interface), else
 * -EADDRNOTAVAIL. */
int inet_addr_local(const ip_addr_t *ip);
/* The IP address type a socket's pcb takes: V4, V6, or ANY (dual). */
u8_t inet_ip_type(const struct inet_sock *s);
/* Gives the socket's pcb the IP options the socket keeps (SO_REUSEADDR,
 * SO_KEEPALIVE, SO_BROADCAST, TTL, TOS). */
void inet_ip_opts_apply(struct inet_sock *s);

/* tcp.c */
int inet_tcp_create(struct inet_sock *s);
/* Lets go of a pcb that lwIP took from CLOSING to TIME_WAIT with no
 * callback: the connection is over. Each op calls it first. */
void inet_tcp_settle(struct inet_sock *s);
int inet_tcp_bind(struct inet_sock *s, const ip_addr_t *ip, u16_t port);
int inet_tcp_listen(struct inet_sock *s, int backlog);
int inet_tcp_accept(struct inet_sock *s, struct posix_socket_file *newsock,
		    struct sockaddr *addr, socklen_t *addrlen);
int inet_tcp_connect(struct inet_sock *s, const ip_addr_t *ip, u16_t port);
ssize_t inet_tcp_sendmsg(struct inet_sock *s, const struct msghdr *msg,
			 int flags);
ssize_t inet_tcp_recvmsg(struct inet_sock *s, struct msghdr *msg,
			 int flags);
int inet_tcp_shutdown(struct inet_sock *s, int how);
void inet_tcp_close(struct inet_sock *s);
unsigned int inet_tcp_poll(struct inet_sock *s);
int inet_tcp_getopt(struct inet_sock *s, int optname, int *v);
int inet_tcp_setopt(struct inet_sock *s, int optname, int v);
/* TCP_INFO: Linux's fields that lwIP has (state, rto, rtt, mss, cwnd),
 * zero elsewhere. */
void inet_tcp_info(struct inet_sock *s, struct tcp_info *ti);
/* SIOCOUTQ: bytes not yet acked (sent or not), and our FIN until it is
 * acked, as Linux's write_seq - snd_una; 0 during the handshake. */
int inet_tcp_outq(struct inet_sock *s);
/* connect(AF_UNSPEC): drops the connection (a reset) or stops listening;
 * the socket may bind, listen or connect again. 0 or -ENOMEM. */
int inet_tcp_disconnect(struct inet_sock *s);

/* udp.c */
int inet_udp_create(struct inet_sock *s);
int inet_udp_bind(struct inet_sock *s, const ip_addr_t *ip, u16_t port);
int inet_udp_connect(struct inet_sock *s, const struct sockaddr *sa,
		     socklen_t len);
ssize_t inet_udp_sendmsg(struct inet_sock *s, const struct msghdr *msg,
			 int flags);
ssize_t inet_udp_recvmsg(struct inet_sock *s, struct msghdr *msg,
			 int flags);
void inet_udp_close(struct inet_sock *s);
unsigned int inet_udp_poll(struct inet_sock *s);

#endif /* __INET_IMPL_H__ */
