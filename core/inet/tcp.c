/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP sockets on lwIP's raw API, with Linux's semantics: connect() starts
 * the handshake and the socket layer waits for it (or returns EINPROGRESS);
 * received segments queue as pbufs until read, and reading reopens the
 * window; accepted connections queue on the listener (counted in lwIP's
 * backlog) until accept(); close() with unread data, or with a zero
 * SO_LINGER, resets the connection.
 */
#include <errno.h>
#include <string.h>
#include <netinet/tcp.h>
#include <uk/file.h>

#include "lwip/priv/tcp_priv.h"
#include "inet_impl.h"

/* Bytes copied per tcp_write: app memory is copied through the stack
 * (lwIP would copy without catching a fault). */
#define SEND_CHUNK	4096
/* POLLOUT once this much of the send buffer is free. */
#define SEND_WAKE	(TCP_SND_BUF / 8)

static u32_t send_room(struct tcp_pcb *pcb)
{
	if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
		return 0;
	return pcb->snd_buf;
}

static void room_update(struct inet_sock *s)
{
	__atomic_store_n(&s->sndavail, s->pcb.tcp ? send_room(s->pcb.tcp) : 0,
			 __ATOMIC_RELEASE);
}

/* lwIP's ext arg slot that tells a socket lwIP freed its CLOSING pcb
 * (from TIME_WAIT, which has no callback). */
static u8_t watch_id = 0xff;

/* Forgets pcb: lwIP finishes (or resets) it on its own. */
static void detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_ext_arg_set(pcb, watch_id, NULL);
}

/* The socket has no pcb any more: its connection is over (Linux's
 * TCP_CLOSE). Readers and writers wake with HUP, and with events. */
static void conn_over(struct inet_sock *s, unsigned int events)
{
	s->pcb.tcp = NULL;
	inet_store(&s->state, INET_CLOSED);
	__atomic_store_n(&s->sndavail, 0, __ATOMIC_RELEASE);
	inet_notify(s, IN_EV | OUT_EV | UK_POLLHUP | UK_POLLRDHUP | events);
}

/* lwIP frees a pcb the socket watches (tcp_free, core lock): after
 * err_cb if there is one, or with no callback from TIME_WAIT. */
static void watched_freed(u8_t id __maybe_unused, void *data)
{
	struct inet_sock *s = data;

	if (s && s->pcb.tcp)
		conn_over(s, 0);
}

static const struct tcp_ext_arg_callbacks watch_cbs = {
	.destroy = watched_freed,
};

/* Both ends closed at once: the pcb is CLOSING, which lwIP takes to
 * TIME_WAIT on the ACK of our FIN with no callback, and frees later
 * with none either. Linux's socket stays in CLOSING until that ACK
 * (connected: getpeername, shutdown), so the socket keeps the pcb,
 * checks its state in each op (inet_tcp_settle) and learns if lwIP
 * frees it first. */
static void watch(struct inet_sock *s, struct tcp_pcb *pcb)
{
	tcp_ext_arg_set_callbacks(pcb, watch_id, &watch_cbs);
	tcp_ext_arg_set(pcb, watch_id, s);
}

/* The socket's own copy of its local address (getsockname's). */
static void name_keep(struct inet_sock *s, const struct tcp_pcb *pcb)
{
	s->name_ip = pcb->local_ip;
	s->name_port = pcb->local_port;
}

/* The connection's MSS, which TCP_MAXSEG reads after it is over. */
static void mss_keep(struct inet_sock *s, const struct tcp_pcb *pcb)
{
	s->mss = tcp_mss(pcb);
}

/* The pcb is in TIME_WAIT, which lwIP frees (after 2 * TCP_MSL, or for
 * room) with no callback, so the socket forgets it now; the connection
 * is over, as Linux's socket is then (TCP_CLOSE). */
static void finished(struct inet_sock *s, struct tcp_pcb *pcb)
{
	name_keep(s, pcb);
	mss_keep(s, pcb);
	detach(pcb);
	conn_over(s, 0);
}

