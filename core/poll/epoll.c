/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * epoll: an epoll is a file (so it can be polled and nested) holding an
 * interest set of items keyed by (fd, open file description), as Linux.
 *
 * Each item queues a waiter on the watched file's event queue; its
 * callback (ISR-safe, under that queue's lock) puts the item on the
 * epoll's ready list and notifies the epoll's own queue. epoll_wait
 * harvests the ready list only, so its cost follows the ready items, not
 * the watched ones. Level-triggered items go back on the ready list after
 * a report and drop off when their file has nothing left; edge-triggered
 * ones wait for the next notification; one-shot ones are disabled.
 *
 * Locks: ep->mtx (a sleeping mutex) guards the interest set and the
 * harvest; ep->lock (a spinlock) guards the ready list and the items'
 * events, which callbacks read. Items hold no reference on what they
 * watch: a finalizer on the description removes the item when the
 * description's last reference goes. While an item is in its epoll and
 * ep->mtx is held, its description and file are alive: their release
 * waits in our finalizer, which takes ep->mtx.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/mutex.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/poll.h>
#include <uk/signal.h>
#include <uk/spinlock.h>
#include <uk/syscall.h>
#include <uk/time.h>

/* Longest chain of epoll-in-epoll links (Linux's EPOLL_MAX_NESTS). */
#define EP_MAX_NESTS	4
/* Flags that are not events: a one-shot item that fired keeps only
 * these, which disables it until EPOLL_CTL_MOD. */
#define EP_PRIVATE_BITS	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
			 EPOLLEXCLUSIVE)
#define EP_INOUT_BITS	(EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | \
			 EPOLLWRNORM | EPOLLWRBAND)
#define EP_EXCL_OK_BITS	(EP_INOUT_BITS | EPOLLERR | EPOLLHUP | \
			 EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MIN_BUCKETS	16

struct epoll;

struct ep_item {
	struct uk_poll_waiter waiter;	/* on file->pollq */
	struct uk_ofile_finalizer fin;	/* on of */
	struct ep_item *hnext;		/* hash chain */
	struct uk_list rdlink;		/* ready or harvest list */
	struct uk_list child_link;	/* ep->children (epoll targets) */
	struct uk_list parent_link;	/* the target epoll's parents */
	struct epoll *ep;
	struct uk_ofile *of;
	struct uk_file *file;
	int fd;
	int linked;			/* in the interest set (ep->mtx) */
	unsigned int events;		/* incl. ERR|HUP and flags */
	__u64 data;
};

struct epoll {
	struct uk_file file;
	struct uk_mutex mtx;		/* interest set, harvest */
	struct uk_spinlock lock;	/* rdlist, items' events */
	struct uk_list rdlist;
	struct ep_item **hash;
	unsigned int nbuckets, nitems;
	struct uk_list children;	/* items watching epolls */
	struct uk_list parents;		/* other epolls' items watching us */
	int dying;			/* released; freed with its orphans */
	int orphans;			/* items left to their finalizer */
};

static const struct uk_file_ops epoll_ops;

/* Serialises adding an epoll into an epoll (the loop check and the
 * link must be one step); nest_lock guards children/parents lists. */
static struct uk_mutex nest_mutex = UK_MUTEX_INITIALIZER(nest_mutex);
static struct uk_spinlock nest_lock = UK_SPINLOCK_INITIALIZER();

static inline struct epoll *file_epoll(struct uk_file *f)
{
	return f->ops == &epoll_ops ? f->priv : NULL;
}

static struct uk_alloc *ep_alloc(void)
{
	return uk_alloc_get_default();
}

/* Appends list src to the head of dst and empties src. */
static void list_splice_head(struct uk_list *src, struct uk_list *dst)
{
	struct uk_list *first = src->next, *last = src->prev;

	if (uk_list_empty(src))
		return;
	last->next = dst->next;
	dst->next->prev = last;
	dst->next = first;
	first->prev = dst;
	uk_list_init(src);
}

/* --- the interest set: a hash of items by fd --- */

static struct ep_item **bucket(struct epoll *ep, int fd)
{
	return &ep->hash[(unsigned int)fd & (ep->nbuckets - 1)];
}

static struct ep_item *ep_find(struct epoll *ep, int fd,
			       struct uk_ofile *of)
{
	struct ep_item *it;

