/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The POSIX socket calls. Each copies the app's addresses, options and
 * message headers in and out (bad pointers are EFAULT), calls the
 * family's op and, for blocking sockets, waits on the socket's queue and
 * calls the op again until it stops returning -EAGAIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/socket.h>
#include "socket_impl.h"

/* Linux's cap on control data (net.core.optmem_max). */
#define CONTROL_MAX	20480
/* Control data up to this size is copied onto the stack. */
#define CONTROL_STACK	256
#define IOV_STACK	8
/* Option values the socket layer passes to families. */
#define OPTVAL_MAX	256

static long fail(long rc)
{
	if (rc >= 0)
		return rc;
	errno = (int)-rc;
	return -1;
}

/* --- retrying ops --------------------------------------------------- */

typedef ssize_t (*sock_fn)(struct posix_socket_file *sock, void *args);

struct attempt {
	sock_fn fn;
	void *args;
	ssize_t rc;
};

static int attempt_once(struct uk_file *f, void *arg)
{
	struct attempt *a = arg;

	a->rc = a->fn(posix_socket_file_of(f), a->args);
	return a->rc != -EAGAIN;
}

/* Calls fn until it returns something other than -EAGAIN: once if
 * nonblock, else waiting for the socket's notifications, at most timeo ns
 * (0: forever). Any notification retries: the family's own state decides,
 * as a connecting socket's poll events say nothing about the backlog. */
static ssize_t sock_retry(struct posix_socket_file *sock, sock_fn fn,
			  void *args, int nonblock, __nsec timeo)
{
	struct attempt a = { fn, args, fn(sock, args) };
	__nsec deadline;

	if (a.rc != -EAGAIN || nonblock)
		return a.rc;
	deadline = timeo ? ukplat_monotonic_clock() + timeo : 0;
	uk_file_wait_until(&sock->file, ~0U, attempt_once, &a, deadline);
	return a.rc;
}

/* --- addresses ------------------------------------------------------ */

static int addr_in(struct sockaddr_storage *ss, const struct sockaddr *addr,
		   socklen_t len)
{
	if (len > sizeof(*ss))
		return -EINVAL;
	if (!len)
		return 0;
	return uk_copy_from_user(ss, addr, len);
}

/* Reads and checks the app's address length *ulenp. */
static int len_in(socklen_t *ulenp, socklen_t *len)
{
	if (uk_copy_from_user(len, ulenp, sizeof(*len)))
		return -EFAULT;
	return (int)*len < 0 ? -EINVAL : 0;
}

/* len_in for an optional address (none wanted: *len = 0). */
static int addrlen_in(struct sockaddr *addr, socklen_t *ulenp,
		      socklen_t *len)
{
	*len = 0;
	if (!addr || !ulenp)
		return 0;
	return len_in(ulenp, len);
}

/* Stores klen bytes of the kernel's address, truncated to the app's len,
 * and the full size klen in *ulenp. */
static int addr_out(const struct sockaddr_storage *ss, socklen_t klen,
		    struct sockaddr *addr, socklen_t len, socklen_t *ulenp)
{
	if (len > klen)
		len = klen;
	if (len && uk_copy_to_user(addr, ss, len))
		return -EFAULT;
	return uk_copy_to_user(ulenp, &klen, sizeof(klen));
}

/* --- making sockets ------------------------------------------------- */

