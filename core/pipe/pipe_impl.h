/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pipe inside core/pipe: pipe.c (the ring, the file ops) and
 * splice.c (splice and tee, which move data between a pipe and another
 * file in the kernel).
 */
#ifndef __PIPE_IMPL_H__
#define __PIPE_IMPL_H__

#include <uk/file.h>
#include <uk/mutex.h>
#include <uk/pipe.h>

struct pipe_seg {
	unsigned int len;
	unsigned int packet;
};

struct uk_pipe {
	struct uk_mutex lock;		/* ring and segments */
	/* Held by a reader from the look at the data to its consumption:
	 * splice takes it across the write to its output. */
	struct uk_mutex rdlock;
	char *buf;
	unsigned int head;		/* ring index of the first byte */
	unsigned int used;		/* bytes in the ring */
	unsigned int seg_head;		/* index of the first segment */
	unsigned int nseg;
	/* Bytes the ring holds and segments it queues (F_SETPIPE_SZ
	 * changes both under lock; poll reads them without). */
	unsigned int cap, slots;
	struct pipe_seg *seg;
	int readers, writers;		/* open descriptions of each end */
	int files;			/* of rd, wr, rw not yet released */
	ino_t ino;
	/* The ends, and both in one (a FIFO or /proc/self/fd/N opened
	 * O_RDWR), which the pipe holds while rd or wr is there. */
	struct uk_file rd, wr, rw;
};

/* The pipe of an end, or NULL if f is no pipe end. */
struct uk_pipe *pipe_of(struct uk_file *f);

/* Copies up to n bytes from the front of the pipe into the kernel
 * buffer buf (packets count as bytes), consuming nothing. rdlock held.
 * Returns the bytes, 0 if empty without writers, -EAGAIN if empty. */
ssize_t pipe_peek(struct uk_pipe *p, void *buf, __sz n);

/* Consumes n bytes (at most what is queued) from the front, as a read
 * would, and wakes writers. rdlock held. */
void pipe_drop(struct uk_pipe *p, __sz n);

/* Bytes a write could add now (0: full). */
__sz pipe_room(struct uk_pipe *p);

#endif /* __PIPE_IMPL_H__ */
