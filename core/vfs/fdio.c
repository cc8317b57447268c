/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The POSIX calls on file descriptors: read/write and their vectored and
 * positioned forms, lseek, close, dup, fcntl, ioctl, fstat, ftruncate,
 * as system-call handlers (uk/syscall.h) returning a value or -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/vfs.h>
#include <uk/nofault.h>
#include <uk/pipe.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>


/* iovec arrays up to this size are copied onto the stack */
#define IOV_STACK	8

typedef ssize_t (*ofile_io_fn)(struct uk_ofile *of, const struct iovec *iov,
			       int iovcnt, const off_t *off);

static ssize_t fd_io(int fd, ofile_io_fn io, const struct iovec *iov,
		     int iovcnt, const off_t *off)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	ssize_t rc;

	if (PTRISERR(of))
		return PTR2ERR(of);
	rc = io(of, iov, iovcnt, off);
	uk_ofile_put(of);
	return rc;
}

static ssize_t fd_iov_io(int fd, ofile_io_fn io, const struct iovec *uiov,
			 int iovcnt, const off_t *off)
{
	struct iovec kiov[IOV_STACK], *heap, *iov;
	ssize_t rc;

	iov = uk_iov_import(uiov, iovcnt, kiov, IOV_STACK, &heap);
	if (PTRISERR(iov))
		return PTR2ERR(iov);
	rc = fd_io(fd, io, iov, iovcnt, off);
	uk_free(uk_alloc_get_default(), heap);
	return rc;
}

static ssize_t fd_buf_io(int fd, ofile_io_fn io, const void *buf,
			 size_t count, const off_t *off)
{
	/* As Linux: one call moves at most MAX_RW_COUNT bytes. */
	struct iovec iov = { (void *)buf, MIN(count, UK_IOV_MAX_RW) };

	return fd_io(fd, io, &iov, 1, off);
}

UK_SYSCALL_R_DEFINE(ssize_t, read, int, fd, void *, buf, size_t, count)
{
	return fd_buf_io(fd, uk_ofile_read, buf, count, NULL);
}

UK_SYSCALL_R_DEFINE(ssize_t, write, int, fd, const void *, buf,
		    size_t, count)
{
	return fd_buf_io(fd, uk_ofile_write, buf, count, NULL);
}

UK_SYSCALL_R_DEFINE(ssize_t, pread64, int, fd, void *, buf, size_t, count,
		    off_t, off)
{
	return fd_buf_io(fd, uk_ofile_read, buf, count, &off);
}

UK_SYSCALL_R_DEFINE(ssize_t, pwrite64, int, fd, const void *, buf,
		    size_t, count, off_t, off)
{
	return fd_buf_io(fd, uk_ofile_write, buf, count, &off);
}

UK_SYSCALL_R_DEFINE(ssize_t, readv, int, fd, const struct iovec *, iov,
		    int, iovcnt)
{
	return fd_iov_io(fd, uk_ofile_read, iov, iovcnt, NULL);
}

UK_SYSCALL_R_DEFINE(ssize_t, writev, int, fd, const struct iovec *, iov,
		    int, iovcnt)
{
	return fd_iov_io(fd, uk_ofile_write, iov, iovcnt, NULL);
}

/* The position comes in two halves on 32-bit ABIs; on 64-bit ones the
 * first holds it all. */
UK_SYSCALL_R_DEFINE(ssize_t, preadv, int, fd, const struct iovec *, iov,
		    int, iovcnt, off_t, off)
{
	return fd_iov_io(fd, uk_ofile_read, iov, iovcnt, &off);
}

UK_SYSCALL_R_DEFINE(ssize_t, pwritev, int, fd, const struct iovec *, iov,
		    int, iovcnt, off_t, off)
{
	return fd_iov_io(fd, uk_ofile_write, iov, iovcnt, &off);
}

/* preadv2/pwritev2 flags (Linux's RWF_*). HIPRI (polling) and the
 * sync flags change nothing here: data is in memory. */
