/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket families (Unikraft's posix-socket). A family registers an ops
 * table for its AF number at link time:
 *
 *	POSIX_SOCKET_FAMILY_REGISTER(AF_UNIX, &unix_socket_ops);
 *
 * socket(), bind(), send() ... find the family by the socket's AF number
 * and call its ops. Every socket is a struct posix_socket_file: a file
 * (uk/file.h) that fds point to, plus the family's own socket data.
 *
 * The rules for ops, as for every file driver:
 * - Ops never block. An op that cannot go on now returns -EAGAIN, and the
 *   family later notifies the socket's queue with
 *   posix_socket_notify(sock, events). The socket layer waits there for
 *   blocking sockets (recv: UK_POLLIN; send, connect: UK_POLLOUT; accept:
 *   UK_POLLIN) and calls the op again; poll and epoll watch the queue.
 * - Addresses, option values, msghdr structures and control data are
 *   kernel copies made by the socket layer (bad app pointers are EFAULT
 *   there). Data buffers (iovecs' iov_base, buf) are the app's: copy them
 *   with uk_iov_copy_to/from (uk/file.h) or uk_copy_to/from_user.
 * - Errors are -errno. Missing ops make the call fail with -EOPNOTSUPP,
 *   except: read/write/recvfrom/sendto fall back to recvmsg/sendmsg, a
 *   missing poll means "always ready", a missing ioctl -ENOTTY.
 * - SO_RCVTIMEO and SO_SNDTIMEO are the socket layer's (it waits);
 *   SO_TYPE, SO_DOMAIN and SO_PROTOCOL too. Other options go to the family.
 * - After close, the family never touches the posix_socket_file again.
 */
#ifndef __UK_SOCKET_H__
#define __UK_SOCKET_H__

#include <sys/types.h>
#include <sys/socket.h>
#include <uk/alloc.h>
#include <uk/file.h>
#include <uk/linktab.h>
#include <uk/arch/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct posix_socket_ops;

/* A registered family. */
struct posix_socket_driver {
	int family;			/* AF number */
	const char *libname;		/* for messages */
	const struct posix_socket_ops *ops;
	struct uk_alloc *allocator;	/* the family's heap (default) */
	void *private;			/* the family's */
};

/* A socket: what the fds of a socket point to. */
struct posix_socket_file {
	struct uk_file file;		/* mode S_IFSOCK | 0777 */
	struct posix_socket_driver *driver;
	void *sock_data;		/* the family's socket */
	int family, type, protocol;	/* type without NONBLOCK/CLOEXEC */
	__nsec rcvtimeo, sndtimeo;	/* 0: wait forever */
	int live;			/* the layer's: created, not closed */
	/* An error recvmmsg met after some messages: the next receive
	 * returns it (Linux's sk_err). Positive errno, 0: none. */
	int recv_err;
	ino_t ino;			/* sockfs's: fstat, /proc/self/fd */
};

static inline struct posix_socket_file *
posix_socket_file_of(struct uk_file *f)
{
	return __containerof(f, struct posix_socket_file, file);
}

/* Wakes waiters (threads, poll, epoll) for events on sock. ISR-safe. */
static inline void posix_socket_notify(struct posix_socket_file *sock,
				       unsigned int events)
{
	uk_pollq_notify(&sock->file.pollq, events);
}

struct posix_socket_ops {
	/* Once at boot, before any socket (may be NULL). */
	int (*init)(struct posix_socket_driver *d);
	/* Sets up sock (sets sock->sock_data). type has no NONBLOCK /
	 * CLOEXEC bits. -EPROTONOSUPPORT, -ESOCKTNOSUPPORT, -ENOMEM. */
	int (*create)(struct posix_socket_file *sock, int family, int type,
		      int protocol);
	/* Sets up two connected sockets (both fresh, as create). */
	int (*socketpair)(struct posix_socket_file *a,
			  struct posix_socket_file *b, int family,
			  int type, int protocol);
	/* Sets up newsock (fresh) as the next connection of listening sock;
	 * *addr (a sockaddr_storage) and *addrlen (full size) get the
	 * peer's address. -EAGAIN when none is pending, -EINVAL if sock
	 * does not listen. flags: SOCK_NONBLOCK/SOCK_CLOEXEC (applied to
	 * the fd by the socket layer; for information). */
	int (*accept4)(struct posix_socket_file *sock,
		       struct posix_socket_file *newsock,
		       struct sockaddr *addr, socklen_t *addrlen, int flags);
	int (*bind)(struct posix_socket_file *sock,
		    const struct sockaddr *addr, socklen_t addrlen);
	int (*shutdown)(struct posix_socket_file *sock, int how);
	/* *addr is a sockaddr_storage; *addrlen gets the full size. */
	int (*getpeername)(struct posix_socket_file *sock,
			   struct sockaddr *addr, socklen_t *addrlen);
	int (*getsockname)(struct posix_socket_file *sock,
			   struct sockaddr *addr, socklen_t *addrlen);
	/* val is a kernel buffer of *len bytes (at most 256); the op sets
	 * *len to the bytes stored. -ENOPROTOOPT for unknown options. */
	int (*getsockopt)(struct posix_socket_file *sock, int level,
			  int optname, void *val, socklen_t *len);
	int (*setsockopt)(struct posix_socket_file *sock, int level,
			  int optname, const void *val, socklen_t len);
	/* -EAGAIN: retried (blocking) after UK_POLLOUT, or returned.
	 * -EINPROGRESS: the connection goes on in the background; a
	 * blocking connect() waits for UK_POLLOUT (or ERR/HUP) and calls
	 * the op again, which then returns the result (0 or -errno), or
	 * -EALREADY while it is still going on (as Linux's connect). */
	int (*connect)(struct posix_socket_file *sock,
		       const struct sockaddr *addr, socklen_t addrlen);
	/* backlog is clamped to [0, SOMAXCONN] by the socket layer. */
	int (*listen)(struct posix_socket_file *sock, int backlog);
	/* buf is the app's; from/fromlen as getpeername (from may be
	 * NULL). flags are MSG_*; MSG_DONTWAIT is the layer's. */
	ssize_t (*recvfrom)(struct posix_socket_file *sock, void *buf,
			    size_t len, int flags, struct sockaddr *from,
			    socklen_t *fromlen);
	/* msg: a kernel msghdr; msg_iov a kernel array of app buffers;
	 * msg_name (a sockaddr_storage, or NULL) and msg_control (or NULL)
	 * kernel buffers of msg_namelen / msg_controllen bytes. The op sets
	 * msg_namelen, msg_controllen and msg_flags. Returns the bytes
	 * received (with MSG_TRUNC in flags: the datagram's full size). */
	ssize_t (*recvmsg)(struct posix_socket_file *sock, struct msghdr *msg,
			   int flags);
	/* msg as for recvmsg (msg_name NULL if no address). MSG_NOSIGNAL:
	 * the op returns -EPIPE, and the layer raises SIGPIPE unless the
	 * flag is set. */
	ssize_t (*sendmsg)(struct posix_socket_file *sock,
			   const struct msghdr *msg, int flags);
	ssize_t (*sendto)(struct posix_socket_file *sock, const void *buf,
			  size_t len, int flags, const struct sockaddr *to,
			  socklen_t tolen);
	/* read(2)/write(2): iov is a kernel array of app buffers. */
	ssize_t (*read)(struct posix_socket_file *sock,
			const struct iovec *iov, int iovcnt);
	ssize_t (*write)(struct posix_socket_file *sock,
			 const struct iovec *iov, int iovcnt);
	/* The last description of sock is gone: release the family's
	 * socket. The layer frees sock itself afterwards. */
	int (*close)(struct posix_socket_file *sock);
	/* arg is the app's pointer or value. FIONBIO/FIOCLEX are the fd
	 * layer's. */
	int (*ioctl)(struct posix_socket_file *sock, unsigned long req,
		     void *arg);
	/* The events that hold now (UK_POLL*). Must not block. */
	unsigned int (*poll)(struct posix_socket_file *sock);
};

/* Link-time table of families; family numbers are below
 * POSIX_SOCKET_FAMILY_MAX (sys/socket.h's, or a new one of the app's). */
#define POSIX_SOCKET_FAMILY_MAX	64

struct posix_socket_family {
	int family;
	const char *libname;
	const struct posix_socket_ops *ops;
};

#define POSIX_SOCKET_FAMILY_REGISTER(fam, sock_ops)			\
	static const struct posix_socket_family				\
	UK_CONCAT(__posix_socket_family_, __LINE__) = {			\
		.family = (fam),					\
		.libname = #fam,					\
		.ops = (sock_ops),					\
	};								\
	UK_LINKTAB_ENTRY(const struct posix_socket_family *const,	\
			 UK_CONCAT(__posix_socket_familyp_, __LINE__),	\
			 "socket", "0") =				\
		&UK_CONCAT(__posix_socket_family_, __LINE__)

/* The driver of family (EAFNOSUPPORT when none: NULL). */
struct posix_socket_driver *posix_socket_driver_get(int family);

/*
 * Kernel forms of the calls, on sockets rather than fds (kernel tests,
 * families that make sockets of their own): -errno.
 */
/* Makes a socket and its fd as socket(2). Returns the fd or -errno. */
int uk_socket_create(int family, int type, int protocol);
/* The socket behind fd with a reference on its description (*of; drop
 * with uk_ofile_put). -EBADF, -ENOTSOCK. */
struct posix_socket_file *uk_socket_get(int fd, struct uk_ofile **of);
/* Nonzero if f is a socket. */
int uk_file_is_socket(const struct uk_file *f);

#ifdef __cplusplus
}
#endif

#endif /* __UK_SOCKET_H__ */
