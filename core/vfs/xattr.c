/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Extended attributes (xattr(7)): setxattr, getxattr, listxattr,
 * removexattr and their l (the link itself) and f (an fd) forms, with
 * Linux's checks in Linux's order: flags, name (ERANGE for "" and past
 * 255 bytes), size (E2BIG past 64 KiB), the app's memory, the file,
 * then the namespace. ramfs nodes keep the attributes; other files
 * (pipes, sockets, eventfds...) have none (EOPNOTSUPP).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>
#include <uk/vfs.h>
#include "vfs_impl.h"

#define XATTR_NAME_MAX	255
#define XATTR_SIZE_MAX	65536
#define XATTR_LIST_MAX	65536
#define XATTR_FLAGS	(UK_RAMFS_XATTR_CREATE | UK_RAMFS_XATTR_REPLACE)

enum xattr_op { XA_SET, XA_GET, XA_LIST, XA_REMOVE };

struct xattr_call {
	enum xattr_op op;
	char name[XATTR_NAME_MAX + 1];
	void *buf;			/* kernel buffer of size bytes */
	__sz size;
	int flags;
};

/* The name's suffix if it starts with prefix, else NULL. */
static const char *suffix(const char *name, const char *prefix)
{
	__sz len = strlen(prefix);

	return strncmp(name, prefix, len) ? NULL : name + len;
}

/*
 * Linux's xattr_permission, then its choice of a handler: user.* only
 * on regular files and directories (else EPERM to change, ENODATA to
 * read), trusted.* and security.* on all (the one user is root),
 * system.* and unknown namespaces EOPNOTSUPP, a bare prefix EINVAL.
 */
static int ns_check(const char *name, mode_t mode, int write)
{
	const char *rest = suffix(name, "user.");

	if (rest) {
		if (!S_ISREG(mode) && !S_ISDIR(mode))
			return write ? -EPERM : -ENODATA;
	} else {
		rest = suffix(name, "trusted.");
		if (!rest)
			rest = suffix(name, "security.");
		if (!rest)
			return -EOPNOTSUPP;
	}
	return *rest ? 0 : -EINVAL;
}

/* Runs c on a file of mode: n is its ramfs node, or NULL for a file of
 * no file system that stores attributes. */
static ssize_t run(struct xattr_call *c, mode_t mode,
		   struct uk_ramfs_node *n)
{
	ssize_t rc = 0;

	if (c->op != XA_LIST)
		rc = ns_check(c->name, mode, c->op != XA_GET);
	if (rc)
		return rc;
	if (!n)
		return c->op == XA_LIST ? 0 : -EOPNOTSUPP;
	switch (c->op) {
	case XA_SET:
		return uk_ramfs_xattr_set(n, c->name, c->buf, c->size,
					  c->flags);
	case XA_GET:
		return uk_ramfs_xattr_get(n, c->name, c->buf, c->size);
	case XA_LIST:
		return uk_ramfs_xattr_list(n, c->buf, c->size);
	default:
		return uk_ramfs_xattr_remove(n, c->name);
	}
}

static int run_node(struct uk_ramfs_node *n, long arg)
{
	struct xattr_call *c = (struct xattr_call *)arg;

	/* An int result: sizes are at most XATTR_LIST_MAX... or a list's
	 * whole size, which ramfs bounds (UK_RAMFS_XATTR_MAX). */
	return (int)run(c, n->file.mode, n);
}

/* Runs c on the file fd refers to (EBADF for an O_PATH description, as
 * Linux's fdget). */
static ssize_t run_fd(struct xattr_call *c, int fd)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	struct uk_file *f;
	ssize_t rc;

	if (PTRISERR(of))
		return PTR2ERR(of);
	f = of->file;
	if (of->flags & O_PATH)
		rc = -EBADF;
	else
		rc = run(c, f->mode, f->vnode ? uk_ramfs_node_of(f) : NULL);
	uk_ofile_put(of);
	return rc;
}

/* The file a call names: the app's path (nofollow: the l form) or, with
 * upath NULL, fd. */
struct target {
	const char *upath;
	int nofollow;
	int fd;
};

static ssize_t run_target(struct xattr_call *c, const struct target *t)
{
	if (!t->upath)
		return run_fd(c, t->fd);
	return WITH_PATH(t->upath, uk_vfs_with_node(AT_FDCWD, kpath,
						    t->nofollow, run_node,
						    (long)c));
}

/* Linux's import_xattr_name. */
static int name_in(char *name, const char *uname)
{
	long len = uk_strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);

	if (!len || len == -ENAMETOOLONG)
		return -ERANGE;
	return len < 0 ? (int)len : 0;
}

