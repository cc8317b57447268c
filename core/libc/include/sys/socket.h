/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sockets (core/socket): the calls route by the socket's family to the
 * implementation registered for it (uk/socket.h). Constants and
 * structures have Linux's values and layouts.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_storage {
	sa_family_t ss_family;
	char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
	unsigned long __ss_align;
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct cmsghdr {
	size_t cmsg_len;		/* header and data */
	int cmsg_level;
	int cmsg_type;
};

struct ucred {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

struct linger {
	int l_onoff;
	int l_linger;
};

#define CMSG_ALIGN(len)	(((len) + sizeof(size_t) - 1) & \
			 ~(size_t)(sizeof(size_t) - 1))
#define CMSG_DATA(c)	((unsigned char *)((struct cmsghdr *)(c) + 1))
#define CMSG_SPACE(len)	(CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len)	(CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(m) \
	((size_t)(m)->msg_controllen >= sizeof(struct cmsghdr) ? \
	 (struct cmsghdr *)(m)->msg_control : (struct cmsghdr *)0)
#define CMSG_NXTHDR(m, c)	__cmsg_nxthdr((m), (c))

static inline struct cmsghdr *__cmsg_nxthdr(struct msghdr *m,
					    struct cmsghdr *c)
{
	unsigned char *end = (unsigned char *)m->msg_control +
			     m->msg_controllen;
	unsigned char *next;

	if (c->cmsg_len < sizeof(struct cmsghdr))
		return (struct cmsghdr *)0;
	next = (unsigned char *)c + CMSG_ALIGN(c->cmsg_len);
	if (next + sizeof(struct cmsghdr) > end ||
	    next + CMSG_ALIGN(((struct cmsghdr *)next)->cmsg_len) > end)
		return (struct cmsghdr *)0;
	return (struct cmsghdr *)next;
}

/* Types; SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into the type. */
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_RDM	4
#define SOCK_SEQPACKET	5
#define SOCK_NONBLOCK	00004000
#define SOCK_CLOEXEC	02000000

/* Families (address and protocol families are the same numbers). */
#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_LOCAL	AF_UNIX
#define AF_INET		2
#define AF_INET6	10
#define AF_NETLINK	16
#define AF_PACKET	17
#define AF_MAX		46
#define PF_UNSPEC	AF_UNSPEC
#define PF_UNIX		AF_UNIX
#define PF_LOCAL	AF_LOCAL
#define PF_INET		AF_INET
#define PF_INET6	AF_INET6
#define PF_MAX		AF_MAX

#define SOMAXCONN	4096

/* Flags of send and recv. */
#define MSG_OOB		0x0001
#define MSG_PEEK	0x0002
#define MSG_DONTROUTE	0x0004
#define MSG_CTRUNC	0x0008
#define MSG_TRUNC	0x0020
#define MSG_DONTWAIT	0x0040
#define MSG_EOR		0x0080
#define MSG_WAITALL	0x0100
#define MSG_NOSIGNAL	0x4000
#define MSG_MORE	0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

/* shutdown's how. */
#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

/* Options. */
#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_SNDBUFFORCE	32
#define SO_RCVBUFFORCE	33
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

/* Control messages at SOL_SOCKET. */
#define SCM_RIGHTS	1
#define SCM_CREDENTIALS	2

/* Each returns -1 and sets errno on failure: EBADF, ENOTSOCK, EFAULT,
 * EINVAL, EAFNOSUPPORT (no such family), EOPNOTSUPP (not supported by the
 * family), and the family's own errors. */

/* A new socket's fd (type may carry SOCK_NONBLOCK | SOCK_CLOEXEC). */
int socket(int family, int type, int protocol);
/* Two connected sockets in sv[0], sv[1]. Returns 0. */
int socketpair(int family, int type, int protocol, int sv[2]);
int bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int listen(int fd, int backlog);
/* The next connection's fd; addr and addrlen (may be NULL) get its
 * address, truncated to *addrlen, with *addrlen set to the full size. */
int accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);
int getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val,
	       socklen_t len);
/* Byte counts; a stream send blocks until all is sent (unless
 * non-blocking). */
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_SOCKET_H */
