#define _GNU_SOURCE
/*
 * Directories, checked the same way on Linux and on Amphi: mkdir/rmdir,
 * rename and renameat(2) rules, getdents64 listings (sorted: the order
 * differs between file systems), chdir/getcwd, access, umask, symlinks,
 * readlink and ELOOP.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

/* Not every C library has a renameat2() wrapper (musl 1.2.3 has none):
 * the system call itself. */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#endif
#define renameat2(od, op, nd, np, fl)					\
	((int)syscall(SYS_renameat2, (od), (op), (nd), (np), (fl)))

#define DIR_NAME	"/tmp/amphi-posix-dirs"

struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

ssize_t getdents64(int fd, void *dirp, size_t count);

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the sorted names of path with their d_type, bufsize bytes per
 * getdents64 call. Returns the number of entries. */
static int list(const char *path, size_t bufsize)
{
	static char buf[4096];
	char *names[64];
	int fd = open(path, O_RDONLY | O_DIRECTORY), n = 0, i;
	long got, off;

	CHECK(fd >= 0);
	while ((got = getdents64(fd, buf, bufsize)) > 0) {
		for (off = 0; off < got;) {
			struct dirent64_rec *d = (void *)(buf + off);

			if (n < 64 && asprintf(&names[n], "%s:%d", d->d_name,
					       d->d_type) > 0)
				n++;
			off += d->d_reclen;
		}
	}
	CHECK(got == 0);
	close(fd);
	qsort(names, n, sizeof(names[0]), cmp_str);
	printf("%s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
	return n;
}

static void touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	close(fd);
}

static void check_mkdir_rmdir(void)
{
	struct stat st;

	CHECK(mkdir("d", 0755) == 0);
	CHECK(mkdir("d", 0755) == -1 && errno == EEXIST);
	CHECK(mkdir("d/", 0755) == -1 && errno == EEXIST);
	CHECK(mkdir("e/", 0700) == 0);
	CHECK(stat("d", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2);
	CHECK(mkdir("d/sub", 0755) == 0);
	CHECK(stat("d", &st) == 0 && st.st_nlink == 3);
	CHECK(mkdir("x/y", 0755) == -1 && errno == ENOENT);
	touch("d/file");
	CHECK(mkdir("d/file/z", 0755) == -1 && errno == ENOTDIR);
	CHECK(mkdir("d/file", 0755) == -1 && errno == EEXIST);
	CHECK(rmdir("d") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("d/file") == -1 && errno == ENOTDIR);
	CHECK(rmdir("d/.") == -1 && errno == EINVAL);
	CHECK(rmdir("d/..") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("nope") == -1 && errno == ENOENT);
	CHECK(unlink("d") == -1 && errno == EISDIR);
	CHECK(unlinkat(AT_FDCWD, "d/sub", AT_REMOVEDIR) == 0);
	CHECK(stat("d", &st) == 0 && st.st_nlink == 2);
	CHECK(unlinkat(AT_FDCWD, "d/file", 0x1) == -1 && errno == EINVAL);
	CHECK(rmdir("e/") == 0);
	CHECK(stat("e", &st) == -1 && errno == ENOENT);
}

static void check_listing(void)
{
	char name[32];
	int i, fd;

	CHECK(mkdir("l", 0755) == 0);
	CHECK(mkdir("l/subdir", 0755) == 0);
	touch("l/b");
	touch("l/a");
	CHECK(symlink("a", "l/sym") == 0);
	CHECK(list("l", sizeof(struct dirent64_rec) + 8) == 6);
	CHECK(list("l", 4096) == 6);
	/* A buffer too small for one record. */
	fd = open("l", O_RDONLY | O_DIRECTORY);
	CHECK(getdents64(fd, name, 8) == -1 && errno == EINVAL);
	close(fd);
	fd = open("l/a", O_RDONLY);
	CHECK(getdents64(fd, name, sizeof(name)) == -1 && errno == ENOTDIR);
	close(fd);
	CHECK(getdents64(-1, name, sizeof(name)) == -1 && errno == EBADF);
	/* Many entries. */
	CHECK(mkdir("many", 0755) == 0);
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "many/f%02d", i);
		touch(name);
	}
	CHECK(list("many", 256) == 42);
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "many/f%02d", i);
		CHECK(unlink(name) == 0);
	}
	CHECK(list("many", 256) == 2);
	CHECK(rmdir("many") == 0);
}

