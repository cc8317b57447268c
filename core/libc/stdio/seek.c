/* SPDX-License-Identifier: BSD-3-Clause */
/* Stream positions. */
#include <errno.h>
#include <stdio.h>

#include "stdio_impl.h"

static int fseeko_unlocked(FILE *f, off_t off, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	/* The fd is ahead of the stream by the unread bytes. */
	if (whence == SEEK_CUR && f->rpos)
		off -= f->rend - f->rpos;
	if (__stdio_flush(f))
		return -1;
	if (f->seek(f, off, whence) < 0)
		return -1;
	f->rpos = f->rend = NULL;
	f->wbase = f->wpos = f->wend = NULL;
	f->flags &= ~F_EOF;
	return 0;
}

int fseeko(FILE *f, off_t off, int whence)
{
	int ret;

	FLOCK(f);
	ret = fseeko_unlocked(f, off, whence);
	FUNLOCK(f);
	return ret;
}

int fseek(FILE *f, long off, int whence)
{
	return fseeko(f, off, whence);
}

static off_t ftello_unlocked(FILE *f)
{
	off_t pos;

	/* Appended output lands at the end: find out where. */
	if ((f->flags & F_APPEND) && f->wbase && f->wpos > f->wbase &&
	    __stdio_flush(f))
		return -1;
	pos = f->seek(f, 0, SEEK_CUR);
	if (pos < 0)
		return -1;
	if (f->rpos)
		pos -= f->rend - f->rpos;
	else if (f->wbase)
		pos += f->wpos - f->wbase;
	if (pos < 0) {	/* bytes pushed back before the start */
		errno = EINVAL;
		return -1;
	}
	return pos;
}

off_t ftello(FILE *f)
{
	off_t pos;

	FLOCK(f);
	pos = ftello_unlocked(f);
	FUNLOCK(f);
	return pos;
}

long ftell(FILE *f)
{
	return ftello(f);
}

void rewind(FILE *f)
{
	FLOCK(f);
	fseeko_unlocked(f, 0, SEEK_SET);
	f->flags &= ~F_ERR;
	FUNLOCK(f);
}

int fgetpos(FILE *restrict f, fpos_t *restrict pos)
{
	off_t off = ftello(f);

	if (off < 0)
		return -1;
	pos->__pos = off;
	return 0;
}

int fsetpos(FILE *f, const fpos_t *pos)
{
	return fseeko(f, pos->__pos, SEEK_SET);
}
