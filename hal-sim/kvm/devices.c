/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The devices: one table of port and MMIO ranges, each with read and
 * write handlers, looked up at every KVM_EXIT_IO and KVM_EXIT_MMIO. A new
 * device (virtio-mmio, say) is one more entry.
 *
 *   uart        the 16550 at COM1, as far as the kernel drives it:
 *               transmit to stdout and stderr, receive from stdin
 *               (polled through LSR.DR, no interrupts), the divisor
 *               latch and scratch registers kept
 *   debug-exit  QEMU's isa-debug-exit at 0xf4: the kernel writes its
 *               exit status + 1
 *   cmos        the RTC's date and time (UTC, BCD, 24-hour) from the
 *               host's clock, and 128 bytes of CMOS RAM
 *   pic, pit    absent (the in-kernel local APIC takes every interrupt,
 *               the clock comes from CPUID): writes are ignored, reads
 *               give all ones, as on a machine without them
 *
 * Any other port, and MMIO outside RAM and the devices, reads as all
 * ones and ignores writes, as on a PC: that is how the kernel finds the
 * devices QEMU has and this monitor has not (fw_cfg, virtio-mmio slots).
 * With -v the first access to each port, and every such MMIO access, is
 * reported.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <uk/plat/console.h>
#include <uk/plat/console_frame.h>
#include "kvm.h"

/* ---------------------------------------------------------------------
 * Console: the app's fds 0-2 are the monitor's. When one of them is not
 * a terminal (main.c told the kernel which) the line is framed, as
 * tools/qemu-run.py frames it (uk/plat/console_frame.h): the app's
 * stderr goes to our stderr, and stdin is read only once the kernel asks
 * for it, with its 0xff bytes doubled and its end marked.
 *
 * Output is buffered per line (one write(2) per line, not per byte); a
 * partial line (a prompt) goes out after 10 ms, and at a change of
 * stream, so that the two stay in order. The kernel's
 * "\e[amphi-exit N]" line (a status isa-debug-exit cannot carry) is
 * taken, not shown. Input is read by the main thread's loop (main.c)
 * into a ring the UART drains. No thread of their own: a monitor that
 * boots in milliseconds does not start threads it may never need.
 */

#define OUT_MAX		4096
#define IN_MAX		4096
#define EXIT_LINE	"\x1b[amphi-exit "
/* The kernel's request to stop (SIGTSTP's default action; we said
 * console.stop=1), at the end of a line (after a prompt). */
#define STOP_LINE	"\x1b[amphi-stop]\n"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static int out_timer = -1;		/* timerfd: a partial line waits */
static char out_buf[OUT_MAX];
static size_t out_len;
static int stated_status = -1;
static int out_framed, in_framed;	/* set once, by devices_init */
static int out_stream = CONSOLE_FRAME_STDOUT;	/* whose out_buf is */
static int out_esc;			/* a CONSOLE_FRAME_ESC came */

static void write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;		/* stdout gone: the guest goes on */
		p += w;
		n -= (size_t)w;
	}
}

/* A line that ends in the stop request: what came before it goes out,
 * then the process group stops until continued. Called with out_lock
 * held (the other vCPUs stop with us anyway). */
static int out_stop_line(void)
{
	size_t n = sizeof(STOP_LINE) - 1;

	if (out_len < n || memcmp(out_buf + out_len - n, STOP_LINE, n))
		return 0;
	write_all(STDOUT_FILENO, out_buf, out_len - n);
	out_len = 0;
	term_stop(1);
	return 1;
}

/* Where the buffer ends in the start of an exit-status line (the guest
 * sends it a byte at a time, and a slow one may be in the middle of it
 * when a partial line's 10 ms are up), else out_len. */
