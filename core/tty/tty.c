/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console as a file: fds 0, 1 and 2 at boot, /dev/console and
 * /dev/tty. Writes go straight to uk_console_write(). Reads are line by line,
 * as a terminal in canonical mode: a read returns at most one line, and
 * only once its newline (or the end of input) has arrived.
 *
 * The platform console has no input interrupt, so while someone waits
 * for input a poller thread looks at it every UK_TTY_POLL_MS and
 * notifies the file's event queue: the driver itself never blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <uk/devfs.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/console.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/thread.h>
#include <uk/tty.h>
#include <uk/wait.h>

#define TTY_LINE_MAX	4096		/* as Linux's N_TTY buffer */

/* What TCGETS/TCSETS carry on Linux: the kernel's struct termios, shorter
 * than a C library's (musl adds c_cc[19..31] and the speeds). */
#define K_NCCS		19
struct k_termios {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line;
	unsigned char c_cc[K_NCCS];
};
#define TTY_CHUNK	256		/* bytes copied per console write */

struct tty {
	struct uk_file file;
	struct uk_spinlock lock;	/* everything below */
	char buf[TTY_LINE_MAX];
	unsigned int len;		/* bytes in buf */
	int eof;			/* the console's input has ended */
	struct k_termios termios;
	int poller_started;
	int want_input;			/* a reader waits: poll the console */
	struct uk_waitq poller_wq;	/* the poller sleeps here when idle */
};

static struct tty console;

static void want_input(struct tty *t);

/* Bytes at the start of buf a read may return now: up to and including
 * the first newline, everything at end of input or when the buffer is
 * full (a line longer than the buffer comes in pieces), else 0. Lock
 * held. */
static unsigned int line_ready(const struct tty *t)
{
	const char *nl = memchr(t->buf, '\n', t->len);

	if (nl)
		return (unsigned int)(nl - t->buf) + 1;
	if (t->eof || t->len == sizeof(t->buf))
		return t->len;
	return 0;
}

/* Moves pending console input into the line buffer. Lock held. */
static void pull_input(struct tty *t)
{
	int n;

	while (!t->eof && t->len < sizeof(t->buf)) {
		n = ukplat_cink(t->buf + t->len, sizeof(t->buf) - t->len);
		if (n == -EPIPE)
			t->eof = 1;
		if (n <= 0)
			return;
		t->len += n;
	}
}

/* Copies the ready line into the app's iov. Lock dropped for the copy:
 * the app's buffer may need demand paging. */
static ssize_t take_line(struct tty *t, const struct iovec *iov, int iovcnt,
			 unsigned int ready)
{
	char line[TTY_LINE_MAX];
	unsigned long flags;
	__sz n, copied;

	n = MIN(uk_iov_total(iov, iovcnt), (__sz)ready);
	uk_spin_lock_irqsave(&t->lock, flags);
	/* Another reader may have been first: re-check what is there. */
	n = MIN(n, (__sz)line_ready(t));
	memcpy(line, t->buf, n);
	memmove(t->buf, t->buf + n, t->len - n);
	t->len -= n;
	uk_spin_unlock_irqrestore(&t->lock, flags);

	copied = uk_iov_copy_to(iov, iovcnt, 0, line, n);
	return copied || !n ? (ssize_t)copied : -EFAULT;
}

static ssize_t tty_read(struct uk_file *f, const struct iovec *iov,
			int iovcnt, off_t *off __maybe_unused,
			unsigned int flags __maybe_unused)
{
	struct tty *t = f->priv;
	unsigned long irqf;
	unsigned int ready;
	int eof;

	/* As Linux's n_tty: a read of nothing returns at once. */
	if (!uk_iov_total(iov, iovcnt))
		return 0;
	uk_spin_lock_irqsave(&t->lock, irqf);
	pull_input(t);
	ready = line_ready(t);
	eof = t->eof;
	uk_spin_unlock_irqrestore(&t->lock, irqf);
	if (ready)
		return take_line(t, iov, iovcnt, ready);
	if (eof)
		return 0;
	want_input(t);
	return -EAGAIN;
}

static ssize_t tty_write(struct uk_file *f __maybe_unused, const struct iovec *iov,
			 int iovcnt, off_t *off __maybe_unused,
			 unsigned int flags __maybe_unused)
{
	__sz total = uk_iov_total(iov, iovcnt), done = 0, n;
	char chunk[TTY_CHUNK];
	int rc;

	while (done < total) {
		n = uk_iov_copy_from(chunk, iov, iovcnt, done, sizeof(chunk));
		if (!n)
			return done ? (ssize_t)done : -EFAULT;
		rc = uk_console_write(chunk, (unsigned int)n);
		if (rc < 0)
			return done ? (ssize_t)done : rc;
		done += n;
	}
	return done;
}

