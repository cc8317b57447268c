/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading and writing streams: bytes, blocks, lines; stream state. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_impl.h"

static inline int getc_fast(FILE *f)
{
	if (f->rpos && f->rpos < f->rend)
		return *f->rpos++;
	return __stdio_uflow(f);
}

static inline int putc_fast(int c, FILE *f)
{
	unsigned char ch = (unsigned char)c;

	if (f->wpos && f->wpos < f->wend &&
	    !(ch == '\n' && f->bufmode == _IOLBF)) {
		*f->wpos++ = ch;
		return ch;
	}
	return __stdio_fwritex(f, &ch, 1) == 1 ? ch : EOF;
}

int getc_unlocked(FILE *f)
{
	return getc_fast(f);
}

int fgetc_unlocked(FILE *f)
{
	return getc_fast(f);
}

int getchar_unlocked(void)
{
	return getc_fast(stdin);
}

int fgetc(FILE *f)
{
	int c;

	FLOCK(f);
	c = getc_fast(f);
	FUNLOCK(f);
	return c;
}

int getc(FILE *f)
{
	return fgetc(f);
}

int getchar(void)
{
	return fgetc(stdin);
}

int putc_unlocked(int c, FILE *f)
{
	return putc_fast(c, f);
}

int fputc_unlocked(int c, FILE *f)
{
	return putc_fast(c, f);
}

int putchar_unlocked(int c)
{
	return putc_fast(c, stdout);
}

