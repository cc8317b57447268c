/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The serial line as console and as the app's fds 0-2, over the
 * backend's UART (metal_uart_put/get: the 16550 on x86_64, the PL011 on
 * arm64).
 *
 * The line carries the kernel's messages and the app's fds 0-2. The host
 * side states what those are (console.stdin/stdout/stderr = tty, pipe,
 * file or dev; tools/qemu-run.py and amphi-kvm pass their own). A
 * regular file arrives as a stream, so it is a pipe here. As soon as one
 * of them is not a terminal the line is framed (uk/plat/console_frame.h:
 * the bytes, shared with the host side).
 */
#include <errno.h>
#include <string.h>
#include <uk/param.h>
#include <uk/plat/console.h>
#include <uk/plat/console_frame.h>
#include <uk/plat/irq.h>
#include <uk/spinlock.h>
#include "metal.h"

static UK_SPINLOCK_DEFINE(console_lock);

static const char *stdin_kind = "tty", *stdout_kind = "tty",
		  *stderr_kind = "tty";
UK_PARAM_STR(CONSOLE_ARG_STDIN, stdin_kind,
	     "what stdin is on the host: tty, pipe, file or dev");
UK_PARAM_STR(CONSOLE_ARG_STDOUT, stdout_kind, "the same for stdout");
UK_PARAM_STR(CONSOLE_ARG_STDERR, stderr_kind, "the same for stderr");

static int out_stream = CONSOLE_FRAME_STDOUT;	/* console_lock */
static int in_esc, in_eof, in_asked;

/* UKPLAT_STREAM_* of a console.* value; pipe for one we do not know. */
static int kind_of(const char *name)
{
	static const char *const names[] = CONSOLE_KIND_NAMES;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return UKPLAT_STREAM_PIPE;
}

static int in_framed(void)
{
	return kind_of(stdin_kind) != UKPLAT_STREAM_TTY;
}

static int framed(void)
{
	return in_framed() || kind_of(stdout_kind) != UKPLAT_STREAM_TTY ||
	       kind_of(stderr_kind) != UKPLAT_STREAM_TTY;
}

/* Writes buf as stream (CONSOLE_FRAME_STDOUT or CONSOLE_FRAME_STDERR). */
static int serial_write(int stream, const char *buf, unsigned int len)
{
	unsigned long flags;
	unsigned int i;
	int frame;

	if (!buf && len)
		return -EINVAL;
	uk_spin_lock_irqsave(&console_lock, flags);
	frame = framed();
	if (frame && stream != out_stream) {
		metal_uart_put(CONSOLE_FRAME_ESC);
		metal_uart_put((__u8)stream);
		out_stream = stream;
	}
	for (i = 0; i < len; i++) {
		if (frame && (__u8)buf[i] == CONSOLE_FRAME_ESC)
			metal_uart_put(CONSOLE_FRAME_ESC);
		metal_uart_put((__u8)buf[i]);
	}
	uk_spin_unlock_irqrestore(&console_lock, flags);
	return (int)len;
}

int ukplat_coutk(const char *buf, unsigned int len)
{
	return serial_write(CONSOLE_FRAME_STDOUT, buf, len);
}

int ukplat_cink(char *buf, unsigned int maxlen)
{
	unsigned long flags;
	unsigned int n = 0;
	int frame = in_framed();
	__u8 c;

	if (in_eof)
		return -EPIPE;
	if (frame && !in_asked) {
		uk_spin_lock_irqsave(&console_lock, flags);
		metal_uart_put(CONSOLE_FRAME_ESC);
		metal_uart_put(CONSOLE_FRAME_WANT_IN);
		in_asked = 1;
		uk_spin_unlock_irqrestore(&console_lock, flags);
	}
	while (n < maxlen && metal_uart_get(&c)) {
		if (!frame) {
			buf[n++] = (char)c;
		} else if (in_esc) {
			in_esc = 0;
			if (c == CONSOLE_FRAME_EOF) {
				in_eof = 1;
				break;
			}
			buf[n++] = (char)c;	/* CONSOLE_FRAME_ESC itself */
		} else if (c == CONSOLE_FRAME_ESC) {
			in_esc = 1;
		} else {
			buf[n++] = (char)c;
		}
	}
	return n || !in_eof ? (int)n : -EPIPE;
}

