#define _GNU_SOURCE
/*
 * open's less common flags and the name calls' error cases, as Linux
 * gives them: O_TMPFILE, O_PATH, O_APPEND with pwrite, O_TRUNC with
 * O_RDONLY, O_CREAT through a dangling symlink, renameat2's exchange,
 * rmdir/unlink/link errors, mknod, pipe sizes (open(2), rename(2),
 * rmdir(2), mknod(2), fcntl(2)).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#define RENAME_EXCHANGE		(1 << 1)
#endif

/* What F_GETFL may add on 64-bit (x86_64's and arm64's O_LARGEFILE). */
#define LARGEFILE_BITS		(0100000 | 0400000)

static char dir_name[48];

static void put(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static long size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

static int renameat2_(int ofd, const char *o, int nfd, const char *n,
		      unsigned int flags)
{
	return syscall(SYS_renameat2, ofd, o, nfd, n, flags);
}

static void check_tmpfile(void)
{
	char buf[8], proc[32];
	struct stat st;
	int fd;

	CHECK(mkdir("t", 0755) == 0);
	fd = open("t", O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_nlink == 0 && (st.st_mode & 07777) == 0600);
	CHECK(write(fd, "tmp", 3) == 3);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "tmp", 3));
	/* The folder shows nothing of it. */
	CHECK(rmdir("t") == 0 || errno == ENOTEMPTY);
	CHECK(mkdir("t", 0755) == 0 || errno == EEXIST);
	CHECK(linkat(fd, "", AT_FDCWD, "t/named", AT_EMPTY_PATH) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 1);
	CHECK(size_of("t/named") == 3);
	CHECK(linkat(fd, "", AT_FDCWD, "t/named", AT_EMPTY_PATH) == -1 &&
	      errno == EEXIST);
	close(fd);
	/* The other way to name one: its /proc/self/fd link. */
	fd = open("t", O_TMPFILE | O_WRONLY, 0600);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	CHECK(stat(proc, &st) == 0 && st.st_nlink == 0);
	CHECK(linkat(AT_FDCWD, proc, AT_FDCWD, "t/named2",
		     AT_SYMLINK_FOLLOW) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 1);
	close(fd);
	CHECK(unlink("t/named2") == 0);
	/* O_EXCL: never linked. */
	fd = open("t", O_TMPFILE | O_EXCL | O_WRONLY, 0600);
	CHECK(fd >= 0);
	CHECK(linkat(fd, "", AT_FDCWD, "t/never", AT_EMPTY_PATH) == -1 &&
	      errno == ENOENT);
	close(fd);
	/* Read-only is EINVAL; a file is ENOTDIR; nothing is ENOENT. */
	CHECK(open("t", O_TMPFILE | O_RDONLY, 0600) == -1 &&
	      errno == EINVAL);
	CHECK(open("t/named", O_TMPFILE | O_RDWR, 0600) == -1 &&
	      errno == ENOTDIR);
	CHECK(open("nothing", O_TMPFILE | O_RDWR, 0600) == -1 &&
	      errno == ENOENT);
	CHECK(unlink("t/named") == 0 && rmdir("t") == 0);
}

