/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * inotify: the file-system events of inotify(7). The system calls
 * (inotify_init1, inotify_add_watch, inotify_rm_watch) live in
 * core/inotify; the namespace (core/ramfs) and the fd layer (core/vfs)
 * report what happens to names and files through the hooks below.
 *
 * A hook costs one atomic load while no watch exists anywhere. Hooks
 * take the ramfs namespace lock (recursive) and then inotify's own
 * lock: callers must not hold a ramfs node's lock.
 */
#ifndef __UK_INOTIFY_H__
#define __UK_INOTIFY_H__

#include <uk/arch/types.h>
#include <uk/file.h>

struct uk_ramfs_node;

/* Linux's event bits (uapi linux/inotify.h). */
#define UK_IN_ACCESS		0x00000001U
#define UK_IN_MODIFY		0x00000002U
#define UK_IN_ATTRIB		0x00000004U
#define UK_IN_CLOSE_WRITE	0x00000008U
#define UK_IN_CLOSE_NOWRITE	0x00000010U
#define UK_IN_OPEN		0x00000020U
#define UK_IN_MOVED_FROM	0x00000040U
#define UK_IN_MOVED_TO		0x00000080U
#define UK_IN_CREATE		0x00000100U
#define UK_IN_DELETE		0x00000200U
#define UK_IN_DELETE_SELF	0x00000400U
#define UK_IN_MOVE_SELF		0x00000800U
#define UK_IN_ISDIR		0x40000000U

/* Watches that exist now (the hooks' fast path). */
extern long uk_inotify_watches;

static inline int uk_inotify_active(void)
{
	return __atomic_load_n(&uk_inotify_watches, __ATOMIC_RELAXED) != 0;
}

/* An event of node n (IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_OPEN,
 * IN_CLOSE_*): for n's watches, and with n's name for its directory's. */
void __uk_inotify_node(struct uk_ramfs_node *n, __u32 mask);
/* An event for n's own watches only (IN_MOVE_SELF, the IN_ATTRIB of a
 * link count). */
void __uk_inotify_self(struct uk_ramfs_node *n, __u32 mask);
/* An event of the entry name in dir (IN_CREATE, IN_DELETE,
 * IN_MOVED_FROM/TO with cookie; IN_ISDIR if it names a directory). */
void __uk_inotify_name(struct uk_ramfs_node *dir, const char *name,
		       __u32 mask, __u32 cookie);
/* n goes (its last reference): IN_DELETE_SELF and IN_IGNORED for each of
 * its watches, which go too. */
void __uk_inotify_gone(struct uk_ramfs_node *n);
/* A new cookie pairing IN_MOVED_FROM with IN_MOVED_TO (never 0). */
__u32 uk_inotify_cookie(void);

static inline void uk_inotify_node(struct uk_ramfs_node *n, __u32 mask)
{
	if (uk_inotify_active())
		__uk_inotify_node(n, mask);
}

static inline void uk_inotify_self(struct uk_ramfs_node *n, __u32 mask)
{
	if (uk_inotify_active())
		__uk_inotify_self(n, mask);
}

static inline void uk_inotify_name(struct uk_ramfs_node *dir,
				   const char *name, __u32 mask,
				   __u32 cookie)
{
	if (uk_inotify_active())
		__uk_inotify_name(dir, name, mask, cookie);
}

static inline void uk_inotify_gone(struct uk_ramfs_node *n)
{
	if (uk_inotify_active())
		__uk_inotify_gone(n);
}

/* An event of the file f (nothing unless f is a namespace node). */
static inline void uk_inotify_file(struct uk_file *f, __u32 mask)
{
	if (uk_inotify_active() && f->vnode)
		__uk_inotify_node(f->vnode, mask);
}

/* The close of a description of of's file (IN_CLOSE_WRITE if it was
 * open for writing, else IN_CLOSE_NOWRITE). */
void uk_inotify_close(struct uk_ofile *of);

#endif /* __UK_INOTIFY_H__ */
