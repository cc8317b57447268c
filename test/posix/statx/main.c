/*
 * statx(2) through syscall() (musl 1.2.3 has no wrapper): the basic
 * stats agree with fstat, AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH as
 * Linux has them, and bad input is EFAULT or EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <stdio.h>
#include "../posix-check.h"

/* Linux's struct statx (glibc names its own the same: ours differs). */
struct t_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct t_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct t_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

#define T_STATX_BASIC_STATS	0x7ffU
#define T_AT_STATX_FORCE_SYNC	0x2000
#define T_AT_STATX_DONT_SYNC	0x4000

static long t_statx(int dirfd, const char *path, int flags, unsigned mask,
		    void *buf)
{
	return syscall(SYS_statx, dirfd, path, flags, mask, buf);
}

static void same_as_stat(const struct t_statx *x, const struct stat *st)
{
	CHECK((x->mask & T_STATX_BASIC_STATS) == T_STATX_BASIC_STATS);
	CHECK(x->mode == st->st_mode);
	CHECK(x->ino == st->st_ino);
	CHECK(x->size == (uint64_t)st->st_size);
	CHECK(x->nlink == st->st_nlink);
	CHECK(x->uid == st->st_uid && x->gid == st->st_gid);
	CHECK(x->blocks == (uint64_t)st->st_blocks);
	CHECK(x->blksize == (uint32_t)st->st_blksize);
	CHECK(x->mtime.tv_sec == st->st_mtim.tv_sec);
	CHECK(x->mtime.tv_nsec == (uint32_t)st->st_mtim.tv_nsec);
	CHECK(x->ctime.tv_sec == st->st_ctim.tv_sec);
	CHECK(x->atime.tv_sec == st->st_atim.tv_sec);
	CHECK(x->dev_major == major(st->st_dev));
	CHECK(x->dev_minor == minor(st->st_dev));
	CHECK(x->rdev_major == major(st->st_rdev));
	CHECK(x->rdev_minor == minor(st->st_rdev));
}

int main(void)
{
	char name[] = "/tmp/statx-XXXXXX", link[32];
	struct t_statx x;
	struct stat st;
	int fd;

	fd = mkstemp(name);
	CHECK(fd >= 0);
	if (fd < 0)
		return posix_check_summary();
	CHECK(write(fd, "hello", 5) == 5);
	CHECK(fstat(fd, &st) == 0);

	memset(&x, 0xa5, sizeof(x));
	CHECK(t_statx(AT_FDCWD, name, 0, T_STATX_BASIC_STATS, &x) == 0);
	same_as_stat(&x, &st);
	CHECK(x.size == 5 && x.mode == (S_IFREG | 0600));

	/* AT_EMPTY_PATH: the fd itself; "" without it is ENOENT. */
	memset(&x, 0, sizeof(x));
	CHECK(t_statx(fd, "", AT_EMPTY_PATH, T_STATX_BASIC_STATS, &x) == 0);
	same_as_stat(&x, &st);
	errno = 0;
	CHECK(t_statx(fd, "", 0, T_STATX_BASIC_STATS, &x) == -1 &&
	      errno == ENOENT);

	/* A link: followed unless AT_SYMLINK_NOFOLLOW. */
	snprintf(link, sizeof(link), "%s-l", name);
	CHECK(symlink(name, link) == 0);
	CHECK(t_statx(AT_FDCWD, link, 0, T_STATX_BASIC_STATS, &x) == 0);
	CHECK(S_ISREG(x.mode) && x.ino == st.st_ino);
	CHECK(t_statx(AT_FDCWD, link, AT_SYMLINK_NOFOLLOW,
		      T_STATX_BASIC_STATS, &x) == 0);
	CHECK(S_ISLNK(x.mode) && x.size == strlen(name));
	CHECK(unlink(link) == 0);

	/* A folder, with a mask of 0 (the basic stats come anyway). */
	CHECK(stat("/tmp", &st) == 0);
	CHECK(t_statx(AT_FDCWD, "/tmp", 0, 0, &x) == 0);
	CHECK(S_ISDIR(x.mode) && x.ino == st.st_ino);

	/* Bad input. */
	errno = 0;
	CHECK(t_statx(AT_FDCWD, "/no/such/file", 0, T_STATX_BASIC_STATS,
		      &x) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(t_statx(AT_FDCWD, name, 0, T_STATX_BASIC_STATS,
		      (void *)16) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(t_statx(AT_FDCWD, (const char *)16, 0, T_STATX_BASIC_STATS,
		      &x) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(t_statx(AT_FDCWD, name, 0x80000, T_STATX_BASIC_STATS, &x) ==
	      -1 && errno == EINVAL);
	errno = 0;
	CHECK(t_statx(AT_FDCWD, name, 0, 0x80000000U, &x) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(t_statx(AT_FDCWD, name, T_AT_STATX_FORCE_SYNC |
		      T_AT_STATX_DONT_SYNC, T_STATX_BASIC_STATS, &x) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(t_statx(-1, "rel", 0, T_STATX_BASIC_STATS, &x) == -1 &&
	      errno == EBADF);
	CHECK(t_statx(AT_FDCWD, name, T_AT_STATX_DONT_SYNC,
		      T_STATX_BASIC_STATS, &x) == 0);

	CHECK(close(fd) == 0);
	CHECK(unlink(name) == 0);
	return posix_check_summary();
}
