/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_UNIX internals shared by unix.c (names, options, lifetime), stream.c
 * (SOCK_STREAM and SOCK_SEQPACKET) and dgram.c (SOCK_DGRAM).
 *
 * Locks:
 * - unix_sock.lock (a sleeping mutex): the socket's state, peer pointer
 *   and receive queue. Data is copied from/to the app's buffers under it,
 *   so it may fault and demand-page. Two socket locks are held at once
 *   only in connect (the connector, then the listener) and socketpair.
 * - unix_sock.nlock (spinlock): the posix_socket_file pointer, so that
 *   notifying a socket never races with its close.
 * - unix_glock (spinlock): the abstract name table, the lists of sockets
 *   waiting for room on another socket, and dgram peer pointers as the
 *   poll op reads them.
 * - unix_gc_lock (gc.c, a mutex, always taken last): in-flight counts
 *   and the rights_in lists.
 * The poll op takes no mutex: it reads single words (it must be ISR-safe).
 */
#ifndef __UNIX_IMPL_H__
#define __UNIX_IMPL_H__

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/assert.h>
#include <uk/file.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/socket.h>
#include <uk/spinlock.h>

#define UNIX_RCV_SHUT		1	/* SHUT_RD + 1, as Linux */
#define UNIX_SEND_SHUT		2
#define UNIX_SHUT_MASK		3

#define UNIX_SNDBUF_DEF		212992
#define UNIX_BUF_MAX		212992	/* net.core.[rw]mem_max */
#define UNIX_SNDBUF_MIN		4608
#define UNIX_RCVBUF_MIN		2304
#define UNIX_DGRAM_QLEN		10	/* net.unix.max_dgram_qlen */
#define UNIX_MAX_FD		253	/* SCM_MAX_FD */
#define UNIX_ADDR_MAX		((socklen_t)sizeof(struct sockaddr_un))
#define UNIX_PATH_OFF		offsetof(struct sockaddr_un, sun_path)
/* Heap bytes of a small chunk, header included: the heap's largest slab
 * class (above it a block takes a whole frame). Small stream writes
 * coalesce into it. */
#define UNIX_CHUNK_SMALL	2048

enum unix_state {
	UNIX_UNCONN = 0,
	UNIX_LISTEN,
	UNIX_CONNECTED,
	UNIX_CLOSED,			/* released */
};

/* A socket name as Linux keeps it: len bytes of sun, and room for the
 * NUL behind a full 108-byte path. len 0: unnamed. */
struct unix_name {
	socklen_t len;
	union {
		struct sockaddr_un sun;
		char raw[sizeof(struct sockaddr_un) + 2];
	};
};

/* File descriptions passed with SCM_RIGHTS. Once tracked (gc.c), they
 * count in their sockets' inflight, and while queued they are on the
 * receiving socket's rights_in list (unix_gc_lock). */
struct unix_rights {
	struct uk_list link;		/* on in->rights_in */
	struct unix_sock *in;		/* the socket whose queue holds it */
	int tracked;
	int count;
	struct uk_ofile *of[];
};

/* A run of stream bytes or one record (dgram, seqpacket). */
struct unix_chunk {
	struct unix_chunk *next;
	unsigned int len;		/* bytes of data */
	unsigned int off;		/* bytes consumed (stream) */
	unsigned int cap;		/* room at data */
	unsigned int charge;		/* of sender->wmem */
	struct unix_sock *sender;	/* a reference */
	struct unix_rights *rights;	/* or NULL */
	struct ucred cred;
	struct unix_name from;		/* dgram source; len 0: unnamed */
	char data[];
};

struct unix_sock {
	struct uk_mutex lock;
	struct uk_spinlock nlock;
	long refs;
	struct posix_socket_file *psf;	/* NULL once closed (nlock) */
	int type;
	int state;
	int shut;			/* UNIX_*_SHUT */
	int err;			/* SO_ERROR */
	int passcred;
	struct unix_sock *peer;		/* a reference */
	struct ucred peercred;
	int has_peercred;

	struct unix_name name;		/* len set last (release) */
	struct uk_file *node;		/* path name's VFS node */
	struct unix_sock *hash_next;	/* abstract name table */

	/* Receive queue. */
	struct unix_chunk *head, *tail;
	unsigned int qlen;		/* chunks / pending connections */
	unsigned long qbytes;		/* unread bytes */
	struct unix_chunk *spare;	/* one freed small chunk, reused */

	/* Bytes of ours (by charge) in other sockets' queues. */
	unsigned long wmem;
	int sndbuf, rcvbuf;

	/* Listener: pending connections (embryos) are in pend_*. */
	int backlog;
	struct unix_sock *pend_head, *pend_tail;
	struct unix_sock *pend_next;

	/* Sockets waiting for room here (glock); our link in such a list
	 * and a flag that hides UK_POLLOUT while we wait. */
	struct uk_list waiters;
	struct uk_list wait_link;
	int room_wait;

	/* Garbage collection (gc.c, unix_gc_lock): references to our
	 * description held by rights, the description, our link among the
	 * sockets in flight, the rights in our queue, the collector's
	 * scratch state. */
	long inflight;
	struct uk_ofile *gc_of;
	int gc_multi;			/* rights hold other descriptions */
	struct uk_list gc_link;
	struct uk_list rights_in;
	int gc_cand, gc_reach;
	long gc_ext;
	struct unix_sock *gc_next;
};

extern struct uk_spinlock unix_glock;

