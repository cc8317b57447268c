/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ids of System V IPC objects, as Linux makes them: index + seq *
 * 32768, indices handed out cyclically (a new object takes the next
 * free index after the last one given), seq bumped each time the
 * indices wrap, so a removed object's id stays invalid for long. The
 * caller is root: permission bits are kept and shown, never refused.
 */
#include <errno.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/plat/time.h>
#include <uk/thread.h>
#include <uk/time.h>
#include <uk/wait.h>
#include "sysvipc_impl.h"

#define SEQ_MAX		(0x7fffffff / UK_IPC_MNI)

struct ipc_obj *ipc_find_key(struct ipc_ids *ids, int key)
{
	int i;

	if (!ids->slots)
		return NULL;
	for (i = 0; i < ids->max; i++)
		if (ids->slots[i] && ids->slots[i]->key == key)
			return ids->slots[i];
	return NULL;
}

struct ipc_obj *ipc_find_idx(struct ipc_ids *ids, int idx)
{
	if (idx < 0 || idx >= ids->max || !ids->slots || !ids->slots[idx])
		return ERR2PTR(-EINVAL);
	return ids->slots[idx];
}

struct ipc_obj *ipc_find_id(struct ipc_ids *ids, int id)
{
	struct ipc_obj *o;

	if (id < 0)
		return ERR2PTR(-EINVAL);
	o = ipc_find_idx(ids, id % UK_IPC_MNI);
	if (PTRISERR(o) || o->seq != id / UK_IPC_MNI)
		return ERR2PTR(-EINVAL);
	return o;
}

int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int key, int mode)
{
	int i, idx = 0;

	if (ids->in_use >= ids->max)
		return -ENOSPC;
	if (!ids->slots) {
		ids->slots = uk_calloc(uk_alloc_get_default(), ids->max,
				       sizeof(*ids->slots));
		if (!ids->slots)
			return -ENOMEM;
	}
	for (i = 1; i <= ids->max; i++) {
		idx = (ids->last_idx + i) % ids->max;
		if (!ids->slots[idx])
			break;
	}
	if (idx <= ids->last_idx && ++ids->seq > SEQ_MAX)
		ids->seq = 0;
	ids->last_idx = idx;
	ids->slots[idx] = o;
	ids->in_use++;
	o->seq = (__u16)ids->seq;
	o->id = ids->seq * UK_IPC_MNI + idx;
	o->key = key;
	o->mode = mode & K_IPC_MODE;
	o->uid = o->gid = 0;
	o->removed = 0;
	o->refs = 1;
	return 0;
}

void ipc_put(struct ipc_obj *o)
{
	if (--o->refs == 0)
		o->free(o);
}

void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o)
{
	ids->slots[o->id % UK_IPC_MNI] = NULL;
	ids->in_use--;
	o->removed = 1;
	o->key = K_IPC_PRIVATE;
	ipc_wake(ids);
	ipc_put(o);
}

int ipc_max_idx(struct ipc_ids *ids)
{
	int i;

	if (!ids->slots)
		return 0;
	for (i = ids->max - 1; i > 0; i--)
		if (ids->slots[i])
			break;
	return i;
}

int ipc_get(struct ipc_ids *ids, int key, int flags,
	    int (*make)(struct ipc_ids *ids, int key, int flags, long arg),
	    int (*check)(struct ipc_obj *o, long arg), long arg)
{
	struct ipc_obj *o;
	int rc;

	uk_mutex_lock(&ids->lock);
	o = key == K_IPC_PRIVATE ? NULL : ipc_find_key(ids, key);
	if (!o && key != K_IPC_PRIVATE && !(flags & K_IPC_CREAT))
		rc = -ENOENT;
	else if (!o)
		rc = make(ids, key, flags, arg);
	else if ((flags & (K_IPC_CREAT | K_IPC_EXCL)) ==
		 (K_IPC_CREAT | K_IPC_EXCL))
		rc = -EEXIST;
	else
		rc = check ? check(o, arg) : 0;
	if (o && !rc)
		rc = o->id;
	uk_mutex_unlock(&ids->lock);
	return rc;
}

void ipc_perm_out(const struct ipc_obj *o, struct k_ipc64_perm *p)
{
	*p = (struct k_ipc64_perm){
		.key = o->key, .uid = o->uid, .gid = o->gid,
		.mode = o->mode, .seq = o->seq,
	};
}

void ipc_perm_set(struct ipc_obj *o, const struct k_ipc64_perm *p)
{
	o->uid = p->uid;
	o->gid = p->gid;
	o->mode = (o->mode & ~K_IPC_MODE) | (p->mode & K_IPC_MODE);
}

void ipc_wake(struct ipc_ids *ids)
{
	__atomic_add_fetch(&ids->gen, 1, __ATOMIC_RELEASE);
	uk_waitq_wake_up(&ids->wq);
}

int ipc_wait(struct ipc_ids *ids, struct ipc_obj *o, struct uk_list *waiter,
	     __nsec deadline)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long gen = ids->gen;
	int timedout, rc;

	if (uk_thread_interrupted(self))
		rc = -EINTR;
	else if (deadline && ukplat_monotonic_clock() >= deadline)
		rc = -EAGAIN;
	else
		rc = 1;
	if (rc != 1) {
		if (waiter)
			uk_list_del(waiter);
		return rc;
	}
	o->refs++;
	uk_mutex_unlock(&ids->lock);
	timedout = uk_waitq_wait_event_deadline(&ids->wq,
		__atomic_load_n(&ids->gen, __ATOMIC_ACQUIRE) != gen ||
		uk_thread_interrupted(self), deadline);
	uk_mutex_lock(&ids->lock);
	if (o->removed)
		rc = -EIDRM;
	else if (ids->gen != gen)
		rc = 0;
	else if (uk_thread_interrupted(self))
		rc = -EINTR;
	else
		rc = timedout ? -EAGAIN : 0;
	if (waiter)
		uk_list_del(waiter);
	ipc_put(o);
	return rc;
}

long ipc_now(void)
{
	return (long)(ukplat_wall_clock() / UK_NSEC_PER_SEC);
}
