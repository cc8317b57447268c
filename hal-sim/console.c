/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel console on the process's stdout and stdin; the app's
 * standard streams on the process's own. Output is fs-free (cpu.h):
 * messages come from anywhere, interrupt handlers too. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <uk/plat/console.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include "cmdline.h"
#include "cpu.h"
#include "sim.h"

/* The fds 0-2 the shell left closed ("app <&-"). */
static int stream_closed[3];

/* A placeholder holds each closed one, so that no host fd the backend
 * opens later (the initrd, guest memory's memfd, eventfds) becomes the
 * app's stdin; to the app it stays closed (EBADF). */
static void std_fds_hold(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free fd: this one. */
		if (open("/dev/null", O_RDWR | O_CLOEXEC) == fd)
			stream_closed[fd] = 1;
	}
}

/* Nonzero if fd is none of the app's open standard streams. */
static int stream_bad(int fd)
{
	return fd < 0 || fd > 2 || stream_closed[fd];
}

int ukplat_coutk(const char *buf, unsigned int len)
{
	unsigned int done = 0;
	ssize_t n;

	while (done < len) {
		n = sim_syscall3(SYS_write, STDOUT_FILENO, buf + done,
				 len - done);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return done ? (int)done : (int)n;
		done += (unsigned int)n;
	}
	return (int)done;
}

void sim_console_write(const char *buf, size_t len)
{
	ukplat_coutk(buf, (unsigned int)len);
}

void sim_console_puts(const char *s)
{
	sim_console_write(s, strlen(s));
}

int ukplat_cink(char *buf, unsigned int maxlen)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t n;

	if (!maxlen)
		return 0;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	n = read(STDIN_FILENO, buf, maxlen);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n == 0 ? -EPIPE : (int)n;
}

/* --- the app's fds 0-2: the process's own --- */

static int stream_kind[3] = { -1, -1, -1 };
static int stream_append[3];

/* What fds 0-2 are, found once at start-up (stream_probe) so that
 * ukplat_stream_info makes no host call: the guest asks while it owns
 * %fs (fastcalls.list), and the host's fds 0-2 do not change under it. */
static struct {
	struct ukplat_stream_info info;
	dev_t dev, rdev;
	ino_t ino;
	int fl, ok;
} stream_boot[3];

/* Nonzero if probed fds a and b look like one open file description:
 * the same file, flags and (for files) offset. (kcmp would know for
 * sure, but is often not allowed in containers.) */
static int same_description(int a, int b)
{
	const struct ukplat_stream_info *ia = &stream_boot[a].info;
	const struct ukplat_stream_info *ib = &stream_boot[b].info;

	return stream_boot[a].dev == stream_boot[b].dev &&
	       stream_boot[a].ino == stream_boot[b].ino &&
	       stream_boot[a].rdev == stream_boot[b].rdev &&
	       stream_boot[a].fl == stream_boot[b].fl &&
	       ia->kind == ib->kind && ia->pos == ib->pos;
}

static void stream_probe_one(int fd)
{
	struct ukplat_stream_info *info = &stream_boot[fd].info;
	struct stat st;
	int fl, acc, i;

	if (stream_bad(fd) || fstat(fd, &st) < 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0)
		return;
	info->kind = stream_kind[fd] = sim_stream_kind(fd, &st);
	acc = fl & O_ACCMODE;
	info->flags = (acc != O_WRONLY ? UKPLAT_STREAMF_READ : 0) |
		      (acc != O_RDONLY ? UKPLAT_STREAMF_WRITE : 0) |
		      (fl & O_APPEND ? UKPLAT_STREAMF_APPEND : 0);
	stream_append[fd] = !!(fl & O_APPEND);
	if (info->kind == UKPLAT_STREAM_FILE) {
		info->pos = lseek(fd, 0, SEEK_CUR);
		if (info->pos < 0)
			info->pos = 0;
	}
	stream_boot[fd].dev = st.st_dev;
	stream_boot[fd].ino = st.st_ino;
	stream_boot[fd].rdev = st.st_rdev;
	stream_boot[fd].fl = fl;
	stream_boot[fd].ok = 1;
	info->same_as = fd;
	for (i = 0; i < fd; i++) {
		if (stream_boot[i].ok && same_description(i, fd)) {
			info->same_as = i;
			break;
		}
	}
}

static void stream_probe(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		stream_probe_one(fd);
}

