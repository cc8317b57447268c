/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POSIX message queues, as Linux's: a queue is a file with a name in a
 * flat namespace of its own (mq_open, mq_unlink), used through fds
 * (mq_timedsend, mq_timedreceive, mq_getsetattr, mq_notify, poll, epoll,
 * close; read gives Linux's status line). Messages are kept highest
 * priority first, in order of arrival within one priority. A send to a
 * full queue and a receive from an empty one wait, unless the
 * description is O_NONBLOCK (EAGAIN), until the absolute CLOCK_REALTIME
 * timeout (ETIMEDOUT) or a signal. The queue lives until it is unlinked
 * and its last description closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/process.h>
#include <uk/signal.h>
#include <uk/socket.h>
#include <uk/spinlock.h>
#include <uk/syscall.h>
#include <uk/thread.h>
#include <uk/time.h>

#define MQ_PRIO_MAX		32768
/* Linux's limits for a process with CAP_SYS_RESOURCE (root), and the
 * size of a queue made without attributes. */
#define MQ_HARD_MSGMAX		65536
#define MQ_HARD_MSGSIZEMAX	(16L << 20)
#define MQ_DFLT_MSGMAX		10
#define MQ_DFLT_MSGSIZE		8192
/* What Linux charges per message slot besides its bytes (a msg_msg and
 * a tree node) against RLIMIT_MSGQUEUE. */
#define MQ_SLOT_OVERHEAD	96
#define K_RLIMIT_MSGQUEUE	12

#define K_SIGEV_SIGNAL		0
#define K_SIGEV_NONE		1
#define K_SIGEV_THREAD		2
#define K_SI_MESGQ		(-3)
#define K_NSIG			64
#define NOTIFY_OFF		(-1)
/* The access mode bits (musl's O_ACCMODE also has O_SEARCH). */
#define ACC_MODE		3

/* Linux's struct mq_attr. */
struct k_mq_attr {
	long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	long reserved[4];
};

/* The head of Linux's struct sigevent. */
struct k_sigevent {
	__u64 value;
	int signo;
	int notify;
};

struct mq_msg {
	struct uk_list link;
	unsigned int prio;
	__sz len;
	char data[];
};

struct mqueue {
	struct uk_file f;
	struct uk_list link;		/* in names while it has its name */
	char name[NAME_MAX + 1];
	long maxmsg, msgsize;
	unsigned long bytes;		/* charged to RLIMIT_MSGQUEUE */
	int receivers;			/* threads waiting to receive */
	struct uk_spinlock lock;	/* the messages and the notification */
	long curmsgs;
	unsigned long qsize;		/* bytes of the messages queued */
	struct uk_list msgs;		/* highest priority first */
	int notify;			/* NOTIFY_OFF or a SIGEV_ kind */
	int notify_signo;
	__u64 notify_value;
};

/* The named queues, and the bytes all queues charge. */
static UK_LIST_HEAD(names);
static struct uk_mutex names_lock = UK_MUTEX_INITIALIZER(names_lock);
static unsigned long charged;

static const struct uk_file_ops mq_ops;

static struct uk_alloc *mq_alloc(void)
{
	return uk_alloc_get_default();
}

static unsigned int mq_poll(struct uk_file *f)
{
	struct mqueue *q = f->priv;
	long cur = __atomic_load_n(&q->curmsgs, __ATOMIC_ACQUIRE);
	unsigned int ev = 0;

	if (cur > 0)
		ev |= UK_POLLIN | UK_POLLRDNORM;
	if (cur < q->maxmsg)
		ev |= UK_POLLOUT | UK_POLLWRNORM;
	return ev;
}

/* The last close of a description ends the process's notification
 * request (Linux: any close by its owner). */
static void mq_close(struct uk_file *f, struct uk_ofile *of __maybe_unused)
{
	struct mqueue *q = f->priv;
	unsigned long flags;

	uk_spin_lock_irqsave(&q->lock, flags);
	q->notify = NOTIFY_OFF;
	uk_spin_unlock_irqrestore(&q->lock, flags);
}

static void mq_release(struct uk_file *f)
{
	struct mqueue *q = f->priv;
	struct uk_list *pos, *n;

	uk_list_for_each_safe(pos, n, &q->msgs)
		uk_free(mq_alloc(), uk_list_entry(pos, struct mq_msg, link));
	uk_mutex_lock(&names_lock);
	charged -= q->bytes;
	uk_mutex_unlock(&names_lock);
	uk_free(mq_alloc(), q);
}

/* Linux's mqueue_read_file: one status line, read from the position
 * on (the queue's bytes, the notification's kind, signal and owner). */
static ssize_t mq_read(struct uk_file *f, const struct iovec *iov,
		       int iovcnt, off_t *off,
		       unsigned int flags __maybe_unused)
{
	struct mqueue *q = f->priv;
	char line[80];
	unsigned long irq;
	int on, len;
	__sz n;

	uk_spin_lock_irqsave(&q->lock, irq);
	on = q->notify != NOTIFY_OFF;
	len = snprintf(line, sizeof(line),
		       "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		       q->qsize, on ? q->notify : 0,
		       on && q->notify == K_SIGEV_SIGNAL ? q->notify_signo : 0,
		       on ? UK_PROCESS_PID : 0);
	uk_spin_unlock_irqrestore(&q->lock, irq);
	if (*off >= len)
		return 0;
	n = uk_iov_copy_to(iov, iovcnt, 0, line + *off, len - *off);
	if (!n && uk_iov_total(iov, iovcnt))
		return -EFAULT;
	*off += n;
	return n;
}

static const struct uk_file_ops mq_ops = {
	.positioned = 1,
	.read = mq_read,
	.poll = mq_poll,
	.close = mq_close,
	.release = mq_release,
};

/* Copies the app's queue name (the C library took its '/'), checked as
 * Linux's lookup does: ENOENT for "", EACCES for ".", ".." and a '/',
 * ENAMETOOLONG past NAME_MAX. */
static int name_in(const char *uname, char *name)
{
	long len = uk_strncpy_from_user(name, uname, NAME_MAX + 1);

	if (len < 0)
		return (int)len;
	if (!len)
		return -ENOENT;
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		return -EACCES;
	return 0;
}

/* The named queue, or NULL; under names_lock. */
static struct mqueue *find(const char *name)
{
	struct uk_list *pos;
	struct mqueue *q;

	uk_list_for_each(pos, &names) {
		q = uk_list_entry(pos, struct mqueue, link);
		if (!strcmp(q->name, name))
			return q;
	}
	return NULL;
}

/* Makes the queue name with attr (NULL: the defaults), named, with the
 * names' reference; under names_lock. EINVAL for sizes outside Linux's
 * limits, EMFILE past RLIMIT_MSGQUEUE, ENOMEM. */
static int create(const char *name, mode_t mode,
		  const struct k_mq_attr *attr, struct mqueue **qp)
{
	long maxmsg = attr ? attr->mq_maxmsg : MQ_DFLT_MSGMAX;
	long msgsize = attr ? attr->mq_msgsize : MQ_DFLT_MSGSIZE;
	unsigned long bytes;
	struct mqueue *q;

	if (maxmsg <= 0 || msgsize <= 0 || maxmsg > MQ_HARD_MSGMAX ||
	    msgsize > MQ_HARD_MSGSIZEMAX)
		return -EINVAL;
	bytes = (unsigned long)maxmsg * (msgsize + MQ_SLOT_OVERHEAD);
	if (charged + bytes > uk_process_rlimit(K_RLIMIT_MSGQUEUE))
		return -EMFILE;
	q = uk_calloc(mq_alloc(), 1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	/* No file type: an epoll may watch it (Linux's is a regular file
	 * of its own filesystem). */
	uk_file_init(&q->f, &mq_ops, mode & 07777, q);
	strcpy(q->name, name);
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	q->bytes = bytes;
	uk_spin_init(&q->lock);
	uk_list_init(&q->msgs);
	q->notify = NOTIFY_OFF;
	uk_list_add_tail(&q->link, &names);
	charged += bytes;
	*qp = q;
	return 0;
}

/* Finds or makes the queue name for mq_open, as Linux checks it; takes
 * a reference for the caller. */
static int lookup(const char *name, int oflag, mode_t mode,
		  const struct k_mq_attr *attr, struct mqueue **qp)
{
	struct mqueue *q = find(name);
	int rc;

	if (!q) {
		if (!(oflag & O_CREAT))
			return -ENOENT;
		rc = create(name, mode, attr, &q);
		if (rc)
			return rc;
	} else if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		return -EEXIST;
	} else if ((oflag & ACC_MODE) == ACC_MODE) {
		return -EINVAL;
	}
	uk_file_get(&q->f);
	*qp = q;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, mq_open, const char *, uname, int, oflag,
		    mode_t, mode, const struct k_mq_attr *, uattr)
{
	char name[NAME_MAX + 1];
	struct k_mq_attr attr;
	struct mqueue *q;
	int rc;

	if (uattr && uk_copy_from_user(&attr, uattr, sizeof(attr)))
		return -EFAULT;
	rc = name_in(uname, name);
	if (rc)
		return rc;
	uk_mutex_lock(&names_lock);
	rc = lookup(name, oflag, mode, uattr ? &attr : NULL, &q);
	uk_mutex_unlock(&names_lock);
	if (rc)
		return rc;
	return uk_fdtab_open(&q->f, oflag & (ACC_MODE | O_NONBLOCK |
					     O_CLOEXEC));
}

UK_SYSCALL_R_DEFINE(int, mq_unlink, const char *, uname)
{
	char name[NAME_MAX + 1];
	struct mqueue *q;
	int rc;

	rc = name_in(uname, name);
	if (rc)
		return rc;
	uk_mutex_lock(&names_lock);
	q = find(name);
	if (q)
		uk_list_del(&q->link);
	uk_mutex_unlock(&names_lock);
	if (!q)
		return -ENOENT;
	/* The names' reference; open descriptions keep it alive. */
	uk_file_put(&q->f);
	return 0;
}

/* The queue behind fd, with its description in *of (put it after). */
static struct mqueue *mq_get(int fd, struct uk_ofile **of)
{
	*of = uk_fdtab_get(fd);
	if (PTRISERR(*of))
		return ERR2PTR(-EBADF);
	if ((*of)->file->ops != &mq_ops) {
		uk_ofile_put(*of);
		return ERR2PTR(-EBADF);
	}
	return (*of)->file->priv;
}

/* Whether of is open for acc (O_RDONLY: reading, O_WRONLY: writing);
 * O_RDWR is both, the mode 3 (which Linux lets a creating mq_open
 * have) neither. */
static int can(const struct uk_ofile *of, unsigned int acc)
{
	unsigned int mode = of->flags & ACC_MODE;

	return mode == acc || mode == O_RDWR;
}

/* The absolute CLOCK_REALTIME timeout uts (NULL: none) as a deadline
 * that follows wall-clock steps: none, or passed (which matters only
 * when the call has to wait). EFAULT, EINVAL. */
static int timeout_in(const struct uk_timespec *uts, struct uk_deadline *d)
{
	struct uk_timespec ts;
	int rc;

	uk_deadline_mono(d, 0);
	if (!uts)
		return 0;
	if (uk_copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	rc = uk_deadline_abs(d, UK_CLOCK_REALTIME, &ts);
	if (rc == -ETIMEDOUT) {
		uk_deadline_mono(d, 1);
		return 0;
	}
	return rc;
}

struct mq_wait {
	unsigned int events;
	struct uk_deadline *d;
};

/* Until one of the events, or a step of the wall clock the deadline
 * follows (the caller looks at it again). */
static int mq_ready(struct uk_file *f, void *arg)
{
	struct mq_wait *w = arg;

	return (uk_file_poll(f) & w->events) || uk_deadline_stale(w->d);
}

/* Waits for one of events of q's file, or says why not: -EAGAIN for a
 * nonblocking description, -UK_ERESTARTSYS for a signal (Linux restarts
 * the message queue calls), -ETIMEDOUT once deadline passed. */
static int wait_for(struct mqueue *q, struct uk_ofile *of,
		    unsigned int events, struct uk_deadline *d)
{
	struct mq_wait w = { events | UK_POLLERR | UK_POLLHUP, d };
	__nsec deadline = uk_deadline_at(d);

	if (of->flags & O_NONBLOCK)
		return -EAGAIN;
	if (uk_thread_interrupted(uk_thread_current()))
		return -UK_ERESTARTSYS;
	if (deadline && ukplat_monotonic_clock() >= deadline)
		return -ETIMEDOUT;
	uk_deadline_wait_begin(d);
	uk_file_wait_until(&q->f, w.events, mq_ready, &w, deadline);
	uk_deadline_wait_end(d);
	return 0;
}

/* Queues m if there is room: 1, and *si filled if a signal is to tell
 * of it; 0 if full. A message into an empty queue nobody waits on ends
 * the notification request (and signals for SIGEV_SIGNAL). */
static int put_msg(struct mqueue *q, struct mq_msg *m, struct uk_siginfo *si)
{
	struct uk_list *pos;
	unsigned long flags;
	struct mq_msg *o;

	uk_spin_lock_irqsave(&q->lock, flags);
	if (q->curmsgs >= q->maxmsg) {
		uk_spin_unlock_irqrestore(&q->lock, flags);
		return 0;
	}
	uk_list_for_each(pos, &q->msgs) {
		o = uk_list_entry(pos, struct mq_msg, link);
		if (o->prio < m->prio)
			break;
	}
	uk_list_add_tail(&m->link, pos);
	q->qsize += m->len;
	__atomic_store_n(&q->curmsgs, q->curmsgs + 1, __ATOMIC_RELEASE);
	if (q->curmsgs == 1 && q->notify != NOTIFY_OFF &&
	    !__atomic_load_n(&q->receivers, __ATOMIC_ACQUIRE)) {
		if (q->notify == K_SIGEV_SIGNAL) {
			si->si_signo = q->notify_signo;
			si->si_code = K_SI_MESGQ;
			si->si_a = UK_PROCESS_PID;
			si->si_value = q->notify_value;
		}
		q->notify = NOTIFY_OFF;
	}
	uk_spin_unlock_irqrestore(&q->lock, flags);
	return 1;
}

/* A message of len bytes of the app's buf, or an ERR2PTR. */
static struct mq_msg *msg_in(const char *buf, __sz len, unsigned int prio)
{
	struct mq_msg *m = uk_malloc(mq_alloc(), sizeof(*m) + len);

	if (!m)
		return ERR2PTR(-ENOMEM);
	if (uk_copy_from_user(m->data, buf, len)) {
		uk_free(mq_alloc(), m);
		return ERR2PTR(-EFAULT);
	}
	m->prio = prio;
	m->len = len;
	return m;
}

static int msg_send(struct mqueue *q, struct uk_ofile *of, const char *buf,
			__sz len, unsigned int prio, struct uk_deadline *d)
{
	struct uk_siginfo si = { 0 };
	struct mq_msg *m;
	int rc;

	if (!can(of, O_WRONLY))
		return -EBADF;
	if (len > (__sz)q->msgsize)
		return -EMSGSIZE;
	m = msg_in(buf, len, prio);
	if (PTRISERR(m))
		return PTR2ERR(m);
	while (!put_msg(q, m, &si)) {
		rc = wait_for(q, of, UK_POLLOUT, d);
		if (rc) {
			uk_free(mq_alloc(), m);
			return rc;
		}
	}
	uk_pollq_notify(&q->f.pollq, UK_POLLIN | UK_POLLRDNORM);
	if (si.si_signo)
		uk_signal_send(NULL, &si);
	return 0;
}

UK_SYSCALL_R_DEFINE(int, mq_timedsend, int, fd, const char *, buf,
		    size_t, len, unsigned int, prio,
		    const struct uk_timespec *, timeout)
{
	struct uk_ofile *of;
	struct mqueue *q;
	struct uk_deadline deadline;
	int rc;

	rc = timeout_in(timeout, &deadline);
	if (rc)
		return rc;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	q = mq_get(fd, &of);
	if (PTRISERR(q))
		return PTR2ERR(q);
	rc = msg_send(q, of, buf, len, prio, &deadline);
	uk_ofile_put(of);
	return rc;
}

/* Takes the first message, or NULL. */
static struct mq_msg *take_msg(struct mqueue *q)
{
	struct mq_msg *m = NULL;
	unsigned long flags;

	uk_spin_lock_irqsave(&q->lock, flags);
	if (!uk_list_empty(&q->msgs)) {
		m = uk_list_first_entry(&q->msgs, struct mq_msg, link);
		uk_list_del(&m->link);
		q->qsize -= m->len;
		__atomic_store_n(&q->curmsgs, q->curmsgs - 1,
				 __ATOMIC_RELEASE);
	}
	uk_spin_unlock_irqrestore(&q->lock, flags);
	return m;
}

static ssize_t msg_receive(struct mqueue *q, struct uk_ofile *of,
			   char *buf, __sz len, unsigned int *uprio,
			   struct uk_deadline *d)
{
	struct mq_msg *m;
	ssize_t rc;

	if (!can(of, O_RDONLY))
		return -EBADF;
	if (len < (__sz)q->msgsize)
		return -EMSGSIZE;
	while (!(m = take_msg(q))) {
		/* Counted: a message for a waiting receiver is no
		 * notification's. */
		__atomic_add_fetch(&q->receivers, 1, __ATOMIC_ACQ_REL);
		rc = wait_for(q, of, UK_POLLIN, d);
		__atomic_sub_fetch(&q->receivers, 1, __ATOMIC_ACQ_REL);
		if (rc)
			return rc;
	}
	uk_pollq_notify(&q->f.pollq, UK_POLLOUT | UK_POLLWRNORM);
	/* As Linux: a fault loses the message. */
	rc = (ssize_t)m->len;
	if (uk_copy_to_user(buf, m->data, m->len) ||
	    (uprio && uk_copy_to_user(uprio, &m->prio, sizeof(m->prio))))
		rc = -EFAULT;
	uk_free(mq_alloc(), m);
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, mq_timedreceive, int, fd, char *, buf,
		    size_t, len, unsigned int *, prio,
		    const struct uk_timespec *, timeout)
{
	struct uk_ofile *of;
	struct mqueue *q;
	struct uk_deadline deadline;
	ssize_t rc;

	rc = timeout_in(timeout, &deadline);
	if (rc)
		return rc;
	q = mq_get(fd, &of);
	if (PTRISERR(q))
		return PTR2ERR(q);
	rc = msg_receive(q, of, buf, len, prio, &deadline);
	uk_ofile_put(of);
	return rc;
}

/* Only O_NONBLOCK of mq_flags is set; the sizes are the queue's. */
UK_SYSCALL_R_DEFINE(int, mq_getsetattr, int, fd,
		    const struct k_mq_attr *, unew, struct k_mq_attr *, uold)
{
	struct k_mq_attr new, old = { 0 };
	struct uk_ofile *of;
	unsigned long flags;
	struct mqueue *q;
	int rc = 0;

	if (unew && uk_copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (unew && (new.mq_flags & ~(long)O_NONBLOCK))
		return -EINVAL;
	q = mq_get(fd, &of);
	if (PTRISERR(q))
		return PTR2ERR(q);
	uk_spin_lock_irqsave(&of->lock, flags);
	old.mq_flags = of->flags & O_NONBLOCK;
	if (unew)
		of->flags = (of->flags & ~O_NONBLOCK) |
			    (new.mq_flags & O_NONBLOCK);
	uk_spin_unlock_irqrestore(&of->lock, flags);
	old.mq_maxmsg = q->maxmsg;
	old.mq_msgsize = q->msgsize;
	old.mq_curmsgs = __atomic_load_n(&q->curmsgs, __ATOMIC_ACQUIRE);
	if (uold && uk_copy_to_user(uold, &old, sizeof(old)))
		rc = -EFAULT;
	uk_ofile_put(of);
	return rc;
}

/* Linux's checks of a request: the kind, the signal, and for
 * SIGEV_THREAD the netlink socket sigev_signo names (none exists). */
static int notify_check(const struct k_sigevent *ev)
{
	struct uk_ofile *of;
	int rc;

	switch (ev->notify) {
	case K_SIGEV_NONE:
		return 0;
	case K_SIGEV_SIGNAL:
		return (unsigned int)ev->signo > K_NSIG ? -EINVAL : 0;
	case K_SIGEV_THREAD:
		of = uk_fdtab_get(ev->signo);
		if (PTRISERR(of))
			return -EBADF;
		rc = uk_file_is_socket(of->file) ? -EINVAL : -ENOTSOCK;
		uk_ofile_put(of);
		return rc;
	}
	return -EINVAL;
}

/* One request per queue (EBUSY while one is there); NULL takes ours
 * back. */
UK_SYSCALL_R_DEFINE(int, mq_notify, int, fd, const struct k_sigevent *, uev)
{
	struct k_sigevent ev;
	struct uk_ofile *of;
	unsigned long flags;
	struct mqueue *q;
	int rc = 0;

	if (uev) {
		if (uk_copy_from_user(&ev, uev, sizeof(ev)))
			return -EFAULT;
		rc = notify_check(&ev);
		if (rc)
			return rc;
	}
	q = mq_get(fd, &of);
	if (PTRISERR(q))
		return PTR2ERR(q);
	uk_spin_lock_irqsave(&q->lock, flags);
	if (!uev) {
		q->notify = NOTIFY_OFF;
	} else if (q->notify != NOTIFY_OFF) {
		rc = -EBUSY;
	} else {
		q->notify = ev.notify;
		q->notify_signo = ev.signo;
		q->notify_value = ev.value;
	}
	uk_spin_unlock_irqrestore(&q->lock, flags);
	uk_ofile_put(of);
	return rc;
}
