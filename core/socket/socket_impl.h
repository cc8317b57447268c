/* SPDX-License-Identifier: BSD-3-Clause */
/* Inside core/socket: shared by the socket file and the calls. */
#ifndef __SOCKET_IMPL_H__
#define __SOCKET_IMPL_H__

#include <uk/socket.h>

/* A fresh socket file of driver d (one reference), or NULL. */
struct posix_socket_file *uk_socket_alloc(struct posix_socket_driver *d,
					  int family, int type, int protocol);
/* Marks sock created by its family and gives it an fd with the
 * SOCK_NONBLOCK / SOCK_CLOEXEC flags. Returns the fd or -errno (then
 * the socket is closed and freed). */
int uk_socket_install(struct posix_socket_file *sock, int flags);
/* One call of the family's recvmsg / sendmsg (or recvfrom / sendto for
 * a single buffer without control data); msg is the kernel's. */
ssize_t uk_socket_recv_once(struct posix_socket_file *sock,
			    struct msghdr *msg, int flags);
ssize_t uk_socket_send_once(struct posix_socket_file *sock,
			    const struct msghdr *msg, int flags);

#endif /* __SOCKET_IMPL_H__ */
