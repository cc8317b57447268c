/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sending and receiving: send, sendto, sendmsg, sendmmsg, recv, recvfrom,
 * recvmsg, recvmmsg, and read/write of a socket fd (socket.c), with
 * Linux's blocking rules.
 * Message headers and control data are copied in and out here; the
 * family sees kernel copies, and the app's data buffers.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <uk/signal.h>
#include <string.h>
#include <sys/socket.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/nofault.h>
#include <uk/socket.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include <uk/plat/time.h>
#include "socket_impl.h"

/* Linux's cap on control data (net.core.optmem_max). */
#define CONTROL_MAX	20480
/* Control data up to this size is copied onto the stack. */
#define CONTROL_STACK	256
#define IOV_STACK	8

/* One call of the family: recvmsg/sendmsg, or read/write and
 * recvfrom/sendto when they are what the family has or the call is
 * plain (one buffer, no address, no control data). */
static ssize_t send_once(struct posix_socket_file *sock,
			 const struct msghdr *msg, int flags)
{
	const struct posix_socket_ops *ops = sock->driver->ops;
	int plain = !msg->msg_name && !msg->msg_controllen;

	if (ops->write && plain && !flags)
		return ops->write(sock, msg->msg_iov, msg->msg_iovlen);
	if (ops->sendmsg)
		return ops->sendmsg(sock, msg, flags);
	if (!ops->sendto || msg->msg_iovlen > 1 || msg->msg_controllen)
		return -EOPNOTSUPP;
	return ops->sendto(sock, msg->msg_iovlen ? msg->msg_iov->iov_base :
			   NULL, msg->msg_iovlen ? msg->msg_iov->iov_len : 0,
			   flags, msg->msg_name, msg->msg_namelen);
}

static ssize_t recv_once(struct posix_socket_file *sock, struct msghdr *msg,
			 int flags)
{
	const struct posix_socket_ops *ops = sock->driver->ops;
	/* A control buffer with no room still learns of MSG_CTRUNC. */
	int plain = !msg->msg_name && !msg->msg_control;
	ssize_t rc;

	if (ops->read && plain && !flags) {
		msg->msg_flags = 0;
		return ops->read(sock, msg->msg_iov, msg->msg_iovlen);
	}
	if (ops->recvmsg)
		return ops->recvmsg(sock, msg, flags);
	if (!ops->recvfrom || msg->msg_iovlen > 1 || msg->msg_controllen)
		return -EOPNOTSUPP;
	rc = ops->recvfrom(sock, msg->msg_iovlen ? msg->msg_iov->iov_base :
			   NULL, msg->msg_iovlen ? msg->msg_iov->iov_len : 0,
			   flags, msg->msg_name, &msg->msg_namelen);
	msg->msg_flags = 0;
	return rc;
}

struct msg_args {
	struct msghdr *msg;
	int flags;
};

static ssize_t send_fn(struct posix_socket_file *sock, void *args)
{
	struct msg_args *a = args;

	return send_once(sock, a->msg, a->flags);
}

static ssize_t recv_fn(struct posix_socket_file *sock, void *args)
{
	struct msg_args *a = args;

	return recv_once(sock, a->msg, a->flags);
}

struct go_on_args {
	struct posix_socket_file *sock;
	uk_socket_fn fn;
	int flags;
	__nsec timeo;
};

/* One piece of the rest of a send or MSG_WAITALL receive, without name
 * or control data (those went with the first part), waiting as needed. */
static ssize_t go_on_piece(const struct iovec *one, void *arg)
{
	struct go_on_args *g = arg;
	struct msghdr m = {
		.msg_iov = (struct iovec *)one,
		.msg_iovlen = 1,
	};
	struct msg_args a = { &m, g->flags };

	return uk_socket_retry(g->sock, g->fn, &a, 0, g->timeo);
}

static ssize_t go_on(struct posix_socket_file *sock, uk_socket_fn fn,
		     const struct msghdr *msg, int flags, __nsec timeo,
		     __sz done)
{
	struct go_on_args g = { sock, fn, flags, timeo };

	return uk_iov_go_on(msg->msg_iov, (int)msg->msg_iovlen, done,
			    go_on_piece, &g);
}