	for (it = *bucket(ep, fd); it; it = it->hnext)
		if (it->fd == fd && it->of == of)
			return it;
	return NULL;
}

/* Doubles the buckets when the chains get long; failing is harmless. */
static void ep_grow(struct epoll *ep)
{
	unsigned int i, n = ep->nbuckets * 2;
	struct ep_item **old = ep->hash, *it, *next;

	if (ep->nitems < ep->nbuckets * 2)
		return;
	ep->hash = uk_calloc(ep_alloc(), n, sizeof(*ep->hash));
	if (!ep->hash) {
		ep->hash = old;
		return;
	}
	ep->nbuckets = n;
	for (i = 0; i < n / 2; i++) {
		for (it = old[i]; it; it = next) {
			next = it->hnext;
			it->hnext = *bucket(ep, it->fd);
			*bucket(ep, it->fd) = it;
		}
	}
	uk_free(ep_alloc(), old);
}

static void ep_hash_del(struct epoll *ep, struct ep_item *item)
{
	struct ep_item **pp = bucket(ep, item->fd);

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == item) {
			*pp = item->hnext;
			ep->nitems--;
			return;
		}
	}
}

/* --- readiness --- */

/* The events of item's file it reports now (0 if disabled). */
static unsigned int item_revents(struct ep_item *item)
{
	unsigned int mask = __atomic_load_n(&item->events, __ATOMIC_RELAXED);

	if (!(mask & ~EP_PRIVATE_BITS))
		return 0;
	return uk_file_poll(item->file) & mask;
}

/* Puts item on the ready list (at the tail, or the head) unless it is on
 * it or on a harvest list already. Call with ep->lock held. */
static void queue_locked(struct epoll *ep, struct ep_item *item, int head)
{
	if (!uk_list_empty(&item->rdlink))
		return;
	if (head)
		uk_list_add(&item->rdlink, &ep->rdlist);
	else
		uk_list_add_tail(&item->rdlink, &ep->rdlist);
}

static void ep_queue(struct epoll *ep, struct ep_item *item, int head)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&ep->lock, flags);
	queue_locked(ep, item, head);
	uk_spin_unlock_irqrestore(&ep->lock, flags);
}

/* The waiter's callback: runs under the watched queue's lock, maybe in
 * an interrupt. */
static void ep_wake(struct uk_poll_waiter *w, unsigned int events __maybe_unused)
{
	struct ep_item *item = w->arg;
	struct epoll *ep = item->ep;
	unsigned long flags;

	uk_spin_lock_irqsave(&ep->lock, flags);
	if (item->events & ~EP_PRIVATE_BITS)
		queue_locked(ep, item, 0);
	uk_spin_unlock_irqrestore(&ep->lock, flags);
	uk_pollq_notify(&ep->file.pollq, UK_POLLIN | UK_POLLRDNORM);
}

/* Takes the first item off list (under ep->lock, so that a callback
 * coming after this re-queues it). Returns NULL if list is empty. */
static struct ep_item *take_first(struct epoll *ep, struct uk_list *list)
{
	struct ep_item *item = NULL;
	unsigned long flags;

	uk_spin_lock_irqsave(&ep->lock, flags);
	if (!uk_list_empty(list)) {
		item = uk_list_first_entry(list, struct ep_item, rdlink);
		uk_list_del(&item->rdlink);
	}
	uk_spin_unlock_irqrestore(&ep->lock, flags);
	return item;
}

/* Nonzero if some item on the ready list really has events; drops the
 * stale ones (as Linux). Call with ep->mtx held. */
static int ep_has_ready(struct epoll *ep)
{
	struct ep_item *item;

	while ((item = take_first(ep, &ep->rdlist))) {
		if (item_revents(item)) {
			ep_queue(ep, item, 1);
			return 1;
		}
	}
	return 0;
}

/* Stores up to max events of ready items at uevents (the app's). Returns
 * the count, or -EFAULT if the first store faulted. */
