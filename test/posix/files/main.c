#define _GNU_SOURCE
/*
 * Regular files, checked the same way on Linux and on Amphi: create, read
 * and write (plain, positioned, vectored), lseek and holes, ftruncate,
 * O_APPEND/O_EXCL/O_TRUNC, the stat family, link counts, a file used after
 * unlink, and the errors of bad fds, pointers, flags and names.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../posix-check.h"

/* Per process: the Linux runs of several builds of this program (test/elf)
 * may run at once. */
static char dir_name[64];

/* Through volatiles, so the compiler does not warn about them. */
static void *volatile bad_ptr = (void *)16;
static volatile int minus_one = -1;

static void check_create_rw(void)
{
	char buf[64];
	struct stat st;
	int fd;

	fd = open("a.txt", O_CREAT | O_RDWR | O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello, world", 12) == 12);
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == 12 && !strcmp(buf, "hello, world"));
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(pwrite(fd, "W", 1, 7) == 1);
	CHECK(pread(fd, buf, 5, 7) == 5 && !memcmp(buf, "World", 5));
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12);
	CHECK((st.st_mode & 0777) == 0644 && st.st_nlink == 1);
	CHECK(st.st_blksize == 4096);
	CHECK(close(fd) == 0);
	CHECK(open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0644) == -1 &&
	      errno == EEXIST);
	fd = open("a.txt", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "x", 1) == -1 && errno == EBADF);
	close(fd);
	fd = open("a.txt", O_WRONLY);
	CHECK(read(fd, buf, 1) == -1 && errno == EBADF);
	close(fd);
}

