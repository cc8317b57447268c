/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Files: the objects behind file descriptors (regular files, directories,
 * devices, pipe ends, ttys, later sockets and epolls).
 *
 * A struct uk_file is what a driver implements: an ops table, a reference
 * count, an event queue (uk_pollq) and a private pointer. Opening a file
 * makes a struct uk_ofile, the open file description (Linux's struct
 * file): the file, the O_* status flags, the position. fds point to ofiles
 * (uk/fdtab.h); dup shares an ofile, open makes a new one.
 *
 * Drivers never block: an operation that cannot proceed returns -EAGAIN,
 * and the driver later calls uk_pollq_notify() on the file's queue. The fd
 * layer waits there for blocking fds and retries; poll and epoll watch the
 * same queue.
 */
#ifndef __UK_FILE_H__
#define __UK_FILE_H__

#include <sys/types.h>
#include <uk/list.h>
#include <uk/mutex.h>
#include <uk/spinlock.h>
#include <uk/arch/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iovec;
struct stat;
struct uk_file;
struct uk_ofile;
struct uk_vas;

/* Event bits of uk_pollq and of the poll op: the Linux POLL and EPOLL
 * values. */
#define UK_POLLIN	0x0001U
#define UK_POLLPRI	0x0002U
#define UK_POLLOUT	0x0004U
#define UK_POLLERR	0x0008U
#define UK_POLLHUP	0x0010U
#define UK_POLLNVAL	0x0020U
#define UK_POLLRDNORM	0x0040U
#define UK_POLLWRNORM	0x0100U
#define UK_POLLRDHUP	0x2000U

/*
 * Event queue of a file. Waiters are threads blocked in the fd layer, or
 * callbacks (epoll). uk_pollq_notify() is ISR-safe and calls every waiter
 * whose mask meets the events; a waiter's callback runs with the queue's
 * lock held and must not block or touch the queue.
 */
struct uk_poll_waiter;
typedef void (*uk_poll_wake_fn)(struct uk_poll_waiter *w,
				unsigned int events);

struct uk_poll_waiter {
	struct uk_list link;		/* empty when not queued */
	unsigned int mask;		/* events of interest */
	uk_poll_wake_fn wake;
	void *arg;			/* the waiter's own (a thread, ...) */
};

struct uk_pollq {
	struct uk_spinlock lock;
	struct uk_list waiters;
};

void uk_pollq_init(struct uk_pollq *q);
/* Queues / dequeues w. Both are idempotent; ISR-safe. */
void uk_pollq_add(struct uk_pollq *q, struct uk_poll_waiter *w);
void uk_pollq_del(struct uk_pollq *q, struct uk_poll_waiter *w);
/* Calls the waiters interested in events. Returns how many it called. */
int uk_pollq_notify(struct uk_pollq *q, unsigned int events);

/*
 * Operations of a file. Every op is optional: a missing read/write is
 * -EINVAL (as Linux for a file not open for it), a missing ioctl -ENOTTY,
 * a missing poll means "always ready" (UK_POLLIN | UK_POLLOUT).
 *
 * read/write take the app's buffers: drivers copy with
 * uk_copy_to_user/uk_copy_from_user (uk/nofault.h) and return -EFAULT,
 * or the bytes moved before the fault.
 *
 * off is the position for seekable files: the op reads *off and stores
 * the position after the transfer. Streams ignore it. flags are the
 * description's O_* status flags: with O_APPEND (UK_FILE_APPEND) a write
 * first moves *off to the end, atomically with the write; O_DIRECT may
 * select a packet mode; O_NONBLOCK is for information only (drivers
 * return -EAGAIN either way).
 */
#define UK_FILE_APPEND	00002000	/* O_APPEND */

struct uk_vma_pager;

