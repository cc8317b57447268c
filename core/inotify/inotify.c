/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * inotify, as Linux's (inotify(7)): an instance is a file whose reads
 * return the events of the inodes it watches. A watch ties an instance
 * to a ramfs node, one per (instance, node) pair, and has the instance's
 * watch descriptor. The namespace and the fd layer report events through
 * the hooks of uk/inotify.h; an event goes to each matching watch of the
 * node and, with the node's name, to those of its directory.
 *
 * One mutex covers every instance, watch and queue: events are rare next
 * to the work that makes them, and a hook must see a node's watches of
 * all instances at once. Watches hold no reference to their node: the
 * node's end removes them (IN_DELETE_SELF, IN_IGNORED).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/inotify.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/nofault.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>
#include <uk/vfs.h>

#define IN_ALL_EVENTS	0x00000fffU
#define IN_UNMOUNT	0x00002000U
#define IN_Q_OVERFLOW	0x00004000U
#define IN_IGNORED	0x00008000U
#define IN_ONLYDIR	0x01000000U
#define IN_DONT_FOLLOW	0x02000000U
#define IN_EXCL_UNLINK	0x04000000U
#define IN_MASK_CREATE	0x10000000U
#define IN_MASK_ADD	0x20000000U
#define IN_ISDIR	0x40000000U
#define IN_ONESHOT	0x80000000U
/* Linux's ALL_INOTIFY_BITS: a mask without any is EINVAL. */
#define IN_VALID_BITS	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | \
			 IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW | \
			 IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | \
			 IN_ISDIR | IN_ONESHOT)
/* What a watch keeps of the mask it was given. */
#define IN_WATCH_BITS	(IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)

/* Linux's defaults (fs.inotify.max_queued_events, max_user_instances);
 * max_user_watches, which Linux sizes by RAM, at its floor. */
#define MAX_QUEUED	16384
#define MAX_INSTANCES	128
#define MAX_WATCHES	8192

/* Linux's struct inotify_event: the header of a record. */
struct k_inotify_event {
	__s32 wd;
	__u32 mask;
	__u32 cookie;
	__u32 len;
};

struct event {
	struct uk_list link;
	struct k_inotify_event hdr;
	char name[];			/* hdr.len bytes, NUL padded */
};

struct inotify {
	struct uk_file f;
	struct uk_list watches;
	struct uk_list events;
	unsigned int count;		/* events queued */
	unsigned long bytes;		/* and their records' size */
	int last_wd;
	struct event *overflow;		/* queued: its link not empty */
};

struct watch {
	struct uk_list node_link;	/* in the node's watches */
	struct uk_list in_link;		/* in the instance's */
	struct inotify *in;
	struct uk_ramfs_node *node;
	int wd;
	__u32 mask;
};

long uk_inotify_watches;
static struct uk_mutex lock = UK_MUTEX_INITIALIZER(lock);
static int instances;
static __u32 last_cookie;

static const struct uk_file_ops in_ops;

static struct uk_alloc *in_alloc(void)
{
	return uk_alloc_get_default();
}

__u32 uk_inotify_cookie(void)
{
	__u32 c;

	do
		c = __atomic_add_fetch(&last_cookie, 1, __ATOMIC_RELAXED);
	while (!c);
	return c;
}

/* --- queues ----------------------------------------------------------- */

static void add_event(struct inotify *in, struct event *e)
{
	uk_list_add_tail(&e->link, &in->events);
	in->count++;
	in->bytes += sizeof(e->hdr) + e->hdr.len;
	uk_pollq_notify(&in->f.pollq, UK_POLLIN | UK_POLLRDNORM);
}

static void add_overflow(struct inotify *in)
{
	if (uk_list_empty(&in->overflow->link))
		add_event(in, in->overflow);
}

/* Whether the last event queued is the one described (Linux merges
 * it). */
static int same_as_last(struct inotify *in, int wd, __u32 mask,
			const char *name, __u32 len)
{
	struct event *last;

	if (uk_list_empty(&in->events))
		return 0;
	last = uk_list_entry(in->events.prev, struct event, link);
	return last->hdr.wd == wd && last->hdr.mask == mask &&
	       last->hdr.len == len && (!len || !strcmp(last->name, name));
}

/* Queues an event; the name (or NULL) padded to a multiple of the
 * header's size, as Linux, so the next record stays aligned. */