static void check_vectored(void)
{
	char a[4], b[6], out[16];
	struct iovec iov[2] = { { "abcd", 4 }, { "efghij", 6 } };
	struct iovec rio[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd = open("v.bin", O_CREAT | O_RDWR | O_TRUNC, 0600);

	CHECK(writev(fd, iov, 2) == 10);
	CHECK(pread(fd, out, sizeof(out), 0) == 10 &&
	      !memcmp(out, "abcdefghij", 10));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(readv(fd, rio, 2) == 10);
	CHECK(!memcmp(a, "abcd", 4) && !memcmp(b, "efghij", 6));
	CHECK(pwritev(fd, iov, 1, 8) == 4);
	CHECK(preadv(fd, rio, 1, 6) == 4 && !memcmp(a, "ghab", 4));
	CHECK(writev(fd, iov, minus_one) == -1 && errno == EINVAL);
	close(fd);
}

static void check_holes_truncate(void)
{
	static char big[3 * 4096];
	struct stat st;
	char buf[16];
	int fd = open("hole.bin", O_CREAT | O_RDWR | O_TRUNC, 0600), i, z;

	CHECK(lseek(fd, 1 << 20, SEEK_SET) == 1 << 20);
	CHECK(write(fd, "end", 3) == 3);
	CHECK(fstat(fd, &st) == 0 && st.st_size == (1 << 20) + 3);
	/* Only the written page takes space. */
	CHECK(st.st_blocks > 0 && st.st_blocks <= 16);
	CHECK(pread(fd, buf, 8, 4096) == 8);
	for (i = 0, z = 1; i < 8; i++)
		z &= buf[i] == 0;
	CHECK(z);
	CHECK(lseek(fd, -3, SEEK_END) == 1 << 20);
	CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
	CHECK(lseek(fd, 0, 42) == -1 && errno == EINVAL);
	CHECK(ftruncate(fd, 5000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 5000);
	CHECK(ftruncate(fd, -1) == -1 && errno == EINVAL);
	/* Shrink inside a page, then grow: the cut part reads zeros. */
	CHECK(pwrite(fd, "0123456789", 10, 100) == 10);
	CHECK(ftruncate(fd, 105) == 0);
	CHECK(ftruncate(fd, 200) == 0);
	CHECK(pread(fd, buf, 10, 100) == 10 && !memcmp(buf, "01234", 5));
	for (i = 5, z = 1; i < 10; i++)
		z &= buf[i] == 0;
	CHECK(z);
	CHECK(ftruncate(fd, 0) == 0 && fstat(fd, &st) == 0 &&
	      st.st_size == 0 && st.st_blocks == 0);
	memset(big, 'q', sizeof(big));
	CHECK(pwrite(fd, big, sizeof(big), 100) == sizeof(big));
	CHECK(pread(fd, big, sizeof(big), 101) == sizeof(big) - 1);
	close(fd);
	CHECK(truncate("hole.bin", 7) == 0);
	CHECK(stat("hole.bin", &st) == 0 && st.st_size == 7);
	CHECK(truncate(".", 0) == -1 && errno == EISDIR);
	CHECK(truncate("nope", 0) == -1 && errno == ENOENT);
}

static void check_flags(void)
{
	char buf[32];
	int fd, fd2;

	fd = open("app.txt", O_CREAT | O_WRONLY | O_APPEND, 0600);
	fd2 = open("app.txt", O_WRONLY | O_APPEND);
	CHECK(write(fd, "one ", 4) == 4);
	CHECK(write(fd2, "two ", 4) == 4);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "three", 5) == 5);
	close(fd);
	close(fd2);
	fd = open("app.txt", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == 13 &&
	      !strcmp(buf, "one two three"));
	close(fd);
	fd = open("app.txt", O_RDWR | O_TRUNC);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 0);
	close(fd);
	fd = creat("creat.txt", 0600);
	CHECK(fd >= 0 && write(fd, "c", 1) == 1 && read(fd, buf, 1) == -1 &&
	      errno == EBADF);
	close(fd);
	CHECK(open("app.txt", O_RDONLY | O_DIRECTORY) == -1 &&
	      errno == ENOTDIR);
	CHECK(open(".", O_RDWR) == -1 && errno == EISDIR);
	CHECK(open(".", O_WRONLY | O_CREAT, 0600) == -1 && errno == EISDIR);
	fd = open(".", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 1) == -1 && errno == EISDIR);
	close(fd);
	CHECK(open("missing", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("app.txt/x", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(open("app.txt/", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(open("newfile/", O_CREAT | O_RDWR, 0600) == -1 &&
	      errno == EISDIR);
	fd = open("cloexec", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
}

static void check_umask_mode(void)
{
	struct stat st;
	mode_t old = umask(027);
	int fd = open("masked", O_CREAT | O_RDWR, 0777);

	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0750);
	CHECK(fchmod(fd, 0604) == 0);
	CHECK(stat("masked", &st) == 0 && (st.st_mode & 0777) == 0604);
	CHECK(chmod("masked", 0640) == 0);
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640);
	CHECK(umask(old) == 027);
	close(fd);
}

static void check_links_unlink(void)
{
	char buf[16];
	struct stat st, st2;
	int fd = open("orig", O_CREAT | O_RDWR, 0600);

	CHECK(write(fd, "data", 4) == 4);
	CHECK(link("orig", "second") == 0);
	CHECK(stat("orig", &st) == 0 && st.st_nlink == 2);
	CHECK(stat("second", &st2) == 0 && st2.st_ino == st.st_ino);
	CHECK(link("orig", "second") == -1 && errno == EEXIST);
	CHECK(link("nothing", "third") == -1 && errno == ENOENT);
	CHECK(link(".", "dirlink") == -1 && errno == EPERM);
	CHECK(unlink("orig") == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 1);
	CHECK(unlink("second") == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 4);
	/* Still readable and writable through the open fd. */
	CHECK(pwrite(fd, "!", 1, 4) == 1);
	memset(buf, 0, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 && !strcmp(buf, "data!"));
	CHECK(stat("orig", &st) == -1 && errno == ENOENT);
	CHECK(unlink("orig") == -1 && errno == ENOENT);
	CHECK(unlink(".") == -1 && errno == EISDIR);
	close(fd);
}

static void check_stat_family(void)
{
	struct stat st;
	int fd = open("s", O_CREAT | O_RDWR, 0600), dfd;

	CHECK(symlink("s", "s.lnk") == 0);
	CHECK(stat("s.lnk", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(lstat("s.lnk", &st) == 0 && S_ISLNK(st.st_mode) &&
	      st.st_size == 1);
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fstatat(dfd, "s", &st, 0) == 0 && S_ISREG(st.st_mode));
	CHECK(fstatat(dfd, "s.lnk", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	      S_ISLNK(st.st_mode));
	CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode));
	CHECK(fstatat(dfd, "s", &st, 0x4000000) == -1 && errno == EINVAL);
	CHECK(fstatat(fd, "x", &st, 0) == -1 && errno == ENOTDIR);
	CHECK(fstatat(999, "x", &st, 0) == -1 && errno == EBADF);
	CHECK(fstatat(999, "/", &st, 0) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("", &st) == -1 && errno == ENOENT);
	CHECK(fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode));
	close(dfd);
	close(fd);
}

static void check_errors(void)
{
	char name[NAME_MAX + 2], *path;
	struct stat st;
	char buf[4];
	int fd;

	CHECK(read(-1, buf, 1) == -1 && errno == EBADF);
	CHECK(write(12345, buf, 1) == -1 && errno == EBADF);
	CHECK(close(-5) == -1 && errno == EBADF);
	CHECK(fstat(4321, &st) == -1 && errno == EBADF);
	CHECK(lseek(4321, 0, SEEK_SET) == -1 && errno == EBADF);
	CHECK(open(bad_ptr, O_RDONLY) == -1 && errno == EFAULT);
	/* The system call (musl's stat fills the app's struct itself). */
	CHECK(syscall(SYS_newfstatat, AT_FDCWD, "a.txt", bad_ptr, 0) == -1 &&
	      errno == EFAULT);
	fd = open("a.txt", O_RDWR);
	CHECK(read(fd, bad_ptr, 4) == -1 && errno == EFAULT);
	CHECK(write(fd, bad_ptr, 4) == -1 && errno == EFAULT);
	close(fd);
	memset(name, 'n', sizeof(name));
	name[NAME_MAX + 1] = '\0';
	CHECK(open(name, O_CREAT | O_RDWR, 0600) == -1 &&
	      errno == ENAMETOOLONG);
	name[NAME_MAX] = '\0';
	fd = open(name, O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK(unlink(name) == 0);
	path = malloc(PATH_MAX + 1);
	memset(path, 'p', PATH_MAX);
	path[PATH_MAX] = '\0';
	CHECK(stat(path, &st) == -1 && errno == ENAMETOOLONG);
	free(path);
	CHECK(open("a.txt", O_RDONLY | O_NOFOLLOW) >= 0);
}

/* Removes the test directory's files (it has no subdirectories). */
static void cleanup(int check)
{
	static const char *const names[] = {
		"a.txt", "v.bin", "hole.bin", "app.txt", "creat.txt",
		"cloexec", "masked", "s", "s.lnk",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(names[i]);
	chdir("/");
	if (check)
		CHECK(rmdir(dir_name) == 0);
	else
		rmdir(dir_name);
}

int main(void)
{
	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-files-%d",
		 (int)getpid());
	if (chdir(dir_name) == 0)
		cleanup(0);		/* a stale run's */
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	check_create_rw();
	check_vectored();
	check_holes_truncate();
	check_flags();
	check_umask_mode();
	check_links_unlink();
	check_stat_family();
	check_errors();
	cleanup(1);
	return posix_check_summary();
}