/* Checks socket(2)'s arguments in Linux's order; returns the driver. */
static struct posix_socket_driver *check_new(int family, int *type,
					     int *flags)
{
	*flags = *type & ~0xf;
	*type &= 0xf;
	if (*flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return ERR2PTR(-EINVAL);
	if (family < 0 || family >= POSIX_SOCKET_FAMILY_MAX)
		return ERR2PTR(-EAFNOSUPPORT);
	if (*type < 1 || *type > 10)
		return ERR2PTR(-EINVAL);
	if (!posix_socket_driver_get(family))
		return ERR2PTR(-EAFNOSUPPORT);
	return posix_socket_driver_get(family);
}

int uk_socket_create(int family, int type, int protocol)
{
	struct posix_socket_driver *d;
	struct posix_socket_file *sock;
	int flags, rc;

	d = check_new(family, &type, &flags);
	if (PTRISERR(d))
		return PTR2ERR(d);
	if (!d->ops->create)
		return -EOPNOTSUPP;
	sock = uk_socket_alloc(d, family, type, protocol);
	if (!sock)
		return -ENOMEM;
	rc = d->ops->create(sock, family, type, protocol);
	if (rc < 0) {
		uk_file_put(&sock->file);
		return rc;
	}
	return uk_socket_install(sock, flags);
}

int socket(int family, int type, int protocol)
{
	return fail(uk_socket_create(family, type, protocol));
}

static int make_pair(int family, int type, int protocol, int fds[2])
{
	struct posix_socket_file *a, *b;
	struct posix_socket_driver *d;
	int flags, rc;

	d = check_new(family, &type, &flags);
	if (PTRISERR(d))
		return PTR2ERR(d);
	if (!d->ops->socketpair)
		return -EOPNOTSUPP;
	a = uk_socket_alloc(d, family, type, protocol);
	b = uk_socket_alloc(d, family, type, protocol);
	rc = -ENOMEM;
	if (a && b)
		rc = d->ops->socketpair(a, b, family, type, protocol);
	if (rc < 0) {
		if (a)
			uk_file_put(&a->file);
		if (b)
			uk_file_put(&b->file);
		return rc;
	}
	fds[0] = uk_socket_install(a, flags);
	if (fds[0] < 0) {
		b->live = 1;		/* made by the family: close it */
		uk_file_put(&b->file);
		return fds[0];
	}
	fds[1] = uk_socket_install(b, flags);
	if (fds[1] < 0) {
		uk_fdtab_close(fds[0]);
		return fds[1];
	}
	return 0;
}

int socketpair(int family, int type, int protocol, int sv[2])
{
	int fds[2], rc;

	rc = make_pair(family, type, protocol, fds);
	if (rc < 0)
		return fail(rc);
	if (uk_copy_to_user(sv, fds, sizeof(fds))) {
		uk_fdtab_close(fds[0]);
		uk_fdtab_close(fds[1]);
		return fail(-EFAULT);
	}
	return 0;
}

/* --- calls on a socket fd ------------------------------------------- */

/* The socket at fd and whether its description is non-blocking. */
#define SOCK_GET(fd, sock, of)						\
	do {								\
		(sock) = uk_socket_get((fd), &(of));			\
		if (PTRISERR(sock))					\
			return fail(PTR2ERR(sock));			\
	} while (0)

static int nonblocking(const struct uk_ofile *of, int msg_flags)
{
	return (of->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT);
}

static long put_fail(struct uk_ofile *of, long rc)
{
	uk_ofile_put(of);
	return fail(rc);
}

int bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct posix_socket_file *sock;
	struct sockaddr_storage ss;
	struct uk_ofile *of;
	int rc;

	SOCK_GET(fd, sock, of);
	rc = addr_in(&ss, addr, addrlen);
	if (!rc)
		rc = sock->driver->ops->bind ?
		     sock->driver->ops->bind(sock, (struct sockaddr *)&ss,
					     addrlen) : -EOPNOTSUPP;
	return put_fail(of, rc);
}

int listen(int fd, int backlog)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;
	int rc;

	SOCK_GET(fd, sock, of);
	/* Linux: a negative backlog is a huge unsigned one. */
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	rc = sock->driver->ops->listen ?
	     sock->driver->ops->listen(sock, backlog) : -EOPNOTSUPP;
	return put_fail(of, rc);
}

struct accept_args {
	struct posix_socket_file *newsock;
	struct sockaddr_storage ss;
	socklen_t sslen;
	int flags;
};

static ssize_t accept_fn(struct posix_socket_file *sock, void *args)
{
	struct accept_args *a = args;

	a->sslen = sizeof(a->ss);
	return sock->driver->ops->accept4(sock, a->newsock,
					  (struct sockaddr *)&a->ss,
					  &a->sslen, a->flags);
}

static int do_accept(struct posix_socket_file *sock, struct uk_ofile *of,
		     struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	struct accept_args a = { .flags = flags };
	socklen_t len;
	int rc, fd;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!sock->driver->ops->accept4)
		return -EOPNOTSUPP;
	rc = addrlen_in(addr, addrlen, &len);
	if (rc)
		return rc;
	a.newsock = uk_socket_alloc(sock->driver, sock->family, sock->type,
				    sock->protocol);
	if (!a.newsock)
		return -ENOMEM;
	rc = sock_retry(sock, accept_fn, &a, nonblocking(of, 0),
			sock->rcvtimeo);
	if (rc < 0) {
		uk_file_put(&a.newsock->file);
		return rc;
	}
	fd = uk_socket_install(a.newsock, flags);
	if (fd < 0)
		return fd;
	rc = addr && addrlen ? addr_out(&a.ss, a.sslen, addr, len, addrlen) :
			       0;
	if (rc) {
		uk_fdtab_close(fd);
		return rc;
	}
	return fd;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;

	SOCK_GET(fd, sock, of);
	return put_fail(of, do_accept(sock, of, addr, addrlen, flags));
}

int accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return accept4(fd, addr, addrlen, 0);
}

struct connect_args {
	struct sockaddr_storage ss;
	socklen_t len;
};

static ssize_t connect_fn(struct posix_socket_file *sock, void *args)
{
	struct connect_args *a = args;

	return sock->driver->ops->connect(sock, (struct sockaddr *)&a->ss,
					  a->len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct posix_socket_file *sock;
	struct connect_args a = { .len = addrlen };
	struct uk_ofile *of;
	int rc;

	SOCK_GET(fd, sock, of);
	rc = addr_in(&a.ss, addr, addrlen);
	if (!rc && !sock->driver->ops->connect)
		rc = -EOPNOTSUPP;
	if (!rc)
		rc = sock_retry(sock, connect_fn, &a, nonblocking(of, 0),
				sock->sndtimeo);
	return put_fail(of, rc);
}

int shutdown(int fd, int how)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;
	int rc;

	SOCK_GET(fd, sock, of);
	if (how < SHUT_RD || how > SHUT_RDWR)
		rc = -EINVAL;
	else
		rc = sock->driver->ops->shutdown ?
		     sock->driver->ops->shutdown(sock, how) : -EOPNOTSUPP;
	return put_fail(of, rc);
}

typedef int (*name_op)(struct posix_socket_file *sock,
		       struct sockaddr *addr, socklen_t *addrlen);

static int get_name(int fd, struct sockaddr *addr, socklen_t *addrlen,
		    int peer)
{
	struct posix_socket_file *sock;
	struct sockaddr_storage ss;
	socklen_t len, klen = sizeof(ss);
	struct uk_ofile *of;
	name_op op;
	int rc;

	SOCK_GET(fd, sock, of);
	op = peer ? sock->driver->ops->getpeername :
		    sock->driver->ops->getsockname;
	rc = len_in(addrlen, &len);
	if (!rc && !op)
		rc = -EOPNOTSUPP;
	if (!rc) {
		memset(&ss, 0, sizeof(ss));
		rc = op(sock, (struct sockaddr *)&ss, &klen);
	}
	if (!rc)
		rc = addr_out(&ss, klen, addr, len, addrlen);
	return put_fail(of, rc);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return get_name(fd, addr, addrlen, 0);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return get_name(fd, addr, addrlen, 1);
}

/* --- sending and receiving ------------------------------------------ */

ssize_t uk_socket_send_once(struct posix_socket_file *sock,
			    const struct msghdr *msg, int flags)
{
	const struct posix_socket_ops *ops = sock->driver->ops;

	if (ops->sendmsg)
		return ops->sendmsg(sock, msg, flags);
	if (!ops->sendto || msg->msg_iovlen > 1 || msg->msg_controllen)
		return -EOPNOTSUPP;
	return ops->sendto(sock, msg->msg_iovlen ? msg->msg_iov->iov_base :
			   NULL, msg->msg_iovlen ? msg->msg_iov->iov_len : 0,
			   flags, msg->msg_name, msg->msg_namelen);
}

ssize_t uk_socket_recv_once(struct posix_socket_file *sock,
			    struct msghdr *msg, int flags)
{
	const struct posix_socket_ops *ops = sock->driver->ops;
	ssize_t rc;

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

	return uk_socket_send_once(sock, a->msg, a->flags);
}

static ssize_t recv_fn(struct posix_socket_file *sock, void *args)
{
	struct msg_args *a = args;

	return uk_socket_recv_once(sock, a->msg, a->flags);
}

/* Moves msg's iovecs (the kernel's array) past n bytes; returns the
 * bytes left. */
static __sz iov_advance(struct msghdr *msg, __sz n)
{
	while (msg->msg_iovlen && n >= msg->msg_iov->iov_len) {
		n -= msg->msg_iov->iov_len;
		msg->msg_iov++;
		msg->msg_iovlen--;
	}
	if (msg->msg_iovlen) {
		msg->msg_iov->iov_base = (char *)msg->msg_iov->iov_base + n;
		msg->msg_iov->iov_len -= n;
	}
	return uk_iov_total(msg->msg_iov, msg->msg_iovlen);
}

