/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_UNIX connection-oriented sockets: SOCK_STREAM and SOCK_SEQPACKET.
 *
 * connect() makes the server side of the connection at once (an
 * "embryo", as Linux) and queues it on the listener; accept4() attaches
 * the next embryo to the new socket. Data goes straight into the peer's
 * receive queue: stream bytes coalesce into the tail chunk, records
 * (seqpacket) are one chunk each. Bytes queued at the peer are charged to
 * the sender (wmem) against its send buffer, as Linux does.
 */
#include <errno.h>
#include <string.h>
#include "unix_impl.h"

#define IN_EV	(UK_POLLIN | UK_POLLRDNORM)
#define OUT_EV	(UK_POLLOUT | UK_POLLWRNORM)

int unix_stream_connect(struct unix_sock *u, const struct sockaddr *addr,
			socklen_t len)
{
	struct unix_sock *t, *e;
	struct unix_name n;
	int rc;

	rc = unix_name_check(addr, len, &n);
	if (!rc)
		rc = unix_autobind_passcred(u);
	if (rc)
		return rc;
	unix_unwait(u);
	t = unix_find(&n, u->type);
	if (PTRISERR(t))
		return PTR2ERR(t);
	e = unix_sock_alloc(u->type);
	if (!e) {
		unix_sock_put(t);
		return -ENOMEM;
	}
	uk_mutex_lock(&u->lock);
	if (u->state != UNIX_UNCONN) {
		rc = u->state == UNIX_CONNECTED ? -EISCONN : -EINVAL;
		goto out_u;
	}
	uk_mutex_lock(&t->lock);
	if (t->state != UNIX_LISTEN || (t->shut & UNIX_RCV_SHUT)) {
		rc = -ECONNREFUSED;
		goto out_t;
	}
	/* As Linux: backlog + 1 connections may be pending. */
	if ((int)t->qlen > t->backlog) {
		unix_wait_room(u, t);
		rc = -EAGAIN;
		goto out_t;
	}
	memcpy(&e->name, &t->name, sizeof(e->name));
	e->state = UNIX_CONNECTED;
	e->sndbuf = t->sndbuf;
	e->rcvbuf = t->rcvbuf;
	e->passcred = t->passcred;
	unix_set_creds(&e->peercred);
	unix_sock_get(u);
	e->peer = u;
	unix_sock_get(e);
	u->peer = e;
	u->peercred = t->peercred;
	unix_store(&u->state, UNIX_CONNECTED);
	e->pend_next = NULL;
	if (t->pend_tail)
		t->pend_tail->pend_next = e;
	else
		t->pend_head = e;
	t->pend_tail = e;
	__atomic_store_n(&t->qlen, t->qlen + 1, __ATOMIC_RELEASE);
	e = NULL;
out_t:
	uk_mutex_unlock(&t->lock);
out_u:
	uk_mutex_unlock(&u->lock);
	if (!rc) {
		unix_notify(t, IN_EV);
		unix_notify(u, OUT_EV);
	}
	unix_sock_put(e);
	unix_sock_put(t);
	return rc;
}

int unix_listen(struct posix_socket_file *sock, int backlog)
{
	struct unix_sock *u = unix_of(sock);
	int rc = 0, more;

	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	uk_mutex_lock(&u->lock);
	if (!u->name.len ||
	    (u->state != UNIX_UNCONN && u->state != UNIX_LISTEN)) {
		rc = -EINVAL;
		goto out;
	}
	more = backlog > u->backlog;
	u->backlog = backlog;
	unix_set_creds(&u->peercred);
	unix_store(&u->state, UNIX_LISTEN);
out:
	uk_mutex_unlock(&u->lock);
	if (!rc && more)
		unix_wake_room(u);
	return rc;
}

