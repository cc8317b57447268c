/*
 * echo: an epoll echo server on an AF_UNIX path and a client that opens
 * many connections at once and checks every byte that comes back. One
 * program, so that both run in one image (a unikernel is one process).
 *
 *   ./amphi run echo                          # server thread + client
 *   ./amphi run echo -smp 4 -- -n 100 --bytes 65536
 *   echo --server /tmp/e.sock & echo --client /tmp/e.sock   # on Linux
 *
 * The server is level-triggered: it reads while a connection has nothing
 * pending, and waits for EPOLLOUT while a partial write is pending, so a
 * slow reader slows its own connection only. The client connects all
 * connections before it sends a byte, then writes each one's pattern in
 * several writes, shuts its sending half and reads until end of file.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* accept4 in glibc */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#ifndef __AMPHI__
#include <sys/resource.h>
#endif

#define DEFAULT_PATH	"/tmp/echo.sock"
#define DEFAULT_CONNS	1000
#define DEFAULT_BYTES	4096
#define SERVER_BUF	4000	/* a struct sconn fits one 4 KiB heap frame */
#define CLIENT_CHUNK	1000	/* so that a few KiB take several writes */
#define EVENTS		256
#define STALL_MS	20000

static const char usage[] =
"usage: echo [--server PATH | --client PATH] [-n N] [--bytes B]\n"
"\n"
"An epoll echo server on an AF_UNIX stream socket, and a client that\n"
"checks it. With neither --server nor --client, echo binds " DEFAULT_PATH "\n"
"(creating /tmp if needed), runs the server in a thread, runs the client\n"
"against it, stops the server and removes the socket node.\n"
"\n"
"  --server PATH  serve on PATH until killed; a stale node at PATH is\n"
"                 removed first\n"
"  --client PATH  run the client against a server at PATH\n"
"  -n N           client connections, all connected before any data is\n"
"                 sent (default " "1000" "); the server's listen backlog is N\n"
"  --bytes B      bytes per connection, sent in writes of 1000 bytes;\n"
"                 each connection's pattern is derived from its index\n"
"                 (default 4096)\n"
"  --help         show this text\n"
"\n"
"The client prints \"echo: N connections, TOTAL bytes, all echoed\" and\n"
"exits 0 when every byte came back in order on its own connection;\n"
"otherwise it names the connection and the first wrong byte and exits 1.\n"
"Usage errors exit 2. On Linux it raises RLIMIT_NOFILE to fit 2N fds.\n";

/* The expected byte i of connection c. */
static inline uint8_t pattern(unsigned int c, size_t i)
{
	uint32_t x = (c + 1) * 0x9e3779b1u ^ (uint32_t)i * 0x85ebca77u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return (uint8_t)(x >> 24);
}

static void fail(const char *what)
{
	fprintf(stderr, "echo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t make_addr(struct sockaddr_un *sa, const char *path)
{
	if (strlen(path) >= sizeof(sa->sun_path)) {
		fprintf(stderr, "echo: %s: path too long\n", path);
		exit(2);
	}
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	strcpy(sa->sun_path, path);
	return sizeof(*sa);
}

static void epoll_set(int ep, int op, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	if (epoll_ctl(ep, op, fd, &ev))
		fail("epoll_ctl");
}

/* --- server --------------------------------------------------------- */

struct server {
	int listen_fd, stop_fd, ep;
	unsigned long long echoed;	/* bytes written back */
	unsigned long accepted;
};

struct sconn {
	int fd;
	size_t len, off;		/* pending: buf[off..len) */
	char buf[SERVER_BUF];
};

static int server_listen(const char *path, int backlog)
{
	struct sockaddr_un sa;
	socklen_t len = make_addr(&sa, path);
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket");
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, len))
		fail(path);
	if (listen(fd, backlog))
		fail("listen");
	return fd;
}

static void server_accept(struct server *s)
{
	struct sconn *c;
	int fd;

	for (;;) {
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			fail("accept4");
		}
		c = malloc(sizeof(*c));
		if (!c) {
			fprintf(stderr, "echo: out of memory\n");
			exit(1);
		}
		c->fd = fd;
		c->len = c->off = 0;
		s->accepted++;
		epoll_set(s->ep, EPOLL_CTL_ADD, fd, EPOLLIN, c);
	}
}

static void sconn_close(struct sconn *c)
{
	close(c->fd);		/* leaves the epoll by itself */
	free(c);
}

/* Reads when nothing is pending, then writes what is pending; waits for
 * EPOLLOUT while a write was partial. */
