/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_UNIX sockets: the family's ops table, socket lifetime, names (path,
 * abstract, autobind), options, ioctls and control messages. The data
 * paths are in stream.c (SOCK_STREAM, SOCK_SEQPACKET) and dgram.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/process.h>
#include <uk/vfs.h>
#include "unix_impl.h"

#define SIOCINQ		0x541B
#define SIOCOUTQ	0x5411

UK_SPINLOCK_DEFINE(unix_glock);

/* Abstract names, hashed with the type as Linux does (each type has a
 * namespace of its own). */
#define UNIX_HASH_SIZE	64
static struct unix_sock *unix_abstract[UNIX_HASH_SIZE];
static unsigned int unix_autobind_next;

static struct uk_alloc *unix_alloc(void)
{
	return uk_alloc_get_default();
}

/* --- lifetime ------------------------------------------------------- */

struct unix_sock *unix_sock_alloc(int type)
{
	struct unix_sock *u = uk_calloc(unix_alloc(), 1, sizeof(*u));

	if (!u)
		return NULL;
	uk_mutex_init(&u->lock);
	uk_spin_init(&u->nlock);
	u->refs = 1;
	u->type = type;
	u->sndbuf = UNIX_SNDBUF_DEF;
	u->rcvbuf = UNIX_SNDBUF_DEF;
	u->peercred.pid = 0;
	u->peercred.uid = (uid_t)-1;
	u->peercred.gid = (gid_t)-1;
	uk_list_init(&u->waiters);
	uk_list_init(&u->wait_link);
	uk_list_init(&u->rights_in);
	uk_list_init(&u->gc_link);
	return u;
}

void unix_sock_attach(struct unix_sock *u, struct posix_socket_file *psf)
{
	unsigned long fl;

	psf->sock_data = u;
	uk_spin_lock_irqsave(&u->nlock, fl);
	u->psf = psf;
	uk_spin_unlock_irqrestore(&u->nlock, fl);
}

void unix_sock_get(struct unix_sock *u)
{
	__atomic_add_fetch(&u->refs, 1, __ATOMIC_RELAXED);
}

void unix_sock_put(struct unix_sock *u)
{
	if (!u || __atomic_sub_fetch(&u->refs, 1, __ATOMIC_ACQ_REL))
		return;
	UK_ASSERT(!u->head && !u->pend_head);
	uk_free(unix_alloc(), u->spare);
	uk_free(unix_alloc(), u);
}

void unix_notify(struct unix_sock *u, unsigned int events)
{
	unsigned long fl;

	uk_spin_lock_irqsave(&u->nlock, fl);
	if (u->psf)
		posix_socket_notify(u->psf, events);
	uk_spin_unlock_irqrestore(&u->nlock, fl);
}

void unix_set_creds(struct ucred *c)
{
	c->pid = UK_PROCESS_PID;
	c->uid = 0;		/* one user and group: root */
	c->gid = 0;
}

/* --- waiting for room on another socket ------------------------------ */

void unix_wait_room(struct unix_sock *u, struct unix_sock *t)
{
	unsigned long fl;

	uk_spin_lock_irqsave(&unix_glock, fl);
	uk_list_del(&u->wait_link);
	uk_list_add_tail(&u->wait_link, &t->waiters);
	unix_store(&u->room_wait, 1);
	uk_spin_unlock_irqrestore(&unix_glock, fl);
}

static void unix_unwait_locked(struct unix_sock *u)
{
	uk_list_del(&u->wait_link);
	unix_store(&u->room_wait, 0);
}

void unix_unwait(struct unix_sock *u)
{
	unsigned long fl;

	if (!unix_load(&u->room_wait) && uk_list_empty(&u->wait_link))
		return;
	uk_spin_lock_irqsave(&unix_glock, fl);
	unix_unwait_locked(u);
	uk_spin_unlock_irqrestore(&unix_glock, fl);
}

