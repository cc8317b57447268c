/*
 * Copies in the kernel, checked the same way on Linux and on Amphi:
 * sendfile, copy_file_range, splice and tee. Data, the counts returned,
 * which offsets move (the fd's or *off), end of file, blocking and
 * non-blocking pipes, and the errors the man pages list. sendfile from
 * a socket (unix or TCP) into a pipe too.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

#define SRC_SIZE	100000
#define PIPE_CAP	65536

static char dir_name[64];
static unsigned char src_data[SRC_SIZE];
static unsigned char buf[SRC_SIZE];
static off_t *volatile bad_off = (off_t *)16;

/* The C libraries' wrappers differ (musl's copy_file_range is recent):
 * the system call itself. */
static ssize_t cfr(int in, off_t *oin, int out, off_t *oout, size_t len,
		   unsigned int flags)
{
	return syscall(SYS_copy_file_range, in, oin, out, oout, len, flags);
}

static int pipe_bytes(int fd)
{
	int n = -1;

	ioctl(fd, FIONREAD, &n);
	return n;
}

static int make_src(void)
{
	int fd, i;

	for (i = 0; i < SRC_SIZE; i++)
		src_data[i] = (unsigned char)(i * 7 + i / 251);
	fd = open("src", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, src_data, SRC_SIZE) == SRC_SIZE);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

/* The whole file name as it is now, into buf; returns its size. */
static ssize_t file_data(const char *name)
{
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n;
}

static void check_sendfile(int src)
{
	int out, ro, p[2];
	off_t off;

	out = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(out >= 0);
	/* The fd positions move without an offset. */
	CHECK(sendfile(out, src, NULL, 1000) == 1000);
	CHECK(lseek(src, 0, SEEK_CUR) == 1000);
	CHECK(lseek(out, 0, SEEK_CUR) == 1000);
	/* With one, only *offset (and the output's position) moves. */
	off = 5000;
	CHECK(sendfile(out, src, &off, 2000) == 2000);
	CHECK(off == 7000);
	CHECK(lseek(src, 0, SEEK_CUR) == 1000);
	CHECK(lseek(out, 0, SEEK_CUR) == 3000);
	CHECK(file_data("dst") == 3000);
	CHECK(!memcmp(buf, src_data, 1000));
	CHECK(!memcmp(buf + 1000, src_data + 5000, 2000));
	/* Short at the end of the input, then 0. */
	off = SRC_SIZE - 100;
	CHECK(sendfile(out, src, &off, 5000) == 100 && off == SRC_SIZE);
	CHECK(sendfile(out, src, &off, 5000) == 0 && off == SRC_SIZE);
	CHECK(sendfile(out, src, NULL, 0) == 0);
	/* Errors. */
	CHECK(sendfile(out, -1, NULL, 10) == -1 && errno == EBADF);
	CHECK(sendfile(-1, src, NULL, 10) == -1 && errno == EBADF);
	ro = open("dst", O_RDONLY);
	CHECK(sendfile(ro, src, NULL, 10) == -1 && errno == EBADF);
	close(ro);
	ro = open("dst", O_WRONLY | O_APPEND);
	CHECK(sendfile(ro, src, NULL, 10) == -1 && errno == EINVAL);
	CHECK(sendfile(out, ro, NULL, 10) == -1 && errno == EBADF);
	close(ro);
	CHECK(sendfile(out, src, bad_off, 10) == -1 && errno == EFAULT);
	off = -1;
	CHECK(sendfile(out, src, &off, 10) == -1 && errno == EINVAL);
	/* Into a non-blocking pipe: what fits, then EAGAIN. */
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	off = 0;
	CHECK(sendfile(p[1], src, &off, SRC_SIZE) == PIPE_CAP);
	CHECK(off == PIPE_CAP);
	CHECK(sendfile(p[1], src, &off, 10) == -1 && errno == EAGAIN);
	CHECK(off == PIPE_CAP);
	CHECK(read(p[0], buf, PIPE_CAP) == PIPE_CAP);
	CHECK(!memcmp(buf, src_data, PIPE_CAP));
	/* An offset is ESPIPE for an input without a position... as is
	 * reading a pipe's write end: EBADF first. */
	CHECK(sendfile(out, p[1], NULL, 10) == -1 && errno == EBADF);
	close(p[0]);
	close(p[1]);
	close(out);
	CHECK(lseek(src, 0, SEEK_SET) == 0);
}

