/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The app's standard streams, fds 0, 1 and 2, as the host set them up
 * (ukplat_stream_info): the terminal, a pipe, a regular file or another
 * device, so that isatty, fstat, lseek and stdio's buffering see what
 * they would see on Linux. The terminal is also /dev/console and
 * /dev/tty. What the app writes to fds 1 and 2 (or the terminal) also
 * reaches the console's mirror (uk_console_mirror_set: the framebuffer
 * console). With ICANON its reads are line by line: a read returns at
 * most one line, and only once its end (newline, VEOF...) or the end of
 * input has arrived; without, as the bytes come, under VMIN and VTIME.
 * Where the keys come raw over a serial line (console.keys=1) this file
 * is the line discipline (isig_scan: ISIG, IXON, ICRNL, line editing,
 * echo);
 * in sim the host terminal is, with the app's termios
 * (ukplat_tty_setattr). Pipes and devices are read as they come, files
 * at the description's offset.
 *
 * While someone waits for input a poller thread looks at it and
 * notifies the file's event queue: the driver itself never blocks. It
 * looks when the platform's input interrupt, armed for the fds readers
 * wait on, says some came (ukplat_stream_input_irq: the UART on QEMU, a
 * host thread in sim), else every UK_TTY_POLL_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <uk/alloc.h>
#include <uk/devfs.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/plat/console.h>
#include <uk/plat/irq.h>
#include <uk/plat/time.h>
#include <uk/param.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/signal.h>
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
#define MARK_EOL	1		/* the byte ends a line */
#define MARK_EOF	2		/* VEOF: ends a line and is not data */

/* The terminal, or a pipe or device stream (canon 0: no lines). */
struct tty {
	struct uk_file file;
	int in_fd, out_fd;		/* the platform streams */
	int canon;			/* reads return lines */
	struct uk_spinlock lock;	/* everything below */
	unsigned int len;		/* bytes in buf */
	unsigned int line_start;	/* the line being edited starts here */
	int lnext;			/* the next byte is quoted (VLNEXT) */
	int eof;			/* the input has ended */
	int stopped;			/* output stopped by VSTOP (IXON) */
	int tco_stopped;		/* by TCOOFF: only TCOON restarts it */
	int erasing;			/* ECHOPRT: "\\" shown, "/" owed */
	unsigned int column;		/* the output's column, as n_tty's */
	unsigned int canon_col;		/* column of the line's first echo */
	struct k_termios termios;
	int want_input;			/* a reader waits: poll the input */
	/* Last, so that setting up a tty touches one page of it, not
	 * three (in sim the host backs a page at its first touch). */
	char buf[TTY_LINE_MAX];
	unsigned char mark[TTY_LINE_MAX];	/* MARK_* of each byte */
};

static struct tty console = { .in_fd = 0, .out_fd = 1, .canon = 1 };

/* What the poller watches: the console and the pipe streams. */
static struct tty *watched[4];
static unsigned int nr_watched;
static int poller_started;
static struct uk_waitq poller_wq;	/* the poller sleeps here when idle */
static int input_irq;			/* the platform says when input came */
static int input_came;			/* its interrupt was here */
/* To compare: the poller's pace though the platform has an interrupt. */
static int console_poll;
UK_PARAM("console.poll", console_poll, 0, 1,
	 "1: poll the input every 10 ms even where it interrupts");
/* The console's input is watched even with no reader, for its signal
 * keys (set where the host does not make the signals: a serial line). */
static int console_watch;
static int console_in_tty;		/* the console reads stdin, a tty */
static int console_out_tty;		/* and writes to a tty (fd 1 or 2) */
/* Watched only where the host says a terminal's keys come over the
 * line (tools/qemu-run.py and amphi-kvm on a terminal): elsewhere a
 * 10 ms look for ever would cost every idle guest its tickless sleep,
 * and the kernel tests count the timer's interrupts. Keys are still
 * found whenever the app reads. */
static int console_keys;
UK_PARAM("console.keys", console_keys, 0, 1,
	 "1: a terminal's signal keys come over the console: watch for "
	 "them while no one reads");

/* The host terminal's ECHO, where its keys come over the line: the
 * console starts with it, as a program starts with its terminal's
 * settings (a test's terminal without echo stays without). */
static int console_echo = 1;
UK_PARAM("console.echo", console_echo, 0, 1,
	 "0: the host's terminal had ECHO off (with console.keys=1)");

static void want_input(struct tty *t);
static const struct uk_file_ops tty_ops;

/* Whether reads of t are by lines: the console with ICANON. */
static int canon_on(const struct tty *t)
{
	return t->canon && (t->termios.c_lflag & ICANON);
}

/* Bytes at the start of buf a read may return now: in canonical mode up
 * to and including the first line end (MARK_*), everything at end of
 * input or when the buffer is full (a line longer than the buffer comes
 * in pieces), else 0; all that is there otherwise. Lock held. */
static unsigned int line_ready(const struct tty *t)
{
	const unsigned char *m;

	if (!canon_on(t))
		return t->len;
	for (m = t->mark; m < t->mark + t->len; m++)
		if (*m)
			return (unsigned int)(m - t->mark) + 1;
	if (t->eof || t->len == sizeof(t->buf))
		return t->len;
	return 0;
}

/* What FIONREAD (TIOCINQ) says, as Linux's n_tty: in canonical mode the
 * bytes of the complete lines, their VEOF marks not counted (they are
 * not data); otherwise every byte there. Lock held. */
static unsigned int inq_bytes(const struct tty *t)
{
	unsigned int i, end = 0, eofs = 0;

	if (!canon_on(t) || t->eof)
		return t->len;
	for (i = 0; i < t->len; i++) {
		if (t->mark[i] == MARK_EOF)
			eofs++;
		if (t->mark[i])
			end = i + 1;
	}
	return end - eofs;
}

/* Whether poll says readable, as n_tty's input_available_p: a line in
 * canonical mode; else at least VMIN bytes when VTIME is 0 (a read
 * would wait for them), at least one otherwise. Lock held. */
static int poll_ready(const struct tty *t)
{
	unsigned int vmin = t->termios.c_cc[VMIN];

	if (t->eof)
		return 1;
	if (canon_on(t) || !t->canon)
		return line_ready(t) > 0;
	if (t->termios.c_cc[VTIME] || !vmin)
		vmin = 1;
	return t->len >= vmin;
}

static void tty_sig_raise(unsigned int bits);

/* The terminal signal (UKPLAT_TTYSIG_*) byte c raises under tio, or 0:
 * with ISIG, VINTR, VQUIT and VSUSP (0 disables one, as
 * _POSIX_VDISABLE). */
