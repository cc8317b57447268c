/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/input/event0: input device 0 through Linux's evdev interface.
 * Every open is a reader with its own queue (uk/input.h); read returns
 * whole struct input_event records (EINVAL for a buffer smaller than
 * one), poll and epoll see POLLIN while events wait, and writing
 * records injects them into the device, as on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <linux/input.h>
#include <uk/alloc.h>
#include <uk/devfs.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/input.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>

#define READ_BATCH	16

struct evdev_file {
	struct uk_file file;
	struct uk_input_reader *reader;
	struct uk_input_dev *dev;
	int clock;			/* EVIOCSCLOCKID */
	__nsec clock_off;		/* wall - that clock, at open */
};

static void to_user_event(const struct evdev_file *e,
			  const struct uk_input_event *k,
			  struct input_event *u)
{
	__nsec t = k->time - e->clock_off;

	memset(u, 0, sizeof(*u));
	u->time.tv_sec = (time_t)(t / 1000000000ULL);
	u->time.tv_usec = (suseconds_t)(t % 1000000000ULL / 1000);
	u->type = k->type;
	u->code = k->code;
	u->value = k->value;
}

static ssize_t evdev_read(struct uk_file *f, const struct iovec *iov,
			  int iovcnt, off_t *off __maybe_unused,
			  unsigned int flags __maybe_unused)
{
	struct evdev_file *e = f->priv;
	struct uk_input_event k[READ_BATCH];
	struct input_event u;
	__sz total = uk_iov_total(iov, iovcnt), done = 0;
	unsigned int n, i;

	if (total < sizeof(u))
		return -EINVAL;
	while (total - done >= sizeof(u)) {
		n = MIN((unsigned int)((total - done) / sizeof(u)),
			(unsigned int)READ_BATCH);
		n = uk_input_reader_take(e->reader, k, n);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			to_user_event(e, &k[i], &u);
			if (uk_iov_copy_to(iov, iovcnt, done, &u, sizeof(u)) <
			    sizeof(u))
				return done ? (ssize_t)done : -EFAULT;
			done += sizeof(u);
		}
	}
	return done ? (ssize_t)done : -EAGAIN;
}

static ssize_t evdev_write(struct uk_file *f, const struct iovec *iov,
			   int iovcnt, off_t *off __maybe_unused,
			   unsigned int flags __maybe_unused)
{
	struct evdev_file *e = f->priv;
	__sz total = uk_iov_total(iov, iovcnt), done = 0;
	struct input_event u;

	if (total < sizeof(u))
		return -EINVAL;
	for (; total - done >= sizeof(u); done += sizeof(u)) {
		if (uk_iov_copy_from(&u, iov, iovcnt, done, sizeof(u)) <
		    sizeof(u))
			return done ? (ssize_t)done : -EFAULT;
		uk_input_report(e->dev, u.type, u.code, u.value);
	}
	return (ssize_t)done;
}

static unsigned int evdev_poll(struct uk_file *f)
{
	struct evdev_file *e = f->priv;

	if (uk_input_reader_pending(e->reader))
		return UK_POLLIN | UK_POLLRDNORM | UK_POLLOUT | UK_POLLWRNORM;
	return UK_POLLOUT | UK_POLLWRNORM;
}

/* Copies min(len, size) bytes; returns that count, as Linux's evdev. */
static int copy_out(void *arg, unsigned long len, const void *src,
		    __sz size)
{
	__sz n = MIN((__sz)len, size);
	int rc = uk_copy_to_user(arg, src, n);

	return rc ? rc : (int)n;
}

static int get_bits(struct uk_input_dev *dev, unsigned int ev, void *arg,
		    unsigned long len)
{
	static const __u64 none[2];

	switch (ev) {
	case 0:
		return copy_out(arg, len, dev->evbit, sizeof(dev->evbit));
	case EV_KEY:
		return copy_out(arg, len, dev->keybit, sizeof(dev->keybit));
	case EV_REL:
		return copy_out(arg, len, dev->relbit, sizeof(dev->relbit));
	case EV_ABS:
		return copy_out(arg, len, dev->absbit, sizeof(dev->absbit));
	case EV_MSC:
	case EV_LED:
	case EV_SND:
	case EV_SW:
		return copy_out(arg, len, none, 8);
	case EV_FF:
		return copy_out(arg, len, none, 16);
	default:
		return -EINVAL;
	}
}

static int get_string(void *arg, unsigned long len, const char *s)
{
	if (!*s)
		return -ENOENT;
	return copy_out(arg, len, s, strlen(s) + 1);
}

