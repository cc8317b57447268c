/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /proc/self/fd as Linux's proc(5) has it: a folder (a ramfs directory
 * that namei.c marks fd_dir) listing one symbolic link per open fd. The
 * walk follows an entry to the file the fd has open (namei.c); here are
 * what the entries look like as links: their listing, lstat and
 * readlink.
 *
 * /proc/self/fdinfo (fd_dir and fdinfo_dir) lists the same fds as
 * read-only regular files. Opening one makes a file of its own whose
 * text (pos, flags, mnt_id, ino, then the file op fdinfo's lines) is
 * made at a read from offset 0, as Linux's seq_file makes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/mutex.h>
#include <uk/nofault.h>
#include <uk/pipe.h>
#include <uk/ramfs.h>
#include <uk/vfs.h>
#include "vfs_impl.h"

/* getdents cookies: 0 ".", 1 "..", then fd N at N + 2 (Linux's too). */
#define FD_COOKIE(fd)	((off_t)(fd) + 2)

/* Inode numbers of the entries: made up, as proc's, but never 0 (some
 * readdir loops skip those). */
#define FD_INO_BASE	0x70000000UL
#define FDINFO_INO_BASE	0x78000000UL

#define DT_DIR_		4
#define DT_REG_		8
#define DT_LNK_		10

/* mnt_id of the fdinfo files: the namespace's one mount, and Linux's
 * inner mounts of pipefs, sockfs and anon_inodefs (no mountinfo lists
 * them here; the numbers are made up). */
#define MNT_ID_ROOT	1
#define MNT_ID_PIPE	2
#define MNT_ID_SOCK	3
#define MNT_ID_ANON	4

/* The first open fd at cookie pos or after, or -1. */
static int next_fd(off_t pos)
{
	if (pos < 2 || pos - 2 > INT_MAX)
		return -1;
	return uk_fdtab_next(pos - 2);
}

/* The record at cookie *pos (advanced past it), 0 at the end. */
static ssize_t put_next(struct uk_ramfs_node *d, char *buf, __sz len,
			__sz done, off_t *pos)
{
	char name[16];
	ssize_t r;
	int fd;

	if (*pos == 0) {
		r = uk_file_put_dirent(buf, len, done, d->ino, 1, DT_DIR_,
				       ".", 1);
		fd = -1;
	} else if (*pos == 1) {
		r = uk_file_put_dirent(buf, len, done, d->dir.parent->ino, 2,
				       DT_DIR_, "..", 2);
		fd = -1;
	} else {
		fd = next_fd(*pos);
		if (fd < 0)
			return 0;
		snprintf(name, sizeof(name), "%d", fd);
		r = uk_file_put_dirent(buf, len, done, d->fdinfo_dir ?
				       FDINFO_INO_BASE + fd : FD_INO_BASE + fd,
				       FD_COOKIE(fd) + 1, d->fdinfo_dir ?
				       DT_REG_ : DT_LNK_, name, strlen(name));
	}
	if (r > 0)
		*pos = fd < 0 ? *pos + 1 : FD_COOKIE(fd) + 1;
	return r;
}

/* getdents of the folder: ".", ".." and the open fds in order. */
static ssize_t fd_dir_getdents(struct uk_file *f, void *buf, __sz len,
			       off_t *pos)
{
	struct uk_ramfs_node *d = uk_ramfs_node_of(f);
	__sz done = 0;
	ssize_t r;

	uk_ramfs_lock();
	while ((r = put_next(d, buf, len, done, pos)) > 0)
		done += r;
	uk_ramfs_unlock();
	if (done)
		return done;
	if (r < 0)
		return r;
	/* Nothing stored: the end, or no room for one record. */
	return *pos >= 2 && next_fd(*pos) < 0 ? 0 : -EINVAL;
}

/* A ramfs directory's ops but for getdents (one copy for the folders). */
static struct uk_file_ops fd_dir_ops;

void vfs_fd_dir_init(struct uk_ramfs_node *n, int info)
{
	if (!fd_dir_ops.getdents) {
		fd_dir_ops = *n->file.ops;
		fd_dir_ops.getdents = fd_dir_getdents;
	}
	n->file.ops = &fd_dir_ops;
	n->fd_dir = 1;
	n->fdinfo_dir = !!info;
}

int vfs_fd_link_stat(int fd, struct stat *st)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	mode_t mode = 0;

	if (PTRISERR(of))
		return -ENOENT;
	/* lr-x, l-wx or lrwx, as the fd was opened; O_PATH nothing. */
	if (!(of->flags & O_PATH)) {
		if ((of->flags & O_ACCMODE) != O_WRONLY)
			mode |= 0500;
		if ((of->flags & O_ACCMODE) != O_RDONLY)
			mode |= 0300;
	}
	uk_ofile_put(of);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFLNK | mode;
	st->st_ino = FD_INO_BASE + fd;
	st->st_nlink = 1;
	st->st_size = 64;
	st->st_blksize = 1024;
	return 0;
}