static unsigned int isig_bit(const struct k_termios *tio, unsigned char c)
{
	if (!(tio->c_lflag & ISIG) || !c)
		return 0;
	if (c == tio->c_cc[VINTR])
		return UKPLAT_TTYSIG_INT;
	if (c == tio->c_cc[VQUIT])
		return UKPLAT_TTYSIG_QUIT;
	if (c == tio->c_cc[VSUSP])
		return UKPLAT_TTYSIG_TSTP;
	return 0;
}

/* c as input under tio's IGNCR, ICRNL and INLCR, as Linux's n_tty
 * maps it; -1 if it is dropped. */
static int input_map(const struct k_termios *tio, char c)
{
	if (c == '\r') {
		if (tio->c_iflag & IGNCR)
			return -1;
		return tio->c_iflag & ICRNL ? '\n' : '\r';
	}
	if (c == '\n' && (tio->c_iflag & INLCR))
		return '\r';
	return (unsigned char)c;
}

/* Echo of typed input, as Linux's n_tty: ours only where the host's
 * terminal is raw and its keys come over the line (console.keys=1);
 * elsewhere (sim) the host's terminal echoes. Gathered, then written. */
struct echo {
	char buf[64];
	unsigned int n;
};

static int echo_here(const struct tty *t)
{
	return t == &console && console_keys && console_in_tty &&
	       console_out_tty;
}

static int echo_on(const struct tty *t)
{
	return echo_here(t) && (t->termios.c_lflag & ECHO);
}

/* A control character: echoed as ^X with ECHOCTL, no column. */
static int is_ctrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* A byte that takes no column of its own: a UTF-8 continuation byte
 * with IUTF8, as n_tty's is_continuation. */
static int is_continuation(const struct tty *t, unsigned char c)
{
	return (t->termios.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

/* Moves t's column over the output s[0..n), as n_tty's output
 * processing counts it (with OPOST): NL (with ONLCR or ONLRET) and CR
 * go to column 0 (with ONLCR or CR canon_col too), a tab to the next
 * multiple of 8, a backspace back one; other control characters and
 * continuation bytes take none. Lock held. */
static void column_advance(struct tty *t, const char *s, unsigned int n)
{
	unsigned int of = t->termios.c_oflag;
	unsigned char c;

	if (!(of & OPOST))
		return;
	while (n--) {
		c = (unsigned char)*s++;
		if (c == '\n' && (of & ONLCR))
			t->column = t->canon_col = 0;
		else if (c == '\n' && (of & ONLRET))
			t->column = 0;
		else if (c == '\r' && !((of & ONOCR) && !t->column))
			t->column = t->canon_col = 0;
		else if (c == '\t')
			t->column = (t->column | 7) + 1;
		else if (c == '\b' && t->column)
			t->column--;
		else if (!is_ctrl(c) && !is_continuation(t, c))
			t->column++;
	}
}

/* Echo while the output is stopped, held as n_tty's echo buffer holds
 * it until the output restarts (only the console echoes). */
static char echo_held[1024];
static unsigned int echo_held_len;

static void echo_write(struct tty *t, const char *buf, unsigned int n)
{
	ukplat_stream_write(t->out_fd, buf, n, -1);
	column_advance(t, buf, n);
}

/* Writes the held echo once the output runs. Lock held. */
static void echo_release(struct tty *t)
{
	if (t->stopped || !echo_held_len)
		return;
	echo_write(t, echo_held, echo_held_len);
	echo_held_len = 0;
}

/* Writes the gathered echo, after what was held, or holds it while the
 * output is stopped (what does not fit is lost). Lock held. */
static void echo_flush(struct tty *t, struct echo *e)
{
	unsigned int n;

	if (!e->n)
		return;
	if (t->stopped) {
		n = MIN(e->n, (unsigned int)sizeof(echo_held) - echo_held_len);
		memcpy(echo_held + echo_held_len, e->buf, n);
		echo_held_len += n;
	} else {
		echo_release(t);
		echo_write(t, e->buf, e->n);
	}
	e->n = 0;
}

/* c echoed as it is (a rub-out's backspaces). */
static void echo_raw(struct tty *t, struct echo *e, char c)
{
	if (e->n + 1 > sizeof(e->buf))
		echo_flush(t, e);
	e->buf[e->n++] = c;
}

/* c as echoed: with ECHOCTL a control character other than tab and
 * newline shows as ^X (DEL as ^?). */
static void echo_char(struct tty *t, struct echo *e, unsigned char c)
{
	if (e->n + 2 > sizeof(e->buf))
		echo_flush(t, e);
	if ((t->termios.c_lflag & ECHOCTL) && c != '\t' && c != '\n' &&
	    is_ctrl(c)) {
		e->buf[e->n++] = '^';
		c ^= 0x40;
	}
	e->buf[e->n++] = (char)c;
}

/* After ECHOPRT's erased characters, as n_tty: "/" before the echo of
 * what comes next. */
static void finish_erasing(struct tty *t, struct echo *e)
{
	if (!t->erasing)
		return;
	echo_raw(t, e, '/');
	t->erasing = 0;
}

/* Line editing is ours where the keys come raw, as echo (echo_on): the
 * console with ICANON and console.keys=1; in sim the host's terminal
 * edits the line. */
static int edit_on(const struct tty *t)
{
	return t == &console && console_keys && console_in_tty &&
	       canon_on(t);
}

/* Whether c is the control character cc[i] (0 disables one). */
static int is_cc(const struct k_termios *tio, int i, unsigned char c)
{
	return tio->c_cc[i] && c == tio->c_cc[i];
}

/* A scan of new input: where kept bytes go, and their echo. */
struct ldisc {
	struct tty *t;
	unsigned int out;
	int echo;
	struct echo e;
};

static void ldisc_put(struct ldisc *l, unsigned char c, unsigned char mark)
{
	l->t->buf[l->out] = (char)c;
	l->t->mark[l->out++] = mark;
	if (mark)
		l->t->line_start = l->out;
}

/* c, typed, echoed (with l->echo): the line's first records its
 * column, where a tab's rub-out counts from (n_tty's canon_column). */
static void echo_typed(struct ldisc *l, unsigned char c)
{
	if (!l->echo)
		return;
	if (l->out == l->t->line_start) {
		echo_flush(l->t, &l->e);
		l->t->canon_col = l->t->column;
	}
	echo_char(l->t, &l->e, c);
}

/* The backspaces that take a tab, just erased, off the screen, as
 * n_tty's ECHO_OP_ERASE_TAB: back to the column after what precedes it
 * up to the previous tab (or the line's start, from canon_col). */
static unsigned int tab_width(const struct ldisc *l)
{
	const struct tty *t = l->t;
	unsigned int i = l->out, cols = 0;
	unsigned char c;

	while (i > t->line_start) {
		c = (unsigned char)t->buf[--i];
		if (c == '\t')
			return 8 - (cols & 7);
		if (is_ctrl(c))
			cols += t->termios.c_lflag & ECHOCTL ? 2 : 0;
		else if (!is_continuation(t, c))
			cols++;
	}
	return 8 - ((cols + t->canon_col) & 7);
}

/* Takes c off the screen: "\b \b", twice for a control character
 * echoed as ^X (none without ECHOCTL), a tab's columns in backspaces. */
static void rub_out(struct ldisc *l, unsigned char c)
{
	unsigned int w = is_ctrl(c) &&
			 (l->t->termios.c_lflag & ECHOCTL) ? 2 : 1;

	if (c == '\t') {
		for (w = tab_width(l); w; w--)
			echo_raw(l->t, &l->e, '\b');
		return;
	}
	if (is_ctrl(c) && !(l->t->termios.c_lflag & ECHOCTL))
		return;
	while (w--) {
		echo_raw(l->t, &l->e, '\b');
		echo_raw(l->t, &l->e, ' ');
		echo_raw(l->t, &l->e, '\b');
	}
}

/* VREPRINT (IEXTEN, ECHO), as n_tty: the key as echoed, a newline, then
 * the line being edited again. */
static void ldisc_reprint(struct ldisc *l, unsigned char key)
{
	struct tty *t = l->t;
	unsigned int i;

	finish_erasing(t, &l->e);
	echo_char(t, &l->e, key);
	echo_raw(t, &l->e, '\n');
	for (i = t->line_start; i < l->out; i++)
		echo_char(t, &l->e, (unsigned char)t->buf[i]);
}

/* Part of a word for VWERASE: n_tty's isalnum() (C locale) or '_'. */
static int word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	       (c | 0x20) <= 'z') || c == '_';
}

