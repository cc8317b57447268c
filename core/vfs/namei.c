/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path lookup over the root ramfs, and the kernel-side name calls of
 * uk/vfs.h. A walk and the operation at its end run under the ramfs
 * namespace lock, so no node on the way can go away; the result that
 * leaves the lock (an opened file, the working directory) holds a file
 * reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/devfs.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/init.h>
#include <uk/inotify.h>
#include <uk/pipe.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>
#include <uk/vfs.h>
#include "vfs_impl.h"

#define MAX_LINKS	40	/* symlinks followed in one lookup */

/* walk's follow: follow a last symlink; with WALK_FD, a last fd entry of
 * /proc/self/fd is the caller's (w->fd), even with no node behind it. */
#define WALK_FOLLOW	1
#define WALK_FD		2

/* The end of a walk: the last component and what it names. */
struct walk {
	struct uk_ramfs_node *dir;	/* holds last */
	const char *last;
	__sz len;
	int slash;			/* path ended with '/' */
	int dot;			/* last is ".", ".." or the root */
	struct uk_ramfs_dirent *de;	/* entry of last in dir, or NULL */
	struct uk_ramfs_node *node;	/* what last names, or NULL */
	int fd;				/* last is fd's entry (WALK_FD), or -1 */
};

static struct uk_ramfs_node *cwd;	/* namespace lock; a reference */
static mode_t cur_umask = 022;

static int walk(struct uk_ramfs_node *start, const char *path, int follow,
		struct walk *w, int *links);

/* The node a symlink names (followed to the end), or -errno. If it ends
 * at an entry of /proc/self/fd (as /dev/stdin does), *fd is that fd, and
 * *out may be NULL: a pipe, socket or device is no node. */
static int follow_link(struct uk_ramfs_node *dir, struct uk_ramfs_node *lnk,
		       struct uk_ramfs_node **out, int *links, int *fd)
{
	struct walk w;
	int rc;

	if (++*links > MAX_LINKS)
		return -ELOOP;
	rc = walk(dir, lnk->lnk.target, WALK_FOLLOW | WALK_FD, &w, links);
	if (rc)
		return rc;
	if (!w.node && w.fd < 0)
		return -ENOENT;
	*out = w.node;
	*fd = w.fd;
	return 0;
}

/*
 * An entry of /proc/self/fd: the node of the file the fd name has open,
 * where Linux's magic link leads (*n stays NULL for other files, pipes
 * and sockets); *fd is the fd, or -1 if none is open there. A node with
 * no name is pinned for the walk. An entry of /proc/self/fdinfo (info)
 * is no node: *fd is the fd | VFS_FDINFO.
 */
static int fd_entry(const char *name, __sz len, int info,
		    struct uk_ramfs_node **n, int *fd_out)
{
	struct uk_file *f;
	int fd = 0, rc = 0;
	__sz i;

	if (len > 9 || (len > 1 && name[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		fd = fd * 10 + (name[i] - '0');
	}
	f = uk_fdtab_get_file(fd);
	if (PTRISERR(f))
		return 0;
	*fd_out = fd;
	if (info) {	/* a file of its own, no node */
		*fd_out |= VFS_FDINFO;
		uk_file_put(f);
		return 0;
	}
	*n = uk_ramfs_node_of(f);
	/* A named node stays while the namespace lock is held. */
	if (*n && (*n)->nlink == 0)
		rc = uk_ramfs_pin(f);
	if (!*n || (*n)->nlink || rc)
		uk_file_put(f);
	return rc;
}

/* What name (len bytes) in dir names, without following a last link.
 * *de is its entry (NULL for "." and ".."); *n is NULL if absent; *fd is
 * the fd of an fd folder's entry, else -1. */
static int lookup(struct uk_ramfs_node *dir, const char *name, __sz len,
		  struct uk_ramfs_dirent **de, struct uk_ramfs_node **n,
		  int *fd)
{
	*de = NULL;
	*n = NULL;
	*fd = -1;
	if (!S_ISDIR(dir->file.mode))
		return -ENOTDIR;
	/* A removed folder is still itself, but has nothing else, not
	 * even "..". */
	if (len == 1 && name[0] == '.') {
		*n = dir;
		return 0;
	}
	if (dir->nlink == 0)
		return -ENOENT;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (dir->fd_dir && !(len == 2 && name[0] == '.' && name[1] == '.'))
		return fd_entry(name, len, dir->fdinfo_dir, n, fd);
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*n = dir->dir.parent;
	} else {
		*de = uk_ramfs_lookup(dir, name, len);
		*n = *de ? (*de)->node : NULL;
	}
	return 0;
}

static int walk(struct uk_ramfs_node *start, const char *path, int follow,
		struct walk *w, int *links)
{
	struct uk_ramfs_node *dir = start, *n;
	struct uk_ramfs_dirent *de;
	int want_fd = follow & WALK_FD, fd, rc;
	const char *end;
	__sz len;