/* --- lwIP's callbacks (tcpip thread or a socket call, core lock) ----- */

static err_t recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		     err_t err)
{
	struct inet_sock *s = arg;
	struct pbuf *last;

	if (!p) {
		inet_store(&s->peer_fin, 1);
		if (pcb->state == TIME_WAIT) {
			finished(s, pcb);
			return ERR_OK;
		}
		if (pcb->state == CLOSING)
			watch(s, pcb);
		inet_notify(s, IN_EV | UK_POLLRDHUP);
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return ERR_OK;
	}
	if (s->shut & INET_RCV_SHUT) {
		/* Read side shut: the data goes, the window stays open. */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	for (last = p; last->next; last = last->next)
		;
	if (s->rq_tail)
		s->rq_tail->next = p;
	else
		s->rq_head = p;
	s->rq_tail = last;
	__atomic_add_fetch(&s->rq_bytes, p->tot_len, __ATOMIC_RELEASE);
	inet_notify(s, IN_EV);
	return ERR_OK;
}

static err_t sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet_sock *s = arg;

	room_update(s);
	if (s->sndavail >= SEND_WAKE)
		inet_notify(s, OUT_EV);
	return ERR_OK;
}

/* The pcb is gone (lwIP freed it): a reset, a timeout, an abort. */
static void err_cb(void *arg, err_t err)
{
	struct inet_sock *s = arg;
	int e;

	if (!s)
		return;
	if (s->state == INET_CONNECTING)
		e = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
	else if (err == ERR_RST)
		e = ECONNRESET;
	else if (err == ERR_CLSD)
		e = 0;
	else
		e = err == ERR_ABRT ? ETIMEDOUT : -inet_err(err);
	s->err = e;
	conn_over(s, UK_POLLERR);
}

static err_t connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet_sock *s = arg;

	name_keep(s, pcb);
	mss_keep(s, pcb);
	room_update(s);
	s->had_conn = 1;
	inet_store(&s->state, INET_CONNECTED);
	inet_notify(s, OUT_EV);
	return ERR_OK;
}

static void keepalive_apply(struct inet_sock *s, struct tcp_pcb *pcb)
{
	pcb->keep_idle = (u32_t)s->keepidle * 1000;
	pcb->keep_intvl = (u32_t)s->keepintvl * 1000;
	pcb->keep_cnt = (u32_t)s->keepcnt;
}

/* pcb becomes the socket's, with the options the socket keeps. */
static void attach(struct inet_sock *s, struct tcp_pcb *pcb)
{
	s->pcb.tcp = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, recv_cb);
	tcp_sent(pcb, sent_cb);
	tcp_err(pcb, err_cb);
	inet_ip_opts_apply(s);
	keepalive_apply(s, pcb);
	if (s->nodelay)
		tcp_nagle_disable(pcb);
}

static err_t accept_cb(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct inet_sock *s = arg, *e;

	if (!s || err != ERR_OK || !newpcb)
		return ERR_VAL;
	e = inet_sock_alloc(s->family, SOCK_STREAM);
	if (!e)
		return ERR_MEM;		/* lwIP resets the connection */
	e->state = INET_CONNECTED;
	e->connect_told = 1;
	e->had_conn = 1;
	e->v6only = s->v6only;
	e->so_flags = s->so_flags;
	e->ttl = s->ttl;
	e->tos = s->tos;
	e->rcvbuf = s->rcvbuf;
	e->sndbuf = s->sndbuf;
	e->linger_on = s->linger_on;
	e->linger_s = s->linger_s;
	e->nodelay = s->nodelay;
	e->keepidle = s->keepidle;
	e->keepintvl = s->keepintvl;
	e->keepcnt = s->keepcnt;
	e->user_mss = s->user_mss;
	/* Linux's child copies the listener's shutdown flags, which a
	 * shutdown() before listen() left (ENOTCONN, but they take). */
	e->shut = s->shut;
	attach(e, newpcb);
	name_keep(e, newpcb);
	mss_keep(e, newpcb);
	room_update(e);
	/* It counts against the backlog until accept() takes it. */
	tcp_backlog_delayed(newpcb);
	if (s->acc_tail)
		s->acc_tail->acc_next = e;
	else
		s->acc_head = e;
	s->acc_tail = e;
	s->acc_count++;
	inet_notify(s, IN_EV);
	return ERR_OK;
}