/* ECHOPRT's echo of the character erased, buf[from..end), as n_tty:
 * "\\" before the first of a run, then the character. */
static void echo_erased(struct ldisc *l, unsigned int from, unsigned int end)
{
	struct tty *t = l->t;

	if (!t->erasing) {
		echo_raw(t, &l->e, '\\');
		t->erasing = 1;
	}
	echo_char(t, &l->e, (unsigned char)t->buf[from]);
	while (++from < end)
		echo_raw(t, &l->e, t->buf[from]);
}

/* VERASE, VWERASE or VKILL (kind) typed as key, as Linux's n_tty
 * eraser: the last character (a UTF-8 one whole under IUTF8), the last
 * word (trailing non-word characters, then word characters: BSD's
 * ALTWERASE), or the line being edited. Echoed with ECHOPRT as the
 * characters erased between "\\" and "/" (echo_erased), with ECHOE
 * and, for VKILL, ECHOK and ECHOKE as "\b \b" per character; else the
 * key (and for VKILL with ECHOK a newline). */
static void ldisc_erase(struct ldisc *l, unsigned char key, int kind)
{
	struct tty *t = l->t;
	unsigned int lf = t->termios.c_lflag, words = 0, end;
	unsigned char c;

	if (l->out == t->line_start)
		return;
	if ((kind == VERASE && !(lf & (ECHOE | ECHOPRT))) ||
	    (kind == VKILL && (lf & (ECHOE | ECHOK | ECHOKE)) !=
	     (ECHOE | ECHOK | ECHOKE))) {
		if (l->echo && kind == VKILL)
			finish_erasing(t, &l->e);
		if (l->echo)
			echo_char(t, &l->e, key);
		if (l->echo && kind == VKILL && (lf & ECHOK))
			echo_char(t, &l->e, '\n');
		if (kind == VKILL)
			l->out = t->line_start;
		else
			kind = -1;	/* one character, not rubbed out */
	}
	for (end = l->out; l->out > t->line_start; ) {
		c = (unsigned char)t->buf[l->out - 1];
		if (kind == VWERASE) {
			if (word_char(c))
				words++;
			else if (words)
				break;
		}
		l->out--;
		if ((t->termios.c_iflag & IUTF8) && (c & 0xc0) == 0x80 &&
		    l->out > t->line_start)
			continue;	/* a UTF-8 continuation byte */
		if (l->echo && kind != -1 && (lf & ECHOPRT))
			echo_erased(l, l->out, end);
		else if (l->echo && kind != -1)
			rub_out(l, c);
		end = l->out;
		if (kind == VERASE || kind == -1)
			break;
	}
	/* As n_tty: the line is empty, the "/" comes now. */
	if (l->echo && l->out == t->line_start)
		finish_erasing(t, &l->e);
}

/* c, mapped, in canonical mode with our line editing, as n_tty: the
 * editing keys, VLNEXT (IEXTEN) quotes the next byte, VREPRINT (IEXTEN,
 * ECHO) shows the line again, VEOF ends the line without a newline (at
 * its start: a read returns 0), NL, VEOL and VEOL2 (IEXTEN) end it. */
static void ldisc_edit(struct ldisc *l, unsigned char c)
{
	const struct k_termios *tio = &l->t->termios;
	int ext = !!(tio->c_lflag & IEXTEN);

	if (is_cc(tio, VERASE, c) || is_cc(tio, VKILL, c) ||
	    (ext && is_cc(tio, VWERASE, c))) {
		ldisc_erase(l, c, is_cc(tio, VERASE, c) ? VERASE :
			    is_cc(tio, VKILL, c) ? VKILL : VWERASE);
		return;
	}
	if (ext && is_cc(tio, VLNEXT, c)) {
		l->t->lnext = 1;
		if (l->echo)
			finish_erasing(l->t, &l->e);
		if (l->echo && (tio->c_lflag & ECHOCTL)) {
			echo_raw(l->t, &l->e, '^');
			echo_raw(l->t, &l->e, '\b');
		}
		return;
	}
	if (ext && is_cc(tio, VREPRINT, c) && (tio->c_lflag & ECHO)) {
		if (l->echo)
			ldisc_reprint(l, c);
		return;
	}
	if (is_cc(tio, VEOF, c)) {
		ldisc_put(l, c, MARK_EOF);	/* not echoed */
		return;
	}
	if (c == '\n' || is_cc(tio, VEOL, c) || (ext && is_cc(tio, VEOL2, c))) {
		if (l->echo)
			echo_typed(l, c);
		else if (c == '\n' && (tio->c_lflag & ECHONL) &&
			 echo_here(l->t))
			echo_char(l->t, &l->e, c);
		ldisc_put(l, c, MARK_EOL);
		return;
	}
	if (l->echo)
		finish_erasing(l->t, &l->e);
	echo_typed(l, c);
	ldisc_put(l, c, 0);
}

/* Restarts the output stopped by VSTOP, as n_tty's start_tty: not
 * when tcflow(TCOOFF) stopped it. Lock held. */
static void output_start(struct tty *t)
{
	if (!t->tco_stopped)
		t->stopped = 0;
}