static void check_path_fds(void)
{
	struct stat st;
	struct statfs sf;
	char buf[16];
	int fd, dfd, lfd, nfd;

	put("p", "abc");
	fd = open("p", O_PATH);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, 1) == -1 && errno == EBADF);
	CHECK(write(fd, buf, 1) == -1 && errno == EBADF);
	CHECK(pread(fd, buf, 1, 0) == -1 && errno == EBADF);
	CHECK(lseek(fd, 0, SEEK_SET) == -1 && errno == EBADF);
	/* (musl's fchmod and fchown go on through /proc/self/fd.) */
	CHECK(syscall(SYS_fchmod, fd, 0600) == -1 && errno == EBADF);
	CHECK(syscall(SYS_fchown, fd, 0, 0) == -1 && errno == EBADF);
	CHECK(ftruncate(fd, 0) == -1 && errno == EBADF);
	CHECK(fsync(fd) == -1 && errno == EBADF);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 3);
	CHECK(fstatfs(fd, &sf) == 0);
	CHECK((fcntl(fd, F_GETFL) & ~LARGEFILE_BITS) == O_PATH);
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == -1 && errno == EBADF);
	CHECK(ioctl(fd, FIOCLEX) == -1 && errno == EBADF);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 &&
	      fcntl(fd, F_GETFD) == FD_CLOEXEC);
	nfd = dup(fd);
	CHECK(nfd >= 0 && close(nfd) == 0);
	CHECK(fchdir(fd) == -1 && errno == ENOTDIR);
	/* The path calls' AT_EMPTY_PATH forms take it. */
	CHECK(readlinkat(fd, "", buf, sizeof(buf)) == -1 && errno == ENOENT);
	CHECK(utimensat(fd, "", NULL, AT_EMPTY_PATH) == 0);
	CHECK(syscall(439 /* faccessat2 */, fd, "", R_OK, AT_EMPTY_PATH) == 0);
	/* (A NULL path is futimens, which takes no O_PATH fd.) */
	CHECK(syscall(SYS_utimensat, fd, NULL, NULL, 0) == -1 &&
	      errno == EBADF);
	close(fd);
	/* O_CREAT and O_TRUNC are dropped. */
	CHECK(open("p-new", O_PATH | O_CREAT, 0644) == -1 && errno == ENOENT);
	fd = open("p", O_PATH | O_TRUNC | O_WRONLY);
	CHECK(fd >= 0 && size_of("p") == 3);
	close(fd);
	/* A folder's O_PATH fd works as a dirfd and for fchdir. */
	CHECK(mkdir("pd", 0755) == 0);
	dfd = open("pd", O_PATH | O_DIRECTORY);
	CHECK(dfd >= 0);
	fd = openat(dfd, "in", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(fstatat(dfd, "in", &st, 0) == 0 && S_ISREG(st.st_mode));
	CHECK(syscall(SYS_getdents64, dfd, buf, sizeof(buf)) == -1 &&
	      errno == EBADF);
	CHECK(fchdir(dfd) == 0 && access("in", F_OK) == 0);
	CHECK(chdir("..") == 0);
	CHECK(unlinkat(dfd, "in", 0) == 0);
	close(dfd);
	CHECK(rmdir("pd") == 0);
	/* With O_NOFOLLOW it is the symlink itself. */
	CHECK(symlink("p", "pl") == 0);
	lfd = open("pl", O_PATH | O_NOFOLLOW);
	CHECK(lfd >= 0);
	CHECK(fstatat(lfd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode));
	CHECK(fstat(lfd, &st) == 0 && S_ISLNK(st.st_mode));
	memset(buf, 0, sizeof(buf));
	CHECK(readlinkat(lfd, "", buf, sizeof(buf)) == 1 && buf[0] == 'p');
	close(lfd);
	CHECK(unlink("pl") == 0 && unlink("p") == 0);
	/* A FIFO's O_PATH open waits for no peer. */
	CHECK(mkfifo("pf", 0600) == 0);
	fd = open("pf", O_PATH);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(fcntl(fd, F_GETPIPE_SZ) == -1 && errno == EBADF);
	close(fd);
	CHECK(unlink("pf") == 0);
}