	follow &= WALK_FOLLOW;
	if (*path == '\0')
		return -ENOENT;
	if (*path == '/')
		dir = uk_ramfs_root();
	while (*path == '/')
		path++;
	if (*path == '\0') {		/* "/" itself */
		w->dir = w->node = dir;
		w->dot = 1;
		w->slash = 1;
		return S_ISDIR(dir->file.mode) ? 0 : -ENOTDIR;
	}
	for (;;) {
		end = strchrnul(path, '/');
		len = end - path;
		while (*end == '/')
			end++;
		rc = lookup(dir, path, len, &de, &n, &fd);
		if (rc)
			return rc;
		if (*end == '\0')
			break;
		if (!n)	/* an fd's pipe, socket or device is no folder */
			return fd >= 0 ? -ENOTDIR : -ENOENT;
		if (S_ISLNK(n->file.mode)) {
			rc = follow_link(dir, n, &n, links, &fd);
			if (rc)
				return rc;
		}
		if (!n || !S_ISDIR(n->file.mode))
			return -ENOTDIR;
		dir = n;
		path = end;
	}
	if (!n && fd >= 0 && path[len] == '/')
		return -ENOTDIR;	/* an fd's pipe, or its details */
	w->fd = want_fd && path[len] != '/' ? fd : -1;
	if (dir->fd_dir && !n && w->fd < 0)
		return -ENOENT;	/* nothing can be made there */
	w->dir = dir;
	w->last = path;
	w->len = len;
	w->slash = path[len] == '/';
	w->dot = !de && n;
	w->de = de;
	w->node = n;
	if (n && S_ISLNK(n->file.mode) && (follow || w->slash)) {
		rc = follow_link(dir, n, &w->node, links, &fd);
		if (rc)
			return rc;
		if (!w->node && w->slash)
			return -ENOTDIR;
		/* An fd's entry leading to a symlink (an O_PATH one) stays
		 * that fd's; a link to an entry is the entry's fd. */
		if (w->fd < 0 && want_fd)
			w->fd = fd;
	}
	if (w->node && w->slash && !S_ISDIR(w->node->file.mode))
		return -ENOTDIR;
	return 0;
}

/*
 * A walk from dirfd (relative paths) under the namespace lock, which the
 * caller takes and releases. *ref is a file reference to drop after
 * unlocking (the dirfd's), or NULL.
 */
static int walk_at(int dirfd, const char *path, int follow, struct walk *w,
		   struct uk_file **ref)
{
	struct uk_ramfs_node *start = cwd ? cwd : uk_ramfs_root();
	int links = 0;

	*ref = NULL;
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (!path)
		return -EFAULT;
	if (path[0] != '/' && path[0] != '\0' && dirfd != AT_FDCWD) {
		*ref = uk_fdtab_get_file(dirfd);
		if (PTRISERR(*ref)) {
			int rc = PTR2ERR(*ref);

			*ref = NULL;
			return rc;
		}
		start = uk_ramfs_node_of(*ref);
		if (!start || !S_ISDIR(start->file.mode))
			return -ENOTDIR;
	}
	return walk(start, path, follow, w, &links);
}

static void unlock_put(struct uk_file *ref)
{
	uk_ramfs_unlock();
	if (ref)
		uk_file_put(ref);
}

/* --- open ----------------------------------------------------------- */

static struct uk_file *open_node(struct uk_ramfs_node *n, int flags)
{
	int acc = flags & O_ACCMODE;
	int rc;

	switch (n->file.mode & S_IFMT) {
	case S_IFLNK:
		return ERR2PTR(-ELOOP);	/* only reached with O_NOFOLLOW */
	case S_IFDIR:
		if (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
			return ERR2PTR(-EISDIR);
		break;
	case S_IFREG:
		break;
	default:
		return ERR2PTR(-ENXIO);
	}
	/* Linux: the open's event, then the truncation's. */
	if (!(flags & O_PATH))
		uk_inotify_node(n, UK_IN_OPEN);
	if (S_ISREG(n->file.mode) && (flags & O_TRUNC)) {
		rc = uk_ramfs_truncate(n, 0);
		if (rc)
			return ERR2PTR(rc);
	}
	return uk_file_get(&n->file);
}

/*
 * The walk of O_CREAT that follows a last symlink: to its target's entry,
 * which may be missing (open(2): O_CREAT through a dangling link creates
 * the file it names).
 */
static int create_walk(int dirfd, const char *path, struct walk *w,
		       struct uk_file **ref)
{
	int links = 0, rc;