struct uk_file_ops {
	/* For mmap: the pages of the file (uk/vmem.h; obj is the struct
	 * uk_file), or NULL if it cannot be mapped (ENODEV). */
	const struct uk_vma_pager *pager;
	/* Nonzero if read and write wait themselves on blocking
	 * descriptions (sockets, which know their timeouts): the generic
	 * loop then calls them once. */
	int self_blocking;
	/* Nonzero if lseek is ESPIPE though the type is not a pipe (a
	 * terminal: Linux's no_llseek). */
	int no_seek;
	/* Nonzero if reads keep a position though the file has no type
	 * with one (an mq fd's status line, as Linux's default_llseek). */
	int positioned;
	/* Nonzero if a device's data may be sendfile's input (Linux's
	 * splice_read: /dev/zero, the random devices; not /dev/null). */
	int splice_read;
	/* What readlink of /proc/self/fd/N gives for a file with no node in
	 * the namespace, as Linux names it ("anon_inode:[eventfd]",
	 * "/dev/null"), or NULL (pipes and sockets are named by kind). */
	const char *link_name;
	/* The lines /proc/self/fdinfo/N adds after the common ones for the
	 * file, as Linux's show_fdinfo ("eventfd-count: ..."), written as
	 * snprintf writes into buf (size bytes). Returns the length of the
	 * whole text (more than size - 1: it was cut, ask again). NULL:
	 * none. */
	int (*fdinfo)(struct uk_file *f, char *buf, __sz size);
	/* open of /proc/self/fd/N: the file a new description of f gets
	 * (a new reference), or an ERR2PTR. NULL: f itself. */
	struct uk_file *(*reopen)(struct uk_file *f, int flags);
	/* Returns bytes read, 0 at end of file, -EAGAIN, or -errno. */
	ssize_t (*read)(struct uk_file *f, const struct iovec *iov,
			int iovcnt, off_t *off, unsigned int flags);
	/* Returns bytes written, -EAGAIN, or -errno. */
	ssize_t (*write)(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off, unsigned int flags);
	/* Fills *st; the fd layer pre-fills it with zeros and st_mode. */
	int (*getstat)(struct uk_file *f, struct stat *st);
	/* Sets the size (ftruncate). */
	int (*truncate)(struct uk_file *f, off_t len);
	/* fallocate(2) of a regular file: mode 0 or FALLOC_FL_KEEP_SIZE
	 * allocates [off, off + len), FALLOC_FL_PUNCH_HOLE |
	 * FALLOC_FL_KEEP_SIZE frees it; the fd layer has checked mode,
	 * range and access mode. Missing: -EOPNOTSUPP. */
	int (*fallocate)(struct uk_file *f, int mode, off_t off, off_t len);
	/* Device control; arg is the app's pointer or value. */
	int (*ioctl)(struct uk_file *f, unsigned long req, void *arg);
	/* Maps len bytes (page multiple) of f from offset off (page
	 * aligned) into vas at *va (__VADDR_ANY: anywhere; set on
	 * success) with PAGE_ATTR_* attr and UK_VMA_MAP_* vflags (REPLACE
	 * for MAP_FIXED), as uk_vma_map. mmap(2) of a file without it is
	 * -ENODEV. Returns 0 or -errno (-ENXIO: beyond the device). */
	int (*mmap)(struct uk_file *f, struct uk_vas *vas, __vaddr_t *va,
		    __sz len, unsigned long attr, unsigned long vflags,
		    __off off);
	/* Returns the events that hold now. Must not block; ISR-safe. */
	unsigned int (*poll)(struct uk_file *f);
	/* Stores linux_dirent64 records for directories into the app's
	 * buf (uk_copy_to_user), from the cookie *pos on; advances *pos. Returns bytes stored, 0 at the end,
	 * -EINVAL if buf is too small for one record. */
	ssize_t (*getdents)(struct uk_file *f, void *buf, __sz len,
			    off_t *pos);
	/* An open file description on f was made / is going (open and
	 * last close of that description). Pipes count ends with these. */
	int (*open)(struct uk_file *f, struct uk_ofile *of);
	void (*close)(struct uk_file *f, struct uk_ofile *of);
	/* The last reference is gone: free f. */
	void (*release)(struct uk_file *f);
};

struct uk_file_locks;

struct uk_file {
	const struct uk_file_ops *ops;
	mode_t mode;			/* S_IFMT type and permission bits */
	long refcount;
	struct uk_pollq pollq;
	void *vnode;			/* namespace node opened, or NULL */
	void *priv;			/* the driver's */
	struct uk_file_locks *locks;	/* fcntl/flock locks (flock.c) */
};

/* Makes f a file with one reference. */
void uk_file_init(struct uk_file *f, const struct uk_file_ops *ops,
		  mode_t mode, void *priv);
static inline struct uk_file *uk_file_get(struct uk_file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}
/* Drops a reference; the last one calls ops->release. */
void uk_file_put(struct uk_file *f);

