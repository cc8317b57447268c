/*
 * inotify (inotify(7)): the calls' errors, watch descriptors (one per
 * inode, reused, IN_MASK_ADD, IN_MASK_CREATE, IN_ONESHOT, IN_ONLYDIR,
 * IN_DONT_FOLLOW), the events of names (create, delete, moves with one
 * cookie) and of files (open, access, modify, attrib, close), the
 * watched file's own end (IN_DELETE_SELF, IN_IGNORED), the record's
 * layout (name padded to 16 bytes), coalescing of identical events,
 * FIONREAD, a too-small read, the queue's overflow, and the fd with
 * poll, select, epoll and a reader blocked in another thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE	0x10000000
#endif

static char dir[64];

static char *path_of(const char *name)
{
	static char buf[4][128];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static const struct {
	unsigned int bit;
	const char *name;
} bits[] = {
	{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" },
	{ IN_ATTRIB, "ATTRIB" }, { IN_CLOSE_WRITE, "CLOSE_WRITE" },
	{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" },
	{ IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
	{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" },
	{ IN_DELETE_SELF, "DELETE_SELF" }, { IN_MOVE_SELF, "MOVE_SELF" },
	{ IN_UNMOUNT, "UNMOUNT" }, { IN_Q_OVERFLOW, "Q_OVERFLOW" },
	{ IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
};

static void print_mask(unsigned int mask)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (mask & bits[i].bit) {
			printf("%s%s", sep, bits[i].name);
			sep = "|";
			mask &= ~bits[i].bit;
		}
	}
	if (mask)
		printf("%s%#x", sep, mask);
}

/* Reads and prints every queued event (fd nonblocking), naming the wds
 * by the letters given; cookies print as their order of appearance.
 * Returns the number of events. */
static int drain(int fd, const int *wds, const char *names)
{
	static char buf[65536] __attribute__((aligned(8)));
	unsigned int cookies[16];
	int ncookies = 0, n = 0, i;
	ssize_t len, off;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < len; ) {
			struct inotify_event *e = (void *)(buf + off);
			char w = '?';

			for (i = 0; names[i]; i++)
				if (wds[i] == e->wd)
					w = names[i];
			if (e->wd == -1)
				w = '-';
			printf("  %c ", w);
			print_mask(e->mask);
			if (e->len)
				printf(" \"%s\" len=%u", e->name, e->len);
			if (e->cookie) {
				for (i = 0; i < ncookies; i++)
					if (cookies[i] == e->cookie)
						break;
				if (i == ncookies && ncookies < 16)
					cookies[ncookies++] = e->cookie;
				printf(" cookie#%d", i);
			}
			printf("\n");
			off += sizeof(*e) + e->len;
			n++;
		}
	}
	CHECK(len < 0 && errno == EAGAIN);
	return n;
}

