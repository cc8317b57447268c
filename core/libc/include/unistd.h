/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POSIX odds and ends. Sleeping is core/libc/time.c; brk and sbrk are
 * core/vmem (mman.c). Libraries adding file calls here keep to one
 * documented declaration each.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3
#define SEEK_HOLE	4

#define F_OK		0
#define X_OK		1
#define W_OK		2
#define R_OK		4

#define CLOSE_RANGE_CLOEXEC	(1U << 2)

/*
 * File descriptors (core/vfs). All return -1 + errno on failure: EBADF
 * for a bad fd, EFAULT for a bad buffer, EAGAIN where a non-blocking fd
 * would block, EINVAL for bad flags or arguments.
 */

/* Read / write up to count bytes at the file position. Return the count
 * moved (0 at end of file), or -1 + errno (also EPIPE for a pipe without
 * readers, EISDIR for a directory). */
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
/* The same at off, leaving the file position alone (ESPIPE on pipes). */
ssize_t pread(int fd, void *buf, size_t count, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t count, off_t off);
/* Moves the file position. Returns the new one or -1 + errno (ESPIPE,
 * EINVAL for a bad whence or a negative result). */
off_t lseek(int fd, off_t off, int whence);
/* Releases fd; the file goes when its last fd does. */
int close(int fd);
/* Closes (or with CLOSE_RANGE_CLOEXEC marks) every fd in [first, last]. */
int close_range(unsigned int first, unsigned int last, int flags);
/* Duplicate fd: to the lowest free fd, to newfd (closing it first), or
 * to newfd with O_CLOEXEC in flags (dup3: EINVAL if oldfd == newfd). */
int dup(int oldfd);
int dup2(int oldfd, int newfd);
int dup3(int oldfd, int newfd, int flags);
/* Create a pipe: fds[0] reads, fds[1] writes. pipe2 flags: O_CLOEXEC,
 * O_NONBLOCK, O_DIRECT (packet mode). */
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
/* Truncate or extend (with zeros) to len bytes. */
int ftruncate(int fd, off_t len);
int truncate(const char *path, off_t len);
/* No-ops on memory file systems beyond checking fd. */
int fsync(int fd);
int fdatasync(int fd);
/* Returns 1 if fd is a terminal, else 0 + errno (EBADF, ENOTTY). */
int isatty(int fd);

/*
 * Names (core/vfs). Errors as Linux: ENOENT, ENOTDIR, EEXIST, EISDIR,
 * ENOTEMPTY, ELOOP, ENAMETOOLONG, EXDEV, EINVAL, EFAULT, EBUSY.
 */
int unlink(const char *path);
int unlinkat(int dirfd, const char *path, int flags);
int rmdir(const char *path);
int link(const char *oldpath, const char *newpath);
int linkat(int olddirfd, const char *oldpath, int newdirfd,
	   const char *newpath, int flags);
int symlink(const char *target, const char *linkpath);
int symlinkat(const char *target, int newdirfd, const char *linkpath);
/* Stores the link's target (not NUL-terminated); returns its length. */
ssize_t readlink(const char *restrict path, char *restrict buf,
		 size_t size);
ssize_t readlinkat(int dirfd, const char *restrict path,
		   char *restrict buf, size_t size);
int chdir(const char *path);
int fchdir(int fd);
/* Stores the working directory in buf; returns buf or NULL + errno
 * (ERANGE if size is too small). */
char *getcwd(char *buf, size_t size);
/* Checks that path exists (F_OK) and allows mode (R_OK|W_OK|X_OK). */
int access(const char *path, int mode);
int faccessat(int dirfd, const char *path, int mode, int flags);

/* Fills buf with len <= 256 random bytes (core/random). Returns 0 or -1 +
 * errno (EIO, EFAULT). */
int getentropy(void *buf, size_t len);

/* Ends the app at once with status: no atexit handlers, no stdio
 * flush (core/boot). */
_Noreturn void _exit(int status);

/* The one process. */
pid_t getpid(void);
pid_t getppid(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);

/* Sleeps seconds seconds. Returns 0 (no signal can cut it short). */
unsigned int sleep(unsigned int seconds);
/* Sleeps at least usec microseconds. Returns 0. */
int usleep(useconds_t usec);

/* Sets the end of the data segment to addr. Returns 0 or -1 + errno
 * (ENOMEM). */
int brk(void *addr);
/* Moves the end of the data segment by increment bytes. Returns the old
 * end, or (void *)-1 + errno (ENOMEM). */
void *sbrk(intptr_t increment);

#ifdef __cplusplus
}
#endif

#endif /* _UNISTD_H */
