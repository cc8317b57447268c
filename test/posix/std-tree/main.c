/*
 * The tree programs assume at start: /tmp (sticky, writable by all) where
 * mkstemp and mkdtemp work, /etc, /dev, and /proc/self/exe naming the
 * running program.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include "../posix-check.h"

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void check_dirs(void)
{
	struct stat st;

	CHECK(stat("/tmp", &st) == 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 07777) == 01777);
	CHECK(stat("/etc", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(access("/tmp", W_OK | X_OK) == 0);
}

static void check_proc_self_exe(const char *argv0)
{
	char buf[PATH_MAX];
	ssize_t n;
	struct stat st;

	CHECK(lstat("/proc/self/exe", &st) == 0 && S_ISLNK(st.st_mode));
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	CHECK(n > 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* Linux gives the absolute path, Amphi argv[0]: the same name. */
	CHECK(strcmp(base(buf), base(argv0)) == 0);
	/* A short buffer is filled and not terminated, as on Linux. */
	memset(buf, 'x', sizeof(buf));
	CHECK(readlink("/proc/self/exe", buf, 1) == 1);
	CHECK(buf[1] == 'x');
	/* Size 0 is EINVAL for the call (musl's readlink() itself passes a
	 * byte of its own instead, glibc's does not: ask the kernel). */
	errno = 0;
	CHECK(syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, 0) ==
	      -1 && errno == EINVAL);
}

static void check_mkstemp(void)
{
	char name[] = "/tmp/std-tree-XXXXXX";
	char buf[8] = { 0 };
	int fd;

	fd = mkstemp(name);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(strncmp(name, "/tmp/std-tree-", 14) == 0);
	CHECK(strcmp(name + 14, "XXXXXX") != 0);
	CHECK(write(fd, "hello", 5) == 5);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK(close(fd) == 0);
	CHECK(unlink(name) == 0);
	errno = 0;
	CHECK(access(name, F_OK) == -1 && errno == ENOENT);
	/* The template must end in XXXXXX. */
	{
		char bad[] = "/tmp/std-tree-XXXXX";

		errno = 0;
		CHECK(mkstemp(bad) == -1 && errno == EINVAL);
	}
}

static void check_mkdtemp(void)
{
	char name[] = "/tmp/std-tree-dir-XXXXXX";
	char file[64];
	struct stat st;
	int fd;

	CHECK(mkdtemp(name) == name);
	CHECK(stat(name, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 0777) == 0700);
	snprintf(file, sizeof(file), "%s/f", name);
	fd = open(file, O_CREAT | O_WRONLY | O_EXCL, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(unlink(file) == 0);
	CHECK(rmdir(name) == 0);
}

int main(int argc, char **argv)
{
	umask(022);
	check_dirs();
	check_proc_self_exe(argc > 0 ? argv[0] : "");
	check_mkstemp();
	check_mkdtemp();
	return posix_check_summary();
}
