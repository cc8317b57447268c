/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File locks, with Linux's semantics: fcntl record locks of the process
 * (F_SETLK, F_SETLKW, F_GETLK), open-file-description record locks
 * (F_OFD_*) and whole-file flock() locks (musl's lockf() is over fcntl).
 *
 * Each lock has an owner: the process for traditional record locks (one
 * process here, so they never conflict with each other), the open file
 * description for OFD and flock locks. Record locks of both kinds share
 * one list per file and conflict across owners (an OFD lock and the
 * process's own record lock conflict, as on Linux); flock locks are a
 * list of their own and never meet record locks. Record locks of one
 * owner are kept split and merged so that they never overlap.
 *
 * Releases: the process's record locks on a file go when any fd of it is
 * closed (POSIX's rule); OFD and flock locks when their description goes.
 * One mutex covers every file's locks; waiters (F_SETLKW, blocking flock)
 * sleep on one queue and look again after every release. A signal ends
 * the wait with nothing taken (EINTR, or the call again with SA_RESTART).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/nofault.h>
#include <uk/syscall.h>
#include <uk/wait.h>

#define OFF_MAX		LONG_MAX
/* The owner of the process's record locks (one process). */
#define PROCESS_OWNER	((void *)1)
#define UK_PID		1

struct file_lock {
	struct uk_list link;
	void *owner;			/* PROCESS_OWNER or a uk_ofile */
	short type;			/* F_RDLCK or F_WRLCK */
	off_t start, end;		/* inclusive; end OFF_MAX: to EOF */
};

/* A file's locks, made on its first lock. */
struct uk_file_locks {
	struct uk_list records;		/* fcntl, both kinds */
	struct uk_list flocks;		/* flock() */
};

static struct uk_mutex locks_mtx = UK_MUTEX_INITIALIZER(locks_mtx);
static struct uk_waitq locks_wq = UK_WAITQ_INITIALIZER(locks_wq);
/* Bumped at every release: waiters look again when it changes. */
static unsigned long releases;

static struct uk_file_locks *locks_of(struct uk_file *f, int make)
{
	struct uk_file_locks *l = f->locks;

	if (l || !make)
		return l;
	l = uk_malloc(uk_alloc_get_default(), sizeof(*l));
	if (!l)
		return NULL;
	uk_list_init(&l->records);
	uk_list_init(&l->flocks);
	f->locks = l;
	return l;
}

static int overlap(const struct file_lock *a, off_t start, off_t end)
{
	return a->start <= end && start <= a->end;
}

static int conflicts(const struct file_lock *a, void *owner, short type)
{
	return a->owner != owner &&
	       (a->type == F_WRLCK || type == F_WRLCK);
}

/* The first lock of another owner that keeps type on [start, end] from
 * being taken, or NULL. */
static struct file_lock *find_conflict(struct uk_list *list, void *owner,
				       short type, off_t start, off_t end)
{
	struct file_lock *l;
	struct uk_list *it;

	uk_list_for_each(it, list) {
		l = uk_list_entry(it, struct file_lock, link);
		if (overlap(l, start, end) && conflicts(l, owner, type))
			return l;
	}
	return NULL;
}

static void wake_waiters(void)
{
	releases++;
	uk_waitq_wake_up(&locks_wq);
}

/*
 * Drops locks_mtx (held) until a lock is released or a signal comes for
 * the caller, then takes it again. Returns 0, or -UK_ERESTARTSYS for a
 * signal: the call then fails with EINTR or runs again after the
 * handler (SA_RESTART), as Linux's F_SETLKW and flock do.
 */
static int wait_for_release(void)
{
	struct uk_thread *self = uk_thread_current();
	unsigned long seen = releases;

	uk_mutex_unlock(&locks_mtx);
	uk_waitq_wait_event(&locks_wq, READ_ONCE(releases) != seen ||
				       uk_thread_interrupted(self));
	uk_mutex_lock(&locks_mtx);
	return uk_thread_interrupted(self) ? -UK_ERESTARTSYS : 0;
}

static struct file_lock *lock_new(void *owner, short type, off_t start,
				  off_t end)
{
	struct file_lock *l = uk_malloc(uk_alloc_get_default(), sizeof(*l));

	if (l) {
		l->owner = owner;
		l->type = type;
		l->start = start;
		l->end = end;
	}
	return l;
}

/* Puts l into list, which is sorted by start (F_GETLK then reports the
 * lowest conflict, as Linux). */
static void lock_insert(struct uk_list *list, struct file_lock *l)
{
	struct uk_list *it;

	uk_list_for_each(it, list)
		if (uk_list_entry(it, struct file_lock, link)->start >
		    l->start)
			break;
	uk_list_add_tail(&l->link, it);
}

static void lock_free(struct file_lock *l)
{
	uk_list_del(&l->link);
	uk_free(uk_alloc_get_default(), l);
}

/*
 * Gives owner lock type (F_UNLCK: none) on [start, end] in list, cutting
 * and merging its other locks. Needs at most two new records, allocated
 * first (-ENOLCK if there is no memory: nothing changes). Mutex held.
 */
static int records_set(struct uk_list *list, void *owner, short type,
		       off_t start, off_t end)
{
	struct file_lock *spare[2], *l;
	struct uk_list *it, *next;
	int released = 0, split = 0;

	spare[0] = lock_new(owner, type, start, end);
	spare[1] = lock_new(owner, type, start, end);
	if (!spare[0] || !spare[1]) {
		uk_free(uk_alloc_get_default(), spare[0]);
		uk_free(uk_alloc_get_default(), spare[1]);
		return -ENOLCK;
	}
	/* Widen the new range over adjacent or overlapping locks of the
	 * same type, and cut the owner's others out of it. */
	uk_list_for_each_safe(it, next, list) {
		l = uk_list_entry(it, struct file_lock, link);
		if (l->owner != owner)
			continue;
		if (type == l->type && type != F_UNLCK &&
		    l->start <= (end == OFF_MAX ? end : end + 1) &&
		    start <= (l->end == OFF_MAX ? l->end : l->end + 1)) {
			start = MIN(start, l->start);
			end = MAX(end, l->end);
			lock_free(l);
			continue;
		}
		if (!overlap(l, start, end))
			continue;
		released = 1;
		if (l->start < start && l->end > end) {
			/* Split in two around the new range. */
			spare[1]->type = l->type;
			spare[1]->start = end + 1;
			spare[1]->end = l->end;
			l->end = start - 1;
			split = 1;
		} else if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			/* Starts later now: its place moves. */
			l->start = end + 1;
			uk_list_del(&l->link);
			lock_insert(list, l);
			break;
		} else {
			lock_free(l);
		}
	}
	if (split) {
		lock_insert(list, spare[1]);
		spare[1] = NULL;
	}
	if (type != F_UNLCK) {
		spare[0]->start = start;
		spare[0]->end = end;
		lock_insert(list, spare[0]);
		spare[0] = NULL;
	}
	uk_free(uk_alloc_get_default(), spare[0]);
	uk_free(uk_alloc_get_default(), spare[1]);
	if (released || type == F_UNLCK)
		wake_waiters();
	return 0;
}

/* Drops every lock of owner in list. Mutex held. */
static void drop_owner(struct uk_list *list, void *owner)
{
	struct uk_list *it, *next;
	int dropped = 0;

	uk_list_for_each_safe(it, next, list) {
		if (uk_list_entry(it, struct file_lock, link)->owner ==
		    owner) {
			lock_free(uk_list_entry(it, struct file_lock, link));
			dropped = 1;
		}
	}
	if (dropped)
		wake_waiters();
}

void uk_file_locks_fd_closed(struct uk_file *f)
{
	if (!READ_ONCE(f->locks))
		return;
	uk_mutex_lock(&locks_mtx);
	drop_owner(&f->locks->records, PROCESS_OWNER);
	uk_mutex_unlock(&locks_mtx);
}

void uk_file_locks_ofile_gone(struct uk_ofile *of)
{
	struct uk_file *f = of->file;

	if (!READ_ONCE(f->locks))
		return;
	uk_mutex_lock(&locks_mtx);
	drop_owner(&f->locks->records, of);
	drop_owner(&f->locks->flocks, of);
	uk_mutex_unlock(&locks_mtx);
}

void uk_file_locks_free(struct uk_file *f)
{
	struct uk_list *it, *next;

	if (!f->locks)
		return;
	uk_list_for_each_safe(it, next, &f->locks->records)
		lock_free(uk_list_entry(it, struct file_lock, link));
	uk_list_for_each_safe(it, next, &f->locks->flocks)
		lock_free(uk_list_entry(it, struct file_lock, link));
	uk_free(uk_alloc_get_default(), f->locks);
	f->locks = NULL;
}

/* --- fcntl ------------------------------------------------------------- */

static int is_ofd(int cmd)
{
	return cmd == F_OFD_GETLK || cmd == F_OFD_SETLK ||
	       cmd == F_OFD_SETLKW;
}

/* The byte range [*start, *end] fl describes for of. */
static int flock_range(struct uk_ofile *of, const struct flock *fl,
		       off_t *start, off_t *end)
{
	struct stat st;
	off_t base;
	int rc;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = of->pos;
		break;
	case SEEK_END:
		st.st_size = 0;
		if (of->file->ops->getstat) {
			rc = of->file->ops->getstat(of->file, &st);
			if (rc < 0)
				return rc;
		}
		base = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->l_start, start))
		return -EOVERFLOW;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(*start, fl->l_len - 1, end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		*end = *start - 1;
		if (__builtin_add_overflow(*start, fl->l_len, start))
			return -EINVAL;
	} else {
		*end = OFF_MAX;
	}
	return *start < 0 ? -EINVAL : 0;
}