static size_t out_exit_tail(void)
{
	size_t keep = sizeof(EXIT_LINE) - 1, i, n;
	const char *esc = memrchr(out_buf, '\x1b', out_len);

	if (!esc)
		return out_len;
	i = (size_t)(esc - out_buf);
	n = out_len - i < keep ? out_len - i : keep;
	if (memcmp(esc, EXIT_LINE, n))
		return out_len;
	for (i += n; i < out_len; i++)
		if (!isdigit((unsigned char)out_buf[i]) &&
		    out_buf[i] != ']' && out_buf[i] != '\r')
			return out_len;
	return (size_t)(esc - out_buf);
}

/* Writes the buffer out, taking a complete exit-status line (at the end
 * of a line: after a prompt, or the echo of ^C); keeps a partial line
 * that may become one. Called with out_lock held. */
static void out_flush_locked(int partial)
{
	size_t keep = sizeof(EXIT_LINE) - 1;
	unsigned int v;
	char *nl, *at;

	if (!out_len)
		return;
	if (out_stream == CONSOLE_FRAME_STDERR) {
		write_all(STDERR_FILENO, out_buf, out_len);
		out_len = 0;
		return;
	}
	at = memmem(out_buf, out_len, EXIT_LINE, keep);
	if (at && at != out_buf) {
		write_all(STDOUT_FILENO, out_buf, (size_t)(at - out_buf));
		out_len -= (size_t)(at - out_buf);
		memmove(out_buf, at, out_len);
	}
	if (out_buf[0] == '\x1b' &&
	    !memcmp(out_buf, EXIT_LINE, out_len < keep ? out_len : keep)) {
		nl = memchr(out_buf, '\n', out_len);
		if (!nl && !partial)
			return;		/* wait for the rest of the line */
		if (nl && sscanf(out_buf + keep, "%u]", &v) == 1) {
			stated_status = (int)v;
			out_len -= (size_t)(nl + 1 - out_buf);
			memmove(out_buf, nl + 1, out_len);
			out_flush_locked(partial);
			return;
		}
	}
	if (out_stop_line())
		return;
	if (!partial) {
		size_t tail = out_exit_tail();

		if (tail < out_len) {
			write_all(STDOUT_FILENO, out_buf, tail);
			out_len -= tail;
			memmove(out_buf, out_buf + tail, out_len);
			return;
		}
	}
	write_all(STDOUT_FILENO, out_buf, out_len);
	out_len = 0;
}

static void want_input(void);

/* Takes a byte of the framing; returns 1 if c was one (not data). Called
 * with out_lock held. */
static int out_deframe(uint8_t c)
{
	if (!out_framed)
		return 0;
	if (!out_esc) {
		out_esc = c == CONSOLE_FRAME_ESC;
		return out_esc;
	}
	out_esc = 0;
	if (c == CONSOLE_FRAME_STDOUT || c == CONSOLE_FRAME_STDERR) {
		if (c != out_stream)
			out_flush_locked(1);
		out_stream = c;
		return 1;
	}
	if (c == CONSOLE_FRAME_WANT_IN) {
		want_input();
		return 1;
	}
	return 0;		/* an escaped 0xff (or what followed ESC) */
}

static void console_putc(char c)
{
	static int first = 1;

	if (first) {
		first = 0;
		kvm_trace("first console byte");
	}
	pthread_mutex_lock(&out_lock);
	if (out_deframe((uint8_t)c)) {
		pthread_mutex_unlock(&out_lock);
		return;
	}
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == OUT_MAX) {
		out_flush_locked(out_len == OUT_MAX);
	} else if (out_len == 1 && out_timer >= 0) {
		struct itimerspec t = { .it_value = { 0, 10 * 1000 * 1000 } };

		timerfd_settime(out_timer, 0, &t, NULL);
	}
	pthread_mutex_unlock(&out_lock);
}

void console_flush(void)
{
	pthread_mutex_lock(&out_lock);
	out_flush_locked(1);
	pthread_mutex_unlock(&out_lock);
}

int console_stated_status(void)
{
	int s;

	pthread_mutex_lock(&out_lock);
	out_flush_locked(1);
	s = stated_status;
	pthread_mutex_unlock(&out_lock);
	return s;
}

