/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fd table (uk/fdtab.h): an array of descriptions plus two bitmaps
 * (in use, close-on-exec), so the lowest free fd is found a word at a
 * time. It doubles when full, up to UK_FDTAB_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/init.h>
#include <uk/spinlock.h>

#define BITS		(8 * sizeof(unsigned long))
#define FDTAB_MIN	64

struct fdtab {
	struct uk_spinlock lock;
	int size;			/* fds the arrays hold */
	int count;			/* fds in use */
	int limit;			/* RLIMIT_NOFILE: none handed out >= */
	struct uk_ofile **files;
	unsigned long *used;
	unsigned long *cloexec;
};

static struct fdtab fdtab = {
	.lock = UK_SPINLOCK_INITIALIZER(),
	.limit = UK_FDTAB_MAX,
};

static int test_bit(const unsigned long *map, int i)
{
	return (map[i / BITS] >> (i % BITS)) & 1;
}

static void assign_bit(unsigned long *map, int i, int val)
{
	if (val)
		map[i / BITS] |= 1UL << (i % BITS);
	else
		map[i / BITS] &= ~(1UL << (i % BITS));
}

/* The lowest clear bit >= from in used, or t->size if none. */
static int find_free(const struct fdtab *t, int from)
{
	int i = from;

	while (i < t->size) {
		unsigned long w = ~t->used[i / BITS] >> (i % BITS);

		if (w)
			return MIN(i + __builtin_ctzl(w), t->size);
		i = ALIGN_DOWN(i, BITS) + BITS;
	}
	return t->size;
}

struct fdtab_arrays {
	struct uk_ofile **files;
	unsigned long *used, *cloexec;
};

static void arrays_free(struct fdtab_arrays *a)
{
	struct uk_alloc *al = uk_alloc_get_default();

	uk_free(al, a->files);
	uk_free(al, a->used);
	uk_free(al, a->cloexec);
}

static int arrays_alloc(struct fdtab_arrays *a, int size)
{
	struct uk_alloc *al = uk_alloc_get_default();

	a->files = uk_calloc(al, size, sizeof(*a->files));
	a->used = uk_calloc(al, size / BITS, sizeof(unsigned long));
	a->cloexec = uk_calloc(al, size / BITS, sizeof(unsigned long));
	if (a->files && a->used && a->cloexec)
		return 0;
	arrays_free(a);
	return -ENOMEM;
}

/* Makes the table hold at least want fds. Called and returns with the
 * lock held; drops it to allocate. */
static int grow(int want, unsigned long *flags)
{
	struct fdtab_arrays a, old;
	int size;

	while (fdtab.size < want) {
		size = MAX(fdtab.size * 2, FDTAB_MIN);
		while (size < want)
			size *= 2;
		uk_spin_unlock_irqrestore(&fdtab.lock, *flags);
		if (arrays_alloc(&a, size)) {
			uk_spin_lock_irqsave(&fdtab.lock, *flags);
			return -ENOMEM;
		}
		uk_spin_lock_irqsave(&fdtab.lock, *flags);
		if (fdtab.size >= size) {	/* someone else grew it */
			uk_spin_unlock_irqrestore(&fdtab.lock, *flags);
			arrays_free(&a);
			uk_spin_lock_irqsave(&fdtab.lock, *flags);
			continue;
		}
		if (fdtab.size) {
			memcpy(a.files, fdtab.files,
			       fdtab.size * sizeof(*a.files));
			memcpy(a.used, fdtab.used, fdtab.size / BITS *
			       sizeof(unsigned long));
			memcpy(a.cloexec, fdtab.cloexec, fdtab.size / BITS *
			       sizeof(unsigned long));
		}
		old = (struct fdtab_arrays){ fdtab.files, fdtab.used,
					     fdtab.cloexec };
		fdtab.files = a.files;
		fdtab.used = a.used;
		fdtab.cloexec = a.cloexec;
		fdtab.size = size;
		uk_spin_unlock_irqrestore(&fdtab.lock, *flags);
		arrays_free(&old);
		uk_spin_lock_irqsave(&fdtab.lock, *flags);
	}
	return 0;
}

