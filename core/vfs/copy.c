/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Copies between two files in the kernel: sendfile(2) and
 * copy_file_range(2). The data goes through a kernel bounce buffer with
 * the files' own read and write ops; the input is read at an explicit
 * offset and only what the output took counts, so a short write loses
 * nothing (the input's position or *offset moves by what was written).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/pipe.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>

/* Bytes moved per round trip through the bounce buffer. */
#define COPY_CHUNK	65536UL

/* Largest file size: ramfs's, the only file system with data. */
#define MAX_FILE_SIZE	UK_RAMFS_MAXSIZE

static unsigned int file_type(const struct uk_ofile *of)
{
	return of->file->mode & S_IFMT;
}

/* The size of a regular file, or -errno. */
static off_t file_size(struct uk_file *f)
{
	struct stat st = { 0 };
	int rc;

	if (!f->ops->getstat)
		return 0;
	rc = f->ops->getstat(f, &st);
	return rc ? rc : st.st_size;
}

/*
 * Moves up to count bytes of in, from *in_pos on (a device: from where
 * it is), to out at *out_pos (NULL: out's own position). Stops at in's end, a short write or an
 * error. Advances *in_pos by the bytes written. Returns them, or -errno
 * if nothing moved.
 */
static ssize_t copy_range(struct uk_ofile *in, off_t *in_pos,
			  struct uk_ofile *out, off_t *out_pos, __sz count)
{
	struct uk_alloc *a = uk_alloc_get_default();
	int seek = uk_file_seekable(in->file);	/* not a device */
	__sz done = 0, want;
	ssize_t got, put = 0;
	char *buf;

	if (!count)
		return 0;
	buf = uk_malloc(a, MIN(count, COPY_CHUNK));
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		want = MIN(count - done, COPY_CHUNK);
		got = uk_ofile_kio(in, 0, buf, want, seek ? in_pos : NULL, 0);
		if (got <= 0) {
			put = got;
			break;
		}
		put = uk_ofile_kio(out, 1, buf, got, out_pos, 0);
		if (put <= 0)
			break;
		done += put;
		*in_pos += put;
		if (out_pos)
			*out_pos += put;
		if (put < got || (__sz)got < want)
			break;
	}
	uk_free(a, buf);
	return done ? (ssize_t)done : put;
}

/* Looks up the descriptions of fd_in and fd_out (references). Returns 0
 * or -EBADF, holding none then. */
static int get_two(int fd_in, struct uk_ofile **in, int fd_out,
		   struct uk_ofile **out)
{
	*in = uk_fdtab_get(fd_in);
	if (PTRISERR(*in))
		return PTR2ERR(*in);
	*out = uk_fdtab_get(fd_out);
	if (PTRISERR(*out)) {
		uk_ofile_put(*in);
		return PTR2ERR(*out);
	}
	return 0;
}

/* Moves count bytes of in from *pos to out: into a pipe as splice does
 * (what fits after one wait for room; O_APPEND is no matter), else
 * through the bounce buffer (an O_APPEND output is EINVAL). */
static ssize_t send_out(struct uk_ofile *out, struct uk_ofile *in,
			off_t *pos, __sz count)
{
	if (uk_pipe_is_pipe(out->file))
		return uk_pipe_sendfile_in(out, in, pos, count);
	if (out->flags & O_APPEND)
		return -EINVAL;
	return copy_range(in, pos, out, NULL, count);
}

/* sendfile(2) once both fds are looked up. As Linux's do_sendfile: the
 * input must be a regular file or a device that splice can read
 * (EINVAL), the output anything writable but not O_APPEND (EINVAL); the
 * input's O_NONBLOCK is ignored. Into a pipe, a socket may be the input
 * too (splice_file_to_pipe: Linux's splice_direct_to_actor, for other
 * outputs, wants a file). */
