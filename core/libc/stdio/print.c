/* SPDX-License-Identifier: BSD-3-Clause */
/* The printf family on streams and fds, over the engine of ../printf.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "../format.h"
#include "stdio_impl.h"

struct file_sink {
	FILE *f;
	int failed;
};

static void file_emit(void *arg, const char *s, size_t n)
{
	struct file_sink *k = arg;

	if (!k->failed &&
	    __stdio_fwritex(k->f, (const unsigned char *)s, n) != n)
		k->failed = 1;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct file_sink k = { .f = f };
	int ret;

	FLOCK(f);
	if (__stdio_towrite(f)) {
		FUNLOCK(f);
		return -1;
	}
	ret = __libc_vformat(file_emit, &k, fmt, ap);
	FUNLOCK(f);
	return k.failed ? -1 : ret;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfprintf(f, fmt, ap);
	va_end(ap);
	return ret;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return ret;
}

struct fd_sink {
	int fd;
	int failed;
};

static void fd_emit(void *arg, const char *s, size_t n)
{
	struct fd_sink *k = arg;
	ssize_t w;

	while (n && !k->failed) {
		w = write(k->fd, s, n);
		if (w <= 0) {
			k->failed = 1;
			break;
		}
		s += w;
		n -= (size_t)w;
	}
}

int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	struct fd_sink k = { .fd = fd };
	int ret = __libc_vformat(fd_emit, &k, fmt, ap);

	return k.failed ? -1 : ret;
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vdprintf(fd, fmt, ap);
	va_end(ap);
	return ret;
}