static int do_getlk(struct uk_ofile *of, int cmd, struct flock *fl)
{
	void *owner = is_ofd(cmd) ? (void *)of : PROCESS_OWNER;
	struct uk_file_locks *locks;
	struct file_lock *c = NULL;
	off_t start, end;
	int rc;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	rc = flock_range(of, fl, &start, &end);
	if (rc < 0)
		return rc;
	uk_mutex_lock(&locks_mtx);
	locks = locks_of(of->file, 0);
	if (locks)
		c = find_conflict(&locks->records, owner, fl->l_type, start,
				  end);
	if (!c) {
		fl->l_type = F_UNLCK;
	} else {
		fl->l_type = c->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = c->start;
		fl->l_len = c->end == OFF_MAX ? 0 : c->end - c->start + 1;
		/* Linux: -1 for an OFD lock, else the owner's pid. */
		fl->l_pid = c->owner == PROCESS_OWNER ? UK_PID : -1;
	}
	uk_mutex_unlock(&locks_mtx);
	return 0;
}

static int do_setlk(struct uk_ofile *of, int cmd, const struct flock *fl)
{
	void *owner = is_ofd(cmd) ? (void *)of : PROCESS_OWNER;
	int wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	unsigned int acc = of->flags & O_ACCMODE;
	struct uk_file_locks *locks;
	off_t start, end;
	int rc;

	/* As Linux checks it: the type, the range, then the access mode. */
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK &&
	    fl->l_type != F_UNLCK)
		return -EINVAL;
	rc = flock_range(of, fl, &start, &end);
	if (rc < 0)
		return rc;
	if (fl->l_type == F_RDLCK && acc == O_WRONLY)
		return -EBADF;
	if (fl->l_type == F_WRLCK && acc == O_RDONLY)
		return -EBADF;
	uk_mutex_lock(&locks_mtx);
	for (;;) {
		locks = locks_of(of->file, fl->l_type != F_UNLCK);
		if (!locks) {
			rc = fl->l_type == F_UNLCK ? 0 : -ENOLCK;
			break;
		}
		if (fl->l_type == F_UNLCK ||
		    !find_conflict(&locks->records, owner, fl->l_type, start,
				   end)) {
			rc = records_set(&locks->records, owner, fl->l_type,
					 start, end);
			break;
		}
		if (!wait) {
			rc = -EAGAIN;
			break;
		}
		rc = wait_for_release();
		if (rc < 0)
			break;
	}
	uk_mutex_unlock(&locks_mtx);
	return rc;
}