	rc = walk_at(dirfd, path, WALK_FD, w, ref);
	while (!rc && w->node && S_ISLNK(w->node->file.mode)) {
		const char *target = w->node->lnk.target;
		struct uk_ramfs_node *dir = w->dir;

		if (++links > MAX_LINKS)
			return -ELOOP;
		memset(w, 0, sizeof(*w));
		w->fd = -1;
		rc = walk(dir, target, WALK_FD, w, &links);
	}
	return rc;
}

/* The node path names for open (*out), or NULL and the fd (*fd) whose
 * /proc/self/fd entry names a file that is no node (a pipe, a device). */
static int open_walk(int dirfd, const char *path, int flags, mode_t mode,
		     struct uk_ramfs_node **out, int *fd, struct uk_file **ref)
{
	int follow = !(flags & O_NOFOLLOW);
	struct walk w;
	int rc;

	if (flags & O_CREAT && flags & O_EXCL)
		follow = 0;
	if (flags & O_CREAT && follow)
		rc = create_walk(dirfd, path, &w, ref);
	else
		rc = walk_at(dirfd, path, follow | WALK_FD, &w, ref);
	/* Linux's open_last_lookups: O_CREAT with a trailing slash is
	 * EISDIR before the last name is looked at ("file/" too). */
	if (rc == -ENOTDIR && w.slash && (flags & O_CREAT))
		return -EISDIR;
	if (rc)
		return rc;
	if (w.node) {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		/* Before any type's own rule: ENOTDIR, not ELOOP for a
		 * symlink with O_NOFOLLOW, nor a device's open (Linux's
		 * do_open checks O_DIRECTORY before may_open). */
		if ((flags & O_DIRECTORY) && !S_ISDIR(w.node->file.mode))
			return -ENOTDIR;
		*out = w.node;
		return 0;
	}
	if (w.fd >= 0) {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if (flags & O_DIRECTORY)
			return -ENOTDIR;
		*fd = w.fd;
		return 0;
	}
	if (!(flags & O_CREAT) || w.de)	/* w.de: a dangling link */
		return -ENOENT;
	if (w.slash)
		return -EISDIR;
	return uk_ramfs_create(w.dir, w.last, w.len,
			       S_IFREG | (mode & ~cur_umask & 07777), 0, NULL,
			       out);
}

/*
 * O_TMPFILE: a regular file without a name in the folder path names, as
 * Linux's (build_open_flags, then the walk); without O_EXCL linkat may
 * give it one.
 */
static struct uk_file *open_tmpfile(int dirfd, const char *path, int flags,
				    mode_t mode)
{
	struct uk_ramfs_node *n = NULL;
	struct uk_file *ref;
	struct walk w;
	int rc;

	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE ||
	    (flags & O_ACCMODE) == O_RDONLY)
		return ERR2PTR(-EINVAL);
	uk_ramfs_lock();
	rc = walk_at(dirfd, path, 1, &w, &ref);
	if (!rc && !w.node)
		rc = -ENOENT;
	if (!rc && !S_ISDIR(w.node->file.mode))
		rc = -ENOTDIR;
	if (!rc && w.node->nlink == 0)
		rc = -ENOENT;
	if (!rc) {
		n = uk_ramfs_create_unnamed(mode & ~cur_umask, 0);
		if (!n)
			rc = -ENOMEM;
		else
			n->linkable = !(flags & O_EXCL);
	}
	unlock_put(ref);
	return rc ? ERR2PTR(rc) : &n->file;
}

struct uk_file *uk_vfs_open_file(int dirfd, const char *path, int flags,
				 mode_t mode)
{
	struct uk_ramfs_node *n = NULL;
	struct uk_file *ref, *f;
	int fd = -1, rc;

	/* Linux's build_open_flags: O_CREAT | O_DIRECTORY made regular
	 * files once, now it is EINVAL. O_PATH keeps only what says how
	 * to find the file: no creation, truncation, nor O_TMPFILE. */
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return ERR2PTR(-EINVAL);
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (flags & (O_TMPFILE & ~O_DIRECTORY))
		return open_tmpfile(dirfd, path, flags, mode);
	uk_ramfs_lock();
	rc = open_walk(dirfd, path, flags, mode, &n, &fd, &ref);
	if (rc || !n) {
		unlock_put(ref);
		if (rc)
			return ERR2PTR(rc);
		if (fd & VFS_FDINFO)
			return vfs_fdinfo_open(fd & ~VFS_FDINFO, flags);
		return vfs_fd_reopen(fd, flags);
	}
	/* An O_PATH fd only names the node, whatever its type: no
	 * device's open, no FIFO end, a symlink itself with O_NOFOLLOW. */
	if (flags & O_PATH) {
		f = uk_file_get(&n->file);
		unlock_put(ref);
		return f;
	}
	/* A device's open runs outside the lock; the node cannot go (a
	 * device only needs rdev, read now). */
	if (S_ISCHR(n->file.mode)) {
		dev_t rdev = n->rdev;
		const struct uk_devfs_dev *dev = uk_devfs_dev_get(rdev);

		unlock_put(ref);
		if (!dev || !dev->open)
			return ERR2PTR(-ENXIO);
		return dev->open(dev, flags);
	}
	/* A FIFO opens the end of the pipe the node holds that the
	 * access mode asks for; O_RDWR both, as Linux. */
	if (S_ISFIFO(n->file.mode)) {
		f = uk_pipe_end(n->fifo.rd, flags & O_ACCMODE);
		unlock_put(ref);
		return f;
	}
	f = open_node(n, flags);
	unlock_put(ref);
	return f;
}

static int fifo_peer_open(struct uk_file *f, void *reader)
{
	return *(int *)reader ? uk_pipe_writers(f) > 0 :
		uk_pipe_readers(f) > 0;
}

/* Opens an end of a FIFO as Linux does: a writer without readers fails
 * with ENXIO if non-blocking; blocking opens wait for the other side
 * (O_RDWR is both sides: it never waits),
 * and a signal ends the wait (-UK_ERESTARTSYS: EINTR, or the open again
 * with SA_RESTART). The description counts as its end while it waits;
 * the fd comes after, so that an interrupted open leaves none. */
static int fifo_open(struct uk_file *f, int flags)
{
	int reader = (flags & O_ACCMODE) == O_RDONLY;
	struct uk_ofile *of;

	if ((flags & O_ACCMODE) == O_WRONLY && (flags & O_NONBLOCK) &&
	    !uk_pipe_readers(f)) {
		uk_file_put(f);
		return -ENXIO;
	}
	of = uk_ofile_create(f, flags);
	if (PTRISERR(of))
		return PTR2ERR(of);
	if (!(flags & O_NONBLOCK) &&
	    !uk_file_wait_until(of->file, reader ? UK_POLLIN : UK_POLLOUT,
				fifo_peer_open, &reader, 0)) {
		uk_ofile_put(of);
		return -UK_ERESTARTSYS;
	}
	return uk_fdtab_install(of, 0, !!(flags & O_CLOEXEC));
}

/* The status flags a description opened with flags keeps (F_GETFL), as
 * Linux's do_dentry_open: the open-time ones go, O_LARGEFILE is implied
 * on 64-bit, an O_PATH description keeps only what describes it.
 * O_CLOEXEC stays for uk_fdtab_open, which makes it the fd's flag. */
static int desc_flags(int flags)
{
	if (flags & O_PATH)
		return flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW |
				O_CLOEXEC);
	return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC)) |
	       O_LARGEFILE;
}

