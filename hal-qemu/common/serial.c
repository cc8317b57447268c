/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The serial line as console and as the app's fds 0-2, over the
 * backend's UART (metal_uart_put/get: the 16550 on x86_64, the PL011 on
 * arm64).
 *
 * The line carries the kernel's messages and the app's fds 0-2. The host
 * side states what those are (console.stdin/stdout/stderr = tty, pipe,
 * file or dev; tools/qemu-run.py passes its own). A regular file arrives
 * as a stream, so it is a pipe here. As soon as one of them is not a
 * terminal the line is framed, so that the host can tell them apart and
 * the app can see its input end:
 *   out: 0xff 0xff  a 0xff byte
 *        0xff 0x01  what follows is stdout (and kernel messages)
 *        0xff 0x02  what follows is stderr
 *        0xff 0x06  send stdin now (once, at the first read: bytes sent
 *                   before the UART is set up would be lost)
 *   in (stdin not a terminal):
 *        0xff 0xff  a 0xff byte
 *        0xff 0x04  the end of input
 */
#include <errno.h>
#include <string.h>
#include <uk/param.h>
#include <uk/plat/console.h>
#include <uk/spinlock.h>
#include "metal.h"

#define FRAME_ESC	0xff
#define FRAME_STDOUT	0x01
#define FRAME_STDERR	0x02
#define FRAME_EOF	0x04
#define FRAME_WANT_IN	0x06

static UK_SPINLOCK_DEFINE(console_lock);

static const char *stdin_kind = "tty", *stdout_kind = "tty",
		  *stderr_kind = "tty";
UK_PARAM_STR("console.stdin", stdin_kind,
	     "what stdin is on the host: tty, pipe, file or dev");
UK_PARAM_STR("console.stdout", stdout_kind, "the same for stdout");
UK_PARAM_STR("console.stderr", stderr_kind, "the same for stderr");

static int out_stream = FRAME_STDOUT;	/* console_lock */
static int in_esc, in_eof, in_asked;

static int in_framed(void)
{
	return strcmp(stdin_kind, "tty") != 0;
}

static int framed(void)
{
	return in_framed() || strcmp(stdout_kind, "tty") ||
	       strcmp(stderr_kind, "tty");
}

/* Writes buf as stream (FRAME_STDOUT or FRAME_STDERR). */
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
		metal_uart_put(FRAME_ESC);
		metal_uart_put((__u8)stream);
		out_stream = stream;
	}
	for (i = 0; i < len; i++) {
		if (frame && (__u8)buf[i] == FRAME_ESC)
			metal_uart_put(FRAME_ESC);
		metal_uart_put((__u8)buf[i]);
	}
	uk_spin_unlock_irqrestore(&console_lock, flags);
	return (int)len;
}

int ukplat_coutk(const char *buf, unsigned int len)
{
	return serial_write(FRAME_STDOUT, buf, len);
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
		metal_uart_put(FRAME_ESC);
		metal_uart_put(FRAME_WANT_IN);
		in_asked = 1;
		uk_spin_unlock_irqrestore(&console_lock, flags);
	}
	while (n < maxlen && metal_uart_get(&c)) {
		if (!frame) {
			buf[n++] = (char)c;
		} else if (in_esc) {
			in_esc = 0;
			if (c == FRAME_EOF) {
				in_eof = 1;
				break;
			}
			buf[n++] = (char)c;	/* FRAME_ESC itself */
		} else if (c == FRAME_ESC) {
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
	if (!strcmp(kinds[fd], "tty"))
		info->kind = UKPLAT_STREAM_TTY;
	else if (!strcmp(kinds[fd], "dev"))
		info->kind = UKPLAT_STREAM_DEV;
	else
		info->kind = UKPLAT_STREAM_PIPE;	/* pipe, file */
	info->flags = info->kind == UKPLAT_STREAM_TTY ?
		      UKPLAT_STREAMF_READ | UKPLAT_STREAMF_WRITE :
		      fd ? UKPLAT_STREAMF_WRITE : UKPLAT_STREAMF_READ;
	info->same_as = fd;
	for (i = 0; i < fd && info->kind == UKPLAT_STREAM_TTY; i++) {
		if (!strcmp(kinds[i], "tty")) {
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
	return serial_write(fd == 2 ? FRAME_STDERR : FRAME_STDOUT, buf, len);
}

long long ukplat_stream_size(int fd __maybe_unused)
{
	return -ESPIPE;
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
	serial_write(FRAME_STDOUT, line, sizeof(line) - 1);
	return 0;
}