static void queue(struct inotify *in, int wd, __u32 mask, __u32 cookie,
		  const char *name)
{
	__sz nlen = name ? strlen(name) : 0;
	__u32 len = nlen ? ALIGN_UP(nlen + 1, sizeof(struct k_inotify_event))
			 : 0;
	struct event *e;

	if (same_as_last(in, wd, mask, name, len))
		return;
	if (in->count >= MAX_QUEUED) {
		add_overflow(in);
		return;
	}
	e = uk_calloc(in_alloc(), 1, sizeof(*e) + len);
	if (!e) {
		add_overflow(in);
		return;
	}
	e->hdr.wd = wd;
	e->hdr.mask = mask;
	e->hdr.cookie = cookie;
	e->hdr.len = len;
	if (nlen)
		memcpy(e->name, name, nlen);
	add_event(in, e);
}

static void event_free(struct inotify *in, struct event *e)
{
	if (e == in->overflow)
		uk_list_init(&e->link);
	else
		uk_free(in_alloc(), e);
}

/* --- watches ---------------------------------------------------------- */

/* Removes w; ignored: queue IN_IGNORED for it. Under lock. */
static void watch_remove(struct watch *w, int ignored)
{
	uk_list_del(&w->node_link);
	uk_list_del(&w->in_link);
	if (ignored)
		queue(w->in, w->wd, IN_IGNORED, 0, NULL);
	uk_free(in_alloc(), w);
	__atomic_sub_fetch(&uk_inotify_watches, 1, __ATOMIC_RELAXED);
}

/* Gives the event to w if it asked for it; a IN_ONESHOT watch goes. */
static void deliver(struct watch *w, __u32 mask, __u32 cookie,
		    const char *name)
{
	if (!(mask & w->mask & IN_ALL_EVENTS))
		return;
	queue(w->in, w->wd, mask, cookie, name);
	if (w->mask & IN_ONESHOT)
		watch_remove(w, 1);
}

static void deliver_all(struct uk_ramfs_node *n, __u32 mask, __u32 cookie,
			const char *name)
{
	struct uk_list *pos, *next;

	uk_list_for_each_safe(pos, next, &n->watches)
		deliver(uk_list_entry(pos, struct watch, node_link), mask,
			cookie, name);
}

static __u32 isdir(const struct uk_ramfs_node *n)
{
	return S_ISDIR(n->file.mode) ? IN_ISDIR : 0;
}

void __uk_inotify_node(struct uk_ramfs_node *n, __u32 mask)
{
	struct uk_ramfs_dirent *de;

	mask |= isdir(n);
	/* The namespace lock keeps n's name and directory. */
	uk_ramfs_lock();
	uk_mutex_lock(&lock);
	de = n->link;
	if (de)
		deliver_all(de->dir, mask, 0, de->name);
	deliver_all(n, mask, 0, NULL);
	uk_mutex_unlock(&lock);
	uk_ramfs_unlock();
}

void __uk_inotify_self(struct uk_ramfs_node *n, __u32 mask)
{
	uk_mutex_lock(&lock);
	deliver_all(n, mask, 0, NULL);
	uk_mutex_unlock(&lock);
}

void __uk_inotify_name(struct uk_ramfs_node *dir, const char *name,
		       __u32 mask, __u32 cookie)
{
	uk_mutex_lock(&lock);
	deliver_all(dir, mask, cookie, name);
	uk_mutex_unlock(&lock);
}

void uk_inotify_close(struct uk_ofile *of)
{
	/* O_PATH descriptions were never opened for I/O (Linux: no
	 * events). */
	if (of->flags & O_PATH)
		return;
	uk_inotify_file(of->file, (of->flags & O_ACCMODE) == O_RDONLY ?
			UK_IN_CLOSE_NOWRITE : UK_IN_CLOSE_WRITE);
}

void __uk_inotify_gone(struct uk_ramfs_node *n)
{
	struct uk_list *pos, *next;
	struct watch *w;

	uk_mutex_lock(&lock);
	uk_list_for_each_safe(pos, next, &n->watches) {
		w = uk_list_entry(pos, struct watch, node_link);
		if (w->mask & UK_IN_DELETE_SELF)
			queue(w->in, w->wd, UK_IN_DELETE_SELF, 0, NULL);
		watch_remove(w, 1);
	}
	uk_mutex_unlock(&lock);
}

/* --- the instance's file ---------------------------------------------- */

/* Takes the events that fit in len bytes off the queue into out.
 * Returns their size, -EAGAIN (none), -EINVAL (the first does not
 * fit). */
static ssize_t take_events(struct inotify *in, __sz len,
			   struct uk_list *out)
{
	ssize_t done = 0;
	struct event *e;
	__sz size;

	uk_mutex_lock(&lock);
	while (!uk_list_empty(&in->events)) {
		e = uk_list_first_entry(&in->events, struct event, link);
		size = sizeof(e->hdr) + e->hdr.len;
		if (size > len - done)
			break;
		uk_list_del(&e->link);
		uk_list_add_tail(&e->link, out);
		in->count--;
		in->bytes -= size;
		done += size;
	}
	if (!done)
		done = uk_list_empty(&in->events) ? -EAGAIN : -EINVAL;
	uk_mutex_unlock(&lock);
	return done;
}