void unix_wake_room(struct unix_sock *t)
{
	struct unix_sock *w;
	unsigned long fl;

	if (uk_list_empty(&t->waiters))
		return;
	uk_spin_lock_irqsave(&unix_glock, fl);
	while (!uk_list_empty(&t->waiters)) {
		w = uk_list_first_entry(&t->waiters, struct unix_sock,
					wait_link);
		unix_unwait_locked(w);
		unix_notify(w, UK_POLLOUT | UK_POLLWRNORM);
	}
	uk_spin_unlock_irqrestore(&unix_glock, fl);
}

/* --- queue ---------------------------------------------------------- */

void unix_queue_add(struct unix_sock *u, struct unix_chunk *c)
{
	c->next = NULL;
	if (u->tail)
		u->tail->next = c;
	else
		u->head = c;
	u->tail = c;
	__atomic_store_n(&u->qlen, u->qlen + 1, __ATOMIC_RELEASE);
}

struct unix_chunk *unix_queue_pop(struct unix_sock *u)
{
	struct unix_chunk *c = u->head;

	if (!c)
		return NULL;
	u->head = c->next;
	if (!u->head)
		u->tail = NULL;
	__atomic_store_n(&u->qlen, u->qlen - 1, __ATOMIC_RELEASE);
	return c;
}

/* Linux's charge of an skb of len bytes (its truesize), so that as many
 * datagrams fit in a send buffer as there. */
unsigned int unix_charge_of(unsigned int len)
{
	unsigned int sz = 512;

	if (len + 320 > 32768)
		return ALIGN_UP(len, 4096) + 576;
	while (sz < len + 320)
		sz <<= 1;
	return sz + 256;
}

struct unix_chunk *unix_chunk_alloc(struct unix_sock *to, unsigned int len)
{
	unsigned int small = UNIX_CHUNK_SMALL - sizeof(struct unix_chunk);
	unsigned int cap = MAX(len, small);
	struct unix_chunk *c;

	if (cap == small && to->spare) {
		c = to->spare;
		to->spare = NULL;
	} else {
		c = uk_malloc(unix_alloc(), sizeof(*c) + cap);
		if (!c)
			return NULL;
	}
	c->next = NULL;
	c->len = 0;
	c->off = 0;
	c->cap = cap;
	c->charge = 0;
	c->sender = NULL;
	c->rights = NULL;
	c->from.len = 0;
	return c;
}

ssize_t unix_record_queue(struct unix_sock *to, struct unix_sock *from,
			  const struct msghdr *msg, __sz n,
			  struct unix_rights **rights, const struct ucred *cred,
			  int named)
{
	struct unix_chunk *c = unix_chunk_alloc(to, n);

	if (!c)
		return -ENOMEM;
	if (uk_iov_copy_from(c->data, msg->msg_iov, msg->msg_iovlen, 0, n) <
	    n) {
		unix_chunk_free(to, c);
		return -EFAULT;
	}
	c->len = n;
	c->charge = unix_charge_of(n);
	c->cred = *cred;
	c->rights = *rights;
	*rights = NULL;
	unix_rights_queued(c->rights, to);
	if (named)
		unix_name_load(from, &c->from);
	unix_sock_get(from);
	c->sender = from;
	__atomic_add_fetch(&from->wmem, c->charge, __ATOMIC_ACQ_REL);
	unix_queue_add(to, c);
	to->qbytes += n;
	return n;
}

void unix_uncharge(struct unix_chunk *c, unsigned int charge)
{
	struct unix_sock *s = c->sender;
	unsigned long old;
	long buf;

	if (!s || !charge)
		return;
	c->charge -= charge;
	old = __atomic_fetch_sub(&s->wmem, charge, __ATOMIC_ACQ_REL);
	buf = unix_load(&s->sndbuf);
	/* Wake the sender when it becomes writable (wmem <= sndbuf / 4). */
	if ((long)(old << 2) > buf && (long)((old - charge) << 2) <= buf)
		unix_notify(s, UK_POLLOUT | UK_POLLWRNORM);
}

