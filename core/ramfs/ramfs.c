/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ramfs nodes and directories. A directory is a hash table of entries by
 * name plus a list in cookie order for getdents; cookies grow and are
 * never reused in a directory, so a listing resumes at the right place
 * even when entries are removed between calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/assert.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/inotify.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/pipe.h>
#include <uk/print.h>
#include <uk/ramfs.h>
#include <uk/vfs.h>
#include "ramfs_impl.h"

static struct uk_mutex ns_lock = UK_MUTEX_INITIALIZER(ns_lock);
static struct uk_ramfs_node *root;
static unsigned long next_ino = 1;
static unsigned long nr_nodes;

/* References uk_ramfs_pin keeps (namespace lock). */
#define PINS	8
static struct uk_file *pins[PINS];
static unsigned int npins;

void uk_ramfs_lock(void)
{
	uk_mutex_lock(&ns_lock);
}

void uk_ramfs_unlock(void)
{
	struct uk_file *held[PINS];
	unsigned int n = 0;

	if (ns_lock.lock_count == 1) {
		n = npins;
		memcpy(held, pins, n * sizeof(*held));
		npins = 0;
	}
	uk_mutex_unlock(&ns_lock);
	while (n)
		uk_file_put(held[--n]);
}

int uk_ramfs_pin(struct uk_file *f)
{
	if (npins == PINS)
		return -ELOOP;
	pins[npins++] = f;
	return 0;
}

struct uk_ramfs_node *uk_ramfs_root(void)
{
	return root;
}

unsigned long uk_ramfs_nodes(void)
{
	return __atomic_load_n(&nr_nodes, __ATOMIC_RELAXED);
}

void ramfs_now(struct timespec *ts)
{
	__nsec ns = ukplat_wall_clock();

	ts->tv_sec = ns / 1000000000UL;
	ts->tv_nsec = ns % 1000000000UL;
}

/* --- nodes ---------------------------------------------------------- */

void ramfs_node_release(struct uk_file *f)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(f);

	uk_inotify_gone(n);
	ramfs_xattrs_free(n);
	switch (f->mode & S_IFMT) {
	case S_IFREG:
		ramfs_data_free(n);
		break;
	case S_IFDIR:
		uk_free(uk_alloc_get_default(), n->dir.hash);
		uk_free(uk_alloc_get_default(), n->dir.chash);
		break;
	case S_IFLNK:
		uk_free(uk_alloc_get_default(), n->lnk.target);
		break;
	case S_IFIFO:
		if (n->fifo.rd)
			uk_file_put(n->fifo.rd);
		if (n->fifo.wr)
			uk_file_put(n->fifo.wr);
		break;
	}
	uk_free(uk_alloc_get_default(), n);
	__atomic_sub_fetch(&nr_nodes, 1, __ATOMIC_RELAXED);
}

int ramfs_node_getstat(struct uk_file *f, struct stat *st)
{
	uk_ramfs_getstat(uk_ramfs_node_of(f), st);
	return 0;
}

static ssize_t dir_rw(struct uk_file *f __maybe_unused,
		      const struct iovec *iov __maybe_unused, int iovcnt __maybe_unused,
		      off_t *off __maybe_unused, unsigned int flags __maybe_unused)
{
	return -EISDIR;
}

static ssize_t dir_getdents(struct uk_file *f, void *buf, __sz len,
			    off_t *pos);

static const struct uk_file_ops dir_ops = {
	.read = dir_rw,
	.write = dir_rw,
	.getstat = ramfs_node_getstat,
	.getdents = dir_getdents,
	.release = ramfs_node_release,
};

static const struct uk_file_ops other_ops = {
	.getstat = ramfs_node_getstat,
	.release = ramfs_node_release,
};

static struct uk_ramfs_node *node_alloc(mode_t mode)
{
	struct uk_ramfs_node *n;
	const struct uk_file_ops *ops = &other_ops;