int uk_vfs_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	struct uk_file *f = uk_vfs_open_file(dirfd, path, flags, mode);

	if (PTRISERR(f))
		return PTR2ERR(f);
	/* A pipe's end, not a stream of the host that looks like one. */
	if (S_ISFIFO(f->mode) && uk_pipe_is_pipe(f) && !(flags & O_PATH))
		return fifo_open(f, desc_flags(flags));
	return uk_fdtab_open(f, desc_flags(flags));
}

/* Makes path a folder of the fds: their links, or (info) their details. */
static int make_fd_dir(const char *path, int info)
{
	struct uk_file *ref;
	struct walk w;
	int rc = uk_vfs_mkdirat(AT_FDCWD, path, info ? 0555 : 0500);

	if (rc && rc != -EEXIST)
		return rc;
	uk_ramfs_lock();
	rc = walk_at(AT_FDCWD, path, 0, &w, &ref);
	if (!rc && (!w.node || !S_ISDIR(w.node->file.mode)))
		rc = -ENOTDIR;
	if (!rc && !w.node->fd_dir)
		vfs_fd_dir_init(w.node, info);
	unlock_put(ref);
	return rc;
}

int uk_vfs_fd_dir(const char *path)
{
	return make_fd_dir(path, 0);
}

int uk_vfs_fdinfo_dir(const char *path)
{
	return make_fd_dir(path, 1);
}

/* --- making names --------------------------------------------------- */

static int make_node(int dirfd, const char *path, mode_t mode, dev_t rdev,
		     const char *target)
{
	struct uk_file *ref;
	struct walk w;
	int rc;

	uk_ramfs_lock();
	rc = walk_at(dirfd, path, 0, &w, &ref);
	if (rc == -ENOTDIR && w.de)
		rc = -EEXIST;	/* "file/" exists */
	if (!rc && (w.node || w.de || w.dot))
		rc = -EEXIST;
	if (!rc && w.slash && !S_ISDIR(mode))
		rc = -ENOENT;
	if (!rc)
		rc = uk_ramfs_create(w.dir, w.last, w.len, mode, rdev, target,
				     NULL);
	unlock_put(ref);
	return rc;
}