/* --- /proc/self/fdinfo --------------------------------------------- */

/* Most text one fdinfo file holds (an epoll of many items is long). */
#define FDINFO_MAX	(4UL << 20)

/* An open fdinfo file: the fd it tells of, and the text last made. */
struct fdinfo {
	struct uk_file f;
	int fd;
	struct uk_mutex lock;		/* text, len */
	char *text;
	__sz len;
};

static const struct uk_file_ops fdinfo_ops;

/* What an fdinfo file's stat has of its own, open or not. */
static void fdinfo_stat_own(int fd, struct stat *st)
{
	st->st_ino = FDINFO_INO_BASE + fd;
	st->st_blksize = 1024;
}

int vfs_fdinfo_stat(int fd, struct stat *st)
{
	struct uk_ofile *of = uk_fdtab_get(fd);

	if (PTRISERR(of))
		return -ENOENT;
	uk_ofile_put(of);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	fdinfo_stat_own(fd, st);
	return 0;
}

static int mnt_id(const struct uk_file *f)
{
	if (f->vnode)
		return MNT_ID_ROOT;
	switch (f->mode & S_IFMT) {
	case S_IFIFO:
		return MNT_ID_PIPE;
	case S_IFSOCK:
		return MNT_ID_SOCK;
	case S_IFCHR:
	case S_IFREG:
		return MNT_ID_ROOT;	/* devices, the host's files */
	default:
		return MNT_ID_ANON;
	}
}

/* fd's details into buf (size bytes) as snprintf writes: Linux's
 * seq_show lines, then the file's own. Returns the length, -ENOENT. */
static int fdinfo_text(int fd, char *buf, __sz size)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	struct uk_file *f;
	unsigned int flags;
	struct stat st;
	int len;

	if (PTRISERR(of))
		return -ENOENT;
	f = of->file;
	flags = of->flags;
	if (uk_fdtab_getfd(fd) > 0)
		flags |= O_CLOEXEC;
	if (uk_file_stat(f, &st))
		st.st_ino = 0;
	len = snprintf(buf, size, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\n"
		       "ino:\t%lu\n", (long long)of->pos, flags, mnt_id(f),
		       (unsigned long)st.st_ino);
	if (len >= 0 && f->ops->fdinfo)
		len += f->ops->fdinfo(f, buf + MIN((__sz)len, size),
				      (__sz)len < size ? size - len : 0);
	uk_ofile_put(of);
	return len;
}

/* Makes fi's text again. fi->lock held. Returns 0, -ENOENT, -ENOMEM. */
static int fdinfo_make(struct fdinfo *fi)
{
	struct uk_alloc *a = uk_alloc_get_default();
	__sz size = 512;
	char *buf;
	int len;

	for (;;) {
		buf = uk_malloc(a, size);
		if (!buf)
			return -ENOMEM;
		len = fdinfo_text(fi->fd, buf, size);
		if (len < 0 || (__sz)len < size)
			break;
		uk_free(a, buf);
		if ((__sz)len >= FDINFO_MAX)
			return -ENOMEM;
		size = len + 1;	/* it may grow meanwhile: look again */
	}
	if (len < 0) {
		uk_free(a, buf);
		return len;
	}
	uk_free(a, fi->text);
	fi->text = buf;
	fi->len = len;
	return 0;
}

static ssize_t fdinfo_read(struct uk_file *f, const struct iovec *iov,
			   int iovcnt, off_t *off,
			   unsigned int flags __maybe_unused)
{
	struct fdinfo *fi = f->priv;
	ssize_t rc = 0;
	__sz n = 0;

	uk_mutex_lock(&fi->lock);
	if (*off == 0 || !fi->text)
		rc = fdinfo_make(fi);
	if (!rc && *off < (off_t)fi->len)
		n = MIN(fi->len - *off, uk_iov_total(iov, iovcnt));
	if (!rc && n) {
		rc = uk_iov_copy_to(iov, iovcnt, 0, fi->text + *off, n);
		if (!rc)
			rc = -EFAULT;
		else
			*off += rc;
	}
	uk_mutex_unlock(&fi->lock);
	return rc;
}

static int fdinfo_getstat(struct uk_file *f, struct stat *st)
{
	fdinfo_stat_own(((struct fdinfo *)f->priv)->fd, st);
	return 0;
}

static struct uk_file *fdinfo_reopen(struct uk_file *f, int flags)
{
	return vfs_fdinfo_open(((struct fdinfo *)f->priv)->fd, flags);
}

static void fdinfo_release(struct uk_file *f)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct fdinfo *fi = f->priv;

	uk_free(a, fi->text);
	uk_free(a, fi);
}

