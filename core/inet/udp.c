/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP sockets on lwIP's raw API: datagrams queue with their source until
 * read (up to SO_RCVBUF bytes, then arrivals are dropped as on Linux); a
 * read takes one whole datagram, cut to the buffer with MSG_TRUNC set.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/file.h>

#include "inet_impl.h"

/* The largest payload of one datagram. */
#define UDP_MAX4	65507
#define UDP_MAX6	65527

static void recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		    const ip_addr_t *addr, u16_t port)
{
	struct inet_sock *s = arg;
	struct inet_dgram *d;

	if (!s || (s->shut & INET_RCV_SHUT) ||
	    s->rq_bytes + p->tot_len > (__sz)s->rcvbuf) {
		pbuf_free(p);
		return;
	}
	d = uk_malloc(uk_alloc_get_default(), sizeof(*d));
	if (!d) {
		pbuf_free(p);
		return;
	}
	d->next = NULL;
	d->p = p;
	ip_addr_copy(d->addr, *addr);
	d->port = port;
	if (s->dq_tail)
		s->dq_tail->next = d;
	else
		s->dq_head = d;
	s->dq_tail = d;
	__atomic_add_fetch(&s->rq_bytes, p->tot_len, __ATOMIC_RELEASE);
	inet_notify(s, IN_EV);
}

int inet_udp_create(struct inet_sock *s)
{
	s->pcb.udp = udp_new_ip_type(inet_ip_type(s));
	if (!s->pcb.udp)
		return -ENOMEM;
	inet_ip_opts_apply(s);
	udp_recv(s->pcb.udp, recv_cb, s);
	return 0;
}

int inet_udp_bind(struct inet_sock *s, const ip_addr_t *ip, u16_t port)
{
	if (s->pcb.udp->local_port)
		return -EINVAL;
	return inet_err(udp_bind(s->pcb.udp, ip, port));
}

int inet_udp_connect(struct inet_sock *s, const struct sockaddr *sa,
		     socklen_t len)
{
	ip_addr_t ip;
	u16_t port;
	int rc;

	if (sa && len >= sizeof(sa_family_t) && sa->sa_family == AF_UNSPEC) {
		udp_disconnect(s->pcb.udp);
		inet_store(&s->state, INET_UNCONN);
		return 0;
	}
	rc = inet_addr_in(s, sa, len, &ip, &port);
	if (rc)
		return rc;
	if (IP_IS_ANY_TYPE_VAL(ip) || (IP_IS_V6(&ip) && ip_addr_isany(&ip)))
		IP_ADDR6_HOST(&ip, 0, 0, 0, 1);
	else if (ip_addr_isany(&ip))
		ip_addr_set_loopback(0, &ip);
	rc = inet_err(udp_connect(s->pcb.udp, &ip, port));
	if (!rc)
		inet_store(&s->state, INET_CONNECTED);
	return rc;
}

ssize_t inet_udp_sendmsg(struct inet_sock *s, const struct msghdr *msg,
			 int flags)
{
	__sz total = uk_iov_total(msg->msg_iov, (int)msg->msg_iovlen);
	struct pbuf *p;
	ip_addr_t ip;
	u16_t port;
	err_t err;
	int rc;

	if (s->shut & INET_SEND_SHUT)
		return -EPIPE;
	if (msg->msg_name && msg->msg_namelen) {
		rc = inet_addr_in(s, msg->msg_name, msg->msg_namelen, &ip,
				  &port);
		if (rc)
			return rc;
		if (!port)
			return -EINVAL;
	} else if (s->state != INET_CONNECTED) {
		return -EDESTADDRREQ;
	}
	if (total > (s->family == AF_INET ? UDP_MAX4 : UDP_MAX6))
		return -EMSGSIZE;
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)total, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	if (uk_iov_copy_from(p->payload, msg->msg_iov, (int)msg->msg_iovlen,
			     0, total) < total) {
		pbuf_free(p);
		return -EFAULT;
	}
	if (msg->msg_name && msg->msg_namelen)
		err = udp_sendto(s->pcb.udp, p, &ip, port);
	else
		err = udp_send(s->pcb.udp, p);
	pbuf_free(p);
	if (err == ERR_MEM || err == ERR_BUF)
		return -ENOBUFS;
	return err == ERR_OK ? (ssize_t)total : inet_err(err);
}

ssize_t inet_udp_recvmsg(struct inet_sock *s, struct msghdr *msg,
			 int flags)
{
	__sz total = uk_iov_total(msg->msg_iov, (int)msg->msg_iovlen);
	struct inet_dgram *d = s->dq_head;
	__sz len, done = 0, want, got;
	struct pbuf *q;
	int e;

	if (!d) {
		if (s->err) {
			e = s->err;
			s->err = 0;
			return -e;
		}
		return (s->shut & INET_RCV_SHUT) ? 0 : -EAGAIN;
	}
	len = d->p->tot_len;
	for (q = d->p; q && done < total; q = q->next) {
		want = q->len < total - done ? q->len : total - done;
		got = uk_iov_copy_to(msg->msg_iov, (int)msg->msg_iovlen, done,
				     q->payload, want);
		done += got;
		if (got < want)
			return -EFAULT;
	}
	if (done < len)
		msg->msg_flags |= MSG_TRUNC;
	if (msg->msg_name)
		inet_addr_out(s, &d->addr, d->port, msg->msg_name,
			      &msg->msg_namelen);
	if (!(flags & MSG_PEEK)) {
		s->dq_head = d->next;
		if (!s->dq_head)
			s->dq_tail = NULL;
		__atomic_sub_fetch(&s->rq_bytes, len, __ATOMIC_RELEASE);
		pbuf_free(d->p);
		uk_free(uk_alloc_get_default(), d);
	}
	return (ssize_t)((flags & MSG_TRUNC) ? len : done);
}

void inet_udp_close(struct inet_sock *s)
{
	if (s->pcb.udp) {
		udp_recv(s->pcb.udp, NULL, NULL);
		udp_remove(s->pcb.udp);
		s->pcb.udp = NULL;
	}
	inet_sock_free(s);
}

unsigned int inet_udp_poll(struct inet_sock *s)
{
	unsigned int ev = 0;
	int shut = inet_load(&s->shut);

	if (__atomic_load_n(&s->dq_head, __ATOMIC_ACQUIRE))
		ev |= IN_EV;
	if (inet_load(&s->err))
		ev |= UK_POLLERR;
	if (shut & INET_RCV_SHUT)
		ev |= IN_EV | UK_POLLRDHUP;
	if (shut == (INET_RCV_SHUT | INET_SEND_SHUT))
		ev |= UK_POLLHUP;
	return ev | OUT_EV;
}