static void check_rename(void)
{
	struct stat st;
	char buf[8];
	int dfd;

	CHECK(mkdir("r", 0755) == 0);
	CHECK(chdir("r") == 0);
	touch("f1");
	touch("f2");
	CHECK(mkdir("d1", 0755) == 0);
	CHECK(mkdir("d2", 0755) == 0);
	touch("d2/inside");
	CHECK(rename("f1", "g1") == 0);
	CHECK(stat("f1", &st) == -1 && errno == ENOENT);
	CHECK(rename("g1", "f2") == 0);		/* replaces */
	CHECK(rename("f2", "f2") == 0);
	CHECK(rename("f2", "d1") == -1 && errno == EISDIR);
	CHECK(rename("d1", "f2") == -1 && errno == ENOTDIR);
	CHECK(rename("d1", "d2") == -1 && errno == ENOTEMPTY);
	CHECK(rename("d2", "d1") == 0);		/* over an empty dir */
	CHECK(stat("d1/inside", &st) == 0);
	CHECK(rename("d1", "d1/inside/x") == -1 && errno == ENOTDIR);
	CHECK(mkdir("d1/in", 0755) == 0);
	CHECK(rename("d1", "d1/in/x") == -1 && errno == EINVAL);
	CHECK(rename("nope", "x") == -1 && errno == ENOENT);
	CHECK(rename("f2", "nodir/x") == -1 && errno == ENOENT);
	CHECK(rename("f2/", "x") == -1 && errno == ENOTDIR);
	CHECK(rename("f2", "x/") == -1 && errno == ENOTDIR);
	CHECK(rename(".", "x") == -1 && errno == EBUSY);
	CHECK(rename("d1/in", "d1/in2/") == 0);
	touch("t");
	CHECK(renameat2(AT_FDCWD, "t", AT_FDCWD, "f2", RENAME_NOREPLACE) == -1
	      && errno == EEXIST);
	CHECK(renameat2(AT_FDCWD, "t", AT_FDCWD, "t2", RENAME_NOREPLACE) == 0);
	CHECK(renameat2(AT_FDCWD, "t2", AT_FDCWD, "t3", 0x80) == -1 &&
	      errno == EINVAL);
	dfd = open("d1", O_RDONLY | O_DIRECTORY);
	CHECK(renameat(AT_FDCWD, "t2", dfd, "moved") == 0);
	CHECK(fstatat(dfd, "moved", &st, 0) == 0 && S_ISREG(st.st_mode));
	CHECK(renameat(dfd, "moved", AT_FDCWD, "back") == 0);
	close(dfd);
	/* A renamed directory keeps its contents and ".." follows. */
	CHECK(rename("d1", "D") == 0);
	CHECK(chdir("D/in2") == 0);
	CHECK(getcwd(buf, 4) == NULL && errno == ERANGE);
	CHECK(chdir("../..") == 0);
	list(".", 4096);
	CHECK(chdir("..") == 0);
}

static void check_cwd(void)
{
	char buf[PATH_MAX], *p;
	int fd;

	CHECK(getcwd(buf, sizeof(buf)) == buf);
	printf("cwd %s\n", buf);
	CHECK(mkdir("c", 0755) == 0 && mkdir("c/d", 0755) == 0);
	CHECK(chdir("c/d") == 0);
	CHECK(getcwd(buf, sizeof(buf)) == buf);
	printf("cwd %s\n", buf);
	CHECK(chdir("../../c/./d/..") == 0);
	p = getcwd(NULL, 0);
	CHECK(p != NULL);
	printf("cwd %s\n", p ? p : "?");
	free(p);
	CHECK(chdir("nope") == -1 && errno == ENOENT);
	touch("f");
	CHECK(chdir("f") == -1 && errno == ENOTDIR);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(fchdir(fd) == 0);
	close(fd);
	CHECK(getcwd(buf, sizeof(buf)) == buf);
	printf("cwd %s\n", buf);
	fd = open("../f", O_RDONLY);
	CHECK(fchdir(fd) == -1 && errno == ENOTDIR);
	close(fd);
	CHECK(chdir("/") == 0 && getcwd(buf, sizeof(buf)) == buf);
	printf("cwd %s\n", buf);
	CHECK(chdir(DIR_NAME) == 0);
	CHECK(chdir("c/d") == 0);
	CHECK(rmdir("../d") == 0);
	CHECK(getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT);
	CHECK(chdir(DIR_NAME) == 0);
}

