/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The family registry and the socket file: what fds of a socket point to.
 * File operations (read, write, ioctl, poll, close) go to the family.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <uk/errptr.h>
#include <uk/fdtab.h>
#include <uk/init.h>
#include <uk/print.h>
#include <uk/socket.h>
#include "socket_impl.h"

UK_LINKTAB_DEFINE(const struct posix_socket_family *const,
		  __posix_socket_tab, "socket");

static struct posix_socket_driver drivers[POSIX_SOCKET_FAMILY_MAX];

static void driver_register(const struct posix_socket_family *fam)
{
	struct posix_socket_driver *d;
	int rc;

	if (fam->family < 0 || fam->family >= POSIX_SOCKET_FAMILY_MAX) {
		uk_pr_err("socket: %s: family %d out of range\n",
			  fam->libname, fam->family);
		return;
	}
	d = &drivers[fam->family];
	if (d->ops) {
		uk_pr_err("socket: %s: family %d taken by %s\n",
			  fam->libname, fam->family, d->libname);
		return;
	}
	d->family = fam->family;
	d->libname = fam->libname;
	d->allocator = uk_alloc_get_default();
	if (fam->ops->init) {
		rc = fam->ops->init(d);
		if (rc < 0) {
			uk_pr_err("socket: %s: init failed: %d\n",
				  fam->libname, rc);
			return;
		}
	}
	d->ops = fam->ops;
}

static int socket_registry_init(struct uk_init_ctx *ctx __unused)
{
	const struct posix_socket_family *const *it;

	uk_linktab_foreach(it, __posix_socket_tab)
		driver_register(*it);
	return 0;
}
uk_lib_initcall(socket_registry_init, NULL);

struct posix_socket_driver *posix_socket_driver_get(int family)
{
	if (family < 0 || family >= POSIX_SOCKET_FAMILY_MAX)
		return NULL;
	return drivers[family].ops ? &drivers[family] : NULL;
}

/* --- the socket file ------------------------------------------------ */

static ssize_t sock_file_read(struct uk_file *f, const struct iovec *iov,
			      int iovcnt, off_t *off __unused,
			      unsigned int flags __unused)
{
	struct posix_socket_file *sock = posix_socket_file_of(f);
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovcnt,
	};

	if (sock->driver->ops->read)
		return sock->driver->ops->read(sock, iov, iovcnt);
	return uk_socket_recv_once(sock, &msg, 0);
}

static ssize_t sock_file_write(struct uk_file *f, const struct iovec *iov,
			       int iovcnt, off_t *off __unused,
			       unsigned int flags __unused)
{
	struct posix_socket_file *sock = posix_socket_file_of(f);
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovcnt,
	};
	ssize_t rc;

	if (sock->driver->ops->write)
		rc = sock->driver->ops->write(sock, iov, iovcnt);
	else
		rc = uk_socket_send_once(sock, &msg, 0);
	if (rc == -EPIPE)
		uk_signal_raise_pipe();
	return rc;
}

static int sock_file_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct posix_socket_file *sock = posix_socket_file_of(f);

	if (!sock->driver->ops->ioctl)
		return -ENOTTY;
	return sock->driver->ops->ioctl(sock, req, arg);
}

static unsigned int sock_file_poll(struct uk_file *f)
{
	struct posix_socket_file *sock = posix_socket_file_of(f);

	if (!sock->driver->ops->poll)
		return UK_POLLIN | UK_POLLOUT;
	return sock->driver->ops->poll(sock);
}

/* The family's socket goes with the last description (not the last file
 * reference): a path name may still lead to the file for a moment. */
static void sock_close(struct posix_socket_file *sock)
{
	if (!sock->live)
		return;
	sock->live = 0;
	if (sock->driver->ops->close)
		sock->driver->ops->close(sock);
}

static void sock_file_close(struct uk_file *f, struct uk_ofile *of __unused)
{
	sock_close(posix_socket_file_of(f));
}

static void sock_file_release(struct uk_file *f)
{
	struct posix_socket_file *sock = posix_socket_file_of(f);

	/* Never opened (the description could not be made). */
	sock_close(sock);
	uk_free(sock->driver->allocator, sock);
}

static const struct uk_file_ops sock_file_ops = {
	.read = sock_file_read,
	.write = sock_file_write,
	.ioctl = sock_file_ioctl,
	.poll = sock_file_poll,
	.close = sock_file_close,
	.release = sock_file_release,
};

int uk_file_is_socket(const struct uk_file *f)
{
	return f->ops == &sock_file_ops;
}

struct posix_socket_file *uk_socket_alloc(struct posix_socket_driver *d,
					  int family, int type, int protocol)
{
	struct posix_socket_file *sock;

	sock = uk_calloc(d->allocator, 1, sizeof(*sock));
	if (!sock)
		return NULL;
	uk_file_init(&sock->file, &sock_file_ops, S_IFSOCK | 0777, NULL);
	sock->driver = d;
	sock->family = family;
	sock->type = type;
	sock->protocol = protocol;
	return sock;
}

int uk_socket_install(struct posix_socket_file *sock, int flags)
{
	unsigned int oflags = O_RDWR;

	sock->live = 1;
	if (flags & SOCK_NONBLOCK)
		oflags |= O_NONBLOCK;
	if (flags & SOCK_CLOEXEC)
		oflags |= O_CLOEXEC;
	return uk_fdtab_open(&sock->file, oflags);
}

struct posix_socket_file *uk_socket_get(int fd, struct uk_ofile **of)
{
	struct uk_ofile *o = uk_fdtab_get(fd);

	if (PTRISERR(o))
		return ERR2PTR(PTR2ERR(o));
	if (!uk_file_is_socket(o->file)) {
		uk_ofile_put(o);
		return ERR2PTR(-ENOTSOCK);
	}
	*of = o;
	return posix_socket_file_of(o->file);
}
