/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * splice(2) and tee(2): data moved between a pipe and another file (or a
 * second pipe) in the kernel, through a bounce buffer and the files' own
 * ops, with Linux's rules:
 *
 * - From a pipe, bytes are looked at under the pipe's reader lock, written
 *   to the output, and only what the output took is consumed (tee
 *   consumes nothing); other readers of that pipe wait meanwhile.
 * - Into a pipe, at most what fits now is read from the input, so the
 *   write into the pipe does not come up short.
 * - A call waits for input data and for room in an output pipe unless
 *   SPLICE_F_NONBLOCK is given or a pipe end involved is O_NONBLOCK
 *   (EAGAIN); a pipe whose writers are gone gives 0, one whose readers
 *   are gone EPIPE and SIGPIPE. A signal while waiting is EINTR (or a
 *   restart after an SA_RESTART handler).
 * - One call moves at most what one look at the pipe finds (as Linux,
 *   which moves the pipe buffers it finds, not len bytes in all).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/thread.h>
#include "pipe_impl.h"

/* Linux's SPLICE_F_* (MOVE and GIFT are hints, MORE one for sockets). */
#define SPLICE_F_MOVE_		0x01U
#define SPLICE_F_NONBLOCK_	0x02U
#define SPLICE_F_MORE_		0x04U
#define SPLICE_F_GIFT_		0x08U
#define SPLICE_F_ALL_		0x0fU

/* The most one call moves: the pipe's capacity. */
#define SPLICE_CHUNK		UK_PIPE_CAP

struct splice_args {
	struct uk_ofile *in, *out;
	struct uk_pipe *ipipe, *opipe;
	off_t *uoff_in, *uoff_out;	/* the app's, or NULL */
	off_t *kpos_in;			/* the kernel's (sendfile), or NULL */
	__sz len;
	int nonblock;
	int tee;			/* copy, do not consume */
	char *buf;
};

/* Waits for f's events in mask. Returns 0 or -UK_ERESTARTSYS (a signal
 * came for the caller). */
static int wait_for(struct uk_file *f, unsigned int mask)
{
	if (!uk_file_wait(f, mask, 0) &&
	    uk_thread_interrupted(uk_thread_current()))
		return -UK_ERESTARTSYS;
	return 0;
}

/* Input pipe: data there, 0 if none will come, or -errno (-EAGAIN for a
 * non-blocking call), waiting as needed. Returns 1 with data. */
static int ipipe_ready(struct splice_args *a)
{
	struct uk_pipe *p = a->ipipe;

	for (;;) {
		if (__atomic_load_n(&p->used, __ATOMIC_ACQUIRE))
			return 1;
		if (!__atomic_load_n(&p->writers, __ATOMIC_ACQUIRE))
			return 0;
		if (a->nonblock)
			return -EAGAIN;
		if (wait_for(a->in->file, UK_POLLIN))
			return -UK_ERESTARTSYS;
	}
}

/* Output pipe: room for *room bytes (set), or -errno (-EPIPE with
 * SIGPIPE without readers, -EAGAIN for a non-blocking call). */
static int opipe_ready(struct splice_args *a, __sz *room)
{
	struct uk_pipe *p = a->opipe;

	for (;;) {
		if (!__atomic_load_n(&p->readers, __ATOMIC_ACQUIRE)) {
			uk_signal_raise_pipe();
			return -EPIPE;
		}
		*room = pipe_room(p);
		if (*room)
			return 0;
		if (a->nonblock)
			return -EAGAIN;
		if (wait_for(a->out->file, UK_POLLOUT))
			return -UK_ERESTARTSYS;
	}
}

/* One look at the input pipe, written to the output (a pipe: without
 * waiting, at most room bytes), consumed as far as written unless tee. */