static void check_errors(void)
{
	int fd, pfd[2], wd, wd2, flags;
	char small[sizeof(struct inotify_event)];

	printf("errors\n");
	errno = 0;
	CHECK(inotify_init1(IN_NONBLOCK << 1) < 0 && errno == EINVAL);
	CHECK(inotify_init1(0x1) < 0 && errno == EINVAL);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(fd >= 0);
	flags = fcntl(fd, F_GETFL);
	CHECK((flags & O_NONBLOCK) && (flags & O_ACCMODE) == O_RDONLY);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(inotify_add_watch(-1, dir, IN_ALL_EVENTS) < 0 && errno == EBADF);
	CHECK(inotify_add_watch(9999, dir, IN_ALL_EVENTS) < 0 &&
	      errno == EBADF);
	CHECK(pipe(pfd) == 0);
	CHECK(inotify_add_watch(pfd[0], dir, IN_ALL_EVENTS) < 0 &&
	      errno == EINVAL);
	CHECK(inotify_rm_watch(pfd[0], 1) < 0 && errno == EINVAL);
	close(pfd[0]);
	close(pfd[1]);
	CHECK(inotify_add_watch(fd, dir, 0) < 0 && errno == EINVAL);
	CHECK(inotify_add_watch(fd, dir, 0x00800000) < 0 && errno == EINVAL);
	CHECK(inotify_add_watch(fd, dir, IN_MODIFY | IN_MASK_ADD |
				IN_MASK_CREATE) < 0 && errno == EINVAL);
	/* The mask is checked before the fd. */
	CHECK(inotify_add_watch(-1, dir, 0) < 0 && errno == EINVAL);
	CHECK(inotify_add_watch(fd, path_of("none"), IN_MODIFY) < 0 &&
	      errno == ENOENT);
	CHECK(inotify_add_watch(fd, "", IN_MODIFY) < 0 && errno == ENOENT);
	CHECK(inotify_add_watch(fd, (const char *)8, IN_MODIFY) < 0 &&
	      errno == EFAULT);
	close(open(path_of("file"), O_CREAT | O_WRONLY, 0644));
	CHECK(symlink("file", path_of("link")) == 0);
	CHECK(inotify_add_watch(fd, path_of("file"), IN_MODIFY | IN_ONLYDIR)
	      < 0 && errno == ENOTDIR);
	CHECK(inotify_add_watch(fd, path_of("link"), IN_MODIFY | IN_ONLYDIR)
	      < 0 && errno == ENOTDIR);
	CHECK(inotify_add_watch(fd, path_of("file/"), IN_MODIFY) < 0 &&
	      errno == ENOTDIR);
	CHECK(inotify_rm_watch(-1, 1) < 0 && errno == EBADF);
	CHECK(inotify_rm_watch(fd, 1) < 0 && errno == EINVAL);
	CHECK(inotify_rm_watch(fd, -1) < 0 && errno == EINVAL);

	/* One wd per inode, through any name; a symlink itself with
	 * IN_DONT_FOLLOW. */
	wd = inotify_add_watch(fd, path_of("file"), IN_MODIFY);
	CHECK(wd == 1);
	CHECK(inotify_add_watch(fd, path_of("link"), IN_ATTRIB) == wd);
	CHECK(inotify_add_watch(fd, path_of("file"), IN_OPEN |
				IN_MASK_CREATE) < 0 && errno == EEXIST);
	wd2 = inotify_add_watch(fd, path_of("link"), IN_ATTRIB |
				IN_DONT_FOLLOW);
	CHECK(wd2 == 2);
	CHECK(inotify_add_watch(fd, dir, IN_CREATE | IN_ONLYDIR) == 3);
	CHECK(read(fd, small, sizeof(small)) < 0 && errno == EAGAIN);
	CHECK(inotify_rm_watch(fd, wd2) == 0);
	CHECK(inotify_rm_watch(fd, wd2) < 0 && errno == EINVAL);
	/* The IN_IGNORED of wd2 (16 bytes) fits exactly. */
	CHECK(read(fd, small, 1) < 0 && errno == EINVAL);
	CHECK(read(fd, small, sizeof(small)) == sizeof(small));
	CHECK(((struct inotify_event *)small)->wd == wd2 &&
	      ((struct inotify_event *)small)->mask == IN_IGNORED);
	/* wds are not reused at once. */
	CHECK(inotify_add_watch(fd, path_of("link"), IN_ATTRIB |
				IN_DONT_FOLLOW) == 4);
	/* An event with a name does not fit in one header's room. */
	close(open(path_of("new"), O_CREAT | O_WRONLY, 0644));
	CHECK(read(fd, small, sizeof(small)) < 0 && errno == EINVAL);
	{
		int wds[] = { 1, 2, 3, 4 };

		CHECK(drain(fd, wds, "FLDS") == 1);
	}
	CHECK(write(fd, "x", 1) < 0 && errno == EBADF);
	CHECK(close(fd) == 0);
	unlink(path_of("new"));
	unlink(path_of("link"));
	unlink(path_of("file"));
}

static void check_names(void)
{
	int fd, wd, sub, wds[2];

	printf("names\n");
	fd = inotify_init1(IN_NONBLOCK);
	wd = inotify_add_watch(fd, dir, IN_ALL_EVENTS);
	CHECK(wd > 0);
	wds[0] = wd;
	close(open(path_of("a"), O_CREAT | O_WRONLY, 0644));
	CHECK(mkdir(path_of("sub"), 0755) == 0);
	sub = inotify_add_watch(fd, path_of("sub"), IN_ALL_EVENTS);
	wds[1] = sub;
	CHECK(rename(path_of("a"), path_of("b")) == 0);
	CHECK(rename(path_of("b"), path_of("sub/c")) == 0);
	CHECK(link(path_of("sub/c"), path_of("hard")) == 0);
	CHECK(symlink("sub", path_of("sym")) == 0);
	CHECK(mknod(path_of("fifo"), S_IFIFO | 0600, 0) == 0);
	CHECK(unlink(path_of("hard")) == 0);
	CHECK(unlink(path_of("sym")) == 0);
	CHECK(unlink(path_of("fifo")) == 0);
	CHECK(unlink(path_of("sub/c")) == 0);
	/* A name 15 bytes long takes 16 with its NUL, 16 bytes take 32. */
	close(open(path_of("fifteen-chars-x"), O_CREAT | O_WRONLY, 0644));
	close(open(path_of("sixteen-chars-xy"), O_CREAT | O_WRONLY, 0644));
	unlink(path_of("fifteen-chars-x"));
	unlink(path_of("sixteen-chars-xy"));
	CHECK(rename(path_of("sub"), path_of("sub2")) == 0);
	CHECK(rmdir(path_of("sub2")) == 0);
	drain(fd, wds, "DS");
	close(fd);
}