/* IXON's flow control on c, as n_tty: VSTOP stops the output, VSTART
 * restarts it, neither is input (returns 1); with IXANY any other byte
 * restarts it too (and is input). */
static int flow_control(struct tty *t, unsigned char c)
{
	const struct k_termios *tio = &t->termios;

	if (!(tio->c_iflag & IXON))
		return 0;
	if (is_cc(tio, VSTOP, c) && !is_cc(tio, VSTART, c)) {
		t->stopped = 1;
		return 1;
	}
	if (is_cc(tio, VSTART, c) || (tio->c_iflag & IXANY))
		output_start(t);
	return is_cc(tio, VSTART, c);
}

/* The line discipline, as Linux's n_tty, on the new bytes
 * buf[from..len): with IXON VSTOP and VSTART stop and restart the
 * output (flow_control); with ISIG the signal keys are not input but
 * signals for the app (restarting the output under IXON), and each
 * flushes the input before it unless NOFLSH; a CR
 * is then a NL under ICRNL (a raw serial line sends the Enter key's
 * CR); in canonical mode where the keys come raw (edit_on) the line is
 * edited (ldisc_edit), and a NL ends a line in canonical mode. Where the
 * host's terminal does this (sim) these bytes do not arrive; over a
 * serial line (QEMU, amphi-kvm) they do. What is kept, and the signal
 * keys, are echoed (echo_on). Lock held. */
static void isig_scan(struct tty *t, unsigned int from)
{
	struct ldisc l = { .t = t, .out = from, .echo = echo_on(t) };
	unsigned int i, bit, bits = 0;
	int c, edit = edit_on(t), canon = canon_on(t);

	for (i = from; i < t->len; i++) {
		c = (unsigned char)t->buf[i];
		if (t->lnext) {
			t->lnext = 0;
			if (t->termios.c_iflag & IXANY)
				output_start(t);
			if (l.echo)
				finish_erasing(t, &l.e);
			echo_typed(&l, (unsigned char)c);
			ldisc_put(&l, (unsigned char)c, 0);
			continue;
		}
		if (flow_control(t, (unsigned char)c))
			continue;
		bit = isig_bit(&t->termios, (unsigned char)c);
		if (bit) {
			/* As n_tty: the flush takes the echo not yet
			 * shown too. */
			if (!(t->termios.c_lflag & NOFLSH)) {
				l.out = t->line_start = 0;
				l.e.n = echo_held_len = 0;
				t->erasing = 0;
			}
			if (t->termios.c_iflag & IXON)
				output_start(t);
			if (l.echo)
				echo_char(t, &l.e, (unsigned char)c);
			bits |= bit;
			continue;
		}
		c = input_map(&t->termios, (char)c);
		if (c < 0)
			continue;
		if (edit) {
			ldisc_edit(&l, (unsigned char)c);
			continue;
		}
		echo_typed(&l, (unsigned char)c);
		ldisc_put(&l, (unsigned char)c,
			  canon && c == '\n' ? MARK_EOL : 0);
	}
	t->len = l.out;
	echo_flush(t, &l.e);
	echo_release(t);	/* the output may run again */
	if (bits)
		tty_sig_raise(bits);
}

/* Whether the host's terminal makes the console's lines (sim, its own
 * terminal in canonical mode): its VEOF is then a read of nothing. */
static int host_edits(const struct tty *t)
{
	return t == &console && console_in_tty && !console_keys &&
	       canon_on(t);
}

/* The host terminal's VEOF (host_edits): one read returns 0, as on
 * Linux, and the next reads on; one at a time, should it be a hang-up
 * that says so for ever. Lock held. */
static void host_eof(struct tty *t)
{
	if (t->len && t->mark[t->len - 1] == MARK_EOF)
		return;
	t->buf[t->len] = 0;
	t->mark[t->len++] = MARK_EOF;
	t->line_start = t->len;
}

/* Moves pending input into the buffer. Lock held. */
static void pull_input(struct tty *t)
{
	unsigned int from;
	int n;

	while (!t->eof && t->len < sizeof(t->buf)) {
		n = ukplat_stream_read(t->in_fd, t->buf + t->len,
				       sizeof(t->buf) - t->len, -1);
		if (n == -EPIPE && host_edits(t)) {
			host_eof(t);
			return;
		}
		if (n == -EPIPE)
			t->eof = 1;
		if (n <= 0)
			return;
		from = t->len;
		t->len += n;
		memset(t->mark + from, 0, n);
		if (t->file.ops == &tty_ops)
			isig_scan(t, from);
		/* The host's line ended by its VEOF after text. */
		if (host_edits(t) && t->len > from && !t->mark[t->len - 1])
			t->mark[t->len - 1] = MARK_EOL;
	}
}

/* Copies the ready line into the app's iov: a VEOF that ends it is
 * taken but not copied (alone, the read returns 0). Lock dropped for the
 * copy: the app's buffer may need demand paging. */
static ssize_t take_line(struct tty *t, const struct iovec *iov, int iovcnt,
			 unsigned int ready)
{
	char line[TTY_LINE_MAX];
	unsigned long flags;
	__sz n, taken, copied;

	n = MIN(uk_iov_total(iov, iovcnt), (__sz)ready);
	uk_spin_lock_irqsave(&t->lock, flags);
	/* Another reader may have been first: re-check what is there. */
	ready = line_ready(t);
	n = MIN(n, (__sz)ready);
	taken = n;
	if (canon_on(t) && n && t->mark[n - 1] == MARK_EOF)
		n--;
	else if (canon_on(t) && n + 1 == ready && t->mark[n] == MARK_EOF)
		taken++;
	memcpy(line, t->buf, n);
	memmove(t->buf, t->buf + taken, t->len - taken);
	memmove(t->mark, t->mark + taken, t->len - taken);
	t->len -= taken;
	t->line_start = t->line_start > taken ? t->line_start - taken : 0;
	uk_spin_unlock_irqrestore(&t->lock, flags);

	copied = uk_iov_copy_to(iov, iovcnt, 0, line, n);
	return copied || !n ? (ssize_t)copied : -EFAULT;
}

/* A pipe's or device's read: what has come, or -EAGAIN. */
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

/* What a console read waits for, as the poller finds it. */
struct console_wait {
	unsigned int len;		/* the buffer's length when it began */
	int canon;
};

static int console_changed(struct uk_file *f, void *arg)
{
	const struct console_wait *w = arg;
	struct tty *t = f->priv;
	unsigned long flags;
	int changed;

	uk_spin_lock_irqsave(&t->lock, flags);
	pull_input(t);
	changed = t->len != w->len || canon_on(t) != w->canon || t->eof;
	uk_spin_unlock_irqrestore(&t->lock, flags);
	return changed;
}

