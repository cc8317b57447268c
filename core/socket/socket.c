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
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include <uk/socket.h>
#include <uk/syscall.h>
#include <uk/thread.h>
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

static int socket_registry_init(struct uk_init_ctx *ctx __maybe_unused)
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

/* read(2) and write(2) are recv and send without flags: they wait here,
 * with the socket's timeouts (the file ops are marked self_blocking). */
static ssize_t sock_file_read(struct uk_file *f, const struct iovec *iov,
			      int iovcnt, off_t *off __maybe_unused,
			      unsigned int flags)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovcnt,
	};

	return uk_socket_recv(posix_socket_file_of(f), &msg, 0,
			      flags & O_NONBLOCK);
}

static ssize_t sock_file_write(struct uk_file *f, const struct iovec *iov,
			       int iovcnt, off_t *off __maybe_unused,
			       unsigned int flags)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovcnt,
	};

	return uk_socket_send(posix_socket_file_of(f), &msg, 0,
			      flags & O_NONBLOCK);
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

/* As Linux's sockfs inode: a number of its own (uk_file_ino_next). */
static int sock_file_getstat(struct uk_file *f, struct stat *st)
{
	st->st_ino = posix_socket_file_of(f)->ino;
	return 0;
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

static void sock_file_close(struct uk_file *f, struct uk_ofile *of __maybe_unused)
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
	.self_blocking = 1,
	.read = sock_file_read,
	.write = sock_file_write,
	.ioctl = sock_file_ioctl,
	.poll = sock_file_poll,
	.getstat = sock_file_getstat,
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
	sock->ino = uk_file_ino_next();
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

/* --- retrying ops ------------------------------------------------- */

struct attempt {
	uk_socket_fn fn;
	void *args;
	ssize_t rc;
};

static int attempt_once(struct uk_file *f, void *arg)
{
	struct attempt *a = arg;

	a->rc = a->fn(posix_socket_file_of(f), a->args);
	return a->rc != -EAGAIN;
}

/* Any notification retries: the family's own state decides, as a
 * connecting socket's poll events say nothing about the listener's
 * backlog. The op runs as the wait's condition, after queuing, so no
 * notification is lost between an -EAGAIN and the sleep. */
ssize_t uk_socket_retry(struct posix_socket_file *sock, uk_socket_fn fn,
			void *args, int nonblock, __nsec timeo)
{
	struct attempt a = { fn, args, fn(sock, args) };
	__nsec deadline;

	if (a.rc != -EAGAIN || nonblock)
		return a.rc;
	deadline = timeo ? ukplat_monotonic_clock() + timeo : 0;
	uk_file_wait_until(&sock->file, ~0U, attempt_once, &a, deadline);
	if (a.rc == -EAGAIN && uk_thread_interrupted(uk_thread_current()))
		return timeo ? -EINTR : -UK_ERESTARTSYS;
	return a.rc;
}

/* --- addresses ------------------------------------------------------ */

int uk_socket_addr_in(struct sockaddr_storage *ss,
		      const struct sockaddr *addr, socklen_t len)
{
	if (len > sizeof(*ss))
		return -EINVAL;
	if (!len)
		return 0;
	return uk_copy_from_user(ss, addr, len);
}

int uk_socket_len_in(socklen_t *ulenp, socklen_t *len)
{
	if (uk_copy_from_user(len, ulenp, sizeof(*len)))
		return -EFAULT;
	return (int)*len < 0 ? -EINVAL : 0;
}

int uk_socket_addrlen_in(struct sockaddr *addr, socklen_t *ulenp,
			 socklen_t *len)
{
	*len = 0;
	if (!addr || !ulenp)
		return 0;
	return uk_socket_len_in(ulenp, len);
}

int uk_socket_addr_out(const struct sockaddr_storage *ss, socklen_t klen,
		       struct sockaddr *addr, socklen_t len,
		       socklen_t *ulenp)
{
	if (len > klen)
		len = klen;
	if (len && uk_copy_to_user(addr, ss, len))
		return -EFAULT;
	return uk_copy_to_user(ulenp, &klen, sizeof(klen));
}