	n = uk_calloc(uk_alloc_get_default(), 1, sizeof(*n));
	if (!n)
		return NULL;
	if (S_ISREG(mode))
		ops = &ramfs_reg_ops;
	else if (S_ISDIR(mode))
		ops = &dir_ops;
	uk_file_init(&n->file, ops, mode, NULL);
	n->file.vnode = n;
	n->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	n->nlink = 1;
	n->seals = UK_RAMFS_SEAL_SEAL;
	uk_list_init(&n->watches);
	uk_list_init(&n->xattrs);
	uk_mutex_init(&n->lock);
	uk_spin_init(&n->plock);
	ramfs_now(&n->mtime);
	n->atime = n->ctime = n->mtime;
	if (S_ISDIR(mode)) {
		n->nlink = 2;
		n->size = 0;
		uk_list_init(&n->dir.order);
		n->dir.next_cookie = 2;	/* 0 and 1 are "." and ".." */
	}
	__atomic_add_fetch(&nr_nodes, 1, __ATOMIC_RELAXED);
	return n;
}

void uk_ramfs_getstat(struct uk_ramfs_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	uk_mutex_lock(&n->lock);
	st->st_dev = UK_RAMFS_DEV;
	st->st_ino = n->ino;
	st->st_mode = n->file.mode;
	st->st_nlink = n->nlink;
	st->st_rdev = n->rdev;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_blksize = 4096;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	if (S_ISREG(n->file.mode)) {
		st->st_size = n->size;
		st->st_blocks = n->reg.pages * (PAGE_SIZE / 512);
	} else if (S_ISLNK(n->file.mode)) {
		st->st_size = strlen(n->lnk.target);
	} else if (S_ISDIR(n->file.mode)) {
		st->st_size = 4096;
		st->st_blocks = 8;
	}
	uk_mutex_unlock(&n->lock);
}

int uk_ramfs_chmod(struct uk_ramfs_node *n, mode_t mode)
{
	uk_mutex_lock(&n->lock);
	/* As shmem_setattr: F_SEAL_EXEC freezes the execute bits. */
	if (S_ISREG(n->file.mode) && (n->seals & UK_RAMFS_SEAL_EXEC) &&
	    ((n->file.mode ^ mode) & 0111)) {
		uk_mutex_unlock(&n->lock);
		return -EPERM;
	}
	n->file.mode = (n->file.mode & S_IFMT) | (mode & 07777);
	ramfs_now(&n->ctime);
	uk_mutex_unlock(&n->lock);
	uk_inotify_node(n, UK_IN_ATTRIB);
	return 0;
}

void uk_ramfs_chown(struct uk_ramfs_node *n, uid_t uid, gid_t gid)
{
	uk_mutex_lock(&n->lock);
	if (uid != (uid_t)-1)
		n->uid = uid;
	if (gid != (gid_t)-1)
		n->gid = gid;
	if (!S_ISDIR(n->file.mode)) {
		n->file.mode &= ~S_ISUID;
		if (n->file.mode & S_IXGRP)
			n->file.mode &= ~S_ISGID;
	}
	ramfs_now(&n->ctime);
	uk_mutex_unlock(&n->lock);
	uk_inotify_node(n, UK_IN_ATTRIB);
}

static int valid_nsec(long nsec)
{
	return (nsec >= 0 && nsec < 1000000000L) || nsec == UTIME_NOW ||
	       nsec == UTIME_OMIT;
}

/* What Linux reports of a change of times: both (a utime call) an
 * attribute change, one alone an access or a modification. */
static __u32 utimens_event(const struct timespec *times)
{
	if (times && times[1].tv_nsec == UTIME_OMIT)
		return UK_IN_ACCESS;
	if (times && times[0].tv_nsec == UTIME_OMIT)
		return UK_IN_MODIFY;
	return UK_IN_ATTRIB;
}

int uk_ramfs_utimens(struct uk_ramfs_node *n, const struct timespec *times)
{
	struct timespec now;
	int i;

	if (times && (!valid_nsec(times[0].tv_nsec) ||
		      !valid_nsec(times[1].tv_nsec)))
		return -EINVAL;
	/* Both UTIME_OMIT: no change at all, not even st_ctim. */
	if (times && times[0].tv_nsec == UTIME_OMIT &&
	    times[1].tv_nsec == UTIME_OMIT)
		return 0;
	ramfs_now(&now);
	uk_mutex_lock(&n->lock);
	for (i = 0; i < 2; i++) {
		struct timespec *t = i ? &n->mtime : &n->atime;

		if (!times || times[i].tv_nsec == UTIME_NOW)
			*t = now;
		else if (times[i].tv_nsec != UTIME_OMIT)
			*t = times[i];
	}
	n->ctime = now;
	uk_mutex_unlock(&n->lock);
	uk_inotify_node(n, utimens_event(times));
	return 0;
}