/* As Linux: the events taken are gone even if a copy faults. */
static ssize_t in_read(struct uk_file *f, const struct iovec *iov,
		       int iovcnt, off_t *off __maybe_unused,
		       unsigned int flags __maybe_unused)
{
	struct inotify *in = f->priv;
	struct uk_list out, *pos, *next;
	__sz done = 0, size;
	ssize_t rc;
	int fault = 0;
	struct event *e;

	uk_list_init(&out);
	rc = take_events(in, uk_iov_total(iov, iovcnt), &out);
	if (rc < 0)
		return rc;
	uk_list_for_each_safe(pos, next, &out) {
		e = uk_list_entry(pos, struct event, link);
		size = sizeof(e->hdr) + e->hdr.len;
		if (!fault && uk_iov_copy_to(iov, iovcnt, done, &e->hdr,
					     size) < size)
			fault = 1;
		done += size;
		uk_mutex_lock(&lock);
		uk_list_del(pos);
		event_free(in, e);
		uk_mutex_unlock(&lock);
	}
	return fault ? -EFAULT : rc;
}

static unsigned int in_poll(struct uk_file *f)
{
	struct inotify *in = f->priv;

	if (__atomic_load_n(&in->count, __ATOMIC_RELAXED))
		return UK_POLLIN | UK_POLLRDNORM;
	return 0;
}

static int in_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct inotify *in = f->priv;
	int bytes;

	if (req != FIONREAD)
		return -ENOTTY;
	uk_mutex_lock(&lock);
	bytes = (int)in->bytes;
	uk_mutex_unlock(&lock);
	return uk_copy_to_user(arg, &bytes, sizeof(bytes));
}

static void in_release(struct uk_file *f)
{
	struct inotify *in = f->priv;
	struct uk_list *pos, *next;

	uk_mutex_lock(&lock);
	uk_list_for_each_safe(pos, next, &in->watches)
		watch_remove(uk_list_entry(pos, struct watch, in_link), 0);
	uk_list_for_each_safe(pos, next, &in->events) {
		uk_list_del(pos);
		event_free(in, uk_list_entry(pos, struct event, link));
	}
	instances--;
	uk_mutex_unlock(&lock);
	uk_free(in_alloc(), in->overflow);
	uk_free(in_alloc(), in);
}

/* As Linux's inotify_show_fdinfo, newest watch first; no file handle
 * follows (Linux prints one where the file system can make it). */
static int in_fdinfo(struct uk_file *f, char *buf, __sz size)
{
	struct inotify *in = f->priv;
	struct uk_list *pos;
	struct watch *w;
	__sz len = 0;

	uk_mutex_lock(&lock);
	for (pos = in->watches.prev; pos != &in->watches; pos = pos->prev) {
		w = uk_list_entry(pos, struct watch, in_link);
		len += snprintf(buf + MIN(len, size),
				len < size ? size - len : 0,
				"inotify wd:%x ino:%lx sdev:%x mask:%x "
				"ignored_mask:0\n", w->wd,
				(unsigned long)w->node->ino,
				(unsigned int)UK_RAMFS_DEV, w->mask);
	}
	uk_mutex_unlock(&lock);
	return (int)len;
}

static const struct uk_file_ops in_ops = {
	.link_name = "anon_inode:inotify",
	.fdinfo = in_fdinfo,
	.read = in_read,
	.poll = in_poll,
	.ioctl = in_ioctl,
	.release = in_release,
};

/* --- system calls ----------------------------------------------------- */

static struct inotify *in_new(void)
{
	struct inotify *in = uk_calloc(in_alloc(), 1, sizeof(*in));

	if (!in)
		return NULL;
	in->overflow = uk_calloc(in_alloc(), 1, sizeof(*in->overflow));
	if (!in->overflow) {
		uk_free(in_alloc(), in);
		return NULL;
	}
	in->overflow->hdr.wd = -1;
	in->overflow->hdr.mask = IN_Q_OVERFLOW;
	uk_list_init(&in->overflow->link);
	uk_list_init(&in->watches);
	uk_list_init(&in->events);
	/* An anonymous inode: no file type bits, mode 0600 (Linux). */
	uk_file_init(&in->f, &in_ops, S_IRUSR | S_IWUSR, in);
	return in;
}

UK_SYSCALL_R_DEFINE(int, inotify_init1, int, flags)
{
	struct inotify *in;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	uk_mutex_lock(&lock);
	if (instances >= MAX_INSTANCES) {
		uk_mutex_unlock(&lock);
		return -EMFILE;
	}
	instances++;
	uk_mutex_unlock(&lock);
	in = in_new();
	if (!in) {
		uk_mutex_lock(&lock);
		instances--;
		uk_mutex_unlock(&lock);
		return -ENOMEM;
	}
	/* On failure the fd layer dropped the only reference. */
	return uk_fdtab_open(&in->f, O_RDONLY | flags);
}

