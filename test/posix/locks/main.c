#define _GNU_SOURCE
/*
 * fcntl record locks in one process, as SQLite uses them: a process's own
 * locks never conflict, so every lock is granted and F_GETLK answers
 * F_UNLCK (with the rest of the request left as it was); bad requests
 * fail as on Linux: unknown type or whence, a lock the fd's access mode
 * does not allow, a bad pointer, OFD locks with a pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

static void *volatile bad_ptr = (void *)16;

static struct flock lock_of(short type, short whence, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = whence;
	fl.l_start = start;
	fl.l_len = len;
	return fl;
}

static void check_own_locks(int fd)
{
	struct flock fl = lock_of(F_WRLCK, SEEK_SET, 0, 0);

	CHECK(fcntl(fd, F_SETLK, &fl) == 0);
	/* Our own write lock does not conflict with our request. */
	fl = lock_of(F_WRLCK, SEEK_SET, 100, 10);
	CHECK(fcntl(fd, F_GETLK, &fl) == 0);
	CHECK(fl.l_type == F_UNLCK && fl.l_whence == SEEK_SET &&
	      fl.l_start == 100 && fl.l_len == 10);
	CHECK(write(fd, "0123456789", 10) == 10);
	fl = lock_of(F_RDLCK, SEEK_END, -1, 1);
	CHECK(fcntl(fd, F_SETLKW, &fl) == 0);
	fl = lock_of(F_RDLCK, SEEK_CUR, 0, -10);
	CHECK(fcntl(fd, F_SETLK, &fl) == 0);
	fl = lock_of(F_RDLCK, SEEK_CUR, 0, 1);
	CHECK(fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
	fl = lock_of(F_UNLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(fd, F_SETLK, &fl) == 0);
	/* Open file description locks: the same, with l_pid 0. */
	fl = lock_of(F_WRLCK, SEEK_SET, 0, 1);
	CHECK(fcntl(fd, F_OFD_SETLK, &fl) == 0);
	fl = lock_of(F_WRLCK, SEEK_SET, 0, 1);
	CHECK(fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
	fl = lock_of(F_UNLCK, SEEK_SET, 0, 1);
	CHECK(fcntl(fd, F_OFD_SETLKW, &fl) == 0);
}

static void check_bad_requests(int fd, int rdonly)
{
	struct flock fl = lock_of(42, SEEK_SET, 0, 0);

	CHECK(fcntl(fd, F_SETLK, &fl) == -1 && errno == EINVAL);
	fl = lock_of(F_WRLCK, 7, 0, 0);
	CHECK(fcntl(fd, F_SETLK, &fl) == -1 && errno == EINVAL);
	fl = lock_of(F_UNLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(fd, F_GETLK, &fl) == -1 && errno == EINVAL);
	/* A range starting before the file. */
	fl = lock_of(F_RDLCK, SEEK_SET, -1, 1);
	CHECK(fcntl(fd, F_SETLK, &fl) == -1 && errno == EINVAL);
	fl = lock_of(F_RDLCK, SEEK_END, -11, 1);
	CHECK(fcntl(fd, F_SETLK, &fl) == -1 && errno == EINVAL);
	fl = lock_of(F_RDLCK, SEEK_SET, 5, -6);
	CHECK(fcntl(fd, F_GETLK, &fl) == -1 && errno == EINVAL);
	fl = lock_of(F_WRLCK, SEEK_SET, 0, 0);
	fl.l_pid = 1;
	CHECK(fcntl(fd, F_OFD_SETLK, &fl) == -1 && errno == EINVAL);
	CHECK(fcntl(fd, F_SETLK, bad_ptr) == -1 && errno == EFAULT);
	CHECK(fcntl(fd, F_GETLK, bad_ptr) == -1 && errno == EFAULT);
	fl = lock_of(F_WRLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(rdonly, F_SETLK, &fl) == -1 && errno == EBADF);
	fl = lock_of(F_RDLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(rdonly, F_SETLK, &fl) == 0);
	/* F_GETLK needs no access: a write lock may be asked about. */
	fl = lock_of(F_WRLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(rdonly, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
	fl = lock_of(F_RDLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(-1, F_SETLK, &fl) == -1 && errno == EBADF);
}

int main(void)
{
	char dir[] = "/tmp/amphi-posix-locks-XXXXXX";
	char path[64];
	int fd, rdonly, wronly;
	struct flock fl;

	mkdir("/tmp", 01777);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/db", dir);
	fd = open(path, O_CREAT | O_RDWR, 0644);
	rdonly = open(path, O_RDONLY);
	wronly = open(path, O_WRONLY);
	CHECK(fd >= 0 && rdonly >= 0 && wronly >= 0);
	check_own_locks(fd);
	check_bad_requests(fd, rdonly);
	fl = lock_of(F_RDLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(wronly, F_SETLK, &fl) == -1 && errno == EBADF);
	fl = lock_of(F_WRLCK, SEEK_SET, 0, 0);
	CHECK(fcntl(wronly, F_SETLK, &fl) == 0);
	CHECK(close(fd) == 0 && close(rdonly) == 0 && close(wronly) == 0);
	CHECK(unlink(path) == 0 && rmdir(dir) == 0);
	return posix_check_summary();
}
