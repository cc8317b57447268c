/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipes (uk/pipe.h). One ring buffer of UK_PIPE_CAP bytes (F_SETPIPE_SZ
 * changes it) holds a queue of segments: runs of bytes written in stream
 * mode (consecutive ones merge) and packets written through O_DIRECT
 * descriptions. At most one segment per page of the ring is queued
 * (UK_PIPE_SLOTS at first), so packet mode holds as many packets as
 * Linux does.
 *
 * A sleeping mutex guards the ring: data is copied straight between the
 * app's buffers and the ring, and such a copy may fault and demand-page.
 * The poll op and the end counters need no lock (single-word reads and
 * atomics), so poll stays ISR-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <string.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/mutex.h>
#include <uk/nofault.h>
#include <uk/pipe.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include "pipe_impl.h"

static const struct uk_file_ops pipe_rd_ops, pipe_wr_ops, pipe_rw_ops;

#define PIPE_IN		(UK_POLLIN | UK_POLLRDNORM)
#define PIPE_OUT	(UK_POLLOUT | UK_POLLWRNORM)

static inline int load(const int *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

static inline unsigned int loadu(const unsigned int *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

/* Wakes the readers of p (its read end, and both-ends descriptions). */
static void notify_in(struct uk_pipe *p, unsigned int events)
{
	uk_pollq_notify(&p->rd.pollq, events);
	uk_pollq_notify(&p->rw.pollq, events);
}

/* Wakes the writers of p. */
static void notify_out(struct uk_pipe *p, unsigned int events)
{
	uk_pollq_notify(&p->wr.pollq, events);
	uk_pollq_notify(&p->rw.pollq, events);
}

static struct pipe_seg *seg_at(struct uk_pipe *p, unsigned int i)
{
	return &p->seg[(p->seg_head + i) % p->slots];
}

static struct pipe_seg *seg_last(struct uk_pipe *p)
{
	return p->nseg ? seg_at(p, p->nseg - 1) : NULL;
}

static void seg_push(struct uk_pipe *p, unsigned int len,
		     unsigned int packet)
{
	struct pipe_seg *s = seg_at(p, p->nseg);

	s->len = len;
	s->packet = packet;
	__atomic_store_n(&p->nseg, p->nseg + 1, __ATOMIC_RELEASE);
}

static void seg_pop(struct uk_pipe *p)
{
	p->seg_head = (p->seg_head + 1) % p->slots;
	__atomic_store_n(&p->nseg, p->nseg - 1, __ATOMIC_RELEASE);
}

static void ring_consume(struct uk_pipe *p, unsigned int n)
{
	p->head = (p->head + n) % p->cap;
	__atomic_store_n(&p->used, p->used - n, __ATOMIC_RELEASE);
}

/* Copies n bytes of the app's iovecs, from byte skip on, into the ring
 * behind the queued data. Returns bytes copied (short at a fault). */
static __sz copy_in(struct uk_pipe *p, const struct iovec *iov, int iovcnt,
		    __sz skip, __sz n)
{
	unsigned int tail = (p->head + p->used) % p->cap;
	__sz first = MIN(n, (__sz)(p->cap - tail));
	__sz done = uk_iov_copy_from(p->buf + tail, iov, iovcnt, skip, first);

	/* The ring wraps: the rest goes to its start. */
	if (done < first || done == n)
		return done;
	return done + uk_iov_copy_from(p->buf, iov, iovcnt, skip + done,
				       n - done);
}

/* Copies n bytes from the ring's head on into the app's iovecs, from
 * byte skip of them on. Consumes nothing. Returns bytes copied. */
static __sz copy_out(struct uk_pipe *p, const struct iovec *iov,
		     int iovcnt, __sz skip, __sz n)
{
	__sz first = MIN(n, (__sz)(p->cap - p->head));
	__sz done = uk_iov_copy_to(iov, iovcnt, skip, p->buf + p->head,
				   first);

	if (done < first || done == n)
		return done;
	return done + uk_iov_copy_to(iov, iovcnt, skip + done, p->buf,
				     n - done);
}

/* Stream write: all of a write up to UK_PIPE_BUF bytes or nothing; of a
 * larger one, what fits. */
static ssize_t write_stream(struct uk_pipe *p, const struct iovec *iov,
			    int iovcnt, __sz total)
{
	struct pipe_seg *last = seg_last(p);
	int merge = last && !last->packet;
	__sz room = p->cap - p->used, n;

	if (!merge && p->nseg == p->slots)
		room = 0;
	if (total <= UK_PIPE_BUF ? room < total : !room)
		return -EAGAIN;
	n = copy_in(p, iov, iovcnt, 0, MIN(total, room));
	if (!n)
		return -EFAULT;
	if (merge)
		last->len += n;
	else
		seg_push(p, n, 0);
	__atomic_store_n(&p->used, p->used + n, __ATOMIC_RELEASE);
	return n;
}

/* Packet write: one packet per UK_PIPE_BUF bytes, as many as fit. */
static ssize_t write_packets(struct uk_pipe *p, const struct iovec *iov,
			     int iovcnt, __sz total)
{
	__sz done = 0, want, n;

	while (done < total) {
		want = MIN(total - done, (__sz)UK_PIPE_BUF);
		if (p->nseg == p->slots || p->cap - p->used < want)
			break;
		n = copy_in(p, iov, iovcnt, done, want);
		if (n < want)
			return done ? (ssize_t)done : -EFAULT;
		seg_push(p, n, 1);
		__atomic_store_n(&p->used, p->used + n, __ATOMIC_RELEASE);
		done += n;
	}
	return done ? (ssize_t)done : -EAGAIN;
}

static ssize_t pipe_write(struct uk_file *f, const struct iovec *iov,
			  int iovcnt, off_t *off __maybe_unused, unsigned int flags)
{
	struct uk_pipe *p = f->priv;
	__sz total = uk_iov_total(iov, iovcnt);
	ssize_t rc;

	if (!total)
		return 0;
	uk_mutex_lock(&p->lock);
	if (!load(&p->readers)) {
		uk_mutex_unlock(&p->lock);
		uk_signal_raise_pipe();
		return -EPIPE;
	}
	if (flags & O_DIRECT)
		rc = write_packets(p, iov, iovcnt, total);
	else
		rc = write_stream(p, iov, iovcnt, total);
	uk_mutex_unlock(&p->lock);
	if (rc > 0)
		notify_in(p, PIPE_IN);
	return rc;
}

/* Reads one packet (the rest of it is dropped), or the stream bytes up to
 * the next packet. */
static ssize_t read_locked(struct uk_pipe *p, const struct iovec *iov,
			   int iovcnt, __sz total)
{
	struct pipe_seg *s = seg_at(p, 0);
	__sz done = 0, want, n;

	if (s->packet) {
		want = MIN((__sz)s->len, total);
		if (copy_out(p, iov, iovcnt, 0, want) < want)
			return -EFAULT;
		ring_consume(p, s->len);
		seg_pop(p);
		return want;
	}
	while (done < total && p->nseg && !(s = seg_at(p, 0))->packet) {
		want = MIN((__sz)s->len, total - done);
		n = copy_out(p, iov, iovcnt, done, want);
		ring_consume(p, n);
		s->len -= n;
		done += n;
		if (!s->len)
			seg_pop(p);
		if (n < want)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

static ssize_t pipe_read(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off __maybe_unused,
			 unsigned int flags __maybe_unused)
{
	struct uk_pipe *p = f->priv;
	__sz total = uk_iov_total(iov, iovcnt);
	ssize_t rc;

	if (!total)
		return 0;
	uk_mutex_lock(&p->rdlock);
	uk_mutex_lock(&p->lock);
	if (!p->nseg)
		rc = load(&p->writers) ? -EAGAIN : 0;
	else
		rc = read_locked(p, iov, iovcnt, total);
	uk_mutex_unlock(&p->lock);
	uk_mutex_unlock(&p->rdlock);
	if (rc > 0)
		notify_out(p, PIPE_OUT);
	return rc;
}

static unsigned int pipe_rd_poll(struct uk_file *f)
{
	struct uk_pipe *p = f->priv;
	unsigned int ev = 0;

	if (loadu(&p->used))
		ev |= PIPE_IN;
	if (!load(&p->writers))
		ev |= UK_POLLHUP;
	return ev;
}

static unsigned int pipe_wr_poll(struct uk_file *f)
{
	struct uk_pipe *p = f->priv;
	unsigned int ev = 0;

	if (loadu(&p->cap) - loadu(&p->used) >= UK_PIPE_BUF &&
	    loadu(&p->nseg) < loadu(&p->slots))
		ev |= PIPE_OUT;
	if (!load(&p->readers))
		ev |= UK_POLLERR;
	return ev;
}

/* Both ends' events (Linux's pipe_poll of a FIFO opened O_RDWR). */
static unsigned int pipe_rw_poll(struct uk_file *f)
{
	return pipe_rd_poll(f) | pipe_wr_poll(f);
}

static int pipe_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct uk_pipe *p = f->priv;
	int n;

	if (req != FIONREAD)
		return -ENOTTY;
	n = (int)loadu(&p->used);
	return uk_copy_to_user(arg, &n, sizeof(n));
}

static int pipe_getstat(struct uk_file *f, struct stat *st)
{
	struct uk_pipe *p = f->priv;

	st->st_ino = p->ino;
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
	return 0;
}

static int pipe_rd_open(struct uk_file *f, struct uk_ofile *of __maybe_unused)
{
	struct uk_pipe *p = f->priv;

	__atomic_add_fetch(&p->readers, 1, __ATOMIC_ACQ_REL);
	notify_out(p, PIPE_OUT);
	return 0;
}

static int pipe_wr_open(struct uk_file *f, struct uk_ofile *of __maybe_unused)
{
	struct uk_pipe *p = f->priv;

	__atomic_add_fetch(&p->writers, 1, __ATOMIC_ACQ_REL);
	notify_in(p, PIPE_IN);
	return 0;
}

static void pipe_rd_close(struct uk_file *f, struct uk_ofile *of __maybe_unused)
{
	struct uk_pipe *p = f->priv;

	if (!__atomic_sub_fetch(&p->readers, 1, __ATOMIC_ACQ_REL))
		notify_out(p, UK_POLLERR | PIPE_OUT);
}

static void pipe_wr_close(struct uk_file *f, struct uk_ofile *of __maybe_unused)
{
	struct uk_pipe *p = f->priv;

	if (!__atomic_sub_fetch(&p->writers, 1, __ATOMIC_ACQ_REL))
		notify_in(p, UK_POLLHUP | PIPE_IN);
}

static int pipe_rw_open(struct uk_file *f, struct uk_ofile *of)
{
	pipe_rd_open(f, of);
	return pipe_wr_open(f, of);
}

static void pipe_rw_close(struct uk_file *f, struct uk_ofile *of)
{
	pipe_rd_close(f, of);
	pipe_wr_close(f, of);
}

static void pipe_release(struct uk_file *f)
{
	struct uk_pipe *p = f->priv;
	struct uk_alloc *a = uk_alloc_get_default();
	int left = __atomic_sub_fetch(&p->files, 1, __ATOMIC_ACQ_REL);

	/* The pipe holds rw until both ends are gone; then rw's last
	 * holder frees it. */
	if (left == 1 && f != &p->rw) {
		uk_file_put(&p->rw);
		return;
	}
	if (left)
		return;
	uk_free(a, p->buf);
	uk_free(a, p->seg);
	uk_free(a, p);
}

static const struct uk_file_ops pipe_rd_ops = {
	.read = pipe_read,
	.getstat = pipe_getstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_rd_poll,
	.open = pipe_rd_open,
	.close = pipe_rd_close,
	.release = pipe_release,
};

static const struct uk_file_ops pipe_wr_ops = {
	.write = pipe_write,
	.getstat = pipe_getstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_wr_poll,
	.open = pipe_wr_open,
	.close = pipe_wr_close,
	.release = pipe_release,
};

/* Both ends in one description, a reader and a writer at once. */
static const struct uk_file_ops pipe_rw_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.getstat = pipe_getstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_rw_poll,
	.open = pipe_rw_open,
	.close = pipe_rw_close,
	.release = pipe_release,
};

int uk_pipe_create(struct uk_file **rd, struct uk_file **wr)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct uk_pipe *p;

	p = uk_calloc(a, 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->cap = UK_PIPE_CAP;
	p->slots = UK_PIPE_SLOTS;
	p->buf = uk_malloc(a, p->cap);
	p->seg = uk_calloc(a, p->slots, sizeof(*p->seg));
	if (!p->buf || !p->seg) {
		uk_free(a, p->buf);
		uk_free(a, p->seg);
		uk_free(a, p);
		return -ENOMEM;
	}
	uk_mutex_init(&p->lock);
	uk_mutex_init(&p->rdlock);
	p->files = 3;
	p->ino = uk_file_ino_next();
	uk_file_init(&p->rd, &pipe_rd_ops, S_IFIFO | 0600, p);
	uk_file_init(&p->wr, &pipe_wr_ops, S_IFIFO | 0600, p);
	uk_file_init(&p->rw, &pipe_rw_ops, S_IFIFO | 0600, p);
	*rd = &p->rd;
	*wr = &p->wr;
	return 0;
}

struct uk_pipe *pipe_of(struct uk_file *f)
{
	return uk_pipe_is_pipe(f) ? f->priv : NULL;
}

ssize_t pipe_peek(struct uk_pipe *p, void *buf, __sz n)
{
	__sz first;

	uk_mutex_lock(&p->lock);
	n = MIN(n, (__sz)p->used);
	if (!n) {
		uk_mutex_unlock(&p->lock);
		return load(&p->writers) ? -EAGAIN : 0;
	}
	first = MIN(n, (__sz)(p->cap - p->head));
	memcpy(buf, p->buf + p->head, first);
	memcpy((char *)buf + first, p->buf, n - first);
	uk_mutex_unlock(&p->lock);
	return n;
}

void pipe_drop(struct uk_pipe *p, __sz n)
{
	struct pipe_seg *s;
	__sz take;

	uk_mutex_lock(&p->lock);
	while (n && p->nseg) {
		s = seg_at(p, 0);
		take = MIN(n, (__sz)s->len);
		ring_consume(p, take);
		s->len -= take;
		n -= take;
		if (!s->len)
			seg_pop(p);
	}
	uk_mutex_unlock(&p->lock);
	notify_out(p, PIPE_OUT);
}

__sz pipe_room(struct uk_pipe *p)
{
	struct pipe_seg *last;
	__sz room;

	uk_mutex_lock(&p->lock);
	last = seg_last(p);
	room = p->cap - p->used;
	if (p->nseg == p->slots && (!last || last->packet))
		room = 0;
	uk_mutex_unlock(&p->lock);
	return room;
}

int uk_pipe_size(struct uk_file *f)
{
	struct uk_pipe *p = pipe_of(f);

	return p ? (int)loadu(&p->cap) : -EBADF;
}

/* Moves the ring's bytes and segments to buf and seg (cap bytes, slots
 * segments, both big enough) from their starts on; hands back the old
 * ones in *buf and *seg. p->lock held. */
static void pipe_move(struct uk_pipe *p, char **buf, struct pipe_seg **seg,
		      unsigned int cap, unsigned int slots)
{
	unsigned int first = MIN(p->used, p->cap - p->head), i;
	struct pipe_seg *old_seg = p->seg;
	char *old_buf = p->buf;

	memcpy(*buf, p->buf + p->head, first);
	memcpy(*buf + first, p->buf, p->used - first);
	for (i = 0; i < p->nseg; i++)
		(*seg)[i] = *seg_at(p, i);
	p->buf = *buf;
	p->seg = *seg;
	p->head = 0;
	p->seg_head = 0;
	__atomic_store_n(&p->slots, slots, __ATOMIC_RELEASE);
	__atomic_store_n(&p->cap, cap, __ATOMIC_RELEASE);
	*buf = old_buf;
	*seg = old_seg;
}

int uk_pipe_resize(struct uk_file *f, unsigned int size)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct uk_pipe *p = pipe_of(f);
	unsigned int cap = PAGE_SIZE, slots;
	struct pipe_seg *seg;
	char *buf;
	int rc;

	if (!p)
		return -EBADF;
	if (size > (1U << 31))
		return -EINVAL;
	if (size > UK_PIPE_MAX)
		return -ENOMEM;
	while (cap < size)
		cap <<= 1;
	slots = cap / PAGE_SIZE;
	buf = uk_malloc(a, cap);
	seg = uk_calloc(a, slots, sizeof(*seg));
	rc = -ENOMEM;
	if (buf && seg) {
		uk_mutex_lock(&p->lock);
		rc = -EBUSY;
		if (p->used <= cap && p->nseg <= slots) {
			pipe_move(p, &buf, &seg, cap, slots);
			rc = cap;
		}
		uk_mutex_unlock(&p->lock);
	}
	uk_free(a, buf);
	uk_free(a, seg);
	if (rc > 0)
		notify_out(p, PIPE_OUT);
	return rc;
}

int uk_pipe_is_pipe(const struct uk_file *f)
{
	return f->ops == &pipe_rd_ops || f->ops == &pipe_wr_ops ||
	       f->ops == &pipe_rw_ops;
}

struct uk_file *uk_pipe_end(struct uk_file *f, int acc)
{
	struct uk_pipe *p = f->priv;

	if (acc == O_RDWR)
		return uk_file_get(&p->rw);
	return uk_file_get(acc == O_RDONLY ? &p->rd : &p->wr);
}

int uk_pipe_readers(const struct uk_file *f)
{
	return load(&((struct uk_pipe *)f->priv)->readers);
}

int uk_pipe_writers(const struct uk_file *f)
{
	return load(&((struct uk_pipe *)f->priv)->writers);
}

#define PIPE2_FLAGS	(O_CLOEXEC | O_NONBLOCK | O_DIRECT)

int uk_pipe_open(int fds[2], unsigned int flags)
{
	struct uk_file *rd, *wr;
	int rc, fd0, fd1;

	if (flags & ~PIPE2_FLAGS)
		return -EINVAL;
	rc = uk_pipe_create(&rd, &wr);
	if (rc < 0)
		return rc;
	/* As Linux: only the write end shows O_DIRECT (packets are made
	 * by writes; a read takes whatever the next segment is). */
	fd0 = uk_fdtab_open(rd, O_RDONLY | (flags & ~O_DIRECT));
	if (fd0 < 0) {
		uk_file_put(wr);
		return fd0;
	}
	fd1 = uk_fdtab_open(wr, O_WRONLY | flags);
	if (fd1 < 0) {
		uk_fdtab_close(fd0);
		return fd1;
	}
	fds[0] = fd0;
	fds[1] = fd1;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, pipe2, int *, fds, int, flags)
{
	int kfds[2], rc;

	rc = uk_pipe_open(kfds, (unsigned int)flags);
	if (rc < 0)
		return rc;
	if (uk_copy_to_user(fds, kfds, sizeof(kfds)) < 0) {
		/* No fd leaks to an app that cannot learn them. */
		uk_fdtab_close(kfds[0]);
		uk_fdtab_close(kfds[1]);
		return -EFAULT;
	}
	return 0;
}

UK_SYSCALL_R_DEFINE(int, pipe, int *, fds)
{
	return __uk_sys_pipe2(fds, 0);
}