/* Frees c; owner (whose lock is held, or NULL) may keep it for reuse. */
void unix_chunk_free(struct unix_sock *owner, struct unix_chunk *c)
{
	unix_uncharge(c, c->charge);
	unix_sock_put(c->sender);
	unix_rights_put(c->rights);
	if (owner && c->cap == UNIX_CHUNK_SMALL - sizeof(*c) &&
	    !owner->spare) {
		owner->spare = c;
		return;
	}
	uk_free(unix_alloc(), c);
}

/* --- control messages ------------------------------------------------ */

void unix_rights_put(struct unix_rights *r)
{
	int i;

	if (!r)
		return;
	if (r->tracked)
		unix_rights_untrack(r);
	for (i = 0; i < r->count; i++)
		uk_ofile_put(r->of[i]);
	uk_free(unix_alloc(), r);
}

static int unix_rights_add(struct unix_rights **rp, const int *fds, int n)
{
	struct unix_rights *r = *rp, *nr;
	struct uk_ofile *of;
	int have = r ? r->count : 0, i;

	if (n <= 0)
		return 0;
	if (n > UNIX_MAX_FD || have + n > UNIX_MAX_FD)
		return -EINVAL;
	nr = uk_realloc(unix_alloc(), r,
			sizeof(*nr) + (have + n) * sizeof(nr->of[0]));
	if (!nr)
		return -ENOMEM;
	nr->count = have;
	nr->tracked = 0;
	*rp = nr;
	for (i = 0; i < n; i++) {
		of = uk_fdtab_get(fds[i]);
		if (PTRISERR(of))
			return -EBADF;
		nr->of[nr->count++] = of;
	}
	return 0;
}

int unix_scm_parse(const struct msghdr *msg, struct unix_rights **rights,
		   struct ucred *cred)
{
	struct msghdr *m = (struct msghdr *)msg;
	struct cmsghdr *c;
	char *end = (char *)m->msg_control + m->msg_controllen;
	struct ucred uc;
	int rc = 0;

	*rights = NULL;
	unix_set_creds(cred);
	if (!m->msg_control || !m->msg_controllen)
		return 0;
	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_len < sizeof(*c) ||
		    c->cmsg_len > (__sz)(end - (char *)c)) {
			rc = -EINVAL;
			break;
		}
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS) {
			rc = unix_rights_add(rights, (const int *)CMSG_DATA(c),
				(int)((c->cmsg_len - CMSG_LEN(0)) /
				      sizeof(int)));
		} else if (c->cmsg_type == SCM_CREDENTIALS) {
			if (c->cmsg_len != CMSG_LEN(sizeof(uc))) {
				rc = -EINVAL;
				break;
			}
			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			if (uc.pid != cred->pid || uc.uid != cred->uid ||
			    uc.gid != cred->gid)
				rc = -EPERM;
		} else {
			rc = -EINVAL;
		}
		if (rc)
			break;
	}
	if (rc) {
		unix_rights_put(*rights);
		*rights = NULL;
	} else if (*rights) {
		unix_rights_track(*rights);
		(*rights)->tracked = 1;
		if (unix_gc_urgent())
			unix_gc();
	}
	return rc;
}

/* Appends a control message; returns 0, or -1 if it was cut (MSG_CTRUNC
 * set, nothing stored). */
static int unix_put_cmsg(struct msghdr *msg, __sz *used, int type,
			 const void *data, __sz len)
{
	struct cmsghdr *c = (struct cmsghdr *)((char *)msg->msg_control +
					       *used);
	__sz room = msg->msg_controllen - *used;

	if (!msg->msg_control || room < CMSG_LEN(len)) {
		msg->msg_flags |= MSG_CTRUNC;
		return -1;
	}
	c->cmsg_len = CMSG_LEN(len);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = type;
	memcpy(CMSG_DATA(c), data, len);
	*used += MIN(CMSG_SPACE(len), room);
	return 0;
}

static void unix_recv_rights(struct msghdr *msg, __sz *used,
			     struct unix_rights *r, int flags)
{
	__sz room = msg->msg_controllen - *used;
	int max = room > sizeof(struct cmsghdr) ?
		  (int)((room - sizeof(struct cmsghdr)) / sizeof(int)) : 0;
	int fds[UNIX_MAX_FD], n = 0, fd;