static int ep_harvest(struct epoll *ep, struct epoll_event *uevents,
		      int max)
{
	UK_LIST_HEAD(tx);
	struct epoll_event ev;
	struct ep_item *item;
	unsigned long flags;
	int n = 0;

	uk_mutex_lock(&ep->mtx);
	uk_spin_lock_irqsave(&ep->lock, flags);
	list_splice_head(&ep->rdlist, &tx);
	uk_spin_unlock_irqrestore(&ep->lock, flags);

	while (n < max && (item = take_first(ep, &tx))) {
		ev.events = item_revents(item);
		if (!ev.events)
			continue;
		ev.data.u64 = item->data;
		if (uk_copy_to_user(&uevents[n], &ev, sizeof(ev)) < 0) {
			ep_queue(ep, item, 1);
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		uk_spin_lock_irqsave(&ep->lock, flags);
		if (item->events & EPOLLONESHOT)
			item->events &= EP_PRIVATE_BITS;
		else if (!(item->events & EPOLLET))
			queue_locked(ep, item, 0);
		uk_spin_unlock_irqrestore(&ep->lock, flags);
	}

	/* What was not looked at comes first next time. */
	uk_spin_lock_irqsave(&ep->lock, flags);
	list_splice_head(&tx, &ep->rdlist);
	uk_spin_unlock_irqrestore(&ep->lock, flags);
	uk_mutex_unlock(&ep->mtx);
	return n;
}

/* --- nesting --- */

/* Longest chain of epolls below ep (0: it watches no epoll); nonzero
 * *loop if target is among them. Call with nest_lock held. */
static int depth_down(struct epoll *ep, struct epoll *target, int *loop)
{
	struct ep_item *it;
	struct uk_list *pos;
	int d, max = 0;

	if (ep == target) {
		*loop = 1;
		return 0;
	}
	uk_list_for_each(pos, &ep->children) {
		it = uk_list_entry(pos, struct ep_item, child_link);
		d = 1 + depth_down(file_epoll(it->file), target, loop);
		max = MAX(max, d);
	}
	return max;
}

/* Longest chain of epolls above ep. Call with nest_lock held. */
static int depth_up(struct epoll *ep)
{
	struct ep_item *it;
	struct uk_list *pos;
	int d, max = 0;

	uk_list_for_each(pos, &ep->parents) {
		it = uk_list_entry(pos, struct ep_item, parent_link);
		d = 1 + depth_up(it->ep);
		max = MAX(max, d);
	}
	return max;
}

/* -ELOOP if watching tep from ep would make a cycle or a chain longer
 * than Linux allows. Call with nest_mutex held. */
static int nest_check(struct epoll *ep, struct epoll *tep)
{
	unsigned long flags;
	int loop = 0, depth;

	uk_spin_lock_irqsave(&nest_lock, flags);
	depth = depth_down(tep, ep, &loop);
	depth += 1 + depth_up(ep);
	uk_spin_unlock_irqrestore(&nest_lock, flags);
	return loop || depth > EP_MAX_NESTS ? -ELOOP : 0;
}

static void nest_link(struct ep_item *item, struct epoll *tep)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&nest_lock, flags);
	uk_list_add_tail(&item->child_link, &item->ep->children);
	uk_list_add_tail(&item->parent_link, &tep->parents);
	uk_spin_unlock_irqrestore(&nest_lock, flags);
}

static void nest_unlink(struct ep_item *item)
{
	unsigned long flags;

	if (uk_list_empty(&item->child_link))
		return;
	uk_spin_lock_irqsave(&nest_lock, flags);
	uk_list_del(&item->child_link);
	uk_list_del(&item->parent_link);
	uk_spin_unlock_irqrestore(&nest_lock, flags);
}

/* --- item lifetime --- */

/* Takes item out of its epoll: no more callbacks, off every list.
 * Returns nonzero if the caller may free it, 0 if the description's
 * finalizer is already running and will free it. Call with ep->mtx. */
static int item_unlink(struct epoll *ep, struct ep_item *item)
{
	struct uk_ofile *of = item->of;
	unsigned long flags;
	int ours;

	/* After this no callback runs or will run for item. */
	uk_pollq_del(&item->file->pollq, &item->waiter);
	uk_spin_lock_irqsave(&ep->lock, flags);
	uk_list_del(&item->rdlink);
	uk_spin_unlock_irqrestore(&ep->lock, flags);
	ep_hash_del(ep, item);
	nest_unlink(item);
	item->linked = 0;

	uk_spin_lock_irqsave(&of->lock, flags);
	ours = !uk_list_empty(&item->fin.link);
	if (ours)
		uk_list_del(&item->fin.link);
	uk_spin_unlock_irqrestore(&of->lock, flags);
	if (!ours)
		ep->orphans++;
	return ours;
}