#define RWF_HIPRI_	0x01U
#define RWF_DSYNC_	0x02U
#define RWF_SYNC_	0x04U
#define RWF_NOWAIT_	0x08U
#define RWF_APPEND_	0x10U
#define RWF_KNOWN	(RWF_HIPRI_ | RWF_DSYNC_ | RWF_SYNC_ | RWF_NOWAIT_ | \
			 RWF_APPEND_)

typedef ssize_t (*ofile_io2_fn)(struct uk_ofile *of, const struct iovec *iov,
				int iovcnt, const off_t *off,
				unsigned int xflags);

/* preadv2(2)/pwritev2(2): off -1 is the file position; RWF_NOWAIT makes
 * this call non-blocking, RWF_APPEND writes at the end; other flags are
 * EOPNOTSUPP. */
static ssize_t fd_iov_io2(int fd, ofile_io2_fn io, const struct iovec *uiov,
			  int iovcnt, off_t off, unsigned int rwf)
{
	struct iovec kiov[IOV_STACK], *heap, *iov;
	unsigned int xflags = 0;
	struct uk_ofile *of;
	ssize_t rc;

	if (off < -1)
		return -EINVAL;
	of = uk_fdtab_get(fd);
	if (PTRISERR(of))
		return PTR2ERR(of);
	rc = -EOPNOTSUPP;
	if (rwf & ~RWF_KNOWN)
		goto out;
	if (rwf & RWF_NOWAIT_)
		xflags |= O_NONBLOCK;
	if (rwf & RWF_APPEND_)
		xflags |= O_APPEND;
	iov = uk_iov_import(uiov, iovcnt, kiov, IOV_STACK, &heap);
	rc = PTRISERR(iov) ? PTR2ERR(iov) :
	     io(of, iov, iovcnt, off == -1 ? NULL : &off, xflags);
	if (!PTRISERR(iov))
		uk_free(uk_alloc_get_default(), heap);
out:
	uk_ofile_put(of);
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, preadv2, int, fd, const struct iovec *, iov,
		    int, iovcnt, off_t, off, long, off_hi, unsigned int, rwf)
{
	(void)off_hi;
	return fd_iov_io2(fd, uk_ofile_read_flags, iov, iovcnt, off, rwf);
}

UK_SYSCALL_R_DEFINE(ssize_t, pwritev2, int, fd, const struct iovec *, iov,
		    int, iovcnt, off_t, off, long, off_hi, unsigned int, rwf)
{
	(void)off_hi;
	return fd_iov_io2(fd, uk_ofile_write_flags, iov, iovcnt, off, rwf);
}

int uk_file_stat(struct uk_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = f->mode;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	if (!f->ops->getstat)
		return 0;
	return f->ops->getstat(f, st);
}

/* Stores in *pos the position whence and off ask for. Returns 0 or
 * -errno. */
static int seek_target(struct uk_ofile *of, off_t off, int whence,
		       off_t *pos)
{
	struct stat st;
	off_t base;
	int rc;

	if (whence == SEEK_SET || whence == SEEK_CUR) {
		base = whence == SEEK_SET ? 0 : of->pos;
	} else {
		rc = uk_file_stat(of->file, &st);
		if (rc)
			return rc;
		base = st.st_size;
		/* No holes are reported: all is data, then the implicit
		 * hole at the end. */
		if (whence == SEEK_DATA || whence == SEEK_HOLE) {
			if (off < 0 || off >= st.st_size)
				return -ENXIO;
			*pos = whence == SEEK_DATA ? off : st.st_size;
			return 0;
		}
	}
	if (off > 0 && base > LONG_MAX - off)
		return -EOVERFLOW;
	if (base + off < 0)
		return -EINVAL;
	*pos = base + off;
	return 0;
}

static off_t ofile_seek(struct uk_ofile *of, off_t off, int whence)
{
	struct uk_file *f = of->file;
	unsigned int type = f->mode & S_IFMT;
	off_t pos;
	int rc;

	if (type == S_IFIFO || type == S_IFSOCK || f->ops->no_seek)
		return -ESPIPE;
	if (whence < SEEK_SET || whence > SEEK_HOLE)
		return -EINVAL;
	/* Character devices have no position; Linux answers 0. */
	if (!uk_file_seekable(f))
		return 0;
	uk_mutex_lock(&of->pos_lock);
	rc = seek_target(of, off, whence, &pos);
	if (!rc)
		of->pos = pos;
	uk_mutex_unlock(&of->pos_lock);
	return rc ? rc : pos;
}