int uk_vfs_mkdirat(int dirfd, const char *path, mode_t mode)
{
	return make_node(dirfd, path, S_IFDIR | (mode & ~cur_umask & 01777),
			 0, NULL);
}

int uk_vfs_mknodat(int dirfd, const char *path, mode_t mode, dev_t rdev)
{
	mode_t type = mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFIFO &&
	    type != S_IFSOCK)
		return type == S_IFDIR ? -EPERM : -EINVAL;
	return make_node(dirfd, path, type | (mode & ~cur_umask & 07777),
			 type == S_IFCHR ? rdev : 0, NULL);
}

/* --- socket names (AF_UNIX) ----------------------------------------- */

int uk_vfs_socket_bind(const char *path, mode_t mode, struct uk_file *sock,
		       struct uk_file **node)
{
	struct uk_ramfs_node *n = NULL;
	struct uk_file *ref;
	struct walk w;
	int rc;

	uk_ramfs_lock();
	/* As Linux, an existing name (even a dangling symlink) is in use. */
	rc = walk_at(AT_FDCWD, path, 0, &w, &ref);
	if (!rc && (w.node || w.de || w.dot))
		rc = -EADDRINUSE;
	if (!rc && w.slash)
		rc = -ENOENT;
	if (!rc)
		rc = uk_ramfs_create(w.dir, w.last, w.len, S_IFSOCK |
				     (mode & ~cur_umask & 07777), 0, NULL, &n);
	if (!rc) {
		n->sock.file = sock;
		*node = uk_file_get(&n->file);
	}
	unlock_put(ref);
	return rc;
}

void uk_vfs_socket_unbind(struct uk_file *node)
{
	uk_ramfs_lock();
	uk_ramfs_node_of(node)->sock.file = NULL;
	uk_ramfs_unlock();
	uk_file_put(node);
}

struct uk_file *uk_vfs_socket_lookup(const char *path)
{
	struct uk_file *ref, *f;
	struct walk w;
	int rc;

	uk_ramfs_lock();
	rc = walk_at(AT_FDCWD, path, 1, &w, &ref);
	if (!rc && !w.node)
		rc = -ENOENT;
	if (rc) {
		f = ERR2PTR(rc);
	} else if (!S_ISSOCK(w.node->file.mode) || !w.node->sock.file) {
		f = ERR2PTR(-ECONNREFUSED);
	} else {
		f = uk_file_get(w.node->sock.file);
	}
	unlock_put(ref);
	return f;
}

int uk_vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	if (!target)
		return -EFAULT;
	if (!*target)
		return -ENOENT;
	if (strlen(target) >= PATH_MAX)
		return -ENAMETOOLONG;
	return make_node(dirfd, path, S_IFLNK | 0777, 0, target);
}

/*
 * The node of dirfd's file for AT_EMPTY_PATH (the working directory for
 * AT_FDCWD), under the namespace lock; *ref as for walk_at. EXDEV for a
 * file outside the namespace (a pipe, socket): Linux's other file
 * systems.
 */
static int fd_node(int dirfd, struct walk *w, struct uk_file **ref)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	*ref = NULL;
	if (dirfd == AT_FDCWD) {
		w->node = cwd ? cwd : uk_ramfs_root();
		return 0;
	}
	*ref = uk_fdtab_get_file(dirfd);
	if (PTRISERR(*ref)) {
		int rc = PTR2ERR(*ref);

		*ref = NULL;
		return rc;
	}
	w->node = uk_ramfs_node_of(*ref);
	return w->node ? 0 : -EXDEV;
}

int uk_vfs_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags)
{
	struct uk_file *ref1 = NULL, *ref2 = NULL;
	struct walk o, n;
	int rc;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	uk_ramfs_lock();
	if ((flags & AT_EMPTY_PATH) && oldpath && !*oldpath)
		rc = fd_node(olddirfd, &o, &ref1);
	else
		rc = walk_at(olddirfd, oldpath, !!(flags & AT_SYMLINK_FOLLOW), &o,
			     &ref1);
	if (!rc && !o.node)
		rc = -ENOENT;
	if (!rc && S_ISDIR(o.node->file.mode))
		rc = -EPERM;
	/* An unlinked file cannot get a name back (Linux's vfs_link), but
	 * an O_TMPFILE one can get its first. */
	if (!rc && o.node->nlink == 0 && !o.node->linkable)
		rc = -ENOENT;
	if (!rc)
		rc = walk_at(newdirfd, newpath, 0, &n, &ref2);
	if (!rc && (n.node || n.de || n.dot))
		rc = -EEXIST;
	if (!rc && n.slash)
		rc = -ENOENT;
	if (!rc)
		rc = uk_ramfs_link(n.dir, n.last, n.len, o.node);
	unlock_put(ref1);
	if (ref2)
		uk_file_put(ref2);
	return rc;
}

/* --- removing and moving names -------------------------------------- */