/* Sends msg; on a blocking stream socket until all is sent, as Linux.
 * Returns the bytes sent, or the error if none was. */
static ssize_t sock_send(struct posix_socket_file *sock, struct msghdr *msg,
			 int flags, int nonblock)
{
	struct msg_args a = { msg, flags };
	ssize_t rc, done = 0;

	for (;;) {
		rc = sock_retry(sock, send_fn, &a, nonblock, sock->sndtimeo);
		if (rc <= 0)
			break;
		done += rc;
		if (nonblock || sock->type != SOCK_STREAM ||
		    !iov_advance(msg, rc))
			break;
		/* Control data went with the first part. */
		msg->msg_control = NULL;
		msg->msg_controllen = 0;
	}
	if (done)
		return done;
	if (rc == -EPIPE && !(flags & MSG_NOSIGNAL))
		uk_signal_raise_pipe();
	return rc;
}

/* Receives into msg; with MSG_WAITALL on a blocking stream socket until
 * the buffers are full, the stream ends or an error comes. Control data
 * comes with the first part only. */
static ssize_t sock_recv(struct posix_socket_file *sock, struct msghdr *msg,
			 int flags, int nonblock)
{
	struct msg_args a = { msg, flags };
	void *control = NULL;
	size_t controllen = 0;
	ssize_t rc, done = 0;
	int msg_flags = 0;

	for (;;) {
		rc = sock_retry(sock, recv_fn, &a, nonblock, sock->rcvtimeo);
		if (rc <= 0)
			break;
		done += rc;
		msg_flags |= msg->msg_flags;
		if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) || nonblock ||
		    sock->type != SOCK_STREAM || !iov_advance(msg, rc))
			break;
		if (msg->msg_control) {
			control = msg->msg_control;
			controllen = msg->msg_controllen;
			msg->msg_control = NULL;
			msg->msg_controllen = 0;
		}
	}
	if (control) {
		msg->msg_control = control;
		msg->msg_controllen = controllen;
	}
	msg->msg_flags |= msg_flags;
	return done ? done : rc;
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
	if (!clen || !k->umsg.msg_control)
		return 0;
	if (clen > CONTROL_MAX) {
		if (send)
			return -ENOBUFS;
		clen = CONTROL_MAX;
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
	socklen_t namelen = 0;
	size_t clen = 0;

	if (k->umsg.msg_name) {
		namelen = k->msg.msg_namelen;
		if (namelen > k->umsg.msg_namelen)
			namelen = k->umsg.msg_namelen;
		if (namelen && uk_copy_to_user(k->umsg.msg_name, &k->name,
					       namelen))
			return -EFAULT;
		namelen = k->msg.msg_namelen;
	}
	if (k->msg.msg_control) {
		clen = k->msg.msg_controllen;
		if (clen && uk_copy_to_user(k->umsg.msg_control, k->control,
					    clen))
			return -EFAULT;
	}
	if (uk_copy_to_user(&umsg->msg_namelen, &namelen, sizeof(namelen)) ||
	    uk_copy_to_user(&umsg->msg_controllen, &clen, sizeof(clen)) ||
	    uk_copy_to_user(&umsg->msg_flags, &k->msg.msg_flags,
			    sizeof(int)))
		return -EFAULT;
	return 0;
}

ssize_t sendmsg(int fd, const struct msghdr *umsg, int flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;
	struct kmsg k;
	ssize_t rc;

	SOCK_GET(fd, sock, of);
	rc = kmsg_in(&k, umsg, 1);
	if (!rc)
		rc = sock_send(sock, &k.msg, flags, nonblocking(of, flags));
	kmsg_free(&k);
	return put_fail(of, rc);
}

