/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file namespace: path lookup from the root or a directory fd, over
 * the root file system (ramfs). These are the kernel-side forms of the
 * POSIX name calls: paths are kernel strings, errors are -errno. The
 * POSIX functions (open, mkdir, ...) copy the app's path with nofault and
 * call these.
 */
#ifndef __UK_VFS_H__
#define __UK_VFS_H__

#include <sys/types.h>
#include <time.h>
#include <uk/file.h>

/* Linux's flags newer than some C libraries' headers. */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#define RENAME_EXCHANGE		(1 << 1)
#define RENAME_WHITEOUT		(1 << 2)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

struct stat;
struct uk_ramfs_node;

/* open(2) at the lowest free fd. Returns the fd or -errno; -UK_ERESTARTSYS
 * if a signal ended a blocking FIFO open's wait for the other end. */
int uk_vfs_openat(int dirfd, const char *path, int flags, mode_t mode);
/* Makes path (once: /proc/self/fd) the folder whose entries are the
 * fds, each leading to the namespace file it has open (Linux's magic
 * links, followed only: no readlink). Returns 0 or -errno. */
int uk_vfs_fd_dir(const char *path);
/* Makes path (once: /proc/self/fdinfo) the folder whose entries are
 * read-only files of the fds' details, as Linux's. 0 or -errno. */
int uk_vfs_fdinfo_dir(const char *path);
/* Opens path as a file without an fd (one reference), or ERR2PTR. */
struct uk_file *uk_vfs_open_file(int dirfd, const char *path, int flags,
				 mode_t mode);
int uk_vfs_mkdirat(int dirfd, const char *path, mode_t mode);
/* Makes a node: regular file (S_IFREG), FIFO, socket node (no socket
 * bound) or character device (S_IFCHR; rdev as uk_devfs_dev_get() takes
 * it). */
int uk_vfs_mknodat(int dirfd, const char *path, mode_t mode, dev_t rdev);
/*
 * Socket names (AF_UNIX path addresses). bind makes a socket node at path
 * (the last component is not followed) that points to the socket's file
 * sock, without a reference: the socket unbinds before it goes. *node
 * gets a reference to the node for unbind. Returns 0, -EADDRINUSE if the
 * name exists, or the path walk's errors.
 */
int uk_vfs_socket_bind(const char *path, mode_t mode, struct uk_file *sock,
		       struct uk_file **node);
/* Forgets the node's socket (its name stays, as on Linux) and drops the
 * reference bind gave. */
void uk_vfs_socket_unbind(struct uk_file *node);
/* The socket bound at path, with a reference. -ENOENT, -ECONNREFUSED
 * (not a socket node, or no socket bound to it), the walk's errors. */
struct uk_file *uk_vfs_socket_lookup(const char *path);
int uk_vfs_symlinkat(const char *target, int dirfd, const char *path);
int uk_vfs_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags);
int uk_vfs_unlinkat(int dirfd, const char *path, int flags);
int uk_vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd,
		     const char *newpath, unsigned int flags);
int uk_vfs_fstatat(int dirfd, const char *path, struct stat *st,
		   int flags);
/* Fills the kernel's *st for the file fd refers to. */
int uk_vfs_fstat(int fd, struct stat *st);
int uk_vfs_fchmodat(int dirfd, const char *path, mode_t mode, int flags);
int uk_vfs_utimensat(int dirfd, const char *path,
		     const struct timespec times[2], int flags);
/* chown as root (any owner; -1 keeps one). flags: AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH (an empty path: dirfd's file). -EINVAL, -ENOENT... */
int uk_vfs_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
		    int flags);

/* Runs fn(node, arg) under the namespace lock on the node path names
 * (following a last symlink unless nofollow). Returns fn's result, or
 * the walk's error (-ENOENT, -ENOTDIR, -ELOOP...). */
int uk_vfs_with_node(int dirfd, const char *path, int nofollow,
		     int (*fn)(struct uk_ramfs_node *n, long arg), long arg);

/* chmod / utimes of fd's file (a file outside the namespace: no-op). */
int uk_vfs_fchmod(int fd, mode_t mode);
int uk_vfs_fchown(int fd, uid_t uid, gid_t gid);
/* access(2) for the one user, root: only X_OK can fail (-EACCES). */
int uk_vfs_faccessat(int dirfd, const char *path, int mode, int flags);
/* Sets the size of the regular file path names. */
int uk_vfs_truncate(const char *path, off_t len);
/* Copies up to size bytes of the link's target (no NUL) to the kernel's
 * buf. Returns the count, -EINVAL if path is no symlink. */
int uk_vfs_readlinkat(int dirfd, const char *path, char *buf, __sz size);
/* Working directory: set by path or fd (-ENOTDIR); getcwd stores the
 * NUL-terminated absolute path and returns its size with the NUL, or
 * -ERANGE, or -ENOENT if the directory was removed. */
int uk_vfs_chdir(const char *path);
int uk_vfs_fchdir(int fd);
int uk_vfs_getcwd(char *buf, __sz size);
/* Sets the file mode creation mask; returns the old one. */
mode_t uk_vfs_umask(mode_t mask);
/* getdents64(2): linux_dirent64 records into the app's buf from the
 * description's position. Returns bytes, 0 at the end, -ENOTDIR,
 * -EINVAL (buf too small for one record), -EFAULT. */
ssize_t uk_vfs_getdents(int fd, void *buf, __sz count);

#endif /* __UK_VFS_H__ */