/* Drops the namespace's reference to n when its last name went. */
static void node_unref_name(struct uk_ramfs_node *n)
{
	n->nlink = S_ISDIR(n->file.mode) ? 0 : n->nlink - 1;
	ramfs_now(&n->ctime);
	if (n->nlink == 0)
		uk_file_put(&n->file);
}

/* --- directory hash ------------------------------------------------- */

static unsigned int name_hash(const char *name, __sz len)
{
	unsigned int h = 2166136261U;

	while (len--)
		h = (h ^ (unsigned char)*name++) * 16777619U;
	return h;
}

static unsigned long cookie_bucket(struct uk_ramfs_node *d, off_t cookie)
{
	return (unsigned long)cookie & (d->dir.nbuckets - 1);
}

static void hash_insert(struct uk_ramfs_node *d, struct uk_ramfs_dirent *de)
{
	unsigned long b = de->hash & (d->dir.nbuckets - 1);
	unsigned long c = cookie_bucket(d, de->cookie);

	de->name_next = d->dir.hash[b];
	d->dir.hash[b] = de;
	de->cookie_next = d->dir.chash[c];
	d->dir.chash[c] = de;
}

/* Doubles the tables when the load passes 1; an allocation failure only
 * leaves the chains longer. */
static void hash_grow(struct uk_ramfs_node *d)
{
	struct uk_alloc *a = uk_alloc_get_default();
	unsigned long nb = d->dir.nbuckets ? d->dir.nbuckets * 2 : 16;
	struct uk_ramfs_dirent **h, **c;
	struct uk_list *it;

	h = uk_calloc(a, nb, sizeof(*h));
	c = uk_calloc(a, nb, sizeof(*c));
	if (!h || !c) {
		uk_free(a, h);
		uk_free(a, c);
		return;
	}
	uk_free(a, d->dir.hash);
	uk_free(a, d->dir.chash);
	d->dir.hash = h;
	d->dir.chash = c;
	d->dir.nbuckets = nb;
	uk_list_for_each(it, &d->dir.order)
		hash_insert(d, uk_list_entry(it, struct uk_ramfs_dirent,
					     order));
}

static void unchain(struct uk_ramfs_dirent **pp, struct uk_ramfs_dirent *de,
		    int by_cookie)
{
	while (*pp != de)
		pp = by_cookie ? &(*pp)->cookie_next : &(*pp)->name_next;
	*pp = by_cookie ? de->cookie_next : de->name_next;
}

struct uk_ramfs_dirent *uk_ramfs_lookup(struct uk_ramfs_node *d,
					const char *name, __sz len)
{
	unsigned int h = name_hash(name, len);
	struct uk_ramfs_dirent *de;

	if (!d->dir.nbuckets)
		return NULL;
	for (de = d->dir.hash[h & (d->dir.nbuckets - 1)]; de;
	     de = de->name_next)
		if (de->hash == h && de->len == len &&
		    !memcmp(de->name, name, len))
			return de;
	return NULL;
}

static struct uk_ramfs_dirent *dirent_alloc(const char *name, __sz len)
{
	struct uk_ramfs_dirent *de;

	de = uk_malloc(uk_alloc_get_default(), sizeof(*de) + len + 1);
	if (!de)
		return NULL;
	memcpy(de->name, name, len);
	de->name[len] = '\0';
	de->len = len;
	de->hash = name_hash(name, len);
	return de;
}

/* Adds de for node to d (the tables exist or grow now). */
static int dirent_add(struct uk_ramfs_node *d, struct uk_ramfs_dirent *de,
		      struct uk_ramfs_node *node)
{
	if (d->dir.count >= d->dir.nbuckets)
		hash_grow(d);
	if (!d->dir.nbuckets)
		return -ENOMEM;
	de->dir = d;
	de->node = node;
	de->cookie = d->dir.next_cookie++;
	uk_list_add_tail(&de->order, &d->dir.order);
	hash_insert(d, de);
	d->dir.count++;
	node->link = de;
	if (S_ISDIR(node->file.mode)) {
		node->dir.parent = d;
		node->dir.self = de;
		d->nlink++;
	}
	ramfs_now(&d->mtime);
	d->ctime = d->mtime;
	return 0;
}