#define DECISECOND	100000000ULL	/* VTIME's unit, in ns */

/* The console's read, as Linux's n_tty: in canonical mode a line; else
 * under VMIN and VTIME (POSIX): at least MIN(VMIN, asked) bytes, with
 * VTIME the time to wait for the first byte (VMIN 0) or between bytes
 * (VMIN > 0); VMIN 0 and VTIME 0 take what is there, maybe nothing. It
 * waits itself (self_blocking) for VTIME's timer, looking again at least
 * every UK_TTY_POLL_MS, the poller's pace. */
static ssize_t console_read(struct uk_file *f, const struct iovec *iov,
			    int iovcnt, off_t *off __maybe_unused,
			    unsigned int flags)
{
	struct tty *t = f->priv;
	__sz total = uk_iov_total(iov, iovcnt);
	__nsec now, deadline = 0, until;
	unsigned int ready, vmin, vtime, last = 0;
	struct console_wait w;
	unsigned long irqf;
	int eof;

	if (!total)
		return 0;
	for (;;) {
		uk_spin_lock_irqsave(&t->lock, irqf);
		pull_input(t);
		ready = line_ready(t);
		eof = t->eof;
		w.len = t->len;
		w.canon = canon_on(t);
		vmin = t->termios.c_cc[VMIN];
		vtime = t->termios.c_cc[VTIME];
		uk_spin_unlock_irqrestore(&t->lock, irqf);
		now = ukplat_monotonic_clock();
		if (w.canon && ready)
			return take_line(t, iov, iovcnt, ready);
		if (!w.canon && ready && ready >= MIN((__sz)vmin, total))
			return take_line(t, iov, iovcnt, ready);
		if (eof || (!w.canon && !vmin && !vtime))
			return ready ? take_line(t, iov, iovcnt, ready) : 0;
		if (!w.canon && vtime && (!vmin || ready)) {
			if (!deadline || ready != last) {
				deadline = now + vtime * DECISECOND;
				last = ready;
			} else if (now >= deadline) {
				return ready ? take_line(t, iov, iovcnt,
							 ready) : 0;
			}
		}
		if (flags & O_NONBLOCK)
			return -EAGAIN;
		want_input(t);
		/* The poller notifies when a line or VMIN bytes came; a
		 * byte that restarts VTIME's timer is seen at the deadline
		 * (with the interrupt) or at the poller's pace. */
		until = READ_ONCE(input_irq) ? deadline :
			now + UK_TTY_POLL_MS * 1000000ULL;
		if (deadline && deadline < until)
			until = deadline;
		if (!uk_file_wait_until(f, UK_POLLIN, console_changed, &w,
					until) &&
		    uk_thread_interrupted(uk_thread_current()))
			return -UK_ERESTARTSYS;
	}
}

/* While the output is stopped (IXON), waits for the key that restarts
 * it, looking at the input itself at the poller's pace (a key is found
 * as the input is read). Returns 0, -EAGAIN if nonblock, or
 * -UK_ERESTARTSYS for a signal. */
static int output_wait(struct tty *t, int nonblock)
{
	unsigned long flags;
	int stopped;

	while (READ_ONCE(t->stopped)) {
		uk_spin_lock_irqsave(&t->lock, flags);
		pull_input(t);
		stopped = t->stopped;
		uk_spin_unlock_irqrestore(&t->lock, flags);
		if (!stopped)
			break;
		if (nonblock)
			return -EAGAIN;
		if (uk_thread_sleep_interruptible(ukplat_monotonic_clock() +
						  UK_TTY_POLL_MS * 1000000ULL))
			return -UK_ERESTARTSYS;
	}
	return 0;
}

/* Writes to the host stream, chunk by chunk, held while the output is
 * stopped (IXON), as n_tty's write waits. */
