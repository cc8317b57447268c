/* SPDX-License-Identifier: BSD-3-Clause */
/* Raw console of the platform: no buffering, no translation. */
#ifndef __UK_PLAT_CONSOLE_H__
#define __UK_PLAT_CONSOLE_H__

/* Writes len bytes of buf to the kernel console. Returns the number of
 * bytes written (len unless the console is gone) or a negative errno. */
int ukplat_coutk(const char *buf, unsigned int len);

/* Reads up to maxlen bytes into buf without blocking. Returns the number
 * of bytes read, 0 if none are available, or -EPIPE at end of input. */
int ukplat_cink(char *buf, unsigned int maxlen);

/*
 * The app's standard streams, fds 0-2, as the host set them up: each one
 * is the terminal (which core/tty reads line by line) or a pipe, a
 * regular file or another device, read and written as they are. In sim
 * they are the process's own fds 0-2; on QEMU the serial console carries
 * them all, and the host side says what they are (kernel arguments).
 */
#define UKPLAT_STREAM_TTY	0	/* a terminal */
#define UKPLAT_STREAM_PIPE	1	/* a pipe, FIFO or socket */
#define UKPLAT_STREAM_FILE	2	/* a regular file (seekable) */
#define UKPLAT_STREAM_DEV	3	/* another device: /dev/null */

#define UKPLAT_STREAMF_READ	0x1	/* opened for reading */
#define UKPLAT_STREAMF_WRITE	0x2	/* opened for writing */
#define UKPLAT_STREAMF_APPEND	0x4

struct ukplat_stream_info {
	int kind;			/* UKPLAT_STREAM_* */
	int flags;			/* UKPLAT_STREAMF_* */
	int same_as;			/* lowest fd on the same description */
	long long pos;			/* FILE: the offset at boot */
};

/* Describes stream fd (0, 1 or 2) as it was at start-up, when the tty
 * layer asks (sim probes fds 0-2 once). Returns 0, or -EBADF if it is
 * closed on the host. */
int ukplat_stream_info(int fd, struct ukplat_stream_info *info);

/* Reads up to len bytes of stream fd without blocking, at offset off for
 * FILE streams (else off is ignored). Returns the bytes read, 0 if none
 * are there yet, -EPIPE at end of input, or a negative errno. */
int ukplat_stream_read(int fd, char *buf, unsigned int len, long long off);

/* Writes buf to stream fd (at off for FILE streams). Returns the bytes
 * written or a negative errno (-EPIPE: nobody reads any more). */
int ukplat_stream_write(int fd, const char *buf, unsigned int len,
			long long off);

/* As ukplat_stream_read/write of a FILE stream, at off without moving
 * the host's offset (a description of the kernel's own, as a second
 * open of the file makes). Returns the bytes moved (0: end of file), or
 * a negative errno (-ESPIPE: no FILE stream). */
int ukplat_stream_pread(int fd, char *buf, unsigned int len, long long off);
int ukplat_stream_pwrite(int fd, const char *buf, unsigned int len,
			 long long off);

/* The size of FILE stream fd now, or a negative errno. */
long long ukplat_stream_size(int fd);

/* Has fn(arg) run in interrupt context when input for the streams
 * arrives, once each time ukplat_stream_input_arm armed it. Returns 0,
 * or -ENOTSUP where the input has no interrupt (amphi-kvm): poll it
 * then. Call once. */
int ukplat_stream_input_irq(void (*fn)(void *arg), void *arg);

/* Arms ukplat_stream_input_irq's callback for the next input on the
 * streams in fds (bit n: fd n; on metal the serial line carries all
 * input, whatever fds says), or at their end of input: it runs at once
 * if some is there and not read yet. 0 disarms. Any context, but the
 * first call with fds set from a thread (in sim it starts the host's
 * input thread). */
void ukplat_stream_input_arm(unsigned int fds);

/*
 * Terminal signals: what the host's terminal (or someone with kill(1))
 * asked of the whole machine. In sim the process got SIGINT, SIGQUIT,
 * SIGTSTP or SIGWINCH; core/tty sends them on to the app as a tty's
 * line discipline would. Backends without them return -ENOTSUP.
 */
#define UKPLAT_TTYSIG_INT	0x1
#define UKPLAT_TTYSIG_QUIT	0x2
#define UKPLAT_TTYSIG_TSTP	0x4
#define UKPLAT_TTYSIG_WINCH	0x8

/* From now on, a terminal signal makes device interrupt irq pending on
 * CPU 0. Returns 0, or -ENOTSUP. */
int ukplat_tty_signals_start(unsigned int irq);

/* Takes the terminal signals that arrived (UKPLAT_TTYSIG_*). Lock-free,
 * callable in any context. */
unsigned int ukplat_tty_signals_take(void);

/* The terminal's size now in *rows and *cols. Returns 0, or -ENOTTY if
 * the host has no terminal (or does not say). */
int ukplat_tty_winsize(unsigned short *rows, unsigned short *cols);

/* Stops the whole machine until the host continues it (sim: the process
 * stops as on SIGSTOP; a shell's fg continues it). Returns 0 once
 * continued, or -ENOTSUP where nothing outside could continue it. */
int ukplat_tty_stop(void);

/* A terminal's settings as Linux's kernel struct termios (TCGETS). */
#define UKPLAT_NCCS	19
struct ukplat_termios {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line;
	unsigned char c_cc[UKPLAT_NCCS];
};

/* The settings of the host's terminal that is the console's input (sim:
 * the process's fd 0) in *t. Returns 0, or -ENOTTY where there is none
 * or the kernel's line discipline does the work (metal). */
int ukplat_tty_getattr(struct ukplat_termios *t);

/* Applies t to that host terminal (its c_cflag and c_line stay), as
 * tcsetattr with TCSANOW, TCSADRAIN or TCSAFLUSH (when: 0, 1, 2); the
 * host's own settings come back when the process stops or ends. Returns
 * 0, or -ENOTTY as ukplat_tty_getattr, or the host's -errno. */
int ukplat_tty_setattr(const struct ukplat_termios *t, int when);

#endif /* __UK_PLAT_CONSOLE_H__ */
