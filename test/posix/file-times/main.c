#define _GNU_SOURCE
/*
 * File times, checked the same way on Linux and on Amphi: utimensat and
 * futimens (explicit times, UTIME_NOW, UTIME_OMIT, NULL, bad nsec,
 * AT_SYMLINK_NOFOLLOW), and which of st_atim, st_mtim and st_ctim a
 * write, truncate, chmod, link, rename or a new name in a directory
 * changes (utimensat(2), inode(7)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

static char dir_name[64];

/* A time long past, so that any update is seen (file times on Linux come
 * from a coarse clock: "now" cannot be compared to the nanosecond). */
#define OLD_SEC		1000000000
#define OLD_NSEC	123456789

static int is_old(const struct timespec *t)
{
	return t->tv_sec == OLD_SEC && t->tv_nsec == OLD_NSEC;
}

/* Nonzero if t is within 10 s of the wall clock. */
static int is_now(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return t->tv_sec >= now.tv_sec - 10 && t->tv_sec <= now.tv_sec + 10;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Sets atime and mtime of path to the old time. */
static void make_old(const char *path)
{
	struct timespec ts[2] = { { OLD_SEC, OLD_NSEC }, { OLD_SEC, OLD_NSEC } };

	CHECK(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) == 0);
}

static void check_utimensat(void)
{
	struct timespec ts[2] = { { 5, 6 }, { 7, 8 } };
	struct timespec pause = { 0, 20000000 }, ctim;
	struct stat st;
	int fd = open("t", O_CREAT | O_RDWR, 0600);

	CHECK(utimensat(AT_FDCWD, "t", ts, 0) == 0);
	CHECK(stat("t", &st) == 0);
	CHECK(st.st_atim.tv_sec == 5 && st.st_atim.tv_nsec == 6);
	CHECK(st.st_mtim.tv_sec == 7 && st.st_mtim.tv_nsec == 8);
	CHECK(is_now(&st.st_ctim));
	/* UTIME_OMIT keeps one, UTIME_NOW sets the other to now. */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	CHECK(futimens(fd, ts) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK(st.st_atim.tv_sec == 5 && st.st_atim.tv_nsec == 6);
	CHECK(is_now(&st.st_mtim));
	/* NULL: both now. */
	CHECK(utimensat(AT_FDCWD, "t", NULL, 0) == 0);
	CHECK(stat("t", &st) == 0 && is_now(&st.st_atim) &&
	      is_now(&st.st_mtim));
	/* Both UTIME_OMIT: nothing changes, not even st_ctim. */
	make_old("t");
	ts[0].tv_sec = ts[1].tv_sec = OLD_SEC + 1;
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
	CHECK(fstat(fd, &st) == 0);
	ctim = st.st_ctim;
	nanosleep(&pause, NULL);
	CHECK(futimens(fd, ts) == 0);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_atim) &&
	      is_old(&st.st_mtim) && same_time(&st.st_ctim, &ctim));
	/* A chmod, even to the same mode, is a change. */
	nanosleep(&pause, NULL);
	CHECK(fchmod(fd, 0600) == 0);
	CHECK(fstat(fd, &st) == 0 && !same_time(&st.st_ctim, &ctim));
	/* Bad nanoseconds. */
	ts[0].tv_nsec = 1000000000;
	ts[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, "t", ts, 0) == -1 && errno == EINVAL);
	ts[0].tv_nsec = -1;
	CHECK(futimens(fd, ts) == -1 && errno == EINVAL);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_atim));
	/* Errors: flags, names, fds. */
	CHECK(utimensat(AT_FDCWD, "t", NULL, 0x8000) == -1 &&
	      errno == EINVAL);
	CHECK(utimensat(AT_FDCWD, "nope", NULL, 0) == -1 && errno == ENOENT);
	CHECK(utimensat(AT_FDCWD, "t/x", NULL, 0) == -1 && errno == ENOTDIR);
	CHECK(futimens(999, NULL) == -1 && errno == EBADF);
	close(fd);
}