static void server_serve(struct server *s, struct sconn *c)
{
	ssize_t n;

	if (c->off == c->len) {
		n = read(c->fd, c->buf, sizeof(c->buf));
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			sconn_close(c);
			return;
		}
		if (n < 0)
			return;
		c->off = 0;
		c->len = n;
	}
	while (c->off < c->len) {
		n = write(c->fd, c->buf + c->off, c->len - c->off);
		if (n < 0 && errno == EAGAIN) {
			epoll_set(s->ep, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c);
			return;
		}
		if (n < 0) {
			sconn_close(c);
			return;
		}
		c->off += n;
		s->echoed += n;
	}
	/* Flushed: back to reading (a no-op change if already so). */
	epoll_set(s->ep, EPOLL_CTL_MOD, c->fd, EPOLLIN, c);
}

/* Runs until stop_fd is readable (never, if it is -1). */
static void *server_run(void *arg)
{
	struct epoll_event evs[EVENTS];
	struct server *s = arg;
	int i, n;

	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0)
		fail("epoll_create1");
	epoll_set(s->ep, EPOLL_CTL_ADD, s->listen_fd, EPOLLIN, s);
	if (s->stop_fd >= 0)
		epoll_set(s->ep, EPOLL_CTL_ADD, s->stop_fd, EPOLLIN, NULL);
	for (;;) {
		n = epoll_wait(s->ep, evs, EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("epoll_wait");
		for (i = 0; i < n; i++) {
			if (!evs[i].data.ptr) {
				close(s->ep);
				return NULL;
			}
			if (evs[i].data.ptr == s)
				server_accept(s);
			else
				server_serve(s, evs[i].data.ptr);
		}
	}
}

/* --- client --------------------------------------------------------- */

struct cconn {
	int fd;
	unsigned int idx;
	size_t sent, got;
};

struct client {
	size_t bytes;
	int ep;
	unsigned int left;		/* connections not finished */
};

static int client_connect(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len = make_addr(&sa, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		fail("socket");
	if (connect(fd, (struct sockaddr *)&sa, len))
		fail(path);
	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		fail("fcntl");
	return fd;
}

static void client_send(struct client *cl, struct cconn *c)
{
	char buf[CLIENT_CHUNK];
	size_t n = cl->bytes - c->sent, i;
	ssize_t w;

	if (n > sizeof(buf))
		n = sizeof(buf);
	for (i = 0; i < n; i++)
		buf[i] = pattern(c->idx, c->sent + i);
	w = write(c->fd, buf, n);
	if (w < 0 && errno == EAGAIN)
		return;
	if (w < 0)
		fail("write");
	c->sent += w;
	if (c->sent < cl->bytes)
		return;
	/* All sent: the server sees end of file once it has read it. */
	if (shutdown(c->fd, SHUT_WR))
		fail("shutdown");
	epoll_set(cl->ep, EPOLL_CTL_MOD, c->fd, EPOLLIN, c);
}

/* Returns 0, or 1 after reporting a wrong byte or an early end. */
static int client_recv(struct client *cl, struct cconn *c)
{
	unsigned char buf[8192];
	ssize_t n, i;

	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0)
		fail("read");
	if (n == 0) {
		if (c->got != cl->bytes) {
			fprintf(stderr, "echo: connection %u: end of file "
				"after %zu of %zu bytes\n", c->idx, c->got,
				cl->bytes);
			return 1;
		}
		close(c->fd);
		c->fd = -1;
		cl->left--;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (c->got + i >= cl->bytes ||
		    buf[i] != pattern(c->idx, c->got + i)) {
			fprintf(stderr, "echo: connection %u: byte %zu is "
				"0x%02x, expected 0x%02x\n", c->idx,
				c->got + i, buf[i],
				c->got + i >= cl->bytes ? 0 :
				pattern(c->idx, c->got + i));
			return 1;
		}
	}
	c->got += n;
	return 0;
}