/* For getdents ops: stores one linux_dirent64 record (name of namelen
 * bytes, d_off next) at the app's buf + done, buf being len bytes.
 * Returns its size, 0 if it does not fit, or -EFAULT. */
ssize_t uk_file_put_dirent(void *buf, __sz len, __sz done, __u64 ino,
			   off_t next, unsigned char type, const char *name,
			   __sz namelen);

/* Fills *st for f, as fstat: zeros, the type and mode, then the file's
 * getstat. Returns 0 or its error. */
int uk_file_stat(struct uk_file *f, struct stat *st);

/* A new inode number for a file outside the namespace (pipes, sockets),
 * one counter for all, as Linux's get_next_ino. Never 0. */
ino_t uk_file_ino_next(void);

/* The current events of f (ops->poll, or always ready). */
unsigned int uk_file_poll(struct uk_file *f);
/* Blocks until f has one of mask's events (or UK_POLLERR/HUP) or the
 * monotonic deadline (0: none) passes or a signal interrupts the caller
 * (uk_thread_interrupted). Returns the events, 0 on timeout or signal.
 * Races with uk_pollq_notify() are harmless: the check follows queuing. */
unsigned int uk_file_wait(struct uk_file *f, unsigned int mask,
			  __nsec deadline);

/* Blocks until cond(f, arg) holds, checking it again whenever f's queue
 * is notified with one of mask's events, or until the monotonic deadline
 * (0: none) or a signal for the caller (uk_thread_interrupted). Returns
 * cond's last value (0 on timeout or signal). */
int uk_file_wait_until(struct uk_file *f, unsigned int mask,
		       int (*cond)(struct uk_file *f, void *arg), void *arg,
		       __nsec deadline);

/*
 * Open file descriptions. A finalizer runs when the description's last
 * reference goes, before the file's own reference is dropped: epoll uses
 * it to forget a file closed while watched.
 */
struct uk_ofile_finalizer {
	struct uk_list link;
	void (*fn)(struct uk_ofile_finalizer *fin, struct uk_ofile *of);
};

struct uk_ofile {
	struct uk_file *file;
	unsigned int flags;		/* O_ACCMODE and O_* status flags */
	long refcount;
	off_t pos;
	struct uk_spinlock lock;	/* flags, finalizers */
	struct uk_mutex pos_lock;	/* serialises I/O on seekable files */
	struct uk_list finalizers;
};

/* Makes a description of f (taking over the caller's reference to f)
 * with O_* flags; calls f->ops->open. Returns it or an ERR2PTR (-ENOMEM,
 * or the open op's error, which drops the reference). */
struct uk_ofile *uk_ofile_create(struct uk_file *f, unsigned int flags);
static inline struct uk_ofile *uk_ofile_get(struct uk_ofile *of)
{
	__atomic_add_fetch(&of->refcount, 1, __ATOMIC_RELAXED);
	return of;
}
/* Drops a reference; the last one runs the finalizers, ops->close, and
 * drops the file. */
void uk_ofile_put(struct uk_ofile *of);
/* Adds / removes a finalizer (remove is a no-op if not added). */
void uk_ofile_finalizer_add(struct uk_ofile *of,
			    struct uk_ofile_finalizer *fin);
void uk_ofile_finalizer_del(struct uk_ofile *of,
			    struct uk_ofile_finalizer *fin);

/*
 * I/O on a description, the generic loop behind read(2) and friends:
 * checks the access mode, takes the position lock of seekable files,
 * retries -EAGAIN on blocking descriptions. iov is a kernel array whose
 * buffers are the app's (at most IOV_MAX entries). off is NULL to use and
 * advance the file position, else an explicit offset (pread; -ESPIPE on
 * streams). Return bytes or -errno (-EBADF if not open for it).
 */
ssize_t uk_ofile_read(struct uk_ofile *of, const struct iovec *iov,
		      int iovcnt, const off_t *off);
ssize_t uk_ofile_write(struct uk_ofile *of, const struct iovec *iov,
		       int iovcnt, const off_t *off);

/* As uk_ofile_read/write, with O_* status flags xflags added for this
 * call only (O_NONBLOCK: never wait; O_APPEND: write at the end). */
ssize_t uk_ofile_read_flags(struct uk_ofile *of, const struct iovec *iov,
			    int iovcnt, const off_t *off, unsigned int xflags);