int ukplat_stream_info(int fd, struct ukplat_stream_info *info)
{
	const char *const kinds[3] = { stdin_kind, stdout_kind, stderr_kind };
	int i;

	if (fd < 0 || fd > 2)
		return -EBADF;
	memset(info, 0, sizeof(*info));
	info->kind = kind_of(kinds[fd]);
	if (info->kind == UKPLAT_STREAM_FILE)
		info->kind = UKPLAT_STREAM_PIPE;	/* comes as a stream */
	info->flags = info->kind == UKPLAT_STREAM_TTY ?
		      UKPLAT_STREAMF_READ | UKPLAT_STREAMF_WRITE :
		      fd ? UKPLAT_STREAMF_WRITE : UKPLAT_STREAMF_READ;
	info->same_as = fd;
	for (i = 0; i < fd && info->kind == UKPLAT_STREAM_TTY; i++) {
		if (kind_of(kinds[i]) == UKPLAT_STREAM_TTY) {
			info->same_as = i;
			break;
		}
	}
	return 0;
}

int ukplat_stream_read(int fd, char *buf, unsigned int len,
		       long long off __maybe_unused)
{
	return fd ? -EBADF : ukplat_cink(buf, len);
}

int ukplat_stream_write(int fd, const char *buf, unsigned int len,
			long long off __maybe_unused)
{
	return serial_write(fd == 2 ? CONSOLE_FRAME_STDERR : CONSOLE_FRAME_STDOUT, buf, len);
}

/* Files come as streams here (ukplat_stream_info). */
int ukplat_stream_pread(int fd __maybe_unused, char *buf __maybe_unused,
			unsigned int len __maybe_unused,
			long long off __maybe_unused)
{
	return -ESPIPE;
}

int ukplat_stream_pwrite(int fd __maybe_unused,
			 const char *buf __maybe_unused,
			 unsigned int len __maybe_unused,
			 long long off __maybe_unused)
{
	return -ESPIPE;
}

long long ukplat_stream_size(int fd __maybe_unused)
{
	return -ESPIPE;
}

static void (*in_fn)(void *arg);
static void *in_arg;

/* Input came: masked until armed again, as core/tty reads it in thread
 * context (a level-triggered line would fire again and again). */
static int serial_irq(void *arg __maybe_unused,
		      struct __regs *regs __maybe_unused)
{
	metal_uart_irq_rx(0);
	in_fn(in_arg);
	return 1;
}

int ukplat_stream_input_irq(void (*fn)(void *arg), void *arg)
{
	int irq;

	if (!fn || in_fn)
		return -EINVAL;
	irq = ukplat_irq_alloc();
	if (irq < 0)
		return -ENOTSUP;
	in_fn = fn;
	in_arg = arg;
	if (ukplat_irq_register((unsigned long)irq, serial_irq, NULL))
		goto err_free;
	if (metal_uart_irq_route((unsigned long)irq))
		goto err_unregister;
	return 0;

err_unregister:
	ukplat_irq_unregister((unsigned long)irq, serial_irq, NULL);
err_free:
	ukplat_irq_free((unsigned long)irq);
	in_fn = NULL;
	return -ENOTSUP;
}

/* The line carries every stream's input: any fds arm it. */
void ukplat_stream_input_arm(unsigned int fds)
{
	if (in_fn)
		metal_uart_irq_rx(fds != 0);
}

/* No terminal signals from the host: ^C, ^\\ and ^Z come over the line
 * as bytes, which core/tty's line discipline turns into signals. */
int ukplat_tty_signals_start(unsigned int irq __maybe_unused)
{
	return -ENOTSUP;
}

unsigned int ukplat_tty_signals_take(void)
{
	return 0;
}

int ukplat_tty_winsize(unsigned short *rows __maybe_unused,
		       unsigned short *cols __maybe_unused)
{
	return -ENOTTY;
}

/* The serial line's bytes come raw: the kernel's line discipline
 * (core/tty) does what a host terminal's would. */
int ukplat_tty_getattr(struct ukplat_termios *t __maybe_unused)
{
	return -ENOTTY;
}

int ukplat_tty_setattr(const struct ukplat_termios *t __maybe_unused,
		       int when __maybe_unused)
{
	return -ENOTTY;
}

/* Whether the host side stops and continues the machine on request:
 * tools/qemu-run.py says so (console.stop=1) where it does. */
static int stop_ok;
UK_PARAM("console.stop", stop_ok, 0, 1,
	 "1: the host stops the machine on the stop line (^Z)");

/* The request is a line of its own, "\e[amphi-stop]", which the host
 * side hides: it stops QEMU and itself, and a SIGCONT (the shell's fg)
 * continues both. The machine runs on for the moment that takes. */
int ukplat_tty_stop(void)
{
	static const char line[] = "\x1b[amphi-stop]\n";

	if (!stop_ok)
		return -ENOTSUP;
	serial_write(CONSOLE_FRAME_STDOUT, line, sizeof(line) - 1);
	return 0;
}
