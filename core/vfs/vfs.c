/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The POSIX name calls: each copies the app's paths into the kernel with
 * nofault (a bad pointer is EFAULT) and calls its uk_vfs_* form.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errno.h>
#include <uk/essentials.h>
#include <uk/nofault.h>
#include <uk/vfs.h>


/* The app's path in a new kernel buffer, or NULL with *rc set. */
static char *path_in(const char *upath, int *rc)
{
	char *p = uk_malloc(uk_alloc_get_default(), PATH_MAX);
	long len;

	if (!p) {
		*rc = -ENOMEM;
		return NULL;
	}
	len = uk_strncpy_from_user(p, upath, PATH_MAX);
	if (len < 0) {
		uk_free(uk_alloc_get_default(), p);
		*rc = (int)len;
		return NULL;
	}
	return p;
}

static void path_free(char *p)
{
	uk_free(uk_alloc_get_default(), p);
}

/* Calls fn with the app's path made a kernel string. */
#define WITH_PATH(upath, call)						\
	({								\
		int __rc = 0;						\
		char *kpath = path_in(upath, &__rc);			\
									\
		if (kpath) {						\
			__rc = (call);					\
			path_free(kpath);				\
		}							\
		__rc;							\
	})

/* Same for two paths. */
#define WITH_PATHS(up1, up2, call)					\
	({								\
		int __rc = 0;						\
		char *kpath1 = path_in(up1, &__rc), *kpath2 = NULL;	\
									\
		if (kpath1)						\
			kpath2 = path_in(up2, &__rc);			\
		if (kpath2)						\
			__rc = (call);					\
		path_free(kpath1);					\
		path_free(kpath2);					\
		__rc;							\
	})

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return uk_posix_ret(WITH_PATH(path, uk_vfs_openat(dirfd, kpath, flags,
							  mode)));
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return openat(AT_FDCWD, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	return uk_posix_ret(WITH_PATH(path,
				      uk_vfs_mkdirat(dirfd, kpath, mode)));
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	/* Apps make no device nodes: devfs owns them. */
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return uk_posix_ret(-EPERM);
	return uk_posix_ret(WITH_PATH(path,
				      uk_vfs_mknodat(dirfd, kpath, mode, dev)));
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
	return mknodat(AT_FDCWD, path, mode, dev);
}

