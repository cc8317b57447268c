/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Files and open file descriptions (uk/file.h): references, finalizers,
 * waiting for events, and the generic I/O loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/file.h>
#include <uk/inotify.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/thread.h>

struct dirent_hdr {
	__u64 d_ino;
	__s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
} __packed;

#define DIRENT_HDR	19	/* linux_dirent64 up to d_name */
#define NAME_MAX_	255

ssize_t uk_file_put_dirent(void *buf, __sz len, __sz done, __u64 ino,
			   off_t next, unsigned char type, const char *name,
			   __sz namelen)
{
	char rec[DIRENT_HDR + NAME_MAX_ + 1 + 8];
	__sz reclen = ALIGN_UP(DIRENT_HDR + namelen + 1, 8);
	struct dirent_hdr h = {
		.d_ino = ino, .d_off = next, .d_reclen = reclen,
		.d_type = type,
	};

	if (namelen > NAME_MAX_)
		return -ENAMETOOLONG;
	if (done + reclen > len)
		return 0;
	memset(rec, 0, reclen);
	memcpy(rec, &h, DIRENT_HDR);
	memcpy(rec + DIRENT_HDR, name, namelen);
	if (uk_copy_to_user((char *)buf + done, rec, reclen))
		return -EFAULT;
	return reclen;
}

void uk_file_init(struct uk_file *f, const struct uk_file_ops *ops,
		  mode_t mode, void *priv)
{
	f->ops = ops;
	f->mode = mode;
	f->refcount = 1;
	uk_pollq_init(&f->pollq);
	f->vnode = NULL;
	f->priv = priv;
	f->locks = NULL;
}

ino_t uk_file_ino_next(void)
{
	static ino_t next_ino;
	ino_t ino;

	do
		ino = __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED);
	while (!ino);
	return ino;
}

void uk_file_put(struct uk_file *f)
{
	if (__atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	uk_file_locks_free(f);
	if (f->ops->release)
		f->ops->release(f);
}

unsigned int uk_file_poll(struct uk_file *f)
{
	if (!f->ops->poll)
		return UK_POLLIN | UK_POLLOUT;
	return f->ops->poll(f);
}

static void wake_thread(struct uk_poll_waiter *w,
			unsigned int events __maybe_unused)
{
	uk_thread_wake(w->arg);
}

int uk_file_wait_until(struct uk_file *f, unsigned int mask,
		       int (*cond)(struct uk_file *f, void *arg), void *arg,
		       __nsec deadline)
{
	struct uk_thread *self = uk_thread_current();
	struct uk_poll_waiter w = {
		.link = UK_LIST_HEAD_INIT(w.link),
		.mask = mask,
		.wake = wake_thread,
		.arg = self,
	};
	int ok;

	for (;;) {
		uk_thread_block_until(self, deadline);
		uk_pollq_add(&f->pollq, &w);
		/* Pairs with the fence in uk_pollq_notify(): either the
		 * notifier sees us queued or we see its new state. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ok = cond(f, arg);
		if (ok || uk_thread_interrupted(self))
			break;
		if (deadline && ukplat_monotonic_clock() >= deadline)
			break;
		uk_sched_yield();
	}
	uk_pollq_del(&f->pollq, &w);
	uk_thread_wake(self);
	return ok;
}

struct events_wanted {
	unsigned int mask, got;
};

static int has_events(struct uk_file *f, void *arg)
{
	struct events_wanted *ew = arg;

	ew->got = uk_file_poll(f) & ew->mask;
	return ew->got != 0;
}

unsigned int uk_file_wait(struct uk_file *f, unsigned int mask,
			  __nsec deadline)
{
	struct events_wanted ew = { mask | UK_POLLERR | UK_POLLHUP, 0 };

	uk_file_wait_until(f, ew.mask, has_events, &ew, deadline);
	return ew.got;
}

struct uk_ofile *uk_ofile_create(struct uk_file *f, unsigned int flags)
{
	struct uk_ofile *of;
	int rc;

	of = uk_malloc(uk_alloc_get_default(), sizeof(*of));
	if (!of) {
		uk_file_put(f);
		return ERR2PTR(-ENOMEM);
	}
	of->file = f;
	of->flags = flags & ~(unsigned int)O_CLOEXEC;
	of->refcount = 1;
	of->pos = 0;
	uk_spin_init(&of->lock);
	uk_mutex_init(&of->pos_lock);
	uk_list_init(&of->finalizers);
	if (f->ops->open) {
		rc = f->ops->open(f, of);
		if (rc < 0) {
			uk_free(uk_alloc_get_default(), of);
			uk_file_put(f);
			return ERR2PTR(rc);
		}
	}
	return of;
}

static void run_finalizers(struct uk_ofile *of)
{
	struct uk_ofile_finalizer *fin;
	unsigned long flags;

	/* A finalizer may free itself: take each off the list first. */
	for (;;) {
		uk_spin_lock_irqsave(&of->lock, flags);
		if (uk_list_empty(&of->finalizers)) {
			uk_spin_unlock_irqrestore(&of->lock, flags);
			return;
		}
		fin = uk_list_first_entry(&of->finalizers,
					  struct uk_ofile_finalizer, link);
		uk_list_del(&fin->link);
		uk_spin_unlock_irqrestore(&of->lock, flags);
		fin->fn(fin, of);
	}
}

void uk_ofile_put(struct uk_ofile *of)
{
	struct uk_file *f = of->file;

	if (__atomic_sub_fetch(&of->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	run_finalizers(of);
	uk_file_locks_ofile_gone(of);
	if (f->ops->close)
		f->ops->close(f, of);
	if (f->vnode)
		uk_inotify_close(of);
	uk_free(uk_alloc_get_default(), of);
	uk_file_put(f);
}

void uk_ofile_finalizer_add(struct uk_ofile *of,
			    struct uk_ofile_finalizer *fin)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&of->lock, flags);
	uk_list_add_tail(&fin->link, &of->finalizers);
	uk_spin_unlock_irqrestore(&of->lock, flags);
}

void uk_ofile_finalizer_del(struct uk_ofile *of,
			    struct uk_ofile_finalizer *fin)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&of->lock, flags);
	if (fin->link.next)
		uk_list_del(&fin->link);
	uk_spin_unlock_irqrestore(&of->lock, flags);
}

