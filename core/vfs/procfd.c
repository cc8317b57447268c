/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /proc/self/fd as Linux's proc(5) has it: a folder (a ramfs directory
 * that namei.c marks fd_dir) listing one symbolic link per open fd. The
 * walk follows an entry to the file the fd has open (namei.c); here are
 * what the entries look like as links: their listing, lstat and
 * readlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
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

#define DT_DIR_		4
#define DT_LNK_		10

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
		r = uk_file_put_dirent(buf, len, done, FD_INO_BASE + fd,
				       FD_COOKIE(fd) + 1, DT_LNK_, name,
				       strlen(name));
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

/* A ramfs directory's ops but for getdents (one fd folder: one copy). */
static struct uk_file_ops fd_dir_ops;

void vfs_fd_dir_init(struct uk_ramfs_node *n)
{
	fd_dir_ops = *n->file.ops;
	fd_dir_ops.getdents = fd_dir_getdents;
	n->file.ops = &fd_dir_ops;
	n->fd_dir = 1;
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

/* The name of a file outside the namespace, into buf (PATH_MAX). */
static int other_name(struct uk_file *f, char *buf)
{
	struct stat st = { 0 };
	const char *kind;

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
		/* Either end, as asked (O_RDONLY on the write end reads).
		 * Linux's O_RDWR holds both; a description here has one. */
		end = acc == O_RDWR ? ERR2PTR(-EINVAL) :
		      uk_pipe_end(f, acc == O_RDONLY);
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