static void set_slot(int fd, struct uk_ofile *of, int cloexec)
{
	fdtab.files[fd] = of;
	assign_bit(fdtab.used, fd, of != NULL);
	assign_bit(fdtab.cloexec, fd, of && cloexec);
}

int uk_fdtab_install(struct uk_ofile *of, int minfd, int cloexec)
{
	unsigned long flags;
	int fd, rc;

	if (minfd < 0 || minfd >= UK_FDTAB_MAX) {
		uk_ofile_put(of);
		return -EINVAL;
	}
	uk_spin_lock_irqsave(&fdtab.lock, flags);
	for (;;) {
		fd = find_free(&fdtab, minfd);
		if (fd < fdtab.size && fd < fdtab.limit)
			break;
		/* None free in the table: the next fd is past its end. */
		rc = MAX(fd, minfd) >= fdtab.limit ? -EMFILE :
			grow(MAX(fdtab.size + 1, minfd + 1), &flags);
		if (rc) {
			uk_spin_unlock_irqrestore(&fdtab.lock, flags);
			uk_ofile_put(of);
			return rc;
		}
	}
	set_slot(fd, of, cloexec);
	fdtab.count++;
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return fd;
}

/* An fd of of went (closed or replaced): the process's record locks on
 * the file go with it (POSIX), then the fd's reference. */
static void fd_gone(struct uk_ofile *of)
{
	uk_file_locks_fd_closed(of->file);
	uk_ofile_put(of);
}

int uk_fdtab_install_at(struct uk_ofile *of, int fd, int cloexec)
{
	struct uk_ofile *old;
	unsigned long flags;

	if (fd < 0 || fd >= UK_FDTAB_MAX) {
		uk_ofile_put(of);
		return -EBADF;
	}
	uk_spin_lock_irqsave(&fdtab.lock, flags);
	if (fd >= fdtab.limit) {
		uk_spin_unlock_irqrestore(&fdtab.lock, flags);
		uk_ofile_put(of);
		return -EBADF;
	}
	if (grow(fd + 1, &flags)) {
		uk_spin_unlock_irqrestore(&fdtab.lock, flags);
		uk_ofile_put(of);
		return -ENOMEM;
	}
	old = fdtab.files[fd];
	if (!old)
		fdtab.count++;
	set_slot(fd, of, cloexec);
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	/* The old description may run close ops that block: unlocked. */
	if (old)
		fd_gone(old);
	return fd;
}

void uk_fdtab_set_limit(unsigned long limit)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&fdtab.lock, flags);
	fdtab.limit = MIN(limit, (unsigned long)UK_FDTAB_MAX);
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
}

int uk_fdtab_limit(void)
{
	return __atomic_load_n(&fdtab.limit, __ATOMIC_RELAXED);
}

int uk_fdtab_open(struct uk_file *f, unsigned int flags)
{
	struct uk_ofile *of = uk_ofile_create(f, flags);

	if (PTRISERR(of))
		return PTR2ERR(of);
	return uk_fdtab_install(of, 0, !!(flags & O_CLOEXEC));
}

struct uk_ofile *uk_fdtab_get(int fd)
{
	struct uk_ofile *of = NULL;
	unsigned long flags;

	if (fd < 0)
		return ERR2PTR(-EBADF);
	uk_spin_lock_irqsave(&fdtab.lock, flags);
	if (fd < fdtab.size && fdtab.files[fd])
		of = uk_ofile_get(fdtab.files[fd]);
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return of ? of : ERR2PTR(-EBADF);
}

int uk_fdtab_holds(int fd, const struct uk_ofile *of)
{
	unsigned long flags;
	int same;

	if (fd < 0)
		return 0;
	uk_spin_lock_irqsave(&fdtab.lock, flags);
	same = fd < fdtab.size && fdtab.files[fd] == of;
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return same;
}