ssize_t uk_socket_send(struct posix_socket_file *sock,
		       const struct msghdr *msg, int flags, int nonblock)
{
	struct msg_args a = { (struct msghdr *)msg, flags };
	ssize_t rc;

	rc = uk_socket_retry(sock, send_fn, &a, nonblock, sock->sndtimeo);
	if (rc > 0 && !nonblock && sock->type == SOCK_STREAM &&
	    (__sz)rc < uk_iov_total(msg->msg_iov, msg->msg_iovlen))
		return go_on(sock, send_fn, msg, flags, sock->sndtimeo, rc);
	if (rc == -EPIPE && !(flags & MSG_NOSIGNAL))
		uk_signal_raise_pipe();
	return rc;
}

ssize_t uk_socket_recv(struct posix_socket_file *sock, struct msghdr *msg,
		       int flags, int nonblock)
{
	struct msg_args a = { msg, flags };
	ssize_t rc;

	if (READ_ONCE(sock->recv_err)) {
		rc = __atomic_exchange_n(&sock->recv_err, 0, __ATOMIC_RELAXED);
		if (rc)
			return -rc;
	}
	rc = uk_socket_retry(sock, recv_fn, &a, nonblock, sock->rcvtimeo);
	if (rc > 0 && (flags & MSG_WAITALL) && !(flags & MSG_PEEK) &&
	    !nonblock && sock->type == SOCK_STREAM &&
	    (__sz)rc < uk_iov_total(msg->msg_iov, msg->msg_iovlen))
		return go_on(sock, recv_fn, msg, flags, sock->rcvtimeo, rc);
	return rc;
}

/* A kernel copy of the app's msghdr, its iovecs and its control data. */
struct kmsg {
	struct msghdr msg;
	struct msghdr umsg;		/* the app's, as read */
	struct iovec kiov[IOV_STACK], *iov_heap;
	struct sockaddr_storage name;
	char control_stack[CONTROL_STACK];
	void *control, *control_heap;
};

static void kmsg_free(struct kmsg *k)
{
	uk_free(uk_alloc_get_default(), k->iov_heap);
	uk_free(uk_alloc_get_default(), k->control_heap);
}

/* Imports umsg: sending copies control data in, receiving only sizes a
 * buffer for it. */
