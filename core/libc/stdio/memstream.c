/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Streams over memory: fmemopen (a fixed buffer) and open_memstream (a
 * growing one). Both are unbuffered, so the memory is up to date after
 * every call, which also satisfies "after fflush" of POSIX.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_impl.h"

struct fmem {
	char *buf;
	size_t size;		/* capacity */
	size_t len;		/* bytes of content */
	size_t pos;
	int append;
	int own;		/* buf is ours */
};

static ssize_t fmem_read(FILE *f, void *buf, size_t n)
{
	struct fmem *m = f->cookie;

	if (m->pos >= m->len)
		return 0;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->buf + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static ssize_t fmem_write(FILE *f, const void *buf, size_t n)
{
	struct fmem *m = f->cookie;

	if (m->append)
		m->pos = m->len;
	if (m->pos >= m->size) {
		errno = ENOSPC;
		return -1;
	}
	if (n > m->size - m->pos)
		n = m->size - m->pos;
	memcpy(m->buf + m->pos, buf, n);
	m->pos += n;
	if (m->pos > m->len)
		m->len = m->pos;
	if (m->len < m->size)
		m->buf[m->len] = '\0';
	return (ssize_t)n;
}

/* The new position for off from whence, within [0, limit]; -1 + EINVAL. */
static off_t new_pos(size_t pos, size_t end, size_t limit, off_t off,
		     int whence)
{
	off_t base = whence == SEEK_SET ? 0 :
		     whence == SEEK_CUR ? (off_t)pos : (off_t)end;

	if (whence < SEEK_SET || whence > SEEK_END ||
	    off < -base || off > (off_t)limit - base) {
		errno = EINVAL;
		return -1;
	}
	return base + off;
}

static off_t fmem_seek(FILE *f, off_t off, int whence)
{
	struct fmem *m = f->cookie;
	off_t pos = new_pos(m->pos, m->len, m->size, off, whence);

	if (pos >= 0)
		m->pos = (size_t)pos;
	return pos;
}

static int fmem_close(FILE *f)
{
	struct fmem *m = f->cookie;

	if (m->own)
		free(m->buf);
	free(m);
	return 0;
}

static void mem_stream(FILE *f, void *cookie)
{
	f->cookie = cookie;
	f->bufmode = _IONBF;
	f->flags |= F_MODESET;
}

FILE *fmemopen(void *restrict buf, size_t size, const char *restrict mode)
{
	int flags = __stdio_mode_flags(mode);
	struct fmem *m;
	FILE *f;

	if (flags < 0)
		return NULL;
	if (!size) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->buf = buf;
	if (!buf) {
		m->buf = calloc(1, size);
		m->own = 1;
		if (!m->buf)
			goto fail;
	}
	m->size = size;
	if (*mode == 'r')
		m->len = size;
	else if (*mode == 'a')
		m->pos = m->len = strnlen(m->buf, size);
	else
		m->buf[0] = '\0';
	m->append = *mode == 'a';
	f = __stdio_new(-1, flags);
	if (!f)
		goto fail;
	f->read = fmem_read;
	f->write = fmem_write;
	f->seek = fmem_seek;
	f->close = fmem_close;
	mem_stream(f, m);
	return f;
fail:
	if (m->own)
		free(m->buf);
	free(m);
	errno = ENOMEM;
	return NULL;
}

struct memstream {
	char **bufp;
	size_t *sizep;
	char *buf;
	size_t cap;		/* bytes allocated, > len */
	size_t len;
	size_t pos;
};

static void ms_publish(struct memstream *m)
{
	*m->bufp = m->buf;
	*m->sizep = m->pos < m->len ? m->pos : m->len;
}

/* Makes room for len bytes and a NUL; zero-fills. 0 or -1 + ENOMEM. */
static int ms_reserve(struct memstream *m, size_t len)
{
	size_t cap = m->cap;
	char *p;

	if (len < m->cap)
		return 0;
	while (cap <= len)
		cap = cap * 2 > cap ? cap * 2 : len + 1;
	p = realloc(m->buf, cap);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	memset(p + m->cap, 0, cap - m->cap);
	m->buf = p;
	m->cap = cap;
	return 0;
}

static ssize_t ms_write(FILE *f, const void *buf, size_t n)
{
	struct memstream *m = f->cookie;

	if (m->pos + n < m->pos || ms_reserve(m, m->pos + n))
		return -1;
	memcpy(m->buf + m->pos, buf, n);
	m->pos += n;
	if (m->pos > m->len)
		m->len = m->pos;
	m->buf[m->len] = '\0';
	ms_publish(m);
	return (ssize_t)n;
}

static off_t ms_seek(FILE *f, off_t off, int whence)
{
	struct memstream *m = f->cookie;
	off_t pos = new_pos(m->pos, m->len, (size_t)-1 >> 2, off, whence);

	if (pos < 0)
		return -1;
	/* Past the end: the gap reads as zeros once written. */
	if (ms_reserve(m, (size_t)pos))
		return -1;
	m->pos = (size_t)pos;
	ms_publish(m);
	return pos;
}

static int ms_close(FILE *f)
{
	struct memstream *m = f->cookie;

	ms_publish(m);
	free(m);
	return 0;
}

FILE *open_memstream(char **bufp, size_t *sizep)
{
	struct memstream *m;
	FILE *f;

	if (!bufp || !sizep) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->bufp = bufp;
	m->sizep = sizep;
	if (ms_reserve(m, 0))
		goto fail;
	f = __stdio_new(-1, O_WRONLY);
	if (!f)
		goto fail;
	f->read = NULL;
	f->write = ms_write;
	f->seek = ms_seek;
	f->close = ms_close;
	mem_stream(f, m);
	ms_publish(m);
	return f;
fail:
	free(m->buf);
	free(m);
	errno = ENOMEM;
	return NULL;
}
