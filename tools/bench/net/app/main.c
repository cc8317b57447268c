/*
 * netbench: TCP stream throughput over 127.0.0.1 inside one program: a
 * sender thread writes BYTES (default 1 GiB) in 64 KiB sends, the main
 * thread reads and times it. The same source runs as an Amphi image and
 * on the host's Linux; prints "loopback-mbps N" (median of RUNS).
 * With -c, it opens N connections over 127.0.0.1 at once (all open
 * together, then each carries a message there and back, through one
 * epoll), and prints "connections N all-echoed in S s" or exits 1.
 *
 *   netbench [BYTES] [RUNS]
 *   netbench -c N
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	65536

static unsigned long long total = 1ULL << 30;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *sender(void *arg)
{
	static char buf[CHUNK];
	int fd = *(int *)arg;
	unsigned long long done = 0;
	ssize_t n;

	memset(buf, 'x', sizeof(buf));
	while (done < total) {
		n = send(fd, buf, total - done < CHUNK ? total - done : CHUNK,
			 0);
		if (n <= 0)
			break;
		done += (unsigned long long)n;
	}
	shutdown(fd, SHUT_WR);
	return NULL;
}

static double one_run(void)
{
	static char buf[CHUNK];
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	unsigned long long got = 0;
	int l, c, s;
	pthread_t t;
	double t0;
	ssize_t n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len)) {
		perror("netbench");
		exit(1);
	}
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a))) {
		perror("netbench: connect");
		exit(1);
	}
	s = accept(l, NULL, NULL);
	t0 = now();
	pthread_create(&t, NULL, sender, &c);
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
		got += (unsigned long long)n;
	pthread_join(t, NULL);
	t0 = now() - t0;
	close(s);
	close(c);
	close(l);
	if (got != total) {
		fprintf(stderr, "netbench: %llu of %llu bytes\n", got, total);
		exit(1);
	}
	return (double)total * 8 / 1e6 / t0;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static int fail(const char *what, int i)
{
	fprintf(stderr, "netbench: %s (connection %d): ", what, i);
	perror(NULL);
	return 1;
}

/* N connections at once, each echoing one message through one epoll. */
static int many(int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct epoll_event ev, evs[256];
	socklen_t len = sizeof(a);
	int *cl = calloc((size_t)n, sizeof(int)), l, ep, i, k, got, done = 0;
	char buf[16], want[16];
	double t0 = now();

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (!cl || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 4096) || getsockname(l, (struct sockaddr *)&a, &len))
		return fail("listen", 0);
	ep = epoll_create1(0);
	for (i = 0; i < n; i++) {
		cl[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (cl[i] < 0 || connect(cl[i], (struct sockaddr *)&a,
					 sizeof(a)))
			return fail("connect", i);
		k = accept(l, NULL, NULL);
		if (k < 0)
			return fail("accept", i);
		ev.events = EPOLLIN;
		ev.data.fd = k;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, k, &ev))
			return fail("epoll_ctl", i);
	}
	/* All are open: now each carries its message. */
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%010d", i);
		if (send(cl[i], buf, 10, 0) != 10)
			return fail("send", i);
	}
	while (done < n) {
		got = epoll_wait(ep, evs, 256, 10000);
		if (got <= 0)
			return fail("epoll_wait", done);
		for (k = 0; k < got; k++) {
			if (recv(evs[k].data.fd, buf, 10, MSG_WAITALL) != 10 ||
			    send(evs[k].data.fd, buf, 10, 0) != 10)
				return fail("echo", done);
			epoll_ctl(ep, EPOLL_CTL_DEL, evs[k].data.fd, NULL);
			done++;
		}
	}
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%010d", i);
		if (recv(cl[i], buf, 10, MSG_WAITALL) != 10 ||
		    memcmp(buf, want, 10))
			return fail("reply", i);
	}
	printf("connections %d all-echoed in %.2f s\n", n, now() - t0);
	return 0;
}

int main(int argc, char *argv[])
{
	double r[16];
	int runs = 3, i;

	if (argc == 3 && !strcmp(argv[1], "-c"))
		return many(atoi(argv[2]));
	if (argc > 1)
		total = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		runs = atoi(argv[2]);
	if (runs < 1 || runs > 16)
		runs = 3;
	for (i = 0; i < runs; i++)
		r[i] = one_run();
	qsort(r, (size_t)runs, sizeof(r[0]), cmp);
	printf("loopback-mbps %.0f\n", r[runs / 2]);
	return 0;
}