/* Input: a ring the main thread fills (console_poll) and the UART
 * drains; when it is full, stdin is not read until the guest took some
 * (in_wake tells the main thread, as it does the kernel's request for
 * input). Framed, a byte may take two places: there must be room for
 * two. */
static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char in_buf[IN_MAX];
static size_t in_head, in_len;
static int in_open = 1;			/* stdin not at EOF yet */
static int in_wanted;			/* stdin may be read */
static int in_full;			/* stdin waits for room */
static int in_wake = -1;		/* eventfd */

static void in_kick(void)
{
	(void)!write(in_wake, &(uint64_t){ 1 }, sizeof(uint64_t));
}

/* The kernel asked for stdin (its first read): from now on it is read.
 * Called by a vCPU thread. */
static void want_input(void)
{
	pthread_mutex_lock(&in_lock);
	in_wanted = 1;
	pthread_mutex_unlock(&in_lock);
	in_kick();
}

int console_pollfds(struct pollfd *p)
{
	size_t need = 2;	/* framed: 0xff doubled; a terminal: the
				 * Ctrl-A of an earlier read */
	int n = 0;

	pthread_mutex_lock(&in_lock);
	if (in_open && in_wanted && IN_MAX - in_len >= need)
		p[n++] = (struct pollfd) { .fd = STDIN_FILENO,
					   .events = POLLIN };
	else if (in_open && in_wanted)
		in_full = 1;
	pthread_mutex_unlock(&in_lock);
	p[n++] = (struct pollfd) { .fd = out_timer, .events = POLLIN };
	p[n++] = (struct pollfd) { .fd = in_wake, .events = POLLIN };
	return n;
}

/* Called with in_lock held, with room for c. */
static void in_put(unsigned char c)
{
	in_buf[(in_head + in_len++) % IN_MAX] = c;
}

static void in_read(void)
{
	unsigned char chunk[256], keys[sizeof(chunk) + 1], *data = chunk;
	ssize_t n, i;
	size_t room;

	pthread_mutex_lock(&in_lock);
	room = IN_MAX - in_len;
	pthread_mutex_unlock(&in_lock);
	/* Framed, each byte may be doubled; from a terminal, a Ctrl-A
	 * held from the last read may come out with the first byte. */
	room = in_framed ? room / 2 : room - 1;
	n = read(STDIN_FILENO, chunk, room < sizeof(chunk) ? room :
		 sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0 && !in_framed) {
		n = term_keys(chunk, (size_t)n, keys);
		if (n < 0)
			kvm_quit("Ctrl-A x");
		if (!n)
			return;
		data = keys;
	}
	pthread_mutex_lock(&in_lock);
	if (n <= 0) {
		in_open = 0;		/* EOF: nothing more comes */
		if (in_framed) {
			in_put(CONSOLE_FRAME_ESC);
			in_put(CONSOLE_FRAME_EOF);
		}
	}
	for (i = 0; i < n; i++) {
		if (in_framed && data[i] == CONSOLE_FRAME_ESC)
			in_put(CONSOLE_FRAME_ESC);
		in_put(data[i]);
	}
	pthread_mutex_unlock(&in_lock);
}

void console_poll(struct pollfd *p, int n)
{
	uint64_t junk;
	int i;

	for (i = 0; i < n; i++) {
		if (!p[i].revents)
			continue;
		if (p[i].fd == STDIN_FILENO) {
			in_read();
		} else if (p[i].fd == out_timer) {
			(void)!read(out_timer, &junk, sizeof(junk));
			pthread_mutex_lock(&out_lock);
			out_flush_locked(0);
			pthread_mutex_unlock(&out_lock);
		} else {
			(void)!read(in_wake, &junk, sizeof(junk));
		}
	}
}

static int in_ready(void)
{
	int r;

	pthread_mutex_lock(&in_lock);
	r = in_len > 0;
	pthread_mutex_unlock(&in_lock);
	return r;
}

