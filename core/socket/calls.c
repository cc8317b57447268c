/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The socket system calls that make, connect and name sockets, and the
 * options (sending and receiving: msg.c). Each copies the app's
 * addresses and option values in and out (bad pointers are EFAULT),
 * calls the family's op and, for blocking sockets, waits on the socket's
 * queue and calls the op again until it stops returning -EAGAIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/socket.h>
#include <uk/plat/time.h>
#include <uk/syscall.h>
#include "socket_impl.h"

/* Option values the socket layer passes to families. */
#define OPTVAL_MAX	256

/* --- making sockets ------------------------------------------------- */

/* Checks socket(2)'s arguments in Linux's order; returns the driver. */
static struct posix_socket_driver *check_new(int family, int *type,
					     int *flags)
{
	struct posix_socket_driver *d;

	*flags = *type & ~0xf;
	*type &= 0xf;
	if (*flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return ERR2PTR(-EINVAL);
	if (family < 0 || family >= POSIX_SOCKET_FAMILY_MAX)
		return ERR2PTR(-EAFNOSUPPORT);
	if (*type < 1 || *type > 10)
		return ERR2PTR(-EINVAL);
	d = posix_socket_driver_get(family);
	return d ? d : ERR2PTR(-EAFNOSUPPORT);
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

UK_SYSCALL_R_DEFINE(int, socket, int, family, int, type, int, protocol)
{
	return uk_socket_create(family, type, protocol);
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

UK_SYSCALL_R_DEFINE(int, socketpair, int, family, int, type, int, protocol,
		    int *, sv)
{
	int fds[2], rc;

	rc = make_pair(family, type, protocol, fds);
	if (rc < 0)
		return rc;
	if (uk_copy_to_user(sv, fds, sizeof(fds))) {
		uk_fdtab_close(fds[0]);
		uk_fdtab_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* --- calls on a socket fd ------------------------------------------- */

UK_SYSCALL_R_DEFINE(int, bind, int, fd, const struct sockaddr *, addr,
		    socklen_t, addrlen)
{
	struct posix_socket_file *sock;
	struct sockaddr_storage ss;
	struct uk_ofile *of;
	int rc;

	SOCK_GET(fd, sock, of);
	rc = uk_socket_addr_in(&ss, addr, addrlen);
	if (!rc)
		rc = sock->driver->ops->bind ?
		     sock->driver->ops->bind(sock, (struct sockaddr *)&ss,
					     addrlen) : -EOPNOTSUPP;
	return uk_socket_put_ret(of, rc);
}

UK_SYSCALL_R_DEFINE(int, listen, int, fd, int, backlog)
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
	return uk_socket_put_ret(of, rc);
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
	rc = uk_socket_addrlen_in(addr, addrlen, &len);
	if (rc)
		return rc;
	a.newsock = uk_socket_alloc(sock->driver, sock->family, sock->type,
				    sock->protocol);
	if (!a.newsock)
		return -ENOMEM;
	rc = uk_socket_retry(sock, accept_fn, &a, uk_socket_nonblocking(of, 0),
			sock->rcvtimeo);
	if (rc < 0) {
		uk_file_put(&a.newsock->file);
		return rc;
	}
	fd = uk_socket_install(a.newsock, flags);
	if (fd < 0)
		return fd;
	rc = 0;
	if (addr && addrlen)
		rc = uk_socket_addr_out(&a.ss, a.sslen, addr, len, addrlen);
	if (rc) {
		uk_fdtab_close(fd);
		return rc;
	}
	return fd;
}

UK_SYSCALL_R_DEFINE(int, accept4, int, fd, struct sockaddr *, addr,
		    socklen_t *, addrlen, int, flags)
{
	struct posix_socket_file *sock;
	struct uk_ofile *of;

	SOCK_GET(fd, sock, of);
	return uk_socket_put_ret(of, do_accept(sock, of, addr, addrlen, flags));
}

UK_SYSCALL_R_DEFINE(int, accept, int, fd, struct sockaddr *, addr,
		    socklen_t *, addrlen)
{
	return __uk_sys_accept4(fd, addr, addrlen, 0);
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

/* A family that starts a connection in the background returns
 * -EINPROGRESS (a TCP handshake). A blocking connect() waits for the
 * socket to become writable or to fail, then asks the family again for
 * the result; on SO_SNDTIMEO's timeout it returns -EINPROGRESS, as
 * Linux does. */
static int connect_finish(struct posix_socket_file *sock,
			  struct connect_args *a)
{
	__nsec deadline = sock->sndtimeo ?
			  ukplat_monotonic_clock() + sock->sndtimeo : 0;
	int rc = -EALREADY;

	while (rc == -EALREADY) {
		if (!uk_file_wait(&sock->file, UK_POLLOUT, deadline))
			return uk_thread_interrupted(uk_thread_current()) ?
			       -EINTR : -EINPROGRESS;
		rc = (int)connect_fn(sock, a);
	}
	return rc;
}

UK_SYSCALL_R_DEFINE(int, connect, int, fd, const struct sockaddr *, addr,
		    socklen_t, addrlen)
{
	struct posix_socket_file *sock;
	struct connect_args a = { .len = addrlen };
	struct uk_ofile *of;
	int rc, nonblock;

	SOCK_GET(fd, sock, of);
	nonblock = uk_socket_nonblocking(of, 0);
	rc = uk_socket_addr_in(&a.ss, addr, addrlen);
	if (!rc && !sock->driver->ops->connect)
		rc = -EOPNOTSUPP;
	if (!rc)
		rc = uk_socket_retry(sock, connect_fn, &a, nonblock,
				     sock->sndtimeo);
	if (rc == -EINPROGRESS && !nonblock)
		rc = connect_finish(sock, &a);
	return uk_socket_put_ret(of, rc);
}

UK_SYSCALL_R_DEFINE(int, shutdown, int, fd, int, how)
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
	return uk_socket_put_ret(of, rc);
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
	rc = uk_socket_len_in(addrlen, &len);
	if (!rc && !op)
		rc = -EOPNOTSUPP;
	if (!rc) {
		memset(&ss, 0, sizeof(ss));
		rc = op(sock, (struct sockaddr *)&ss, &klen);
	}
	if (!rc)
		rc = uk_socket_addr_out(&ss, klen, addr, len, addrlen);
	return uk_socket_put_ret(of, rc);
}

UK_SYSCALL_R_DEFINE(int, getsockname, int, fd, struct sockaddr *, addr,
		    socklen_t *, addrlen)
{
	return get_name(fd, addr, addrlen, 0);
}

UK_SYSCALL_R_DEFINE(int, getpeername, int, fd, struct sockaddr *, addr,
		    socklen_t *, addrlen)
{
	return get_name(fd, addr, addrlen, 1);
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

/* A timeout this long or longer is none (0), as Linux's beyond
 * MAX_SCHEDULE_TIMEOUT; it also keeps now + timeout from wrapping. */
#define TIMEO_FOREVER_SEC	(1L << 32)

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
	else if (tv.tv_sec >= TIMEO_FOREVER_SEC)	/* Linux: no limit */
		*ns = 0;
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

UK_SYSCALL_R_DEFINE(int, getsockopt, int, fd, int, level, int, name,
		    void *, val, socklen_t *, ulen)
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
		return uk_socket_put_ret(of, rc);
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
	return uk_socket_put_ret(of, rc);
}

UK_SYSCALL_R_DEFINE(int, setsockopt, int, fd, int, level, int, name,
		    const void *, val, socklen_t, len)
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
		return uk_socket_put_ret(of, rc);
	if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		rc = timeo_set(&sock->rcvtimeo, kval, len);
	else if (level == SOL_SOCKET && name == SO_SNDTIMEO)
		rc = timeo_set(&sock->sndtimeo, kval, len);
	else
		rc = sock->driver->ops->setsockopt ?
		     sock->driver->ops->setsockopt(sock, level, name, kval,
						   len) : -ENOPROTOOPT;
	return uk_socket_put_ret(of, rc);
}