static void check_open_flags(void)
{
	struct stat st;
	char buf[16];
	int fd;

	/* pwrite on O_APPEND appends on Linux (a known bug in POSIX terms). */
	put("a", "0123");
	fd = open("a", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && pwrite(fd, "xy", 2, 0) == 2);
	close(fd);
	fd = open("a", O_RDONLY);
	CHECK(read(fd, buf, sizeof(buf)) == 6 && !memcmp(buf, "0123xy", 6));
	close(fd);
	/* O_TRUNC with O_RDONLY truncates. */
	fd = open("a", O_RDONLY | O_TRUNC);
	CHECK(fd >= 0 && size_of("a") == 0);
	close(fd);
	/* O_EXCL without O_CREAT is ignored. */
	fd = open("a", O_RDONLY | O_EXCL);
	CHECK(fd >= 0);
	close(fd);
	/* O_CREAT through a dangling symlink makes its target; with
	 * O_EXCL it is EEXIST. */
	CHECK(symlink("target", "dl") == 0);
	CHECK(open("dl", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 &&
	      errno == EEXIST);
	fd = open("dl", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(lstat("target", &st) == 0 && S_ISREG(st.st_mode));
	/* O_NOFOLLOW | O_CREAT on a dangling link is ELOOP. */
	CHECK(unlink("target") == 0);
	CHECK(open("dl", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644) == -1 &&
	      errno == ELOOP);
	CHECK(unlink("dl") == 0);
	/* O_DIRECTORY on a file; a folder for writing. */
	CHECK(open("a", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(open("d", O_WRONLY) == -1 && errno == EISDIR);
	CHECK(open("d", O_RDWR) == -1 && errno == EISDIR);
	CHECK(open("d", O_CREAT | O_RDONLY, 0644) == -1 && errno == EISDIR);
	CHECK(open("d", O_RDONLY | O_TRUNC) == -1 && errno == EISDIR);
	fd = open("d", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 1) == -1 && errno == EISDIR);
	CHECK(ftruncate(fd, 0) == -1 && errno == EINVAL);
	close(fd);
	/* Trailing slashes. */
	CHECK(open("a/", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(open("a/", O_CREAT | O_WRONLY, 0644) == -1 && errno == EISDIR);
	CHECK(open("new/", O_CREAT | O_WRONLY, 0644) == -1 && errno == EISDIR);
	CHECK(access("new", F_OK) == -1 && errno == ENOENT);
	CHECK(unlink("a/") == -1 && errno == ENOTDIR);
	CHECK(unlink("d/") == -1 && errno == EISDIR);
	CHECK(open("", O_RDONLY) == -1 && errno == ENOENT);
	/* ftruncate of a read-only fd. */
	fd = open("a", O_RDONLY);
	CHECK(ftruncate(fd, 0) == -1 && errno == EINVAL);
	close(fd);
	fd = open("a", O_WRONLY);
	CHECK(ftruncate(fd, -1) == -1 && errno == EINVAL);
	close(fd);
	CHECK(truncate("d", 0) == -1 && errno == EISDIR);
	CHECK(truncate("a", -1) == -1 && errno == EINVAL);
	CHECK(chdir("a") == -1 && errno == ENOTDIR);
	fd = open("a", O_RDONLY);
	CHECK(fchdir(fd) == -1 && errno == ENOTDIR);
	close(fd);
	CHECK(rmdir("d") == 0 && unlink("a") == 0);
}

static void check_rename(void)
{
	char buf[8];
	int fd;

	put("x", "x");
	put("y", "yy");
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "y", RENAME_EXCHANGE) == 0);
	CHECK(size_of("x") == 2 && size_of("y") == 1);
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "none",
			 RENAME_EXCHANGE) == -1 && errno == ENOENT);
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "y", RENAME_EXCHANGE |
			 RENAME_NOREPLACE) == -1 && errno == EINVAL);
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "y", 1 << 7) == -1 &&
	      errno == EINVAL);
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "y", RENAME_NOREPLACE) ==
	      -1 && errno == EEXIST);
	/* A file and a folder swap places. */
	CHECK(mkdir("d", 0755) == 0);
	put("d/in", "in");
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "d", RENAME_EXCHANGE) == 0);
	CHECK(size_of("d") == 2 && size_of("x/in") == 2);
	CHECK(renameat2_(AT_FDCWD, "x", AT_FDCWD, "d", RENAME_EXCHANGE) == 0);
	/* A folder into itself. */
	CHECK(mkdir("d/sub", 0755) == 0);
	CHECK(rename("d", "d/sub/d") == -1 && errno == EINVAL);
	CHECK(renameat2_(AT_FDCWD, "d", AT_FDCWD, "d/sub", RENAME_EXCHANGE) ==
	      -1 && errno == EINVAL);
	CHECK(rename("d", "d") == 0);
	/* Folder over a non-empty folder; file over folder and back. */
	CHECK(mkdir("e", 0755) == 0);
	CHECK(rename("e", "d") == -1 && errno == ENOTEMPTY);
	CHECK(rename("x", "e") == -1 && errno == EISDIR);
	CHECK(rename("e", "x") == -1 && errno == ENOTDIR);
	CHECK(rename("x", "y/") == -1 && errno == ENOTDIR);
	CHECK(rename("x/", "z") == -1 && errno == ENOTDIR);
	CHECK(rename("d/.", "z") == -1 && errno == EBUSY);
	CHECK(rename("e", "d/sub/.") == -1 && errno == EBUSY);
	CHECK(rename("e/", "e2/") == 0 && rmdir("e2") == 0);
	/* Two links of one file: nothing happens. */
	CHECK(link("x", "x2") == 0);
	CHECK(rename("x", "x2") == 0);
	CHECK(size_of("x") == 2 && size_of("x2") == 2);
	fd = open("x2", O_RDONLY);
	CHECK(read(fd, buf, sizeof(buf)) == 2);
	close(fd);
	CHECK(unlink("x") == 0 && unlink("x2") == 0 && unlink("y") == 0);
	CHECK(unlink("d/in") == 0 && rmdir("d/sub") == 0 && rmdir("d") == 0);
}

