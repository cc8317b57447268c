/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System V message queues (msgget(2), msgsnd(2), msgrcv(2),
 * msgctl(2)), as Linux's: a queue holds messages in order of arrival
 * while their bytes fit msg_qbytes (MSGMNB by default) and their count
 * too; msgrcv picks by type (0: the first, > 0: the first of that type
 * or, with MSG_EXCEPT, of another, < 0: the first of the lowest type up
 * to -type). A send to a full queue and a receive without a fitting
 * message wait unless IPC_NOWAIT, until a change, IPC_RMID (EIDRM) or a
 * signal (EINTR, never restarted).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/types.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/list.h>
#include <uk/nofault.h>
#include <uk/process.h>
#include <uk/syscall.h>
#include "sysvipc_impl.h"

#define K_MSG_STAT	11
#define K_MSG_INFO	12
#define K_MSG_STAT_ANY	13
#define K_MSG_NOERROR	010000
#define K_MSG_EXCEPT	020000
#define K_MSG_COPY	040000

/* Linux's derived limits (linux/msg.h) that msginfo reports. */
#define MSGPOOL		(UK_MSGMNI * UK_MSGMNB / 1024)
#define MSGMAP		UK_MSGMNB
#define MSGTQL		UK_MSGMNB
#define MSGSSZ		16
#define MSGSEG		0xffff

/* Linux's struct msqid64_ds (64-bit). */
struct k_msqid64_ds {
	struct k_ipc64_perm msg_perm;
	long msg_stime, msg_rtime, msg_ctime;
	unsigned long msg_cbytes, msg_qnum, msg_qbytes;
	int msg_lspid, msg_lrpid;
	unsigned long unused4, unused5;
};

struct k_msginfo {
	int msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
	unsigned short msgseg;
};

struct msg {
	struct uk_list link;
	long type;
	__sz len;
	char text[];
};

struct msq {
	struct ipc_obj o;
	struct uk_list msgs;
	unsigned long cbytes, qnum, qbytes;
	long stime, rtime, ctime;
	int lspid, lrpid;
};

static struct ipc_ids msq_ids = IPC_IDS_INIT(msq_ids, UK_MSGMNI);
/* Messages and their bytes in all queues (MSG_INFO). */
static unsigned long all_msgs, all_bytes;

static struct uk_alloc *msg_alloc(void)
{
	return uk_alloc_get_default();
}

static void msq_free(struct ipc_obj *o)
{
	struct msq *q = __containerof(o, struct msq, o);
	struct uk_list *pos, *n;

	uk_list_for_each_safe(pos, n, &q->msgs)
		uk_free(msg_alloc(), uk_list_entry(pos, struct msg, link));
	all_msgs -= q->qnum;
	all_bytes -= q->cbytes;
	uk_free(msg_alloc(), q);
}

static int msq_make(struct ipc_ids *ids, int key, int flags,
		    long arg __maybe_unused)
{
	struct msq *q = uk_calloc(msg_alloc(), 1, sizeof(*q));
	int rc;

	if (!q)
		return -ENOMEM;
	q->o.free = msq_free;
	uk_list_init(&q->msgs);
	q->qbytes = UK_MSGMNB;
	q->ctime = ipc_now();
	rc = ipc_add(ids, &q->o, key, flags);
	if (rc) {
		uk_free(msg_alloc(), q);
		return rc;
	}
	return q->o.id;
}

UK_SYSCALL_R_DEFINE(int, msgget, int, key, int, flags)
{
	return ipc_get(&msq_ids, key, flags, msq_make, NULL, 0);
}

/* The queue with id, under the lock; -EINVAL. */
static struct msq *msq_find(int id)
{
	struct ipc_obj *o = ipc_find_id(&msq_ids, id);

	if (PTRISERR(o))
		return ERR2PTR(PTR2ERR(o));
	return __containerof(o, struct msq, o);
}

/* A message of len bytes of the app's text, or an ERR2PTR. */
static struct msg *msg_in(long type, const char *text, __sz len)
{
	struct msg *m = uk_malloc(msg_alloc(), sizeof(*m) + len);

	if (!m)
		return ERR2PTR(-ENOMEM);
	if (uk_copy_from_user(m->text, text, len)) {
		uk_free(msg_alloc(), m);
		return ERR2PTR(-EFAULT);
	}
	m->type = type;
	m->len = len;
	return m;
}

static int fits(const struct msq *q, __sz len)
{
	return len + q->cbytes <= q->qbytes && 1 + q->qnum <= q->qbytes;
}

