/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The monitor's terminal. When stdin is one, it is set as QEMU's stdio
 * chardev with signal=off sets it (tools/qemu-run.py): no echo, no line
 * editing, no ISIG, no CR/NL mapping on input; output as it was (QEMU
 * turns OPOST on: not here, where a terminal without it, the nested
 * test host's console, would see every NL doubled by ours). ^C, ^\
 * and ^Z are then bytes for the kernel's line discipline (core/tty),
 * which makes them the app's signals; main.c says console.keys=1 and
 * console.stop=1 so that the kernel watches for them and asks us to
 * stop on ^Z.
 *
 * The terminal gets its settings back on every way out: exit() from any
 * thread (atexit), a signal that ends the monitor (a handler that
 * restores them, then dies of the signal), and a stop (SIGTSTP, or the
 * kernel's request); a SIGCONT makes it raw again. Only SIGKILL leaves
 * it raw ('stty sane' mends it).
 *
 * Ctrl-A is the escape, as in QEMU's multiplexed console: Ctrl-A x ends
 * the run (a stuck guest), Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h
 * lists these; any other Ctrl-A pair goes to the guest as it is.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <uk/plat/console.h>
#include "kvm.h"

#define ESCAPE		0x01	/* Ctrl-A */

static struct termios saved, raw;
static volatile sig_atomic_t is_raw;	/* the terminal is ours now */
static int have_saved;
static int escaped;			/* a Ctrl-A came last */

static const int fatal_signals[] = {
	SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
	SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ, SIGSYS,
};

/* Async-signal-safe. */
static void restore(void)
{
	if (!is_raw)
		return;
	is_raw = 0;
	tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
}

static void fatal(int sig)
{
	int e = errno;

	restore();
	signal(sig, SIG_DFL);
	raise(sig);
	errno = e;
}

/* Whether gdb's --gdb DEVICE is our stdin's terminal (gdb.c sets it
 * for itself then). */
static int gdb_on_stdin(const char *gdb)
{
	struct stat a, b;

	if (!gdb || gdb[0] != '/' || stat(gdb, &a) < 0 ||
	    fstat(STDIN_FILENO, &b) < 0)
		return 0;
	return S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev;
}

int term_echoes(void)
{
	struct termios t;

	return tcgetattr(STDIN_FILENO, &t) < 0 || (t.c_lflag & ECHO);
}

int term_usable(const struct kvm_opts *o)
{
	return isatty(STDIN_FILENO) && !gdb_on_stdin(o->gdb);
}

int term_setup(const struct kvm_opts *o)
{
	struct sigaction sa;
	size_t i;

	if (o->stream_kind[0] != UKPLAT_STREAM_TTY || !term_usable(o) ||
	    tcgetattr(STDIN_FILENO, &saved) < 0)
		return 0;
	have_saved = 1;
	raw = saved;
	raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
			 ICRNL | IXON);
	raw.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
	raw.c_cflag &= ~(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	atexit(restore);
	term_resume();
	return 1;
}

void term_resume(void)
{
	if (!have_saved)
		return;
	/* Set before the call: a signal in between restores. */
	is_raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) < 0)
		is_raw = 0;
}

void term_stop(int group)
{
	restore();
	if (group) {
		/* As a job on ^Z (tools/qemu-run.py's stop_job): the whole
		 * process group, so that the shell sees its job stop; once
		 * continued, the group continues (a SIGCONT to us alone). */
		kill(0, SIGSTOP);
		kill(0, SIGCONT);
	} else {
		raise(SIGSTOP);
	}
	term_resume();
}

static const char help[] =
	"\namphi-kvm: Ctrl-A x  end the run\n"
	"amphi-kvm: Ctrl-A Ctrl-A  send Ctrl-A\n"
	"amphi-kvm: Ctrl-A h  this help\n";

int term_keys(const unsigned char *in, size_t len, unsigned char *out)
{
	size_t i;
	int n = 0;
	unsigned char c;

	if (!is_raw) {
		memcpy(out, in, len);
		return (int)len;
	}
	for (i = 0; i < len; i++) {
		c = in[i];
		if (!escaped && c == ESCAPE) {
			escaped = 1;
			continue;
		}
		if (!escaped) {
			out[n++] = c;
			continue;
		}
		escaped = 0;
		if (c == 'x')
			return -1;
		if (c == 'h') {
			(void)!write(STDERR_FILENO, help, sizeof(help) - 1);
			continue;
		}
		if (c != ESCAPE)
			out[n++] = ESCAPE;
		out[n++] = c;
	}
	return n;
}