static void check_files(void)
{
	int fd, dwd, fwd, wds[2], f;
	char c;

	printf("files\n");
	fd = inotify_init1(IN_NONBLOCK);
	close(open(path_of("f"), O_CREAT | O_WRONLY, 0644));
	dwd = inotify_add_watch(fd, dir, IN_ALL_EVENTS);
	fwd = inotify_add_watch(fd, path_of("f"), IN_ALL_EVENTS);
	wds[0] = dwd;
	wds[1] = fwd;
	f = open(path_of("f"), O_RDWR);
	CHECK(write(f, "hello", 5) == 5);
	/* Identical events in a row are one; a different one between
	 * keeps both. */
	CHECK(write(f, "hello", 5) == 5);
	CHECK(pread(f, &c, 1, 0) == 1);
	CHECK(pread(f, &c, 1, 100) == 0);
	CHECK(write(f, "", 0) == 0);
	CHECK(pwrite(f, "x", 1, 0) == 1);
	CHECK(fchmod(f, 0600) == 0);
	CHECK(ftruncate(f, 2) == 0);
	CHECK(close(f) == 0);
	f = open(path_of("f"), O_RDONLY);
	CHECK(close(f) == 0);
	f = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(close(f) == 0);
	CHECK(unlink(path_of("f")) == 0);
	drain(fd, wds, "DF");
	close(fd);
}

static void check_open_unlinked(void)
{
	int fd, fwd, wds[1], f;

	printf("open unlinked\n");
	fd = inotify_init1(IN_NONBLOCK);
	f = open(path_of("g"), O_CREAT | O_RDWR, 0644);
	fwd = inotify_add_watch(fd, path_of("g"), IN_ALL_EVENTS);
	wds[0] = fwd;
	CHECK(unlink(path_of("g")) == 0);
	printf(" unlinked\n");
	drain(fd, wds, "G");
	CHECK(write(f, "x", 1) == 1);
	CHECK(close(f) == 0);
	printf(" closed\n");
	drain(fd, wds, "G");
	close(fd);
}

static void check_masks(void)
{
	int fd, wd, wds[1], f;

	printf("masks\n");
	fd = inotify_init1(IN_NONBLOCK);
	close(open(path_of("m"), O_CREAT | O_WRONLY, 0644));
	wd = inotify_add_watch(fd, path_of("m"), IN_OPEN);
	wds[0] = wd;
	CHECK(inotify_add_watch(fd, path_of("m"), IN_ATTRIB | IN_MASK_ADD)
	      == wd);
	f = open(path_of("m"), O_RDONLY);
	CHECK(chmod(path_of("m"), 0600) == 0);
	close(f);
	drain(fd, wds, "M");
	/* Without IN_MASK_ADD the mask is replaced. */
	CHECK(inotify_add_watch(fd, path_of("m"), IN_CLOSE) == wd);
	f = open(path_of("m"), O_RDONLY);
	CHECK(chmod(path_of("m"), 0644) == 0);
	close(f);
	drain(fd, wds, "M");
	/* IN_ONESHOT: one event, then the watch goes. */
	CHECK(inotify_add_watch(fd, path_of("m"), IN_ATTRIB | IN_ONESHOT)
	      == wd);
	CHECK(chmod(path_of("m"), 0600) == 0);
	CHECK(chmod(path_of("m"), 0644) == 0);
	drain(fd, wds, "M");
	CHECK(inotify_rm_watch(fd, wd) < 0 && errno == EINVAL);
	/* utimes: IN_ATTRIB; one time alone: IN_ACCESS or IN_MODIFY. */
	wd = inotify_add_watch(fd, path_of("m"), IN_ALL_EVENTS);
	wds[0] = wd;
	{
		struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };

		CHECK(utimensat(AT_FDCWD, path_of("m"), ts, 0) == 0);
		ts[1].tv_nsec = UTIME_OMIT;
		CHECK(utimensat(AT_FDCWD, path_of("m"), ts, 0) == 0);
		ts[1].tv_nsec = 0;
		ts[0].tv_nsec = UTIME_OMIT;
		CHECK(utimensat(AT_FDCWD, path_of("m"), ts, 0) == 0);
	}
	CHECK(truncate(path_of("m"), 10) == 0);
	/* Extended attributes are attributes. */
	CHECK(setxattr(path_of("m"), "user.x", "1", 1, 0) == 0);
	f = open(path_of("m"), O_WRONLY | O_TRUNC);
	close(f);
	CHECK(chown(path_of("m"), 0, 0) == 0);
	CHECK(unlink(path_of("m")) == 0);
	drain(fd, wds, "M");
	close(fd);
}

