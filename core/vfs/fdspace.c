/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Storage calls on fds: fallocate, the hints (fadvise64, readahead) and
 * the write-back calls (sync, syncfs, sync_file_range). Data lives in
 * memory, so hints and write-back have nothing to do; they still check
 * their arguments as Linux does.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <uk/errptr.h>
#include <uk/fdtab.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>

/* Linux's values (linux/falloc.h, fadvise.h, fs.h). */
#define FL_KEEP_SIZE		0x01
#define FL_PUNCH_HOLE		0x02
#define FL_NO_HIDE_STALE	0x04
#define FL_COLLAPSE_RANGE	0x08
#define FL_ZERO_RANGE		0x10
#define FL_INSERT_RANGE		0x20
#define FL_UNSHARE_RANGE	0x40
#define FL_KNOWN		0x7f

#define FADV_NOREUSE		5	/* the last advice */

/* SYNC_FILE_RANGE_WAIT_BEFORE, _WRITE and _WAIT_AFTER */
#define SFR_KNOWN		0x7

/* Linux's vfs_fallocate checks on mode, before the fd's. */
static int falloc_mode_check(int mode)
{
	if (mode & ~FL_KNOWN)
		return -EOPNOTSUPP;
	if ((mode & (FL_PUNCH_HOLE | FL_ZERO_RANGE)) ==
	    (FL_PUNCH_HOLE | FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FL_PUNCH_HOLE) && !(mode & FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FL_COLLAPSE_RANGE) && (mode & ~FL_COLLAPSE_RANGE))
		return -EINVAL;
	if ((mode & FL_INSERT_RANGE) && (mode & ~FL_INSERT_RANGE))
		return -EINVAL;
	if ((mode & FL_UNSHARE_RANGE) &&
	    (mode & ~(FL_UNSHARE_RANGE | FL_KEEP_SIZE)))
		return -EINVAL;
	return 0;
}

static int ofile_fallocate(struct uk_ofile *of, int mode, off_t off,
			   off_t len)
{
	struct uk_file *f = of->file;
	unsigned int type = f->mode & S_IFMT;

	if ((of->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (type == S_IFIFO)
		return -ESPIPE;
	if (type == S_IFDIR)
		return -EISDIR;
	if (type != S_IFREG && type != S_IFBLK)
		return -ENODEV;
	/* off and len are not negative: the sum cannot wrap unsigned. */
	if ((unsigned long)off + (unsigned long)len > UK_RAMFS_MAXSIZE)
		return -EFBIG;
	/* As tmpfs: allocation and punching holes; the rest (zero,
	 * collapse, insert, unshare ranges) is not supported. */
	if (mode & ~(FL_KEEP_SIZE | FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (!f->ops->fallocate)
		return -EOPNOTSUPP;
	return f->ops->fallocate(f, mode, off, len);
}

/* fallocate(2); posix_fallocate(3) is mode 0. */
UK_SYSCALL_R_DEFINE(int, fallocate, int, fd, int, mode, off_t, off,
		    off_t, len)
{
	struct uk_ofile *of;
	int rc;

	if (off < 0 || len <= 0)
		return -EINVAL;
	rc = falloc_mode_check(mode);
	if (rc)
		return rc;
	of = uk_fdtab_get(fd);	/* O_PATH fds are EBADF here */
	if (PTRISERR(of))
		return PTR2ERR(of);
	rc = (of->flags & O_PATH) ? -EBADF :
	     ofile_fallocate(of, mode, off, len);
	uk_ofile_put(of);
	return rc;
}

/* The type of the file at fd (an O_PATH fd is none: EBADF), or -errno. */
static int fd_type(int fd, int readable)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	int rc;

	if (PTRISERR(of))
		return PTR2ERR(of);
	rc = of->file->mode & S_IFMT;
	if ((of->flags & O_PATH) ||
	    (readable && (of->flags & O_ACCMODE) == O_WRONLY))
		rc = -EBADF;
	uk_ofile_put(of);
	return rc;
}

/* posix_fadvise(2): advice is only a hint; pipes are ESPIPE, a negative
 * length or unknown advice EINVAL (Linux's generic_fadvise). */
UK_SYSCALL_R_DEFINE(int, fadvise64, int, fd, off_t, off, off_t, len,
		    int, advice)
{
	int type = fd_type(fd, 0);

	(void)off;
	if (type < 0)
		return type;
	if (type == S_IFIFO)
		return -ESPIPE;
	if (len < 0 || advice < 0 || advice > FADV_NOREUSE)
		return -EINVAL;
	return 0;
}

/* readahead(2): a readable regular file (or block device), else EBADF /
 * EINVAL; the data is already in memory. */
UK_SYSCALL_R_DEFINE(ssize_t, readahead, int, fd, off_t, off, size_t, count)
{
	int type = fd_type(fd, 1);

	(void)off;
	(void)count;
	if (type < 0)
		return type;
	if (type != S_IFREG && type != S_IFBLK)
		return -EINVAL;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, sync)
{
	return 0;
}

UK_SYSCALL_R_DEFINE(int, syncfs, int, fd)
{
	int type = fd_type(fd, 0);

	return type < 0 ? type : 0;
}

/* sync_file_range(2): flags and range checked after the fd (Linux's
 * ksys_sync_file_range); files without storage are ESPIPE. nbytes 0
 * means to the end of the file. */
UK_SYSCALL_R_DEFINE(int, sync_file_range, int, fd, off_t, off,
		    off_t, nbytes, unsigned int, flags)
{
	int type = fd_type(fd, 0);
	off_t end;

	if (type < 0)
		return type;
	if (flags & ~SFR_KNOWN)
		return -EINVAL;
	end = (off_t)((unsigned long)off + (unsigned long)nbytes);
	if (off < 0 || end < 0 || end < off)
		return -EINVAL;
	if (type != S_IFREG && type != S_IFBLK && type != S_IFDIR &&
	    type != S_IFLNK)
		return -ESPIPE;
	return 0;
}