	if (!msg->msg_control)
		max = 0;
	for (; n < MIN(max, r->count); n++) {
		fd = uk_fdtab_install(uk_ofile_get(r->of[n]), 0,
				      !!(flags & MSG_CMSG_CLOEXEC));
		if (fd < 0)
			break;
		fds[n] = fd;
	}
	if (n)
		unix_put_cmsg(msg, used, SCM_RIGHTS, fds, n * sizeof(int));
	if (n < r->count)
		msg->msg_flags |= MSG_CTRUNC;
}

void unix_scm_recv(struct unix_sock *u, struct msghdr *msg,
		   struct unix_chunk *c, int flags)
{
	__sz used = 0;

	if (u->passcred)
		unix_put_cmsg(msg, &used, SCM_CREDENTIALS, &c->cred,
			      sizeof(c->cred));
	if (c->rights) {
		unix_recv_rights(msg, &used, c->rights, flags);
		if (!(flags & MSG_PEEK)) {
			unix_rights_put(c->rights);
			c->rights = NULL;
		}
	}
	msg->msg_controllen = used;
}

/* --- names ---------------------------------------------------------- */

int unix_name_check(const struct sockaddr *addr, socklen_t len,
		    struct unix_name *out)
{
	if (!addr || len <= UNIX_PATH_OFF || len > UNIX_ADDR_MAX ||
	    addr->sa_family != AF_UNIX)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(&out->sun, addr, len);
	if (out->sun.sun_path[0])
		len = UNIX_PATH_OFF + strlen(out->sun.sun_path) + 1;
	out->len = len;
	return 0;
}

static unsigned int unix_hash(const struct unix_name *n, int type)
{
	unsigned int h = (unsigned int)type * 31, i;

	for (i = 0; i < n->len; i++)
		h = h * 33 + (unsigned char)n->raw[i];
	return h % UNIX_HASH_SIZE;
}

static struct unix_sock *unix_abstract_find_locked(const struct unix_name *n,
						   int type)
{
	struct unix_sock *u = unix_abstract[unix_hash(n, type)];

	for (; u; u = u->hash_next)
		if (u->type == type && u->name.len == n->len &&
		    !memcmp(u->name.raw, n->raw, n->len))
			return u;
	return NULL;
}

/* Adds u under name n (abstract) unless taken: 0 or -EADDRINUSE. */
static int unix_abstract_add(struct unix_sock *u, const struct unix_name *n)
{
	unsigned long fl;
	unsigned int h;
	int rc = -EADDRINUSE;

	uk_spin_lock_irqsave(&unix_glock, fl);
	if (!unix_abstract_find_locked(n, u->type)) {
		memcpy(&u->name, n, sizeof(*n));
		h = unix_hash(n, u->type);
		u->hash_next = unix_abstract[h];
		unix_abstract[h] = u;
		rc = 0;
	}
	uk_spin_unlock_irqrestore(&unix_glock, fl);
	return rc;
}

static void unix_abstract_del(struct unix_sock *u)
{
	struct unix_sock **pp;
	unsigned long fl;

	uk_spin_lock_irqsave(&unix_glock, fl);
	pp = &unix_abstract[unix_hash(&u->name, u->type)];
	for (; *pp; pp = &(*pp)->hash_next) {
		if (*pp == u) {
			*pp = u->hash_next;
			break;
		}
	}
	uk_spin_unlock_irqrestore(&unix_glock, fl);
}

void unix_name_load(const struct unix_sock *u, struct unix_name *out)
{
	socklen_t len = __atomic_load_n(&u->name.len, __ATOMIC_ACQUIRE);

	memcpy(out, &u->name, sizeof(*out));
	out->len = len;
}