static ssize_t from_pipe_once(struct splice_args *a, off_t *opos,
			      __sz room, unsigned int xflags)
{
	struct uk_pipe *p = a->ipipe;
	ssize_t n, w;

	uk_mutex_lock(&p->rdlock);
	n = pipe_peek(p, a->buf, MIN(a->len, room));
	if (n <= 0) {
		uk_mutex_unlock(&p->rdlock);
		return n;
	}
	w = uk_ofile_kio(a->out, 1, a->buf, n, opos, xflags);
	if (w > 0 && !a->tee)
		pipe_drop(p, w);
	uk_mutex_unlock(&p->rdlock);
	return w;
}

/* pipe -> pipe (splice and tee). */
static ssize_t pipe_to_pipe(struct splice_args *a)
{
	__sz room;
	ssize_t rc;

	for (;;) {
		rc = ipipe_ready(a);
		if (rc <= 0)
			return rc;
		rc = opipe_ready(a, &room);
		if (rc)
			return rc;
		rc = from_pipe_once(a, NULL, room, O_NONBLOCK);
		/* Taken by another reader or writer in between: again. */
		if (rc != -EAGAIN && rc != 0)
			return rc;
		if (rc == -EAGAIN && a->nonblock)
			return rc;
		if (rc == -EAGAIN && wait_for(a->out->file, UK_POLLOUT))
			return -UK_ERESTARTSYS;
	}
}

/* pipe -> file: the output's own O_NONBLOCK rules its writes (a socket
 * may block, as on Linux). */
static ssize_t pipe_to_file(struct splice_args *a)
{
	int seek = uk_file_seekable(a->out->file);
	off_t pos = 0;
	ssize_t rc;

	if (a->uoff_out && !seek)
		return -EINVAL;
	if (a->out->flags & O_APPEND)
		return -EINVAL;
	if (seek) {
		rc = uk_ofile_pos_in(a->out, a->uoff_out, &pos);
		if (rc)
			return rc;
		if (pos < 0)
			return -EINVAL;
	}
	rc = ipipe_ready(a);
	if (rc <= 0)
		return rc;
	rc = from_pipe_once(a, seek ? &pos : NULL, SPLICE_CHUNK, 0);
	if (rc > 0 && seek && uk_ofile_pos_out(a->out, a->uoff_out, pos + rc))
		return -EFAULT;
	return rc;
}

/* file -> pipe: reads at most the room there is. */
static ssize_t file_to_pipe(struct splice_args *a)
{
	int seek = uk_file_seekable(a->in->file);
	__sz room;
	off_t pos = 0;
	ssize_t got, w;

	if (a->uoff_in && !seek)
		return -EINVAL;
	if ((a->in->file->mode & S_IFMT) == S_IFDIR)
		return -EINVAL;
	if (seek && a->kpos_in) {
		pos = *a->kpos_in;
	} else if (seek) {
		w = uk_ofile_pos_in(a->in, a->uoff_in, &pos);
		if (w)
			return w;
	}
	if (pos < 0)
		return -EINVAL;
	w = opipe_ready(a, &room);
	if (w)
		return w;
	got = uk_ofile_kio(a->in, 0, a->buf, MIN(a->len, room),
			   seek ? &pos : NULL, a->nonblock ? O_NONBLOCK : 0);
	if (got <= 0)
		return got;
	/* Only a racing writer can fill the room: what it took is lost
	 * for a stream input, reread next time for a file. */
	w = uk_ofile_kio(a->out, 1, a->buf, got, NULL, O_NONBLOCK);
	if (w <= 0 || !seek)
		return w;
	if (a->kpos_in)
		*a->kpos_in = pos + w;
	else if (uk_ofile_pos_out(a->in, a->uoff_in, pos + w))
		return -EFAULT;
	return w;
}

/* The input open for reading, the output for writing (else -EBADF);
 * notes which are pipes. */
static int modes_check(struct splice_args *a)
{
	if ((a->in->flags & O_ACCMODE) == O_WRONLY ||
	    (a->out->flags & O_ACCMODE) == O_RDONLY ||
	    ((a->in->flags | a->out->flags) & O_PATH))
		return -EBADF;
	a->ipipe = pipe_of(a->in->file);
	a->opipe = pipe_of(a->out->file);
	return 0;
}