/* --- socket calls (core lock held) ------------------------------------ */

int inet_tcp_create(struct inet_sock *s)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(inet_ip_type(s));

	if (!pcb)
		return -ENOMEM;
	if (watch_id == 0xff)
		watch_id = tcp_ext_arg_alloc_id();
	attach(s, pcb);
	room_update(s);
	return 0;
}

void inet_tcp_settle(struct inet_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;

	if (pcb && pcb->state == TIME_WAIT)
		finished(s, pcb);
}

/* Binds a new pcb to the port the app bound the socket to: Linux's
 * socket holds that port past its connection, so lwIP's own pcbs on it
 * (accepted connections, ours in TIME_WAIT) are no conflict. */
static void rebind(struct inet_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;

	s->bind_forced = 0;
	if (!s->bind_port ||
	    tcp_bind(pcb, &s->bind_ip, s->bind_port) != ERR_USE)
		return;
	if (s->bind_addr || IP_GET_TYPE(&s->bind_ip) !=
	    IP_GET_TYPE(&pcb->local_ip))
		ip_addr_set(&pcb->local_ip, &s->bind_ip);
	pcb->local_port = s->bind_port;
	TCP_REG(&tcp_bound_pcbs, pcb);
	s->bind_forced = 1;
}

/* Linux's listen() checks the port again: connections on it (those the
 * socket accepted, TIME_WAIT) are then a conflict. 0 or -EADDRINUSE. */
static int rebind_check(struct inet_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;

	if (!s->bind_forced)
		return 0;
	TCP_RMV(&tcp_bound_pcbs, pcb);
	pcb->local_port = 0;
	rebind(s);
	return s->bind_forced ? -EADDRINUSE : 0;
}

/* A new pcb for the socket, bound where the app bound it. */
static int pcb_new(struct inet_sock *s)
{
	int rc = inet_tcp_create(s);

	if (!rc)
		rebind(s);
	return rc;
}

/* A fresh pcb for a socket whose connection ended (it may connect
 * again, as on Linux). The shutdown flags stay, as Linux's: only a
 * disconnect clears them. */
static int renew(struct inet_sock *s)
{
	if (s->pcb.tcp)
		return 0;
	s->state = INET_UNCONN;
	s->peer_fin = 0;
	s->name_port = 0;
	return pcb_new(s);
}

static int is_any(const ip_addr_t *ip)
{
	return ip_addr_isany(ip) || IP_IS_ANY_TYPE_VAL(*ip);
}

int inet_tcp_bind(struct inet_sock *s, const ip_addr_t *ip, u16_t port)
{
	int rc;

	/* Linux: a port the app chose stays the socket's. */
	if (s->bind_port)
		return -EINVAL;
	rc = renew(s);
	if (rc)
		return rc;
	if (s->state != INET_UNCONN || s->pcb.tcp->local_port)
		return -EINVAL;
	rc = inet_err(tcp_bind(s->pcb.tcp, ip, port));
	if (rc)
		return rc;
	s->bind_ip = *ip;
	s->bind_port = port;
	s->bind_addr = !is_any(ip);
	return 0;
}

/* The local address of a socket with no connection: "any", or the
 * one the app bound it to. */
