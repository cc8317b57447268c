/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System V semaphore sets (semget(2), semop(2), semtimedop(2),
 * semctl(2)), as Linux's. A semop applies all its operations or none:
 * they are tried in order on the set's values and undone if one cannot
 * go on, which then waits (unless IPC_NOWAIT: EAGAIN) until the set
 * changes, the relative timeout of semtimedop (EAGAIN), IPC_RMID (EIDRM)
 * or a signal (EINTR, never restarted). SEM_UNDO keeps the adjustment
 * Linux would apply at exit; the process is the only one, so nobody
 * sees the set after it.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/list.h>
#include <uk/nofault.h>
#include <uk/process.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include "sysvipc_impl.h"

#define K_GETPID	11
#define K_GETVAL	12
#define K_GETALL	13
#define K_GETNCNT	14
#define K_GETZCNT	15
#define K_SETVAL	16
#define K_SETALL	17
#define K_SEM_STAT	18
#define K_SEM_INFO	19
#define K_SEM_STAT_ANY	20
#define K_SEM_UNDO	0x1000

/* Linux's derived limits (linux/sem.h) that seminfo reports. */
#define SEMMAP		UK_SEMMNS
#define SEMMNU		UK_SEMMNS
#define SEMUME		UK_SEMOPM
#define SEMUSZ		20
#define SEMAEM		UK_SEMVMX

/* Linux's struct semid64_ds (64-bit): x86_64 has padding of its own. */
struct k_semid64_ds {
	struct k_ipc64_perm sem_perm;
	long sem_otime;
#ifdef __x86_64__
	unsigned long unused1;
#endif
	long sem_ctime;
#ifdef __x86_64__
	unsigned long unused2;
#endif
	unsigned long sem_nsems;
	unsigned long unused3, unused4;
};

struct k_seminfo {
	int semmap, semmni, semmns, semmnu, semmsl, semopm, semume;
	int semusz, semvmx, semaem;
};

struct k_sembuf {
	unsigned short sem_num;
	short sem_op;
	short sem_flg;
};

struct sem {
	int val;
	int pid;
	int adj;			/* SEM_UNDO's adjustment */
};

/* A semop waiting: where its first blocked operation waits. */
struct sem_waiter {
	struct uk_list link;
	int num;
	int zero;			/* for zero, else to decrease */
};

struct sem_set {
	struct ipc_obj o;
	long otime, ctime;
	int nsems;
	struct uk_list waiters;
	struct sem sems[];
};

static struct ipc_ids sem_ids = IPC_IDS_INIT(sem_ids, UK_SEMMNI);
static long used_sems;

static struct uk_alloc *sem_alloc(void)
{
	return uk_alloc_get_default();
}

static void set_free(struct ipc_obj *o)
{
	struct sem_set *s = __containerof(o, struct sem_set, o);

	used_sems -= s->nsems;
	uk_free(sem_alloc(), s);
}

static int set_make(struct ipc_ids *ids, int key, int flags, long nsems)
{
	struct sem_set *s;
	int rc;

	if (!nsems)
		return -EINVAL;
	if (used_sems + nsems > UK_SEMMNS)
		return -ENOSPC;
	s = uk_calloc(sem_alloc(), 1, sizeof(*s) + nsems * sizeof(s->sems[0]));
	if (!s)
		return -ENOMEM;
	s->o.free = set_free;
	s->nsems = (int)nsems;
	s->ctime = ipc_now();
	uk_list_init(&s->waiters);
	rc = ipc_add(ids, &s->o, key, flags);
	if (rc) {
		uk_free(sem_alloc(), s);
		return rc;
	}
	used_sems += nsems;
	return s->o.id;
}

static int set_check(struct ipc_obj *o, long nsems)
{
	return nsems > __containerof(o, struct sem_set, o)->nsems ?
	       -EINVAL : 0;
}

UK_SYSCALL_R_DEFINE(int, semget, int, key, int, nsems, int, flags)
{
	if (nsems < 0 || nsems > UK_SEMMSL)
		return -EINVAL;
	return ipc_get(&sem_ids, key, flags, set_make, set_check, nsems);
}

static struct sem_set *set_find(int id)
{
	struct ipc_obj *o = ipc_find_id(&sem_ids, id);

	if (PTRISERR(o))
		return ERR2PTR(PTR2ERR(o));
	return __containerof(o, struct sem_set, o);
}

/* Undoes ops[0..n) on s. */
static void ops_undo(struct sem_set *s, const struct k_sembuf *ops, int n)
{
	while (n--) {
		s->sems[ops[n].sem_num].val -= ops[n].sem_op;
		if (ops[n].sem_flg & K_SEM_UNDO)
			s->sems[ops[n].sem_num].adj += ops[n].sem_op;
	}
}

/* Applies ops in order, all or none (Linux's perform_atomic_semop_slow):
 * 0 done, 1 must wait (*blocked: the operation), or -ERANGE/-EAGAIN. */