void unix_copy_name(const struct unix_sock *u, struct sockaddr *addr,
		    socklen_t *len)
{
	struct unix_name n;

	unix_name_load(u, &n);
	if (!n.len) {
		addr->sa_family = AF_UNIX;
		*len = sizeof(sa_family_t);
		return;
	}
	/* A 108-byte path and its NUL exceed sockaddr_un, as on Linux;
	 * the storage behind addr has room. */
	memcpy(addr, n.raw, n.len);
	*len = n.len;
}

/* Linux's autobind: an abstract name of five hex digits. */
static int unix_autobind(struct unix_sock *u)
{
	static const char hex[] = "0123456789abcdef";
	struct unix_name n;
	unsigned int i, v, k;

	for (i = 0; i < 0x100000; i++) {
		v = __atomic_fetch_add(&unix_autobind_next, 1,
				       __ATOMIC_RELAXED) & 0xfffff;
		memset(&n, 0, sizeof(n));
		n.sun.sun_family = AF_UNIX;
		for (k = 0; k < 5; k++)
			n.sun.sun_path[5 - k] = hex[(v >> (4 * k)) & 15];
		n.len = UNIX_PATH_OFF + 6;
		if (!unix_abstract_add(u, &n))
			return 0;
	}
	return -ENOSPC;
}

int unix_autobind_passcred(struct unix_sock *u)
{
	int rc = 0;

	if (!__atomic_load_n(&u->passcred, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&u->name.len, __ATOMIC_ACQUIRE))
		return 0;
	uk_mutex_lock(&u->lock);
	if (!u->name.len)
		rc = unix_autobind(u);
	uk_mutex_unlock(&u->lock);
	return rc;
}

static int unix_bind(struct posix_socket_file *sock,
		     const struct sockaddr *addr, socklen_t len)
{
	struct unix_sock *u = unix_of(sock);
	struct unix_name n;
	struct stat st;
	int rc;

	if (len == sizeof(sa_family_t) && addr &&
	    addr->sa_family == AF_UNIX) {
		uk_mutex_lock(&u->lock);
		rc = u->name.len ? 0 : unix_autobind(u);
		uk_mutex_unlock(&u->lock);
		return rc;
	}
	rc = unix_name_check(addr, len, &n);
	if (rc)
		return rc;
	uk_mutex_lock(&u->lock);
	if (u->name.len || u->state == UNIX_CLOSED) {
		/* Linux makes the node before it looks at the socket. */
		rc = n.sun.sun_path[0] &&
		     !uk_vfs_fstatat(AT_FDCWD, n.sun.sun_path, &st,
				     AT_SYMLINK_NOFOLLOW) ? -EADDRINUSE : -EINVAL;
	} else if (!n.sun.sun_path[0]) {
		rc = unix_abstract_add(u, &n);
	} else {
		rc = uk_vfs_socket_bind(n.sun.sun_path, 0777, &sock->file,
					&u->node);
		if (!rc) {
			memcpy(&u->name, &n, sizeof(n));
			__atomic_store_n(&u->name.len, n.len,
					 __ATOMIC_RELEASE);
		}
	}
	uk_mutex_unlock(&u->lock);
	return rc;
}

struct unix_sock *unix_find(const struct unix_name *n, int type)
{
	struct posix_socket_file *psf;
	struct unix_sock *u = NULL;
	struct uk_file *f;
	unsigned long fl;

	if (!n->sun.sun_path[0]) {
		uk_spin_lock_irqsave(&unix_glock, fl);
		u = unix_abstract_find_locked(n, type);
		if (u)
			unix_sock_get(u);
		uk_spin_unlock_irqrestore(&unix_glock, fl);
		return u ? u : ERR2PTR(-ECONNREFUSED);
	}
	f = uk_vfs_socket_lookup(n->sun.sun_path);
	if (PTRISERR(f))
		return (struct unix_sock *)f;
	if (uk_file_is_socket(f)) {
		psf = posix_socket_file_of(f);
		/* sock_data goes NULL (under the lock) when it closes. */
		uk_spin_lock_irqsave(&unix_glock, fl);
		if (psf->family == AF_UNIX && psf->sock_data) {
			u = psf->sock_data;
			unix_sock_get(u);
		}
		uk_spin_unlock_irqrestore(&unix_glock, fl);
	}
	uk_file_put(f);
	if (!u)
		return ERR2PTR(-ECONNREFUSED);
	if (u->type != type) {
		unix_sock_put(u);
		return ERR2PTR(-EPROTOTYPE);
	}
	return u;
}

