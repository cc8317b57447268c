/* SPDX-License-Identifier: BSD-3-Clause */
/* The inside of a FILE, shared by the files of core/libc/stdio. */
#ifndef __LIBC_STDIO_IMPL_H__
#define __LIBC_STDIO_IMPL_H__

#include <stdio.h>
#include <sys/types.h>
#include <uk/mutex.h>
#include <uk/sched.h>

/* Room before the buffer for ungetc() once the buffer is full. */
#define UNGET		8

#define F_NORD		0x0001	/* not open for reading */
#define F_NOWR		0x0002	/* not open for writing */
#define F_EOF		0x0004
#define F_ERR		0x0008
#define F_APPEND	0x0010	/* writes go to the end (O_APPEND) */
#define F_MYBUF		0x0020	/* buf is ours, freed at close */
#define F_MODESET	0x0040	/* buffering chosen by setvbuf */
#define F_STATIC	0x0080	/* stdin/out/err: never freed */

/*
 * A stream. Reading: the unread bytes are [rpos, rend). Writing: the
 * pending bytes are [wbase, wpos), room up to wend. At most one of the
 * two is active (rpos or wbase non-NULL). buf has UNGET bytes of
 * push-back room before the bufsize bytes of data.
 */
struct _FILE {
	unsigned int flags;
	int fd;
	int bufmode;			/* _IOFBF, _IOLBF, _IONBF */
	unsigned char *buf;		/* UNGET + bufsize bytes, or NULL */
	size_t bufsize;
	unsigned char *rpos, *rend;
	unsigned char *wbase, *wpos, *wend;
	/* Low-level I/O: fds or memory. Return bytes, or -1 + errno. */
	ssize_t (*read)(FILE *f, void *buf, size_t n);
	ssize_t (*write)(FILE *f, const void *buf, size_t n);
	off_t (*seek)(FILE *f, off_t off, int whence);
	int (*close)(FILE *f);
	void *cookie;			/* memory streams' state */
	struct uk_mutex lock;
	FILE *prev, *next;		/* open streams */
	unsigned char sbuf[UNGET + 1];	/* buf when unbuffered */
};

/* Low-level I/O on f->fd. */
ssize_t __stdio_read(FILE *f, void *buf, size_t n);
ssize_t __stdio_write(FILE *f, const void *buf, size_t n);
off_t __stdio_seek(FILE *f, off_t off, int whence);
int __stdio_close(FILE *f);

/* fopen's mode to O_* flags; -1 + EINVAL for a bad mode. */
int __stdio_mode_flags(const char *mode);
/* A new stream (calloc'ed, with its lock) linked into the open list, with
 * access from the O_* flags. NULL + ENOMEM. */
FILE *__stdio_new(int fd, int oflags);
/* Unlinks and frees f (not stdin/out/err). */
void __stdio_free(FILE *f);

/* Writes out the pending output [wbase, wpos); on an error drops it.
 * Returns 0 or EOF (F_ERR and errno set). */
int __stdio_flush(FILE *f);
/* Switch f to reading / writing; return 0 or EOF (errno set). */
int __stdio_toread(FILE *f);
int __stdio_towrite(FILE *f);
/* Refills the read buffer; returns the next byte (consumed) or EOF. */
int __stdio_uflow(FILE *f);
/* Writes n bytes through the buffer. Returns the count taken. */
size_t __stdio_fwritex(FILE *f, const unsigned char *s, size_t n);
/* Flushes every line-buffered output stream (before reading stdin). */
void __stdio_flush_linebuf(void);

/* Locks f unless only one thread exists (then nobody can race us; a
 * thread made meanwhile is not in the middle of this call). Returns
 * whether it locked, for __stdio_unlock. */
static inline int __stdio_lock(FILE *f)
{
	if (!uk_sched_multithreaded())
		return 0;
	uk_mutex_lock(&f->lock);
	return 1;
}

static inline void __stdio_unlock(FILE *f, int locked)
{
	if (locked)
		uk_mutex_unlock(&f->lock);
}

/* One pair per scope: FLOCK declares what FUNLOCK needs. */
#define FLOCK(f)	int __stdio_locked = __stdio_lock(f)
#define FUNLOCK(f)	__stdio_unlock((f), __stdio_locked)

#endif /* __LIBC_STDIO_IMPL_H__ */
