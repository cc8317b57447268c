/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/null and /dev/zero, with Linux's semantics: null reads end of file
 * and swallows writes; zero reads zeros and swallows writes. Each is one
 * static file shared by every open.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/devfs.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/nofault.h>

static ssize_t sink_write(struct uk_file *f __maybe_unused, const struct iovec *iov,
			  int iovcnt, off_t *off __maybe_unused,
			  unsigned int flags __maybe_unused)
{
	return uk_iov_total(iov, iovcnt);
}

static ssize_t null_read(struct uk_file *f __maybe_unused,
			 const struct iovec *iov __maybe_unused, int iovcnt __maybe_unused,
			 off_t *off __maybe_unused, unsigned int flags __maybe_unused)
{
	return 0;
}

static ssize_t zero_read(struct uk_file *f __maybe_unused, const struct iovec *iov,
			 int iovcnt, off_t *off __maybe_unused,
			 unsigned int flags __maybe_unused)
{
	static const char zeros[4096];
	__sz total = uk_iov_total(iov, iovcnt), done = 0, n, c;

	for (; done < total; done += c) {
		n = MIN(total - done, sizeof(zeros));
		c = uk_iov_copy_to(iov, iovcnt, done, zeros, n);
		if (c < n)
			return done + c ? (ssize_t)(done + c) : -EFAULT;
	}
	return done;
}

static const struct uk_file_ops null_ops = {
	.link_name = "/dev/null",
	.read = null_read,
	.write = sink_write,
};

static const struct uk_file_ops zero_ops = {
	.link_name = "/dev/zero",
	.splice_read = 1,
	.read = zero_read,
	.write = sink_write,
};

/* Never released: the static reference of uk_file_init stays. */
static struct uk_file null_file, zero_file;

static struct uk_file *dev_open(const struct uk_devfs_dev *dev,
				unsigned int flags __maybe_unused)
{
	return uk_file_get(dev->priv);
}

static int null_init(struct uk_init_ctx *ctx __maybe_unused)
{
	uk_file_init(&null_file, &null_ops, S_IFCHR | 0666, NULL);
	uk_file_init(&zero_file, &zero_ops, S_IFCHR | 0666, NULL);
	return 0;
}

uk_rootfs_initcall_prio(null_init, NULL, 4);

static const struct uk_devfs_dev null_dev = {
	.name = "null", .mode = 0666, .open = dev_open, .priv = &null_file,
};
UK_DEVFS_REGISTER(null_dev);

static const struct uk_devfs_dev zero_dev = {
	.name = "zero", .mode = 0666, .open = dev_open, .priv = &zero_file,
};
UK_DEVFS_REGISTER(zero_dev);