static const struct uk_file_ops fdinfo_ops = {
	.read = fdinfo_read,
	.getstat = fdinfo_getstat,
	.reopen = fdinfo_reopen,
	.release = fdinfo_release,
};

struct uk_file *vfs_fdinfo_open(int fd, int flags __maybe_unused)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	struct fdinfo *fi;

	if (PTRISERR(of))
		return ERR2PTR(-ENOENT);
	uk_ofile_put(of);
	fi = uk_calloc(uk_alloc_get_default(), 1, sizeof(*fi));
	if (!fi)
		return ERR2PTR(-ENOMEM);
	fi->fd = fd;
	uk_mutex_init(&fi->lock);
	uk_file_init(&fi->f, &fdinfo_ops, S_IFREG | 0444, fi);
	return &fi->f;
}

/* --- names of the links ----------------------------------------------- */

/* The name of a file outside the namespace, into buf (PATH_MAX). */
static int other_name(struct uk_file *f, char *buf)
{
	struct stat st = { 0 };
	const char *kind;

	if (f->ops == &fdinfo_ops)	/* Linux's says /proc/<pid>/... */
		return snprintf(buf, PATH_MAX, "/proc/self/fdinfo/%d",
				((struct fdinfo *)f->priv)->fd);
	if (f->ops->link_name)
		return snprintf(buf, PATH_MAX, "%s", f->ops->link_name);
	switch (f->mode & S_IFMT) {
	case S_IFIFO:
		kind = "pipe";
		break;
	case S_IFSOCK:
		kind = "socket";
		break;
	default:
		/* A device or stream with no name known. */
		return snprintf(buf, PATH_MAX, "anon_inode:[file]");
	}
	if (f->ops->getstat)
		f->ops->getstat(f, &st);
	return snprintf(buf, PATH_MAX, "%s:[%lu]", kind,
			(unsigned long)st.st_ino);
}

/* The name of a namespace node, into buf (PATH_MAX): its path, as
 * Linux's d_path. */
static int node_name(struct uk_ramfs_node *n, char *buf)
{
	int start, len, gone;

	uk_ramfs_lock();
	gone = !n->nlink;
	start = gone ? -ENOENT : vfs_node_path(n, buf, PATH_MAX);
	uk_ramfs_unlock();
	if (start >= 0) {
		len = PATH_MAX - 1 - start;
		memmove(buf, buf + start, len + 1);
		return len;
	}
	/* No name known (ramfs forgets a removed one): the inode, as Linux
	 * names an O_TMPFILE file. */
	return snprintf(buf, PATH_MAX, "/#%lu%s", (unsigned long)n->ino,
			gone ? " (deleted)" : "");
}

int vfs_fd_link_read(int fd, char *buf, __sz size)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct uk_file *f = uk_fdtab_get_file(fd);
	char *name;
	int len;

	if (PTRISERR(f))
		return -ENOENT;
	name = uk_malloc(a, PATH_MAX);
	if (!name) {
		uk_file_put(f);
		return -ENOMEM;
	}
	if (f->vnode)
		len = node_name(uk_ramfs_node_of(f), name);
	else
		len = other_name(f, name);
	uk_file_put(f);
	len = MIN(MAX(len, 0), PATH_MAX - 1);
	len = MIN((__sz)len, size);
	memcpy(buf, name, len);
	uk_free(a, name);
	return len;
}

struct uk_file *vfs_fd_reopen(int fd, int flags)
{
	struct uk_file *f = uk_fdtab_get_file(fd), *end;
	const char *dev;
	int acc = flags & O_ACCMODE;

	if (PTRISERR(f))
		return ERR2PTR(-ENOENT);
	if (flags & O_PATH)
		return f;
	if (uk_pipe_is_pipe(f)) {
		/* The end asked for (O_RDONLY on the write end reads), or
		 * both for O_RDWR, as Linux opens the pipe as a FIFO. */
		end = uk_pipe_end(f, acc);
		uk_file_put(f);
		return end;
	}
	if (f->ops->reopen) {
		end = f->ops->reopen(f, flags);
		uk_file_put(f);
		return end;
	}
	dev = f->ops->link_name;
	if (S_ISSOCK(f->mode) || (dev && dev[0] != '/')) {
		uk_file_put(f);
		return ERR2PTR(-ENXIO);	/* no open through a name */
	}
	if (dev) {
		/* A device: opened again by its name (the file op names
		 * only devices of the tree). */
		uk_file_put(f);
		return uk_vfs_open_file(AT_FDCWD, dev, flags & ~(O_CREAT |
					O_EXCL | O_TRUNC | O_DIRECTORY), 0);
	}
	/* A file the platform gave (a host's stream in sim): a new
	 * description of it, with an offset of its own. */
	return f;
}