int unix_accept4(struct posix_socket_file *sock,
		 struct posix_socket_file *newsock, struct sockaddr *addr,
		 socklen_t *addrlen, int flags __maybe_unused)
{
	struct unix_sock *u = unix_of(sock), *e, *p;

	uk_mutex_lock(&u->lock);
	if (u->state != UNIX_LISTEN) {
		uk_mutex_unlock(&u->lock);
		return -EINVAL;
	}
	e = u->pend_head;
	if (!e) {
		uk_mutex_unlock(&u->lock);
		return -EAGAIN;
	}
	u->pend_head = e->pend_next;
	if (!u->pend_head)
		u->pend_tail = NULL;
	__atomic_store_n(&u->qlen, u->qlen - 1, __ATOMIC_RELEASE);
	uk_mutex_unlock(&u->lock);
	/* The queue's reference to e is now newsock's. */
	unix_sock_attach(e, newsock);
	unix_wake_room(u);

	uk_mutex_lock(&e->lock);
	p = e->peer;
	if (p)
		unix_sock_get(p);
	uk_mutex_unlock(&e->lock);
	if (p) {
		unix_copy_name(p, addr, addrlen);
		unix_sock_put(p);
	} else {
		addr->sa_family = AF_UNIX;
		*addrlen = sizeof(sa_family_t);
	}
	return 0;
}

/* Stream: fills the tail chunk's spare room first. Returns bytes queued
 * or -errno; the caller holds p->lock. */
static ssize_t stream_queue(struct unix_sock *p, struct unix_sock *u,
			    const struct msghdr *msg, __sz n,
			    struct unix_rights **rights,
			    const struct ucred *cred)
{
	struct unix_chunk *c = p->tail;
	__sz done = 0, want, got;

	if (c && !c->rights && !*rights && c->sender == u &&
	    c->cap > c->len) {
		want = MIN(n, (__sz)(c->cap - c->len));
		got = uk_iov_copy_from(c->data + c->len, msg->msg_iov,
				       msg->msg_iovlen, 0, want);
		c->len += got;
		c->charge += got;
		done = got;
		if (got < want)
			goto out;
	}
	if (done == n && n)
		goto out;
	c = unix_chunk_alloc(p, n - done);
	if (!c)
		return done ? (ssize_t)done : -ENOMEM;
	got = uk_iov_copy_from(c->data, msg->msg_iov, msg->msg_iovlen, done,
			       n - done);
	if (!got) {
		unix_chunk_free(p, c);
		goto out;
	}
	c->len = got;
	c->charge = got;
	c->cred = *cred;
	c->rights = *rights;
	*rights = NULL;
	unix_rights_queued(c->rights, p);
	unix_sock_get(u);
	c->sender = u;
	unix_queue_add(p, c);
	done += got;
out:
	__atomic_add_fetch(&u->wmem, done, __ATOMIC_ACQ_REL);
	p->qbytes += done;
	return done ? (ssize_t)done : -EFAULT;
}

ssize_t unix_stream_sendmsg(struct unix_sock *u, const struct msghdr *msg,
			    int flags __maybe_unused)
{
	__sz total = uk_iov_total(msg->msg_iov, msg->msg_iovlen);
	struct unix_rights *rights;
	struct unix_sock *p;
	struct ucred cred;
	long wmem, buf;
	ssize_t rc;

	if (msg->msg_name && msg->msg_namelen)
		return unix_load(&u->state) == UNIX_CONNECTED ? -EISCONN :
							       -EOPNOTSUPP;
	rc = unix_scm_parse(msg, &rights, &cred);
	if (rc)
		return rc;
	uk_mutex_lock(&u->lock);
	p = u->peer;
	if (u->shut & UNIX_SEND_SHUT)
		rc = -EPIPE;
	else if (u->state != UNIX_CONNECTED || !p)
		rc = -ENOTCONN;
	else
		unix_sock_get(p);
	uk_mutex_unlock(&u->lock);
	if (rc)
		goto out;
	buf = unix_load(&u->sndbuf);
	if (u->type == SOCK_SEQPACKET && (long)total > buf - 32) {
		rc = -EMSGSIZE;
		goto out_p;
	}
	/* As Linux, an empty stream write sends nothing, not even rights. */
	if (!total && u->type == SOCK_STREAM)
		goto out_p;
	uk_mutex_lock(&p->lock);
	wmem = (long)__atomic_load_n(&u->wmem, __ATOMIC_ACQUIRE);
	if (p->state == UNIX_CLOSED || (p->shut & UNIX_RCV_SHUT))
		rc = -EPIPE;
	else if (wmem >= buf)
		rc = -EAGAIN;
	else if (u->type == SOCK_STREAM)
		rc = stream_queue(p, u, msg, MIN(total, (__sz)(buf - wmem)),
				  &rights, &cred);
	else
		rc = unix_record_queue(p, u, msg, total, &rights, &cred, 0);
	uk_mutex_unlock(&p->lock);
	if (rc >= 0)
		unix_notify(p, IN_EV);
out_p:
	unix_sock_put(p);
out:
	unix_rights_put(rights);
	return rc;
}