static ssize_t tty_write(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off __maybe_unused,
			 unsigned int flags)
{
	struct tty *t = f->priv;
	__sz total = uk_iov_total(iov, iovcnt), done = 0, n;
	char chunk[TTY_CHUNK];
	unsigned long irqf;
	int rc;

	while (done < total) {
		rc = output_wait(t, flags & O_NONBLOCK);
		if (rc < 0)
			return done ? (ssize_t)done : rc;
		n = uk_iov_copy_from(chunk, iov, iovcnt, done, sizeof(chunk));
		if (!n)
			return done ? (ssize_t)done : -EFAULT;
		/* The console's mirror (the framebuffer console) shows
		 * fds 1 and 2 whatever they are on the host. */
		uk_console_mirror(chunk, (unsigned int)n);
		rc = ukplat_stream_write(t->out_fd, chunk, (unsigned int)n,
					 -1);
		if (rc < 0)
			return done ? (ssize_t)done : rc;
		/* The column only matters to our own echo's rub-outs. */
		if (echo_here(t)) {
			uk_spin_lock_irqsave(&t->lock, irqf);
			column_advance(t, chunk, (unsigned int)n);
			uk_spin_unlock_irqrestore(&t->lock, irqf);
		}
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
	if (poll_ready(t))
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

/* The window size: the one an app set (TIOCSWINSZ), else the host
 * terminal's, else 24x80. */
static struct winsize set_ws;

static void tty_winsize(struct winsize *ws)
{
	unsigned short rows, cols;

	if (set_ws.ws_row && set_ws.ws_col) {
		*ws = set_ws;
		return;
	}
	memset(ws, 0, sizeof(*ws));
	if (ukplat_tty_winsize(&rows, &cols) < 0) {
		rows = 24;
		cols = 80;
	}
	ws->ws_row = rows;
	ws->ws_col = cols;
}

/* The host's terminal's settings, where it has one that does the work
 * (sim), as struct k_termios: their layouts are Linux's both. */
_Static_assert(sizeof(struct k_termios) == sizeof(struct ukplat_termios),
	       "struct ukplat_termios is Linux's struct termios");

static void host_setattr(const struct k_termios *tio, int when)
{
	struct ukplat_termios h;

	memcpy(&h, tio, sizeof(h));
	ukplat_tty_setattr(&h, when);
}

/* tcflow (TCXONC), as n_tty: TCOOFF stops the output until TCOON (the
 * VSTART key does not restart it), TCIOFF and TCION send the terminal
 * VSTOP and VSTART (unless disabled), ahead of any stopped output.
 * Returns 0 or -EINVAL. */
static int tty_flow(struct tty *t, long action)
{
	unsigned long flags;
	char c;

	switch (action) {
	case TCOOFF:
	case TCOON:
		uk_spin_lock_irqsave(&t->lock, flags);
		if (action == TCOOFF) {
			t->tco_stopped = t->stopped = 1;
		} else if (t->tco_stopped) {
			t->tco_stopped = t->stopped = 0;
			echo_release(t);
		}
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return 0;
	case TCIOFF:
	case TCION:
		c = (char)t->termios.c_cc[action == TCIOFF ? VSTOP : VSTART];
		if (c)
			ukplat_stream_write(t->out_fd, &c, 1, -1);
		return 0;
	default:
		return -EINVAL;
	}
}

static int tty_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct tty *t = f->priv;
	struct winsize ws = { 0 };
	struct k_termios tio;
	unsigned long flags;
	int n;

	switch (req) {
	case TCGETS:
		uk_spin_lock_irqsave(&t->lock, flags);
		tio = t->termios;
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return uk_copy_to_user(arg, &tio, sizeof(tio));
	case TCSETS:
	case TCSETS + 1:	/* TCSETSW */
	case TCSETS + 2:	/* TCSETSF */
		if (uk_copy_from_user(&tio, arg, sizeof(tio)))
			return -EFAULT;
		/* In sim the host's terminal does what its settings say
		 * (ICANON, ECHO, ISIG): it takes the app's. */
		if (t == &console && console_in_tty)
			host_setattr(&tio, (int)(req - TCSETS));
		uk_spin_lock_irqsave(&t->lock, flags);
		/* As n_tty: output stopped by VSTOP restarts without IXON. */
		if (!(tio.c_iflag & IXON))
			output_start(t);
		t->termios = tio;
		echo_release(t);
		/* tcsetattr(TCSAFLUSH): input received and not read is
		 * gone, as on Linux (what the host has sent so far). */
		if (req == TCSETS + 2) {
			pull_input(t);
			t->len = t->line_start = 0;
			t->lnext = t->erasing = 0;
		}
		uk_spin_unlock_irqrestore(&t->lock, flags);
		/* A reader that waits for a line may now have bytes. */
		if (tty_events(t) & UK_POLLIN)
			uk_pollq_notify(&t->file.pollq, UK_POLLIN);
		return 0;
	case TCXONC:
		return tty_flow(t, (long)arg);
	case TIOCGWINSZ:
		tty_winsize(&ws);
		return uk_copy_to_user(arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		if (uk_copy_from_user(&ws, arg, sizeof(ws)))
			return -EFAULT;
		uk_spin_lock_irqsave(&t->lock, flags);
		set_ws = ws;
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return 0;
	case FIONREAD:		/* also TIOCINQ */
		uk_spin_lock_irqsave(&t->lock, flags);
		pull_input(t);
		n = (int)inq_bytes(t);
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return uk_copy_to_user(arg, &n, sizeof(n));
	default:
		return -ENOTTY;
	}
}

/* A pipe or a device: no terminal control, but what is buffered. */
static int pipe_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct tty *t = f->priv;
	unsigned long flags;
	int n;

	if (req != FIONREAD)
		return -ENOTTY;
	uk_spin_lock_irqsave(&t->lock, flags);
	pull_input(t);
	n = (int)t->len;
	uk_spin_unlock_irqrestore(&t->lock, flags);
	return uk_copy_to_user(arg, &n, sizeof(n));
}

/* The streams live forever: no release. */
static const struct uk_file_ops tty_ops = {
	.link_name = "/dev/console",
	.self_blocking = 1,	/* VTIME: console_read waits itself */
	.read = console_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.no_seek = 1,		/* as Linux: lseek on a terminal is ESPIPE */
};

static const struct uk_file_ops pipe_ops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = pipe_ioctl,
	.poll = tty_poll,
};

/* The platform fds whose input is waited for (bit n: fd n): those of
 * the streams a reader waits on, and the console's while its signal
 * keys are watched. 0: no one waits. */
static unsigned int wanted_fds(void)
{
	unsigned int i, fds = 0;

	if (READ_ONCE(console_watch))
		fds |= 1U << console.in_fd;
	for (i = 0; i < nr_watched; i++)
		if (__atomic_load_n(&watched[i]->want_input, __ATOMIC_ACQUIRE))
			fds |= 1U << watched[i]->in_fd;
	return fds;
}

/* Whether an input buffer is full: what is behind waits for a read, so
 * the interrupt would come again at once. */
static int any_full(void)
{
	unsigned int i;

	if (READ_ONCE(console.len) >= TTY_LINE_MAX)
		return 1;
	for (i = 0; i < nr_watched; i++)
		if (READ_ONCE(watched[i]->len) >= TTY_LINE_MAX)
			return 1;
	return 0;
}

/* The platform's input interrupt: the poller looks. Interrupt context. */
static void input_irq_fn(void *arg __maybe_unused)
{
	__atomic_store_n(&input_came, 1, __ATOMIC_RELEASE);
	uk_waitq_wake_up(&poller_wq);
}

/* Waits until there may be new input: until the interrupt says so (or
 * a reader waits on another stream: the fds armed change), or
 * UK_TTY_POLL_MS without one (or while a full buffer holds input back). */
static void input_wait(void)
{
	unsigned int fds;

	if (!input_irq || any_full()) {
		uk_sched_thread_sleep(UK_TTY_POLL_MS * 1000000ULL);
		return;
	}
	fds = wanted_fds();
	__atomic_store_n(&input_came, 0, __ATOMIC_RELEASE);
	ukplat_stream_input_arm(fds);	/* fires at once if input is there */
	uk_waitq_wait_event(&poller_wq,
			    __atomic_load_n(&input_came, __ATOMIC_ACQUIRE) ||
			    wanted_fds() != fds);
}

/* While someone wants input, checks the inputs when some may have come
 * (input_wait) and notifies a file when its input is there; sleeps
 * otherwise. */
static void tty_poller(void *arg __maybe_unused)
{
	struct tty *t;
	unsigned int i;

	for (;;) {
		uk_waitq_wait_event(&poller_wq, wanted_fds());
		input_wait();
		if (READ_ONCE(console_watch))
			tty_events(&console);	/* finds the signal keys */
		for (i = 0; i < nr_watched; i++) {
			t = watched[i];
			if (!__atomic_load_n(&t->want_input, __ATOMIC_ACQUIRE) ||
			    !(tty_events(t) & UK_POLLIN))
				continue;
			__atomic_store_n(&t->want_input, 0, __ATOMIC_RELEASE);
			uk_pollq_notify(&t->file.pollq, UK_POLLIN);
		}
	}
}

/* Starts the poller (the first time) and wakes it. Thread context. */
static void poller_kick(void)
{
	struct uk_thread *th;

	if (!__atomic_exchange_n(&poller_started, 1, __ATOMIC_ACQ_REL)) {
		th = uk_thread_create("tty-poller", tty_poller, NULL, 0,
				      UK_THREADF_DETACHED |
				      UK_THREADF_SERVICE);
		if (PTRISERR(th)) {
			uk_pr_err("tty: no poller thread: console reads "
				  "will not wake up\n");
			return;
		}
		uk_thread_start(th);
	}
	uk_waitq_wake_up(&poller_wq);
}

