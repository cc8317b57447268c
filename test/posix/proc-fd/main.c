/*
 * /proc/self/fd as proc(5) describes it, checked the same way on Linux
 * and on Amphi: a folder with one symbolic link per open fd (listed by
 * readdir with d_type DT_LNK), whose readlink is the file's path, or
 * "pipe:[inode]", "socket:[inode]", "anon_inode:[eventfd]"; lstat of an
 * entry is a link whose permission bits follow the access mode, stat and
 * open follow it to the file (a pipe's open gives the end asked for, a
 * device is opened again, a socket is ENXIO); a closed fd has no entry
 * (ENOENT). /dev/fd and /dev/std{in,out,err} are links into it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

#define MAX_FD		1024
#define MANY_FDS	300

static char dir_name[64];
static char dir_path[PATH_MAX];	/* dir_name as getcwd gives it */

static const char *entry(int fd)
{
	static char name[64];

	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	return name;
}

/* readlink of fd's entry as a string, or NULL (errno set). */
static const char *link_of(int fd)
{
	static char buf[PATH_MAX + 32];
	ssize_t n = readlink(entry(fd), buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* Reads /proc/self/fd into seen[] (how often each fd is listed); returns
 * 0 if every record was well-formed. */
static int list_fds(unsigned char *seen)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int dots = 0, bad = 0;
	char *end;
	long fd;

	if (!d)
		return -1;
	memset(seen, 0, MAX_FD);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
			dots++;
			bad |= de->d_type != DT_DIR;
			continue;
		}
		fd = strtol(de->d_name, &end, 10);
		if (*end || fd < 0 || fd >= MAX_FD || de->d_type != DT_LNK) {
			bad = 1;
			continue;
		}
		seen[fd]++;
	}
	/* The folder's own fd was open while listing. */
	bad |= seen[dirfd(d)] != 1;
	seen[dirfd(d)] = 0;
	closedir(d);
	return bad || dots != 2 ? -1 : 0;
}

/* Every open fd listed once, no other. */
static int listing_matches(const unsigned char *seen)
{
	int fd;

	for (fd = 0; fd < MAX_FD; fd++)
		if (seen[fd] != fd_open(fd))
			return 0;
	return 1;
}

