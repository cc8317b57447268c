/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ramfs: the root file system, in memory. Nodes (inodes) are directories,
 * regular files, symbolic links, character device nodes, FIFOs and
 * socket names; each embeds the struct uk_file that opens of it share.
 *
 * Locking: one namespace mutex (uk_ramfs_lock) covers every directory and
 * name operation, links, nlink and symlink targets; the path walk of
 * core/vfs runs under it. A per-node mutex covers a regular file's data,
 * size and times, so I/O on different files runs in parallel and I/O
 * never waits for a path walk.
 *
 * Lifetime: a node's file reference count has one reference held by the
 * namespace while nlink > 0, plus one per open description, working
 * directory or kernel user. The node is freed when both are gone, so a
 * file kept open after unlink stays readable and writable.
 */
#ifndef __UK_RAMFS_H__
#define __UK_RAMFS_H__

#include <sys/types.h>
#include <time.h>
#include <uk/file.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/spinlock.h>

#define UK_RAMFS_DEV	0x1aUL	/* st_dev of every node */

struct uk_ramfs_dirent;

struct uk_ramfs_node {
	struct uk_file file;		/* mode, refcount; vnode = this */
	ino_t ino;
	nlink_t nlink;			/* namespace lock */
	/* O_TMPFILE without O_EXCL: no name yet, but linkat may give it
	 * one (Linux's I_LINKABLE; namespace lock). */
	unsigned int linkable : 1;
	/* A folder whose names are the fds (/proc/self/fd, core/vfs). */
	unsigned int fd_dir : 1;
	/* Of those, the one whose names are files of the fds' details
	 * (/proc/self/fdinfo). */
	unsigned int fdinfo_dir : 1;
	dev_t rdev;
	struct uk_mutex lock;		/* data, size, times, owner */
	uid_t uid;			/* owner: 0 (root) unless chown */
	gid_t gid;
	/* The page radix and the size, for the page-fault path of file
	 * mappings (which may not sleep): writers hold lock and plock. */
	struct uk_spinlock plock;
	struct timespec atime, mtime, ctime;
	off_t size;
	unsigned int seals;		/* S_IFREG: UK_RAMFS_SEAL_* */
	/* A name of the node (the latest made), NULL if none is known: the
	 * name inotify reports events of the node under (namespace lock). */
	struct uk_ramfs_dirent *link;
	struct uk_list watches;		/* inotify's (core/inotify) */
	struct uk_list xattrs;		/* extended attributes (lock) */
	unsigned long xattr_bytes;	/* their names' and values' bytes */
	union {
		struct {			/* S_IFREG */
			void **radix;		/* levels of 512 */
			unsigned int levels;	/* 1 to 3; 0: no radix */
			unsigned long pages;	/* allocated data pages */
			long maps;		/* VMAs mapping the file */
		} reg;
		struct {			/* S_IFDIR */
			struct uk_ramfs_node *parent;	/* root: itself */
			struct uk_ramfs_dirent *self;	/* root: NULL */
			struct uk_ramfs_dirent **hash;	/* by name */
			struct uk_ramfs_dirent **chash;	/* by cookie */
			unsigned long nbuckets;
			unsigned long count;
			struct uk_list order;	/* by cookie */
			off_t next_cookie;
		} dir;
		struct {			/* S_IFLNK */
			char *target;
		} lnk;
		struct {			/* S_IFIFO: the pipe's ends */
			struct uk_file *rd, *wr;
		} fifo;
		struct {			/* S_IFSOCK (namespace lock) */
			struct uk_file *file;	/* bound socket, no ref */
		} sock;
	};
};

struct uk_ramfs_dirent {
	struct uk_list order;
	struct uk_ramfs_dirent *name_next;	/* hash chains */
	struct uk_ramfs_dirent *cookie_next;
	struct uk_ramfs_node *dir;
	struct uk_ramfs_node *node;
	off_t cookie;			/* getdents position */
	unsigned int hash;
	unsigned short len;
	char name[];
};

/* fallocate modes regular files support (Linux's FALLOC_FL_*): mode
 * 0 or KEEP_SIZE allocate, PUNCH_HOLE | KEEP_SIZE frees. */
#define UK_RAMFS_KEEP_SIZE	0x01
#define UK_RAMFS_PUNCH_HOLE	0x02

/* File seals (Linux's F_SEAL_*, fcntl F_ADD_SEALS): no more seals, no
 * shrinking, no growing, no writing (nor writable shared mappings),
 * no writing from now on (mappings that exist may go on), no change of
 * the execute bits (on an executable file it implies the four before,
 * as Linux's W^X). Files other
 * than sealable unnamed ones carry SEAL_SEAL, as on tmpfs. */
#define UK_RAMFS_SEAL_SEAL		0x01U
#define UK_RAMFS_SEAL_SHRINK		0x02U
#define UK_RAMFS_SEAL_GROW		0x04U
#define UK_RAMFS_SEAL_WRITE		0x08U
#define UK_RAMFS_SEAL_FUTURE_WRITE	0x10U
#define UK_RAMFS_SEAL_EXEC		0x20U
#define UK_RAMFS_SEALS_WRITE	(UK_RAMFS_SEAL_WRITE | \
				 UK_RAMFS_SEAL_FUTURE_WRITE)

/* The seals of f (F_GET_SEALS): -EINVAL unless a ramfs regular file. */
int uk_ramfs_seals_get(struct uk_file *f);
/* Adds seals (F_ADD_SEALS; the caller checked f is open for writing):
 * -EINVAL (not a ramfs regular file, unknown bits), -EPERM (SEAL_SEAL
 * set), -EBUSY (SEAL_WRITE while the file is mapped). Returns 0. */
int uk_ramfs_seals_add(struct uk_file *f, unsigned int seals);