UK_SYSCALL_R_DEFINE(off_t, lseek, int, fd, off_t, off, int, whence)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	off_t rc;

	if (PTRISERR(of))
		return PTR2ERR(of);
	/* An O_PATH fd has no position (Linux's fdget_pos: EBADF). */
	rc = (of->flags & O_PATH) ? -EBADF : ofile_seek(of, off, whence);
	uk_ofile_put(of);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, close, int, fd)
{
	return uk_fdtab_close(fd);
}

UK_SYSCALL_R_DEFINE(int, close_range, unsigned int, first,
		    unsigned int, last, int, flags)
{
	if (flags & ~CLOSE_RANGE_CLOEXEC)
		return -EINVAL;
	return uk_fdtab_close_range(first, last, flags & CLOSE_RANGE_CLOEXEC);
}

static int dup_from(int oldfd, int minfd, int cloexec)
{
	struct uk_ofile *of = uk_fdtab_get(oldfd);

	if (PTRISERR(of))
		return PTR2ERR(of);
	return uk_fdtab_install(of, minfd, cloexec);
}

UK_SYSCALL_R_DEFINE(int, dup, int, oldfd)
{
	return dup_from(oldfd, 0, 0);
}

static int dup_to(int oldfd, int newfd, int cloexec)
{
	struct uk_ofile *of = uk_fdtab_get(oldfd);

	if (PTRISERR(of))
		return PTR2ERR(of);
	return uk_fdtab_install_at(of, newfd, cloexec);
}

UK_SYSCALL_R_DEFINE(int, dup2, int, oldfd, int, newfd)
{
	struct uk_ofile *of;

	if (oldfd != newfd)
		return dup_to(oldfd, newfd, 0);
	/* dup2(fd, fd) checks fd and changes nothing. */
	of = uk_fdtab_get(oldfd);
	if (PTRISERR(of))
		return PTR2ERR(of);
	uk_ofile_put(of);
	return newfd;
}

UK_SYSCALL_R_DEFINE(int, dup3, int, oldfd, int, newfd, int, flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return dup_to(oldfd, newfd, !!(flags & O_CLOEXEC));
}

/* fcntl's file seal commands (Linux's F_ADD_SEALS, F_GET_SEALS). */
#define F_ADD_SEALS_	1033
#define F_GET_SEALS_	1034
/* and its pipe size commands (F_SETPIPE_SZ, F_GETPIPE_SZ). */
#define F_SETPIPE_SZ_	1031
#define F_GETPIPE_SZ_	1032

/* Status flags F_SETFL may change (as Linux). */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static int ofile_setfl(struct uk_ofile *of, unsigned int fl)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&of->lock, flags);
	of->flags = (of->flags & ~SETFL_MASK) | (fl & SETFL_MASK);
	uk_spin_unlock_irqrestore(&of->lock, flags);
	return 0;
}

static int ofile_fcntl(struct uk_ofile *of, int cmd, long arg)
{
	switch (cmd) {
	case F_GETFL:
		return (int)of->flags;
	case F_SETFL:
		return ofile_setfl(of, (unsigned int)arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return uk_vfs_fcntl_lock(of, cmd, (void *)arg);
	case F_GET_SEALS_:
		return uk_ramfs_seals_get(of->file);
	case F_GETPIPE_SZ_:
		return uk_pipe_size(of->file);
	case F_SETPIPE_SZ_:
		return uk_pipe_resize(of->file, (unsigned int)arg);
	case F_ADD_SEALS_:
		/* As Linux's memfd_add_seals: write access first. */
		if ((of->flags & O_ACCMODE) == O_RDONLY)
			return -EPERM;
		return uk_ramfs_seals_add(of->file, (unsigned int)arg);
	default:
		return -EINVAL;
	}
}

UK_SYSCALL_R_DEFINE(int, fcntl, int, fd, int, cmd, long, arg)
{
	struct uk_ofile *of;
	int rc;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* fcntl(2): EINVAL at or above RLIMIT_NOFILE. */
		if (arg < 0 || arg >= uk_fdtab_limit())
			return -EINVAL;
		return dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return uk_fdtab_getfd(fd);
	case F_SETFD:
		return uk_fdtab_setfd(fd, arg & FD_CLOEXEC);
	}
	of = uk_fdtab_get(fd);
	if (PTRISERR(of))
		return PTR2ERR(of);
	/* An O_PATH fd takes only the fd commands and F_GETFL. */
	if ((of->flags & O_PATH) && cmd != F_GETFL)
		rc = -EBADF;
	else
		rc = ofile_fcntl(of, cmd, arg);
	uk_ofile_put(of);
	return rc;
}