static int set_clock(struct evdev_file *e, void *arg)
{
	int id, rc;

	rc = uk_copy_from_user(&id, arg, sizeof(id));
	if (rc)
		return rc;
	switch (id) {
	case CLOCK_REALTIME:
		e->clock_off = 0;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		e->clock_off = ukplat_wall_clock() - ukplat_monotonic_clock();
		break;
	default:
		return -EINVAL;
	}
	e->clock = id;
	return 0;
}

/* Requests whose size is in the number (EVIOCGNAME(len) ...). */
static int sized_ioctl(struct evdev_file *e, unsigned long req, void *arg)
{
	struct uk_input_dev *dev = e->dev;
	unsigned long len = _IOC_SIZE(req);
	static const __u64 none[2];

	if (_IOC_TYPE(req) != 'E' || _IOC_DIR(req) != _IOC_READ)
		return -ENOTTY;
	switch (_IOC_NR(req)) {
	case 0x06:
		return get_string(arg, len, dev->name);
	case 0x07:
	case 0x08:
		return -ENOENT;		/* no physical path, no unique id */
	case 0x09:
		return copy_out(arg, len, dev->propbit, sizeof(dev->propbit));
	case 0x18:
		return copy_out(arg, len, dev->keystate,
				sizeof(dev->keystate));
	case 0x19:
	case 0x1a:
	case 0x1b:
		return copy_out(arg, len, none, 8);
	}
	if (_IOC_NR(req) >= 0x20 && _IOC_NR(req) < 0x20 + EV_CNT)
		return get_bits(dev, _IOC_NR(req) - 0x20, arg, len);
	return -ENOTTY;
}

static int evdev_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct evdev_file *e = f->priv;
	struct uk_input_dev *dev = e->dev;
	struct input_id id;
	int version = EV_VERSION;
	unsigned int abs;

	switch (req) {
	case EVIOCGVERSION:
		return uk_copy_to_user(arg, &version, sizeof(version));
	case EVIOCGID:
		id = (struct input_id){ dev->bustype, dev->vendor,
					dev->product, dev->version };
		return uk_copy_to_user(arg, &id, sizeof(id));
	case EVIOCGREP:
	case EVIOCSREP:
		return -ENOSYS;		/* no EV_REP: Linux's answer */
	case EVIOCGRAB:
		return (unsigned long)arg <= 1 ? 0 : -EINVAL;
	case EVIOCSCLOCKID:
		return set_clock(e, arg);
	}
	if (_IOC_TYPE(req) == 'E' && _IOC_DIR(req) == _IOC_READ &&
	    _IOC_NR(req) >= 0x40 && _IOC_NR(req) < 0x40 + ABS_CNT) {
		abs = _IOC_NR(req) - 0x40;
		if (!(dev->absbit[0] & (1ULL << abs)))
			return -EINVAL;
		return uk_copy_to_user(arg, &dev->abs[abs],
				       MIN((__sz)_IOC_SIZE(req),
					   sizeof(struct input_absinfo)));
	}
	return sized_ioctl(e, req, arg);
}

static void evdev_release(struct uk_file *f)
{
	struct evdev_file *e = f->priv;

	uk_input_reader_close(e->reader);
	uk_free(uk_alloc_get_default(), e);
}

static int evdev_getstat(struct uk_file *f, struct stat *st)
{
	struct evdev_file *e = f->priv;

	st->st_rdev = (13 << 8) | (64 + e->dev->idx);	/* Linux's */
	return 0;
}

static const struct uk_file_ops evdev_ops = {
	.read = evdev_read,
	.write = evdev_write,
	.poll = evdev_poll,
	.ioctl = evdev_ioctl,
	.getstat = evdev_getstat,
	.release = evdev_release,
};

static void evdev_notify(void *arg)
{
	struct evdev_file *e = arg;

	uk_pollq_notify(&e->file.pollq, UK_POLLIN | UK_POLLRDNORM);
}

static struct uk_file *evdev_open(const struct uk_devfs_dev *ddev,
				  unsigned int flags __maybe_unused)
{
	struct uk_input_dev *dev = uk_input_get((unsigned long)ddev->priv);
	struct evdev_file *e;

	if (!dev)
		return ERR2PTR(-ENODEV);
	e = uk_calloc(uk_alloc_get_default(), 1, sizeof(*e));
	if (!e)
		return ERR2PTR(-ENOMEM);
	e->dev = dev;
	uk_file_init(&e->file, &evdev_ops, S_IFCHR | 0660, e);
	e->reader = uk_input_reader_open(dev, evdev_notify, e);
	if (PTRISERR(e->reader)) {
		uk_free(uk_alloc_get_default(), e);
		return ERR2PTR(-ENOMEM);
	}
	return &e->file;
}

static const struct uk_devfs_dev event0_dev = {
	.name = "input/event0", .mode = 0660, .open = evdev_open,
	.priv = (void *)0UL,
};
UK_DEVFS_REGISTER(event0_dev);