static void check_listing(void)
{
	static unsigned char seen[MAX_FD];
	int fds[MANY_FDS], p[2], i, base, ok;
	struct stat st;

	CHECK(stat("/proc/self/fd", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(pipe(p) == 0);
	CHECK(list_fds(seen) == 0);
	CHECK(listing_matches(seen));
	CHECK(seen[p[0]] == 1 && seen[p[1]] == 1);
	/* Many fds: the listing takes several getdents calls. */
	base = open("f", O_CREAT | O_RDWR, 0600);
	CHECK(base >= 0);
	for (i = 0; i < MANY_FDS; i++)
		fds[i] = dup(base);
	CHECK(fds[MANY_FDS - 1] >= 0);
	CHECK(list_fds(seen) == 0);
	CHECK(listing_matches(seen));
	/* Closed fds go from the listing. */
	for (i = 0; i < MANY_FDS; i += 2)
		close(fds[i]);
	close(p[1]);
	CHECK(list_fds(seen) == 0);
	CHECK(listing_matches(seen));
	CHECK(seen[p[1]] == 0 && seen[p[0]] == 1 && seen[fds[1]] == 1);
	/* The closefrom loop: close what the listing shows past base. */
	ok = list_fds(seen) == 0;
	for (i = base + 1; i < MAX_FD; i++)
		if (seen[i])
			ok &= close(i) == 0;
	CHECK(ok);
	CHECK(list_fds(seen) == 0 && listing_matches(seen));
	for (i = base + 1; i < MAX_FD; i++)
		ok &= !seen[i];
	CHECK(ok);
	close(p[0]);
	close(base);
	unlink("f");
}

static void check_readlink(void)
{
	char want[PATH_MAX + 64], buf[8];
	int fd, p[2], sv[2], efd, ep, dfd;
	struct stat st;
	const char *l;

	fd = open("f", O_CREAT | O_RDWR, 0600);
	snprintf(want, sizeof(want), "%s/f", dir_path);
	l = link_of(fd);
	CHECK(l && !strcmp(l, want));
	/* realpath of an fd the common way. */
	CHECK(readlink(entry(fd), buf, sizeof(buf)) == sizeof(buf));
	CHECK(!memcmp(buf, want, sizeof(buf)));
	/* Renamed: the new name. */
	CHECK(rename("f", "g") == 0);
	snprintf(want, sizeof(want), "%s/g", dir_path);
	l = link_of(fd);
	CHECK(l && !strcmp(l, want));
	/* A folder. */
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	l = link_of(dfd);
	CHECK(l && !strcmp(l, dir_path));
	close(dfd);
	/* Pipes and sockets: their kind and inode. */
	CHECK(pipe(p) == 0);
	CHECK(fstat(p[0], &st) == 0);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	l = link_of(p[0]);
	CHECK(l && !strcmp(l, want));
	l = link_of(p[1]);
	CHECK(l && !strcmp(l, want));
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(fstat(sv[1], &st) == 0);
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	l = link_of(sv[1]);
	CHECK(l && !strcmp(l, want));
	/* Files of no file system. */
	efd = eventfd(0, 0);
	l = link_of(efd);
	CHECK(l && !strcmp(l, "anon_inode:[eventfd]"));
	ep = epoll_create1(0);
	l = link_of(ep);
	CHECK(l && !strcmp(l, "anon_inode:[eventpoll]"));
	/* A closed fd, a name that is no fd, the folder itself. */
	close(efd);
	CHECK(readlink(entry(efd), buf, sizeof(buf)) == -1 && errno == ENOENT);
	CHECK(readlink("/proc/self/fd/x1", buf, sizeof(buf)) == -1 &&
	      errno == ENOENT);
	CHECK(readlink("/proc/self/fd/01", buf, sizeof(buf)) == -1 &&
	      errno == ENOENT);
	CHECK(readlink("/proc/self/fd", buf, sizeof(buf)) == -1 &&
	      errno == EINVAL);
	close(ep);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("g");
}

static void check_stat(void)
{
	int rd, wr, rw, p[2];
	struct stat st, fst;

	rw = open("f", O_CREAT | O_RDWR, 0600);
	rd = open("f", O_RDONLY);
	wr = open("f", O_WRONLY);
	/* lstat: a link, its permissions the access mode's. */
	CHECK(lstat(entry(rd), &st) == 0 && st.st_mode == (S_IFLNK | 0500));
	CHECK(lstat(entry(wr), &st) == 0 && st.st_mode == (S_IFLNK | 0300));
	CHECK(lstat(entry(rw), &st) == 0 && st.st_mode == (S_IFLNK | 0700));
	CHECK(fstatat(AT_FDCWD, entry(rw), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	      S_ISLNK(st.st_mode));
	/* stat follows it to the file. */
	CHECK(fstat(rw, &fst) == 0);
	CHECK(stat(entry(rd), &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_ino == fst.st_ino && st.st_dev == fst.st_dev);
	/* A trailing slash follows it too. */
	CHECK(lstat(entry(rd), &st) == 0);
	{
		char slash[80];

		snprintf(slash, sizeof(slash), "%s/", entry(rd));
		CHECK(lstat(slash, &st) == -1 && errno == ENOTDIR);
	}
	/* A pipe's entry leads to the pipe. */
	CHECK(pipe(p) == 0);
	CHECK(fstat(p[1], &fst) == 0);
	CHECK(lstat(entry(p[1]), &st) == 0 && st.st_mode == (S_IFLNK | 0300));
	CHECK(stat(entry(p[1]), &st) == 0 && S_ISFIFO(st.st_mode) &&
	      st.st_ino == fst.st_ino);
	close(p[0]);
	close(p[1]);
	/* Gone with the fd. */
	close(wr);
	CHECK(lstat(entry(wr), &st) == -1 && errno == ENOENT);
	CHECK(stat(entry(wr), &st) == -1 && errno == ENOENT);
	CHECK(open(entry(wr), O_RDONLY) == -1 && errno == ENOENT);
	CHECK(access(entry(wr), F_OK) == -1 && errno == ENOENT);
	/* Nothing can be made there. */
	CHECK(mkdir(entry(wr), 0700) == -1 && errno == ENOENT);
	CHECK(mkdir(entry(rd), 0700) == -1 && errno == EEXIST);
	close(rd);
	close(rw);
	unlink("f");
}

/* /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr: links into
 * /proc/self/fd, as Linux has them. */
static void check_dev_links(void)
{
	static const char *const links[][2] = {
		{ "/dev/fd", "/proc/self/fd" },
		{ "/dev/stdin", "/proc/self/fd/0" },
		{ "/dev/stdout", "/proc/self/fd/1" },
		{ "/dev/stderr", "/proc/self/fd/2" },
	};
	char buf[PATH_MAX];
	struct stat st, fst;
	unsigned int i;
	ssize_t n;
	int fd, p[2];

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		n = readlink(links[i][0], buf, sizeof(buf) - 1);
		CHECK(n > 0);
		buf[n < 0 ? 0 : n] = '\0';
		CHECK(!strcmp(buf, links[i][1]));
		CHECK(lstat(links[i][0], &st) == 0 && S_ISLNK(st.st_mode));
	}
	/* /dev/fd/N is fd N's entry, through the link. */
	fd = open("f", O_CREAT | O_RDWR, 0600);
	CHECK(write(fd, "abc", 3) == 3);
	snprintf(buf, sizeof(buf), "/dev/fd/%d", fd);
	CHECK(stat(buf, &st) == 0 && fstat(fd, &fst) == 0 &&
	      st.st_ino == fst.st_ino);
	close(fd);
	/* A pipe at the end of the link: stat and open reach it. */
	CHECK(pipe(p) == 0);
	snprintf(buf, sizeof(buf), "/dev/fd/%d", p[0]);
	CHECK(stat(buf, &st) == 0 && S_ISFIFO(st.st_mode));
	fd = open(buf, O_WRONLY);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'x');
	/* Past a file that is no folder. */
	snprintf(buf, sizeof(buf), "/dev/fd/%d/x", p[0]);
	CHECK(stat(buf, &st) == -1 && errno == ENOTDIR);
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink("f");
}

/* open of an entry: a new description of the fd's file, with the access
 * mode asked (proc(5)); a socket or an anonymous inode cannot be opened
 * so (ENXIO). */
static void check_reopen(void)
{
	int fd, rd, wr, p[2], sv[2], efd, nul;
	struct stat st, fst;
	char buf[8];

	/* A file: its own offset and mode. */
	fd = open("f", O_CREAT | O_WRONLY, 0600);
	CHECK(write(fd, "hello", 5) == 5);
	rd = open(entry(fd), O_RDONLY);
	CHECK(rd >= 0 && read(rd, buf, 5) == 5 && !memcmp(buf, "hello", 5));
	CHECK((fcntl(rd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK(lseek(fd, 0, SEEK_CUR) == 5);
	close(rd);
	close(fd);
	unlink("f");
	/* A pipe: O_RDONLY on the write end reads, O_WRONLY on the read
	 * end writes; the new ends keep the pipe open. */
	CHECK(pipe(p) == 0);
	CHECK(fstat(p[0], &fst) == 0);
	rd = open(entry(p[1]), O_RDONLY);
	wr = open(entry(p[0]), O_WRONLY);
	CHECK(rd >= 0 && wr >= 0);
	CHECK(fstat(rd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	      st.st_ino == fst.st_ino);
	CHECK((fcntl(rd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK((fcntl(wr, F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK(write(p[1], "ab", 2) == 2 && read(rd, buf, 1) == 1 &&
	      buf[0] == 'a');
	CHECK(write(wr, "c", 1) == 1 && read(p[0], buf, 2) == 2 &&
	      !memcmp(buf, "bc", 2));
	close(p[0]);
	close(p[1]);
	CHECK(write(wr, "d", 1) == 1 && read(rd, buf, 1) == 1 &&
	      buf[0] == 'd');
	close(wr);
	CHECK(read(rd, buf, 1) == 0);	/* no writer left */
	close(rd);
	/* A socket, an eventfd: ENXIO. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(open(entry(sv[0]), O_RDWR) == -1 && errno == ENXIO);
	efd = eventfd(0, 0);
	CHECK(open(entry(efd), O_RDWR) == -1 && errno == ENXIO);
	close(efd);
	close(sv[0]);
	close(sv[1]);
	/* A device: opened again, in the mode asked. */
	nul = open("/dev/null", O_WRONLY);
	fd = open(entry(nul), O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 0);
	CHECK(fstat(fd, &st) == 0 && fstat(nul, &fst) == 0 &&
	      S_ISCHR(st.st_mode) && st.st_rdev == fst.st_rdev);
	close(fd);
	close(nul);
	CHECK(open(entry(nul), O_RDONLY) == -1 && errno == ENOENT);
}

int main(void)
{
	int before = lowest_free_fd();

	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-proc-fd-%d",
		 (int)getpid());
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	CHECK(getcwd(dir_path, sizeof(dir_path)) != NULL);
	check_readlink();
	check_stat();
	check_listing();
	check_dev_links();
	check_reopen();
	CHECK(lowest_free_fd() == before);
	CHECK(chdir("/") == 0);
	CHECK(rmdir(dir_name) == 0);
	return posix_check_summary();
}