/* --- release -------------------------------------------------------- */

/* The connected peer of p (u) is gone. */
static void unix_peer_gone(struct unix_sock *p, struct unix_sock *u,
			   int reset)
{
	unsigned int ev = UK_POLLIN | UK_POLLRDNORM | UK_POLLOUT |
			  UK_POLLWRNORM | UK_POLLHUP | UK_POLLRDHUP;

	if (!unix_connection_type(u->type))
		return;
	uk_mutex_lock(&p->lock);
	if (p->peer == u) {
		unix_store(&p->shut, UNIX_SHUT_MASK);
		if (reset)
			unix_store(&p->err, ECONNRESET);
	}
	uk_mutex_unlock(&p->lock);
	unix_notify(p, ev | (reset ? UK_POLLERR : 0));
}

struct unix_chunk *unix_queue_take_all(struct unix_sock *u)
{
	struct unix_chunk *q;

	uk_mutex_lock(&u->lock);
	q = u->head;
	u->head = u->tail = NULL;
	u->qlen = 0;
	u->qbytes = 0;
	uk_mutex_unlock(&u->lock);
	unix_wake_room(u);
	return q;
}

void unix_purge(struct unix_chunk *c)
{
	struct unix_chunk *next;

	for (; c; c = next) {
		next = c->next;
		unix_chunk_free(NULL, c);
	}
}

void unix_release(struct unix_sock *u)
{
	struct unix_sock *peer, *pend, *next;
	struct unix_chunk *q;
	struct uk_file *node;
	unsigned long fl;
	int embryo = !u->psf;

	unix_unwait(u);
	if (u->name.len && !u->name.sun.sun_path[0])
		unix_abstract_del(u);

	uk_mutex_lock(&u->lock);
	node = u->node;
	u->node = NULL;
	uk_spin_lock_irqsave(&unix_glock, fl);
	peer = u->peer;
	u->peer = NULL;
	uk_spin_unlock_irqrestore(&unix_glock, fl);
	unix_store(&u->state, UNIX_CLOSED);
	unix_store(&u->shut, UNIX_SHUT_MASK);
	q = u->head;
	u->head = u->tail = NULL;
	u->qlen = 0;
	u->qbytes = 0;
	pend = u->pend_head;
	u->pend_head = u->pend_tail = NULL;
	uk_mutex_unlock(&u->lock);

	uk_spin_lock_irqsave(&u->nlock, fl);
	u->psf = NULL;
	uk_spin_unlock_irqrestore(&u->nlock, fl);
	/* Senders and connectors waiting for room retry and fail. */
	unix_wake_room(u);
	if (node)
		uk_vfs_socket_unbind(node);
	if (peer) {
		unix_peer_gone(peer, u, q != NULL || embryo);
		unix_sock_put(peer);
	}
	unix_purge(q);
	for (; pend; pend = next) {
		next = pend->pend_next;
		unix_release(pend);
		unix_sock_put(pend);
	}
	/* A socket went: what it held in flight may be garbage now. */
	if (unix_gc_wanted())
		unix_gc();
}

/* --- ops ------------------------------------------------------------ */

static int unix_create(struct posix_socket_file *sock, int family __maybe_unused,
		       int type, int protocol)
{
	struct unix_sock *u;

	if (protocol && protocol != PF_UNIX)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW)
		type = sock->type = SOCK_DGRAM;
	if (type != SOCK_STREAM && type != SOCK_DGRAM &&
	    type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	u = unix_sock_alloc(type);
	if (!u)
		return -ENOMEM;
	unix_sock_attach(u, sock);
	return 0;
}

