/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_UNIX datagrams (SOCK_DGRAM), and the record receive that
 * SOCK_SEQPACKET shares. A datagram is one chunk in the receiver's queue
 * with the sender's name. As on Linux, a receiver holds at most
 * net.unix.max_dgram_qlen + 1 datagrams from senders it is not connected
 * to; a sender blocked there waits on the receiver's list of waiters.
 * Every sender is also bounded by its send buffer (bytes charged as
 * Linux's skb sizes).
 */
#include <errno.h>
#include <string.h>
#include "unix_impl.h"

#define IN_EV	(UK_POLLIN | UK_POLLRDNORM)
#define OUT_EV	(UK_POLLOUT | UK_POLLWRNORM)

static void dgram_set_peer(struct unix_sock *u, struct unix_sock *t)
{
	struct unix_sock *old;
	unsigned long fl;

	uk_mutex_lock(&u->lock);
	uk_spin_lock_irqsave(&unix_glock, fl);
	old = u->peer;
	u->peer = t;
	uk_list_del(&u->wait_link);
	unix_store(&u->room_wait, 0);
	uk_spin_unlock_irqrestore(&unix_glock, fl);
	unix_store(&u->state, t ? UNIX_CONNECTED : UNIX_UNCONN);
	if (t)
		unix_set_creds(&u->peercred);
	uk_mutex_unlock(&u->lock);
	unix_sock_put(old);
	unix_notify(u, OUT_EV);
}

int unix_dgram_connect(struct unix_sock *u, const struct sockaddr *addr,
		       socklen_t len)
{
	struct unix_sock *t;
	struct unix_name n;
	int rc = 0;

	if (addr && len >= sizeof(sa_family_t) &&
	    addr->sa_family == AF_UNSPEC) {
		dgram_set_peer(u, NULL);
		return 0;
	}
	rc = unix_name_check(addr, len, &n);
	if (!rc)
		rc = unix_autobind_passcred(u);
	if (rc)
		return rc;
	t = unix_find(&n, SOCK_DGRAM);
	if (PTRISERR(t))
		return PTR2ERR(t);
	uk_mutex_lock(&t->lock);
	if (t->state == UNIX_CLOSED)
		rc = -ECONNREFUSED;
	else if (t->peer && t->peer != u)
		rc = -EPERM;
	uk_mutex_unlock(&t->lock);
	if (rc) {
		unix_sock_put(t);
		return rc;
	}
	dgram_set_peer(u, t);
	return 0;
}

/* Our connected peer t is closed: forget it (Linux reports ECONNREFUSED
 * once, then ENOTCONN). */
static void dgram_peer_dead(struct unix_sock *u, struct unix_sock *t)
{
	struct unix_sock *old = NULL;
	unsigned long fl;

	uk_mutex_lock(&u->lock);
	if (u->peer == t) {
		uk_spin_lock_irqsave(&unix_glock, fl);
		old = u->peer;
		u->peer = NULL;
		uk_spin_unlock_irqrestore(&unix_glock, fl);
		unix_store(&u->state, UNIX_UNCONN);
	}
	uk_mutex_unlock(&u->lock);
	unix_sock_put(old);
}

/* The destination of a send: the named socket or the connected peer,
 * with a reference. */
static struct unix_sock *dgram_target(struct unix_sock *u,
				      const struct msghdr *msg,
				      int *connected)
{
	struct unix_sock *t;
	struct unix_name n;
	int rc;

	*connected = 0;
	if (msg->msg_name && msg->msg_namelen) {
		rc = unix_name_check(msg->msg_name, msg->msg_namelen, &n);
		if (rc)
			return ERR2PTR(rc);
		return unix_find(&n, SOCK_DGRAM);
	}
	uk_mutex_lock(&u->lock);
	t = u->peer;
	if (t)
		unix_sock_get(t);
	uk_mutex_unlock(&u->lock);
	*connected = 1;
	return t ? t : ERR2PTR(-ENOTCONN);
}

ssize_t unix_dgram_sendmsg(struct unix_sock *u, const struct msghdr *msg,
			   int flags __maybe_unused)
{
	__sz total = uk_iov_total(msg->msg_iov, msg->msg_iovlen);
	struct unix_rights *rights;
	struct unix_sock *t;
	struct ucred cred;
	int connected, dead = 0;
	long buf;
	ssize_t rc;

	rc = unix_scm_parse(msg, &rights, &cred);
	if (rc)
		return rc;
	unix_unwait(u);
	rc = unix_autobind_passcred(u);
	if (rc)
		goto out;
	t = dgram_target(u, msg, &connected);
	if (PTRISERR(t)) {
		rc = PTR2ERR(t);
		goto out;
	}
	buf = unix_load(&u->sndbuf);
	if ((long)total > buf - 32) {
		rc = -EMSGSIZE;
		goto out_t;
	}
	if (unix_load(&u->shut) & UNIX_SEND_SHUT) {
		rc = -EPIPE;
		goto out_t;
	}
	if ((long)__atomic_load_n(&u->wmem, __ATOMIC_ACQUIRE) >= buf) {
		rc = -EAGAIN;
		goto out_t;
	}
	uk_mutex_lock(&t->lock);
	if (t->state == UNIX_CLOSED) {
		rc = -ECONNREFUSED;
		dead = connected;
	} else if (t->peer && t->peer != u) {
		rc = -EPERM;
	} else if (t->shut & UNIX_RCV_SHUT) {
		rc = -EPIPE;
	} else if (t->peer != u && (int)t->qlen > UNIX_DGRAM_QLEN) {
		unix_wait_room(u, t);
		rc = -EAGAIN;
	} else {
		rc = unix_record_queue(t, u, msg, total, &rights, &cred, 1);
	}
	uk_mutex_unlock(&t->lock);
	if (rc >= 0)
		unix_notify(t, IN_EV);
	if (dead)
		dgram_peer_dead(u, t);
out_t:
	unix_sock_put(t);
out:
	unix_rights_put(rights);
	return rc;
}

ssize_t unix_dgram_recvmsg(struct unix_sock *u, struct msghdr *msg,
			   int flags)
{
	__sz total = uk_iov_total(msg->msg_iov, msg->msg_iovlen), n;
	struct unix_chunk *c;
	ssize_t rc;

	uk_mutex_lock(&u->lock);
	c = u->head;
	if (!c) {
		if (u->err)
			rc = -__atomic_exchange_n(&u->err, 0,
						  __ATOMIC_ACQ_REL);
		else if (u->shut & UNIX_RCV_SHUT)
			rc = 0;
		else
			rc = -EAGAIN;
		if (!rc) {
			msg->msg_controllen = 0;
			if (msg->msg_name)
				msg->msg_namelen = 0;
		}
		uk_mutex_unlock(&u->lock);
		return rc;
	}
	n = MIN((__sz)c->len, total);
	if (uk_iov_copy_to(msg->msg_iov, msg->msg_iovlen, 0, c->data, n) <
	    n) {
		uk_mutex_unlock(&u->lock);
		return -EFAULT;
	}
	if (c->len > total)
		msg->msg_flags |= MSG_TRUNC;
	if (msg->msg_name) {
		msg->msg_namelen = c->from.len;
		memcpy(msg->msg_name, c->from.raw, c->from.len);
	}
	unix_scm_recv(u, msg, c, flags);
	rc = (flags & MSG_TRUNC) ? (ssize_t)c->len : (ssize_t)n;
	if (!(flags & MSG_PEEK)) {
		unix_queue_pop(u);
		u->qbytes -= c->len;
		unix_chunk_free(u, c);
	}
	uk_mutex_unlock(&u->lock);
	if (!(flags & MSG_PEEK))
		unix_wake_room(u);
	return rc;
}

unsigned int unix_dgram_poll(struct unix_sock *u)
{
	int shut = unix_load(&u->shut);
	unsigned int ev = 0;
	struct unix_sock *p;
	unsigned long fl;
	long wmem;

	if (unix_load(&u->err))
		ev |= UK_POLLERR;
	if (shut & UNIX_RCV_SHUT)
		ev |= UK_POLLRDHUP | IN_EV;
	if (shut == UNIX_SHUT_MASK)
		ev |= UK_POLLHUP;
	if (__atomic_load_n(&u->qlen, __ATOMIC_ACQUIRE))
		ev |= IN_EV;
	if (unix_load(&u->room_wait))
		return ev;
	wmem = (long)__atomic_load_n(&u->wmem, __ATOMIC_ACQUIRE);
	if ((wmem << 2) > unix_load(&u->sndbuf))
		return ev;
	/* A peer with a full queue: wait on it, as Linux's poll does. */
	uk_spin_lock_irqsave(&unix_glock, fl);
	p = u->peer;
	if (p && p->peer != u &&
	    (int)__atomic_load_n(&p->qlen, __ATOMIC_ACQUIRE) >
	    UNIX_DGRAM_QLEN) {
		uk_list_del(&u->wait_link);
		uk_list_add_tail(&u->wait_link, &p->waiters);
		unix_store(&u->room_wait, 1);
	} else {
		ev |= OUT_EV;
	}
	uk_spin_unlock_irqrestore(&unix_glock, fl);
	return ev;
}