int uk_vfs_fcntl_lock(struct uk_ofile *of, int cmd, void *arg)
{
	struct flock fl;
	int rc;

	if (uk_copy_from_user(&fl, arg, sizeof(fl)))
		return -EFAULT;
	/* OFD locks: l_pid must be 0 (Linux). */
	if (is_ofd(cmd) && fl.l_pid != 0)
		return -EINVAL;
	if (of->flags & O_PATH)
		return -EBADF;
	if (cmd != F_GETLK && cmd != F_OFD_GETLK)
		return do_setlk(of, cmd, &fl);
	rc = do_getlk(of, cmd, &fl);
	if (rc == 0 && uk_copy_to_user(arg, &fl, sizeof(fl)))
		rc = -EFAULT;
	return rc;
}

/* --- flock ------------------------------------------------------------- */

static int sys_flock(int fd, int op)
{
	int type, rc, nb = op & LOCK_NB;
	struct uk_file_locks *locks;
	struct uk_ofile *of;

	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	of = uk_fdtab_get(fd);
	if (PTRISERR(of))
		return PTR2ERR(of);
	if (of->flags & O_PATH) {
		uk_ofile_put(of);
		return -EBADF;
	}
	uk_mutex_lock(&locks_mtx);
	for (;;) {
		locks = locks_of(of->file, type != F_UNLCK);
		if (!locks) {
			rc = type == F_UNLCK ? 0 : -ENOLCK;
			break;
		}
		/* A conversion first lets go of the old lock, as Linux. */
		if (type != F_UNLCK &&
		    find_conflict(&locks->flocks, of, type, 0, OFF_MAX)) {
			drop_owner(&locks->flocks, of);
			if (nb) {
				rc = -EWOULDBLOCK;
				break;
			}
			rc = wait_for_release();
			if (rc < 0)
				break;
			continue;
		}
		rc = records_set(&locks->flocks, of, type, 0, OFF_MAX);
		break;
	}
	uk_mutex_unlock(&locks_mtx);
	uk_ofile_put(of);
	return rc;
}

UK_SYSCALL_R_DEFINE(int, flock, int, fd, int, op)
{
	return sys_flock(fd, op);
}