static int ops_try(struct sem_set *s, const struct k_sembuf *ops, int n,
		   int *blocked)
{
	struct sem *sem;
	int i, v, adj;

	for (i = 0; i < n; i++) {
		sem = &s->sems[ops[i].sem_num];
		v = sem->val + ops[i].sem_op;
		if ((!ops[i].sem_op && sem->val) || v < 0)
			goto would_block;
		adj = sem->adj - ops[i].sem_op;
		if (v > UK_SEMVMX || ((ops[i].sem_flg & K_SEM_UNDO) &&
				      (adj < -SEMAEM - 1 || adj > SEMAEM))) {
			ops_undo(s, ops, i);
			return -ERANGE;
		}
		sem->val = v;
		if (ops[i].sem_flg & K_SEM_UNDO)
			sem->adj = adj;
	}
	for (i = 0; i < n; i++)
		s->sems[ops[i].sem_num].pid = UK_PROCESS_PID;
	return 0;
would_block:
	ops_undo(s, ops, i);
	*blocked = i;
	return (ops[i].sem_flg & K_IPC_NOWAIT) ? -EAGAIN : 1;
}

/* The semop on the set id, under the lock. */
static int set_op(int id, const struct k_sembuf *ops, int n, int max,
		  __nsec deadline)
{
	struct sem_set *s = set_find(id);
	struct sem_waiter w;
	int rc, blocked;

	if (PTRISERR(s))
		return PTR2ERR(s);
	if (max >= s->nsems)
		return -EFBIG;
	while ((rc = ops_try(s, ops, n, &blocked)) == 1) {
		w.num = ops[blocked].sem_num;
		w.zero = !ops[blocked].sem_op;
		uk_list_add_tail(&w.link, &s->waiters);
		rc = ipc_wait(&sem_ids, &s->o, &w.link, deadline);
		if (rc)
			return rc;
	}
	if (rc)
		return rc;
	s->otime = ipc_now();
	ipc_wake(&sem_ids);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, semtimedop, int, id, struct k_sembuf *, uops,
		    size_t, nops, const struct uk_timespec *, timeout)
{
	struct k_sembuf small[8], *ops = small;
	__nsec deadline = 0;
	int rc, max = 0;
	__sz i;

	if (nops < 1 || id < 0)
		return -EINVAL;
	if (nops > UK_SEMOPM)
		return -E2BIG;
	if (nops > ARRAY_SIZE(small)) {
		ops = uk_malloc(sem_alloc(), nops * sizeof(*ops));
		if (!ops)
			return -ENOMEM;
	}
	rc = uk_copy_from_user(ops, uops, nops * sizeof(*ops)) ? -EFAULT : 0;
	if (!rc && timeout)
		rc = uk_time_rel_deadline_user(timeout, &deadline);
	if (!rc) {
		for (i = 0; i < nops; i++)
			max = MAX(max, (int)ops[i].sem_num);
		uk_mutex_lock(&sem_ids.lock);
		rc = set_op(id, ops, (int)nops, max, deadline);
		uk_mutex_unlock(&sem_ids.lock);
	}
	if (ops != small)
		uk_free(sem_alloc(), ops);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, semop, int, id, struct k_sembuf *, uops,
		    size_t, nops)
{
	return __uk_sys_semtimedop(id, uops, nops, NULL);
}

/* Waiters blocked on semaphore num, for zero or to decrease. */
static int count_waiters(struct sem_set *s, int num, int zero)
{
	struct sem_waiter *w;
	struct uk_list *pos;
	int n = 0;

	uk_list_for_each(pos, &s->waiters) {
		w = uk_list_entry(pos, struct sem_waiter, link);
		n += w->num == num && w->zero == zero;
	}
	return n;
}

static int sem_info(int cmd, void *ubuf)
{
	struct k_seminfo si = {
		.semmap = SEMMAP, .semmni = UK_SEMMNI, .semmns = UK_SEMMNS,
		.semmnu = SEMMNU, .semmsl = UK_SEMMSL, .semopm = UK_SEMOPM,
		.semume = SEMUME, .semusz = SEMUSZ, .semvmx = UK_SEMVMX,
		.semaem = SEMAEM,
	};
	int rc;

	uk_mutex_lock(&sem_ids.lock);
	if (cmd == K_SEM_INFO) {
		si.semusz = sem_ids.in_use;
		si.semaem = (int)used_sems;
	}
	rc = ipc_max_idx(&sem_ids);
	uk_mutex_unlock(&sem_ids.lock);
	if (uk_copy_to_user(ubuf, &si, sizeof(si)))
		return -EFAULT;
	return rc;
}