static void ep_free(struct epoll *ep)
{
	uk_free(ep_alloc(), ep->hash);
	uk_free(ep_alloc(), ep);
}

/* The watched description's last reference went: forget the item. */
static void ep_finalize(struct uk_ofile_finalizer *fin,
			struct uk_ofile *of __maybe_unused)
{
	struct ep_item *item = __containerof(fin, struct ep_item, fin);
	struct epoll *ep = item->ep;
	int last;

	uk_mutex_lock(&ep->mtx);
	if (item->linked)
		item_unlink(ep, item);	/* the finalizer is ours: orphan */
	last = !--ep->orphans && ep->dying;
	uk_mutex_unlock(&ep->mtx);
	uk_free(ep_alloc(), item);
	if (last)
		ep_free(ep);
}

/* --- file ops of an epoll --- */

static unsigned int epoll_poll(struct uk_file *f)
{
	struct epoll *ep = f->priv;
	int ready;

	uk_mutex_lock(&ep->mtx);
	ready = ep_has_ready(ep);
	uk_mutex_unlock(&ep->mtx);
	return ready ? UK_POLLIN | UK_POLLRDNORM : 0;
}

static void epoll_release(struct uk_file *f)
{
	struct epoll *ep = f->priv;
	struct ep_item *item;
	unsigned int i;
	int last;

	uk_mutex_lock(&ep->mtx);
	ep->dying = 1;
	for (i = 0; i < ep->nbuckets; i++) {
		while ((item = ep->hash[i])) {
			if (item_unlink(ep, item))
				uk_free(ep_alloc(), item);
		}
	}
	last = !ep->orphans;
	uk_mutex_unlock(&ep->mtx);
	if (last)
		ep_free(ep);
}

/* One line of an item, as Linux's ep_show_fdinfo. */
static int item_fdinfo(struct ep_item *item, char *buf, __sz size)
{
	struct stat st;

	if (uk_file_stat(item->file, &st))
		memset(&st, 0, sizeof(st));
	return snprintf(buf, size, "tfd: %8d events: %8x data: %16llx  "
			"pos:%lli ino:%lx sdev:%x\n", item->fd,
			__atomic_load_n(&item->events, __ATOMIC_RELAXED),
			(unsigned long long)item->data,
			(long long)item->of->pos, (unsigned long)st.st_ino,
			(unsigned int)st.st_dev);
}

/* The items' lines, by bucket (Linux's go by the tree's order). */
static int epoll_fdinfo(struct uk_file *f, char *buf, __sz size)
{
	struct epoll *ep = f->priv;
	struct ep_item *item;
	unsigned int i;
	__sz len = 0;

	uk_mutex_lock(&ep->mtx);
	for (i = 0; i < ep->nbuckets; i++)
		for (item = ep->hash[i]; item; item = item->hnext)
			len += item_fdinfo(item, buf + MIN(len, size),
					   len < size ? size - len : 0);
	uk_mutex_unlock(&ep->mtx);
	return (int)len;
}

static const struct uk_file_ops epoll_ops = {
	.link_name = "anon_inode:[eventpoll]",
	.poll = epoll_poll,
	.fdinfo = epoll_fdinfo,
	.release = epoll_release,
};

/* --- the calls --- */


