#define _GNU_SOURCE
/*
 * Edges of the name and file calls, checked the same way on Linux and on
 * Amphi: rename between hard links of one file, directory link counts
 * across a rename, mkdir's mode bits, 40 symlinks but not 41, linkat and
 * utimensat with AT_EMPTY_PATH, long symlink targets, ftruncate's errors,
 * and O_APPEND with pwrite and a shrunk file (rename(2), mkdir(2),
 * path_resolution(7), pwrite(2)).
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

#include "../posix-check.h"

static char dir_name[48];

static void touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	close(fd);
}

static nlink_t links_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_nlink : 0;
}

static void check_rename_links(void)
{
	struct stat st;

	touch("h1");
	CHECK(link("h1", "h2") == 0);
	/* Two names of one file: rename does nothing, both stay. */
	CHECK(rename("h1", "h2") == 0);
	CHECK(stat("h1", &st) == 0 && st.st_nlink == 2);
	CHECK(stat("h2", &st) == 0);
	CHECK(unlink("h1") == 0 && unlink("h2") == 0);
	/* A directory moved to another: both parents' counts follow. */
	CHECK(mkdir("pa", 0755) == 0 && mkdir("pb", 0755) == 0);
	CHECK(mkdir("pa/sub", 0755) == 0);
	CHECK(links_of("pa") == 3 && links_of("pb") == 2);
	CHECK(rename("pa/sub", "pb/sub") == 0);
	CHECK(links_of("pa") == 2 && links_of("pb") == 3);
	/* Over an empty directory: the count stays. */
	CHECK(mkdir("pa/sub2", 0755) == 0);
	CHECK(rename("pb/sub", "pa/sub2") == 0);
	CHECK(links_of("pa") == 3 && links_of("pb") == 2);
	/* A file over a file in another directory. */
	touch("pa/f");
	touch("pb/f");
	CHECK(rename("pa/f", "pb/f") == 0);
	CHECK(links_of("pa/f") == 0 && links_of("pb/f") == 1);
	CHECK(unlink("pb/f") == 0 && rmdir("pa/sub2") == 0);
	CHECK(rmdir("pa") == 0 && rmdir("pb") == 0);
}

static void check_mkdir_modes(void)
{
	struct stat st;
	mode_t old = umask(0);
	int fd;

	/* mkdir keeps the permissions and the sticky bit only. */
	CHECK(mkdir("m", 07777) == 0);
	CHECK(stat("m", &st) == 0 && (st.st_mode & 07777) == 01777);
	CHECK(rmdir("m") == 0);
	fd = open("mf", O_CREAT | O_RDWR, 0666);
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0666);
	/* chmod keeps the file type whatever the high bits say. */
	CHECK(fchmod(fd, 0170644) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0644);
	close(fd);
	CHECK(unlink("mf") == 0);
	umask(old);
}

static void check_link_chain(void)
{
	char name[16], target[16];
	struct stat st;
	int i;

	touch("c0");
	for (i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(target, sizeof(target), "c%d", i - 1);
		CHECK(symlink(target, name) == 0);
	}
	/* c40 takes 40 links to reach c0; c41 one too many. */
	CHECK(stat("c40", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat("c41", &st) == -1 && errno == ELOOP);
	CHECK(lstat("c41", &st) == 0 && S_ISLNK(st.st_mode));
	for (i = 0; i <= 41; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		CHECK(unlink(name) == 0);
	}
}

static void check_empty_path(void)
{
	struct timespec ts[2] = { { 100, 0 }, { 200, 0 } };
	struct stat st;
	int fd = open("e", O_CREAT | O_RDWR, 0600), p[2];

	CHECK(linkat(fd, "", AT_FDCWD, "e2", AT_EMPTY_PATH) == 0);
	CHECK(stat("e2", &st) == 0 && st.st_nlink == 2);
	CHECK(linkat(fd, "", AT_FDCWD, "e3", 0) == -1 && errno == ENOENT);
	CHECK(utimensat(fd, "", ts, AT_EMPTY_PATH) == 0);
	CHECK(stat("e2", &st) == 0 && st.st_mtim.tv_sec == 200);
	CHECK(utimensat(fd, "", ts, 0) == -1 && errno == ENOENT);
	/* Not a file of this file system; a file without names. */
	CHECK(pipe(p) == 0);
	CHECK(linkat(p[0], "", AT_FDCWD, "e3", AT_EMPTY_PATH) == -1 &&
	      errno == EXDEV);
	close(p[0]);
	close(p[1]);
	CHECK(unlink("e") == 0 && unlink("e2") == 0);
	CHECK(linkat(fd, "", AT_FDCWD, "e3", AT_EMPTY_PATH) == -1 &&
	      errno == ENOENT);
	CHECK(stat("e3", &st) == -1 && errno == ENOENT);
	close(fd);
}

static void check_long_target(void)
{
	char *t = malloc(PATH_MAX + 1), buf[8];

	memset(t, 'x', PATH_MAX);
	t[PATH_MAX - 1] = '\0';
	CHECK(symlink(t, "long") == 0);
	CHECK(readlink("long", buf, sizeof(buf)) == sizeof(buf));
	CHECK(unlink("long") == 0);
	t[PATH_MAX - 1] = 'x';
	t[PATH_MAX] = '\0';
	CHECK(symlink(t, "long") == -1 && errno == ENAMETOOLONG);
	free(t);
}

static void check_truncate_append(void)
{
	char buf[16];
	struct stat st;
	int fd, p[2];

	fd = open("a", O_CREAT | O_RDWR | O_APPEND, 0600);
	CHECK(write(fd, "0123456789", 10) == 10);
	/* Linux appends whatever pwrite's offset (pwrite(2), BUGS). */
	CHECK(pwrite(fd, "AB", 2, 0) == 2);
	CHECK(pread(fd, buf, 12, 0) == 12 && !memcmp(buf, "0123456789AB", 12));
	CHECK(ftruncate(fd, 4) == 0);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "0123x", 5));
	/* Grown: zeros up to the new size, and the next write after them. */
	CHECK(ftruncate(fd, 8) == 0 && write(fd, "y", 1) == 1);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 9 &&
	      !memcmp(buf, "0123x\0\0\0y", 9));
	close(fd);
	/* ftruncate needs a regular file open for writing. */
	fd = open("a", O_RDONLY);
	CHECK(ftruncate(fd, 0) == -1 && errno == EINVAL);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 9);
	close(fd);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(ftruncate(fd, 0) == -1 && errno == EINVAL);
	CHECK(readv(fd, &(struct iovec){ buf, 1 }, 1) == -1 &&
	      errno == EISDIR);
	close(fd);
	CHECK(pipe(p) == 0);
	CHECK(ftruncate(p[1], 0) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);
	CHECK(ftruncate(999, 0) == -1 && errno == EBADF);
	CHECK(ftruncate(999, -1) == -1 && errno == EINVAL);
	CHECK(truncate("a", -1) == -1 && errno == EINVAL);
	CHECK(truncate("a/", 0) == -1 && errno == ENOTDIR);
	CHECK(unlink("a") == 0);
}

int main(void)
{
	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-names-%d",
		 (int)getpid());
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	check_rename_links();
	check_mkdir_modes();
	check_link_chain();
	check_empty_path();
	check_long_target();
	check_truncate_append();
	CHECK(chdir("/") == 0 && rmdir(dir_name) == 0);
	return posix_check_summary();
}
