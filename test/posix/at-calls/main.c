#define _GNU_SOURCE
/*
 * The *at calls with directory fds, open's flag errors, readlink's
 * truncation, lseek's SEEK_DATA/SEEK_HOLE and the vectored calls' edge
 * cases, checked the same way on Linux and on Amphi (openat(2),
 * readlink(2), lseek(2), readv(2)).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"

static char dir_name[48];

static void check_dirfd_calls(void)
{
	char buf[64];
	struct stat st;
	int dfd, sub, fd;

	CHECK(mkdir("top", 0755) == 0);
	dfd = open("top", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK(mkdirat(dfd, "sub", 0700) == 0);
	CHECK(mkdirat(dfd, "sub", 0700) == -1 && errno == EEXIST);
	CHECK(fstatat(AT_FDCWD, "top/sub", &st, 0) == 0 &&
	      S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	sub = openat(dfd, "sub", O_RDONLY | O_DIRECTORY);
	CHECK(sub >= 0);
	fd = openat(sub, "f", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "12345", 5) == 5);
	close(fd);
	CHECK(fstatat(dfd, "sub/f", &st, 0) == 0 && st.st_size == 5);
	CHECK(openat(sub, "f", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 &&
	      errno == EEXIST);
	/* An absolute path ignores the dirfd, even a bad one. */
	snprintf(buf, sizeof(buf), "%s/top/sub/f", dir_name);
	fd = openat(12345, buf, O_RDONLY);
	CHECK(fd >= 0);
	/* A relative path with a file's fd or a bad fd. */
	CHECK(openat(fd, "x", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(mkdirat(fd, "x", 0700) == -1 && errno == ENOTDIR);
	CHECK(openat(12345, "x", O_RDONLY) == -1 && errno == EBADF);
	CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && st.st_size == 5);
	CHECK(fstatat(fd, "", &st, 0) == -1 && errno == ENOENT);
	close(fd);
	/* symlinkat, readlinkat, linkat, renameat, fchmodat, faccessat. */
	CHECK(symlinkat("f", sub, "l") == 0);
	CHECK(readlinkat(dfd, "sub/l", buf, sizeof(buf)) == 1 &&
	      buf[0] == 'f');
	CHECK(fstatat(sub, "l", &st, 0) == 0 && S_ISREG(st.st_mode));
	CHECK(fstatat(sub, "l", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	      S_ISLNK(st.st_mode));
	CHECK(linkat(sub, "f", dfd, "hard", 0) == 0);
	CHECK(fstatat(dfd, "hard", &st, 0) == 0 && st.st_nlink == 2);
	CHECK(renameat(dfd, "hard", sub, "hard2") == 0);
	CHECK(fchmodat(sub, "hard2", 0600, 0) == 0);
	CHECK(fstatat(sub, "f", &st, 0) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(faccessat(dfd, "sub/hard2", R_OK | W_OK, 0) == 0);
	CHECK(faccessat(dfd, "sub/nope", F_OK, 0) == -1 && errno == ENOENT);
	/* unlinkat: a file, a dir with and without AT_REMOVEDIR. */
	CHECK(unlinkat(sub, "hard2", 0) == 0);
	CHECK(unlinkat(sub, "l", 0) == 0);
	CHECK(unlinkat(dfd, "sub", 0) == -1 && errno == EISDIR);
	CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == -1 && errno == ENOTEMPTY);
	CHECK(unlinkat(sub, "f", AT_REMOVEDIR) == -1 && errno == ENOTDIR);
	CHECK(unlinkat(sub, "f", 0) == 0);
	CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == 0);
	/* The fd of a removed directory: no new names in it. */
	CHECK(openat(sub, "g", O_CREAT | O_RDWR, 0600) == -1 &&
	      errno == ENOENT);
	CHECK(mkdirat(sub, "g", 0700) == -1 && errno == ENOENT);
	CHECK(fstat(sub, &st) == 0 && st.st_nlink == 0);
	close(sub);
	close(dfd);
	CHECK(rmdir("top") == 0);
}