void sim_console_init(void)
{
	std_fds_hold();
	stream_probe();
	/* A closed pipe on stdout must give -EPIPE, not kill the kernel. */
	signal(SIGPIPE, SIG_IGN);
}

int ukplat_stream_info(int fd, struct ukplat_stream_info *info)
{
	if (stream_bad(fd) || !stream_boot[fd].ok)
		return -EBADF;
	*info = stream_boot[fd].info;
	return 0;
}

int ukplat_stream_read(int fd, char *buf, unsigned int len, long long off)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int avail;

	if (stream_bad(fd))
		return -EBADF;
	if (!len)
		return 0;
	if (stream_kind[fd] == UKPLAT_STREAM_FILE) {
		/* Not pread: the host's offset is shared with the shell
		 * (as in "(app; cat) < file") and must move too. */
		if (lseek(fd, off, SEEK_SET) < 0)
			return -errno;
		do
			n = read(fd, buf, len);
		while (n < 0 && errno == EINTR);
	} else {
		/* Poll is Linux's n_tty rule: without ICANON and with VTIME
		 * 0 a terminal is readable at VMIN bytes. Fewer may be
		 * there: FIONREAD says how many, and a read of as many
		 * returns them at once (the kernel's VMIN rule is ours). */
		if (poll(&pfd, 1, 0) <= 0) {
			if (ioctl(fd, FIONREAD, &avail) < 0 || avail <= 0)
				return 0;
			if ((unsigned int)avail < len)
				len = (unsigned int)avail;
		}
		n = read(fd, buf, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
	}
	if (n < 0)
		return -errno;
	return n == 0 ? -EPIPE : (int)n;
}

int ukplat_stream_write(int fd, const char *buf, unsigned int len,
			long long off)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	unsigned int done = 0;
	ssize_t n;
	int file;

	if (stream_bad(fd))
		return -EBADF;
	/* At off, and not with pwrite: the host's offset is shared with
	 * the shell ("{ app; echo; } > file") and must move too. O_APPEND:
	 * the host appends. */
	file = stream_kind[fd] == UKPLAT_STREAM_FILE && !stream_append[fd];
	if (file && lseek(fd, off, SEEK_SET) < 0)
		return -errno;
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {	/* the host made it O_NONBLOCK */
			poll(&pfd, 1, -1);
			continue;
		}
		if (n < 0)
			return done ? (int)done : -errno;
		done += (unsigned int)n;
	}
	return (int)done;
}