/* Queues m when it fits, waiting unless IPC_NOWAIT; under the lock. */
static int msg_put(int id, struct msg *m, int flags)
{
	struct msq *q = msq_find(id);
	int rc;

	if (PTRISERR(q))
		return PTR2ERR(q);
	while (!fits(q, m->len)) {
		if (flags & K_IPC_NOWAIT)
			return -EAGAIN;
		rc = ipc_wait(&msq_ids, &q->o, NULL, 0);
		if (rc)
			return rc;
	}
	uk_list_add_tail(&m->link, &q->msgs);
	q->qnum++;
	q->cbytes += m->len;
	all_msgs++;
	all_bytes += m->len;
	q->lspid = UK_PROCESS_PID;
	q->stime = ipc_now();
	ipc_wake(&msq_ids);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, msgsnd, int, id, const void *, umsg, size_t, len,
		    int, flags)
{
	/* As an integer: any address may come (pointer overflow is UB). */
	const char *text = (const char *)((__uptr)umsg + sizeof(long));
	struct msg *m;
	long type;
	int rc;

	if (uk_copy_from_user(&type, umsg, sizeof(type)))
		return -EFAULT;
	if (len > UK_MSGMAX || (long)len < 0 || id < 0 || type < 1)
		return -EINVAL;
	m = msg_in(type, text, len);
	if (PTRISERR(m))
		return PTR2ERR(m);
	uk_mutex_lock(&msq_ids.lock);
	rc = msg_put(id, m, flags);
	uk_mutex_unlock(&msq_ids.lock);
	if (rc)
		uk_free(msg_alloc(), m);
	return rc;
}

enum search { ANY, EQUAL, NOTEQUAL, LESSEQUAL, NUMBER };

static enum search search_of(long *type, int flags)
{
	if (flags & K_MSG_COPY)
		return NUMBER;
	if (*type == 0)
		return ANY;
	if (*type < 0) {
		*type = *type == LONG_MIN ? LONG_MAX : -*type;
		return LESSEQUAL;
	}
	return (flags & K_MSG_EXCEPT) ? NOTEQUAL : EQUAL;
}

/* The message msgrcv takes, or NULL (Linux's find_msg). */
static struct msg *msg_find(struct msq *q, long type, enum search how)
{
	struct msg *m, *found = NULL;
	struct uk_list *pos;
	long count = 0;

	uk_list_for_each(pos, &q->msgs) {
		m = uk_list_entry(pos, struct msg, link);
		switch (how) {
		case ANY:
		case NUMBER:
			break;
		case EQUAL:
			if (m->type != type)
				continue;
			break;
		case NOTEQUAL:
			if (m->type == type)
				continue;
			break;
		case LESSEQUAL:
			if (m->type > type)
				continue;
			if (m->type == 1)
				return m;
			type = m->type - 1;
			found = m;
			continue;
		}
		if (how != NUMBER || count++ == type)
			return m;
	}
	return found;
}

/* Takes (or with MSG_COPY copies) the message to receive, waiting
 * unless IPC_NOWAIT; under the lock. */
static struct msg *msg_take(int id, __sz size, long type, int flags)
{
	enum search how = search_of(&type, flags);
	struct msq *q = msq_find(id);
	struct msg *m, *c;
	int rc;

	if (PTRISERR(q))
		return ERR2PTR(PTR2ERR(q));
	while (!(m = msg_find(q, type, how))) {
		if (flags & K_IPC_NOWAIT)
			return ERR2PTR(-ENOMSG);
		rc = ipc_wait(&msq_ids, &q->o, NULL, 0);
		if (rc)
			return ERR2PTR(rc);
	}
	if (size < m->len && !(flags & K_MSG_NOERROR))
		return ERR2PTR(-E2BIG);
	if (flags & K_MSG_COPY) {
		/* Linux copies into a buffer of MIN(size, MSGMAX). */
		if (m->len > MIN(size, (__sz)UK_MSGMAX))
			return ERR2PTR(-EINVAL);
		c = uk_malloc(msg_alloc(), sizeof(*c) + m->len);
		if (!c)
			return ERR2PTR(-ENOMEM);
		memcpy(c, m, sizeof(*c) + m->len);
		return c;
	}
	uk_list_del(&m->link);
	q->qnum--;
	q->cbytes -= m->len;
	all_msgs--;
	all_bytes -= m->len;
	q->lrpid = UK_PROCESS_PID;
	q->rtime = ipc_now();
	ipc_wake(&msq_ids);
	return m;
}