/* Copies (and unless peeking, consumes) stream bytes; stops after a chunk
 * with rights. u->lock held. */
static ssize_t stream_copy(struct unix_sock *u, struct msghdr *msg,
			   __sz total, int flags)
{
	struct unix_chunk *c = u->head, *next;
	int peek = flags & MSG_PEEK, first = 1, rights;
	__sz done = 0, want, got;

	while (c && done < total) {
		/* Rights start a message of their own, as on Linux. */
		if (c->rights && done)
			break;
		want = MIN((__sz)(c->len - c->off), total - done);
		got = uk_iov_copy_to(msg->msg_iov, msg->msg_iovlen, done,
				     c->data + c->off, want);
		done += got;
		rights = c->rights != NULL;
		/* unix_scm_recv() sets msg_controllen (from the room). */
		if (rights || (u->passcred && first))
			unix_scm_recv(u, msg, c, flags);
		else if (first)
			msg->msg_controllen = 0;
		first = 0;
		next = c->next;
		if (!peek) {
			c->off += got;
			u->qbytes -= got;
			unix_uncharge(c, got);
			if (c->off == c->len) {
				unix_queue_pop(u);
				unix_chunk_free(u, c);
			}
		}
		if (got < want)
			return done ? (ssize_t)done : -EFAULT;
		if (rights)
			break;
		c = next;
	}
	return done;
}

ssize_t unix_stream_recvmsg(struct unix_sock *u, struct msghdr *msg,
			    int flags)
{
	__sz total = uk_iov_total(msg->msg_iov, msg->msg_iovlen);
	ssize_t rc;

	if (msg->msg_name)
		msg->msg_namelen = 0;
	uk_mutex_lock(&u->lock);
	if (u->state != UNIX_CONNECTED) {
		rc = u->type == SOCK_SEQPACKET ? -ENOTCONN : -EINVAL;
	} else if (u->type == SOCK_SEQPACKET) {
		uk_mutex_unlock(&u->lock);
		return unix_dgram_recvmsg(u, msg, flags);
	} else if (!u->head) {
		if (u->err)
			rc = -__atomic_exchange_n(&u->err, 0,
						  __ATOMIC_ACQ_REL);
		else if (u->shut & UNIX_RCV_SHUT)
			rc = 0;
		else
			rc = total ? -EAGAIN : 0;
		if (rc >= 0)
			msg->msg_controllen = 0;
	} else {
		rc = stream_copy(u, msg, total, flags);
	}
	uk_mutex_unlock(&u->lock);
	return rc;
}

unsigned int unix_stream_poll(struct unix_sock *u)
{
	int state = unix_load(&u->state), shut = unix_load(&u->shut);
	unsigned int ev = 0;
	long wmem;

	if (unix_load(&u->err))
		ev |= UK_POLLERR;
	if (shut == UNIX_SHUT_MASK)
		ev |= UK_POLLHUP;
	if (shut & UNIX_RCV_SHUT)
		ev |= UK_POLLRDHUP | IN_EV;
	if (__atomic_load_n(&u->qlen, __ATOMIC_ACQUIRE))
		ev |= IN_EV;
	/* A connector waiting for room in a backlog is neither. */
	if (unix_load(&u->room_wait))
		return ev;
	if (state == UNIX_UNCONN)
		ev |= UK_POLLHUP;
	wmem = (long)__atomic_load_n(&u->wmem, __ATOMIC_ACQUIRE);
	if (state != UNIX_LISTEN && (wmem << 2) <= unix_load(&u->sndbuf))
		ev |= OUT_EV;
	return ev;
}
