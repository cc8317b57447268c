/*
 * /proc/self/fd as proc(5) describes it, checked the same way on Linux
 * and on Amphi: a folder with one symbolic link per open fd (listed by
 * readdir with d_type DT_LNK), whose readlink is the file's path, or
 * "pipe:[inode]", "socket:[inode]", "anon_inode:[eventfd]"; lstat of an
 * entry is a link whose permission bits follow the access mode, stat and
 * open follow it to the file (a pipe's open gives the end asked for, a
 * device is opened again, a socket is ENXIO); a closed fd has no entry
 * (ENOENT). /dev/fd and /dev/std{in,out,err} are links into it.
 * /proc/self/fdinfo lists the same fds as read-only files of Linux's
 * lines: pos, flags (with O_CLOEXEC for FD_CLOEXEC), mnt_id, ino, then
 * an eventfd's count, an epoll's items, a timerfd's timer, a signalfd's
 * mask, an inotify's watches.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
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

/* The kernel's O_LARGEFILE, which 64-bit C libraries may call 0. */
#ifdef __aarch64__
#define K_LARGEFILE	0400000
#else
#define K_LARGEFILE	0100000
#endif

#define EFD_HEAD	"eventfd-count:                5\neventfd-id: "

static const char *info_entry(int fd)
{
	static char name[64];

	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
	return name;
}