static inline int unix_load(const int *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

static inline void unix_store(int *v, int x)
{
	__atomic_store_n(v, x, __ATOMIC_RELEASE);
}

static inline struct unix_sock *unix_of(struct posix_socket_file *sock)
{
	return sock->sock_data;
}

static inline int unix_connection_type(int type)
{
	return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

/* unix.c */
struct unix_sock *unix_sock_alloc(int type);
void unix_sock_attach(struct unix_sock *u, struct posix_socket_file *psf);
void unix_sock_get(struct unix_sock *u);
void unix_sock_put(struct unix_sock *u);
void unix_release(struct unix_sock *u);
void unix_notify(struct unix_sock *u, unsigned int events);
/* Checks a sockaddr_un of an app (as Linux: family AF_UNIX, a name of
 * 1..108 bytes) into *out (len: Linux's length of it). 0 or -EINVAL. */
int unix_name_check(const struct sockaddr *addr, socklen_t len,
		    struct unix_name *out);
/* The socket called name with a reference; -ECONNREFUSED, -ENOENT,
 * -EPROTOTYPE (another type at a path name). */
struct unix_sock *unix_find(const struct unix_name *name, int type);
/* As Linux, names an unbound socket with SO_PASSCRED (autobind) before
 * it connects or sends, so its peer sees where credentials come from.
 * Returns 0 or -ENOSPC. */
int unix_autobind_passcred(struct unix_sock *u);
/* Copies u's name (or an unnamed one: just the family) to addr. */
void unix_copy_name(const struct unix_sock *u, struct sockaddr *addr,
		    socklen_t *len);
void unix_name_load(const struct unix_sock *u, struct unix_name *out);
void unix_set_creds(struct ucred *c);
/* Waiting for room on t: u gets UK_POLLOUT when t frees room. */
void unix_wait_room(struct unix_sock *u, struct unix_sock *t);
void unix_wake_room(struct unix_sock *t);
/* Stops waiting for room anywhere. */
void unix_unwait(struct unix_sock *u);

/* Queue helpers (unix.c); the caller holds u->lock. */
void unix_queue_add(struct unix_sock *u, struct unix_chunk *c);
struct unix_chunk *unix_queue_pop(struct unix_sock *u);
struct unix_chunk *unix_chunk_alloc(struct unix_sock *to, unsigned int len);
void unix_chunk_free(struct unix_sock *owner, struct unix_chunk *c);
/* Queues n bytes of msg as one record (a datagram, a seqpacket record)
 * from from at to, with to->lock held; named keeps from's name as the
 * source. Takes over *rights. Returns n, -ENOMEM, -EFAULT. */
ssize_t unix_record_queue(struct unix_sock *to, struct unix_sock *from,
			  const struct msghdr *msg, __sz n,
			  struct unix_rights **rights, const struct ucred *cred,
			  int named);
/* Gives back charge bytes of c's sender's wmem (wakes it). */
void unix_uncharge(struct unix_chunk *c, unsigned int charge);
unsigned int unix_charge_of(unsigned int len);
/* Control data of a send: rights and credentials. */
int unix_scm_parse(const struct msghdr *msg, struct unix_rights **rights,
		   struct ucred *cred);
void unix_rights_put(struct unix_rights *r);
/* Fills msg's control from a received chunk (rights move out of c unless
 * peek). */
void unix_scm_recv(struct unix_sock *u, struct msghdr *msg,
		   struct unix_chunk *c, int flags);

/* Takes u's whole receive queue (u->lock taken here). */
struct unix_chunk *unix_queue_take_all(struct unix_sock *u);
/* Frees a chain of chunks. */
void unix_purge(struct unix_chunk *c);

/* gc.c: in-flight bookkeeping and the collector. track: r (complete)
 * now holds its descriptions; queued: r sits in to's queue; untrack:
 * r lets go (before its references are dropped). */
void unix_rights_track(struct unix_rights *r);
void unix_rights_queued(struct unix_rights *r, struct unix_sock *to);
void unix_rights_untrack(struct unix_rights *r);
/* Nonzero if any socket is in flight / so many that a send should
 * collect. */
int unix_gc_wanted(void);
int unix_gc_urgent(void);
/* Frees the sockets only unreachable messages hold. Thread context, no
 * socket lock held. */
void unix_gc(void);

/* stream.c */
int unix_stream_connect(struct unix_sock *u, const struct sockaddr *addr,
			socklen_t len);
int unix_listen(struct posix_socket_file *sock, int backlog);
int unix_accept4(struct posix_socket_file *sock,
		 struct posix_socket_file *newsock, struct sockaddr *addr,
		 socklen_t *addrlen, int flags);
ssize_t unix_stream_sendmsg(struct unix_sock *u, const struct msghdr *msg,
			    int flags);
ssize_t unix_stream_recvmsg(struct unix_sock *u, struct msghdr *msg,
			    int flags);
unsigned int unix_stream_poll(struct unix_sock *u);

/* dgram.c */
int unix_dgram_connect(struct unix_sock *u, const struct sockaddr *addr,
		       socklen_t len);
ssize_t unix_dgram_sendmsg(struct unix_sock *u, const struct msghdr *msg,
			   int flags);
ssize_t unix_dgram_recvmsg(struct unix_sock *u, struct msghdr *msg,
			   int flags);
unsigned int unix_dgram_poll(struct unix_sock *u);

#endif /* __UNIX_IMPL_H__ */