static void dirent_remove(struct uk_ramfs_dirent *de)
{
	struct uk_ramfs_node *d = de->dir;

	unchain(&d->dir.hash[de->hash & (d->dir.nbuckets - 1)], de, 0);
	unchain(&d->dir.chash[cookie_bucket(d, de->cookie)], de, 1);
	uk_list_del(&de->order);
	d->dir.count--;
	if (de->node->link == de)
		de->node->link = NULL;
	if (S_ISDIR(de->node->file.mode))
		d->nlink--;
	ramfs_now(&d->mtime);
	d->ctime = d->mtime;
}

/* --- namespace operations ------------------------------------------- */

static __u32 isdir(const struct uk_ramfs_node *n)
{
	return S_ISDIR(n->file.mode) ? UK_IN_ISDIR : 0;
}

/* The events of a move of node n from name old in odir to name new in
 * ndir (rename(2)): the names', then the node's. */
static void notify_move(struct uk_ramfs_node *n, struct uk_ramfs_node *odir,
			const char *old, struct uk_ramfs_node *ndir,
			const char *new, struct uk_ramfs_node *replaced)
{
	__u32 cookie;

	if (!uk_inotify_active())
		return;
	cookie = uk_inotify_cookie();
	uk_inotify_name(odir, old, UK_IN_MOVED_FROM | isdir(n), cookie);
	uk_inotify_name(ndir, new, UK_IN_MOVED_TO | isdir(n), cookie);
	if (replaced)
		uk_inotify_self(replaced, UK_IN_ATTRIB);
	uk_inotify_self(n, UK_IN_MOVE_SELF);
}

int uk_ramfs_create(struct uk_ramfs_node *dir, const char *name, __sz len,
		    mode_t mode, dev_t rdev, const char *target,
		    struct uk_ramfs_node **out)
{
	struct uk_ramfs_dirent *de;
	struct uk_ramfs_node *n;
	int rc;

	if (dir->nlink == 0)
		return -ENOENT;
	if (uk_ramfs_lookup(dir, name, len))
		return -EEXIST;
	n = node_alloc(mode);
	de = dirent_alloc(name, len);
	if (!n || !de)
		goto nomem;
	n->rdev = rdev;
	if (S_ISLNK(mode)) {
		n->lnk.target = uk_malloc(uk_alloc_get_default(),
					  strlen(target) + 1);
		if (!n->lnk.target)
			goto nomem;
		strcpy(n->lnk.target, target);
	}
	if (S_ISFIFO(mode) && uk_pipe_create(&n->fifo.rd, &n->fifo.wr))
		goto nomem;
	rc = dirent_add(dir, de, n);
	if (rc)
		goto nomem;
	uk_inotify_name(dir, de->name, UK_IN_CREATE | isdir(n), 0);
	if (out)
		*out = n;
	return 0;
nomem:
	uk_free(uk_alloc_get_default(), de);
	if (n)
		uk_file_put(&n->file);
	return -ENOMEM;
}

struct uk_ramfs_node *uk_ramfs_create_unnamed(mode_t mode, int sealable)
{
	struct uk_ramfs_node *n = node_alloc(S_IFREG | (mode & 07777));

	/* No name holds it: the caller's reference is the only one. */
	if (n) {
		n->nlink = 0;
		if (sealable)
			n->seals = 0;
	}
	return n;
}

int uk_ramfs_link(struct uk_ramfs_node *dir, const char *name, __sz len,
		  struct uk_ramfs_node *node)
{
	struct uk_ramfs_dirent *de;