/* The text of fd's fdinfo file, or "" (errno set). */
static const char *info_of(int fd)
{
	static char buf[4096];
	ssize_t n, total = 0;
	int f = open(info_entry(fd), O_RDONLY);

	buf[0] = '\0';
	if (f < 0)
		return buf;
	while ((n = read(f, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	buf[total] = '\0';
	close(f);
	return buf;
}

/* Whether fd's fdinfo starts with Linux's four lines for pos, flags, a
 * mnt_id and the file's inode, followed by rest (NULL: anything). */
static int info_is(int fd, long long pos, unsigned int flags,
		   const char *rest)
{
	char head[128], want[4096];
	const char *text = info_of(fd), *p;
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	snprintf(head, sizeof(head), "pos:\t%lld\nflags:\t0%o\nmnt_id:\t",
		 pos, flags);
	if (strncmp(text, head, strlen(head)))
		return 0;
	p = text + strlen(head);
	if (*p < '0' || *p > '9')
		return 0;
	p += strspn(p, "0123456789");
	snprintf(want, sizeof(want), "\nino:\t%lu\n%s",
		 (unsigned long)st.st_ino, rest ? rest : "");
	return rest ? !strcmp(p, want) : !strncmp(p, want, strlen(want));
}

/* Whether fdinfo is a folder of read-only files, one per open fd. */
static void check_fdinfo_files(void)
{
	int fd = open("f", O_CREAT | O_RDWR, 0600), n = 0, bad = 0, i, want;
	struct dirent *de;
	struct stat st;
	char buf[8];
	DIR *d;

	CHECK(stat("/proc/self/fdinfo", &st) == 0 &&
	      st.st_mode == (S_IFDIR | 0555));
	CHECK(stat(info_entry(fd), &st) == 0 &&
	      st.st_mode == (S_IFREG | 0444) && st.st_size == 0);
	CHECK(lstat(info_entry(fd), &st) == 0 && S_ISREG(st.st_mode));
	CHECK(readlink(info_entry(fd), buf, sizeof(buf)) == -1 &&
	      errno == EINVAL);
	d = opendir("/proc/self/fdinfo");
	CHECK(d != NULL);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		bad |= de->d_type != DT_REG || !fd_open(atoi(de->d_name));
	}
	for (i = 0, want = 0; i < MAX_FD; i++)
		want += fd_open(i);
	CHECK(!bad && n == want);
	if (d)
		closedir(d);
	{
		char slash[80];

		snprintf(slash, sizeof(slash), "%s/", info_entry(fd));
		CHECK(open(slash, O_RDONLY) == -1 && errno == ENOTDIR);
		CHECK(open(info_entry(fd), O_RDONLY | O_DIRECTORY) == -1 &&
		      errno == ENOTDIR);
	}
	close(fd);
	CHECK(stat(info_entry(fd), &st) == -1 && errno == ENOENT);
	CHECK(open(info_entry(fd), O_RDONLY) == -1 && errno == ENOENT);
	unlink("f");
}

/* The common lines: the offset, the status flags as F_GETFL has them
 * and O_CLOEXEC for FD_CLOEXEC, the inode. */
static void check_fdinfo_common(void)
{
	int fd, p[2], sv[2], nul, info;
	char buf[16];

	fd = open("f", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	CHECK(write(fd, "hello", 5) == 5 && lseek(fd, 3, SEEK_SET) == 3);
	CHECK(info_is(fd, 3, O_RDWR | K_LARGEFILE | O_CLOEXEC, ""));
	CHECK(fcntl(fd, F_SETFD, 0) == 0);
	CHECK(info_is(fd, 3, O_RDWR | K_LARGEFILE, ""));
	CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) == 0);
	CHECK(info_is(fd, 3, O_RDWR | K_LARGEFILE | O_APPEND | O_NONBLOCK,
		      ""));
	/* Made again at each read from the start. */
	info = open(info_entry(fd), O_RDONLY);
	CHECK(info >= 0 && read(info, buf, 6) == 6 && !memcmp(buf, "pos:\t3", 6));
	CHECK(lseek(fd, 4, SEEK_SET) == 4);
	CHECK(pread(info, buf, 6, 0) == 6 && !memcmp(buf, "pos:\t4", 6));
	CHECK(write(info, "x", 1) == -1 && errno == EBADF);
	close(info);
	close(fd);
	unlink("f");
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(info_is(p[0], 0, O_RDONLY | O_NONBLOCK, ""));
	CHECK(info_is(p[1], 0, O_WRONLY | O_NONBLOCK, ""));
	close(p[0]);
	close(p[1]);
	nul = open("/dev/null", O_WRONLY | O_APPEND);
	CHECK(info_is(nul, 0, O_WRONLY | O_APPEND | K_LARGEFILE, ""));
	close(nul);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(info_is(fd, 0, O_RDONLY | O_DIRECTORY | K_LARGEFILE, ""));
	close(fd);
	fd = open(".", O_PATH | O_CLOEXEC);
	CHECK(info_is(fd, 0, O_PATH | O_CLOEXEC, ""));
	close(fd);
	/* Sockets: an inode each (sockfs's), which the link names. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct stat a, b, c;
		char want[64];
		const char *l;

		CHECK(fstat(sv[0], &a) == 0 && fstat(sv[1], &b) == 0 &&
		      fstat(fd, &c) == 0);
		CHECK(a.st_ino != 0 && a.st_ino != b.st_ino &&
		      c.st_ino != a.st_ino && c.st_ino != b.st_ino);
		snprintf(want, sizeof(want), "socket:[%lu]",
			 (unsigned long)c.st_ino);
		l = link_of(fd);
		CHECK(l && !strcmp(l, want));
	}
	info = open(info_entry(fd), O_RDONLY);
	CHECK(info >= 0 && read(info, buf, 5) == 5);
	close(fd);
	/* Its fd is gone: the text cannot be made. */
	CHECK(pread(info, buf, sizeof(buf), 0) == -1 && errno == ENOENT);
	close(info);
	close(sv[0]);
	close(sv[1]);
}

/* Lines of the kinds' own: eventfd, epoll, timerfd, signalfd, inotify. */
static void check_fdinfo_kinds(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET,
				  .data.u64 = 0x1234 };
	struct itimerspec its = { { 1, 500 }, { 100, 0 } };
	int efd, ep, tfd, sfd, in, wd, p[2];
	char want[512], head[64];
	const char *text;
	struct stat st;
	sigset_t set;

	efd = eventfd(5, EFD_SEMAPHORE);
	text = strstr(info_of(efd), "eventfd-count:");
	CHECK(text && !strncmp(text, EFD_HEAD, strlen(EFD_HEAD)));
	CHECK(text && strstr(text, "\neventfd-semaphore: 1\n"));
	CHECK(fcntl(efd, F_GETFL) == O_RDWR);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0);
	CHECK(fstat(efd, &st) == 0);
	snprintf(want, sizeof(want), "tfd: %8d events: 80000019 data: "
		 "            1234  pos:0 ino:%lx sdev:",
		 efd, (unsigned long)st.st_ino);
	text = strstr(info_of(ep), "tfd:");
	CHECK(text && !strncmp(text, want, strlen(want)));
	CHECK(pipe(p) == 0);
	ev.events = EPOLLOUT;
	ev.data.u64 = 7;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev) == 0);
	CHECK(fstat(p[1], &st) == 0);
	snprintf(want, sizeof(want), "tfd: %8d events:       1c data: "
		 "               7  pos:0 ino:%lx sdev:",
		 p[1], (unsigned long)st.st_ino);
	text = strstr(info_of(ep), want);
	CHECK(text != NULL);
	CHECK(info_is(ep, 0, O_RDWR | O_CLOEXEC, NULL));
	close(p[0]);
	close(p[1]);
	close(ep);
	close(efd);

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	CHECK(strstr(info_of(tfd), "\nclockid: 1\nticks: 0\n"
		     "settime flags: 00\nit_value: (0, 0)\n"
		     "it_interval: (0, 0)\n") != NULL);
	CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0);
	text = strstr(info_of(tfd), "it_value: (");
	CHECK(text && (!strncmp(text, "it_value: (99, ", 15) ||
		       !strncmp(text, "it_value: (100, 0)", 18)));
	CHECK(text && strstr(text, ")\nit_interval: (1, 500)\n"));
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 1;
	its.it_interval.tv_sec = 0;
	its.it_interval.tv_nsec = 0;
	CHECK(timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0);
	msleep(20);
	CHECK(strstr(info_of(tfd), "\nclockid: 1\nticks: 1\n"
		     "settime flags: 01\nit_value: (0, 0)\n"
		     "it_interval: (0, 0)\n") != NULL);
	CHECK(info_is(tfd, 0, O_RDWR | O_NONBLOCK, NULL));
	close(tfd);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	CHECK(info_is(sfd, 0, O_RDWR | O_CLOEXEC,
		      "sigmask:\t0000000000000202\n"));
	close(sfd);

	in = inotify_init1(0);
	wd = inotify_add_watch(in, ".", IN_CREATE | IN_DELETE);
	CHECK(stat(".", &st) == 0);
	snprintf(head, sizeof(head), "inotify wd:%x ino:%lx sdev:", wd,
		 (unsigned long)st.st_ino);
	text = strstr(info_of(in), "inotify wd:");
	CHECK(text && !strncmp(text, head, strlen(head)));
	CHECK(text && strstr(text, " mask:300 ignored_mask:0"));
	CHECK(info_is(in, 0, O_RDONLY, NULL));
	close(in);
}