ssize_t recvmsg(int fd, struct msghdr *umsg, int flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;
	struct kmsg k;
	ssize_t rc;

	SOCK_GET(fd, sock, of);
	rc = kmsg_in(&k, umsg, 0);
	if (!rc)
		rc = sock_recv(sock, &k.msg, flags, nonblocking(of, flags));
	if (rc >= 0) {
		int err = kmsg_out(&k, umsg);

		if (err)
			rc = err;
	}
	kmsg_free(&k);
	return put_fail(of, rc);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	struct posix_socket_file *sock;
	struct sockaddr_storage ss;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct uk_ofile *of;
	ssize_t rc = 0;

	SOCK_GET(fd, sock, of);
	if (to) {
		rc = addr_in(&ss, to, tolen);
		msg.msg_name = &ss;
		msg.msg_namelen = tolen;
	}
	if (!rc)
		rc = sock_send(sock, &msg, flags, nonblocking(of, flags));
	return put_fail(of, rc);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen)
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
	rc = addrlen_in(from, fromlen, &ulen);
	if (!rc && from && fromlen) {
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
	}
	if (!rc)
		rc = sock_recv(sock, &msg, flags, nonblocking(of, flags));
	if (rc >= 0 && msg.msg_name) {
		err = addr_out(&ss, msg.msg_namelen, from, ulen, fromlen);
		if (err)
			rc = err;
	}
	return put_fail(of, rc);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* --- options -------------------------------------------------------- */

static int timeo_get(__nsec ns, void *val, socklen_t *len)
{
	struct timeval tv = {
		.tv_sec = ns / 1000000000,
		.tv_usec = (ns % 1000000000) / 1000,
	};

	if (*len < sizeof(tv))
		return -EINVAL;
	*len = sizeof(tv);
	memcpy(val, &tv, sizeof(tv));
	return 0;
}

static int timeo_set(__nsec *ns, const void *val, socklen_t len)
{
	struct timeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0)	/* Linux: already expired */
		*ns = 1;
	else
		*ns = tv.tv_sec * 1000000000ULL + tv.tv_usec * 1000ULL;
	return 0;
}

/* The options of the socket layer; -ENOPROTOOPT for the family's. */
static int layer_getsockopt(struct posix_socket_file *sock, int name,
			    void *val, socklen_t *len)
{
	int v;

	switch (name) {
	case SO_TYPE:
		v = sock->type;
		break;
	case SO_DOMAIN:
		v = sock->family;
		break;
	case SO_PROTOCOL:
		v = sock->protocol;
		break;
	case SO_RCVTIMEO:
		return timeo_get(sock->rcvtimeo, val, len);
	case SO_SNDTIMEO:
		return timeo_get(sock->sndtimeo, val, len);
	default:
		return -ENOPROTOOPT;
	}
	/* Linux copies at most an int, as much as fits. */
	if (*len > sizeof(v))
		*len = sizeof(v);
	memcpy(val, &v, *len);
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *ulen)
{
	struct posix_socket_file *sock;
	char kval[OPTVAL_MAX];
	struct uk_ofile *of;
	socklen_t len;
	int rc;

	SOCK_GET(fd, sock, of);
	rc = uk_copy_from_user(&len, ulen, sizeof(len));
	if (!rc && (int)len < 0)
		rc = -EINVAL;
	if (rc)
		return put_fail(of, rc);
	if (len > sizeof(kval))
		len = sizeof(kval);
	rc = -ENOPROTOOPT;
	if (level == SOL_SOCKET)
		rc = layer_getsockopt(sock, name, kval, &len);
	if (rc == -ENOPROTOOPT)
		rc = sock->driver->ops->getsockopt ?
		     sock->driver->ops->getsockopt(sock, level, name, kval,
						   &len) : -ENOPROTOOPT;
	if (!rc && (uk_copy_to_user(val, kval, len) ||
		    uk_copy_to_user(ulen, &len, sizeof(len))))
		rc = -EFAULT;
	return put_fail(of, rc);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct posix_socket_file *sock;
	char kval[OPTVAL_MAX];
	struct uk_ofile *of;
	int rc = 0;

	SOCK_GET(fd, sock, of);
	if ((int)len < 0)
		rc = -EINVAL;
	if (!rc && len > sizeof(kval))
		len = sizeof(kval);
	if (!rc && len && uk_copy_from_user(kval, val, len))
		rc = -EFAULT;
	if (rc)
		return put_fail(of, rc);
	if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		rc = timeo_set(&sock->rcvtimeo, kval, len);
	else if (level == SOL_SOCKET && name == SO_SNDTIMEO)
		rc = timeo_set(&sock->sndtimeo, kval, len);
	else
		rc = sock->driver->ops->setsockopt ?
		     sock->driver->ops->setsockopt(sock, level, name, kval,
						   len) : -ENOPROTOOPT;
	return put_fail(of, rc);
}