static int remove_checks(struct walk *w, int rmdir)
{
	struct uk_ramfs_node *n = w->de ? w->de->node : NULL;

	if (w->dot) {
		if (!rmdir)
			return -EISDIR;
		if (w->node == uk_ramfs_root() && w->len == 0)
			return -EBUSY;
		return w->len == 2 ? -ENOTEMPTY : -EINVAL;
	}
	if (!n)
		return -ENOENT;
	if (rmdir && !S_ISDIR(n->file.mode))
		return -ENOTDIR;
	if (!rmdir && (S_ISDIR(n->file.mode) ||
		       (w->slash && S_ISDIR(w->node->file.mode))))
		return -EISDIR;
	return 0;
}

int uk_vfs_unlinkat(int dirfd, const char *path, int flags)
{
	struct uk_file *ref;
	struct walk w;
	int rc;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	uk_ramfs_lock();
	rc = walk_at(dirfd, path, 0, &w, &ref);
	if (!rc)
		rc = remove_checks(&w, flags & AT_REMOVEDIR);
	if (!rc)
		rc = uk_ramfs_unlink(w.de);
	unlock_put(ref);
	return rc;
}

static int rename_checks(struct walk *o, struct walk *n, unsigned int flags)
{
	struct uk_ramfs_node *on, *nn;

	if (o->dot || n->dot)
		return (flags & RENAME_NOREPLACE) && n->dot ? -EEXIST : -EBUSY;
	if (!o->de)
		return -ENOENT;
	on = o->de->node;
	nn = n->de ? n->de->node : NULL;
	if (n->slash && !S_ISDIR(on->file.mode))
		return -ENOTDIR;
	if (S_ISDIR(on->file.mode) && uk_ramfs_is_ancestor(on, n->dir))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && nn && S_ISDIR(nn->file.mode) &&
	    uk_ramfs_is_ancestor(nn, o->dir))
		return -EINVAL;
	return 0;
}

int uk_vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd,
		     const char *newpath, unsigned int flags)
{
	struct uk_file *ref1 = NULL, *ref2 = NULL;
	struct walk o, n;
	int rc;

	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
		return -EINVAL;
	uk_ramfs_lock();
	rc = walk_at(olddirfd, oldpath, 0, &o, &ref1);
	if (!rc)
		rc = walk_at(newdirfd, newpath, 0, &n, &ref2);
	if (!rc)
		rc = rename_checks(&o, &n, flags);
	if (!rc && o.de != n.de)
		rc = uk_ramfs_rename(o.de, n.dir, n.last, n.len, flags);
	unlock_put(ref1);
	if (ref2)
		uk_file_put(ref2);
	return rc;
}

/* --- attributes ----------------------------------------------------- */

int uk_vfs_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct uk_file *ref, *f;
	struct walk w;
	int rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800))
		return -EINVAL;
	if (path && !*path && (flags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD)
			return uk_vfs_fstatat(dirfd, ".", st, 0);
		f = uk_fdtab_get_file(dirfd);
		if (PTRISERR(f))
			return PTR2ERR(f);
		rc = uk_file_stat(f, st);
		uk_file_put(f);
		return rc;
	}
	uk_ramfs_lock();
	rc = walk_at(dirfd, path, WALK_FD |
		     (flags & AT_SYMLINK_NOFOLLOW ? 0 : WALK_FOLLOW), &w, &ref);
	if (!rc && !w.node && w.fd < 0)
		rc = -ENOENT;
	if (!rc && w.fd < 0)
		uk_ramfs_getstat(w.node, st);
	unlock_put(ref);
	if (rc || w.fd < 0)
		return rc;
	if (w.fd & VFS_FDINFO)
		return vfs_fdinfo_stat(w.fd & ~VFS_FDINFO, st);
	/* An fd's entry: the link itself, or the file it leads to. */
	if (flags & AT_SYMLINK_NOFOLLOW)
		return vfs_fd_link_stat(w.fd, st);
	f = uk_fdtab_get_file(w.fd);
	if (PTRISERR(f))
		return -ENOENT;
	rc = uk_file_stat(f, st);
	uk_file_put(f);
	return rc;
}

/* Runs fn on the node path names (following links unless nofollow). */
static int with_node(int dirfd, const char *path, int nofollow,
		     int (*fn)(struct uk_ramfs_node *n, long arg), long arg)
{
	struct uk_file *ref;
	struct walk w;
	int rc;

	uk_ramfs_lock();
	rc = walk_at(dirfd, path, !nofollow, &w, &ref);
	if (!rc && !w.node)
		rc = -ENOENT;
	if (!rc)
		rc = fn(w.node, arg);
	unlock_put(ref);
	return rc;
}

int uk_vfs_with_node(int dirfd, const char *path, int nofollow,
		     int (*fn)(struct uk_ramfs_node *n, long arg), long arg)
{
	return with_node(dirfd, path, nofollow, fn, arg);
}