static void check_remove_errors(void)
{
	struct stat st;

	CHECK(mkdir("r", 0755) == 0 && mkdir("r/s", 0755) == 0);
	put("r/f", "");
	CHECK(rmdir("r") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("r/.") == -1 && errno == EINVAL);
	CHECK(rmdir("r/s/..") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("r/f") == -1 && errno == ENOTDIR);
	CHECK(rmdir("r/f/") == -1 && errno == ENOTDIR);
	CHECK(rmdir("r/none") == -1 && errno == ENOENT);
	CHECK(unlink("r/s") == -1 && errno == EISDIR);
	CHECK(link("r/s", "r/s2") == -1 && errno == EPERM);
	CHECK(link("r/f", "r/s") == -1 && errno == EEXIST);
	CHECK(link("r/none", "r/x") == -1 && errno == ENOENT);
	CHECK(link("r/f", "r/none/x") == -1 && errno == ENOENT);
	CHECK(link("r/f", "r/f2/") == -1 && errno == ENOENT);
	CHECK(mkdir("r/f", 0755) == -1 && errno == EEXIST);
	CHECK(mkdir("r/f/x", 0755) == -1 && errno == ENOTDIR);
	/* st_nlink of a folder: 2 plus its subfolders. */
	CHECK(stat("r", &st) == 0 && st.st_nlink == 3);
	CHECK(mkdir("r/s3", 0755) == 0);
	CHECK(stat("r", &st) == 0 && st.st_nlink == 4);
	CHECK(rename("r/s3", "s3") == 0);
	CHECK(stat("r", &st) == 0 && st.st_nlink == 3);
	CHECK(stat(".", &st) == 0 && st.st_nlink == 4);
	CHECK(rmdir("s3") == 0);
	CHECK(stat(".", &st) == 0 && st.st_nlink == 3);
	/* A symlink's size is its target's length. */
	CHECK(symlink("0123456789", "r/l") == 0);
	CHECK(lstat("r/l", &st) == 0 && st.st_size == 10);
	CHECK(readlink("r/f", (char *)&st, 4) == -1 && errno == EINVAL);
	/* (musl's readlink passes a size of 0 on as 1.) */
	CHECK(syscall(SYS_readlinkat, AT_FDCWD, "r/l", (char *)&st, 0) == -1 &&
	      errno == EINVAL);
	CHECK(symlink("", "r/e") == -1 && errno == ENOENT);
	CHECK(mkdir("r/l", 0755) == -1 && errno == EEXIST);
	CHECK(unlink("r/l") == 0 && unlink("r/f") == 0);
	CHECK(rmdir("r/s") == 0 && rmdir("r") == 0);
}