static void check_symlink_times(void)
{
	struct timespec ts[2] = { { 11, 0 }, { 12, 0 } };
	struct stat st;

	CHECK(symlink("t", "t.lnk") == 0);
	make_old("t");
	CHECK(utimensat(AT_FDCWD, "t.lnk", ts, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(lstat("t.lnk", &st) == 0 && st.st_mtim.tv_sec == 12);
	CHECK(stat("t", &st) == 0 && is_old(&st.st_mtim));
	CHECK(utimensat(AT_FDCWD, "t.lnk", ts, 0) == 0);
	CHECK(stat("t", &st) == 0 && st.st_mtim.tv_sec == 12 &&
	      st.st_atim.tv_sec == 11);
}

/* st_ctim cannot be set: make_old() then a second's sleep is too slow;
 * instead each check looks that the call set the changed times to now. */
static void check_updates(void)
{
	struct stat st;
	char c;
	int fd = open("u", O_CREAT | O_RDWR, 0600);

	make_old("u");
	CHECK(write(fd, "abc", 3) == 3);
	CHECK(fstat(fd, &st) == 0 && is_now(&st.st_mtim) &&
	      is_now(&st.st_ctim) && is_old(&st.st_atim));
	make_old("u");
	CHECK(ftruncate(fd, 10) == 0);
	CHECK(fstat(fd, &st) == 0 && is_now(&st.st_mtim) &&
	      is_old(&st.st_atim));
	make_old("u");
	CHECK(truncate("u", 2) == 0);
	CHECK(fstat(fd, &st) == 0 && is_now(&st.st_mtim));
	make_old("u");
	CHECK(fchmod(fd, 0640) == 0 && chmod("u", 0600) == 0);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_mtim) &&
	      is_old(&st.st_atim) && is_now(&st.st_ctim));
	make_old("u");
	CHECK(link("u", "u2") == 0 && rename("u2", "u3") == 0);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_mtim) &&
	      st.st_nlink == 2);
	CHECK(unlink("u3") == 0);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_mtim) &&
	      st.st_nlink == 1);
	/* A read of nothing (at the end) leaves the times alone. */
	CHECK(lseek(fd, 0, SEEK_END) == 2 && read(fd, &c, 1) == 0);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_mtim));
	/* A write of nothing changes nothing either. */
	CHECK(write(fd, &c, 0) == 0);
	CHECK(fstat(fd, &st) == 0 && is_old(&st.st_mtim));
	close(fd);
}

/* A new or removed name changes the directory's mtime and ctime. */
static void check_dir_times(void)
{
	struct stat st;
	int fd;

	CHECK(mkdir("d", 0755) == 0);
	make_old("d");
	fd = open("d/f", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat("d", &st) == 0 && is_now(&st.st_mtim) &&
	      is_now(&st.st_ctim));
	make_old("d");
	fd = open("d/f", O_RDWR);	/* opening a name adds none */
	close(fd);
	CHECK(stat("d", &st) == 0 && is_old(&st.st_mtim));
	CHECK(unlink("d/f") == 0);
	CHECK(stat("d", &st) == 0 && is_now(&st.st_mtim));
	make_old("d");
	CHECK(mkdir("d/sub", 0755) == 0);
	CHECK(stat("d", &st) == 0 && is_now(&st.st_mtim));
	make_old("d");
	CHECK(rmdir("d/sub") == 0);
	CHECK(stat("d", &st) == 0 && is_now(&st.st_mtim));
	CHECK(rmdir("d") == 0);
}

int main(void)
{
	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-times-%d",
		 (int)getpid());
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	check_utimensat();
	check_symlink_times();
	check_updates();
	check_dir_times();
	unlink("t.lnk");
	unlink("t");
	unlink("u");
	CHECK(chdir("/") == 0 && rmdir(dir_name) == 0);
	return posix_check_summary();
}
