/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Garbage collection of AF_UNIX sockets in flight, as Linux's unix_gc.
 *
 * An open file description passed with SCM_RIGHTS is held by the rights
 * of a queued message until it is received. A socket sent into its own
 * queue (or a cycle of sockets in each other's queues) and then closed by
 * the app is held only by such messages, which nobody can ever receive:
 * without a collector it would never be freed.
 *
 * Bookkeeping (unix_gc_lock): every socket description held by rights
 * counts that socket's in-flight references (inflight), and rights that
 * sit in a socket's queue are on that socket's rights_in list from the
 * moment they are queued until they are put, received or purged.
 *
 * The collector (on the release of a socket while any are in flight,
 * and when many are in flight), under the lock: candidates are sockets
 * whose description is held by nothing but rights (refcount ==
 * inflight). A candidate referenced by rights that are not in a
 * candidate's queue is reachable, and so is everything in a reachable
 * candidate's queue. The rest cannot be reached by the app any more:
 * without the lock, their queues are purged, which drops the references
 * and lets them go. Nothing can reach them meanwhile (nobody has an fd of
 * any of them), so the verdict stays true after the lock is dropped.
 */
#include <uk/mutex.h>
#include <uk/socket.h>
#include "unix_impl.h"

/* Linux's UNIX_INFLIGHT_TRIGGER_GC: collect once this many sockets are
 * in flight, also without a release. */
#define GC_TRIGGER	16000

static struct uk_mutex unix_gc_lock = UK_MUTEX_INITIALIZER(unix_gc_lock);
static UK_LIST_HEAD(inflight_socks);
static unsigned long inflight_total;
static int gc_running;

/* The AF_UNIX socket of a description, or NULL. */
static struct unix_sock *unix_of_ofile(struct uk_ofile *of)
{
	struct posix_socket_file *psf;

	if (!uk_file_is_socket(of->file))
		return NULL;
	psf = posix_socket_file_of(of->file);
	return psf->family == AF_UNIX ? psf->sock_data : NULL;
}

void unix_rights_track(struct unix_rights *r)
{
	struct unix_sock *u;
	int i;

	uk_list_init(&r->link);
	r->in = NULL;
	uk_mutex_lock(&unix_gc_lock);
	for (i = 0; i < r->count; i++) {
		u = unix_of_ofile(r->of[i]);
		if (!u)
			continue;
		if (!u->inflight++) {
			uk_list_add_tail(&u->gc_link, &inflight_socks);
			u->gc_of = r->of[i];
			u->gc_multi = 0;
		} else if (u->gc_of != r->of[i]) {
			u->gc_multi = 1;
		}
		inflight_total++;
	}
	uk_mutex_unlock(&unix_gc_lock);
}

void unix_rights_queued(struct unix_rights *r, struct unix_sock *to)
{
	if (!r)
		return;
	uk_mutex_lock(&unix_gc_lock);
	r->in = to;
	uk_list_add_tail(&r->link, &to->rights_in);
	uk_mutex_unlock(&unix_gc_lock);
}

void unix_rights_untrack(struct unix_rights *r)
{
	struct unix_sock *u;
	int i;

	uk_mutex_lock(&unix_gc_lock);
	if (r->in) {
		uk_list_del(&r->link);
		r->in = NULL;
	}
	for (i = 0; i < r->count; i++) {
		u = unix_of_ofile(r->of[i]);
		if (!u)
			continue;
		if (!--u->inflight)
			uk_list_del(&u->gc_link);
		inflight_total--;
	}
	uk_mutex_unlock(&unix_gc_lock);
}

int unix_gc_wanted(void)
{
	return __atomic_load_n(&inflight_total, __ATOMIC_RELAXED) != 0;
}

int unix_gc_urgent(void)
{
	return __atomic_load_n(&inflight_total, __ATOMIC_RELAXED) >
	       GC_TRIGGER;
}

/* Calls fn on each candidate referenced by the rights in u's queue. */
static void for_each_referenced(struct unix_sock *u,
				void (*fn)(struct unix_sock *x, void *arg),
				void *arg)
{
	struct unix_rights *r;
	struct unix_sock *x;
	struct uk_list *it;
	int i;

	uk_list_for_each(it, &u->rights_in) {
		r = uk_list_entry(it, struct unix_rights, link);
		for (i = 0; i < r->count; i++) {
			x = unix_of_ofile(r->of[i]);
			if (x && x->gc_cand)
				fn(x, arg);
		}
	}
}

static void count_internal(struct unix_sock *x, void *arg __maybe_unused)
{
	x->gc_ext--;
}

static void mark_reachable(struct unix_sock *x, void *arg)
{
	struct unix_sock **work = arg;

	if (x->gc_reach)
		return;
	x->gc_reach = 1;
	x->gc_next = *work;
	*work = x;
}

/* Finds the unreachable candidates; returns them chained by gc_next,
 * each with a reference. Lock held. */
static struct unix_sock *find_garbage(void)
{
	struct unix_sock *u, *work = NULL, *garbage = NULL;
	struct uk_list *it;

	uk_list_for_each(it, &inflight_socks) {
		u = uk_list_entry(it, struct unix_sock, gc_link);
		u->gc_cand = !u->gc_multi &&
			__atomic_load_n(&u->gc_of->refcount,
					__ATOMIC_ACQUIRE) == u->inflight &&
			__atomic_load_n(&u->gc_of->file->refcount,
					__ATOMIC_ACQUIRE) == 1;
		u->gc_ext = u->inflight;
		u->gc_reach = 0;
	}
	uk_list_for_each(it, &inflight_socks) {
		u = uk_list_entry(it, struct unix_sock, gc_link);
		if (u->gc_cand)
			for_each_referenced(u, count_internal, NULL);
	}
	uk_list_for_each(it, &inflight_socks) {
		u = uk_list_entry(it, struct unix_sock, gc_link);
		if (u->gc_cand && u->gc_ext > 0)
			mark_reachable(u, &work);
	}
	while (work) {
		u = work;
		work = u->gc_next;
		for_each_referenced(u, mark_reachable, &work);
	}
	uk_list_for_each(it, &inflight_socks) {
		u = uk_list_entry(it, struct unix_sock, gc_link);
		if (!u->gc_cand || u->gc_reach)
			continue;
		unix_sock_get(u);
		u->gc_next = garbage;
		garbage = u;
	}
	return garbage;
}

void unix_gc(void)
{
	struct unix_sock *garbage, *u;
	struct unix_chunk *q;

	uk_mutex_lock(&unix_gc_lock);
	if (gc_running) {		/* a purge below released sockets */
		uk_mutex_unlock(&unix_gc_lock);
		return;
	}
	gc_running = 1;
	garbage = find_garbage();
	uk_mutex_unlock(&unix_gc_lock);

	while (garbage) {
		u = garbage;
		garbage = u->gc_next;
		q = unix_queue_take_all(u);
		unix_purge(q);
		unix_sock_put(u);
	}
	uk_mutex_lock(&unix_gc_lock);
	gc_running = 0;
	uk_mutex_unlock(&unix_gc_lock);
}
