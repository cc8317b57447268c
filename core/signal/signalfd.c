/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * signalfd: a file that reads the caller's pending signals of its mask
 * as struct signalfd_siginfo (they are taken, as by sigwaitinfo), and is
 * readable while one is pending. Every send notifies every signalfd
 * (there are few): a reader that takes nothing waits on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/nofault.h>
#include <uk/syscall.h>
#include "signal_impl.h"

/* Linux's struct signalfd_siginfo (128 bytes). */
struct k_signalfd_siginfo {
	__u32 ssi_signo;
	__s32 ssi_errno;
	__s32 ssi_code;
	__u32 ssi_pid;
	__u32 ssi_uid;
	__s32 ssi_fd;
	__u32 ssi_tid;
	__u32 ssi_band;
	__u32 ssi_overrun;
	__u32 ssi_trapno;
	__s32 ssi_status;
	__s32 ssi_int;
	__u64 ssi_ptr;
	__u64 ssi_utime;
	__u64 ssi_stime;
	__u64 ssi_addr;
	__u16 ssi_addr_lsb;
	__u8 __pad[46];
};

struct signalfd {
	struct uk_file f;
	__u64 mask;
	struct uk_list link;
};

static struct uk_list sfds = UK_LIST_HEAD_INIT(sfds);
static struct uk_spinlock sfd_lock = UK_SPINLOCK_INITIALIZER();
static int sfd_count;

void signalfd_notify(void)
{
	struct uk_list *pos;
	unsigned long flags;

	if (!READ_ONCE(sfd_count))
		return;
	uk_spin_lock_irqsave(&sfd_lock, flags);
	uk_list_for_each(pos, &sfds)
		uk_pollq_notify(&uk_list_entry(pos, struct signalfd,
					       link)->f.pollq,
				UK_POLLIN | UK_POLLRDNORM);
	uk_spin_unlock_irqrestore(&sfd_lock, flags);
}

static void to_ssi(struct k_signalfd_siginfo *s, const struct uk_siginfo *i)
{
	memset(s, 0, sizeof(*s));
	s->ssi_signo = (__u32)i->si_signo;
	s->ssi_errno = i->si_errno;
	s->ssi_code = i->si_code;
	if (i->si_code == UK_SI_TIMER) {
		s->ssi_tid = (__u32)i->si_a;
		s->ssi_overrun = (__u32)i->si_b;
	} else {
		s->ssi_pid = (__u32)i->si_a;
		s->ssi_uid = (__u32)i->si_b;
	}
	s->ssi_int = (__s32)i->si_value;
	s->ssi_ptr = i->si_value;
}

static ssize_t sfd_read(struct uk_file *f, const struct iovec *iov,
			int iovcnt, off_t *off __maybe_unused,
			unsigned int flags __maybe_unused)
{
	struct signalfd *s = f->priv;
	struct uk_thread *self = uk_thread_current();
	struct k_signalfd_siginfo ssi;
	struct uk_siginfo info;
	__sz room = uk_iov_total(iov, iovcnt), done = 0;
	unsigned long irqf;
	struct sigq *fq;
	int sig;

	if (room < sizeof(ssi))
		return -EINVAL;
	while (room - done >= sizeof(ssi)) {
		uk_spin_lock_irqsave(&uk_sig_lock, irqf);
		sig = sig_take_locked(self, READ_ONCE(s->mask), &info, &fq);
		sig_recalc_locked(self);
		uk_spin_unlock_irqrestore(&uk_sig_lock, irqf);
		sig_free(fq);
		if (!sig)
			break;
		to_ssi(&ssi, &info);
		/* As Linux: a fault loses the signal taken. */
		if (uk_iov_copy_to(iov, iovcnt, done, &ssi, sizeof(ssi)) <
		    sizeof(ssi))
			return done ? (ssize_t)done : -EFAULT;
		done += sizeof(ssi);
	}
	return done ? (ssize_t)done : -EAGAIN;
}

static unsigned int sfd_poll(struct uk_file *f)
{
	struct signalfd *s = f->priv;

	return uk_signal_pending() & READ_ONCE(s->mask) ?
	       UK_POLLIN | UK_POLLRDNORM : 0;
}

static void sfd_release(struct uk_file *f)
{
	struct signalfd *s = f->priv;
	unsigned long flags;

	uk_spin_lock_irqsave(&sfd_lock, flags);
	uk_list_del(&s->link);
	sfd_count--;
	uk_spin_unlock_irqrestore(&sfd_lock, flags);
	uk_free(uk_alloc_get_default(), s);
}

/* As Linux's signalfd_show_fdinfo (render_sigset_t). */
static int sfd_fdinfo(struct uk_file *f, char *buf, __sz size)
{
	return snprintf(buf, size, "sigmask:\t%016llx\n", (unsigned long long)
			READ_ONCE(((struct signalfd *)f->priv)->mask));
}

static const struct uk_file_ops sfd_ops = {
	.link_name = "anon_inode:[signalfd]",
	.read = sfd_read,
	.poll = sfd_poll,
	.fdinfo = sfd_fdinfo,
	.release = sfd_release,
};

static int sfd_set_mask(int fd, __u64 mask)
{
	struct uk_file *f = uk_fdtab_get_file(fd);
	int rc = fd;

	if (PTRISERR(f))
		return PTR2ERR(f);
	if (f->ops != &sfd_ops)
		rc = -EINVAL;
	else
		WRITE_ONCE(((struct signalfd *)f->priv)->mask, mask);
	uk_file_put(f);
	signalfd_notify();
	return rc;
}

UK_SYSCALL_R_DEFINE(int, signalfd4, int, fd, const __u64 *, umask,
		    size_t, sizemask, int, flags)
{
	struct signalfd *s;
	unsigned long irqf;
	__u64 mask;

	if (sizemask != sizeof(mask))
		return -EINVAL;
	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if (uk_copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	mask &= ~SIG_UNCATCHABLE;
	if (fd != -1)
		return sfd_set_mask(fd, mask);
	s = uk_malloc(uk_alloc_get_default(), sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	/* An anonymous inode: no file type bits, mode 0600 (Linux). */
	uk_file_init(&s->f, &sfd_ops, S_IRUSR | S_IWUSR, s);
	uk_spin_lock_irqsave(&sfd_lock, irqf);
	uk_list_add_tail(&s->link, &sfds);
	sfd_count++;
	uk_spin_unlock_irqrestore(&sfd_lock, irqf);
	/* On failure the fd layer dropped the file's only reference. */
	/* O_RDWR as Linux's (a write is EINVAL, not EBADF). */
	return uk_fdtab_open(&s->f, O_RDWR | (flags & (O_NONBLOCK |
							O_CLOEXEC)));
}

UK_SYSCALL_R_DEFINE(int, signalfd, int, fd, const __u64 *, umask,
		    size_t, sizemask)
{
	return __uk_sys_signalfd4(fd, umask, sizemask, 0);
}
