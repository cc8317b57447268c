/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/random, /dev/urandom (the CSPRNG) and /dev/hwrng (raw bytes of
 * ukplat_hwrng). None ever blocks. random and urandom are the same
 * device, as on Linux 5.18+ once seeded; writes to either are mixed into
 * the key. hwrng is read-only, as on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/devfs.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/file.h>
#include <uk/nofault.h>
#include <uk/plat/random.h>
#include <uk/random.h>

#define CHUNK		256
/* One hwrng read returns at most this much: a slow source (timing
 * jitter on metal) must not stall the caller for seconds. */
#define HWRNG_READ_MAX	4096

static ssize_t crng_read(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off, unsigned int flags)
{
	__sz done = 0, want;
	long got;
	int i;

	for (i = 0; i < iovcnt && done < UK_RANDOM_MAX_REQUEST; i++) {
		want = MIN(iov[i].iov_len, UK_RANDOM_MAX_REQUEST - done);
		if (!want)
			continue;
		got = uk_random_fill_user(iov[i].iov_base, want);
		if (got < 0)
			return done ? (ssize_t)done : got;
		done += got;
		if ((__sz)got < want)
			break;
	}
	return done;
}

static ssize_t crng_write(struct uk_file *f, const struct iovec *iov,
			  int iovcnt, off_t *off, unsigned int flags)
{
	__sz total = uk_iov_total(iov, iovcnt), done = 0, n;
	__u8 buf[CHUNK];

	for (; done < total; done += n) {
		n = uk_iov_copy_from(buf, iov, iovcnt, done, sizeof(buf));
		if (!n)
			break;
		uk_random_mix(buf, n);
	}
	explicit_bzero(buf, sizeof(buf));
	return done || !total ? (ssize_t)done : -EFAULT;
}

static unsigned int crng_poll(struct uk_file *f)
{
	return UK_POLLIN | UK_POLLRDNORM | UK_POLLOUT | UK_POLLWRNORM;
}

static ssize_t hwrng_read(struct uk_file *f, const struct iovec *iov,
			  int iovcnt, off_t *off, unsigned int flags)
{
	__sz want = MIN(uk_iov_total(iov, iovcnt), (__sz)HWRNG_READ_MAX);
	__sz done = 0, n;
	__u8 buf[CHUNK];
	long rc = 0;

	for (; done < want; done += n) {
		n = MIN(want - done, sizeof(buf));
		rc = ukplat_hwrng(buf, n);
		if (rc != (long)n) {
			rc = rc < 0 ? rc : -EIO;
			break;
		}
		if (uk_iov_copy_to(iov, iovcnt, done, buf, n) < n) {
			rc = -EFAULT;
			break;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	return done ? (ssize_t)done : (rc < 0 ? rc : 0);
}

static unsigned int hwrng_poll(struct uk_file *f)
{
	return UK_POLLIN | UK_POLLRDNORM;
}

static void dev_release(struct uk_file *f)
{
	uk_free(uk_alloc_get_default(), f);
}

static const struct uk_file_ops crng_ops = {
	.splice_read = 1,
	.read = crng_read,
	.write = crng_write,
	.poll = crng_poll,
	.release = dev_release,
};

static const struct uk_file_ops hwrng_ops = {
	.read = hwrng_read,
	.poll = hwrng_poll,
	.release = dev_release,
};

static struct uk_file *dev_file(const struct uk_devfs_dev *dev,
				const struct uk_file_ops *ops)
{
	struct uk_file *f = uk_malloc(uk_alloc_get_default(), sizeof(*f));

	if (!f)
		return ERR2PTR(-ENOMEM);
	uk_file_init(f, ops, S_IFCHR | dev->mode, NULL);
	return f;
}

static struct uk_file *crng_open(const struct uk_devfs_dev *dev,
				 unsigned int flags)
{
	return dev_file(dev, &crng_ops);
}

static struct uk_file *hwrng_open(const struct uk_devfs_dev *dev,
				  unsigned int flags)
{
	/* As Linux's hw_random: read-only. */
	if ((flags & O_ACCMODE) != O_RDONLY)
		return ERR2PTR(-EINVAL);
	return dev_file(dev, &hwrng_ops);
}

static const struct uk_devfs_dev random_dev = {
	.name = "random", .mode = 0666, .open = crng_open,
};
UK_DEVFS_REGISTER(random_dev);

static const struct uk_devfs_dev urandom_dev = {
	.name = "urandom", .mode = 0666, .open = crng_open,
};
UK_DEVFS_REGISTER(urandom_dev);

static const struct uk_devfs_dev hwrng_dev = {
	.name = "hwrng", .mode = 0600, .open = hwrng_open,
};
UK_DEVFS_REGISTER(hwrng_dev);
