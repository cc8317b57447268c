/*
 * AF_UNIX names, checked the same way on Linux and on Amphi: path names
 * (a socket node in the file system that outlives the socket, EADDRINUSE,
 * unlink and rebind, connect to a non-socket, a missing path or a socket
 * nobody listens on, relative paths), abstract names (no node, freed at
 * close, length-delimited), autobind, getsockname/getpeername for path,
 * abstract and unnamed sockets, and the errors of bad addresses, bad
 * fds, unknown families, types and protocols.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../posix-check.h"

#define SUN_OFF		offsetof(struct sockaddr_un, sun_path)

static char dir[64];

/* Fills *sa with a path name; returns the length that bind expects. */
static socklen_t path_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	strcpy(sa->sun_path, path);
	return SUN_OFF + strlen(path) + 1;
}

/* Fills *sa with an abstract name of len bytes (a NUL comes first). */
static socklen_t abstract_addr(struct sockaddr_un *sa, const char *name,
			       size_t len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, name, len);
	return SUN_OFF + 1 + len;
}

/* A socket of type bound to path (-1 on failure, errno kept). */
static int bound(int type, const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, type, 0), e;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, path_addr(&sa, path)) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* connect() of a new socket of type to path: 0 or the errno. */
static int connect_err(int type, const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, type, 0), rc;

	rc = connect(fd, (struct sockaddr *)&sa, path_addr(&sa, path));
	rc = rc ? errno : 0;
	close(fd);
	return rc;
}