static int sem_stat(int id, int cmd, void *ubuf)
{
	struct k_semid64_ds ds = { 0 };
	struct sem_set *s;
	struct ipc_obj *o;
	int rc;

	uk_mutex_lock(&sem_ids.lock);
	o = cmd == K_IPC_STAT ? ipc_find_id(&sem_ids, id) :
				ipc_find_idx(&sem_ids, id);
	if (!PTRISERR(o)) {
		s = __containerof(o, struct sem_set, o);
		ipc_perm_out(o, &ds.sem_perm);
		ds.sem_otime = s->otime;
		ds.sem_ctime = s->ctime;
		ds.sem_nsems = (unsigned long)s->nsems;
	}
	rc = PTRISERR(o) ? PTR2ERR(o) : (cmd == K_IPC_STAT ? 0 : o->id);
	uk_mutex_unlock(&sem_ids.lock);
	if (rc >= 0 && uk_copy_to_user(ubuf, &ds, sizeof(ds)))
		return -EFAULT;
	return rc;
}

/* A value was set: its adjustment goes, waiters look again. */
static void sem_set_val(struct sem_set *s, int num, int val)
{
	s->sems[num].val = val;
	s->sems[num].adj = 0;
	s->sems[num].pid = UK_PROCESS_PID;
}

/* GETVAL, GETPID, GETNCNT, GETZCNT, SETVAL on semaphore num. */
static int sem_one(struct sem_set *s, int num, int cmd, int val)
{
	if (num < 0 || num >= s->nsems)
		return -EINVAL;
	switch (cmd) {
	case K_GETVAL:
		return s->sems[num].val;
	case K_GETPID:
		return s->sems[num].pid;
	case K_GETNCNT:
		return count_waiters(s, num, 0);
	case K_GETZCNT:
		return count_waiters(s, num, 1);
	}
	sem_set_val(s, num, val);
	s->ctime = ipc_now();
	ipc_wake(&sem_ids);
	return 0;
}

/* GETALL and SETALL through vals, a copy of the app's array. */
static int sem_all(struct sem_set *s, int cmd, unsigned short *vals,
		   void *ubuf)
{
	int i;

	if (cmd == K_GETALL) {
		for (i = 0; i < s->nsems; i++)
			vals[i] = (unsigned short)s->sems[i].val;
		return uk_copy_to_user(ubuf, vals,
				       s->nsems * sizeof(*vals)) ? -EFAULT : 0;
	}
	if (uk_copy_from_user(vals, ubuf, s->nsems * sizeof(*vals)))
		return -EFAULT;
	for (i = 0; i < s->nsems; i++)
		if (vals[i] > UK_SEMVMX)
			return -ERANGE;
	for (i = 0; i < s->nsems; i++)
		sem_set_val(s, i, vals[i]);
	s->ctime = ipc_now();
	ipc_wake(&sem_ids);
	return 0;
}

static int sem_main(int id, int num, int cmd, unsigned long arg)
{
	unsigned short *vals = NULL;
	struct sem_set *s;
	int rc;

	if (cmd == K_SETVAL && (int)arg > UK_SEMVMX)
		return -ERANGE;
	if (cmd == K_SETVAL && (int)arg < 0)
		return -ERANGE;
	uk_mutex_lock(&sem_ids.lock);
	s = set_find(id);
	if (PTRISERR(s)) {
		rc = PTR2ERR(s);
	} else if (cmd == K_GETALL || cmd == K_SETALL) {
		vals = uk_malloc(sem_alloc(), s->nsems * sizeof(*vals));
		rc = vals ? sem_all(s, cmd, vals, (void *)arg) : -ENOMEM;
	} else {
		rc = sem_one(s, num, cmd, (int)arg);
	}
	uk_mutex_unlock(&sem_ids.lock);
	uk_free(sem_alloc(), vals);
	return rc;
}

static int sem_down(int id, int cmd, void *ubuf)
{
	struct k_semid64_ds ds;
	struct sem_set *s;

	if (cmd == K_IPC_SET && uk_copy_from_user(&ds, ubuf, sizeof(ds)))
		return -EFAULT;
	uk_mutex_lock(&sem_ids.lock);
	s = set_find(id);
	if (PTRISERR(s)) {
		uk_mutex_unlock(&sem_ids.lock);
		return PTR2ERR(s);
	}
	if (cmd == K_IPC_RMID) {
		ipc_remove(&sem_ids, &s->o);
	} else {
		ipc_perm_set(&s->o, &ds.sem_perm);
		s->ctime = ipc_now();
	}
	uk_mutex_unlock(&sem_ids.lock);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, semctl, int, id, int, num, int, cmd,
		    unsigned long, arg)
{
	if (id < 0)
		return -EINVAL;
	switch (cmd) {
	case K_IPC_INFO:
	case K_SEM_INFO:
		return sem_info(cmd, (void *)arg);
	case K_IPC_STAT:
	case K_SEM_STAT:
	case K_SEM_STAT_ANY:
		return sem_stat(id, cmd, (void *)arg);
	case K_GETVAL:
	case K_GETPID:
	case K_GETNCNT:
	case K_GETZCNT:
	case K_GETALL:
	case K_SETVAL:
	case K_SETALL:
		return sem_main(id, num, cmd, arg);
	case K_IPC_SET:
	case K_IPC_RMID:
		return sem_down(id, cmd, (void *)arg);
	}
	return -EINVAL;
}
