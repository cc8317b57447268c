/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process's file descriptor table: fds to open file descriptions
 * (uk/file.h) plus the close-on-exec bit. One table (there is one
 * process); it grows on demand up to UK_FDTAB_MAX fds and is SMP-safe.
 */
#ifndef __UK_FDTAB_H__
#define __UK_FDTAB_H__

#include <uk/file.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest number of fds (RLIMIT_NOFILE). */
#define UK_FDTAB_MAX	65536

/* Installs of (taking over the caller's reference) at the lowest free fd
 * >= minfd. cloexec sets FD_CLOEXEC. Returns the fd, or -EMFILE (none
 * free below the limit), -ENOMEM
 * (the table could not grow) or -EINVAL (minfd out of range); on error
 * the reference is dropped. */
int uk_fdtab_install(struct uk_ofile *of, int minfd, int cloexec);

/* Installs of at exactly fd, closing what was there (dup2). Returns fd or
 * -EBADF for fd out of range or at or above the limit (the reference is
 * then dropped). */
int uk_fdtab_install_at(struct uk_ofile *of, int fd, int cloexec);

/* RLIMIT_NOFILE's soft limit (at most UK_FDTAB_MAX): no new fd at or
 * above it, as Linux; fds already open there stay. The limit: get. */
void uk_fdtab_set_limit(unsigned long limit);
int uk_fdtab_limit(void);

/* Makes a description of f with flags (O_CLOEXEC picks the fd's bit) and
 * installs it at the lowest free fd. Takes over the reference to f.
 * Returns the fd or -errno. The way every open, pipe and socket call
 * makes its fds. */
int uk_fdtab_open(struct uk_file *f, unsigned int flags);

/* Returns a new reference to the description at fd, or an ERR2PTR
 * (-EBADF). Release it with uk_ofile_put(). */
struct uk_ofile *uk_fdtab_get(int fd);

/* Nonzero if fd still refers to the description of (no reference is
 * taken; poll's recheck after a close by another thread). */
int uk_fdtab_holds(int fd, const struct uk_ofile *of);

/* Returns a reference to the file at fd or ERR2PTR(-EBADF); for calls
 * that need the file, not the description. Release with uk_file_put(). */
struct uk_file *uk_fdtab_get_file(int fd);

/* Closes fd. Returns 0 or -EBADF. */
int uk_fdtab_close(int fd);

/* Closes the fds in [first, last], or with cloexec_only marks them
 * FD_CLOEXEC. Returns 0 or -EINVAL (first > last). */
int uk_fdtab_close_range(unsigned int first, unsigned int last,
			 int cloexec_only);

/* FD_CLOEXEC of fd: get returns 0/1 or -EBADF; set returns 0 or -EBADF. */
int uk_fdtab_getfd(int fd);
int uk_fdtab_setfd(int fd, int cloexec);

/* The lowest open fd >= from, or -1 if none (/proc/self/fd's listing). */
int uk_fdtab_next(int from);

/* Number of fds in use (tests check that nothing leaks). */
int uk_fdtab_count(void);

#ifdef __cplusplus
}
#endif

#endif /* __UK_FDTAB_H__ */