static void test_path_names(void)
{
	char path[96], other[96];
	struct stat st;
	int s, s2, fd;

	snprintf(path, sizeof(path), "%s/a.sock", dir);
	s = bound(SOCK_STREAM, path);
	CHECK(s >= 0);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	/* The name is taken, by a socket of any type. */
	CHECK(bound(SOCK_STREAM, path) == -1 && errno == EADDRINUSE);
	CHECK(bound(SOCK_DGRAM, path) == -1 && errno == EADDRINUSE);
	/* Bound but not listening: nobody to connect to. */
	CHECK(connect_err(SOCK_STREAM, path) == ECONNREFUSED);
	/* A socket is bound once. */
	snprintf(other, sizeof(other), "%s/b.sock", dir);
	{
		struct sockaddr_un sa;

		CHECK(bind(s, (struct sockaddr *)&sa,
			   path_addr(&sa, other)) == -1 && errno == EINVAL);
	}
	CHECK(stat(other, &st) == -1 && errno == ENOENT);
	close(s);

	/* The node stays after close, and still blocks the name. */
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK(bound(SOCK_STREAM, path) == -1 && errno == EADDRINUSE);
	CHECK(connect_err(SOCK_STREAM, path) == ECONNREFUSED);
	CHECK(connect_err(SOCK_DGRAM, path) == ECONNREFUSED);
	/* Once unlinked, the name can be bound again. */
	CHECK(unlink(path) == 0);
	CHECK(stat(path, &st) == -1 && errno == ENOENT);
	s2 = bound(SOCK_STREAM, path);
	CHECK(s2 >= 0);
	CHECK(listen(s2, 4) == 0);
	CHECK(connect_err(SOCK_STREAM, path) == 0);
	/* A stream listener refuses another type. */
	CHECK(connect_err(SOCK_SEQPACKET, path) == EPROTOTYPE);
	CHECK(connect_err(SOCK_DGRAM, path) == EPROTOTYPE);
	close(s2);
	CHECK(unlink(path) == 0);

	/* Missing path, missing directory, a regular file. */
	CHECK(connect_err(SOCK_STREAM, path) == ENOENT);
	CHECK(connect_err(SOCK_DGRAM, path) == ENOENT);
	snprintf(other, sizeof(other), "%s/nodir/c.sock", dir);
	CHECK(connect_err(SOCK_STREAM, other) == ENOENT);
	CHECK(bound(SOCK_STREAM, other) == -1 && errno == ENOENT);
	snprintf(other, sizeof(other), "%s/file", dir);
	fd = open(other, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(connect_err(SOCK_STREAM, other) == ECONNREFUSED);
	CHECK(connect_err(SOCK_DGRAM, other) == ECONNREFUSED);
	/* bind does not replace an existing file. */
	CHECK(bound(SOCK_STREAM, other) == -1 && errno == EADDRINUSE);
	CHECK(stat(other, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(unlink(other) == 0);
}

static void test_relative_path(void)
{
	char path[96], cwd[96];
	struct sockaddr_un sa;
	socklen_t len;
	struct stat st;
	int s, c;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir(dir) == 0);
	s = bound(SOCK_STREAM, "rel.sock");
	CHECK(s >= 0);
	CHECK(listen(s, 8) == 0);
	/* getsockname gives the name as bound, relative. */
	len = sizeof(sa);
	CHECK(getsockname(s, (struct sockaddr *)&sa, &len) == 0);
	CHECK(len == SUN_OFF + sizeof("rel.sock"));
	CHECK(strcmp(sa.sun_path, "rel.sock") == 0);
	snprintf(path, sizeof(path), "%s/rel.sock", dir);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	/* The same node by its absolute name, and relatively again. */
	CHECK(connect_err(SOCK_STREAM, path) == 0);
	CHECK(connect_err(SOCK_STREAM, "./rel.sock") == 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, path_addr(&sa, path)) == 0);
	len = sizeof(sa);
	CHECK(getpeername(c, (struct sockaddr *)&sa, &len) == 0);
	CHECK(len == SUN_OFF + sizeof("rel.sock") &&
	      strcmp(sa.sun_path, "rel.sock") == 0);
	close(c);
	close(s);
	CHECK(unlink("rel.sock") == 0);
	CHECK(chdir(cwd) == 0);
	CHECK(stat(path, &st) == -1 && errno == ENOENT);
}

static void test_abstract_names(void)
{
	static const char name[] = "amphi-unix-names-x";
	struct sockaddr_un sa, got;
	socklen_t alen, len;
	struct stat st;
	int s, s2, s3, c;

	alen = abstract_addr(&sa, name, strlen(name));
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(s, (struct sockaddr *)&sa, alen) == 0);
	CHECK(listen(s, 2) == 0);
	/* No file system node, in the cwd or at the root. */
	CHECK(stat(name, &st) == -1 && errno == ENOENT);
	len = sizeof(got);
	CHECK(getsockname(s, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == alen && got.sun_path[0] == '\0' &&
	      memcmp(got.sun_path + 1, name, strlen(name)) == 0);

	/* Taken while open. Linux keeps one abstract namespace per
	 * socket type: a datagram socket may take the same name. */
	s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(s2, (struct sockaddr *)&sa, alen) == -1 &&
	      errno == EADDRINUSE);
	close(s2);
	s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(s2, (struct sockaddr *)&sa, alen) == 0);
	close(s2);

	/* Length-delimited: a trailing NUL makes another name, and a
	 * prefix is another name too. */
	s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(s2, (struct sockaddr *)&sa, alen + 1) == 0);
	s3 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(s3, (struct sockaddr *)&sa, alen - 1) == 0);
	len = sizeof(got);
	CHECK(getsockname(s2, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == alen + 1 && got.sun_path[alen - SUN_OFF] == '\0');
	/* s2 does not listen: connecting to its name is refused, while
	 * the shorter name reaches s. */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, alen + 1) == -1 &&
	      errno == ECONNREFUSED);
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, alen) == 0);
	len = sizeof(got);
	CHECK(getpeername(c, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == alen && memcmp(&got, &sa, alen) == 0);
	close(c);
	close(s2);
	close(s3);

	/* Freed at close: the name can be bound again, and nobody is
	 * there to connect to meanwhile. */
	close(s);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, alen) == -1 &&
	      errno == ECONNREFUSED);
	close(c);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(s, (struct sockaddr *)&sa, alen) == 0);
	close(s);

	/* "\0" alone is a valid (empty) abstract name. */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(s, (struct sockaddr *)&sa, SUN_OFF + 1) == 0 ||
	      errno == EADDRINUSE);
	close(s);
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_autobind(void)
{
	struct sockaddr_un sa, sa2;
	socklen_t len;
	int s, s2, c, i, hex = 1;

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa_family_t)) == 0);
	len = sizeof(sa);
	memset(&sa, 'x', sizeof(sa));
	CHECK(getsockname(s, (struct sockaddr *)&sa, &len) == 0);
	/* "\0" then five hex digits. */
	CHECK(len == SUN_OFF + 6);
	CHECK(sa.sun_family == AF_UNIX && sa.sun_path[0] == '\0');
	for (i = 1; i < 6; i++)
		hex &= is_hex(sa.sun_path[i]);
	CHECK(hex);
	/* The name is usable like any abstract name. */
	CHECK(listen(s, 1) == 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, len) == 0);
	close(c);
	/* Two autobound sockets get two names. */
	s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	sa2.sun_family = AF_UNIX;
	CHECK(bind(s2, (struct sockaddr *)&sa2, sizeof(sa_family_t)) == 0);
	len = sizeof(sa2);
	CHECK(getsockname(s2, (struct sockaddr *)&sa2, &len) == 0);
	CHECK(len == SUN_OFF + 6 && memcmp(&sa, &sa2, len) != 0);
	close(s2);
	close(s);
}