static int unix_socketpair(struct posix_socket_file *a,
			   struct posix_socket_file *b, int family,
			   int type, int protocol)
{
	struct unix_sock *ua, *ub;
	struct ucred cred;
	int rc;

	rc = unix_create(a, family, type, protocol);
	if (rc)
		return rc;
	rc = unix_create(b, family, type, protocol);
	if (rc) {
		unix_sock_put(unix_of(a));
		a->sock_data = NULL;
		return rc;
	}
	ua = unix_of(a);
	ub = unix_of(b);
	unix_set_creds(&cred);
	unix_sock_get(ub);
	ua->peer = ub;
	unix_sock_get(ua);
	ub->peer = ua;
	ua->state = ub->state = UNIX_CONNECTED;
	ua->peercred = ub->peercred = cred;
	return 0;
}

static int unix_connect(struct posix_socket_file *sock,
			const struct sockaddr *addr, socklen_t len)
{
	struct unix_sock *u = unix_of(sock);

	if (u->type == SOCK_DGRAM)
		return unix_dgram_connect(u, addr, len);
	return unix_stream_connect(u, addr, len);
}

static int unix_getsockname(struct posix_socket_file *sock,
			    struct sockaddr *addr, socklen_t *len)
{
	unix_copy_name(unix_of(sock), addr, len);
	return 0;
}

static int unix_getpeername(struct posix_socket_file *sock,
			    struct sockaddr *addr, socklen_t *len)
{
	struct unix_sock *u = unix_of(sock), *p;
	int rc = 0;

	uk_mutex_lock(&u->lock);
	p = u->peer;
	if (!p || (unix_connection_type(u->type) &&
		   u->state != UNIX_CONNECTED))
		rc = -ENOTCONN;
	else
		unix_copy_name(p, addr, len);
	uk_mutex_unlock(&u->lock);
	return rc;
}

static int unix_shutdown(struct posix_socket_file *sock, int how)
{
	struct unix_sock *u = unix_of(sock), *p = NULL;
	unsigned int ev = UK_POLLIN | UK_POLLRDNORM | UK_POLLOUT |
			  UK_POLLWRNORM | UK_POLLHUP | UK_POLLRDHUP;
	int mode, pmode;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mode = how + 1;
	uk_mutex_lock(&u->lock);
	unix_store(&u->shut, u->shut | mode);
	if (u->peer && unix_connection_type(u->type)) {
		p = u->peer;
		unix_sock_get(p);
	}
	uk_mutex_unlock(&u->lock);
	unix_notify(u, ev);
	if (!p)
		return 0;
	pmode = ((mode & UNIX_RCV_SHUT) ? UNIX_SEND_SHUT : 0) |
		((mode & UNIX_SEND_SHUT) ? UNIX_RCV_SHUT : 0);
	uk_mutex_lock(&p->lock);
	if (p->peer == u)
		unix_store(&p->shut, p->shut | pmode);
	uk_mutex_unlock(&p->lock);
	unix_notify(p, ev);
	unix_sock_put(p);
	return 0;
}

static int unix_put_int(void *val, socklen_t *len, int v)
{
	*len = MIN(*len, (socklen_t)sizeof(int));
	memcpy(val, &v, *len);
	return 0;
}