static ssize_t do_splice(struct splice_args *a)
{
	if (modes_check(a))
		return -EBADF;
	if (a->ipipe && a->opipe) {
		if (a->uoff_in || a->uoff_out)
			return -ESPIPE;
		if (a->ipipe == a->opipe)
			return -EINVAL;
		a->nonblock |= !!((a->in->flags | a->out->flags) & O_NONBLOCK);
		return pipe_to_pipe(a);
	}
	if (a->ipipe) {
		if (a->uoff_in)
			return -ESPIPE;
		a->nonblock |= !!(a->in->flags & O_NONBLOCK);
		return pipe_to_file(a);
	}
	if (a->opipe) {
		if (a->uoff_out)
			return -ESPIPE;
		a->nonblock |= !!(a->out->flags & O_NONBLOCK);
		return file_to_pipe(a);
	}
	return -EINVAL;
}

/* Looks both fds up and runs fn with a bounce buffer. */
static ssize_t with_fds(int fd_in, int fd_out, struct splice_args *a,
			ssize_t (*fn)(struct splice_args *a))
{
	struct uk_alloc *al = uk_alloc_get_default();
	ssize_t rc;

	a->in = uk_fdtab_get(fd_in);
	if (PTRISERR(a->in))
		return PTR2ERR(a->in);
	a->out = uk_fdtab_get(fd_out);
	if (PTRISERR(a->out)) {
		uk_ofile_put(a->in);
		return PTR2ERR(a->out);
	}
	a->len = MIN(a->len, (__sz)SPLICE_CHUNK);
	a->buf = uk_malloc(al, a->len);
	rc = a->buf ? fn(a) : -ENOMEM;
	uk_free(al, a->buf);
	uk_ofile_put(a->out);
	uk_ofile_put(a->in);
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, splice, int, fd_in, off_t *, off_in,
		    int, fd_out, off_t *, off_out, size_t, len,
		    unsigned int, flags)
{
	struct splice_args a = {
		.uoff_in = off_in, .uoff_out = off_out, .len = len,
		.nonblock = !!(flags & SPLICE_F_NONBLOCK_),
	};

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL_)
		return -EINVAL;
	return with_fds(fd_in, fd_out, &a, do_splice);
}

ssize_t uk_pipe_sendfile_in(struct uk_ofile *out, struct uk_ofile *in,
			    off_t *pos, __sz len)
{
	struct uk_alloc *al = uk_alloc_get_default();
	struct splice_args a = {
		.in = in, .out = out, .len = MIN(len, (__sz)SPLICE_CHUNK),
		.nonblock = !!(out->flags & O_NONBLOCK), .kpos_in = pos,
	};
	__sz room;
	ssize_t rc;

	if (modes_check(&a))
		return -EBADF;
	if (!a.opipe || a.ipipe)
		return -EINVAL;
	/* As Linux: a call for nothing still waits for room. */
	if (!a.len)
		return opipe_ready(&a, &room);
	a.buf = uk_malloc(al, a.len);
	if (!a.buf)
		return -ENOMEM;
	rc = file_to_pipe(&a);
	uk_free(al, a.buf);
	return rc;
}

static ssize_t do_tee(struct splice_args *a)
{
	if (modes_check(a))
		return -EBADF;
	if (!a->ipipe || !a->opipe || a->ipipe == a->opipe)
		return -EINVAL;
	a->nonblock |= !!((a->in->flags | a->out->flags) & O_NONBLOCK);
	return pipe_to_pipe(a);
}

UK_SYSCALL_R_DEFINE(ssize_t, tee, int, fd_in, int, fd_out, size_t, len,
		    unsigned int, flags)
{
	struct splice_args a = {
		.len = len, .tee = 1,
		.nonblock = !!(flags & SPLICE_F_NONBLOCK_),
	};

	/* The order of Linux's checks (splice has them the other way). */
	if (flags & ~SPLICE_F_ALL_)
		return -EINVAL;
	if (!len)
		return 0;
	return with_fds(fd_in, fd_out, &a, do_tee);
}