typedef ssize_t (*io_op)(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off, unsigned int flags);

struct write_rest_args {
	struct uk_ofile *of;
	io_op op;
	off_t *off;
};

/* One piece of the rest: written once the file has room. */
static ssize_t write_piece(const struct iovec *one, void *arg)
{
	struct write_rest_args *a = arg;
	ssize_t rc;

	for (;;) {
		rc = a->op(a->of->file, one, 1, a->off, a->of->flags);
		if (rc != -EAGAIN)
			return rc;
		if (!uk_file_wait(a->of->file, UK_POLLOUT, 0) &&
		    uk_thread_interrupted(uk_thread_current()))
			return -UK_ERESTARTSYS;
	}
}

/* A blocking write to a stream (a pipe) that moved only part of the
 * data goes on with the rest until all is written or an error comes;
 * returns the bytes written in all (Linux). */
static ssize_t write_rest(struct uk_ofile *of, io_op op,
			  const struct iovec *iov, int iovcnt, off_t *off,
			  __sz done)
{
	struct write_rest_args a = { of, op, off };

	return uk_iov_go_on(iov, iovcnt, done, write_piece, &a);
}

/* Calls op until it does not return -EAGAIN on a blocking description,
 * waiting for the events in mask in between. */
static ssize_t io_loop(struct uk_ofile *of, io_op op, unsigned int mask,
		       const struct iovec *iov, int iovcnt, off_t *off,
		       unsigned int xflags)
{
	unsigned int flags = of->flags | xflags;
	ssize_t rc;

	if (of->file->ops->self_blocking)
		return op(of->file, iov, iovcnt, off, flags);
	for (;;) {
		rc = op(of->file, iov, iovcnt, off, flags);
		if (rc > 0 && mask == UK_POLLOUT &&
		    !(flags & O_NONBLOCK) && !uk_file_seekable(of->file) &&
		    (__sz)rc < uk_iov_total(iov, iovcnt))
			return write_rest(of, op, iov, iovcnt, off, rc);
		if (rc != -EAGAIN || (flags & O_NONBLOCK))
			return rc;
		/* A signal: run again after its handler (SA_RESTART) or
		 * fail with EINTR; nothing was moved yet. */
		if (!uk_file_wait(of->file, mask, 0) &&
		    uk_thread_interrupted(uk_thread_current()))
			return -UK_ERESTARTSYS;
	}
}