static int drain_fd;
static unsigned char drained[PIPE_CAP];

static void *drainer(void *arg)
{
	(void)arg;
	msleep(50);
	/* One read takes all the full pipe holds. */
	CHECK(read(drain_fd, drained, PIPE_CAP) == PIPE_CAP);
	return NULL;
}

/* sendfile into a blocking pipe (sendfile(2): like splice, Linux's
 * splice_file_to_pipe): it waits for room once, then moves what fits and
 * returns that count, not the whole count asked for. */
static void check_sendfile_blocking_pipe(int src)
{
	int p[2];
	off_t off = 0;
	pthread_t t;

	CHECK(pipe(p) == 0);
	/* An empty pipe: its capacity, with no reader draining it. */
	CHECK(sendfile(p[1], src, &off, SRC_SIZE) == PIPE_CAP);
	CHECK(off == PIPE_CAP && pipe_bytes(p[0]) == PIPE_CAP);
	/* A full one: waits until a reader empties it, then fills it. */
	drain_fd = p[0];
	CHECK(pthread_create(&t, NULL, drainer, NULL) == 0);
	CHECK(sendfile(p[1], src, &off, SRC_SIZE) == SRC_SIZE - PIPE_CAP);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(off == SRC_SIZE);
	CHECK(!memcmp(drained, src_data, PIPE_CAP));
	CHECK(read(p[0], buf, SRC_SIZE) == SRC_SIZE - PIPE_CAP);
	CHECK(!memcmp(buf, src_data + PIPE_CAP, SRC_SIZE - PIPE_CAP));
	/* Partly full (a whole page taken): what is left. The fd's own
	 * position moves without an offset. */
	CHECK(write(p[1], buf, 4096) == 4096);
	CHECK(lseek(src, 0, SEEK_SET) == 0);
	CHECK(sendfile(p[1], src, NULL, SRC_SIZE) == PIPE_CAP - 4096);
	CHECK(lseek(src, 0, SEEK_CUR) == PIPE_CAP - 4096);
	CHECK(read(p[0], buf, 4096) == 4096);
	CHECK(read(p[0], buf, PIPE_CAP) == PIPE_CAP - 4096);
	CHECK(!memcmp(buf, src_data, PIPE_CAP - 4096));
	/* Non-blocking, partly full: the same; full: EAGAIN, even for 0
	 * bytes. */
	CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK(write(p[1], buf, 8192) == 8192);
	off = 0;
	CHECK(sendfile(p[1], src, &off, SRC_SIZE) == PIPE_CAP - 8192);
	CHECK(sendfile(p[1], src, &off, 0) == -1 && errno == EAGAIN);
	CHECK(off == PIPE_CAP - 8192);
	/* No reader: EPIPE (SIGPIPE is ignored here). */
	close(p[0]);
	CHECK(sendfile(p[1], src, &off, 10) == -1 && errno == EPIPE);
	close(p[1]);
	CHECK(lseek(src, 0, SEEK_SET) == 0);
}

/* sendfile from character devices (Linux 6.x: those with splice_read):
 * /dev/zero and /dev/urandom give data, /dev/null is EINVAL. A device's
 * reads leave the offset where it was. */
static void check_sendfile_devices(void)
{
	int zero, urnd, null_r, null_w, out, p[2], i, ok;
	off_t off;

	zero = open("/dev/zero", O_RDONLY);
	urnd = open("/dev/urandom", O_RDONLY);
	null_r = open("/dev/null", O_RDONLY);
	null_w = open("/dev/null", O_WRONLY);
	out = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(zero >= 0 && urnd >= 0 && null_r >= 0 && null_w >= 0 &&
	      out >= 0);
	CHECK(pipe(p) == 0);
	CHECK(sendfile(p[1], zero, NULL, 1000) == 1000);
	memset(buf, 1, 1000);
	CHECK(read(p[0], buf, sizeof(buf)) == 1000);
	for (i = 0, ok = 1; i < 1000; i++)
		ok &= buf[i] == 0;
	CHECK(ok);
	CHECK(sendfile(out, zero, NULL, 3000) == 3000);
	CHECK(lseek(out, 0, SEEK_CUR) == 3000);
	CHECK(sendfile(null_w, zero, NULL, SRC_SIZE) == SRC_SIZE);
	off = 0;
	CHECK(sendfile(null_w, zero, &off, 1000) == 1000 && off == 0);
	CHECK(sendfile(out, urnd, NULL, 1000) == 1000);
	CHECK(lseek(out, 0, SEEK_CUR) == 4000);
	CHECK(sendfile(out, null_r, NULL, 10) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);
	close(out);
	close(null_w);
	close(null_r);
	close(urnd);
	close(zero);
}