static int in_getc(void)
{
	int c = -1;

	pthread_mutex_lock(&in_lock);
	if (in_len) {
		c = in_buf[in_head];
		in_head = (in_head + 1) % IN_MAX;
		in_len--;
		/* Room again: the main thread may read stdin again. */
		if (in_full) {
			in_full = 0;
			in_kick();
		}
	}
	pthread_mutex_unlock(&in_lock);
	return c;
}

/* ---------------------------------------------------------------------
 * 16550 UART
 */

#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

static struct {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
} uart = { .dll = 1 };

static void uart_read(struct vcpu *v, uint64_t off, void *data, unsigned sz)
{
	uint8_t *d = data, val = 0xff;
	int c;

	(void)v;
	switch (off) {
	case 0:
		if (uart.lcr & UART_LCR_DLAB) {
			val = uart.dll;
		} else {
			c = in_getc();
			val = c < 0 ? 0 : (uint8_t)c;
		}
		break;
	case 1:
		val = uart.lcr & UART_LCR_DLAB ? uart.dlm : uart.ier;
		break;
	case 2:
		val = (uart.fcr & 1) ? 0xc1 : 0x01;	/* no interrupt */
		break;
	case 3:
		val = uart.lcr;
		break;
	case 4:
		val = uart.mcr;
		break;
	case 5:
		val = UART_LSR_THRE | UART_LSR_TEMT |
		      (in_ready() ? UART_LSR_DR : 0);
		break;
	case 6:
		val = 0xb0;			/* DCD, DSR, CTS */
		break;
	case 7:
		val = uart.scr;
		break;
	}
	memset(d, 0, sz);
	d[0] = val;
}

static void uart_write(struct vcpu *v, uint64_t off, const void *data,
		       unsigned sz)
{
	uint8_t val = *(const uint8_t *)data;

	(void)v;
	(void)sz;
	switch (off) {
	case 0:
		if (uart.lcr & UART_LCR_DLAB)
			uart.dll = val;
		else
			console_putc((char)val);
		break;
	case 1:
		if (uart.lcr & UART_LCR_DLAB)
			uart.dlm = val;
		else
			uart.ier = val & 0x0f;
		break;
	case 2:
		uart.fcr = val;
		break;
	case 3:
		uart.lcr = val;
		break;
	case 4:
		uart.mcr = val & 0x1f;
		break;
	case 7:
		uart.scr = val;
		break;
	}
}

/* ---------------------------------------------------------------------
 * isa-debug-exit
 */

static void exit_write(struct vcpu *v, uint64_t off, const void *data,
		       unsigned sz)
{
	uint32_t val = 0;

	if (off)
		return;
	memcpy(&val, data, sz > 4 ? 4 : sz);
	/* The kernel writes status + 1 (QEMU's convention). */
	vm_end(v->vm, (int)((val - 1) & 0xff));
}

/* ---------------------------------------------------------------------
 * CMOS RTC
 */

static pthread_mutex_t cmos_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t cmos_index;
static uint8_t cmos_ram[128];

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static uint8_t cmos_reg(uint8_t reg)
{
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x32: return bcd((tm.tm_year + 1900) / 100);
	case 0x0a: return 0x26;		/* no update in progress */
	case 0x0b: return 0x02;		/* 24-hour, BCD */
	case 0x0c: return 0x00;
	case 0x0d: return 0x80;		/* RAM and time valid */
	}
	return cmos_ram[reg & 0x7f];
}

static void cmos_read(struct vcpu *v, uint64_t off, void *data, unsigned sz)
{
	uint8_t *d = data;

	(void)v;
	memset(d, 0xff, sz);
	pthread_mutex_lock(&cmos_lock);
	d[0] = off ? cmos_reg(cmos_index) : cmos_index;
	pthread_mutex_unlock(&cmos_lock);
}