/* The events of t now. */
static unsigned int tty_events(struct tty *t)
{
	unsigned int ev = UK_POLLOUT;
	unsigned long flags;

	uk_spin_lock_irqsave(&t->lock, flags);
	pull_input(t);
	if (line_ready(t) || t->eof)
		ev |= UK_POLLIN;
	uk_spin_unlock_irqrestore(&t->lock, flags);
	return ev;
}

static unsigned int tty_poll(struct uk_file *f)
{
	unsigned int ev = tty_events(f->priv);

	if (!(ev & UK_POLLIN))
		want_input(f->priv);
	return ev;
}

static int tty_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct tty *t = f->priv;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct k_termios tio;
	unsigned long flags;
	int n;

	switch (req) {
	case TCGETS:
		return uk_copy_to_user(arg, &t->termios, sizeof(t->termios));
	case TCSETS:
	case TCSETS + 1:	/* TCSETSW */
	case TCSETS + 2:	/* TCSETSF */
		if (uk_copy_from_user(&tio, arg, sizeof(tio)))
			return -EFAULT;
		t->termios = tio;
		return 0;
	case TIOCGWINSZ:
		return uk_copy_to_user(arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		return 0;
	case FIONREAD:
		uk_spin_lock_irqsave(&t->lock, flags);
		pull_input(t);
		n = (int)t->len;
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return uk_copy_to_user(arg, &n, sizeof(n));
	default:
		return -ENOTTY;
	}
}

static const struct uk_file_ops tty_ops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	/* The console lives forever: no release. */
};

/* While someone wants input, checks the console every UK_TTY_POLL_MS
 * and notifies the file when a line is there; sleeps otherwise. */
static void tty_poller(void *arg)
{
	struct tty *t = arg;

	for (;;) {
		uk_waitq_wait_event(&t->poller_wq,
				    __atomic_load_n(&t->want_input,
						    __ATOMIC_ACQUIRE));
		uk_sched_thread_sleep(UK_TTY_POLL_MS * 1000000ULL);
		if (tty_events(t) & UK_POLLIN) {
			__atomic_store_n(&t->want_input, 0, __ATOMIC_RELEASE);
			uk_pollq_notify(&t->file.pollq, UK_POLLIN);
		}
	}
}

/* Someone waits for a line: start the poller (the first time) and wake
 * it. Thread context. */
static void want_input(struct tty *t)
{
	struct uk_thread *th;

	__atomic_store_n(&t->want_input, 1, __ATOMIC_RELEASE);
	if (!__atomic_exchange_n(&t->poller_started, 1, __ATOMIC_ACQ_REL)) {
		th = uk_thread_create("tty-poller", tty_poller, t, 0,
				      UK_THREADF_DETACHED);
		if (PTRISERR(th)) {
			uk_pr_err("tty: no poller thread: console reads "
				  "will not wake up\n");
			return;
		}
		uk_thread_start(th);
	}
	uk_waitq_wake_up(&t->poller_wq);
}

struct uk_file *uk_tty_console(void)
{
	return uk_file_get(&console.file);
}

static struct uk_file *console_open(const struct uk_devfs_dev *dev __maybe_unused,
				    unsigned int flags __maybe_unused)
{
	return uk_tty_console();
}

static const struct uk_devfs_dev console_dev = {
	.name = "console", .mode = 0620, .open = console_open,
};
UK_DEVFS_REGISTER(console_dev);

static const struct uk_devfs_dev tty_dev = {
	.name = "tty", .mode = 0666, .open = console_open,
};
UK_DEVFS_REGISTER(tty_dev);

static void termios_default(struct k_termios *tio)
{
	memset(tio, 0, sizeof(*tio));
	tio->c_iflag = ICRNL | IXON;
	tio->c_oflag = OPOST | ONLCR;
	tio->c_cflag = CS8 | CREAD | B38400;
	tio->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK;
	tio->c_cc[VEOF] = 4;
	tio->c_cc[VMIN] = 1;
}

/* Opens fds 0, 1 and 2 on one read-write description of the console, as
 * a login shell finds them. */
static int tty_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct uk_ofile *of;
	int fd;

	uk_file_init(&console.file, &tty_ops, S_IFCHR | 0620, &console);
	uk_spin_init(&console.lock);
	uk_waitq_init(&console.poller_wq);
	termios_default(&console.termios);

	of = uk_ofile_create(uk_tty_console(), O_RDWR);
	if (PTRISERR(of))
		return PTR2ERR(of);
	for (fd = 0; fd < 3; fd++) {
		if (uk_fdtab_install_at(uk_ofile_get(of), fd, 0) != fd)
			uk_pr_err("tty: cannot open fd %d\n", fd);
	}
	uk_ofile_put(of);
	return 0;
}

uk_lib_initcall_prio(tty_init, NULL, 9);
