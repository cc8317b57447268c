#define _GNU_SOURCE
/*
 * chown, fchown, lchown and fchownat as root (Amphi's one user; the test
 * runs as root on Linux too, else it changes owners to its own ids): the
 * owner stat reports, -1 keeping one, a symbolic link's own owner,
 * AT_EMPTY_PATH, set-user-ID and set-group-ID bits cleared as Linux
 * clears them, and the errors of bad fds, paths, pointers and flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

static void *volatile bad_ptr = (void *)16;
static uid_t u1, u2;
static gid_t g1, g2;

static int owned(const char *path, uid_t u, gid_t g)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_uid == u && st.st_gid == g;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void check_owners(void)
{
	struct stat st;
	int fd = open("f", O_CREAT | O_RDWR, 0644);

	CHECK(fd >= 0);
	CHECK(fchown(fd, u1, g1) == 0 && owned("f", u1, g1));
	CHECK(fstat(fd, &st) == 0 && st.st_uid == u1 && st.st_gid == g1);
	CHECK(chown("f", u2, -1) == 0 && owned("f", u2, g1));
	CHECK(chown("f", -1, g2) == 0 && owned("f", u2, g2));
	CHECK(chown("f", -1, -1) == 0 && owned("f", u2, g2));
	/* A symbolic link: chown follows it, lchown changes the link. */
	CHECK(symlink("f", "l") == 0);
	CHECK(lchown("l", u1, g1) == 0 && owned("l", u1, g1) &&
	      owned("f", u2, g2));
	CHECK(chown("l", u1, g2) == 0 && owned("f", u1, g2));
	CHECK(fchownat(AT_FDCWD, "l", u2, g1, AT_SYMLINK_NOFOLLOW) == 0 &&
	      owned("l", u2, g1) && owned("f", u1, g2));
	CHECK(fchownat(fd, "", u2, g2, AT_EMPTY_PATH) == 0 &&
	      owned("f", u2, g2));
	CHECK(mkdir("d", 0755) == 0 && chown("d", u1, g1) == 0 &&
	      owned("d", u1, g1));
	CHECK(close(fd) == 0);
}

static void check_mode_bits(void)
{
	CHECK(chmod("f", 06755) == 0 && mode_of("f") == 06755);
	CHECK(chown("f", u1, g1) == 0 && mode_of("f") == 0755);
	/* S_ISGID without group execute is mandatory locking: it stays. */
	CHECK(chmod("f", 06745) == 0 && chown("f", -1, -1) == 0 &&
	      mode_of("f") == 02745);
	CHECK(chmod("d", 02755) == 0 && chown("d", u2, g2) == 0 &&
	      mode_of("d") == 02755);
}

static void check_errors(void)
{
	CHECK(fchown(-1, u1, g1) == -1 && errno == EBADF);
	CHECK(fchown(1000, u1, g1) == -1 && errno == EBADF);
	CHECK(chown("nope", u1, g1) == -1 && errno == ENOENT);
	CHECK(chown("f/x", u1, g1) == -1 && errno == ENOTDIR);
	CHECK(chown("", u1, g1) == -1 && errno == ENOENT);
	CHECK(syscall(SYS_fchownat, AT_FDCWD, bad_ptr, u1, g1, 0) == -1 &&
	      errno == EFAULT);
	CHECK(fchownat(AT_FDCWD, "f", u1, g1, 0x8000) == -1 &&
	      errno == EINVAL);
	CHECK(fchownat(-1, "f", u1, g1, 0) == -1 && errno == EBADF);
}

int main(void)
{
	char dir[] = "/tmp/amphi-posix-chown-XXXXXX";
	int root = geteuid() == 0;

	u1 = root ? 1001 : getuid();
	u2 = root ? 2002 : getuid();
	g1 = root ? 3003 : getgid();
	g2 = root ? 4004 : getgid();
	mkdir("/tmp", 01777);
	CHECK(mkdtemp(dir) != NULL && chdir(dir) == 0);
	check_owners();
	check_mode_bits();
	check_errors();
	CHECK(unlink("l") == 0 && unlink("f") == 0 && rmdir("d") == 0);
	CHECK(chdir("/") == 0 && rmdir(dir) == 0);
	return posix_check_summary();
}