int mkfifo(const char *path, mode_t mode)
{
	return mknodat(AT_FDCWD, path, S_IFIFO | (mode & 07777), 0);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	return uk_posix_ret(WITH_PATH(path,
				      uk_vfs_unlinkat(dirfd, kpath, flags)));
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int linkat(int olddirfd, const char *oldpath, int newdirfd,
	   const char *newpath, int flags)
{
	return uk_posix_ret(WITH_PATHS(oldpath, newpath,
				       uk_vfs_linkat(olddirfd, kpath1, newdirfd,
						     kpath2, flags)));
}

int link(const char *oldpath, const char *newpath)
{
	return linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

int symlinkat(const char *target, int newdirfd, const char *linkpath)
{
	return uk_posix_ret(WITH_PATHS(target, linkpath,
				       uk_vfs_symlinkat(kpath1, newdirfd,
							kpath2)));
}

int symlink(const char *target, const char *linkpath)
{
	return symlinkat(target, AT_FDCWD, linkpath);
}

static ssize_t readlink_k(int dirfd, const char *kpath, char *ubuf,
			  size_t size)
{
	char *kbuf;
	int rc;

	if ((ssize_t)size <= 0)
		return -EINVAL;
	kbuf = uk_malloc(uk_alloc_get_default(), PATH_MAX);
	if (!kbuf)
		return -ENOMEM;
	rc = uk_vfs_readlinkat(dirfd, kpath, kbuf, MIN(size, PATH_MAX));
	if (rc > 0 && uk_copy_to_user(ubuf, kbuf, rc))
		rc = -EFAULT;
	uk_free(uk_alloc_get_default(), kbuf);
	return rc;
}

ssize_t readlinkat(int dirfd, const char *restrict path, char *restrict buf,
		   size_t size)
{
	return uk_posix_ret(WITH_PATH(path,
				      readlink_k(dirfd, kpath, buf, size)));
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return readlinkat(AT_FDCWD, path, buf, size);
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd,
	      const char *newpath, unsigned int flags)
{
	return uk_posix_ret(WITH_PATHS(oldpath, newpath,
				       uk_vfs_renameat2(olddirfd, kpath1,
							newdirfd, kpath2,
							flags)));
}

int renameat(int olddirfd, const char *oldpath, int newdirfd,
	     const char *newpath)
{
	return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

int rename(const char *oldpath, const char *newpath)
{
	return renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static int fstatat_k(int dirfd, const char *kpath, struct stat *ust,
		     int flags)
{
	struct stat st;
	int rc = uk_vfs_fstatat(dirfd, kpath, &st, flags);

	if (!rc && uk_copy_to_user(ust, &st, sizeof(st)))
		rc = -EFAULT;
	return rc;
}

int fstatat(int dirfd, const char *restrict path, struct stat *restrict st,
	    int flags)
{
	return uk_posix_ret(WITH_PATH(path,
				      fstatat_k(dirfd, kpath, st, flags)));
}

int stat(const char *restrict path, struct stat *restrict st)
{
	return fstatat(AT_FDCWD, path, st, 0);
}

int lstat(const char *restrict path, struct stat *restrict st)
{
	return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	return uk_posix_ret(WITH_PATH(path, uk_vfs_fchmodat(dirfd, kpath, mode,
							    flags)));
}

int chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int fchmod(int fd, mode_t mode)
{
	return uk_posix_ret(uk_vfs_fchmod(fd, mode));
}

static int times_in(const struct timespec *utimes, struct timespec *kt)
{
	if (!utimes)
		return 0;
	return uk_copy_from_user(kt, utimes, 2 * sizeof(*kt));
}

int utimensat(int dirfd, const char *path, const struct timespec times[2],
	      int flags)
{
	struct timespec kt[2];
	int rc = times_in(times, kt);

	if (rc)
		return uk_posix_ret(rc);
	if (!path)
		return uk_posix_ret(uk_vfs_utimensat(dirfd, NULL,
						     times ? kt : NULL, flags));
	return uk_posix_ret(WITH_PATH(path, uk_vfs_utimensat(dirfd, kpath,
							     times ? kt : NULL,
							     flags)));
}

int futimens(int fd, const struct timespec times[2])
{
	return utimensat(fd, NULL, times, 0);
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	return uk_posix_ret(WITH_PATH(path, uk_vfs_faccessat(dirfd, kpath, mode,
							     flags)));
}

int access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

int truncate(const char *path, off_t len)
{
	return uk_posix_ret(WITH_PATH(path, uk_vfs_truncate(kpath, len)));
}

int chdir(const char *path)
{
	return uk_posix_ret(WITH_PATH(path, uk_vfs_chdir(kpath)));
}

int fchdir(int fd)
{
	return uk_posix_ret(uk_vfs_fchdir(fd));
}

char *getcwd(char *buf, size_t size)
{
	char *k = uk_malloc(uk_alloc_get_default(), PATH_MAX);
	int rc;

	if (!k) {
		errno = ENOMEM;
		return NULL;
	}
	rc = uk_vfs_getcwd(k, PATH_MAX);
	if (rc < 0)
		goto out;
	/* glibc: a NULL buf is allocated, of size bytes or as needed. */
	if (!buf) {
		if (size && size < (size_t)rc) {
			rc = -ERANGE;
			goto out;
		}
		buf = malloc(size ? size : (size_t)rc);
		if (!buf) {
			rc = -ENOMEM;
			goto out;
		}
		memcpy(buf, k, rc);
		goto out;
	}
	if (size == 0)
		rc = -EINVAL;
	else if (size < (size_t)rc)
		rc = -ERANGE;
	else if (uk_copy_to_user(buf, k, rc))
		rc = -EFAULT;
out:
	uk_free(uk_alloc_get_default(), k);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return buf;
}

mode_t umask(mode_t mask)
{
	return uk_vfs_umask(mask);
}

ssize_t getdents64(int fd, void *dirp, size_t count)
{
	return uk_posix_ret(uk_vfs_getdents(fd, dirp, count));
}
