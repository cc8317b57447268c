/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What shm.c, sem.c and msg.c share: the table of ids of one kind of
 * object (ipc.c), Linux's struct ipc64_perm, and the waits of semop,
 * msgsnd and msgrcv.
 */
#ifndef __SYSVIPC_IMPL_H__
#define __SYSVIPC_IMPL_H__

#include <uk/arch/types.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/sysvipc.h>
#include <uk/wait_types.h>

#define K_IPC_PRIVATE	0
#define K_IPC_CREAT	01000
#define K_IPC_EXCL	02000
#define K_IPC_NOWAIT	04000

#define K_IPC_RMID	0
#define K_IPC_SET	1
#define K_IPC_STAT	2
#define K_IPC_INFO	3

/* The permission bits an object keeps of its get's flags. */
#define K_IPC_MODE	0777

/* Linux's struct ipc64_perm (64-bit). */
struct k_ipc64_perm {
	__s32 key;
	__u32 uid, gid, cuid, cgid;
	__u32 mode;
	__u16 seq;
	__u16 pad2;
	__u64 unused1, unused2;
};

/* The head of every object. */
struct ipc_obj {
	int id;
	int key;			/* K_IPC_PRIVATE once removed */
	unsigned int mode;		/* K_IPC_MODE bits, SHM_ flags */
	__u32 uid, gid;
	__u16 seq;
	int removed;
	int refs;			/* under the table lock */
	void (*free)(struct ipc_obj *o);
};

/* The objects of one kind; lock guards them all. */
struct ipc_ids {
	struct uk_mutex lock;
	struct uk_waitq wq;		/* waits for any change */
	unsigned long gen;		/* bumped by each change */
	struct ipc_obj **slots;		/* max, made on first use */
	int max;
	int in_use;
	int last_idx;
	int seq;
};

#define IPC_IDS_INIT(ids, n)						\
	{ .lock = UK_MUTEX_INITIALIZER((ids).lock),			\
	  .wq = UK_WAITQ_INITIALIZER((ids).wq),				\
	  .max = (n), .last_idx = -1 }

/* The object with key (not K_IPC_PRIVATE), or NULL. */
struct ipc_obj *ipc_find_key(struct ipc_ids *ids, int key);
/* The object with id: ERR2PTR(-EINVAL) if none (or a stale id). */
struct ipc_obj *ipc_find_id(struct ipc_ids *ids, int id);
/* The object at table index idx (the *_STAT calls), or -EINVAL. */
struct ipc_obj *ipc_find_idx(struct ipc_ids *ids, int idx);
/* Gives o an id and a slot, with one reference (the table's) and
 * mode's permission bits. -ENOSPC past the limit, -ENOMEM. */
int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int key, int mode);
/* Takes o out of the table (its id and key are gone), marks it
 * removed, wakes every waiter and drops the table's reference. */
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o);
/* Drops a reference; the last frees o. */
void ipc_put(struct ipc_obj *o);
/* The highest index in use, 0 if none (what *_INFO returns). */
int ipc_max_idx(struct ipc_ids *ids);

/* The get of a key, as Linux's ipcget: creates through make (under the
 * lock) for K_IPC_PRIVATE or a missing key with K_IPC_CREAT; ENOENT,
 * EEXIST, or check's error for an existing one. Returns the id. */
int ipc_get(struct ipc_ids *ids, int key, int flags,
	    int (*make)(struct ipc_ids *ids, int key, int flags, long arg),
	    int (*check)(struct ipc_obj *o, long arg), long arg);

/* o's permissions in Linux's layout. */
void ipc_perm_out(const struct ipc_obj *o, struct k_ipc64_perm *p);
/* IPC_SET: the owner and the permission bits of p. */
void ipc_perm_set(struct ipc_obj *o, const struct k_ipc64_perm *p);

/* Something of ids changed: every waiter looks again. Lock held. */
void ipc_wake(struct ipc_ids *ids);
/*
 * Waits, lock held and dropped meanwhile, for a change of ids while
 * holding a reference to o; unlinks waiter (NULL: none), the caller's
 * entry in a list of o, before it lets o go. Returns 0 to try again,
 * -EIDRM (o went), -EINTR (a signal: these calls are never restarted),
 * -EAGAIN (deadline, monotonic ns, 0 for none, passed).
 */
int ipc_wait(struct ipc_ids *ids, struct ipc_obj *o, struct uk_list *waiter,
	     __nsec deadline);

/* Seconds since the epoch, for the objects' times. */
long ipc_now(void);

#endif /* __SYSVIPC_IMPL_H__ */