ssize_t uk_ofile_write_flags(struct uk_ofile *of, const struct iovec *iov,
			     int iovcnt, const off_t *off,
			     unsigned int xflags);
/* The same with one kernel buffer buf of len bytes (write nonzero:
 * write it to of, else read into it), for calls that move data between
 * two files (sendfile, splice). Returns bytes or -errno. */
ssize_t uk_ofile_kio(struct uk_ofile *of, int write, void *buf, __sz len,
		     const off_t *off, unsigned int xflags);
/* The position a call with an optional offset pointer (sendfile, splice,
 * copy_file_range) starts at: the app's *uoff if uoff is given, else
 * of's own. Returns 0 or -EFAULT. */
int uk_ofile_pos_in(struct uk_ofile *of, const off_t *uoff, off_t *pos);
/* Stores the position pos such a call ended at: into the app's *uoff if
 * uoff is given, else as of's own. Returns 0 or -EFAULT. */
int uk_ofile_pos_out(struct uk_ofile *of, off_t *uoff, off_t pos);

/*
 * iovec helpers for drivers. The iovec array is the kernel's, the
 * buffers are the app's; copies go page by page through nofault, so a
 * short count says where the first fault is (to the page).
 */
/* Sum of the lengths (the fd layer has checked it fits in ssize_t). */
__sz uk_iov_total(const struct iovec *iov, int iovcnt);
/* Copies n bytes of src into the iovecs, from byte skip of them on.
 * Returns the bytes copied: short at the iovecs' end or a fault. */
__sz uk_iov_copy_to(const struct iovec *iov, int iovcnt, __sz skip,
		    const void *src, __sz n);
/* Copies n bytes of the iovecs, from byte skip on, into dst. Returns the
 * bytes copied: short at the iovecs' end or a fault. */
__sz uk_iov_copy_from(void *dst, const struct iovec *iov, int iovcnt,
		      __sz skip, __sz n);

/* Goes on where a partial transfer of the iovecs stopped after done
 * bytes: calls move() on the rest, one piece of one iovec at a time,
 * until all is moved or move() returns 0 or an error. Returns the bytes
 * moved in all, done included. For blocking stream writes (and
 * MSG_WAITALL reads) that must not stop short. */
__sz uk_iov_go_on(const struct iovec *iov, int iovcnt, __sz done,
		  ssize_t (*move)(const struct iovec *one, void *arg),
		  void *arg);

/* Most bytes one read or write moves (Linux's MAX_RW_COUNT: INT_MAX
 * rounded down to a page). */
#define UK_IOV_MAX_RW	0x7ffff000UL

/* Copies the app's iovec array uiov into kiov (kiovcnt entries, on the
 * caller's stack) or, if longer, a heap array stored in *heap (free it
 * with uk_free; NULL otherwise, and after an error), and checks it.
 * Returns the kernel array or an ERR2PTR: -EINVAL (iovcnt outside
 * [0, IOV_MAX], a length over SSIZE_MAX), -EFAULT, -ENOMEM. The total is
 * cut at UK_IOV_MAX_RW, as Linux does. */
struct iovec *uk_iov_import(const struct iovec *uiov, int iovcnt,
			    struct iovec *kiov, int kiovcnt,
			    struct iovec **heap);

/*
 * File locks (flock.c): fcntl record locks of the process and of open
 * file descriptions (F_OFD_*), flock(). uk_vfs_fcntl_lock runs F_GETLK,
 * F_SETLK, F_SETLKW and the F_OFD_ forms with the app's struct flock at
 * arg; returns 0 or -errno. The fd layer calls fd_closed whenever an fd
 * of f goes (the process's record locks on f go with it, as POSIX says)
 * and ofile_gone when a description goes (its OFD and flock locks).
 */
int uk_vfs_fcntl_lock(struct uk_ofile *of, int cmd, void *arg);
void uk_file_locks_fd_closed(struct uk_file *f);
void uk_file_locks_ofile_gone(struct uk_ofile *of);
void uk_file_locks_free(struct uk_file *f);

/* Nonzero for files with a position (regular files, directories, block
 * devices, ops->positioned); reads and writes of others ignore it. */
static inline int uk_file_seekable(const struct uk_file *f)
{
	unsigned int type = f->mode & 0170000;

	return type == 0100000 || type == 0040000 || type == 0060000 ||
	       f->ops->positioned;
}

#ifdef __cplusplus
}
#endif

#endif /* __UK_FILE_H__ */
