/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipes: two files (uk/file.h), a read end and a write end, over one ring
 * buffer of UK_PIPE_CAP bytes (uk_pipe_resize changes it). pipe(2)/pipe2(2) (unistd.h) make them and
 * install two fds; FIFOs in the namespace can hold the same two files.
 *
 * Ends are counted per open file description (the file ops open/close):
 * a read sees end of file once every description of the write end is
 * closed, a write gets -EPIPE (and SIGPIPE) once every description of
 * the read end is. Writes of up to UK_PIPE_BUF bytes are atomic. A write
 * through a description with O_DIRECT makes packets (at most UK_PIPE_BUF
 * bytes each); a read returns one packet and drops what did not fit.
 */
#ifndef __UK_PIPE_H__
#define __UK_PIPE_H__

#include <uk/file.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest atomic write (POSIX PIPE_BUF). */
#define UK_PIPE_BUF	4096
/* Capacity in bytes, as Linux's default. */
#define UK_PIPE_CAP	65536
/* Largest number of packets (and data segments) queued: Linux's slots. */
#define UK_PIPE_SLOTS	(UK_PIPE_CAP / UK_PIPE_BUF)
/* Largest capacity F_SETPIPE_SZ makes (more is -ENOMEM; past 2 GiB,
 * -EINVAL as on Linux). */
#define UK_PIPE_MAX	(1U << 30)

/*
 * Makes a pipe. *rd (mode S_IFIFO | 0600, reads) and *wr (writes) get one
 * reference each; no end is open until a description is made on it
 * (uk_ofile_create / uk_fdtab_open). The pipe goes when both files are
 * released. Returns 0 or -ENOMEM.
 *
 * For a FIFO node: keep both references in the node, and on each open
 * make a description on uk_file_get(*rd) or uk_file_get(*wr).
 */
int uk_pipe_create(struct uk_file **rd, struct uk_file **wr);

/* Nonzero if f is an end of a pipe made by uk_pipe_create. */
int uk_pipe_is_pipe(const struct uk_file *f);

/* The file of the pipe f is an end of that a description with access
 * mode acc has: the read end (O_RDONLY), the write end (O_WRONLY), or
 * both in one (O_RDWR: a reader and a writer at once, as Linux's FIFO
 * opened O_RDWR). A new reference (FIFO opens, /proc/self/fd/N). */
struct uk_file *uk_pipe_end(struct uk_file *f, int acc);

/* Number of open descriptions of the read end / write end of the pipe
 * that f is an end of (FIFO opens wait for the other side with these and
 * uk_file_wait: the ends notify UK_POLLIN / UK_POLLOUT when they open). */
int uk_pipe_readers(const struct uk_file *f);
int uk_pipe_writers(const struct uk_file *f);

/* The capacity in bytes of the pipe f is an end of (F_GETPIPE_SZ), or
 * -EBADF if f is no pipe end. */
int uk_pipe_size(struct uk_file *f);
/* Sets it to size rounded up to a power of two of pages (F_SETPIPE_SZ).
 * Returns the capacity, -EBADF (no pipe), -EINVAL (past 2 GiB), -EBUSY
 * (the data would not fit), -ENOMEM (past UK_PIPE_MAX, or no memory). */
int uk_pipe_resize(struct uk_file *f, unsigned int size);

/* Makes a pipe and installs its ends: fds[0] reads, fds[1] writes (kernel
 * memory). flags: O_CLOEXEC, O_NONBLOCK, O_DIRECT. Returns 0, -EINVAL
 * (other flags), -ENOMEM or -EMFILE. */
int uk_pipe_open(int fds[2], unsigned int flags);

/* sendfile(2) from a file or a stream (a socket: no pipe) into the pipe
 * out, as splice(2) moves it (Linux's splice_file_to_pipe): at most what
 * fits now, waiting once for room and for data unless out is O_NONBLOCK
 * (for data, unless in is either). A seekable in is read at *pos, which
 * moves by what was moved (pos is the kernel's; NULL for a stream).
 * Returns the bytes moved, 0 at in's end, -EBADF (modes), -EINVAL (out
 * no pipe, in a pipe, *pos < 0), -EAGAIN, -EPIPE (no reader; SIGPIPE),
 * -ENOMEM. */
ssize_t uk_pipe_sendfile_in(struct uk_ofile *out, struct uk_ofile *in,
			    off_t *pos, __sz len);

#ifdef __cplusplus
}
#endif

#endif /* __UK_PIPE_H__ */