/* Someone waits for input on t: have the poller look. */
static void want_input(struct tty *t)
{
	__atomic_store_n(&t->want_input, 1, __ATOMIC_RELEASE);
	poller_kick();
}

/* --- regular files: read and written at the description's offset ---
 * The host's fd moves its own offset too, which the shell shares ("(app;
 * cat) < file"); a description made by opening /proc/self/fd/N again has
 * an offset of its own, and leaves the host's alone (own_ops). */

static const struct uk_file_ops own_ops;

static ssize_t file_read(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off, unsigned int flags __maybe_unused)
{
	int fd = (int)(long)f->priv, own = f->ops == &own_ops;
	__sz total = uk_iov_total(iov, iovcnt), done = 0, c;
	char chunk[TTY_CHUNK];
	int n;

	while (done < total) {
		n = (own ? ukplat_stream_pread : ukplat_stream_read)
			(fd, chunk, (unsigned int)MIN(total - done,
						      sizeof(chunk)),
			 *off + (off_t)done);
		if (n == -EPIPE || !n)
			break;
		if (n < 0)
			return done ? (ssize_t)done : n;
		c = uk_iov_copy_to(iov, iovcnt, done, chunk, (__sz)n);
		done += c;
		if (c < (__sz)n) {
			if (!done)
				return -EFAULT;
			break;
		}
	}
	*off += (off_t)done;
	return (ssize_t)done;
}

static ssize_t file_write(struct uk_file *f, const struct iovec *iov,
			  int iovcnt, off_t *off, unsigned int flags)
{
	int fd = (int)(long)f->priv, own = f->ops == &own_ops;
	__sz total = uk_iov_total(iov, iovcnt), done = 0, n;
	char chunk[TTY_CHUNK];
	long long size;
	int rc;

	/* The host appends for its fd's O_APPEND; ours is the kernel's. */
	if (own && (flags & UK_FILE_APPEND)) {
		size = ukplat_stream_size(fd);
		if (size < 0)
			return (ssize_t)size;
		*off = (off_t)size;
	}

	while (done < total) {
		n = uk_iov_copy_from(chunk, iov, iovcnt, done, sizeof(chunk));
		if (!n) {
			if (!done)
				return -EFAULT;
			break;
		}
		rc = (own ? ukplat_stream_pwrite : ukplat_stream_write)
			(fd, chunk, (unsigned int)n, *off + (off_t)done);
		if (rc < 0) {
			if (!done)
				return rc;
			break;
		}
		uk_console_mirror(chunk, (unsigned int)rc);
		done += (__sz)rc;
		if ((__sz)rc < n)
			break;
	}
	*off += (off_t)done;
	return (ssize_t)done;
}

static int file_getstat(struct uk_file *f, struct stat *st)
{
	long long size = ukplat_stream_size((int)(long)f->priv);

	if (size < 0)
		return (int)size;
	st->st_size = size;
	st->st_blksize = 4096;
	st->st_blocks = (size + 511) / 512;
	return 0;
}

/* open of /proc/self/fd/N: a file of the same host fd whose reads and
 * writes leave the host's offset alone. */
static struct uk_file *file_reopen(struct uk_file *f,
				   int flags __maybe_unused)
{
	struct uk_file *own = uk_malloc(uk_alloc_get_default(),
					sizeof(*own));

	if (!own)
		return ERR2PTR(-ENOMEM);
	uk_file_init(own, &own_ops, f->mode, f->priv);
	return own;
}

static void own_release(struct uk_file *f)
{
	uk_free(uk_alloc_get_default(), f);
}

static const struct uk_file_ops file_ops = {
	.read = file_read,
	.write = file_write,
	.getstat = file_getstat,
	.reopen = file_reopen,
};

static const struct uk_file_ops own_ops = {
	.read = file_read,
	.write = file_write,
	.getstat = file_getstat,
	.reopen = file_reopen,
	.release = own_release,
};

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

/* Linux's new terminal: its flags and control characters (INIT_C_CC:
 * ^C ^\\ DEL ^U ^D, VMIN 1, ^Q ^S ^Z ^R ^O ^W ^V). */
static void termios_default(struct k_termios *tio)
{
	static const unsigned char cc[K_NCCS] = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177,
		[VKILL] = 025, [VEOF] = 004, [VMIN] = 1, [VSTART] = 021,
		[VSTOP] = 023, [VSUSP] = 032, [VREPRINT] = 022,
		[VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
	};

	memset(tio, 0, sizeof(*tio));
	tio->c_iflag = ICRNL | IXON;
	tio->c_oflag = OPOST | ONLCR;
	tio->c_cflag = CS8 | CREAD | B38400;
	tio->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		       IEXTEN;
	memcpy(tio->c_cc, cc, sizeof(cc));
}

/* The console starts with the host terminal's settings where it has
 * one that does the work (sim), as a program starts with its
 * terminal's. */
static void host_getattr(struct k_termios *tio)
{
	struct ukplat_termios h;

	if (ukplat_tty_getattr(&h) == 0)
		memcpy(tio, &h, sizeof(*tio));
}

static struct tty pipes[3];
static struct uk_file files[3];

static void tty_setup(struct tty *t, const struct uk_file_ops *ops,
		      mode_t mode, int in_fd, int out_fd, int canon)
{
	uk_file_init(&t->file, ops, mode, t);
	uk_spin_init(&t->lock);
	termios_default(&t->termios);
	t->in_fd = in_fd;
	t->out_fd = out_fd;
	t->canon = canon;
	watched[nr_watched++] = t;
}

/* --- terminal signals ------------------------------------------------
 * The host's terminal keys (^C, ^\\, ^Z) and window changes reach the
 * app as Linux's line discipline sends them to a foreground process:
 * SIGINT, SIGQUIT, SIGTSTP and SIGWINCH (si_code SI_KERNEL). In sim the
 * backend interrupts CPU 0; over a serial line isig_scan finds the keys.
 * A thread of ours sends them on, as sending may allocate. SIGTSTP with
 * its default action stops the whole machine (the sim process stops, on
 * QEMU the launcher stops QEMU and itself; fg continues it): there is no
 * shell inside to return to, and the host's is the one that can
 * continue it. Where nothing outside can, it is ignored, as Linux does
 * for an orphaned process group. */
#define K_SIGINT	2	/* Linux's numbers (musl's signal.h and */
#define K_SIGQUIT	3	/* uk/signal.h do not mix) */
#define K_SIGTSTP	20
#define K_SIGWINCH	28

static unsigned int tty_sig_pending;
static struct uk_waitq tty_sig_wq;

