/* SPDX-License-Identifier: BSD-3-Clause */
/* Inside core/socket: shared by the socket file and the calls. */
#ifndef __SOCKET_IMPL_H__
#define __SOCKET_IMPL_H__

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <uk/errptr.h>
#include <uk/socket.h>

/* A fresh socket file of driver d (one reference), or NULL. */
struct posix_socket_file *uk_socket_alloc(struct posix_socket_driver *d,
					  int family, int type, int protocol);
/* Marks sock created by its family and gives it an fd with the
 * SOCK_NONBLOCK / SOCK_CLOEXEC flags. Returns the fd or -errno (then
 * the socket is closed and freed). */
int uk_socket_install(struct posix_socket_file *sock, int flags);

/* An attempt of a family op: returns -EAGAIN when it must wait. */
typedef ssize_t (*uk_socket_fn)(struct posix_socket_file *sock, void *args);
/* Calls fn until it returns something other than -EAGAIN: once if
 * nonblock, else waiting for sock's notifications, at most timeo ns (0:
 * forever; -EAGAIN after it). */
ssize_t uk_socket_retry(struct posix_socket_file *sock, uk_socket_fn fn,
			void *args, int nonblock, __nsec timeo);

/* Sends / receives msg (the kernel's msghdr, the app's buffers) with
 * Linux's blocking rules: a blocking stream send goes on until all is
 * sent, MSG_WAITALL until all is received, SIGPIPE unless MSG_NOSIGNAL,
 * the socket's timeouts. Return bytes or -errno. */
ssize_t uk_socket_send(struct posix_socket_file *sock,
		       const struct msghdr *msg, int flags, int nonblock);
ssize_t uk_socket_recv(struct posix_socket_file *sock, struct msghdr *msg,
		       int flags, int nonblock);

/* App addresses: addr_in copies len bytes (-EINVAL over a
 * sockaddr_storage, -EFAULT); len_in reads and checks *ulenp (-EFAULT,
 * -EINVAL if negative); addrlen_in is len_in for an optional address
 * (*len 0 if addr or ulenp is NULL); addr_out stores klen
 * bytes truncated to len and the full klen in *ulenp. */
int uk_socket_addr_in(struct sockaddr_storage *ss,
		      const struct sockaddr *addr, socklen_t len);
int uk_socket_len_in(socklen_t *ulenp, socklen_t *len);
int uk_socket_addrlen_in(struct sockaddr *addr, socklen_t *ulenp,
			 socklen_t *len);
int uk_socket_addr_out(const struct sockaddr_storage *ss, socklen_t klen,
		       struct sockaddr *addr, socklen_t len,
		       socklen_t *ulenp);

static inline long uk_socket_put_ret(struct uk_ofile *of, long rc)
{
	uk_ofile_put(of);
	return rc;
}

static inline int uk_socket_nonblocking(const struct uk_ofile *of,
					int msg_flags)
{
	return (of->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT);
}

/* In a POSIX call: the socket at fd and its description, or return. */
#define SOCK_GET(fd, sock, of)						\
	do {								\
		(sock) = uk_socket_get((fd), &(of));			\
		if (PTRISERR(sock))					\
			return PTR2ERR(sock);				\
	} while (0)

#endif /* __SOCKET_IMPL_H__ */