static void check_mknod(void)
{
	struct stat st;
	mode_t old = umask(022);

	CHECK(mknod("n", S_IFREG | 0666, 0) == 0);
	CHECK(stat("n", &st) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 0777) == 0644);
	CHECK(mknod("n", S_IFREG | 0666, 0) == -1 && errno == EEXIST);
	CHECK(unlink("n") == 0);
	CHECK(mknod("n", 0666, 0) == 0);
	CHECK(stat("n", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(unlink("n") == 0);
	CHECK(mknod("n", S_IFIFO | 0666, 0) == 0);
	CHECK(stat("n", &st) == 0 && S_ISFIFO(st.st_mode) &&
	      (st.st_mode & 0777) == 0644);
	CHECK(unlink("n") == 0);
	CHECK(mknod("n", S_IFDIR | 0755, 0) == -1 && errno == EPERM);
	CHECK(mknod("n", 0170000 | 0644, 0) == -1 && errno == EINVAL);
	CHECK(mknod("n", S_IFSOCK | 0644, 0) == 0);
	CHECK(stat("n", &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK(unlink("n") == 0);
	umask(077);
	CHECK(mkdir("m", 0777) == 0);
	CHECK(stat("m", &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK(rmdir("m") == 0);
	umask(old);
}

static char big[60000], out[60000];

static void check_pipe_size(void)
{
	char buf[4096];
	int p[2], fd, i;

	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536);
	CHECK(fcntl(p[1], F_GETPIPE_SZ) == 65536);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 100000) == 131072);
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 131072);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 1) == 4096);
	CHECK(fcntl(p[1], F_GETPIPE_SZ) == 4096);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 65536) == 65536);
	memset(buf, 'p', sizeof(buf));
	for (i = 0; i < 3; i++)
		CHECK(write(p[1], buf, sizeof(buf)) == sizeof(buf));
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) == -1 && errno == EBUSY);
	CHECK(fcntl(p[1], F_GETPIPE_SZ) == 65536);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, -1) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);
	/* What the pipe holds stays, in order, when it shrinks: data that
	 * wrapped around the end of the ring too. */
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)(i * 7);
	CHECK(write(p[1], big, 60000) == 60000);
	CHECK(read(p[0], out, 50000) == 50000 && !memcmp(out, big, 50000));
	CHECK(write(p[1], big, 8000) == 8000);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 32768) == 32768);
	CHECK(read(p[0], out, 10000) == 10000 &&
	      !memcmp(out, big + 50000, 10000));
	CHECK(read(p[0], out, 9000) == 8000 && !memcmp(out, big, 8000));
	put("f", "");
	fd = open("f", O_RDONLY);
	CHECK(fcntl(fd, F_GETPIPE_SZ) == -1 && errno == EBADF);
	CHECK(fcntl(fd, F_SETPIPE_SZ, 4096) == -1 && errno == EBADF);
	CHECK(pread(p[0], buf, 1, 0) == -1 && errno == ESPIPE);
	CHECK(pwrite(p[1], buf, 1, 0) == -1 && errno == ESPIPE);
	CHECK(pread(fd, buf, 1, -1) == -1 && errno == EINVAL);
	close(fd);
	CHECK(unlink("f") == 0);
	close(p[0]);
	close(p[1]);
}

static void check_fd_calls(void)
{
	char buf[64];
	struct iovec iov[2];
	int fd, fl;

	put("f", "hello");
	fd = open("f", O_RDWR);
	/* F_SETFL keeps the access mode and O_CREAT-like bits. */
	CHECK(fcntl(fd, F_SETFL, O_WRONLY | O_APPEND | O_NONBLOCK |
		    O_TRUNC | O_CREAT) == 0);
	fl = fcntl(fd, F_GETFL) & ~LARGEFILE_BITS;
	CHECK(fl == (O_RDWR | O_APPEND | O_NONBLOCK));
	CHECK(fcntl(fd, F_SETFL, 0) == 0);
	CHECK((fcntl(fd, F_GETFL) & ~LARGEFILE_BITS) == O_RDWR);
	/* lseek past the ends. */
	CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
	CHECK(lseek(fd, -6, SEEK_END) == -1 && errno == EINVAL);
	CHECK(lseek(fd, 100, SEEK_END) == 105);
	CHECK(lseek(fd, 0, 7) == -1 && errno == EINVAL);
	CHECK(lseek(fd, 5, SEEK_DATA) == -1 && errno == ENXIO);
	CHECK(lseek(fd, 2, SEEK_HOLE) == 5);
	CHECK(lseek(fd, -1, SEEK_DATA) == -1 && errno == ENXIO);
	/* Vectors: none, or empty ones. */
	iov[0].iov_base = buf;
	iov[1].iov_base = buf;
	CHECK(writev(fd, iov, 0) == 0);
	iov[0].iov_len = 0;
	iov[1].iov_len = 0;
	CHECK(writev(fd, iov, 2) == 0);
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof(buf)) == -1 &&
	      errno == ENOTDIR);
	close(fd);
	/* getdents64 into a buffer too small for one entry. */
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(syscall(SYS_getdents64, fd, buf, 8) == -1 && errno == EINVAL);
	close(fd);
	CHECK(unlink("f") == 0);
}