static int kmsg_in(struct kmsg *k, const struct msghdr *umsg, int send)
{
	struct iovec *iov;
	size_t clen;

	k->iov_heap = NULL;
	k->control_heap = NULL;
	if (uk_copy_from_user(&k->umsg, umsg, sizeof(k->umsg)))
		return -EFAULT;
	if ((int)k->umsg.msg_namelen < 0 ||
	    (send && k->umsg.msg_namelen > sizeof(k->name)))
		return -EINVAL;
	if (k->umsg.msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	iov = uk_iov_import(k->umsg.msg_iov, (int)k->umsg.msg_iovlen,
			    k->kiov, IOV_STACK, &k->iov_heap);
	if (PTRISERR(iov))
		return PTR2ERR(iov);
	k->msg = (struct msghdr){
		.msg_iov = iov,
		.msg_iovlen = k->umsg.msg_iovlen,
	};
	if (k->umsg.msg_name) {
		k->msg.msg_name = &k->name;
		k->msg.msg_namelen = send ? k->umsg.msg_namelen :
					    sizeof(k->name);
		if (send && uk_copy_from_user(&k->name, k->umsg.msg_name,
					      k->umsg.msg_namelen))
			return -EFAULT;
	}
	clen = k->umsg.msg_controllen;
	if (!clen)
		return 0;
	if (clen > CONTROL_MAX) {
		if (send)
			return -ENOBUFS;
		clen = CONTROL_MAX;
	}
	if (!send) {
		/* Only what can be written back: as Linux, fds that would
		 * not reach the app are never installed (MSG_CTRUNC). */
		clen = uk_user_range_ok(k->umsg.msg_control, clen) ?
		       uk_nofault_probe_w((__vaddr_t)k->umsg.msg_control,
					  clen, 0) : 0;
	}
	k->control = k->control_stack;
	if (clen > CONTROL_STACK) {
		k->control_heap = uk_malloc(uk_alloc_get_default(), clen);
		if (!k->control_heap)
			return -ENOMEM;
		k->control = k->control_heap;
	}
	if (send && uk_copy_from_user(k->control, k->umsg.msg_control, clen))
		return -EFAULT;
	k->msg.msg_control = k->control;
	k->msg.msg_controllen = clen;
	return 0;
}

/* After a receive: the name, the control data and the flags go back. */
static int kmsg_out(struct kmsg *k, struct msghdr *umsg)
{
	socklen_t nameless = 0;
	size_t clen = 0;
	int rc;

	if (k->umsg.msg_name)
		rc = uk_socket_addr_out(&k->name, k->msg.msg_namelen,
					k->umsg.msg_name, k->umsg.msg_namelen,
					&umsg->msg_namelen);
	else
		rc = uk_copy_to_user(&umsg->msg_namelen, &nameless,
				     sizeof(nameless));
	if (rc)
		return rc;
	if (k->msg.msg_control) {
		clen = k->msg.msg_controllen;
		if (clen && uk_copy_to_user(k->umsg.msg_control, k->control,
					    clen))
			return -EFAULT;
	}
	if (uk_copy_to_user(&umsg->msg_controllen, &clen, sizeof(clen)) ||
	    uk_copy_to_user(&umsg->msg_flags, &k->msg.msg_flags,
			    sizeof(int)))
		return -EFAULT;
	return 0;
}

/* sendmsg of the app's umsg; *left gets how much of it was not sent. */
static ssize_t msg_send(struct posix_socket_file *sock, struct uk_ofile *of,
			const struct msghdr *umsg, int flags, __sz *left)
{
	struct kmsg k;
	ssize_t rc;

	rc = kmsg_in(&k, umsg, 1);
	if (!rc)
		rc = uk_socket_send(sock, &k.msg, flags,
				    uk_socket_nonblocking(of, flags));
	if (rc >= 0 && left)
		*left = uk_iov_total(k.msg.msg_iov, k.msg.msg_iovlen) -
			(__sz)rc;
	kmsg_free(&k);
	return rc;
}

/* recvmsg into the app's umsg; *mflags gets the message's flags. */
static ssize_t msg_recv(struct posix_socket_file *sock, struct uk_ofile *of,
			struct msghdr *umsg, int flags, int *mflags)
{
	struct kmsg k;
	ssize_t rc;
	int err;

	rc = kmsg_in(&k, umsg, 0);
	if (!rc)
		rc = uk_socket_recv(sock, &k.msg, flags,
				    uk_socket_nonblocking(of, flags));
	if (rc >= 0) {
		err = kmsg_out(&k, umsg);
		if (err)
			rc = err;
		if (mflags)
			*mflags = k.msg.msg_flags;
	}
	kmsg_free(&k);
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, sendmsg, int, fd, const struct msghdr *, umsg,
		    int, flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;

	SOCK_GET(fd, sock, of);
	return uk_socket_put_ret(of, msg_send(sock, of, umsg, flags, NULL));
}

UK_SYSCALL_R_DEFINE(ssize_t, recvmsg, int, fd, struct msghdr *, umsg,
		    int, flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;

	SOCK_GET(fd, sock, of);
	return uk_socket_put_ret(of, msg_recv(sock, of, umsg, flags, NULL));
}

/* Linux's struct mmsghdr: a message and the bytes it moved. */
struct k_mmsghdr {
	struct msghdr hdr;
	unsigned int len;
};

/*
 * The address of the app's n-th entry of vec, and of its length field.
 * Plain address arithmetic: vec is the app's and may be NULL or
 * misaligned, which only the copies through nofault may find out (a
 * member access through it is undefined behaviour, and UBSan says so).
 */
static struct msghdr *mmsg_hdr(struct k_mmsghdr *vec, unsigned int n)
{
	return (struct msghdr *)((__uptr)vec + (__uptr)n * sizeof(*vec));
}

static void *mmsg_len(struct k_mmsghdr *vec, unsigned int n)
{
	return (char *)mmsg_hdr(vec, n) + offsetof(struct k_mmsghdr, len);
}

/* Stores rc, the length of a message sendmmsg/recvmmsg moved, in vec's
 * n-th entry unless it is an error. Returns rc or -EFAULT. */
static ssize_t mmsg_len_out(struct k_mmsghdr *vec, unsigned int n,
			    ssize_t rc)
{
	unsigned int l = (unsigned int)rc;

	if (rc < 0)
		return rc;
	return uk_copy_to_user(mmsg_len(vec, n), &l, sizeof(l)) ? -EFAULT
								  : rc;
}

/*
 * As Linux: sends the messages in turn until one fails or is sent only
 * in part (that one counts). Returns how many were sent, or the error
 * if none was. At most IOV_MAX messages per call.
 */
UK_SYSCALL_R_DEFINE(int, sendmmsg, int, fd, struct k_mmsghdr *, vec,
		    unsigned int, vlen, int, flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;
	unsigned int n = 0;
	ssize_t rc = 0;
	__sz left;

	SOCK_GET(fd, sock, of);
	vlen = MIN(vlen, (unsigned int)IOV_MAX);
	while (n < vlen) {
		rc = mmsg_len_out(vec, n, msg_send(sock, of, mmsg_hdr(vec, n),
						   flags, &left));
		if (rc < 0)
			break;
		n++;
		if (left)
			break;
	}
	return uk_socket_put_ret(of, n ? (ssize_t)n : rc);
}

/* What remains of recvmmsg's timeout (end: a monotonic deadline) goes
 * back to the app, as Linux: 0 once passed. */
static int mmsg_timeout_out(struct uk_timespec *uts, __nsec end)
{
	__nsec now = ukplat_monotonic_clock();
	struct uk_timespec ts;

	uk_ns_to_timespec(&ts, end > now ? end - now : 0);
	return uk_copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/*
 * Receives up to vlen messages, as Linux: each receive waits as the
 * socket does, MSG_WAITFORONE makes those after the first nonblocking,
 * an out-of-band message ends the call, and the timeout (NULL: none) is
 * looked at only after each message (man page, BUGS: it does not bound
 * a wait). Returns how many came, or the error if none did.
 */
static int mmsg_recv(struct posix_socket_file *sock, struct uk_ofile *of,
		     struct k_mmsghdr *vec, unsigned int vlen, int flags,
		     __nsec end)
{
	int wait_one = flags & MSG_WAITFORONE, mflags;
	unsigned int n = 0;
	ssize_t rc = 0;

	flags &= ~MSG_WAITFORONE;
	while (n < vlen) {
		rc = mmsg_len_out(vec, n, msg_recv(sock, of, mmsg_hdr(vec, n),
						   flags, &mflags));
		if (rc < 0)
			break;
		n++;
		if (wait_one)
			flags |= MSG_DONTWAIT;
		if (end && ukplat_monotonic_clock() >= end)
			break;
		if (mflags & MSG_OOB)
			break;
	}
	/* Messages came: an error (but for "no more" and a signal) waits
	 * for the next receive, as on Linux. */
	if (n && rc < 0 && rc != -EAGAIN && rc != -EINTR &&
	    rc != -UK_ERESTARTSYS)
		WRITE_ONCE(sock->recv_err, (int)-rc);
	return n ? (int)n : (int)rc;
}

UK_SYSCALL_R_DEFINE(int, recvmmsg, int, fd, struct k_mmsghdr *, vec,
		    unsigned int, vlen, int, flags,
		    struct uk_timespec *, timeout)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;
	__nsec end;
	int rc;

	rc = uk_time_rel_deadline_user(timeout, &end);
	if (rc)
		return rc;
	SOCK_GET(fd, sock, of);
	rc = mmsg_recv(sock, of, vec, vlen, flags, end);
	if (rc > 0 && timeout && mmsg_timeout_out(timeout, end))
		rc = -EFAULT;
	return (int)uk_socket_put_ret(of, rc);
}

UK_SYSCALL_R_DEFINE(ssize_t, sendto, int, fd, const void *, buf, size_t, len,
		    int, flags, const struct sockaddr *, to, socklen_t, tolen)
{
	struct posix_socket_file *sock;
	struct sockaddr_storage ss;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct uk_ofile *of;
	ssize_t rc = 0;

	SOCK_GET(fd, sock, of);
	if (to) {
		rc = uk_socket_addr_in(&ss, to, tolen);
		msg.msg_name = &ss;
		msg.msg_namelen = tolen;
	}
	if (!rc)
		rc = uk_socket_send(sock, &msg, flags,
				    uk_socket_nonblocking(of, flags));
	return uk_socket_put_ret(of, rc);
}

UK_SYSCALL_R_DEFINE(ssize_t, recvfrom, int, fd, void *, buf, size_t, len,
		    int, flags, struct sockaddr *, from, socklen_t *, fromlen)
{
	struct posix_socket_file *sock;
	struct sockaddr_storage ss;
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct uk_ofile *of;
	socklen_t ulen;
	ssize_t rc;
	int err;

	SOCK_GET(fd, sock, of);
	rc = uk_socket_addrlen_in(from, fromlen, &ulen);
	if (!rc && from && fromlen) {
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
	}
	if (!rc)
		rc = uk_socket_recv(sock, &msg, flags,
				    uk_socket_nonblocking(of, flags));
	if (rc >= 0 && msg.msg_name) {
		err = uk_socket_addr_out(&ss, msg.msg_namelen, from, ulen,
					 fromlen);
		if (err)
			rc = err;
	}
	return uk_socket_put_ret(of, rc);
}
