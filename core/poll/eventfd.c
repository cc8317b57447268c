/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eventfd: a file holding a 64-bit counter. A write adds to it, a read
 * takes it all (or 1 in semaphore mode); reads of a zero counter and
 * writes that would pass 0xfffffffffffffffe return -EAGAIN, and the fd
 * layer waits on the file's queue for blocking descriptions.
 *
 * The counter changes by compare-and-swap, so there is no lock and the
 * poll op is one atomic load.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/syscall.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/file.h>

#define EFD_MAX		0xfffffffffffffffeULL
#define EFD_FLAGS	(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)

struct eventfd {
	struct uk_file f;
	__u64 count;
	int semaphore;
	int id;			/* Linux's eventfd-id (fdinfo) */
};

static ssize_t efd_read(struct uk_file *f, const struct iovec *iov,
			int iovcnt, off_t *off __maybe_unused,
			unsigned int flags __maybe_unused)
{
	struct eventfd *e = f->priv;
	__u64 c, take;

	if (uk_iov_total(iov, iovcnt) < sizeof(c))
		return -EINVAL;
	c = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
	do {
		if (!c)
			return -EAGAIN;
		take = e->semaphore ? 1 : c;
	} while (!__atomic_compare_exchange_n(&e->count, &c, c - take, 0,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	uk_pollq_notify(&f->pollq, UK_POLLOUT | UK_POLLWRNORM);
	/* As Linux: a fault loses the value taken. */
	if (uk_iov_copy_to(iov, iovcnt, 0, &take, sizeof(take)) <
	    sizeof(take))
		return -EFAULT;
	return sizeof(take);
}

static ssize_t efd_write(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off __maybe_unused,
			 unsigned int flags __maybe_unused)
{
	struct eventfd *e = f->priv;
	__u64 c, add;

	if (uk_iov_total(iov, iovcnt) < sizeof(add))
		return -EINVAL;
	if (uk_iov_copy_from(&add, iov, iovcnt, 0, sizeof(add)) <
	    sizeof(add))
		return -EFAULT;
	if (add == ~0ULL)
		return -EINVAL;
	c = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
	do {
		if (EFD_MAX - c < add)
			return -EAGAIN;
	} while (!__atomic_compare_exchange_n(&e->count, &c, c + add, 0,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	if (add)
		uk_pollq_notify(&f->pollq, UK_POLLIN | UK_POLLRDNORM);
	return sizeof(add);
}

static unsigned int efd_poll(struct uk_file *f)
{
	struct eventfd *e = f->priv;
	__u64 c = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
	unsigned int ev = 0;

	if (c)
		ev |= UK_POLLIN | UK_POLLRDNORM;
	/* Only a kernel-side overflow reaches ~0 (Linux reports it). */
	if (c == ~0ULL)
		ev |= UK_POLLERR;
	if (c < EFD_MAX)
		ev |= UK_POLLOUT | UK_POLLWRNORM;
	return ev;
}

/* As Linux's eventfd_show_fdinfo: the count in hex. */
static int efd_fdinfo(struct uk_file *f, char *buf, __sz size)
{
	struct eventfd *e = f->priv;

	return snprintf(buf, size, "eventfd-count: %16llx\neventfd-id: %d\n"
			"eventfd-semaphore: %d\n",
			(unsigned long long)__atomic_load_n(&e->count,
							    __ATOMIC_ACQUIRE),
			e->id, e->semaphore);
}

static void efd_release(struct uk_file *f)
{
	uk_free(uk_alloc_get_default(), f->priv);
}

static const struct uk_file_ops efd_ops = {
	.link_name = "anon_inode:[eventfd]",
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.fdinfo = efd_fdinfo,
	.release = efd_release,
};

UK_SYSCALL_R_DEFINE(int, eventfd2, unsigned int, initval, int, flags)
{
	static int next_id;
	struct eventfd *e;

	if (flags & ~EFD_FLAGS)
		return -EINVAL;
	e = uk_malloc(uk_alloc_get_default(), sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = !!(flags & EFD_SEMAPHORE);
	/* Linux's ids are the lowest free (an ida); these only grow. */
	e->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED) & INT_MAX;
	/* An anonymous inode: no file type bits, mode 0600 (Linux). */
	uk_file_init(&e->f, &efd_ops, S_IRUSR | S_IWUSR, e);
	/* On failure the fd layer dropped the file's only reference. */
	return uk_fdtab_open(&e->f, O_RDWR |
			     (flags & (O_NONBLOCK | O_CLOEXEC)));
}

UK_SYSCALL_R_DEFINE(int, eventfd, unsigned int, initval)
{
	return __uk_sys_eventfd2(initval, 0);
}