int fputc(int c, FILE *f)
{
	FLOCK(f);
	c = putc_fast(c, f);
	FUNLOCK(f);
	return c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int ungetc(int c, FILE *f)
{
	if (c == EOF)
		return EOF;
	FLOCK(f);
	if (__stdio_toread(f) || f->rpos <= f->buf) {
		FUNLOCK(f);
		return EOF;
	}
	*--f->rpos = (unsigned char)c;
	f->flags &= ~F_EOF;
	FUNLOCK(f);
	return (unsigned char)c;
}

static size_t take(FILE *f, unsigned char *d, size_t n)
{
	size_t k = (size_t)(f->rend - f->rpos);

	if (k > n)
		k = n;
	memcpy(d, f->rpos, k);
	f->rpos += k;
	return k;
}

size_t fread_unlocked(void *restrict ptr, size_t size, size_t n,
		      FILE *restrict f)
{
	unsigned char *d = ptr;
	size_t len, done;
	ssize_t r;
	int c;

	if (!size || !n)
		return 0;
	if (n > SIZE_MAX / size) {
		errno = EOVERFLOW;
		f->flags |= F_ERR;
		return 0;
	}
	len = size * n;
	if (__stdio_toread(f))
		return 0;
	done = take(f, d, len);
	while (done < len && !(f->flags & F_EOF)) {
		if (len - done < f->bufsize) {
			c = __stdio_uflow(f);
			if (c == EOF)
				break;
			d[done++] = (unsigned char)c;
			done += take(f, d + done, len - done);
			continue;
		}
		/* Large reads skip the buffer. */
		r = f->read(f, d + done, len - done);
		if (r <= 0) {
			f->flags |= r ? F_ERR : F_EOF;
			break;
		}
		done += (size_t)r;
	}
	return done / size;
}

size_t fread(void *restrict ptr, size_t size, size_t n, FILE *restrict f)
{
	size_t ret;

	FLOCK(f);
	ret = fread_unlocked(ptr, size, n, f);
	FUNLOCK(f);
	return ret;
}

size_t fwrite_unlocked(const void *restrict ptr, size_t size, size_t n,
		       FILE *restrict f)
{
	if (!size || !n)
		return 0;
	if (n > SIZE_MAX / size) {
		errno = EOVERFLOW;
		f->flags |= F_ERR;
		return 0;
	}
	return __stdio_fwritex(f, ptr, size * n) / size;
}

size_t fwrite(const void *restrict ptr, size_t size, size_t n,
	      FILE *restrict f)
{
	size_t ret;

	FLOCK(f);
	ret = fwrite_unlocked(ptr, size, n, f);
	FUNLOCK(f);
	return ret;
}

char *fgets(char *restrict s, int n, FILE *restrict f)
{
	unsigned int err0;
	size_t k, room;
	unsigned char *nl;
	char *p = s;
	int c;

	if (n <= 0) {
		errno = EINVAL;
		return NULL;
	}
	FLOCK(f);
	err0 = f->flags & F_ERR;
	for (room = (size_t)n - 1; room; ) {
		if (!f->rpos || f->rpos == f->rend) {
			c = __stdio_uflow(f);
			if (c == EOF)
				break;
			*p++ = (char)c;
			room--;
			if (c == '\n')
				break;
			continue;
		}
		k = (size_t)(f->rend - f->rpos);
		if (k > room)
			k = room;
		nl = memchr(f->rpos, '\n', k);
		if (nl)
			k = (size_t)(nl - f->rpos) + 1;
		memcpy(p, f->rpos, k);
		f->rpos += k;
		p += k;
		room -= k;
		if (nl)
			break;
	}
	/* glibc: nothing read, or a read error now, is NULL. */
	if ((p == s && n > 1) || (!err0 && (f->flags & F_ERR)))
		s = NULL;
	else
		*p = '\0';
	FUNLOCK(f);
	return s;
}

static int grow(char **lineptr, size_t *n, size_t need)
{
	size_t size = *n ? *n : 120;
	char *p;

	if (need <= *n && *lineptr)
		return 0;
	while (size < need)
		size = size > SIZE_MAX / 2 ? need : size * 2;
	p = realloc(*lineptr, size);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*lineptr = p;
	*n = size;
	return 0;
}

ssize_t getdelim(char **restrict lineptr, size_t *restrict n, int delim,
		 FILE *restrict f)
{
	unsigned char *end = NULL;
	unsigned int err0;
	size_t len = 0, k;
	int failed = 0;

	if (!lineptr || !n) {
		errno = EINVAL;
		return -1;
	}
	FLOCK(f);
	err0 = f->flags & F_ERR;
	while (!end) {
		if (!f->rpos || f->rpos == f->rend) {
			if (__stdio_uflow(f) == EOF)
				break;
			f->rpos--;	/* uflow left the byte in buf */
		}
		k = (size_t)(f->rend - f->rpos);
		end = memchr(f->rpos, delim, k);
		if (end)
			k = (size_t)(end - f->rpos) + 1;
		if (grow(lineptr, n, len + k + 1)) {
			f->flags |= F_ERR;
			failed = 1;
			break;
		}
		memcpy(*lineptr + len, f->rpos, k);
		f->rpos += k;
		len += k;
	}
	if (!err0 && (f->flags & F_ERR))
		failed = 1;
	if (*lineptr && len < *n)
		(*lineptr)[len] = '\0';
	FUNLOCK(f);
	return failed || !len ? -1 : (ssize_t)len;
}

ssize_t getline(char **restrict lineptr, size_t *restrict n,
		FILE *restrict f)
{
	return getdelim(lineptr, n, '\n', f);
}

int fputs(const char *restrict s, FILE *restrict f)
{
	size_t len = strlen(s);
	int ret;

	FLOCK(f);
	ret = __stdio_fwritex(f, (const unsigned char *)s, len) == len ?
	      1 : EOF;
	FUNLOCK(f);
	return ret;
}

int puts(const char *s)
{
	size_t len = strlen(s);
	int ret = EOF;

	FLOCK(stdout);
	if (__stdio_fwritex(stdout, (const unsigned char *)s, len) == len &&
	    putc_fast('\n', stdout) != EOF)
		ret = len >= INT_MAX ? INT_MAX : (int)len + 1;
	FUNLOCK(stdout);
	return ret;
}

int feof_unlocked(FILE *f)
{
	return !!(f->flags & F_EOF);
}

int ferror_unlocked(FILE *f)
{
	return !!(f->flags & F_ERR);
}

void clearerr_unlocked(FILE *f)
{
	f->flags &= ~(F_EOF | F_ERR);
}

int fileno_unlocked(FILE *f)
{
	if (f->read != __stdio_read || f->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return f->fd;
}

int feof(FILE *f)
{
	int ret;

	FLOCK(f);
	ret = feof_unlocked(f);
	FUNLOCK(f);
	return ret;
}

int ferror(FILE *f)
{
	int ret;

	FLOCK(f);
	ret = ferror_unlocked(f);
	FUNLOCK(f);
	return ret;
}

void clearerr(FILE *f)
{
	FLOCK(f);
	clearerr_unlocked(f);
	FUNLOCK(f);
}

int fileno(FILE *f)
{
	int ret;

	FLOCK(f);
	ret = fileno_unlocked(f);
	FUNLOCK(f);
	return ret;
}