static void cmos_write(struct vcpu *v, uint64_t off, const void *data,
		       unsigned sz)
{
	uint8_t val = *(const uint8_t *)data;

	(void)v;
	(void)sz;
	pthread_mutex_lock(&cmos_lock);
	if (!off)
		cmos_index = val & 0x7f;	/* bit 7: NMI off */
	else if (cmos_index >= 0x0e)
		cmos_ram[cmos_index] = val;	/* the clock is the host's */
	pthread_mutex_unlock(&cmos_lock);
}

/* ---------------------------------------------------------------------
 * The table
 */

static const struct kvm_device devices[] = {
	{ "uart", KVM_SPACE_PIO, 0x3f8, 8, uart_read, uart_write },
	{ "debug-exit", KVM_SPACE_PIO, 0xf4, 4, NULL, exit_write },
	{ "cmos", KVM_SPACE_PIO, 0x70, 2, cmos_read, cmos_write },
	{ "pic", KVM_SPACE_PIO, 0x20, 2, NULL, NULL },
	{ "pic", KVM_SPACE_PIO, 0xa0, 2, NULL, NULL },
	{ "pit", KVM_SPACE_PIO, 0x40, 4, NULL, NULL },
	{ "pit", KVM_SPACE_PIO, 0x61, 1, NULL, NULL },
};

static const struct kvm_device *find(enum kvm_space space, uint64_t addr)
{
	size_t i;

	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (devices[i].space == space && addr >= devices[i].base &&
		    addr - devices[i].base < devices[i].len)
			return &devices[i];
	return NULL;
}

static void dev_access(struct vcpu *v, enum kvm_space space, uint64_t addr,
		   void *data, unsigned size, int is_write)
{
	const struct kvm_device *d = find(space, addr);

	if (d && is_write && d->write) {
		d->write(v, addr - d->base, data, size);
		return;
	}
	if (d && !is_write && d->read) {
		d->read(v, addr - d->base, data, size);
		return;
	}
	if (!is_write)
		memset(data, 0xff, size);
	if (d || !kvm_verbose)
		return;
	if (space == KVM_SPACE_PIO) {
		static uint8_t seen[65536 / 8];
		uint8_t bit = (uint8_t)(1U << (addr & 7));

		if (__atomic_fetch_or(&seen[addr / 8 % sizeof(seen)], bit,
				      __ATOMIC_RELAXED) & bit)
			return;
	}
	kvm_say("CPU %u: %s %s of %u bytes at 0x%llx: no device (%s)",
		v->idx, space == KVM_SPACE_PIO ? "port" : "MMIO",
		is_write ? "write" : "read", size, (unsigned long long)addr,
		space == KVM_SPACE_PIO ? "reported once per port" :
		"reads give ones");
}

int devices_io(struct vcpu *v, struct kvm_run *run)
{
	uint8_t *p = (uint8_t *)run + run->io.data_offset;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, p += run->io.size)
		dev_access(v, KVM_SPACE_PIO, run->io.port, p, run->io.size,
		       run->io.direction == KVM_EXIT_IO_OUT);
	return 0;
}

int devices_mmio(struct vcpu *v, struct kvm_run *run)
{
	dev_access(v, KVM_SPACE_MMIO, run->mmio.phys_addr, run->mmio.data,
		   run->mmio.len, run->mmio.is_write);
	return 0;
}

void devices_init(struct vm *vm)
{
	const int *kinds = vm->opts->stream_kind;

	in_framed = kinds[0] != UKPLAT_STREAM_TTY;
	out_framed = in_framed || kinds[1] != UKPLAT_STREAM_TTY ||
		     kinds[2] != UKPLAT_STREAM_TTY;
	/* A terminal is read at once (the kernel reads it raw); a stream
	 * only once the kernel asks, as the QEMU launcher does. */
	in_wanted = !in_framed;
	out_timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC |
				   TFD_NONBLOCK);
	in_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (out_timer < 0 || in_wake < 0)
		kvm_die(KVM_EXIT_GUEST, "console: %s", strerror(errno));
}
