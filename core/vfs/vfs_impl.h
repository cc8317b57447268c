/* SPDX-License-Identifier: BSD-3-Clause */
/* core/vfs internals shared by its .c files. */
#ifndef __VFS_IMPL_H__
#define __VFS_IMPL_H__

/* Kernel copies of the app's paths (vfs.c): heap buffers, or a slot of
 * a static reserve when the heap is full. */
struct kpaths {
	char *p[2];
	int slot;			/* reserve slot, or -1 */
};

/* Makes room for n (1 or 2) paths in k; never fails. */
void vfs_kpaths_get(struct kpaths *k, int n);
void vfs_kpaths_put(struct kpaths *k);
/* Copies the app's path into buf (PATH_MAX bytes); 0 or -errno. */
int vfs_path_in(char *buf, const char *upath);

/* Calls fn with the app's path made a kernel string. */
#define WITH_PATH(upath, call)						\
	({								\
		struct kpaths __k;					\
		char *kpath;						\
		int __rc;						\
									\
		vfs_kpaths_get(&__k, 1);					\
		kpath = __k.p[0];					\
		__rc = vfs_path_in(kpath, upath);				\
		if (!__rc)						\
			__rc = (call);					\
		vfs_kpaths_put(&__k);					\
		__rc;							\
	})

/* Same for two paths. */
#define WITH_PATHS(up1, up2, call)					\
	({								\
		struct kpaths __k;					\
		char *kpath1, *kpath2;					\
		int __rc;						\
									\
		vfs_kpaths_get(&__k, 2);					\
		kpath1 = __k.p[0];					\
		kpath2 = __k.p[1];					\
		__rc = vfs_path_in(kpath1, up1);				\
		if (!__rc)						\
			__rc = vfs_path_in(kpath2, up2);			\
		if (!__rc)						\
			__rc = (call);					\
		vfs_kpaths_put(&__k);					\
		__rc;							\
	})

struct stat;
struct uk_ramfs_node;

/* The path of n (namei.c; the caller holds the namespace lock), at the
 * end of buf (size bytes, NUL-terminated). Returns where it starts in
 * buf, -ENOENT if a node on the way has no name, -ERANGE. */
int vfs_node_path(struct uk_ramfs_node *n, char *buf, __sz size);

/* /proc/self/fd and /proc/self/fdinfo (procfd.c). Makes the directory
 * n the fd folder (its listing is the open fds), of links or (info) of
 * the fds' detail files. */
void vfs_fd_dir_init(struct uk_ramfs_node *n, int info);
/* A walk's fd of a /proc/self/fdinfo entry: fd | VFS_FDINFO (fds stay
 * below UK_FDTAB_MAX). */
#define VFS_FDINFO	0x40000000
/* stat of fd's fdinfo entry: a read-only regular file. 0 or -ENOENT. */
int vfs_fdinfo_stat(int fd, struct stat *st);
/* open of fd's fdinfo entry: a file of the text Linux's has (read at
 * offset 0 makes it again). ERR2PTR -ENOENT, -ENOMEM. */
struct uk_file *vfs_fdinfo_open(int fd, int flags);
/* lstat of fd's entry: a link, rwx as fd's access mode. 0 or -ENOENT. */
int vfs_fd_link_stat(int fd, struct stat *st);
/* readlink of fd's entry into buf (size bytes, not terminated): the
 * file's path, "pipe:[ino]", ... Returns the length, -ENOENT, -ENOMEM. */
int vfs_fd_link_read(int fd, char *buf, __sz size);
/* open of fd's entry when its file is no node, as Linux: a new
 * description of the pipe's end flags ask for, or of the device; the
 * file itself for O_PATH. ERR2PTR -ENOENT (closed), -ENXIO (a socket or
 * an anonymous inode), -EINVAL (O_RDWR on a pipe). */
struct uk_file *vfs_fd_reopen(int fd, int flags);

#endif /* __VFS_IMPL_H__ */