static void any_addr(const struct inet_sock *s, ip_addr_t *ip)
{
	u8_t type = inet_ip_type(s);

	if (s->bind_addr)
		*ip = s->bind_ip;
	else if (type == IPADDR_TYPE_ANY)
		*ip = *IP_ANY_TYPE;
	else
		ip_addr_set_any(type == IPADDR_TYPE_V6, ip);
}

int inet_tcp_listen(struct inet_sock *s, int backlog)
{
	struct tcp_pcb *lpcb;
	ip_addr_t any;
	err_t err;
	int rc, max;

	/* Linux caps it at somaxconn (4096), a negative one too. */
	max = (unsigned int)backlog > 4096 ? 4096 : backlog;
	/* Linux lets backlog + 1 connections wait; lwIP counts in a byte. */
	backlog = max + 1 > 255 ? 255 : max + 1;
	if (s->state == INET_LISTEN) {
		tcp_backlog_set(s->pcb.tcp, (u8_t)backlog);
		s->backlog = max;
		return 0;
	}
	/* Linux: a socket that had a connection stays SS_CONNECTED. */
	if (s->state != INET_UNCONN || s->had_conn)
		return -EINVAL;
	rc = renew(s);
	if (!rc)
		rc = rebind_check(s);
	if (rc)
		return rc;
	if (!s->pcb.tcp->local_port) {
		any_addr(s, &any);
		rc = inet_err(tcp_bind(s->pcb.tcp, &any, 0));
		if (rc)
			return rc;
	}
	lpcb = tcp_listen_with_backlog_and_err(s->pcb.tcp, (u8_t)backlog,
					       &err);
	if (!lpcb)
		return inet_err(err);
	/* lwIP freed the old pcb for the listening one. */
	s->pcb.tcp = lpcb;
	tcp_arg(lpcb, s);
	tcp_accept(lpcb, accept_cb);
	s->backlog = max;
	inet_store(&s->state, INET_LISTEN);
	return 0;
}

int inet_tcp_accept(struct inet_sock *s, struct posix_socket_file *newsock,
		    struct sockaddr *addr, socklen_t *addrlen)
{
	struct inet_sock *e;

	if (s->state != INET_LISTEN)
		return -EINVAL;
	e = s->acc_head;
	if (!e)
		return -EAGAIN;
	s->acc_head = e->acc_next;
	if (!s->acc_head)
		s->acc_tail = NULL;
	s->acc_count--;
	e->acc_next = NULL;
	if (e->pcb.tcp) {
		tcp_backlog_accepted(e->pcb.tcp);
		inet_addr_out(e, &e->pcb.tcp->remote_ip,
			      e->pcb.tcp->remote_port, addr, addrlen);
	} else {
		inet_addr_out(e, NULL, 0, addr, addrlen);
	}
	e->psf = newsock;
	newsock->sock_data = e;
	return 0;
}

int inet_tcp_connect(struct inet_sock *s, const ip_addr_t *ip, u16_t port)
{
	ip_addr_t dst = *ip;
	int rc;

	switch (s->state) {
	case INET_UNCONN:
		/* Bound again after its connection: still SS_CONNECTED. */
		if (s->had_conn)
			return -EISCONN;
		break;
	case INET_CONNECTING:
		return -EALREADY;
	case INET_CONNECTED:
		if (s->connect_told)
			return -EISCONN;
		s->connect_told = 1;
		return 0;
	case INET_LISTEN:
		return -EISCONN;
	case INET_CLOSED:
		if (s->had_conn && s->connect_told)
			return -EISCONN;
		if (!s->connect_told) {
			/* The attempt failed: report it once. Linux's
			 * connect() then disconnects, which forgets the
			 * local address but not the port. */
			s->connect_told = 1;
			any_addr(s, &s->name_ip);
			s->shut = 0;
			rc = s->err ? -s->err : -ECONNABORTED;
			s->err = 0;
			return rc;
		}
		break;
	}
	rc = renew(s);
	if (rc)
		return rc;
	if (!port)
		return -ECONNREFUSED;
	/* As Linux: connecting to "any" reaches this host. */
	if (IP_IS_ANY_TYPE_VAL(dst) || (IP_IS_V6(&dst) &&
					 ip_addr_isany(&dst)))
		IP_ADDR6_HOST(&dst, 0, 0, 0, 1);
	else if (ip_addr_isany(&dst))
		ip_addr_set_loopback(0, &dst);
	/* An address the app bound to with no port: a new port on it. */
	if (s->bind_addr && !s->pcb.tcp->local_port) {
		rc = inet_err(tcp_bind(s->pcb.tcp, &s->bind_ip, 0));
		if (rc)
			return rc;
	}
	rc = inet_err(tcp_connect(s->pcb.tcp, &dst, port, connected_cb));
	if (rc)
		return rc;
	/* Kept if the attempt fails (getsockname, as Linux). */
	name_keep(s, s->pcb.tcp);
	s->connect_told = 0;
	s->err = 0;
	inet_store(&s->state, INET_CONNECTING);
	return -EINPROGRESS;
}