static int do_chmod(struct uk_ramfs_node *n, long mode)
{
	return uk_ramfs_chmod(n, mode);
}

int uk_vfs_fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	return with_node(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, do_chmod,
			 mode);
}

struct owner {
	uid_t uid;
	gid_t gid;
};

static int do_chown(struct uk_ramfs_node *n, long owner)
{
	const struct owner *o = (const struct owner *)owner;

	uk_ramfs_chown(n, o->uid, o->gid);
	return 0;
}

/* The file fd has open, for the calls on open files (fchmod, fchown,
 * futimens): an O_PATH fd is none, EBADF (Linux's fdget). */
static struct uk_file *io_file(int fd)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	struct uk_file *f;

	if (PTRISERR(of))
		return ERR2PTR(PTR2ERR(of));
	f = (of->flags & O_PATH) ? ERR2PTR(-EBADF) : uk_file_get(of->file);
	uk_ofile_put(of);
	return f;
}

static int chown_file(struct uk_file *f, uid_t uid, gid_t gid)
{
	if (PTRISERR(f))
		return PTR2ERR(f);
	/* A file outside the namespace (pipe, socket) keeps root. */
	if (f->vnode)
		uk_ramfs_chown(uk_ramfs_node_of(f), uid, gid);
	uk_file_put(f);
	return 0;
}

int uk_vfs_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
		    int flags)
{
	struct owner o = { uid, gid };

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* A path call: an O_PATH fd will do. */
	if (!*path && (flags & AT_EMPTY_PATH)) {
		if (dirfd != AT_FDCWD)
			return chown_file(uk_fdtab_get_file(dirfd), uid, gid);
		path = ".";
	}
	return with_node(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, do_chown,
			 (long)&o);
}

int uk_vfs_fchown(int fd, uid_t uid, gid_t gid)
{
	return chown_file(io_file(fd), uid, gid);
}

static int do_utimens(struct uk_ramfs_node *n, long times)
{
	return uk_ramfs_utimens(n, (const struct timespec *)times);
}

static int utimens_file(struct uk_file *f, const struct timespec *times)
{
	int rc;

	if (PTRISERR(f))
		return PTR2ERR(f);
	rc = f->vnode ? uk_ramfs_utimens(uk_ramfs_node_of(f), times) : 0;
	uk_file_put(f);
	return rc;
}

int uk_vfs_utimensat(int dirfd, const char *path,
		     const struct timespec times[2], int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* Linux: a NULL path means the file of dirfd (futimens, no flags,
	 * no O_PATH fd); AT_EMPTY_PATH with "" is a path call on it. */
	if (!path) {
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		return flags ? -EINVAL : utimens_file(io_file(dirfd), times);
	}
	if (!*path && (flags & AT_EMPTY_PATH)) {
		if (dirfd != AT_FDCWD)
			return utimens_file(uk_fdtab_get_file(dirfd), times);
		path = ".";
	}
	return with_node(dirfd, path, flags & AT_SYMLINK_NOFOLLOW,
			 do_utimens, (long)times);
}

int uk_vfs_fchmod(int fd, mode_t mode)
{
	struct uk_file *f = io_file(fd);
	int rc = 0;

	if (PTRISERR(f))
		return PTR2ERR(f);
	if (f->vnode)
		rc = uk_ramfs_chmod(uk_ramfs_node_of(f), mode);
	uk_file_put(f);
	return rc;
}

static int do_access(struct uk_ramfs_node *n, long mode)
{
	/* The one user is root: only X_OK can fail, on a file that no
	 * one may execute. */
	if ((mode & X_OK) && !S_ISDIR(n->file.mode) &&
	    !(n->file.mode & 0111))
		return -EACCES;
	return 0;
}

/* access of an open file (faccessat2's AT_EMPTY_PATH): one outside the
 * namespace (pipe, socket) is mode 0600 on Linux. */
static int access_file(struct uk_file *f, int mode)
{
	int rc;

	if (PTRISERR(f))
		return PTR2ERR(f);
	if (f->vnode)
		rc = do_access(uk_ramfs_node_of(f), mode);
	else
		rc = (mode & X_OK) ? -EACCES : 0;
	uk_file_put(f);
	return rc;
}

int uk_vfs_faccessat(int dirfd, const char *path, int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!*path && (flags & AT_EMPTY_PATH)) {
		if (dirfd != AT_FDCWD)
			return access_file(uk_fdtab_get_file(dirfd), mode);
		path = ".";
	}
	return with_node(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, do_access,
			 mode);
}

static int do_truncate(struct uk_ramfs_node *n, long len)
{
	return uk_ramfs_truncate(n, len);
}

int uk_vfs_truncate(const char *path, off_t len)
{
	return with_node(AT_FDCWD, path, 0, do_truncate, len);
}