static int unix_getsockopt(struct posix_socket_file *sock, int level,
			   int optname, void *val, socklen_t *len)
{
	struct unix_sock *u = unix_of(sock);
	struct ucred c;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	switch (optname) {
	case SO_ERROR:
		return unix_put_int(val, len,
			__atomic_exchange_n(&u->err, 0, __ATOMIC_ACQ_REL));
	case SO_SNDBUF:
		return unix_put_int(val, len, unix_load(&u->sndbuf));
	case SO_RCVBUF:
		return unix_put_int(val, len, unix_load(&u->rcvbuf));
	case SO_PASSCRED:
		return unix_put_int(val, len, u->passcred);
	case SO_ACCEPTCONN:
		return unix_put_int(val, len,
				    unix_load(&u->state) == UNIX_LISTEN);
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
	case SO_DONTROUTE:
		return unix_put_int(val, len, 0);
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		return unix_put_int(val, len, 1);
	case SO_PEERCRED:
		uk_mutex_lock(&u->lock);
		c = u->peercred;
		uk_mutex_unlock(&u->lock);
		*len = MIN(*len, (socklen_t)sizeof(c));
		memcpy(val, &c, *len);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int unix_setsockopt(struct posix_socket_file *sock, int level,
			   int optname, const void *val, socklen_t len)
{
	struct unix_sock *u = unix_of(sock);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (optname) {
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		v = MIN((unsigned int)v, (unsigned int)UNIX_BUF_MAX);
		unix_store(&u->sndbuf, MAX(v * 2, UNIX_SNDBUF_MIN));
		unix_notify(u, UK_POLLOUT | UK_POLLWRNORM);
		return 0;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		v = MIN((unsigned int)v, (unsigned int)UNIX_BUF_MAX);
		unix_store(&u->rcvbuf, MAX(v * 2, UNIX_RCVBUF_MIN));
		return 0;
	case SO_PASSCRED:
		u->passcred = !!v;
		return 0;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
	case SO_DONTROUTE:
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static ssize_t unix_recvmsg(struct posix_socket_file *sock,
			    struct msghdr *msg, int flags)
{
	struct unix_sock *u = unix_of(sock);

	msg->msg_flags = 0;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_DGRAM)
		return unix_dgram_recvmsg(u, msg, flags);
	return unix_stream_recvmsg(u, msg, flags);
}

static ssize_t unix_sendmsg(struct posix_socket_file *sock,
			    const struct msghdr *msg, int flags)
{
	struct unix_sock *u = unix_of(sock);

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_DGRAM)
		return unix_dgram_sendmsg(u, msg, flags);
	return unix_stream_sendmsg(u, msg, flags);
}

static int unix_close(struct posix_socket_file *sock)
{
	struct unix_sock *u = unix_of(sock);
	unsigned long fl;

	if (!u)
		return 0;
	/* unix_find() takes its reference under the same lock. */
	uk_spin_lock_irqsave(&unix_glock, fl);
	sock->sock_data = NULL;
	uk_spin_unlock_irqrestore(&unix_glock, fl);
	unix_release(u);
	unix_sock_put(u);
	return 0;
}

static int unix_ioctl(struct posix_socket_file *sock, unsigned long req,
		      void *arg)
{
	struct unix_sock *u = unix_of(sock);
	int v;

	switch (req) {
	case SIOCINQ:
		uk_mutex_lock(&u->lock);
		if (u->state == UNIX_LISTEN)
			v = -1;
		else if (u->type != SOCK_DGRAM)
			v = (int)u->qbytes;
		else
			v = u->head ? (int)u->head->len : 0;
		uk_mutex_unlock(&u->lock);
		if (v < 0)
			return -EINVAL;
		break;
	case SIOCOUTQ:
		v = (int)__atomic_load_n(&u->wmem, __ATOMIC_ACQUIRE);
		break;
	default:
		return -ENOTTY;
	}
	return uk_copy_to_user(arg, &v, sizeof(v));
}

static unsigned int unix_poll(struct posix_socket_file *sock)
{
	struct unix_sock *u = unix_of(sock);

	if (!u)
		return UK_POLLHUP;
	if (u->type == SOCK_DGRAM)
		return unix_dgram_poll(u);
	return unix_stream_poll(u);
}

static const struct posix_socket_ops unix_ops = {
	.create = unix_create,
	.socketpair = unix_socketpair,
	.accept4 = unix_accept4,
	.bind = unix_bind,
	.shutdown = unix_shutdown,
	.getpeername = unix_getpeername,
	.getsockname = unix_getsockname,
	.getsockopt = unix_getsockopt,
	.setsockopt = unix_setsockopt,
	.connect = unix_connect,
	.listen = unix_listen,
	.recvmsg = unix_recvmsg,
	.sendmsg = unix_sendmsg,
	.close = unix_close,
	.ioctl = unix_ioctl,
	.poll = unix_poll,
};

POSIX_SOCKET_FAMILY_REGISTER(AF_UNIX, &unix_ops);