/* Reopens the window for n bytes the app took. */
static void window_open(struct inet_sock *s, __sz n)
{
	u16_t part;

	if (!s->pcb.tcp)
		return;
	while (n) {
		part = n > 0xffff ? 0xffff : (u16_t)n;
		tcp_recved(s->pcb.tcp, part);
		n -= part;
	}
}

/* Drops the first n queued bytes. */
static void rq_consume(struct inet_sock *s, __sz n)
{
	struct pbuf *p;
	__sz left;

	__atomic_sub_fetch(&s->rq_bytes, n, __ATOMIC_RELEASE);
	while (n && (p = s->rq_head)) {
		left = p->len - s->rq_off;
		if (n < left) {
			s->rq_off = (u16_t)(s->rq_off + n);
			break;
		}
		n -= left;
		s->rq_off = 0;
		s->rq_head = p->next;
		if (!s->rq_head)
			s->rq_tail = NULL;
		p->next = NULL;
		pbuf_free(p);
	}
}

ssize_t inet_tcp_recvmsg(struct inet_sock *s, struct msghdr *msg,
			 int flags)
{
	__sz total = uk_iov_total(msg->msg_iov, (int)msg->msg_iovlen);
	__sz done = 0, want, got, off = s->rq_off;
	struct pbuf *p = s->rq_head;
	int e;

	if (msg->msg_name)
		msg->msg_namelen = 0;
	if (!p) {
		if (s->err) {
			e = s->err;
			s->err = 0;
			return -e;
		}
		if (s->peer_fin || (s->shut & INET_RCV_SHUT) ||
		    s->state == INET_CLOSED)
			return 0;
		if (s->state == INET_UNCONN || s->state == INET_LISTEN)
			return -ENOTCONN;
		return total ? -EAGAIN : 0;
	}
	while (p && done < total) {
		want = p->len - off;
		if (want > total - done)
			want = total - done;
		got = want;
		if (!(flags & MSG_TRUNC))
			got = uk_iov_copy_to(msg->msg_iov,
					     (int)msg->msg_iovlen, done,
					     (char *)p->payload + off, want);
		done += got;
		if (got < want)
			break;
		off = 0;
		p = p->next;
	}
	if (!done && total)
		return -EFAULT;
	if (!(flags & MSG_PEEK)) {
		rq_consume(s, done);
		window_open(s, done);
	}
	return (ssize_t)done;
}