static int client_run(const char *path, unsigned int nconn, size_t bytes)
{
	struct epoll_event evs[EVENTS];
	struct client cl = { bytes, -1, nconn };
	struct cconn *conns, *c;
	unsigned int i;
	int n, k;

	conns = calloc(nconn, sizeof(*conns));
	if (!conns)
		fail("calloc");
	/* Every connection is made before any byte goes out. */
	for (i = 0; i < nconn; i++) {
		conns[i].fd = client_connect(path);
		conns[i].idx = i;
	}
	cl.ep = epoll_create1(EPOLL_CLOEXEC);
	if (cl.ep < 0)
		fail("epoll_create1");
	for (i = 0; i < nconn; i++)
		epoll_set(cl.ep, EPOLL_CTL_ADD, conns[i].fd,
			  bytes ? EPOLLIN | EPOLLOUT : EPOLLIN, &conns[i]);
	if (!bytes)
		for (i = 0; i < nconn; i++)
			if (shutdown(conns[i].fd, SHUT_WR))
				fail("shutdown");
	while (cl.left) {
		n = epoll_wait(cl.ep, evs, EVENTS, STALL_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("epoll_wait");
		if (n == 0) {
			fprintf(stderr, "echo: stalled for %d ms with %u "
				"connections unfinished\n", STALL_MS,
				cl.left);
			return 1;
		}
		for (k = 0; k < n; k++) {
			c = evs[k].data.ptr;
			if ((evs[k].events & EPOLLOUT) && c->sent < bytes)
				client_send(&cl, c);
			if ((evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
			    client_recv(&cl, c))
				return 1;
		}
	}
	close(cl.ep);
	free(conns);
	printf("echo: %u connections, %llu bytes, all echoed\n", nconn,
	       (unsigned long long)nconn * bytes);
	return 0;
}

/* --- main ----------------------------------------------------------- */

static void raise_fd_limit(unsigned int nconn)
{
#ifndef __AMPHI__
	struct rlimit rl;
	rlim_t want = 2 * (rlim_t)nconn + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
		      want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fail("setrlimit");
#else
	(void)nconn;
#endif
}

static int parse_num(const char *opt, const char *arg, unsigned long max,
		     unsigned long *out)
{
	char *end;

	if (!arg) {
		fprintf(stderr, "echo: %s needs a value\n%s", opt, usage);
		return -1;
	}
	errno = 0;
	*out = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || *out > max) {
		fprintf(stderr, "echo: bad value for %s: '%s'\n", opt, arg);
		return -1;
	}
	return 0;
}

static int run_both(const char *path, unsigned int nconn, size_t bytes)
{
	struct server s = { -1, -1, -1, 0, 0 };
	pthread_t t;
	int stop[2], rc;

	if (mkdir("/tmp", 0777) && errno != EEXIST)
		fail("/tmp");
	s.listen_fd = server_listen(path, nconn);
	if (pipe(stop))
		fail("pipe");
	s.stop_fd = stop[0];
	if (pthread_create(&t, NULL, server_run, &s))
		fail("pthread_create");
	rc = client_run(path, nconn, bytes);
	if (write(stop[1], "q", 1) != 1)
		fail("write");
	pthread_join(t, NULL);
	if (!rc && (s.accepted != nconn || s.echoed != nconn * bytes)) {
		fprintf(stderr, "echo: server accepted %lu and echoed %llu "
			"bytes, expected %u and %llu\n", s.accepted,
			s.echoed, nconn, (unsigned long long)nconn * bytes);
		rc = 1;
	}
	close(stop[0]);
	close(stop[1]);
	close(s.listen_fd);
	unlink(path);
	return rc;
}

int main(int argc, char *argv[])
{
	const char *server = NULL, *client = NULL;
	unsigned long nconn = DEFAULT_CONNS, bytes = DEFAULT_BYTES;
	struct server s = { -1, -1, -1, 0, 0 };
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--server") && v) {
			server = argv[++i];
		} else if (!strcmp(a, "--client") && v) {
			client = argv[++i];
		} else if (!strcmp(a, "-n")) {
			if (parse_num(a, v, 60000, &nconn))
				return 2;
			i++;
		} else if (!strcmp(a, "--bytes")) {
			if (parse_num(a, v, 1UL << 30, &bytes))
				return 2;
			i++;
		} else {
			fprintf(stderr, "echo: bad argument '%s'\n%s", a,
				usage);
			return 2;
		}
	}
	if ((server && client) || !nconn) {
		fprintf(stderr, "echo: %s\n%s", nconn ? "--server and "
			"--client exclude each other" : "-n must be > 0",
			usage);
		return 2;
	}
	raise_fd_limit(nconn);
	/* A peer that goes away is an error on its connection only. */
	signal(SIGPIPE, SIG_IGN);
	if (server) {
		s.listen_fd = server_listen(server, nconn);
		server_run(&s);
		return 0;
	}
	if (client)
		return client_run(client, nconn, bytes);
	return run_both(DEFAULT_PATH, nconn, bytes);
}