static ssize_t ofile_io(struct uk_ofile *of, io_op op, unsigned int mask,
			const struct iovec *iov, int iovcnt, const off_t *off,
			unsigned int xflags)
{
	struct uk_file *f = of->file;
	off_t pos;
	ssize_t rc;

	if (!uk_file_seekable(f)) {
		if (off)
			return -ESPIPE;
		pos = 0;
		return io_loop(of, op, mask, iov, iovcnt, &pos, xflags);
	}
	if (off) {
		if (*off < 0)
			return -EINVAL;
		pos = *off;
		return io_loop(of, op, mask, iov, iovcnt, &pos, xflags);
	}
	/* The position lock makes concurrent reads and writes on one
	 * description see and advance the position one after another. */
	uk_mutex_lock(&of->pos_lock);
	pos = of->pos;
	rc = io_loop(of, op, mask, iov, iovcnt, &pos, xflags);
	if (rc >= 0)
		of->pos = pos;
	uk_mutex_unlock(&of->pos_lock);
	return rc;
}

ssize_t uk_ofile_read_flags(struct uk_ofile *of, const struct iovec *iov,
			    int iovcnt, const off_t *off, unsigned int xflags)
{
	unsigned int mode = of->flags & O_ACCMODE;
	ssize_t rc;

	if (mode == O_WRONLY || (of->flags & O_PATH))
		return -EBADF;
	if (!of->file->ops->read)
		return -EINVAL;
	rc = ofile_io(of, of->file->ops->read, UK_POLLIN, iov, iovcnt, off,
		      xflags);
	if (rc > 0)
		uk_inotify_file(of->file, UK_IN_ACCESS);
	return rc;
}

ssize_t uk_ofile_write_flags(struct uk_ofile *of, const struct iovec *iov,
			     int iovcnt, const off_t *off, unsigned int xflags)
{
	unsigned int mode = of->flags & O_ACCMODE;
	ssize_t rc;

	if (mode == O_RDONLY || (of->flags & O_PATH))
		return -EBADF;
	if (!of->file->ops->write)
		return -EINVAL;
	rc = ofile_io(of, of->file->ops->write, UK_POLLOUT, iov, iovcnt,
		      off, xflags);
	if (rc > 0)
		uk_inotify_file(of->file, UK_IN_MODIFY);
	return rc;
}

ssize_t uk_ofile_read(struct uk_ofile *of, const struct iovec *iov,
		      int iovcnt, const off_t *off)
{
	return uk_ofile_read_flags(of, iov, iovcnt, off, 0);
}

ssize_t uk_ofile_write(struct uk_ofile *of, const struct iovec *iov,
		       int iovcnt, const off_t *off)
{
	return uk_ofile_write_flags(of, iov, iovcnt, off, 0);
}

int uk_ofile_pos_in(struct uk_ofile *of, const off_t *uoff, off_t *pos)
{
	if (uoff)
		return uk_copy_from_user(pos, uoff, sizeof(*pos));
	uk_mutex_lock(&of->pos_lock);
	*pos = of->pos;
	uk_mutex_unlock(&of->pos_lock);
	return 0;
}

int uk_ofile_pos_out(struct uk_ofile *of, off_t *uoff, off_t pos)
{
	if (uoff)
		return uk_copy_to_user(uoff, &pos, sizeof(pos));
	uk_mutex_lock(&of->pos_lock);
	of->pos = pos;
	uk_mutex_unlock(&of->pos_lock);
	return 0;
}

ssize_t uk_ofile_kio(struct uk_ofile *of, int write, void *buf, __sz len,
		     const off_t *off, unsigned int xflags)
{
	struct iovec iov = { buf, len };
	ssize_t rc;

	/* The file ops copy with the app-memory checks of nofault. */
	uk_kernel_buffers_begin();
	if (write)
		rc = uk_ofile_write_flags(of, &iov, 1, off, xflags);
	else
		rc = uk_ofile_read_flags(of, &iov, 1, off, xflags);
	uk_kernel_buffers_end();
	return rc;
}