static void test_get_names(void)
{
	struct sockaddr_un sa, got;
	char path[96];
	socklen_t len;
	int l, c, a, sv[2];

	/* Unnamed: only the family. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	len = sizeof(got);
	memset(&got, 'x', sizeof(got));
	CHECK(getsockname(sv[0], (struct sockaddr *)&got, &len) == 0);
	CHECK(len == sizeof(sa_family_t) && got.sun_family == AF_UNIX);
	len = sizeof(got);
	CHECK(getpeername(sv[0], (struct sockaddr *)&got, &len) == 0);
	CHECK(len == sizeof(sa_family_t) && got.sun_family == AF_UNIX);
	close(sv[0]);
	close(sv[1]);

	/* A fresh socket has no name and no peer. */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	len = sizeof(got);
	CHECK(getsockname(c, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == sizeof(sa_family_t));
	len = sizeof(got);
	CHECK(getpeername(c, (struct sockaddr *)&got, &len) == -1 &&
	      errno == ENOTCONN);
	close(c);

	/* Path: the length counts the terminating NUL, even when bind got
	 * the whole structure. */
	snprintf(path, sizeof(path), "%s/names.sock", dir);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	path_addr(&sa, path);
	CHECK(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(l, 1) == 0);
	len = sizeof(got);
	CHECK(getsockname(l, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == SUN_OFF + strlen(path) + 1);
	CHECK(strcmp(got.sun_path, path) == 0);
	/* A short buffer is filled as far as it goes; the length is the
	 * full one. */
	len = SUN_OFF + 4;
	memset(&got, 'x', sizeof(got));
	CHECK(getsockname(l, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == SUN_OFF + strlen(path) + 1);
	CHECK(memcmp(got.sun_path, path, 4) == 0 && got.sun_path[4] == 'x');
	len = 0;
	CHECK(getsockname(l, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == SUN_OFF + strlen(path) + 1);

	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sa, path_addr(&sa, path)) == 0);
	len = sizeof(got);
	a = accept(l, (struct sockaddr *)&got, &len);
	CHECK(a >= 0);
	/* The client is unnamed. */
	CHECK(len == sizeof(sa_family_t) && got.sun_family == AF_UNIX);
	len = sizeof(got);
	CHECK(getpeername(c, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == SUN_OFF + strlen(path) + 1 &&
	      strcmp(got.sun_path, path) == 0);
	/* The accepted socket carries the listener's name. */
	len = sizeof(got);
	CHECK(getsockname(a, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == SUN_OFF + strlen(path) + 1 &&
	      strcmp(got.sun_path, path) == 0);
	len = sizeof(got);
	CHECK(getpeername(a, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == sizeof(sa_family_t));
	len = sizeof(got);
	CHECK(getsockname(c, (struct sockaddr *)&got, &len) == 0);
	CHECK(len == sizeof(sa_family_t));
	/* Bad pointers for the name or its length. */
	len = sizeof(got);
	CHECK(getsockname(l, (struct sockaddr *)1, &len) == -1 &&
	      errno == EFAULT);
	CHECK(getsockname(l, (struct sockaddr *)&got, NULL) == -1 &&
	      errno == EFAULT);
	CHECK(getpeername(c, (struct sockaddr *)&got, (socklen_t *)1) == -1 &&
	      errno == EFAULT);
	len = -1;
	CHECK(getsockname(l, (struct sockaddr *)&got, &len) == -1 &&
	      errno == EINVAL);
	close(a);
	close(c);
	close(l);
	CHECK(unlink(path) == 0);
}

static void test_bad_addresses(void)
{
	struct sockaddr_un sa;
	char buf[sizeof(sa) + 8];
	char path[96];
	socklen_t len;
	int s;

	snprintf(path, sizeof(path), "%s/bad.sock", dir);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	len = path_addr(&sa, path);
	sa.sun_family = AF_INET;
	CHECK(bind(s, (struct sockaddr *)&sa, len) == -1 && errno == EINVAL);
	CHECK(connect(s, (struct sockaddr *)&sa, len) == -1 &&
	      errno == EINVAL);
	path_addr(&sa, path);
	CHECK(bind(s, (struct sockaddr *)&sa, 1) == -1 && errno == EINVAL);
	CHECK(bind(s, (struct sockaddr *)&sa, 0) == -1 && errno == EINVAL);
	CHECK(connect(s, (struct sockaddr *)&sa, 1) == -1 && errno == EINVAL);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &sa, len);
	CHECK(bind(s, (struct sockaddr *)buf, sizeof(sa) + 1) == -1 &&
	      errno == EINVAL);
	CHECK(connect(s, (struct sockaddr *)buf, sizeof(sa) + 1) == -1 &&
	      errno == EINVAL);
	CHECK(bind(s, NULL, len) == -1 && errno == EFAULT);
	CHECK(bind(s, (struct sockaddr *)1, len) == -1 && errno == EFAULT);
	CHECK(connect(s, NULL, len) == -1 && errno == EFAULT);
	CHECK(connect(s, (struct sockaddr *)1, len) == -1 && errno == EFAULT);
	/* Nothing of that bound the socket. */
	CHECK(bind(s, (struct sockaddr *)&sa, len) == 0);
	close(s);
	CHECK(unlink(path) == 0);
}

static void test_bad_fds_and_kinds(void)
{
	struct sockaddr_un sa;
	socklen_t len, alen;
	int p[2], s, sv[2];

	alen = abstract_addr(&sa, "amphi-unix-names-y", 18);
	CHECK(pipe(p) == 0);
	CHECK(bind(p[0], (struct sockaddr *)&sa, alen) == -1 &&
	      errno == ENOTSOCK);
	CHECK(connect(p[0], (struct sockaddr *)&sa, alen) == -1 &&
	      errno == ENOTSOCK);
	CHECK(listen(p[1], 1) == -1 && errno == ENOTSOCK);
	CHECK(accept(p[0], NULL, NULL) == -1 && errno == ENOTSOCK);
	len = sizeof(sa);
	CHECK(getsockname(p[0], (struct sockaddr *)&sa, &len) == -1 &&
	      errno == ENOTSOCK);
	CHECK(getpeername(p[0], (struct sockaddr *)&sa, &len) == -1 &&
	      errno == ENOTSOCK);
	CHECK(shutdown(p[1], SHUT_RDWR) == -1 && errno == ENOTSOCK);
	close(p[0]);
	close(p[1]);

	CHECK(bind(-1, (struct sockaddr *)&sa, alen) == -1 && errno == EBADF);
	CHECK(bind(999, (struct sockaddr *)&sa, alen) == -1 &&
	      errno == EBADF);
	CHECK(connect(999, (struct sockaddr *)&sa, alen) == -1 &&
	      errno == EBADF);
	CHECK(listen(-5, 1) == -1 && errno == EBADF);
	CHECK(getsockname(999, (struct sockaddr *)&sa, &len) == -1 &&
	      errno == EBADF);

	CHECK(socket(9999, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socket(-1, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socket(AF_UNSPEC, SOCK_STREAM, 0) == -1 &&
	      errno == EAFNOSUPPORT);
	CHECK(socketpair(9999, SOCK_STREAM, 0, sv) == -1 &&
	      errno == EAFNOSUPPORT);
	CHECK(socket(AF_UNIX, 99, 0) == -1 && errno == EINVAL);
	CHECK(socket(AF_UNIX, -1, 0) == -1 && errno == EINVAL);
	CHECK(socket(AF_UNIX, SOCK_STREAM | 0x100, 0) == -1 &&
	      errno == EINVAL);
	CHECK(socket(AF_UNIX, SOCK_RDM, 0) == -1 && errno == ESOCKTNOSUPPORT);
	CHECK(socket(AF_UNIX, SOCK_STREAM, 2) == -1 &&
	      errno == EPROTONOSUPPORT);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 2, sv) == -1 &&
	      errno == EPROTONOSUPPORT);
	/* Protocol 0 or PF_UNIX are the same. */
	s = socket(AF_UNIX, SOCK_STREAM, PF_UNIX);
	CHECK(s >= 0);
	close(s);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL) == -1 &&
	      errno == EFAULT);
}

int main(void)
{
	int fd0 = lowest_free_fd();

	snprintf(dir, sizeof(dir), "/tmp/unix-names-%d", (int)getpid());
	if (mkdir("/tmp", 0777) && errno != EEXIST)
		printf("cannot create /tmp\n");
	CHECK(mkdir(dir, 0755) == 0);
	test_path_names();
	test_relative_path();
	test_abstract_names();
	test_autobind();
	test_get_names();
	test_bad_addresses();
	test_bad_fds_and_kinds();
	CHECK(rmdir(dir) == 0);
	CHECK(lowest_free_fd() == fd0);
	return posix_check_summary();
}