static int ofile_ioctl(struct uk_ofile *of, int fd, unsigned long req,
		       void *arg)
{
	struct uk_file *f = of->file;
	int on, rc;

	switch (req) {
	case FIONBIO:
		rc = uk_copy_from_user(&on, arg, sizeof(on));
		if (rc)
			return rc;
		return ofile_setfl(of, on ? of->flags | O_NONBLOCK :
				   of->flags & ~O_NONBLOCK);
	case FIOCLEX:
	case FIONCLEX:
		return uk_fdtab_setfd(fd, req == FIOCLEX);
	}
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, req, arg);
}

/* The request is 32 bits, as on Linux: C libraries pass an int, which
 * may arrive sign-extended (_IOR requests have the top bit set). */
UK_SYSCALL_R_DEFINE(int, ioctl, int, fd, unsigned int, req, void *, arg)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	int rc;

	if (PTRISERR(of))
		return PTR2ERR(of);
	rc = (of->flags & O_PATH) ? -EBADF : ofile_ioctl(of, fd, req, arg);
	uk_ofile_put(of);
	return rc;
}

int uk_vfs_fstat(int fd, struct stat *st)
{
	struct uk_file *f = uk_fdtab_get_file(fd);
	int rc;

	if (PTRISERR(f))
		return PTR2ERR(f);
	rc = uk_file_stat(f, st);
	uk_file_put(f);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, fstat, int, fd, struct stat *, st)
{
	struct stat kst;
	int rc = uk_vfs_fstat(fd, &kst);

	if (!rc)
		rc = uk_copy_to_user(st, &kst, sizeof(kst));
	return rc;
}

static int ofile_truncate(struct uk_ofile *of, off_t len)
{
	struct uk_file *f = of->file;

	/* An O_PATH fd is no fd to the calls on open files. */
	if (of->flags & O_PATH)
		return -EBADF;
	if ((of->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if ((f->mode & S_IFMT) != S_IFREG || !f->ops->truncate)
		return -EINVAL;
	return f->ops->truncate(f, len);
}

/* ftruncate(2): EINVAL for a file not open for writing or not regular, a
 * directory too (EISDIR is truncate's); a negative length is EINVAL
 * before the fd is looked at (Linux's do_sys_ftruncate). */
UK_SYSCALL_R_DEFINE(int, ftruncate, int, fd, off_t, len)
{
	struct uk_ofile *of;
	int rc;

	if (len < 0)
		return -EINVAL;
	of = uk_fdtab_get(fd);
	if (PTRISERR(of))
		return PTR2ERR(of);
	rc = ofile_truncate(of, len);
	uk_ofile_put(of);
	return rc;
}

/* Data is always where it belongs (memory), so there is nothing to
 * write back; as Linux, only files with storage accept the call: pipes,
 * sockets, devices and event files are EINVAL, O_PATH is EBADF. */
static int fsync_check(int fd)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	unsigned int type;
	int rc = 0;

	if (PTRISERR(of))
		return PTR2ERR(of);
	type = of->file->mode & S_IFMT;
	if (of->flags & O_PATH)
		rc = -EBADF;
	else if (type != S_IFREG && type != S_IFDIR && type != S_IFBLK)
		rc = -EINVAL;
	uk_ofile_put(of);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, fsync, int, fd)
{
	return fsync_check(fd);
}

UK_SYSCALL_R_DEFINE(int, fdatasync, int, fd)
{
	return fsync_check(fd);
}