UK_SYSCALL_R_DEFINE(int, inotify_init)
{
	return __uk_sys_inotify_init1(0);
}

/* The instance behind fd, with its description in *of (put it after):
 * EBADF, or EINVAL for another kind of file. */
static struct inotify *in_get(int fd, struct uk_ofile **of)
{
	*of = uk_fdtab_get(fd);
	if (PTRISERR(*of))
		return ERR2PTR(-EBADF);
	if ((*of)->file->ops != &in_ops) {
		uk_ofile_put(*of);
		return ERR2PTR(-EINVAL);
	}
	return (*of)->file->priv;
}

static struct watch *watch_of(struct inotify *in, struct uk_ramfs_node *n)
{
	struct uk_list *pos;
	struct watch *w;

	uk_list_for_each(pos, &n->watches) {
		w = uk_list_entry(pos, struct watch, node_link);
		if (w->in == in)
			return w;
	}
	return NULL;
}

/* The next free wd after the last one given (Linux's cyclic ids). */
static int next_wd(struct inotify *in)
{
	struct uk_list *pos;
	int wd = in->last_wd;

again:
	wd = wd == INT_MAX ? 1 : wd + 1;
	uk_list_for_each(pos, &in->watches)
		if (uk_list_entry(pos, struct watch, in_link)->wd == wd)
			goto again;
	in->last_wd = wd;
	return wd;
}

static int watch_new(struct inotify *in, struct uk_ramfs_node *n,
		     __u32 mask)
{
	struct watch *w;

	if (__atomic_load_n(&uk_inotify_watches, __ATOMIC_RELAXED) >=
	    MAX_WATCHES)
		return -ENOSPC;
	w = uk_malloc(in_alloc(), sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->in = in;
	w->node = n;
	w->mask = mask & IN_WATCH_BITS;
	w->wd = next_wd(in);
	uk_list_add_tail(&w->node_link, &n->watches);
	uk_list_add_tail(&w->in_link, &in->watches);
	__atomic_add_fetch(&uk_inotify_watches, 1, __ATOMIC_RELAXED);
	return w->wd;
}

struct add_args {
	struct inotify *in;
	__u32 mask;
};

/* Adds or updates in's watch of n; under the namespace lock. */
static int add_watch(struct uk_ramfs_node *n, long arg)
{
	const struct add_args *a = (const struct add_args *)arg;
	struct watch *w;
	int rc;

	if ((a->mask & IN_ONLYDIR) && !S_ISDIR(n->file.mode))
		return -ENOTDIR;
	uk_mutex_lock(&lock);
	w = watch_of(a->in, n);
	if (!w) {
		rc = watch_new(a->in, n, a->mask);
	} else if (a->mask & IN_MASK_CREATE) {
		rc = -EEXIST;
	} else {
		w->mask = (a->mask & IN_WATCH_BITS) |
			  (a->mask & IN_MASK_ADD ? w->mask : 0);
		rc = w->wd;
	}
	uk_mutex_unlock(&lock);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, inotify_add_watch, int, fd, const char *, upath,
		    __u32, mask)
{
	struct add_args a = { .mask = mask };
	struct uk_ofile *of;
	char *path;
	long rc;

	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if (!(mask & IN_VALID_BITS))
		return -EINVAL;
	a.in = in_get(fd, &of);
	if (PTRISERR(a.in))
		return PTR2ERR(a.in);
	path = uk_malloc(in_alloc(), PATH_MAX);
	rc = path ? uk_strncpy_from_user(path, upath, PATH_MAX) : -ENOMEM;
	if (rc >= 0)
		rc = uk_vfs_with_node(AT_FDCWD, path, mask & IN_DONT_FOLLOW,
				      add_watch, (long)&a);
	uk_free(in_alloc(), path);
	uk_ofile_put(of);
	return (int)rc;
}

UK_SYSCALL_R_DEFINE(int, inotify_rm_watch, int, fd, int, wd)
{
	struct uk_ofile *of;
	struct inotify *in;
	struct uk_list *pos;
	struct watch *w;
	int rc = -EINVAL;

	in = in_get(fd, &of);
	if (PTRISERR(in))
		return PTR2ERR(in);
	uk_mutex_lock(&lock);
	uk_list_for_each(pos, &in->watches) {
		w = uk_list_entry(pos, struct watch, in_link);
		if (w->wd == wd) {
			watch_remove(w, 1);
			rc = 0;
			break;
		}
	}
	uk_mutex_unlock(&lock);
	uk_ofile_put(of);
	return rc;
}
