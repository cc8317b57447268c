/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Streams: the three standard ones, the list of open streams, opening,
 * closing, buffering and flushing. Output still buffered when the app
 * ends reaches its file from the term function of a late init (after the
 * atexit handlers, as exit() in C), never on a crash or _exit().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uk/init.h>

#include "stdio_impl.h"

ssize_t __stdio_read(FILE *f, void *buf, size_t n)
{
	return read(f->fd, buf, n);
}

ssize_t __stdio_write(FILE *f, const void *buf, size_t n)
{
	return write(f->fd, buf, n);
}

off_t __stdio_seek(FILE *f, off_t off, int whence)
{
	return lseek(f->fd, off, whence);
}

int __stdio_close(FILE *f)
{
	return close(f->fd);
}

#define STD_FILE(name, nfd, fl, mode, nxt)				\
	static FILE name = {						\
		.flags = (fl) | F_STATIC, .fd = (nfd), .bufmode = (mode),\
		.read = __stdio_read, .write = __stdio_write,		\
		.seek = __stdio_seek, .close = __stdio_close,		\
		.lock = UK_MUTEX_INITIALIZER(name.lock), .next = (nxt),	\
	}

static FILE f_stderr;
static FILE f_stdout;
STD_FILE(f_stdin, 0, F_NOWR, _IOFBF, &f_stdout);
STD_FILE(f_stdout, 1, F_NORD, _IOFBF, &f_stderr);
STD_FILE(f_stderr, 2, F_NORD | F_MODESET, _IONBF, NULL);

FILE *const stdin = &f_stdin;
FILE *const stdout = &f_stdout;
FILE *const stderr = &f_stderr;

/* The open streams, most recent first; the standard ones stay last. */
static FILE *ofl_head = &f_stdin;
static struct uk_mutex ofl_lock = UK_MUTEX_INITIALIZER(ofl_lock);

int __stdio_mode_flags(const char *mode)
{
	int flags;

	switch (*mode) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	/* As glibc: letters it does not know are ignored, "," ends. */
	for (mode++; *mode && *mode != ','; mode++) {
		if (*mode == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (*mode == 'x')
			flags |= O_EXCL;
		else if (*mode == 'e')
			flags |= O_CLOEXEC;
	}
	return flags;
}

FILE *__stdio_new(int fd, int oflags)
{
	FILE *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->fd = fd;
	f->bufmode = _IOFBF;
	if ((oflags & O_ACCMODE) == O_RDONLY)
		f->flags |= F_NOWR;
	if ((oflags & O_ACCMODE) == O_WRONLY)
		f->flags |= F_NORD;
	if (oflags & O_APPEND)
		f->flags |= F_APPEND;
	f->read = __stdio_read;
	f->write = __stdio_write;
	f->seek = __stdio_seek;
	f->close = __stdio_close;
	uk_mutex_init(&f->lock);
	uk_mutex_lock(&ofl_lock);
	f->next = ofl_head;
	if (ofl_head)
		ofl_head->prev = f;
	ofl_head = f;
	uk_mutex_unlock(&ofl_lock);
	return f;
}

static void drop_buf(FILE *f)
{
	if (f->flags & F_MYBUF)
		free(f->buf);
	f->flags &= ~F_MYBUF;
	f->buf = NULL;
	f->rpos = f->rend = NULL;
	f->wbase = f->wpos = f->wend = NULL;
}

void __stdio_free(FILE *f)
{
	drop_buf(f);
	if (f->flags & F_STATIC)
		return;
	uk_mutex_lock(&ofl_lock);
	if (f->prev)
		f->prev->next = f->next;
	else
		ofl_head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	uk_mutex_unlock(&ofl_lock);
	free(f);
}

/* Buffers are set up at the first I/O, so that setvbuf can still choose;
 * a stream on a terminal is then line buffered, as in glibc. */
static void setup_buf(FILE *f)
{
	int err = errno;

	if (f->buf)
		return;
	if (!(f->flags & F_MODESET) && f->read == __stdio_read &&
	    isatty(f->fd) == 1)
		f->bufmode = _IOLBF;
	errno = err;
	if (f->bufmode != _IONBF) {
		f->buf = malloc(UNGET + BUFSIZ);
		if (f->buf) {
			f->bufsize = BUFSIZ;
			f->flags |= F_MYBUF;
			return;
		}
		f->bufmode = _IONBF;	/* no memory: still works, slowly */
	}
	f->buf = f->sbuf;
	f->bufsize = 1;
}

int __stdio_flush(FILE *f)
{
	unsigned char *p;
	ssize_t n;

	if (!f->wbase)
		return 0;
	for (p = f->wbase; p < f->wpos; p += n) {
		n = f->write(f, p, (size_t)(f->wpos - p));
		if (n <= 0) {
			if (!n)
				errno = EIO;
			f->flags |= F_ERR;
			f->wpos = f->wbase;
			return EOF;
		}
	}
	f->wpos = f->wbase;
	return 0;
}

/* Moves the file position back over read-ahead, so that the fd is where
 * the app thinks the stream is; an unseekable file keeps it buffered. */
static int unread(FILE *f)
{
	if (!f->rpos)
		return 0;
	if (f->rend > f->rpos &&
	    f->seek(f, -(off_t)(f->rend - f->rpos), SEEK_CUR) < 0)
		return -1;
	f->rpos = f->rend = NULL;
	return 0;
}

int __stdio_toread(FILE *f)
{
	if (f->rpos)
		return 0;
	if (f->flags & F_NORD) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	if (f->wbase) {
		if (__stdio_flush(f))
			return EOF;
		f->wbase = f->wpos = f->wend = NULL;
	}
	setup_buf(f);
	f->rpos = f->rend = f->buf + UNGET;
	return 0;
}

int __stdio_towrite(FILE *f)
{
	if (f->wbase)
		return 0;
	if (f->flags & F_NOWR) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	if (unread(f))
		f->rpos = f->rend = NULL;	/* a pipe: cannot go back */
	setup_buf(f);
	f->wbase = f->wpos = f->buf + UNGET;
	f->wend = f->wbase + (f->bufmode == _IONBF ? 0 : f->bufsize);
	return 0;
}

void __stdio_flush_linebuf(void)
{
	FLOCK(stdout);
	if (f_stdout.bufmode == _IOLBF)
		__stdio_flush(stdout);
	FUNLOCK(stdout);
}

int __stdio_uflow(FILE *f)
{
	ssize_t n;

	if (__stdio_toread(f))
		return EOF;
	if (f->rpos < f->rend)
		return *f->rpos++;
	if (f->flags & F_EOF)	/* sticky, as glibc since 2.28 */
		return EOF;
	if (f->bufmode != _IOFBF && f != stdout && f->read == __stdio_read)
		__stdio_flush_linebuf();
	n = f->read(f, f->buf + UNGET, f->bufsize);
	f->rpos = f->rend = f->buf + UNGET;
	if (n <= 0) {
		f->flags |= n ? F_ERR : F_EOF;
		return EOF;
	}
	f->rend += n;
	return *f->rpos++;
}

static size_t write_direct(FILE *f, const unsigned char *s, size_t n)
{
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = f->write(f, s + done, n - done);
		if (w <= 0) {
			if (!w)
				errno = EIO;
			f->flags |= F_ERR;
			break;
		}
		done += (size_t)w;
	}
	return done;
}