static long do_set(const struct target *t, const char *uname,
		   const void *uvalue, __sz size, int flags)
{
	struct xattr_call c = { .op = XA_SET, .size = size, .flags = flags };
	long rc;

	if (flags & ~XATTR_FLAGS)
		return -EINVAL;
	rc = name_in(c.name, uname);
	if (rc)
		return rc;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (size) {
		c.buf = uk_malloc(uk_alloc_get_default(), size);
		if (!c.buf)
			return -ENOMEM;
		if (uk_copy_from_user(c.buf, uvalue, size)) {
			uk_free(uk_alloc_get_default(), c.buf);
			return -EFAULT;
		}
	}
	rc = run_target(&c, t);
	uk_free(uk_alloc_get_default(), c.buf);
	return rc;
}

/* getxattr and listxattr: into a kernel buffer of at most max bytes,
 * then to the app's. */
static long do_read(struct xattr_call *c, const struct target *t,
		    void *ubuf, __sz max)
{
	__sz asked = c->size;
	long rc;

	if (c->size > max)
		c->size = max;
	if (c->size) {
		c->buf = uk_malloc(uk_alloc_get_default(), c->size);
		if (!c->buf)
			return -ENOMEM;
	}
	rc = run_target(c, t);
	if (rc > 0 && asked && uk_copy_to_user(ubuf, c->buf, rc))
		rc = -EFAULT;
	else if (rc == -ERANGE && asked >= max)
		rc = -E2BIG;
	uk_free(uk_alloc_get_default(), c->buf);
	return rc;
}

static long do_get(const struct target *t, const char *uname, void *uvalue,
		   __sz size)
{
	struct xattr_call c = { .op = XA_GET, .size = size };
	long rc = name_in(c.name, uname);

	return rc ? rc : do_read(&c, t, uvalue, XATTR_SIZE_MAX);
}

static long do_list(const struct target *t, char *ulist, __sz size)
{
	struct xattr_call c = { .op = XA_LIST, .size = size };

	return do_read(&c, t, ulist, XATTR_LIST_MAX);
}

static long do_remove(const struct target *t, const char *uname)
{
	struct xattr_call c = { .op = XA_REMOVE };
	long rc = name_in(c.name, uname);

	return rc ? rc : run_target(&c, t);
}

#define PATH_T(p)	(&(struct target){ .upath = (p) })
#define LINK_T(p)	(&(struct target){ .upath = (p), .nofollow = 1 })
#define FD_T(f)		(&(struct target){ .fd = (f) })

UK_SYSCALL_R_DEFINE(long, setxattr, const char *, path, const char *, name,
		    const void *, value, size_t, size, int, flags)
{
	return do_set(PATH_T(path), name, value, size, flags);
}

UK_SYSCALL_R_DEFINE(long, lsetxattr, const char *, path, const char *, name,
		    const void *, value, size_t, size, int, flags)
{
	return do_set(LINK_T(path), name, value, size, flags);
}

UK_SYSCALL_R_DEFINE(long, fsetxattr, int, fd, const char *, name,
		    const void *, value, size_t, size, int, flags)
{
	return do_set(FD_T(fd), name, value, size, flags);
}

UK_SYSCALL_R_DEFINE(long, getxattr, const char *, path, const char *, name,
		    void *, value, size_t, size)
{
	return do_get(PATH_T(path), name, value, size);
}

UK_SYSCALL_R_DEFINE(long, lgetxattr, const char *, path, const char *, name,
		    void *, value, size_t, size)
{
	return do_get(LINK_T(path), name, value, size);
}

UK_SYSCALL_R_DEFINE(long, fgetxattr, int, fd, const char *, name,
		    void *, value, size_t, size)
{
	return do_get(FD_T(fd), name, value, size);
}

UK_SYSCALL_R_DEFINE(long, listxattr, const char *, path, char *, list,
		    size_t, size)
{
	return do_list(PATH_T(path), list, size);
}

UK_SYSCALL_R_DEFINE(long, llistxattr, const char *, path, char *, list,
		    size_t, size)
{
	return do_list(LINK_T(path), list, size);
}

UK_SYSCALL_R_DEFINE(long, flistxattr, int, fd, char *, list, size_t, size)
{
	return do_list(FD_T(fd), list, size);
}

UK_SYSCALL_R_DEFINE(long, removexattr, const char *, path,
		    const char *, name)
{
	return do_remove(PATH_T(path), name);
}

UK_SYSCALL_R_DEFINE(long, lremovexattr, const char *, path,
		    const char *, name)
{
	return do_remove(LINK_T(path), name);
}

UK_SYSCALL_R_DEFINE(long, fremovexattr, int, fd, const char *, name)
{
	return do_remove(FD_T(fd), name);
}