/* Has the tty-signals thread send bits (UKPLAT_TTYSIG_*). Any context. */
static void tty_sig_raise(unsigned int bits)
{
	__atomic_fetch_or(&tty_sig_pending, bits, __ATOMIC_SEQ_CST);
	uk_waitq_wake_up(&tty_sig_wq);
}

static int tty_sig_irq(void *arg __maybe_unused,
		       struct __regs *regs __maybe_unused)
{
	unsigned int bits = ukplat_tty_signals_take();

	if (!bits)
		return 0;
	tty_sig_raise(bits);
	return 1;
}

static void tty_sig_send(int sig)
{
	struct uk_siginfo info;

	if (sig == K_SIGTSTP && uk_signal_is_default(sig) &&
	    ukplat_tty_stop() == 0)
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = UK_SI_KERNEL;
	uk_signal_send(NULL, &info);
}

static void tty_sig_main(void *arg __maybe_unused)
{
	static const struct { unsigned int bit; int sig; } map[] = {
		{ UKPLAT_TTYSIG_INT, K_SIGINT },
		{ UKPLAT_TTYSIG_QUIT, K_SIGQUIT },
		{ UKPLAT_TTYSIG_TSTP, K_SIGTSTP },
		{ UKPLAT_TTYSIG_WINCH, K_SIGWINCH },
	};
	unsigned int bits, i;

	for (;;) {
		uk_waitq_wait_event(&tty_sig_wq,
				    __atomic_load_n(&tty_sig_pending,
						    __ATOMIC_ACQUIRE));
		bits = __atomic_exchange_n(&tty_sig_pending, 0,
					   __ATOMIC_SEQ_CST);
		for (i = 0; i < ARRAY_SIZE(map); i++)
			if (bits & map[i].bit)
				tty_sig_send(map[i].sig);
	}
}

/* The host's signals for the app (sim), or, where the host has none for
 * us (the serial line on QEMU), the console's signal keys found in its
 * input (isig_scan), which is then watched even while no one reads. */
static int tty_signals_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct uk_thread *th;
	int irq;

	th = uk_thread_create("tty-signals", tty_sig_main, NULL, 0,
			      UK_THREADF_DETACHED | UK_THREADF_SERVICE);
	if (PTRISERR(th)) {
		uk_pr_err("tty: terminal signals will not reach the app\n");
		return 0;
	}
	uk_thread_start(th);
	irq = ukplat_irq_alloc();
	if (irq >= 0 &&
	    ukplat_irq_register((unsigned long)irq, tty_sig_irq, NULL) == 0 &&
	    ukplat_tty_signals_start((unsigned int)irq) == 0)
		return 0;
	if (console_in_tty && console_keys) {
		WRITE_ONCE(console_watch, 1);
		poller_kick();
	}
	return 0;
}

static int open_flags(int streamf)
{
	int acc = streamf & (UKPLAT_STREAMF_READ | UKPLAT_STREAMF_WRITE);

	return (acc == UKPLAT_STREAMF_READ ? O_RDONLY :
		acc == UKPLAT_STREAMF_WRITE ? O_WRONLY : O_RDWR) |
	       (streamf & UKPLAT_STREAMF_APPEND ? O_APPEND : 0);
}

/* The file for stream fd, of its kind (a new reference). Terminals are
 * all the console: it reads from the first and writes to the first
 * one that is written to (stdout, else stderr). */
static struct uk_file *stream_file(int fd, const struct ukplat_stream_info *in)
{
	switch (in->kind) {
	case UKPLAT_STREAM_TTY:
		return uk_tty_console();
	case UKPLAT_STREAM_FILE:
		uk_file_init(&files[fd], &file_ops, S_IFREG | 0644,
			     (void *)(long)fd);
		return &files[fd];
	default:
		tty_setup(&pipes[fd], &pipe_ops, (in->kind == UKPLAT_STREAM_PIPE ?
			  S_IFIFO : S_IFCHR) | 0600, fd, fd, 0);
		return &pipes[fd].file;
	}
}

/* Opens fds 0, 1 and 2 as the host has them: the terminal on one
 * read-write description, as a login shell finds it; pipes, files and
 * devices on descriptions of their own (shared where the host's are). */
static int tty_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct ukplat_stream_info info[3];
	struct uk_ofile *of[3] = { NULL, NULL, NULL }, *tty_of = NULL;
	int fd, ok[3], in_fd = -1, out_fd = -1;

	uk_waitq_init(&poller_wq);
	uk_waitq_init(&tty_sig_wq);
	input_irq = !console_poll &&
		    ukplat_stream_input_irq(input_irq_fn, NULL) == 0;
	for (fd = 0; fd < 3; fd++) {
		ok[fd] = ukplat_stream_info(fd, &info[fd]) == 0;
		if (!ok[fd] || info[fd].kind != UKPLAT_STREAM_TTY)
			continue;
		if (in_fd < 0)
			in_fd = fd;
		if (out_fd < 0 && fd > 0)
			out_fd = fd;
	}
	console_in_tty = in_fd == 0;
	console_out_tty = out_fd > 0;
	tty_setup(&console, &tty_ops, S_IFCHR | 0620, in_fd < 0 ? 0 : in_fd,
		  out_fd < 0 ? (in_fd < 0 ? 1 : in_fd) : out_fd, 1);
	if (!console_echo)
		console.termios.c_lflag &= ~ECHO;
	if (console_in_tty)
		host_getattr(&console.termios);

	for (fd = 0; fd < 3; fd++) {
		if (!ok[fd])
			continue;
		if (info[fd].kind == UKPLAT_STREAM_TTY && tty_of) {
			of[fd] = uk_ofile_get(tty_of);
		} else if (info[fd].same_as < fd && info[fd].same_as >= 0 &&
			   of[info[fd].same_as]) {
			of[fd] = uk_ofile_get(of[info[fd].same_as]);
		} else {
			of[fd] = uk_ofile_create(stream_file(fd, &info[fd]),
						 info[fd].kind ==
						 UKPLAT_STREAM_TTY ? O_RDWR :
						 open_flags(info[fd].flags));
			if (PTRISERR(of[fd])) {
				uk_pr_err("tty: cannot open fd %d\n", fd);
				of[fd] = NULL;
				continue;
			}
			if (info[fd].kind == UKPLAT_STREAM_FILE)
				of[fd]->pos = info[fd].pos;
			if (info[fd].kind == UKPLAT_STREAM_TTY)
				tty_of = of[fd];
		}
		if (uk_fdtab_install_at(uk_ofile_get(of[fd]), fd, 0) != fd)
			uk_pr_err("tty: cannot open fd %d\n", fd);
	}
	for (fd = 0; fd < 3; fd++)
		if (of[fd])
			uk_ofile_put(of[fd]);
	return 0;
}

uk_lib_initcall_prio(tty_init, NULL, 9);
uk_late_initcall(tty_signals_init, NULL);