static void check_queue(void)
{
	int fd, wd, f, n, i, avail;
	struct inotify_event *e;
	static char buf[4096];
	ssize_t len;

	printf("queue\n");
	fd = inotify_init1(IN_NONBLOCK);
	wd = inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE);
	CHECK(ioctl(fd, FIONREAD, &avail) == 0 && avail == 0);
	close(open(path_of("q"), O_CREAT | O_WRONLY, 0644));
	CHECK(ioctl(fd, FIONREAD, &avail) == 0 &&
	      avail == sizeof(*e) + 16);
	unlink(path_of("q"));
	CHECK(ioctl(fd, FIONREAD, &avail) == 0 &&
	      avail == 2 * (sizeof(*e) + 16));
	/* A buffer for one and a half: one comes. */
	len = read(fd, buf, sizeof(*e) + 16 + 8);
	CHECK(len == sizeof(*e) + 16);
	CHECK(ioctl(fd, FIONREAD, &avail) == 0 && avail == sizeof(*e) + 16);
	len = read(fd, buf, sizeof(buf));
	CHECK(len == sizeof(*e) + 16);
	e = (void *)buf;
	CHECK(e->wd == wd && e->mask == IN_DELETE && !strcmp(e->name, "q"));
	CHECK(inotify_rm_watch(fd, wd) == 0);
	len = read(fd, buf, sizeof(buf));
	CHECK(len == sizeof(*e));

	/* Overflow: 16384 events, then one IN_Q_OVERFLOW (wd -1). */
	wd = inotify_add_watch(fd, dir, IN_OPEN | IN_CLOSE);
	close(open(path_of("o"), O_CREAT | O_WRONLY, 0644));
	for (i = 0; i < 9000; i++) {
		f = open(path_of("o"), O_RDONLY);
		close(f);
	}
	n = 0;
	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		ssize_t off;

		for (off = 0; off < len; off += sizeof(*e) + e->len) {
			e = (void *)(buf + off);
			n++;
			if (e->mask & IN_Q_OVERFLOW)
				printf(" overflow after %d: wd %d len %u\n",
				       n - 1, e->wd, e->len);
		}
	}
	printf(" %d events\n", n);
	unlink(path_of("o"));
	close(fd);
}

static int waiter_fd;

static void *waiter(void *arg)
{
	char buf[256] __attribute__((aligned(8)));
	struct inotify_event *e = (void *)buf;
	ssize_t len;

	(void)arg;
	len = read(waiter_fd, buf, sizeof(buf));
	CHECK(len == sizeof(*e) + 16);
	CHECK(len > 0 && e->mask == IN_CREATE && !strcmp(e->name, "w"));
	return NULL;
}

static void check_waiting(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct pollfd p;
	struct timeval tv = { 0, 0 };
	pthread_t t;
	fd_set rd;
	int fd, ep;
	char buf[256];

	printf("waiting\n");
	fd = inotify_init();
	CHECK(fd >= 0);
	CHECK(inotify_add_watch(fd, dir, IN_CREATE) == 1);
	p.fd = fd;
	p.events = POLLIN | POLLOUT;
	CHECK(poll(&p, 1, 0) == 0);
	ep = epoll_create1(0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	waiter_fd = fd;
	CHECK(pthread_create(&t, NULL, waiter, NULL) == 0);
	msleep(50);
	close(open(path_of("w"), O_CREAT | O_WRONLY, 0644));
	CHECK(pthread_join(t, NULL) == 0);
	unlink(path_of("w"));
	CHECK(poll(&p, 1, 0) == 0);
	close(open(path_of("w"), O_CREAT | O_WRONLY, 0644));
	CHECK(poll(&p, 1, 1000) == 1 && p.revents == POLLIN);
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	CHECK(select(fd + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(fd, &rd));
	CHECK(epoll_wait(ep, &out, 1, 1000) == 1 && out.events == EPOLLIN);
	CHECK(read(fd, buf, sizeof(buf)) == sizeof(struct inotify_event) + 16);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	unlink(path_of("w"));
	close(ep);
	close(fd);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	strcpy(dir, "/tmp/inotify-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	check_errors();
	check_names();
	check_files();
	check_open_unlinked();
	check_masks();
	check_queue();
	check_waiting();
	CHECK(lowest_free_fd() == fd0);
	CHECK(rmdir(dir) == 0);
	return posix_check_summary();
}