static int sys_epoll_create(int flags)
{
	struct epoll *ep;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = uk_calloc(ep_alloc(), 1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ep->nbuckets = EP_MIN_BUCKETS;
	ep->hash = uk_calloc(ep_alloc(), ep->nbuckets, sizeof(*ep->hash));
	if (!ep->hash) {
		uk_free(ep_alloc(), ep);
		return -ENOMEM;
	}
	uk_mutex_init(&ep->mtx);
	uk_spin_init(&ep->lock);
	uk_list_init(&ep->rdlist);
	uk_list_init(&ep->children);
	uk_list_init(&ep->parents);
	/* An anonymous inode on Linux: no file type, mode 0600. */
	uk_file_init(&ep->file, &epoll_ops, S_IRUSR | S_IWUSR, ep);
	return uk_fdtab_open(&ep->file, O_RDWR | (flags & O_CLOEXEC));
}

UK_SYSCALL_R_DEFINE(int, epoll_create1, int, flags)
{
	return sys_epoll_create(flags);
}

UK_SYSCALL_R_DEFINE(int, epoll_create, int, size)
{
	if (size <= 0)
		return -EINVAL;
	return sys_epoll_create(0);
}

static int ep_insert(struct epoll *ep, int fd, struct uk_ofile *of,
		     const struct epoll_event *ev)
{
	struct ep_item *item;

	item = uk_calloc(ep_alloc(), 1, sizeof(*item));
	if (!item)
		return -ENOMEM;
	uk_list_init(&item->waiter.link);
	uk_list_init(&item->rdlink);
	uk_list_init(&item->child_link);
	uk_list_init(&item->parent_link);
	item->ep = ep;
	item->of = of;
	item->file = of->file;
	item->fd = fd;
	item->linked = 1;
	item->events = ev->events | EPOLLERR | EPOLLHUP;
	item->data = ev->data.u64;
	item->waiter.mask = item->events & ~EP_PRIVATE_BITS;
	item->waiter.wake = ep_wake;
	item->waiter.arg = item;
	item->fin.fn = ep_finalize;

	item->hnext = *bucket(ep, fd);
	*bucket(ep, fd) = item;
	ep->nitems++;
	ep_grow(ep);
	uk_ofile_finalizer_add(of, &item->fin);
	uk_pollq_add(&item->file->pollq, &item->waiter);
	/* Pairs with uk_pollq_notify(): we are queued or we see the state. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (file_epoll(item->file))
		nest_link(item, file_epoll(item->file));
	if (item_revents(item)) {
		ep_queue(ep, item, 0);
		uk_pollq_notify(&ep->file.pollq, UK_POLLIN | UK_POLLRDNORM);
	}
	return 0;
}

static int ep_modify(struct epoll *ep, struct ep_item *item,
		     const struct epoll_event *ev)
{
	unsigned int events = ev->events | EPOLLERR | EPOLLHUP;
	unsigned long flags;

	uk_spin_lock_irqsave(&ep->lock, flags);
	item->events = events;
	item->data = ev->data.u64;
	uk_spin_unlock_irqrestore(&ep->lock, flags);
	__atomic_store_n(&item->waiter.mask, events & ~EP_PRIVATE_BITS,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (item_revents(item)) {
		ep_queue(ep, item, 0);
		uk_pollq_notify(&ep->file.pollq, UK_POLLIN | UK_POLLRDNORM);
	}
	return 0;
}

/* The checks of Linux's do_epoll_ctl that need no lock, in its order. */
static int ctl_check(struct uk_file *epf, struct uk_file *tf, int op,
		     const struct epoll_event *ev)
{
	unsigned int type = tf->mode & S_IFMT;

	if (!tf->ops->poll || type == S_IFREG || type == S_IFDIR)
		return -EPERM;
	if (epf == tf || !file_epoll(epf))
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (file_epoll(tf) ||
					    (ev->events & ~EP_EXCL_OK_BITS)))
			return -EINVAL;
	}
	return 0;
}

static int ep_ctl_locked(struct epoll *ep, int op, int fd,
			 struct uk_ofile *tof, const struct epoll_event *ev)
{
	struct ep_item *item = ep_find(ep, fd, tof);

	switch (op) {
	case EPOLL_CTL_ADD:
		return item ? -EEXIST : ep_insert(ep, fd, tof, ev);
	case EPOLL_CTL_DEL:
		if (!item)
			return -ENOENT;
		if (item_unlink(ep, item))
			uk_free(ep_alloc(), item);
		return 0;
	case EPOLL_CTL_MOD:
		if (!item)
			return -ENOENT;
		if (item->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		return ep_modify(ep, item, ev);
	}
	return -EINVAL;
}

static int ep_ctl(struct uk_ofile *epof, int op, int fd,
		  struct uk_ofile *tof, const struct epoll_event *ev)
{
	struct epoll *ep = file_epoll(epof->file);
	struct epoll *tep = file_epoll(tof->file);
	int nested = op == EPOLL_CTL_ADD && tep, rc;

