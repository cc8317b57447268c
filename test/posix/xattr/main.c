/*
 * Extended attributes (xattr(7), setxattr(2), getxattr(2),
 * listxattr(2), removexattr(2) and their l and f forms) on files of a
 * directory made for the test: values set, replaced, read, listed and
 * removed; XATTR_CREATE and XATTR_REPLACE; the size query and ERANGE;
 * the limits on names (ERANGE) and values (E2BIG); the namespaces (user.*
 * only on regular files and directories, trusted.* and security.* for
 * root, others EOPNOTSUPP); EFAULT, ENOENT, EBADF, EINVAL. Only what
 * every Linux file system with user attributes does is asserted: values
 * stay small (ext4 keeps them in a block) and lists are sorted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../posix-check.h"

/* An address no app memory is at (a variable: compilers check
 * constants against the functions' access attributes). */
static char *volatile bad = (char *)8;

static char dir[64], file[96], sub[96], link_[96], fifo[96];

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char **)a, *(const char **)b);
}

/* Prints the list's names of the namespaces the test uses, sorted. */
static void print_list(const char *what, const char *list, ssize_t len)
{
	const char *names[64];
	int n = 0, i;
	ssize_t off;

	for (off = 0; off < len && n < 64; off += strlen(list + off) + 1)
		if (!strncmp(list + off, "user.", 5) ||
		    !strncmp(list + off, "trusted.", 8))
			names[n++] = list + off;
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s:", what);
	for (i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
}

static void check_values(void)
{
	char buf[256], list[1024];
	ssize_t len;

	printf("values\n");
	CHECK(setxattr(file, "user.a", "one", 3, 0) == 0);
	CHECK(getxattr(file, "user.a", NULL, 0) == 3);
	CHECK(getxattr(file, "user.a", buf, sizeof(buf)) == 3 &&
	      !memcmp(buf, "one", 3));
	CHECK(getxattr(file, "user.a", buf, 2) < 0 && errno == ERANGE);
	CHECK(setxattr(file, "user.a", "three", 5, XATTR_REPLACE) == 0);
	CHECK(getxattr(file, "user.a", buf, 5) == 5 &&
	      !memcmp(buf, "three", 5));
	CHECK(setxattr(file, "user.a", "x", 1, XATTR_CREATE) < 0 &&
	      errno == EEXIST);
	CHECK(setxattr(file, "user.b", "x", 1, XATTR_REPLACE) < 0 &&
	      errno == ENODATA);
	CHECK(setxattr(file, "user.b", "x", 1, XATTR_CREATE) == 0);
	/* An empty value is a value. */
	CHECK(setxattr(file, "user.empty", "", 0, 0) == 0);
	CHECK(getxattr(file, "user.empty", buf, sizeof(buf)) == 0);
	CHECK(getxattr(file, "user.empty", NULL, 0) == 0);
	CHECK(setxattr(file, "trusted.t", "tv", 2, 0) == 0);
	CHECK(getxattr(file, "trusted.t", buf, sizeof(buf)) == 2);
	CHECK(setxattr(file, "security.s", "sv", 2, 0) == 0);
	CHECK(getxattr(file, "security.s", buf, sizeof(buf)) == 2);
	len = listxattr(file, NULL, 0);
	CHECK(len > 0);
	CHECK(listxattr(file, list, sizeof(list)) == len);
	CHECK(listxattr(file, list, 1) < 0 && errno == ERANGE);
	print_list("file", list, len);
	CHECK(removexattr(file, "user.b") == 0);
	CHECK(removexattr(file, "user.b") < 0 && errno == ENODATA);
	CHECK(getxattr(file, "user.b", buf, sizeof(buf)) < 0 &&
	      errno == ENODATA);
	CHECK(getxattr(file, "user.none", NULL, 0) < 0 && errno == ENODATA);
	len = listxattr(file, list, sizeof(list));
	print_list("file", list, len);
	/* Directories too. */
	CHECK(setxattr(sub, "user.d", "dv", 2, 0) == 0);
	CHECK(getxattr(sub, "user.d", buf, sizeof(buf)) == 2);
	len = listxattr(sub, list, sizeof(list));
	print_list("dir", list, len);
	/* Through the symlink: the file's. */
	CHECK(getxattr(link_, "user.a", buf, sizeof(buf)) == 5);
	len = listxattr(link_, list, sizeof(list));
	print_list("via link", list, len);
}

static void check_links_and_fds(void)
{
	char buf[64], list[1024];
	ssize_t len;
	int fd;

	printf("l and f\n");
	/* user.* on a symlink itself: EPERM to set, ENODATA to read. */
	CHECK(lsetxattr(link_, "user.l", "x", 1, 0) < 0 && errno == EPERM);
	CHECK(lgetxattr(link_, "user.a", buf, sizeof(buf)) < 0 &&
	      errno == ENODATA);
	CHECK(lremovexattr(link_, "user.a") < 0 && errno == EPERM);
	CHECK(lsetxattr(link_, "trusted.l", "lv", 2, 0) == 0);
	CHECK(lgetxattr(link_, "trusted.l", buf, sizeof(buf)) == 2);
	len = llistxattr(link_, list, sizeof(list));
	print_list("link", list, len);
	CHECK(getxattr(link_, "trusted.l", buf, sizeof(buf)) < 0 &&
	      errno == ENODATA);
	CHECK(lremovexattr(link_, "trusted.l") == 0);
	/* l forms on a file are the plain ones. */
	CHECK(lgetxattr(file, "user.a", buf, sizeof(buf)) == 5);
	/* A FIFO: user.* as a symlink's. */
	CHECK(setxattr(fifo, "user.f", "x", 1, 0) < 0 && errno == EPERM);
	CHECK(getxattr(fifo, "user.f", buf, sizeof(buf)) < 0 &&
	      errno == ENODATA);
	CHECK(setxattr(fifo, "trusted.f", "x", 1, 0) == 0);

	fd = open(file, O_RDONLY);
	CHECK(fsetxattr(fd, "user.fd", "fv", 2, 0) == 0);
	CHECK(fgetxattr(fd, "user.fd", buf, sizeof(buf)) == 2 &&
	      !memcmp(buf, "fv", 2));
	len = flistxattr(fd, list, sizeof(list));
	print_list("fd", list, len);
	CHECK(fremovexattr(fd, "user.fd") == 0);
	CHECK(fgetxattr(fd, "user.fd", buf, sizeof(buf)) < 0 &&
	      errno == ENODATA);
	close(fd);
	CHECK(fgetxattr(fd, "user.a", buf, sizeof(buf)) < 0 &&
	      errno == EBADF);
	CHECK(fsetxattr(-1, "user.a", "x", 1, 0) < 0 && errno == EBADF);
	CHECK(flistxattr(-1, list, sizeof(list)) < 0 && errno == EBADF);
	CHECK(fremovexattr(-1, "user.a") < 0 && errno == EBADF);
	/* An O_PATH fd is no file for these. */
	fd = open(file, O_PATH);
	CHECK(fgetxattr(fd, "user.a", buf, sizeof(buf)) < 0 &&
	      errno == EBADF);
	close(fd);
	/* A pipe: user.* is EPERM, others are not supported. */
	{
		int p[2];

		CHECK(pipe(p) == 0);
		CHECK(fsetxattr(p[0], "user.p", "x", 1, 0) < 0 &&
		      errno == EPERM);
		CHECK(fgetxattr(p[0], "user.p", buf, sizeof(buf)) < 0 &&
		      errno == ENODATA);
		CHECK(fsetxattr(p[0], "trusted.p", "x", 1, 0) < 0 &&
		      errno == EOPNOTSUPP);
		close(p[0]);
		close(p[1]);
	}
}

static void check_errors(void)
{
	static char big[65537];
	char name[300], buf[64];

	printf("errors\n");
	CHECK(setxattr(file, "user.a", "x", 1, 4) < 0 && errno == EINVAL);
	CHECK(setxattr(file, "user.a", "x", 1, -1) < 0 && errno == EINVAL);
	CHECK(setxattr(file, "", "x", 1, 0) < 0 && errno == ERANGE);
	CHECK(getxattr(file, "", buf, sizeof(buf)) < 0 && errno == ERANGE);
	memset(name, 'n', sizeof(name));
	memcpy(name, "user.", 5);
	name[255] = '\0';
	CHECK(getxattr(file, name, buf, sizeof(buf)) < 0 &&
	      errno == ENODATA);
	name[255] = 'n';
	name[256] = '\0';
	CHECK(setxattr(file, name, "x", 1, 0) < 0 && errno == ERANGE);
	CHECK(getxattr(file, name, buf, sizeof(buf)) < 0 && errno == ERANGE);
	CHECK(removexattr(file, name) < 0 && errno == ERANGE);
	CHECK(setxattr(file, "user.big", big, sizeof(big), 0) < 0 &&
	      errno == E2BIG);
	CHECK(setxattr(file, "user.", "x", 1, 0) < 0 && errno == EINVAL);
	CHECK(getxattr(file, "user.", buf, sizeof(buf)) < 0 &&
	      errno == EINVAL);
	CHECK(setxattr(file, "system.x", "x", 1, 0) < 0 &&
	      errno == EOPNOTSUPP);
	CHECK(setxattr(file, "other.x", "x", 1, 0) < 0 &&
	      errno == EOPNOTSUPP);
	CHECK(getxattr(file, "other.x", buf, sizeof(buf)) < 0 &&
	      errno == EOPNOTSUPP);
	CHECK(removexattr(file, "other.x") < 0 && errno == EOPNOTSUPP);
	CHECK(setxattr(file, "nodot", "x", 1, 0) < 0 && errno == EOPNOTSUPP);
	/* Bad pointers, checked before the file. */
	CHECK(setxattr(file, bad, "x", 1, 0) < 0 && errno == EFAULT);
	CHECK(setxattr(file, "user.a", bad, 1, 0) < 0 &&
	      errno == EFAULT);
	CHECK(setxattr("/nonexistent-dir/f", bad, "x", 1, 0) < 0 &&
	      errno == EFAULT);
	CHECK(setxattr(bad, "user.a", "x", 1, 0) < 0 &&
	      errno == EFAULT);
	CHECK(getxattr(file, "user.a", bad, 64) < 0 && errno == EFAULT);
	CHECK(listxattr(file, bad, 1024) < 0 && errno == EFAULT);
	/* A size query needs no buffer. */
	CHECK(getxattr(file, "user.a", bad, 0) == 5);
	CHECK(setxattr("/nonexistent-dir/f", "user.a", "x", 1, 0) < 0 &&
	      errno == ENOENT);
	CHECK(getxattr("/nonexistent-dir/f", "user.a", buf, 1) < 0 &&
	      errno == ENOENT);
	CHECK(listxattr("", buf, sizeof(buf)) < 0 && errno == ENOENT);
	CHECK(removexattr("/nonexistent-dir/f", "user.a") < 0 &&
	      errno == ENOENT);
	/* A buffer larger than any value is fine. */
	CHECK(getxattr(file, "user.a", big, sizeof(big)) == 5);
}

/* A file's room for attributes ends (ext4: a block; Amphi: 256 KiB)
 * with ENOSPC, and removing them makes it again. */
static void check_full(void)
{
	static char value[1000];
	char name[32];
	int i, n, removed = 0;

	printf("full\n");
	for (n = 0; n < 400; n++) {
		snprintf(name, sizeof(name), "user.fill%d", n);
		if (setxattr(file, name, value, sizeof(value), 0) < 0)
			break;
	}
	CHECK(n < 400 && errno == ENOSPC);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "user.fill%d", i);
		removed += removexattr(file, name) == 0;
	}
	CHECK(removed == n);
	CHECK(setxattr(file, "user.after", value, sizeof(value), 0) == 0);
	CHECK(removexattr(file, "user.after") == 0);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	strcpy(dir, "/tmp/xattr-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(link_, sizeof(link_), "%s/link", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	close(open(file, O_CREAT | O_WRONLY, 0644));
	mkdir(sub, 0755);
	symlink("file", link_);
	mkfifo(fifo, 0600);
	if (setxattr(file, "user.probe", "", 0, 0) < 0) {
		printf("no user attributes here: %s\n", strerror(errno));
		return 1;
	}
	removexattr(file, "user.probe");
	check_values();
	check_links_and_fds();
	check_errors();
	check_full();
	CHECK(lowest_free_fd() == fd0);
	unlink(fifo);
	unlink(link_);
	rmdir(sub);
	unlink(file);
	CHECK(rmdir(dir) == 0);
	return posix_check_summary();
}