	if (S_ISDIR(node->file.mode))
		return -EPERM;
	if (dir->nlink == 0 || (node->nlink == 0 && !node->linkable))
		return -ENOENT;
	if (uk_ramfs_lookup(dir, name, len))
		return -EEXIST;
	de = dirent_alloc(name, len);
	if (!de)
		return -ENOMEM;
	if (dirent_add(dir, de, node)) {
		uk_free(uk_alloc_get_default(), de);
		return -ENOMEM;
	}
	/* An O_TMPFILE file's first name: the namespace's reference. */
	if (node->nlink++ == 0)
		uk_file_get(&node->file);
	node->linkable = 0;
	ramfs_now(&node->ctime);
	uk_inotify_self(node, UK_IN_ATTRIB);
	uk_inotify_name(dir, de->name, UK_IN_CREATE, 0);
	return 0;
}

/* Removes de; the node goes with its last name and reference. */
static void entry_unlink(struct uk_ramfs_dirent *de)
{
	struct uk_ramfs_node *n = de->node;

	dirent_remove(de);
	uk_free(uk_alloc_get_default(), de);
	node_unref_name(n);
}

/* The events as Linux orders them: the link count's change, the node's
 * end (if that was its last reference), the name's. */
int uk_ramfs_unlink(struct uk_ramfs_dirent *de)
{
	struct uk_ramfs_node *n = de->node, *d = de->dir;
	__u32 mask = UK_IN_DELETE | isdir(n);

	if (S_ISDIR(n->file.mode) && n->dir.count)
		return -ENOTEMPTY;
	if (!S_ISDIR(n->file.mode))
		uk_inotify_self(n, UK_IN_ATTRIB);
	dirent_remove(de);
	node_unref_name(n);
	uk_inotify_name(d, de->name, mask, 0);
	uk_free(uk_alloc_get_default(), de);
	return 0;
}

int uk_ramfs_is_ancestor(struct uk_ramfs_node *d, struct uk_ramfs_node *a)
{
	for (;;) {
		if (a == d)
			return 1;
		if (a == root || !S_ISDIR(a->file.mode) || a->nlink == 0)
			return 0;
		a = a->dir.parent;
	}
}

static int rename_exchange(struct uk_ramfs_dirent *a,
			   struct uk_ramfs_dirent *b)
{
	struct uk_ramfs_node *na = a->node, *nb = b->node;
	struct uk_ramfs_node *da = a->dir, *db = b->dir;
	int adir = S_ISDIR(na->file.mode), bdir = S_ISDIR(nb->file.mode);

	a->node = nb;
	b->node = na;
	na->link = b;
	nb->link = a;
	if (adir) {
		na->dir.parent = db;
		na->dir.self = b;
		da->nlink--;
		db->nlink++;
	}
	if (bdir) {
		nb->dir.parent = da;
		nb->dir.self = a;
		db->nlink--;
		da->nlink++;
	}
	ramfs_now(&da->mtime);
	da->ctime = db->mtime = db->ctime = da->mtime;
	notify_move(na, da, a->name, db, b->name, NULL);
	notify_move(nb, db, b->name, da, a->name, NULL);
	return 0;
}

int uk_ramfs_rename(struct uk_ramfs_dirent *de, struct uk_ramfs_node *ndir,
		    const char *name, __sz len, unsigned int flags)
{
	struct uk_ramfs_dirent *tde = uk_ramfs_lookup(ndir, name, len);
	struct uk_ramfs_node *n = de->node, *odir;
	struct uk_ramfs_dirent *nde;
	struct uk_file *tn;
	int rc;

	if (ndir->nlink == 0)
		return -ENOENT;
	if (flags & RENAME_EXCHANGE) {
		if (!tde)
			return -ENOENT;
		return rename_exchange(de, tde);
	}
	if (tde) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (tde->node == n)
			return 0;
		if (S_ISDIR(n->file.mode) && !S_ISDIR(tde->node->file.mode))
			return -ENOTDIR;
		if (!S_ISDIR(n->file.mode) && S_ISDIR(tde->node->file.mode))
			return -EISDIR;
		if (S_ISDIR(tde->node->file.mode) && tde->node->dir.count)
			return -ENOTEMPTY;
	}
	nde = dirent_alloc(name, len);
	if (!nde)
		return -ENOMEM;
	/* Make room first, so that nothing fails after the target went. */
	if (!tde && ndir->dir.count >= ndir->dir.nbuckets)
		hash_grow(ndir);
	if (!ndir->dir.nbuckets) {
		uk_free(uk_alloc_get_default(), nde);
		return -ENOMEM;
	}
	/* The replaced node lives until its events are out (Linux: its
	 * end follows the move's events). */
	tn = tde ? &tde->node->file : NULL;
	if (tn) {
		uk_file_get(tn);
		entry_unlink(tde);
	}
	odir = de->dir;
	dirent_remove(de);
	rc = dirent_add(ndir, nde, n);
	UK_ASSERT(rc == 0);
	ramfs_now(&n->ctime);
	notify_move(n, odir, de->name, ndir, nde->name,
		    tn ? uk_ramfs_node_of(tn) : NULL);
	uk_free(uk_alloc_get_default(), de);
	if (tn)
		uk_file_put(tn);
	return 0;
}