/* Largest regular file (the radix maps 512^3 pages). */
#define UK_RAMFS_MAXSIZE	(512L * 512 * 512 * 4096)

/* The namespace lock (recursive). */
void uk_ramfs_lock(void);
void uk_ramfs_unlock(void);
/* Keeps the reference f until the namespace lock's outermost release
 * (for a node with no name a walk reached: nothing else holds it). The
 * caller holds the lock. Returns 0, or -ELOOP if too many are kept (the
 * caller still has the reference). */
int uk_ramfs_pin(struct uk_file *f);

/* The root directory (never freed). */
struct uk_ramfs_node *uk_ramfs_root(void);

static inline struct uk_ramfs_node *uk_ramfs_node_of(struct uk_file *f)
{
	return (struct uk_ramfs_node *)f->vnode;
}

/*
 * Namespace operations; the caller holds the namespace lock and dir is a
 * directory. name is len bytes, not "." or "..". Return 0 or -errno.
 */

/* The entry name in dir, or NULL. */
struct uk_ramfs_dirent *uk_ramfs_lookup(struct uk_ramfs_node *dir,
					const char *name, __sz len);
/* Makes a node of mode (S_IFMT type and bits) as name in dir; target
 * for symlinks, rdev for devices. *out gets it (no extra reference).
 * Returns 0, -EEXIST, -ENOMEM/-ENOSPC. */
int uk_ramfs_create(struct uk_ramfs_node *dir, const char *name, __sz len,
		    mode_t mode, dev_t rdev, const char *target,
		    struct uk_ramfs_node **out);
/* Makes a regular file of permission bits mode that has no name (nlink
 * 0, memfd_create), which takes seals if sealable: the caller holds its
 * only reference, and it goes with the last. Any lock state. Returns it
 * or NULL (out of memory). */
struct uk_ramfs_node *uk_ramfs_create_unnamed(mode_t mode, int sealable);
/* Adds a name for node (not a directory; with no name, only a linkable
 * one). -EEXIST, -ENOENT, -ENOMEM, -EMLINK. */
int uk_ramfs_link(struct uk_ramfs_node *dir, const char *name, __sz len,
		  struct uk_ramfs_node *node);
/* Removes the entry de (a directory entry must be empty: -ENOTEMPTY). */
int uk_ramfs_unlink(struct uk_ramfs_dirent *de);
/* Moves entry de to name in ndir, replacing what is there per rename(2)
 * (with RENAME_NOREPLACE: -EEXIST; RENAME_EXCHANGE swaps). */
int uk_ramfs_rename(struct uk_ramfs_dirent *de, struct uk_ramfs_node *ndir,
		    const char *name, __sz len, unsigned int flags);
/* Nonzero if a is d or lies below directory d. */
int uk_ramfs_is_ancestor(struct uk_ramfs_node *d, struct uk_ramfs_node *a);

/* Node attributes (any lock state; they take the node lock). */
void uk_ramfs_getstat(struct uk_ramfs_node *n, struct stat *st);
/* Sets the permission bits: 0, or -EPERM if SEAL_EXEC forbids it. */
int uk_ramfs_chmod(struct uk_ramfs_node *n, mode_t mode);
/* Sets the owner as chown(2) by root: (uid_t)-1 / (gid_t)-1 keep one;
 * a non-directory loses S_ISUID, and S_ISGID if group-executable. */
void uk_ramfs_chown(struct uk_ramfs_node *n, uid_t uid, gid_t gid);
/* times as utimensat (UTIME_NOW / UTIME_OMIT; NULL: now). */
int uk_ramfs_utimens(struct uk_ramfs_node *n, const struct timespec *times);
/* Sets a regular file's size. -EFBIG, -EINVAL, -ENOSPC. */
int uk_ramfs_truncate(struct uk_ramfs_node *n, off_t len);

/*
 * Extended attributes (any lock state; they take the node lock). Names
 * are whole ("user.x"), values kernel buffers; the caller checked the
 * namespace. A change is an IN_ATTRIB event.
 */
#define UK_RAMFS_XATTR_CREATE	0x1	/* XATTR_CREATE */
#define UK_RAMFS_XATTR_REPLACE	0x2	/* XATTR_REPLACE */
/* Bytes of names (with their NULs) and values one node may hold. */
#define UK_RAMFS_XATTR_MAX	(256UL << 10)

/* Sets name to size bytes of value. -EEXIST (XATTR_CREATE), -ENODATA
 * (XATTR_REPLACE), -ENOSPC (past UK_RAMFS_XATTR_MAX), -ENOMEM. */
int uk_ramfs_xattr_set(struct uk_ramfs_node *n, const char *name,
		       const void *value, __sz size, int flags);
/* Copies name's value into buf (size 0: only its size). Returns the
 * size, -ENODATA, -ERANGE (buf too small). */
ssize_t uk_ramfs_xattr_get(struct uk_ramfs_node *n, const char *name,
			   void *buf, __sz size);
/* Stores the names, each with its NUL, in buf (size 0: only their
 * size). Returns the size, -ERANGE. */
ssize_t uk_ramfs_xattr_list(struct uk_ramfs_node *n, char *buf, __sz size);
/* Removes name. -ENODATA. */
int uk_ramfs_xattr_remove(struct uk_ramfs_node *n, const char *name);

/* Heap and frames held by ramfs (tests check nothing leaks). */
unsigned long uk_ramfs_nodes(void);

/* Bytes file data may take (kernel parameter ramfs.size, default half
 * of RAM), and bytes it takes now (whole pages). A write beyond the
 * limit is ENOSPC. */
unsigned long uk_ramfs_size_limit(void);
unsigned long uk_ramfs_used(void);

#endif /* __UK_RAMFS_H__ */