size_t __stdio_fwritex(FILE *f, const unsigned char *s, size_t n)
{
	size_t done;

	if (__stdio_towrite(f))
		return 0;
	if (n <= (size_t)(f->wend - f->wpos)) {
		memcpy(f->wpos, s, n);
		f->wpos += n;
		done = n;
	} else {
		if (__stdio_flush(f))
			return 0;
		if (n >= f->bufsize || f->bufmode == _IONBF)
			return write_direct(f, s, n);
		memcpy(f->wpos, s, n);
		f->wpos += n;
		done = n;
	}
	if (f->bufmode == _IOLBF && memchr(s, '\n', n) && __stdio_flush(f))
		return 0;
	return done;
}

FILE *fopen(const char *restrict path, const char *restrict mode)
{
	int flags = __stdio_mode_flags(mode);
	int fd, err;
	FILE *f;

	if (flags < 0)
		return NULL;
	fd = open(path, flags, 0666);
	if (fd < 0)
		return NULL;
	f = __stdio_new(fd, flags);
	if (!f) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

/* Checks that the fd's access mode allows what mode asks; applies "a"
 * and "e" to the fd as glibc does. */
static int fd_fits(int fd, int flags)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	if (((flags & O_ACCMODE) != O_WRONLY && (fl & O_ACCMODE) == O_WRONLY) ||
	    ((flags & O_ACCMODE) != O_RDONLY && (fl & O_ACCMODE) == O_RDONLY)) {
		errno = EINVAL;
		return -1;
	}
	if ((flags & O_APPEND) && !(fl & O_APPEND) &&
	    fcntl(fd, F_SETFL, fl | O_APPEND) < 0)
		return -1;
	if ((flags & O_CLOEXEC) && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

FILE *fdopen(int fd, const char *mode)
{
	int flags = __stdio_mode_flags(mode);

	if (flags < 0 || fd_fits(fd, flags))
		return NULL;
	return __stdio_new(fd, flags);
}

/* Makes f a fresh stream on fd with flags; keeps its buffer mode. */
static void reset(FILE *f, int fd, int flags)
{
	drop_buf(f);
	f->fd = fd;
	f->read = __stdio_read;
	f->write = __stdio_write;
	f->seek = __stdio_seek;
	f->close = __stdio_close;
	f->cookie = NULL;
	f->flags &= F_MODESET | F_STATIC;
	if ((flags & O_ACCMODE) == O_RDONLY)
		f->flags |= F_NOWR;
	if ((flags & O_ACCMODE) == O_WRONLY)
		f->flags |= F_NORD;
	if (flags & O_APPEND)
		f->flags |= F_APPEND;
}

static int reopen_fd(FILE *f, const char *path, int flags)
{
	int fd, err;

	fd = open(path, flags, 0666);
	if (fd < 0 || f->fd < 0 || fd == f->fd)
		return fd;
	/* Keep the stream's fd number: freopen(..., stdout) stays fd 1. */
	if (dup3(fd, f->fd, flags & O_CLOEXEC) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return f->fd;
}

FILE *freopen(const char *restrict path, const char *restrict mode,
	      FILE *restrict f)
{
	int flags = __stdio_mode_flags(mode);
	int fd, err;

	FLOCK(f);
	__stdio_flush(f);
	if (flags < 0)
		goto fail;
	if (!path) {
		if (f->read != __stdio_read || fd_fits(f->fd, flags))
			goto fail;
		fd = f->fd;
	} else {
		fd = reopen_fd(f, path, flags);
		if (fd < 0)
			goto fail;
		if (f->read != __stdio_read)	/* was a memory stream */
			f->close(f);
	}
	reset(f, fd, flags);
	FUNLOCK(f);
	return f;
fail:
	err = errno;
	FUNLOCK(f);
	fclose(f);
	errno = err;
	return NULL;
}

int fclose(FILE *f)
{
	int ret, err;

	FLOCK(f);
	ret = __stdio_flush(f);
	err = errno;
	if (f->close && f->close(f) < 0) {
		err = errno;
		ret = EOF;
	}
	f->close = NULL;
	f->fd = -1;
	f->flags |= F_NORD | F_NOWR;
	FUNLOCK(f);
	__stdio_free(f);
	errno = err;
	return ret;
}

static int flush_all(void)
{
	int ret = 0;
	FILE *f;

	uk_mutex_lock(&ofl_lock);
	for (f = ofl_head; f; f = f->next) {
		FLOCK(f);
		if (f->wbase && f->wpos > f->wbase && __stdio_flush(f))
			ret = EOF;
		FUNLOCK(f);
	}
	uk_mutex_unlock(&ofl_lock);
	return ret;
}

int fflush(FILE *f)
{
	int ret;

	if (!f)
		return flush_all();
	FLOCK(f);
	ret = __stdio_flush(f);
	/* An input stream: give the fd the stream's position (POSIX). */
	if (!ret && f->rpos)
		unread(f);
	FUNLOCK(f);
	return ret;
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
		return -1;
	FLOCK(f);
	if (f->rpos || f->wbase) {	/* too late: I/O has begun */
		FUNLOCK(f);
		return -1;
	}
	drop_buf(f);
	f->bufmode = mode;
	f->flags |= F_MODESET;
	if (buf && mode != _IONBF && size > 2 * UNGET) {
		f->buf = (unsigned char *)buf;
		f->bufsize = size - UNGET;
	}
	FUNLOCK(f);
	return 0;
}

void setbuf(FILE *restrict f, char *restrict buf)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

void setbuffer(FILE *restrict f, char *restrict buf, size_t size)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, size);
}

void setlinebuf(FILE *f)
{
	setvbuf(f, NULL, _IOLBF, 0);
}

/* The app's own locks are always real: it may start a thread while
 * holding one. */
void flockfile(FILE *f)
{
	uk_mutex_lock(&f->lock);
}

void funlockfile(FILE *f)
{
	uk_mutex_unlock(&f->lock);
}

int ftrylockfile(FILE *f)
{
	return uk_mutex_trylock(&f->lock) ? 0 : -1;
}

/* Flushes every stream, then gives back their memory (streams the app
 * left open too): nothing runs app code after this. */
static void stdio_term(void)
{
	FILE *f, *next;

	flush_all();
	uk_mutex_lock(&ofl_lock);
	for (f = ofl_head; f; f = next) {
		next = f->next;
		drop_buf(f);
		if (!(f->flags & F_STATIC))
			free(f);
	}
	ofl_head = &f_stdin;
	f_stdin.prev = NULL;
	uk_mutex_unlock(&ofl_lock);
}

/* Last of the inits, so first of the terms: the files are still open. */
uk_termcall_class_prio(stdio_term, UK_INIT_CLASS_LATE, UK_PRIO_LATEST);