ssize_t inet_tcp_sendmsg(struct inet_sock *s, const struct msghdr *msg,
			 int flags)
{
	__sz total = uk_iov_total(msg->msg_iov, (int)msg->msg_iovlen);
	__sz done = 0, want, got;
	char buf[SEND_CHUNK];
	struct tcp_pcb *pcb = s->pcb.tcp;
	u8_t wflags;
	err_t err;
	int e;

	if (s->err) {
		e = s->err;
		s->err = 0;
		return -e;
	}
	if (s->state == INET_CONNECTING)
		return -EAGAIN;
	/* Linux: EPIPE also when there never was a connection. */
	if ((s->shut & INET_SEND_SHUT) || s->state != INET_CONNECTED || !pcb)
		return -EPIPE;
	if (!total)
		return 0;
	while (done < total) {
		want = total - done;
		if (want > SEND_CHUNK)
			want = SEND_CHUNK;
		if (want > send_room(pcb))
			want = send_room(pcb);
		if (!want)
			break;
		got = uk_iov_copy_from(buf, msg->msg_iov,
				       (int)msg->msg_iovlen, done, want);
		if (!got)
			break;
		wflags = TCP_WRITE_FLAG_COPY;
		if (done + got < total || (flags & MSG_MORE))
			wflags |= TCP_WRITE_FLAG_MORE;
		err = tcp_write(pcb, buf, (u16_t)got, wflags);
		if (err != ERR_OK)
			break;
		done += got;
		if (got < want)
			break;		/* a fault */
	}
	if (done && !(flags & MSG_MORE) && !s->cork)
		tcp_output(pcb);
	room_update(s);
	if (done)
		return (ssize_t)done;
	return send_room(pcb) ? -EFAULT : -EAGAIN;
}

int inet_tcp_shutdown(struct inet_sock *s, int how)
{
	int mode = how + 1, unconn;

	/* Linux: SHUT_RD stops a listener (a disconnect); SHUT_WR does
	 * nothing to it. */
	if (s->state == INET_LISTEN)
		return mode & INET_RCV_SHUT ? inet_tcp_disconnect(s) : 0;
	/* Linux: with no connection (none yet, or one that is over) it is
	 * ENOTCONN, but the flags take, also for the next connection. */
	unconn = s->state == INET_CLOSED || s->state == INET_UNCONN;
	inet_store(&s->shut, s->shut | mode);
	if ((mode & INET_SEND_SHUT) && s->pcb.tcp &&
	    (s->state == INET_CONNECTED || s->state == INET_CONNECTING))
		tcp_shutdown(s->pcb.tcp, 0, 1);
	room_update(s);
	inet_notify(s, IN_EV | OUT_EV | UK_POLLHUP | UK_POLLRDHUP);
	return unconn ? -ENOTCONN : 0;
}

static void embryos_free(struct inet_sock *s)
{
	struct inet_sock *e;

	while ((e = s->acc_head)) {
		s->acc_head = e->acc_next;
		if (e->pcb.tcp) {
			detach(e->pcb.tcp);
			tcp_abort(e->pcb.tcp);
		}
		inet_sock_free(e);
	}
	s->acc_tail = NULL;
	s->acc_count = 0;
}