int ukplat_stream_pread(int fd, char *buf, unsigned int len, long long off)
{
	ssize_t n;

	if (stream_bad(fd))
		return -EBADF;
	if (stream_kind[fd] != UKPLAT_STREAM_FILE)
		return -ESPIPE;
	do
		n = pread(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (int)n;
}

int ukplat_stream_pwrite(int fd, const char *buf, unsigned int len,
			 long long off)
{
	ssize_t n;

	if (stream_bad(fd))
		return -EBADF;
	if (stream_kind[fd] != UKPLAT_STREAM_FILE)
		return -ESPIPE;
	do
		n = pwrite(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (int)n;
}

long long ukplat_stream_size(int fd)
{
	struct stat st;

	if (stream_bad(fd) || fstat(fd, &st) < 0)
		return -EBADF;
	return st.st_size;
}

/* Terminal signals: the host's SIGINT, SIGQUIT, SIGTSTP and SIGWINCH are
 * the app's, as a terminal's line discipline sends them. The handler
 * only records them and interrupts CPU 0 (lock-free, no glibc: it may
 * run on any thread with the guest's %fs). */
static unsigned int tty_sigs;
static unsigned int tty_irq;

static const struct {
	int host;
	unsigned int bit;
} tty_sig_map[] = {
	{ SIGINT, UKPLAT_TTYSIG_INT }, { SIGQUIT, UKPLAT_TTYSIG_QUIT },
	{ SIGTSTP, UKPLAT_TTYSIG_TSTP }, { SIGWINCH, UKPLAT_TTYSIG_WINCH },
};

static void tty_signal(int sig)
{
	unsigned int i;

	for (i = 0; i < sizeof(tty_sig_map) / sizeof(tty_sig_map[0]); i++)
		if (tty_sig_map[i].host == sig)
			__atomic_fetch_or(&tty_sigs, tty_sig_map[i].bit,
					  __ATOMIC_SEQ_CST);
	sim_lcpu_raise_async(0, __atomic_load_n(&tty_irq, __ATOMIC_ACQUIRE));
}

/* --- the streams' input interrupt ------------------------------------
 * A host thread of ours, started by the first arm, waits in poll() for
 * the fds the kernel armed (readable, or hung up: a file or /dev/null
 * at once) and raises the input's vector on CPU 0 once, then waits for
 * the next arm: fd 0 stays as the shell made it (no O_ASYNC on a
 * terminal it shares). An eventfd tells the thread that what is armed
 * changed, or to stop. */
static struct {
	void (*fn)(void *arg);
	void *arg;
	unsigned int irq;
	unsigned int armed;		/* fds to wait for, 0: none */
	int kick_fd;			/* eventfd: armed changed, or stop */
	int started;			/* the first arm starts the thread */
	int stop;
	pthread_t thread;
} input = { .kick_fd = -1 };

static int input_handler(void *arg __maybe_unused,
			 struct __regs *regs __maybe_unused)
{
	input.fn(input.arg);
	return 1;
}

/* Fills pfd with the kick eventfd and the armed streams' fds (regular
 * files too: always readable). Returns how many. */
static int input_pollfds(struct pollfd *pfd, unsigned int armed)
{
	int fd, n = 1;

	pfd[0].fd = input.kick_fd;
	pfd[0].events = POLLIN;
	for (fd = 0; fd < 3; fd++) {
		if (!(armed & (1U << fd)) || stream_kind[fd] < 0)
			continue;
		pfd[n].fd = fd;
		pfd[n++].events = POLLIN;
	}
	return n;
}

static void *input_thread(void *unused __maybe_unused)
{
	struct pollfd pfd[4];
	uint64_t v;
	int i, n;

	sim_host_thread_attach();
	while (!__atomic_load_n(&input.stop, __ATOMIC_ACQUIRE)) {
		n = input_pollfds(pfd, __atomic_load_n(&input.armed,
						       __ATOMIC_SEQ_CST));
		if (poll(pfd, (nfds_t)n, -1) <= 0)
			continue;
		/* Drained before armed is read again: an arm after this
		 * leaves the eventfd readable, so none is missed. */
		if (pfd[0].revents && read(input.kick_fd, &v, sizeof(v)) < 0)
			continue;
		for (i = 1; i < n && !pfd[i].revents; i++)
			;
		if (i < n && __atomic_exchange_n(&input.armed, 0,
						 __ATOMIC_SEQ_CST))
			sim_lcpu_raise(0, input.irq);
	}
	return NULL;
}

static void input_kick(void)
{
	uint64_t one = 1;

	/* Fails only if the counter is full: the thread wakes anyway. */
	(void)sim_syscall3(SYS_write, input.kick_fd, &one, sizeof(one));
}

/* At exit: the thread ends before the process's exit handlers tear
 * down what it uses (valgrind then sees no thread left). */
static void input_stop(void)
{
	__atomic_store_n(&input.stop, 1, __ATOMIC_RELEASE);
	input_kick();
	pthread_join(input.thread, NULL);
}

/* Starts the thread, with interrupts masked (pthread_create and atexit
 * are not async-signal-safe) and every signal blocked in it: the
 * kernel's are for its CPUs. */
static int input_start(void)
{
	unsigned long irqf = ukplat_lcpu_save_irqf();
	sigset_t all, old;
	int rc;

	input.kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (input.kick_fd < 0) {
		ukplat_lcpu_restore_irqf(irqf);
		return -ENOTSUP;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&input.thread, NULL, input_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		close(input.kick_fd);
		input.kick_fd = -1;
	} else {
		pthread_setname_np(input.thread, "stdin");
		atexit(input_stop);
	}
	ukplat_lcpu_restore_irqf(irqf);
	return rc ? -ENOTSUP : 0;
}

int ukplat_stream_input_irq(void (*fn)(void *arg), void *arg)
{
	int irq;

	if (!fn || input.fn)
		return -EINVAL;
	irq = ukplat_irq_alloc();
	if (irq < 0)
		return -ENOTSUP;
	/* On failure the vector stays taken, with a handler that never
	 * runs: nothing raises it. */
	if (ukplat_irq_register((unsigned long)irq, input_handler, NULL))
		return -ENOTSUP;
	input.irq = (unsigned int)irq;
	input.fn = fn;
	input.arg = arg;
	return 0;
}

/* Once started (the first arm: most programs never read their input,
 * and a thread costs a boot about 8 page faults and a clone), lock-free
 * and one system call: async-signal-safe. */
void ukplat_stream_input_arm(unsigned int fds)
{
	fds &= 7;
	if (!input.fn || (!fds && input.kick_fd < 0))
		return;
	if (input.kick_fd < 0 &&
	    (__atomic_exchange_n(&input.started, 1, __ATOMIC_ACQ_REL) ||
	     input_start())) {
		/* No thread (yet): the input may be there, each time asked. */
		sim_lcpu_raise(0, input.irq);
		return;
	}
	if (__atomic_exchange_n(&input.armed, fds, __ATOMIC_SEQ_CST) != fds)
		input_kick();
}

int ukplat_tty_signals_start(unsigned int irq)
{
	struct sigaction sa;
	unsigned int i;

	__atomic_store_n(&tty_irq, irq, __ATOMIC_RELEASE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_signal;
	sa.sa_flags = SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(tty_sig_map) / sizeof(tty_sig_map[0]); i++)
		if (sigaction(tty_sig_map[i].host, &sa, NULL) < 0)
			return -errno;
	return 0;
}

unsigned int ukplat_tty_signals_take(void)
{
	return __atomic_exchange_n(&tty_sigs, 0, __ATOMIC_SEQ_CST);
}

int ukplat_tty_winsize(unsigned short *rows, unsigned short *cols)
{
	struct winsize ws;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
			*rows = ws.ws_row;
			*cols = ws.ws_col;
			return 0;
		}
	}
	return -ENOTTY;
}