/* As Linux: a fault after the message was taken loses it. */
UK_SYSCALL_R_DEFINE(ssize_t, msgrcv, int, id, void *, umsg, size_t, size,
		    long, type, int, flags)
{
	char *text = (char *)((__uptr)umsg + sizeof(long));
	struct msg *m;
	ssize_t rc;

	if (id < 0 || (long)size < 0)
		return -EINVAL;
	if ((flags & K_MSG_COPY) &&
	    ((flags & K_MSG_EXCEPT) || !(flags & K_IPC_NOWAIT)))
		return -EINVAL;
	uk_mutex_lock(&msq_ids.lock);
	m = msg_take(id, size, type, flags);
	uk_mutex_unlock(&msq_ids.lock);
	if (PTRISERR(m))
		return PTR2ERR(m);
	rc = (ssize_t)MIN(size, m->len);
	if (uk_copy_to_user(umsg, &m->type, sizeof(m->type)) ||
	    uk_copy_to_user(text, m->text, (__sz)rc))
		rc = -EFAULT;
	uk_free(msg_alloc(), m);
	return rc;
}

static void msq_stat(const struct msq *q, struct k_msqid64_ds *ds)
{
	*ds = (struct k_msqid64_ds){
		.msg_stime = q->stime, .msg_rtime = q->rtime,
		.msg_ctime = q->ctime, .msg_cbytes = q->cbytes,
		.msg_qnum = q->qnum, .msg_qbytes = q->qbytes,
		.msg_lspid = q->lspid, .msg_lrpid = q->lrpid,
	};
	ipc_perm_out(&q->o, &ds->msg_perm);
}

static int msq_info(int cmd, void *ubuf)
{
	struct k_msginfo mi = {
		.msgpool = MSGPOOL, .msgmap = MSGMAP, .msgmax = UK_MSGMAX,
		.msgmnb = UK_MSGMNB, .msgmni = UK_MSGMNI, .msgssz = MSGSSZ,
		.msgtql = MSGTQL, .msgseg = MSGSEG,
	};
	int rc;

	uk_mutex_lock(&msq_ids.lock);
	if (cmd == K_MSG_INFO) {
		mi.msgpool = msq_ids.in_use;
		mi.msgmap = (int)all_msgs;
		mi.msgtql = (int)all_bytes;
	}
	rc = ipc_max_idx(&msq_ids);
	uk_mutex_unlock(&msq_ids.lock);
	if (uk_copy_to_user(ubuf, &mi, sizeof(mi)))
		return -EFAULT;
	return rc;
}

/* IPC_STAT (by id) and MSG_STAT (by index, returning the id). */
static int msq_stat_cmd(int id, int cmd, void *ubuf)
{
	struct k_msqid64_ds ds;
	struct ipc_obj *o;
	int rc;

	uk_mutex_lock(&msq_ids.lock);
	o = cmd == K_IPC_STAT ? ipc_find_id(&msq_ids, id) :
				ipc_find_idx(&msq_ids, id);
	if (!PTRISERR(o))
		msq_stat(__containerof(o, struct msq, o), &ds);
	rc = PTRISERR(o) ? PTR2ERR(o) : (cmd == K_IPC_STAT ? 0 : o->id);
	uk_mutex_unlock(&msq_ids.lock);
	if (rc >= 0 && uk_copy_to_user(ubuf, &ds, sizeof(ds)))
		return -EFAULT;
	return rc;
}

/* IPC_SET and IPC_RMID; root may raise msg_qbytes past MSGMNB. */
static int msq_down(int id, int cmd, void *ubuf)
{
	struct k_msqid64_ds ds;
	struct msq *q;

	if (cmd == K_IPC_SET && uk_copy_from_user(&ds, ubuf, sizeof(ds)))
		return -EFAULT;
	uk_mutex_lock(&msq_ids.lock);
	q = msq_find(id);
	if (PTRISERR(q)) {
		uk_mutex_unlock(&msq_ids.lock);
		return PTR2ERR(q);
	}
	if (cmd == K_IPC_RMID) {
		ipc_remove(&msq_ids, &q->o);
	} else {
		ipc_perm_set(&q->o, &ds.msg_perm);
		q->qbytes = ds.msg_qbytes;
		q->ctime = ipc_now();
		ipc_wake(&msq_ids);
	}
	uk_mutex_unlock(&msq_ids.lock);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, msgctl, int, id, int, cmd, void *, ubuf)
{
	if (id < 0 || cmd < 0)
		return -EINVAL;
	switch (cmd) {
	case K_IPC_INFO:
	case K_MSG_INFO:
		return msq_info(cmd, ubuf);
	case K_IPC_STAT:
	case K_MSG_STAT:
	case K_MSG_STAT_ANY:
		return msq_stat_cmd(id, cmd, ubuf);
	case K_IPC_SET:
	case K_IPC_RMID:
		return msq_down(id, cmd, ubuf);
	}
	return -EINVAL;
}