/* open of a pipe's entry with O_RDWR, as of a FIFO: both ends in one,
 * that never waits for another side; so too for a FIFO. */
static void check_reopen_rdwr(void)
{
	int p[2], rw, fifo;
	char buf[4];

	CHECK(pipe(p) == 0);
	rw = open(entry(p[0]), O_RDWR);
	CHECK(rw >= 0 && (fcntl(rw, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(write(rw, "ab", 2) == 2 && read(p[0], buf, 1) == 1 &&
	      buf[0] == 'a');
	CHECK(write(p[1], "c", 1) == 1 && read(rw, buf, 2) == 2 &&
	      !memcmp(buf, "bc", 2));
	/* It is a reader and a writer: the others going changes nothing. */
	close(p[0]);
	close(p[1]);
	CHECK(write(rw, "d", 1) == 1 && read(rw, buf, 1) == 1 &&
	      buf[0] == 'd');
	close(rw);
	CHECK(mkfifo("q", 0600) == 0);
	fifo = open("q", O_RDWR);
	CHECK(fifo >= 0 && write(fifo, "e", 1) == 1 &&
	      read(fifo, buf, 1) == 1 && buf[0] == 'e');
	rw = open("q", O_WRONLY | O_NONBLOCK);	/* it has a reader */
	CHECK(rw >= 0 && write(rw, "f", 1) == 1 && read(fifo, buf, 1) == 1 &&
	      buf[0] == 'f');
	close(rw);
	close(fifo);
	unlink("q");
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
	check_reopen_rdwr();
	check_fdinfo_files();
	check_fdinfo_common();
	check_fdinfo_kinds();
	CHECK(lowest_free_fd() == before);
	CHECK(chdir("/") == 0);
	CHECK(rmdir(dir_name) == 0);
	return posix_check_summary();
}