static void check_open_errors(void)
{
	char buf[8];
	int fd;

	fd = open("o", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && write(fd, "abcdef", 6) == 6);
	close(fd);
	CHECK(mkdir("od", 0755) == 0);
	CHECK(symlink("o", "o.lnk") == 0);
	CHECK(symlink("od", "od.lnk") == 0);
	CHECK(open("o", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);
	CHECK(open("o.lnk", O_RDONLY | O_DIRECTORY) == -1 &&
	      errno == ENOTDIR);
	fd = open("od.lnk", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	close(fd);
	CHECK(open("od.lnk", O_RDONLY | O_DIRECTORY | O_NOFOLLOW) == -1 &&
	      errno == ENOTDIR);
	CHECK(open("o.lnk", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);
	CHECK(open("/dev/null", O_RDONLY | O_DIRECTORY) == -1 &&
	      errno == ENOTDIR);
	/* O_NOFOLLOW is about the last component only. */
	fd = open("od.lnk/../o", O_RDONLY | O_NOFOLLOW);
	CHECK(fd >= 0);
	close(fd);
	CHECK(open("od", O_WRONLY) == -1 && errno == EISDIR);
	CHECK(open("od", O_RDONLY | O_TRUNC) == -1 && errno == EISDIR);
	CHECK(open("od", O_CREAT | O_EXCL | O_RDONLY, 0600) == -1 &&
	      errno == EEXIST);
	/* O_CREAT|O_EXCL on a symlink, even a dangling one: EEXIST. */
	CHECK(symlink("gone", "dang") == 0);
	CHECK(open("dang", O_CREAT | O_EXCL | O_RDWR, 0600) == -1 &&
	      errno == EEXIST);
	/* O_CREAT without O_EXCL through a dangling link makes the target. */
	fd = open("dang", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK(unlink("gone") == 0);
	/* O_TRUNC with O_RDONLY still truncates on Linux. */
	fd = open("o", O_RDONLY | O_TRUNC);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 0);
	close(fd);
	CHECK(unlink("dang") == 0 && unlink("o.lnk") == 0 &&
	      unlink("od.lnk") == 0 && rmdir("od") == 0);
}

static void check_readlink(void)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	CHECK(symlink("0123456789", "rl") == 0);
	/* Truncated, no NUL added, the rest of buf untouched. */
	CHECK(readlink("rl", buf, 4) == 4 && !memcmp(buf, "0123x", 5));
	CHECK(readlinkat(AT_FDCWD, "rl", buf, 10) == 10 &&
	      buf[10] == 'x');
	/* The system call: musl's readlink() reads into a byte of its own
	 * for a size of 0. */
	CHECK(syscall(SYS_readlinkat, AT_FDCWD, "rl", buf, 0) == -1 &&
	      errno == EINVAL);
	CHECK(readlink("o", buf, sizeof(buf)) == -1 && errno == EINVAL);
	CHECK(readlink("rl/", buf, sizeof(buf)) == -1 && errno == ENOENT);
	CHECK(unlink("rl") == 0);
}

static void check_seek_data_hole(void)
{
	int fd = open("sd", O_CREAT | O_RDWR | O_TRUNC, 0600);

	CHECK(write(fd, "data", 4) == 4);
	/* No holes in a written file: SEEK_HOLE finds the end. */
	CHECK(lseek(fd, 0, SEEK_DATA) == 0);
	CHECK(lseek(fd, 2, SEEK_DATA) == 2);
	CHECK(lseek(fd, 0, SEEK_HOLE) == 4);
	CHECK(lseek(fd, 3, SEEK_HOLE) == 4);
	/* At or past the end: ENXIO. */
	CHECK(lseek(fd, 4, SEEK_DATA) == -1 && errno == ENXIO);
	CHECK(lseek(fd, 4, SEEK_HOLE) == -1 && errno == ENXIO);
	CHECK(lseek(fd, 100, SEEK_DATA) == -1 && errno == ENXIO);
	/* Offsets relative to the end and the current position. */
	CHECK(lseek(fd, 10, SEEK_END) == 14);
	CHECK(lseek(fd, -4, SEEK_CUR) == 10);
	CHECK(lseek(fd, -11, SEEK_CUR) == -1 && errno == EINVAL);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(lseek(fd, -5, SEEK_END) == -1 && errno == EINVAL);
	close(fd);
	CHECK(unlink("sd") == 0);
}

static void check_iov_edges(void)
{
	static struct iovec many[IOV_MAX + 1];
	char a[4], b[4];
	struct iovec iov[3] = { { a, 0 }, { "xy", 2 }, { b, 0 } };
	int fd = open("iov", O_CREAT | O_RDWR | O_TRUNC, 0600), p[2], i;

	CHECK(writev(fd, iov, 0) == 0);
	CHECK(writev(fd, iov, 3) == 2);		/* empty parts are fine */
	CHECK(pwritev(fd, iov, 3, -1) == -1 && errno == EINVAL);
	CHECK(preadv(fd, iov, 1, -1) == -1 && errno == EINVAL);
	for (i = 0; i <= IOV_MAX; i++) {
		many[i].iov_base = a;
		many[i].iov_len = 1;
	}
	CHECK(writev(fd, many, IOV_MAX + 1) == -1 && errno == EINVAL);
	CHECK(readv(fd, many, IOV_MAX + 1) == -1 && errno == EINVAL);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(readv(fd, many, IOV_MAX) == 2);
	/* A length over SSIZE_MAX: EINVAL. */
	iov[0].iov_base = a;
	iov[0].iov_len = (size_t)SSIZE_MAX + 1;
	CHECK(readv(fd, iov, 1) == -1 && errno == EINVAL);
	CHECK(writev(fd, iov, 1) == -1 && errno == EINVAL);
	/* On a pipe: no positions. */
	CHECK(pipe(p) == 0);
	iov[0].iov_len = 1;
	CHECK(pwritev(p[1], iov, 1, 0) == -1 && errno == ESPIPE);
	CHECK(preadv(p[0], iov, 1, 0) == -1 && errno == ESPIPE);
	CHECK(lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	CHECK(pread(p[0], a, 1, 0) == -1 && errno == ESPIPE);
	close(p[0]);
	close(p[1]);
	close(fd);
	CHECK(unlink("iov") == 0);
}

int main(void)
{
	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-at-%d",
		 (int)getpid());
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	check_dirfd_calls();
	check_open_errors();
	check_readlink();
	check_seek_data_hole();
	check_iov_edges();
	unlink("o");
	CHECK(chdir("/") == 0 && rmdir(dir_name) == 0);
	return posix_check_summary();
}