static int ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void check_times_access(void)
{
	struct timespec ts[2];
	struct stat st, st2;

	put("u", "u");
	CHECK(stat("u", &st) == 0);
	msleep(20);
	/* Both UTIME_OMIT: nothing changes, not even ctime. */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_OMIT;
	CHECK(utimensat(AT_FDCWD, "u", ts, 0) == 0);
	CHECK(stat("u", &st2) == 0 &&
	      !ts_after(&st2.st_ctim, &st.st_ctim));
	/* One set: ctime moves to now. */
	ts[0].tv_sec = 1000;
	ts[0].tv_nsec = 5;
	CHECK(utimensat(AT_FDCWD, "u", ts, 0) == 0);
	CHECK(stat("u", &st2) == 0 && st2.st_atim.tv_sec == 1000 &&
	      st2.st_atim.tv_nsec == 5 && ts_after(&st2.st_ctim, &st.st_ctim));
	CHECK(st2.st_mtim.tv_sec == st.st_mtim.tv_sec &&
	      st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec);
	ts[0].tv_nsec = 1000000000;
	CHECK(utimensat(AT_FDCWD, "u", ts, 0) == -1 && errno == EINVAL);
	ts[0].tv_nsec = -2;
	CHECK(utimensat(AT_FDCWD, "u", ts, 0) == -1 && errno == EINVAL);
	CHECK(utimensat(AT_FDCWD, "u", NULL, 0x8000) == -1 && errno == EINVAL);
	/* chmod moves ctime only. */
	CHECK(stat("u", &st) == 0);
	msleep(20);
	CHECK(chmod("u", 04755) == 0);
	CHECK(stat("u", &st2) == 0 && (st2.st_mode & 07777) == 04755 &&
	      ts_after(&st2.st_ctim, &st.st_ctim) &&
	      !ts_after(&st2.st_mtim, &st.st_mtim));
	/* faccessat's flags and modes. */
	CHECK(faccessat(AT_FDCWD, "u", R_OK | W_OK, AT_EACCESS) == 0);
	CHECK(faccessat(AT_FDCWD, "u", X_OK, AT_EACCESS) == 0);
	CHECK(syscall(SYS_faccessat, AT_FDCWD, "u", 8) == -1 &&
	      errno == EINVAL);
	CHECK(chmod("u", 0644) == 0);
	CHECK(access("u", X_OK) == -1 && errno == EACCES);
	CHECK(fchmodat(AT_FDCWD, "u", 0600, 0x8000) == -1 && errno == EINVAL);
	CHECK(symlink("u", "ul") == 0);
	CHECK(fchmodat(AT_FDCWD, "ul", 0600, AT_SYMLINK_NOFOLLOW) == -1 &&
	      errno == EOPNOTSUPP);
	/* (musl does this one through /proc/self/fd.) */
	CHECK(fchmodat(AT_FDCWD, "u", 0640, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(stat("u", &st) == 0 && (st.st_mode & 0777) == 0640);
	/* The other *at flags. */
	CHECK(fstatat(AT_FDCWD, "u", &st, 0x8000) == -1 && errno == EINVAL);
	CHECK(unlinkat(AT_FDCWD, "u", 0x8000) == -1 && errno == EINVAL);
	CHECK(unlinkat(AT_FDCWD, "u", AT_REMOVEDIR) == -1 && errno == ENOTDIR);
	CHECK(linkat(AT_FDCWD, "u", AT_FDCWD, "u2", 0x8000) == -1 &&
	      errno == EINVAL);
	CHECK(linkat(AT_FDCWD, "ul", AT_FDCWD, "u2", 0) == 0);
	CHECK(lstat("u2", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(linkat(AT_FDCWD, "ul", AT_FDCWD, "u3", AT_SYMLINK_FOLLOW) == 0);
	CHECK(lstat("u3", &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_nlink == 2);
	CHECK(unlink("u") == 0 && unlink("ul") == 0 && unlink("u2") == 0 &&
	      unlink("u3") == 0);
}

static void check_gone_files(void)
{
	struct dirent *de;
	struct stat st;
	char buf[256];
	DIR *dir;
	int fd, dfd, n;

	/* An open file unlinked, a folder removed while open. */
	put("g", "g");
	fd = open("g", O_RDWR);
	CHECK(unlink("g") == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0);
	CHECK(pwrite(fd, "h", 1, 1) == 1 && fstat(fd, &st) == 0 &&
	      st.st_size == 2);
	close(fd);
	CHECK(mkdir("gd", 0755) == 0);
	dfd = open("gd", O_RDONLY | O_DIRECTORY);
	CHECK(rmdir("gd") == 0);
	CHECK(fstat(dfd, &st) == 0 && st.st_nlink == 0);
	CHECK(syscall(SYS_getdents64, dfd, buf, sizeof(buf)) == -1 &&
	      errno == ENOENT);
	CHECK(openat(dfd, "new", O_CREAT | O_WRONLY, 0644) == -1 &&
	      errno == ENOENT);
	CHECK(mkdirat(dfd, "new", 0755) == -1 && errno == ENOENT);
	/* It is still itself. */
	fd = openat(dfd, ".", O_RDONLY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_nlink == 0);
	close(fd);
	close(dfd);
	/* Entries removed while a listing goes on are not listed later;
	 * rewinddir sees what is there now. */
	CHECK(mkdir("ls", 0755) == 0);
	put("ls/a", "");
	put("ls/b", "");
	put("ls/c", "");
	dir = opendir("ls");
	n = 0;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	CHECK(n == 3);
	CHECK(unlink("ls/b") == 0);
	rewinddir(dir);
	n = 0;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	CHECK(n == 2);
	closedir(dir);
	CHECK(unlink("ls/a") == 0 && unlink("ls/c") == 0 && rmdir("ls") == 0);
	/* O_CREAT with O_DIRECTORY is EINVAL (Linux 6.4 on). */
	CHECK(open("cd", O_CREAT | O_DIRECTORY | O_RDONLY, 0755) == -1 &&
	      errno == EINVAL);
	CHECK(access("cd", F_OK) == -1);
	/* Mode bits past 07777 are dropped, set-id ones kept. */
	fd = open("mb", O_CREAT | O_WRONLY, 0177777);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	close(fd);
	CHECK(unlink("mb") == 0);
	CHECK(mkdir("md", 01777) == 0 && stat("md", &st) == 0 &&
	      (st.st_mode & 07000) == 01000);
	CHECK(rmdir("md") == 0);
}

static void check_cwd_gone(void)
{
	char buf[PATH_MAX];
	int top = open(".", O_RDONLY | O_DIRECTORY);

	CHECK(mkdir("gone", 0755) == 0 && chdir("gone") == 0);
	CHECK(rmdir("../gone") == 0);
	CHECK(getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT);
	CHECK(open("x", O_CREAT | O_WRONLY, 0644) == -1 && errno == ENOENT);
	CHECK(mkdir("x", 0755) == -1 && errno == ENOENT);
	CHECK(fchdir(top) == 0);
	close(top);
	CHECK(getcwd(buf, 2) == NULL && errno == ERANGE);
}

int main(void)
{
	strcpy(dir_name, "/tmp/file-calls-XXXXXX");
	if (!mkdtemp(dir_name) || chdir(dir_name)) {
		perror("mkdtemp");
		return 1;
	}
	check_tmpfile();
	check_path_fds();
	check_open_flags();
	check_rename();
	check_remove_errors();
	check_mknod();
	check_pipe_size();
	check_fd_calls();
	check_times_access();
	check_gone_files();
	check_cwd_gone();
	CHECK(chdir("/") == 0 && rmdir(dir_name) == 0);
	return posix_check_summary();
}