int uk_vfs_readlinkat(int dirfd, const char *path, char *buf, __sz size)
{
	struct uk_file *ref;
	struct walk w;
	__sz len;
	int rc;

	uk_ramfs_lock();
	/* "" names the symlink dirfd has open (an O_PATH | O_NOFOLLOW
	 * fd); anything else there is ENOENT, as on Linux. */
	if (!*path) {
		rc = fd_node(dirfd, &w, &ref);
		if (rc == -EXDEV)
			rc = -ENOENT;
	} else
		rc = walk_at(dirfd, path, WALK_FD, &w, &ref);
	if (!rc && w.fd >= 0) {
		unlock_put(ref);
		if (w.fd & VFS_FDINFO)
			return -EINVAL;	/* a regular file */
		return vfs_fd_link_read(w.fd, buf, size);
	}
	if (!rc && !w.node)
		rc = -ENOENT;
	if (!rc && !S_ISLNK(w.node->file.mode))
		rc = *path ? -EINVAL : -ENOENT;
	if (!rc) {
		len = strlen(w.node->lnk.target);
		rc = MIN(len, size);
		memcpy(buf, w.node->lnk.target, rc);
	}
	unlock_put(ref);
	return rc;
}

/* --- working directory and umask ------------------------------------ */

static void set_cwd(struct uk_ramfs_node *n)
{
	struct uk_ramfs_node *old = cwd;

	cwd = n;
	uk_file_get(&n->file);
	if (old)
		uk_file_put(&old->file);
}

static int do_chdir(struct uk_ramfs_node *n, long arg __maybe_unused)
{
	if (!S_ISDIR(n->file.mode))
		return -ENOTDIR;
	set_cwd(n);
	return 0;
}

int uk_vfs_chdir(const char *path)
{
	return with_node(AT_FDCWD, path, 0, do_chdir, 0);
}

int uk_vfs_fchdir(int fd)
{
	struct uk_file *f = uk_fdtab_get_file(fd);
	int rc;

	if (PTRISERR(f))
		return PTR2ERR(f);
	uk_ramfs_lock();
	rc = f->vnode ? do_chdir(uk_ramfs_node_of(f), 0) : -ENOTDIR;
	uk_ramfs_unlock();
	uk_file_put(f);
	return rc;
}

int vfs_node_path(struct uk_ramfs_node *n, char *buf, __sz size)
{
	struct uk_ramfs_node *root = uk_ramfs_root();
	struct uk_ramfs_dirent *de;
	__sz pos = size;

	if (size < 2)
		return -ERANGE;
	buf[--pos] = '\0';
	while (n != root) {
		de = S_ISDIR(n->file.mode) ? n->dir.self : n->link;
		if (!de)
			return -ENOENT;
		if (pos < (__sz)de->len + 1)
			return -ERANGE;
		pos -= de->len;
		memcpy(buf + pos, de->name, de->len);
		buf[--pos] = '/';
		n = de->dir;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	return pos;
}

int uk_vfs_getcwd(char *buf, __sz size)
{
	struct uk_ramfs_node *n;
	int pos;

	uk_ramfs_lock();
	n = cwd ? cwd : uk_ramfs_root();
	pos = n->nlink ? vfs_node_path(n, buf, size) : -ENOENT;
	uk_ramfs_unlock();
	if (pos < 0)
		return size < 2 ? -ERANGE : pos;
	memmove(buf, buf + pos, size - pos);
	return size - pos;
}

/* At shutdown, before ramfs goes: drop the working directory. */
static void ns_term(void)
{
	uk_ramfs_lock();
	if (cwd)
		uk_file_put(&cwd->file);
	cwd = NULL;
	uk_ramfs_unlock();
}

uk_termcall_class_prio(ns_term, UK_INIT_CLASS_ROOTFS, 1);

mode_t uk_vfs_umask(mode_t mask)
{
	return __atomic_exchange_n(&cur_umask, mask & 0777, __ATOMIC_RELAXED);
}

ssize_t uk_vfs_getdents(int fd, void *buf, __sz count)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	struct uk_file *f;
	ssize_t rc;
	off_t pos;

	if (PTRISERR(of))
		return PTR2ERR(of);
	f = of->file;
	if ((of->flags & O_PATH) || !f->ops->getdents) {
		rc = (of->flags & O_PATH) ? -EBADF : -ENOTDIR;
		uk_ofile_put(of);
		return rc;
	}
	uk_mutex_lock(&of->pos_lock);
	pos = of->pos;
	rc = f->ops->getdents(f, buf, count, &pos);
	of->pos = pos;
	uk_mutex_unlock(&of->pos_lock);
	if (rc >= 0)
		uk_inotify_file(f, UK_IN_ACCESS);
	uk_ofile_put(of);
	return rc;
}