void inet_tcp_close(struct inet_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;
	int reset = (s->linger_on && !s->linger_s) || s->rq_bytes;

	embryos_free(s);
	if (pcb) {
		detach(pcb);
		if (pcb->state == LISTEN)
			tcp_close(pcb);
		else if (reset || tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
		s->pcb.tcp = NULL;
	}
	inet_sock_free(s);
}

unsigned int inet_tcp_poll(struct inet_sock *s)
{
	int state = inet_load(&s->state), shut = inet_load(&s->shut);
	int fin = inet_load(&s->peer_fin);
	unsigned int ev = 0;

	if (state == INET_LISTEN)
		return __atomic_load_n(&s->acc_head, __ATOMIC_ACQUIRE) ?
		       IN_EV : 0;
	if (state == INET_UNCONN)
		return OUT_EV | UK_POLLHUP |
		       (shut & INET_RCV_SHUT ? IN_EV | UK_POLLRDHUP : 0);
	if (inet_load(&s->err))
		ev |= UK_POLLERR;
	if (state == INET_CLOSED ||
	    (shut & (INET_RCV_SHUT | INET_SEND_SHUT)) ==
	    (INET_RCV_SHUT | INET_SEND_SHUT) ||
	    (fin && (shut & INET_SEND_SHUT)))
		ev |= UK_POLLHUP;
	if (fin || (shut & INET_RCV_SHUT) || state == INET_CLOSED)
		ev |= IN_EV | UK_POLLRDHUP;
	if (__atomic_load_n(&s->rq_bytes, __ATOMIC_ACQUIRE))
		ev |= IN_EV;
	if (state == INET_CONNECTING)
		return ev;
	if (state == INET_CLOSED || (shut & INET_SEND_SHUT) ||
	    __atomic_load_n(&s->sndavail, __ATOMIC_ACQUIRE) >= SEND_WAKE)
		ev |= OUT_EV;
	return ev;
}

int inet_tcp_getopt(struct inet_sock *s, int optname, int *v)
{
	struct tcp_pcb *pcb = s->state == INET_LISTEN ? NULL : s->pcb.tcp;

	switch (optname) {
	case TCP_NODELAY:
		*v = s->nodelay;
		return 0;
	case TCP_MAXSEG:
		/* Linux: the connection's MSS, also once it is over;
		 * the app's while there is none. */
		if (pcb && s->state == INET_CONNECTED)
			*v = tcp_mss(pcb);
		else if (s->user_mss && s->state != INET_CONNECTING)
			*v = s->user_mss;
		else
			*v = s->mss;
		return 0;
	case TCP_KEEPIDLE:
		*v = s->keepidle;
		return 0;
	case TCP_KEEPINTVL:
		*v = s->keepintvl;
		return 0;
	case TCP_KEEPCNT:
		*v = s->keepcnt;
		return 0;
	case TCP_CORK:
		*v = s->cork;
		return 0;
	case TCP_DEFER_ACCEPT:
		*v = s->defer_accept;
		return 0;
	case TCP_USER_TIMEOUT:
		*v = s->user_timeout;
		return 0;
	case TCP_QUICKACK:
		*v = s->quickack;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int inet_tcp_setopt(struct inet_sock *s, int optname, int v)
{
	struct tcp_pcb *pcb = s->state == INET_LISTEN ? NULL : s->pcb.tcp;

	switch (optname) {
	case TCP_NODELAY:
		s->nodelay = !!v;
		if (pcb && v)
			tcp_nagle_disable(pcb);
		else if (pcb)
			tcp_nagle_enable(pcb);
		if (pcb && v)
			tcp_output(pcb);
		return 0;
	case TCP_MAXSEG:
		if (v < 88 || v > 32767)
			return -EINVAL;
		s->user_mss = v;
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		if (v < 1 || v > (optname == TCP_KEEPCNT ? 127 : 32767))
			return -EINVAL;
		if (optname == TCP_KEEPIDLE)
			s->keepidle = v;
		else if (optname == TCP_KEEPINTVL)
			s->keepintvl = v;
		else
			s->keepcnt = v;
		if (pcb)
			keepalive_apply(s, pcb);
		return 0;
	case TCP_CORK:
		s->cork = !!v;
		if (!v && pcb && s->state == INET_CONNECTED)
			tcp_output(pcb);
		return 0;
	case TCP_DEFER_ACCEPT:
		s->defer_accept = v < 0 ? 0 : v;
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		s->user_timeout = v;
		return 0;
	case TCP_QUICKACK:
		s->quickack = !!v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/* Linux's tcpi_state of an lwIP state. */
static u8_t info_state(const struct tcp_pcb *pcb)
{
	static const u8_t linux_state[] = {
		[CLOSED] = TCP_CLOSE,		[LISTEN] = TCP_LISTEN,
		[SYN_SENT] = TCP_SYN_SENT,	[SYN_RCVD] = TCP_SYN_RECV,
		[ESTABLISHED] = TCP_ESTABLISHED,
		[FIN_WAIT_1] = TCP_FIN_WAIT1,	[FIN_WAIT_2] = TCP_FIN_WAIT2,
		[CLOSE_WAIT] = TCP_CLOSE_WAIT,	[CLOSING] = TCP_CLOSING,
		[LAST_ACK] = TCP_LAST_ACK,	[TIME_WAIT] = TCP_TIME_WAIT,
	};

	if (!pcb || (unsigned int)pcb->state >= sizeof(linux_state))
		return TCP_CLOSE;
	return linux_state[pcb->state];
}

void inet_tcp_info(struct inet_sock *s, struct tcp_info *ti)
{
	struct tcp_pcb *pcb = s->pcb.tcp;
	u32_t mss;

	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = info_state(pcb);
	if (s->state == INET_LISTEN) {
		/* Linux's listener: the queue and its bound here. */
		ti->tcpi_unacked = (u32_t)s->acc_count;
		ti->tcpi_sacked = (u32_t)s->backlog;
		return;
	}
	ti->tcpi_snd_mss = s->mss;
	ti->tcpi_rcv_mss = s->mss;
	/* Linux's TCP_TIMEOUT_INIT (1 s), which it reports with no
	 * connection; lwIP's first SYN waits 3 s (tcp_alloc). */
	if (s->state == INET_UNCONN)
		ti->tcpi_rto = 1000000;
	if (!pcb || s->state == INET_UNCONN)
		return;
	mss = tcp_mss(pcb) ? tcp_mss(pcb) : 1;
	/* lwIP counts time in TCP_SLOW_INTERVAL ticks, Linux in us. */
	ti->tcpi_rto = (u32_t)pcb->rto * TCP_SLOW_INTERVAL * 1000;
	ti->tcpi_rtt = (u32_t)(pcb->sa >> 3) * TCP_SLOW_INTERVAL * 1000;
	ti->tcpi_rttvar = (u32_t)(pcb->sv >> 2) * TCP_SLOW_INTERVAL * 1000;
	ti->tcpi_retransmits = pcb->nrtx;
	if (s->state != INET_CONNECTED && s->state != INET_CONNECTING)
		return;
	ti->tcpi_snd_mss = tcp_mss(pcb);
	ti->tcpi_rcv_mss = tcp_mss(pcb);
	ti->tcpi_snd_cwnd = pcb->cwnd / mss;
	ti->tcpi_snd_ssthresh = pcb->ssthresh / mss;
}

int inet_tcp_disconnect(struct inet_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;

	/* Not connected: an explicit bind stays, as on Linux; the
	 * shutdown flags go. */
	if (s->state == INET_UNCONN && !s->had_conn && pcb) {
		inet_store(&s->shut, 0);
		return 0;
	}
	/* Linux's tcp_disconnect: a reset for a connection, or one
	 * being made, which SO_ERROR then reports. */
	s->err = 0;
	if (s->state == INET_CONNECTED || s->state == INET_CONNECTING)
		s->err = ECONNRESET;
	embryos_free(s);
	if (pcb) {
		detach(pcb);
		if (pcb->state == LISTEN)
			tcp_close(pcb);
		else
			tcp_abort(pcb);
		s->pcb.tcp = NULL;
	}
	/* The port stays in the name (Linux keeps inet_sport), and so
	 * does an address the app bound to. */
	any_addr(s, &s->name_ip);
	rq_consume(s, s->rq_bytes);
	s->had_conn = 0;
	s->connect_told = 1;
	s->peer_fin = 0;
	s->shut = 0;
	inet_store(&s->state, INET_UNCONN);
	return pcb_new(s);
}

int inet_tcp_outq(struct inet_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;
	int n;

	if (!pcb || pcb->state < ESTABLISHED || s->state == INET_UNCONN)
		return 0;
	n = (int)(TCP_SND_BUF - pcb->snd_buf);
	/* Our FIN (queued or sent) waits for its ACK. */
	if (pcb->state == FIN_WAIT_1 || pcb->state == CLOSING ||
	    pcb->state == LAST_ACK)
		n++;
	return n;
}