struct uk_file *uk_fdtab_get_file(int fd)
{
	struct uk_ofile *of = uk_fdtab_get(fd);
	struct uk_file *f;

	if (PTRISERR(of))
		return ERR2PTR(PTR2ERR(of));
	f = uk_file_get(of->file);
	uk_ofile_put(of);
	return f;
}

/* Takes the description out of fd; returns it or NULL. Lock held. */
static struct uk_ofile *take(int fd)
{
	struct uk_ofile *of;

	if (fd < 0 || fd >= fdtab.size || !fdtab.files[fd])
		return NULL;
	of = fdtab.files[fd];
	set_slot(fd, NULL, 0);
	fdtab.count--;
	return of;
}

int uk_fdtab_close(int fd)
{
	struct uk_ofile *of;
	unsigned long flags;

	uk_spin_lock_irqsave(&fdtab.lock, flags);
	of = take(fd);
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	if (!of)
		return -EBADF;
	fd_gone(of);
	return 0;
}

int uk_fdtab_close_range(unsigned int first, unsigned int last,
			 int cloexec_only)
{
	struct uk_ofile *of;
	unsigned long flags;
	unsigned int fd;

	if (first > last)
		return -EINVAL;
	uk_spin_lock_irqsave(&fdtab.lock, flags);
	for (fd = first; fd <= last && fd < (unsigned int)fdtab.size; fd++) {
		if (!fdtab.files[fd])
			continue;
		if (cloexec_only) {
			assign_bit(fdtab.cloexec, fd, 1);
			continue;
		}
		of = take(fd);
		uk_spin_unlock_irqrestore(&fdtab.lock, flags);
		fd_gone(of);
		uk_spin_lock_irqsave(&fdtab.lock, flags);
	}
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return 0;
}

int uk_fdtab_getfd(int fd)
{
	unsigned long flags;
	int rc = -EBADF;

	uk_spin_lock_irqsave(&fdtab.lock, flags);
	if (fd >= 0 && fd < fdtab.size && fdtab.files[fd])
		rc = test_bit(fdtab.cloexec, fd);
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return rc;
}

int uk_fdtab_setfd(int fd, int cloexec)
{
	unsigned long flags;
	int rc = -EBADF;

	uk_spin_lock_irqsave(&fdtab.lock, flags);
	if (fd >= 0 && fd < fdtab.size && fdtab.files[fd]) {
		assign_bit(fdtab.cloexec, fd, cloexec);
		rc = 0;
	}
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return rc;
}

int uk_fdtab_next(int from)
{
	unsigned long flags, w;
	int i = MAX(from, 0), fd = -1;

	uk_spin_lock_irqsave(&fdtab.lock, flags);
	while (i < fdtab.size) {
		w = fdtab.used[i / BITS] >> (i % BITS);
		if (w) {
			fd = i + __builtin_ctzl(w);
			break;
		}
		i = ALIGN_DOWN(i, BITS) + BITS;
	}
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	return fd;
}

int uk_fdtab_count(void)
{
	return __atomic_load_n(&fdtab.count, __ATOMIC_RELAXED);
}

/* At exit, after the users of fds have closed theirs (their terms run
 * first): close what is left and give the arrays back, so memcheck
 * sees every boot allocation freed. */
static void fdtab_term(void)
{
	struct fdtab_arrays a;
	unsigned long flags;

	uk_fdtab_close_range(0, ~0U, 0);
	uk_spin_lock_irqsave(&fdtab.lock, flags);
	a = (struct fdtab_arrays){ fdtab.files, fdtab.used, fdtab.cloexec };
	fdtab.files = NULL;
	fdtab.used = fdtab.cloexec = NULL;
	fdtab.size = 0;
	uk_spin_unlock_irqrestore(&fdtab.lock, flags);
	arrays_free(&a);
}

uk_termcall_class_prio(fdtab_term, UK_INIT_CLASS_LIB, 0);