static ssize_t do_sendfile(struct uk_ofile *out, struct uk_ofile *in,
			   off_t *pos, int use_pos, __sz count)
{
	off_t at = *pos;
	ssize_t rc;

	if ((in->flags & O_ACCMODE) == O_WRONLY || (in->flags & O_PATH))
		return -EBADF;
	if ((out->flags & O_ACCMODE) == O_RDONLY || (out->flags & O_PATH))
		return -EBADF;
	/* (Devices splice reads take pread's offsets on Linux.) */
	if (!use_pos && !uk_file_seekable(in->file) &&
	    !in->file->ops->splice_read)
		return -ESPIPE;
	if (*pos < 0)
		return -EINVAL;
	count = MIN(count, UK_IOV_MAX_RW);
	if (file_type(in) == S_IFSOCK && uk_pipe_is_pipe(out->file))
		return uk_pipe_sendfile_in(out, in, NULL, count);
	if (file_type(in) == S_IFCHR && in->file->ops->splice_read) {
		/* As Linux's: a device's reads leave the position. */
		rc = send_out(out, in, pos, count);
		*pos = at;
		return rc;
	}
	if (file_type(in) != S_IFREG)
		return -EINVAL;
	if (*pos >= MAX_FILE_SIZE)
		return count ? -EOVERFLOW : 0;
	count = MIN(count, (__sz)(MAX_FILE_SIZE - *pos));
	rc = send_out(out, in, pos, count);
	if (rc > 0 && use_pos)
		uk_ofile_pos_out(in, NULL, *pos);
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, sendfile, int, out_fd, int, in_fd,
		    off_t *, offset, size_t, count)
{
	struct uk_ofile *in = NULL, *out = NULL;
	ssize_t rc;
	off_t pos = 0;

	rc = get_two(in_fd, &in, out_fd, &out);
	if (rc)
		return rc;
	rc = uk_ofile_pos_in(in, offset, &pos);
	if (!rc)
		rc = do_sendfile(out, in, &pos, !offset, count);
	/* As Linux: *offset is written back even after an error. */
	if (offset && rc != -EFAULT &&
	    uk_copy_to_user(offset, &pos, sizeof(pos)))
		rc = -EFAULT;
	uk_ofile_put(out);
	uk_ofile_put(in);
	return rc;
}

/* Linux's generic_copy_file_checks: types, access, overlap; cuts *count
 * at the input's end. */
static int cfr_checks(struct uk_ofile *in, off_t pin, struct uk_ofile *out,
		      off_t pout, __sz *count)
{
	off_t size;

	if (file_type(in) == S_IFDIR || file_type(out) == S_IFDIR)
		return -EISDIR;
	if (file_type(in) != S_IFREG || file_type(out) != S_IFREG)
		return -EINVAL;
	if ((in->flags & O_ACCMODE) == O_WRONLY ||
	    (out->flags & O_ACCMODE) == O_RDONLY || (out->flags & O_APPEND))
		return -EBADF;
	/* Linux's test, unsigned: only a wrap past 2^64 counts (-1 + 10
	 * does); other negative offsets are EINVAL. */
	if ((__u64)pin + *count < (__u64)pin ||
	    (__u64)pout + *count < (__u64)pout)
		return -EOVERFLOW;
	if (pin < 0 || pout < 0)
		return -EINVAL;
	size = file_size(in->file);
	if (size < 0)
		return (int)size;
	*count = pin >= size ? 0 : MIN(*count, (__sz)(size - pin));
	if (*count && pout >= MAX_FILE_SIZE)
		return -EFBIG;
	*count = MIN(*count, (__sz)(MAX_FILE_SIZE - pout));
	/* Both ends are below MAX_FILE_SIZE now: the sums cannot wrap. */
	if (in->file == out->file && pout + (off_t)*count > pin &&
	    pout < pin + (off_t)*count)
		return -EINVAL;
	return 0;
}

static ssize_t do_copy_file_range(struct uk_ofile *in, off_t *uoff_in,
				  struct uk_ofile *out, off_t *uoff_out,
				  __sz count)
{
	off_t pin, pout;
	ssize_t rc;

	/* O_PATH descriptions are no fds to this call. */
	if ((in->flags | out->flags) & O_PATH)
		return -EBADF;
	rc = uk_ofile_pos_in(in, uoff_in, &pin);
	if (!rc)
		rc = uk_ofile_pos_in(out, uoff_out, &pout);
	if (rc)
		return rc;
	count = MIN(count, UK_IOV_MAX_RW);
	rc = cfr_checks(in, pin, out, pout, &count);
	if (rc)
		return rc;
	rc = copy_range(in, &pin, out, &pout, count);
	if (rc <= 0)
		return rc;
	if (uk_ofile_pos_out(in, uoff_in, pin) ||
	    uk_ofile_pos_out(out, uoff_out, pout))
		return -EFAULT;
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, copy_file_range, int, fd_in, off_t *, off_in,
		    int, fd_out, off_t *, off_out, size_t, len,
		    unsigned int, flags)
{
	struct uk_ofile *in = NULL, *out = NULL;
	ssize_t rc;

	if (flags)
		return -EINVAL;
	rc = get_two(fd_in, &in, fd_out, &out);
	if (rc)
		return rc;
	rc = do_copy_file_range(in, off_in, out, off_out, len);
	uk_ofile_put(out);
	uk_ofile_put(in);
	return rc;
}