/* Fills the pipe end fd (non-blocking) up to EAGAIN. */
static void fill_pipe(int fd)
{
	while (write(fd, buf, 4096) > 0)
		;
}

/* sendfile from a socket (Linux 5.12 on): into a pipe only, as splice
 * would (other outputs are EINVAL: Linux's splice_direct_to_actor wants
 * a file); what the stream holds, 0 at its end, EAGAIN when either end
 * is non-blocking and cannot go on, ESPIPE with an offset. */
static void check_sendfile_unix(void)
{
	int sv[2], p[2], q[2], out, n, got, first;
	off_t off = 0;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	CHECK(write(sv[1], "hello, world", 12) == 12);
	CHECK(sendfile(p[1], sv[0], NULL, 5) == 5);
	CHECK(sendfile(p[1], sv[0], NULL, 100) == 7);
	CHECK(read(p[0], buf, 100) == 12 && !memcmp(buf, "hello, world", 12));
	CHECK(write(sv[1], "x", 1) == 1);
	CHECK(sendfile(p[1], sv[0], &off, 1) == -1 && errno == ESPIPE);
	out = open("sock", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(out >= 0);
	CHECK(sendfile(out, sv[0], NULL, 1) == -1 && errno == EINVAL);
	CHECK(sendfile(sv[1], sv[0], NULL, 1) == -1 && errno == EINVAL);
	/* The refused calls took nothing. */
	CHECK(sendfile(p[1], sv[0], NULL, 10) == 1);
	CHECK(read(p[0], buf, 10) == 1 && buf[0] == 'x');
	/* A pipe is no input: it cannot be spliced from into a pipe. */
	CHECK(pipe(q) == 0);
	CHECK(write(p[1], "y", 1) == 1);
	CHECK(sendfile(out, p[0], NULL, 1) == -1 && errno == EINVAL);
	CHECK(sendfile(q[1], p[0], NULL, 1) == -1 && errno == EINVAL);
	CHECK(read(p[0], buf, 10) == 1 && buf[0] == 'y');
	close(q[0]);
	close(q[1]);
	close(out);
	unlink("sock");
	/* A non-blocking socket without data. */
	CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(sendfile(p[1], sv[0], NULL, 10) == -1 && errno == EAGAIN);
	/* More than a pipe holds: one call moves at most its capacity. */
	CHECK(fcntl(sv[1], F_SETFL, O_NONBLOCK) == 0);
	n = write(sv[1], src_data, SRC_SIZE);
	CHECK(n > PIPE_CAP);
	got = sendfile(p[1], sv[0], NULL, SRC_SIZE);
	CHECK(got > 0 && got <= PIPE_CAP);
	CHECK(read(p[0], buf, SRC_SIZE) == got);
	CHECK(!memcmp(buf, src_data, got));
	first = got;
	/* A full non-blocking pipe. */
	CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
	fill_pipe(p[1]);
	CHECK(sendfile(p[1], sv[0], NULL, 10) == -1 && errno == EAGAIN);
	while (read(p[0], buf, SRC_SIZE) > 0 && pipe_bytes(p[0]) > 0)
		;
	/* The rest, in order, then 0 at the end of the stream. */
	CHECK(shutdown(sv[1], SHUT_WR) == 0);
	while (got < n) {
		int m = sendfile(p[1], sv[0], NULL, SRC_SIZE);

		if (m <= 0 || read(p[0], buf + got, m) != m)
			break;
		got += m;
	}
	CHECK(got == n);
	CHECK(!memcmp(buf + first, src_data + first, n - first));
	CHECK(sendfile(p[1], sv[0], NULL, 10) == 0);
	/* No reader: EPIPE (SIGPIPE is ignored). */
	close(p[0]);
	CHECK(sendfile(p[1], sv[0], NULL, 10) == -1 && errno == EPIPE);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

/* The same from a TCP connection over the loopback. */
static void check_sendfile_tcp(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int ls, c, s, p[2];
	off_t off = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(ls >= 0);
	CHECK(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(ls, 1) == 0);
	CHECK(getsockname(ls, (struct sockaddr *)&sa, &len) == 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	s = accept(ls, NULL, NULL);
	CHECK(s >= 0);
	CHECK(pipe(p) == 0);
	CHECK(write(c, "over tcp", 8) == 8);
	CHECK(sendfile(p[1], s, NULL, 100) == 8);
	CHECK(read(p[0], buf, 100) == 8 && !memcmp(buf, "over tcp", 8));
	CHECK(sendfile(p[1], s, &off, 100) == -1 && errno == ESPIPE);
	CHECK(sendfile(p[0], s, NULL, 100) == -1 && errno == EBADF);
	CHECK(fcntl(s, F_SETFL, O_NONBLOCK) == 0);
	CHECK(sendfile(p[1], s, NULL, 100) == -1 && errno == EAGAIN);
	CHECK(fcntl(s, F_SETFL, 0) == 0);
	CHECK(close(c) == 0);
	CHECK(sendfile(p[1], s, NULL, 100) == 0);
	close(p[0]);
	close(p[1]);
	close(s);
	close(ls);
}

static void check_copy_file_range(int src)
{
	int out, ro, dir, p[2];
	off_t oin, oout;
	ssize_t r;

	out = open("cfr", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(out >= 0);
	oin = 100;
	oout = 0;
	CHECK(cfr(src, &oin, out, &oout, 3000, 0) == 3000);
	CHECK(oin == 3100 && oout == 3000);
	CHECK(lseek(src, 0, SEEK_CUR) == 0 && lseek(out, 0, SEEK_CUR) == 0);
	/* Without offsets the positions move. */
	CHECK(lseek(src, 50000, SEEK_SET) == 50000);
	CHECK(lseek(out, 3000, SEEK_SET) == 3000);
	CHECK(cfr(src, NULL, out, NULL, 1000, 0) == 1000);
	CHECK(lseek(src, 0, SEEK_CUR) == 51000);
	CHECK(lseek(out, 0, SEEK_CUR) == 4000);
	CHECK(file_data("cfr") == 4000);
	CHECK(!memcmp(buf, src_data + 100, 3000));
	CHECK(!memcmp(buf + 3000, src_data + 50000, 1000));
	/* Cut at the input's end; 0 there. */
	oin = SRC_SIZE - 10;
	CHECK(cfr(src, &oin, out, NULL, 1000, 0) == 10 && oin == SRC_SIZE);
	CHECK(cfr(src, &oin, out, NULL, 1000, 0) == 0 && oin == SRC_SIZE);
	/* Within one file: fine apart, EINVAL overlapping. */
	oin = 0;
	oout = 10000;
	CHECK(cfr(out, &oin, out, &oout, 100, 0) == 100);
	oin = 0;
	oout = 50;
	CHECK(cfr(out, &oin, out, &oout, 100, 0) == -1 && errno == EINVAL);
	/* Errors. */
	CHECK(cfr(src, NULL, out, NULL, 10, 1) == -1 && errno == EINVAL);
	CHECK(cfr(-1, NULL, out, NULL, 10, 0) == -1 && errno == EBADF);
	CHECK(cfr(src, NULL, -1, NULL, 10, 0) == -1 && errno == EBADF);
	ro = open("cfr", O_WRONLY | O_APPEND);
	CHECK(cfr(src, NULL, ro, NULL, 10, 0) == -1 && errno == EBADF);
	CHECK(cfr(ro, NULL, out, NULL, 10, 0) == -1 && errno == EBADF);
	close(ro);
	dir = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(cfr(dir, NULL, out, NULL, 10, 0) == -1 && errno == EISDIR);
	close(dir);
	CHECK(pipe(p) == 0);
	CHECK(cfr(p[0], NULL, out, NULL, 10, 0) == -1 && errno == EINVAL);
	CHECK(cfr(src, NULL, p[1], NULL, 10, 0) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);
	CHECK(cfr(src, bad_off, out, NULL, 10, 0) == -1 && errno == EFAULT);
	CHECK(cfr(src, NULL, out, bad_off, 10, 0) == -1 && errno == EFAULT);
	oin = -100;
	CHECK(cfr(src, &oin, out, NULL, 10, 0) == -1 && errno == EINVAL);
	oin = -1;	/* -1 + 10 wraps as Linux adds (unsigned) */
	CHECK(cfr(src, &oin, out, NULL, 10, 0) == -1 && errno == EOVERFLOW);
	/* Past the largest file: EFBIG where files cannot grow that far
	 * (ext4, Amphi's ramfs); tmpfs, whose limit is higher, copies. */
	oin = 0;
	oout = 1LL << 50;
	r = cfr(src, &oin, out, &oout, 100, 0);
	CHECK(r == -1 ? errno == EFBIG : r == 100);
	ftruncate(out, 4000);
	close(out);
	CHECK(lseek(src, 0, SEEK_SET) == 0);
}

static void check_splice_file_pipe(int src)
{
	int out, ro, p[2];
	off_t off;

	CHECK(pipe(p) == 0);
	/* file -> pipe, with an offset: the file position stays. */
	off = 2000;
	CHECK(splice(src, &off, p[1], NULL, 1000, 0) == 1000);
	CHECK(off == 3000 && lseek(src, 0, SEEK_CUR) == 0);
	CHECK(pipe_bytes(p[0]) == 1000);
	/* Without: it moves. */
	CHECK(splice(src, NULL, p[1], NULL, 500, 0) == 500);
	CHECK(lseek(src, 0, SEEK_CUR) == 500);
	CHECK(read(p[0], buf, sizeof(buf)) == 1500);
	CHECK(!memcmp(buf, src_data + 2000, 1000));
	CHECK(!memcmp(buf + 1000, src_data, 500));
	/* At the end of the file: 0. */
	off = SRC_SIZE;
	CHECK(splice(src, &off, p[1], NULL, 500, 0) == 0);
	/* pipe -> file: what the pipe holds, at most len. */
	out = open("spl", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(write(p[1], "0123456789abcdef", 16) == 16);
	off = 100;
	CHECK(splice(p[0], NULL, out, &off, 10, 0) == 10);
	CHECK(off == 110 && lseek(out, 0, SEEK_CUR) == 0);
	CHECK(pipe_bytes(p[0]) == 6);
	CHECK(splice(p[0], NULL, out, NULL, 1000, 0) == 6);
	CHECK(lseek(out, 0, SEEK_CUR) == 6);
	CHECK(file_data("spl") == 110);
	CHECK(!memcmp(buf, "abcdef", 6) && !memcmp(buf + 100, "0123456789",
						    10));
	/* Empty pipe: EAGAIN with SPLICE_F_NONBLOCK or O_NONBLOCK. */
	CHECK(splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK) == -1 &&
	      errno == EAGAIN);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(splice(p[0], NULL, out, NULL, 10, 0) == -1 && errno == EAGAIN);
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	/* Errors. */
	CHECK(splice(src, NULL, out, NULL, 10, 0) == -1 && errno == EINVAL);
	CHECK(splice(p[0], NULL, out, NULL, 0, 0) == 0);
	CHECK(splice(p[0], NULL, out, NULL, 10, 0x100) == -1 &&
	      errno == EINVAL);
	off = 0;
	CHECK(splice(p[0], &off, out, NULL, 10, 0) == -1 && errno == ESPIPE);
	CHECK(splice(src, NULL, p[1], &off, 10, 0) == -1 && errno == ESPIPE);
	CHECK(splice(p[1], NULL, out, NULL, 10, 0) == -1 && errno == EBADF);
	CHECK(splice(-1, NULL, p[1], NULL, 10, 0) == -1 && errno == EBADF);
	ro = open("spl", O_RDONLY);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(splice(p[0], NULL, ro, NULL, 10, 0) == -1 && errno == EBADF);
	close(ro);
	ro = open("spl", O_WRONLY | O_APPEND);
	CHECK(splice(p[0], NULL, ro, NULL, 10, 0) == -1 && errno == EINVAL);
	close(ro);
	CHECK(splice(src, bad_off, p[1], NULL, 10, 0) == -1 &&
	      errno == EFAULT);
	CHECK(splice(p[0], NULL, out, bad_off, 10, 0) == -1 &&
	      errno == EFAULT);
	CHECK(pipe_bytes(p[0]) == 1);
	/* No writers left: 0 once empty. */
	close(p[1]);
	CHECK(splice(p[0], NULL, out, NULL, 10, 0) == 1);
	CHECK(splice(p[0], NULL, out, NULL, 10, 0) == 0);
	close(p[0]);
	close(out);
}

static void check_splice_pipes(int src)
{
	int a[2], b[2];
	off_t off = 0;

	CHECK(pipe(a) == 0 && pipe(b) == 0);
	CHECK(write(a[1], src_data, 300) == 300);
	CHECK(splice(a[0], NULL, b[1], NULL, 100, 0) == 100);
	CHECK(pipe_bytes(a[0]) == 200 && pipe_bytes(b[0]) == 100);
	CHECK(splice(a[0], NULL, b[1], NULL, 1000, 0) == 200);
	CHECK(read(b[0], buf, sizeof(buf)) == 300);
	CHECK(!memcmp(buf, src_data, 300));
	/* Same pipe: EINVAL. */
	CHECK(splice(a[0], NULL, a[1], NULL, 10, 0) == -1 && errno == EINVAL);
	/* A full output: EAGAIN when non-blocking. */
	CHECK(fcntl(b[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK(splice(src, &off, b[1], NULL, SRC_SIZE, 0) > 0);
	while (splice(src, &off, b[1], NULL, SRC_SIZE, 0) > 0)
		;
	CHECK(errno == EAGAIN);
	CHECK(write(a[1], "q", 1) == 1);
	CHECK(splice(a[0], NULL, b[1], NULL, 1, 0) == -1 && errno == EAGAIN);
	CHECK(pipe_bytes(a[0]) == 1);
	/* No readers: EPIPE (SIGPIPE is ignored). */
	close(b[0]);
	CHECK(splice(a[0], NULL, b[1], NULL, 1, 0) == -1 && errno == EPIPE);
	CHECK(splice(src, NULL, b[1], NULL, 1, 0) == -1 && errno == EPIPE);
	close(b[1]);
	close(a[0]);
	close(a[1]);
}

static void check_tee(int src)
{
	int a[2], b[2];

	CHECK(pipe(a) == 0 && pipe(b) == 0);
	CHECK(write(a[1], "hello world", 11) == 11);
	CHECK(tee(a[0], b[1], 5, 0) == 5);
	CHECK(pipe_bytes(a[0]) == 11 && pipe_bytes(b[0]) == 5);
	CHECK(read(b[0], buf, 100) == 5 && !memcmp(buf, "hello", 5));
	CHECK(tee(a[0], b[1], 100, 0) == 11);
	CHECK(read(b[0], buf, 100) == 11 && !memcmp(buf, "hello world", 11));
	CHECK(read(a[0], buf, 100) == 11);
	/* Errors. */
	CHECK(tee(a[0], b[1], 10, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN);
	CHECK(tee(a[0], a[1], 10, 0) == -1 && errno == EINVAL);
	CHECK(tee(src, b[1], 10, 0) == -1 && errno == EINVAL);
	CHECK(tee(a[0], b[1], 10, 0x100) == -1 && errno == EINVAL);
	CHECK(tee(a[1], b[1], 10, 0) == -1 && errno == EBADF);
	CHECK(tee(a[0], b[1], 0, 0) == 0);
	close(a[1]);
	CHECK(tee(a[0], b[1], 10, 0) == 0);
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

static int feed_fd;

static void *feeder(void *arg)
{
	(void)arg;
	msleep(50);
	CHECK(write(feed_fd, "late", 4) == 4);
	return NULL;
}

/* A blocking splice waits for the data a thread writes later. */
static void check_blocking(void)
{
	int a[2], b[2];
	pthread_t t;

	CHECK(pipe(a) == 0 && pipe(b) == 0);
	feed_fd = a[1];
	CHECK(pthread_create(&t, NULL, feeder, NULL) == 0);
	CHECK(splice(a[0], NULL, b[1], NULL, 100, 0) == 4);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(read(b[0], buf, 100) == 4 && !memcmp(buf, "late", 4));
	CHECK(pthread_create(&t, NULL, feeder, NULL) == 0);
	CHECK(tee(a[0], b[1], 100, 0) == 4);
	CHECK(pthread_join(t, NULL) == 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

int main(void)
{
	int src;

	signal(SIGPIPE, SIG_IGN);
	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-splice-%d",
		 (int)getpid());
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	src = make_src();
	check_sendfile(src);
	check_sendfile_blocking_pipe(src);
	check_sendfile_devices();
	check_sendfile_unix();
	check_sendfile_tcp();
	check_copy_file_range(src);
	check_splice_file_pipe(src);
	check_splice_pipes(src);
	check_tee(src);
	check_blocking();
	close(src);
	unlink("src");
	unlink("dst");
	unlink("cfr");
	unlink("spl");
	CHECK(chdir("/") == 0);
	CHECK(rmdir(dir_name) == 0);
	return posix_check_summary();
}