static void check_access_umask(void)
{
	struct stat st;
	mode_t old;

	touch("acc");
	CHECK(access("acc", F_OK) == 0);
	CHECK(access("acc", R_OK | W_OK) == 0);
	CHECK(access("acc", X_OK) == -1 && errno == EACCES);
	CHECK(chmod("acc", 0755) == 0 && access("acc", X_OK) == 0);
	CHECK(access("nope", F_OK) == -1 && errno == ENOENT);
	CHECK(access("acc", 0x40) == -1 && errno == EINVAL);
	CHECK(faccessat(AT_FDCWD, "acc", R_OK, 0) == 0);
	old = umask(077);
	CHECK(mkdir("private", 0777) == 0);
	CHECK(stat("private", &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK(umask(old) == 077);
}

static void check_symlinks(void)
{
	char buf[64];
	struct stat st;
	ssize_t n;

	CHECK(mkdir("s", 0755) == 0);
	touch("s/target");
	CHECK(symlink("target", "s/rel") == 0);
	CHECK(symlink(DIR_NAME "/s", "sdir") == 0);
	CHECK(symlink("missing", "s/dangling") == 0);
	CHECK(symlink("loop2", "loop1") == 0);
	CHECK(symlink("loop1", "loop2") == 0);
	CHECK(symlink("x", "s/rel") == -1 && errno == EEXIST);
	CHECK(symlink("", "empty") == -1 && errno == ENOENT);
	n = readlink("s/rel", buf, sizeof(buf));
	CHECK(n == 6 && !memcmp(buf, "target", 6));
	CHECK(readlink("s/rel", buf, 3) == 3 && !memcmp(buf, "tar", 3));
	CHECK(readlink("s/target", buf, sizeof(buf)) == -1 && errno == EINVAL);
	CHECK(readlink("nope", buf, sizeof(buf)) == -1 && errno == ENOENT);
	CHECK(readlinkat(AT_FDCWD, "sdir/rel", buf, sizeof(buf)) == 6);
	CHECK(stat("sdir/rel", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat("sdir/", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(lstat("sdir", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("s/dangling", &st) == -1 && errno == ENOENT);
	CHECK(lstat("s/dangling", &st) == 0);
	CHECK(stat("loop1", &st) == -1 && errno == ELOOP);
	CHECK(open("loop1/x", O_RDONLY) == -1 && errno == ELOOP);
	CHECK(open("s/rel", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);
	CHECK(open("s/rel", O_CREAT | O_EXCL | O_RDWR, 0600) == -1 &&
	      errno == EEXIST);
	CHECK(rmdir("sdir/") == -1 && errno == ENOTDIR);
	CHECK(unlink("sdir") == 0);		/* the link, not the dir */
	CHECK(stat("s", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(link("s/rel", "hard") == 0);
	CHECK(lstat("hard", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(linkat(AT_FDCWD, "s/rel", AT_FDCWD, "hard2",
		     AT_SYMLINK_FOLLOW) == 0);
	CHECK(lstat("hard2", &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_nlink == 2);
}

/* Removes everything below path (depth first). */
static void rm_tree(const char *path)
{
	static char buf[4096];
	char child[PATH_MAX];
	struct stat st;
	long got, off;
	int fd;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY);
	while ((got = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < got;) {
			struct dirent64_rec *d = (void *)(buf + off);

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			snprintf(child, sizeof(child), "%s/%s", path,
				 d->d_name);
			rm_tree(child);
			/* The listing changed under us: start over. */
			lseek(fd, 0, SEEK_SET);
			break;
		}
	}
	close(fd);
	rmdir(path);
}

int main(void)
{
	struct stat st;

	mkdir("/tmp", 0777);
	rm_tree(DIR_NAME);
	CHECK(mkdir(DIR_NAME, 0755) == 0);
	CHECK(chdir(DIR_NAME) == 0);
	check_mkdir_rmdir();
	check_listing();
	check_rename();
	check_cwd();
	check_access_umask();
	check_symlinks();
	CHECK(chdir("/") == 0);
	rm_tree(DIR_NAME);
	CHECK(stat(DIR_NAME, &st) == -1 && errno == ENOENT);
	return posix_check_summary();
}