/* --- getdents ------------------------------------------------------- */

static unsigned char dtype(mode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

/* The first entry with a cookie >= pos: by the cookie table if it is
 * still there, else by a scan (it was removed since the last call). */
static struct uk_list *dir_seek(struct uk_ramfs_node *d, off_t pos)
{
	struct uk_ramfs_dirent *de;
	struct uk_list *it;

	if (d->dir.nbuckets)
		for (de = d->dir.chash[cookie_bucket(d, pos)]; de;
		     de = de->cookie_next)
			if (de->cookie == pos)
				return &de->order;
	uk_list_for_each(it, &d->dir.order)
		if (uk_list_entry(it, struct uk_ramfs_dirent, order)->cookie
		    >= pos)
			return it;
	return &d->dir.order;
}

static ssize_t dir_getdents(struct uk_file *f, void *buf, __sz len,
			    off_t *pos)
{
	struct uk_ramfs_node *d = uk_ramfs_node_of(f);
	struct uk_ramfs_dirent *de;
	struct uk_list *it;
	__sz done = 0;
	ssize_t r = 1;

	uk_ramfs_lock();
	if (d->nlink == 0) {
		r = -ENOENT;	/* removed: Linux's iterate_dir */
		goto out;
	}
	if (*pos == 0) {
		r = uk_file_put_dirent(buf, len, done, d->ino, 1, DT_DIR_,
				       ".", 1);
		if (r <= 0)
			goto out;
		done += r;
		*pos = 1;
	}
	if (*pos == 1) {
		r = uk_file_put_dirent(buf, len, done, d->dir.parent->ino, 2,
				       DT_DIR_, "..", 2);
		if (r <= 0)
			goto out;
		done += r;
		*pos = 2;
	}
	for (it = dir_seek(d, *pos); it != &d->dir.order; it = it->next) {
		de = uk_list_entry(it, struct uk_ramfs_dirent, order);
		r = uk_file_put_dirent(buf, len, done, de->node->ino,
				       de->cookie + 1,
				       dtype(de->node->file.mode), de->name,
				       de->len);
		if (r <= 0)
			goto out;
		done += r;
		*pos = de->cookie + 1;
	}
	r = 1;
out:
	uk_ramfs_unlock();
	if (done)
		return done;
	if (r < 0)
		return r;
	return r == 0 ? -EINVAL : 0;	/* 0: no room for one record */
}

/* --- boot ----------------------------------------------------------- */

static int ramfs_init(struct uk_init_ctx *ctx __maybe_unused)
{
	root = node_alloc(S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->dir.parent = root;
	hash_grow(root);
	return 0;
}

/* Removes everything below d (depth first). Nodes still open elsewhere
 * live on until closed. */
static void remove_tree(struct uk_ramfs_node *d)
{
	struct uk_ramfs_dirent *de;

	while (!uk_list_empty(&d->dir.order)) {
		de = uk_list_first_entry(&d->dir.order,
					 struct uk_ramfs_dirent, order);
		if (S_ISDIR(de->node->file.mode))
			remove_tree(de->node);
		uk_ramfs_unlink(de);
	}
}

/* At shutdown: give the memory back, so leak checkers see none. */
static void ramfs_term(void)
{
	uk_ramfs_lock();
	remove_tree(root);
	root->nlink = 0;
	uk_file_put(&root->file);
	root = NULL;
	uk_ramfs_unlock();
}

uk_rootfs_initcall_prio(ramfs_init, ramfs_term, 0);