/* The app's terminal settings are the host terminal's (fd 0), as a
 * Linux program's are its terminal's: clearing ICANON, ECHO or ISIG
 * gives raw keys here too (but for VMIN and VTIME). The host's own
 * settings come back whenever the shell gets the terminal: at exit,
 * after a crash, on a fatal SIGTERM or SIGHUP, and while stopped (^Z;
 * fg re-applies the app's). */
static struct termios host_saved, host_app;
static int host_changed;

void sim_tty_restore(void)
{
	if (__atomic_load_n(&host_changed, __ATOMIC_ACQUIRE))
		tcsetattr(0, TCSADRAIN, &host_saved);
}

static void tty_fatal(int sig)
{
	sim_tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tty_catch_fatal(int sig)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_fatal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

int ukplat_tty_getattr(struct ukplat_termios *t)
{
	struct termios h;

	if (stream_kind[0] != UKPLAT_STREAM_TTY || tcgetattr(0, &h) < 0)
		return -ENOTTY;
	memset(t, 0, sizeof(*t));
	t->c_iflag = h.c_iflag;
	t->c_oflag = h.c_oflag;
	t->c_cflag = h.c_cflag;
	t->c_lflag = h.c_lflag;
	t->c_line = h.c_line;
	memcpy(t->c_cc, h.c_cc, UKPLAT_NCCS);
	return 0;
}

int ukplat_tty_setattr(const struct ukplat_termios *t, int when)
{
	static const int act[] = { TCSANOW, TCSADRAIN, TCSAFLUSH };
	struct termios h;

	if (stream_kind[0] != UKPLAT_STREAM_TTY || tcgetattr(0, &h) < 0)
		return -ENOTTY;
	if (when < 0 || when > 2)
		return -EINVAL;
	if (!host_changed) {
		host_saved = h;
		atexit(sim_tty_restore);
		tty_catch_fatal(SIGTERM);
		tty_catch_fatal(SIGHUP);
	}
	h.c_iflag = t->c_iflag;
	h.c_oflag = t->c_oflag;
	h.c_lflag = t->c_lflag;
	memcpy(h.c_cc, t->c_cc, UKPLAT_NCCS);
	/* VMIN and VTIME are the kernel's (core/tty): the host's terminal
	 * is readable at one byte, so that the input thread sees each. */
	h.c_cc[VMIN] = 1;
	h.c_cc[VTIME] = 0;
	host_app = h;
	__atomic_store_n(&host_changed, 1, __ATOMIC_RELEASE);
	if (tcsetattr(0, act[when], &h) < 0)
		return -errno;
	return 0;
}

int ukplat_tty_stop(void)
{
	/* The whole machine stops, as a process does on SIGTSTP; the
	 * shell's fg (SIGCONT) lets it go on where it was, with the app's
	 * terminal settings again. */
	sim_tty_restore();
	kill(getpid(), SIGSTOP);
	if (__atomic_load_n(&host_changed, __ATOMIC_ACQUIRE))
		tcsetattr(0, TCSADRAIN, &host_app);
	return 0;
}