	rc = ctl_check(epof->file, tof->file, op, ev);
	if (rc)
		return rc;
	if (nested) {
		uk_mutex_lock(&nest_mutex);
		rc = nest_check(ep, tep);
		if (rc) {
			uk_mutex_unlock(&nest_mutex);
			return rc;
		}
	}
	uk_mutex_lock(&ep->mtx);
	rc = ep_ctl_locked(ep, op, fd, tof, ev);
	uk_mutex_unlock(&ep->mtx);
	if (nested)
		uk_mutex_unlock(&nest_mutex);
	return rc;
}

static int sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *uev)
{
	struct epoll_event ev = { 0 };
	struct uk_ofile *epof, *tof;
	int rc;

	if (op != EPOLL_CTL_DEL && uk_copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	epof = uk_fdtab_get(epfd);
	if (PTRISERR(epof))
		return PTR2ERR(epof);
	tof = uk_fdtab_get(fd);
	if (PTRISERR(tof)) {
		uk_ofile_put(epof);
		return PTR2ERR(tof);
	}
	rc = ep_ctl(epof, op, fd, tof, &ev);
	/* Outside ep->mtx: a last reference runs our finalizer. */
	uk_ofile_put(tof);
	uk_ofile_put(epof);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, epoll_ctl, int, epfd, int, op, int, fd,
		    struct epoll_event *, event)
{
	return sys_epoll_ctl(epfd, op, fd, event);
}

/* Harvests up to max events, waiting for some until the monotonic
 * deadline (0: forever; one passed: no wait). */
static int ep_wait(struct epoll *ep, struct epoll_event *uevents,
		   int max, __nsec deadline)
{
	int n;

	uk_poll_yield();
	for (;;) {
		n = ep_harvest(ep, uevents, max);
		if (n)
			return n;
		if (deadline && ukplat_monotonic_clock() >= deadline)
			return 0;
		if (uk_thread_interrupted(uk_thread_current()))
			return -EINTR;
		uk_file_wait(&ep->file, UK_POLLIN, deadline);
	}
}

static int sys_epoll_wait(int epfd, struct epoll_event *events,
			  int maxevents, __nsec deadline)
{
	struct uk_ofile *of;
	struct epoll *ep;
	int rc;

	if (maxevents <= 0 ||
	    (unsigned long)maxevents > INT_MAX / sizeof(struct epoll_event))
		return -EINVAL;
	of = uk_fdtab_get(epfd);
	if (PTRISERR(of))
		return PTR2ERR(of);
	ep = file_epoll(of->file);
	rc = ep ? ep_wait(ep, events, maxevents, deadline) : -EINVAL;
	uk_ofile_put(of);
	return rc;
}

/* epoll_wait's timeout in ms (< 0: forever) as a deadline; 0 is one
 * already passed. */
static __nsec ms_deadline(int timeout)
{
	if (timeout < 0)
		return 0;
	if (!timeout)
		return 1;
	return ukplat_monotonic_clock() + (__nsec)timeout * 1000000ULL;
}

UK_SYSCALL_R_DEFINE(int, epoll_wait, int, epfd, struct epoll_event *, events,
		    int, maxevents, int, timeout)
{
	return sys_epoll_wait(epfd, events, maxevents, ms_deadline(timeout));
}

/* The wait of epoll_pwait and epoll_pwait2, with sigmask in place. */
static int sys_epoll_pwait(int epfd, struct epoll_event *events,
			   int maxevents, __nsec deadline,
			   const void *sigmask, size_t sigsetsize)
{
	__u64 old;
	int rc;

	rc = uk_signal_mask_swap_user(sigmask, sigsetsize, &old);
	if (rc <= 0)
		return rc < 0 ? rc : sys_epoll_wait(epfd, events, maxevents,
						    deadline);
	rc = sys_epoll_wait(epfd, events, maxevents, deadline);
	uk_signal_mask_restore(old);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, epoll_pwait, int, epfd,
		    struct epoll_event *, events, int, maxevents,
		    int, timeout, const void *, sigmask, size_t, sigsetsize)
{
	return sys_epoll_pwait(epfd, events, maxevents, ms_deadline(timeout),
			       sigmask, sigsetsize);
}

/* epoll_pwait with a timespec (NULL: forever), checked first. */
UK_SYSCALL_R_DEFINE(int, epoll_pwait2, int, epfd,
		    struct epoll_event *, events, int, maxevents,
		    const struct uk_timespec *, timeout, const void *, sigmask,
		    size_t, sigsetsize)
{
	__nsec deadline;
	int rc;

	rc = uk_time_rel_deadline_user(timeout, &deadline);
	if (rc)
		return rc;
	return sys_epoll_pwait(epfd, events, maxevents, deadline, sigmask,
			       sigsetsize);
}
