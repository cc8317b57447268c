/*
 * fetch: downloads one URL over HTTP/1.0 and reports its size and an
 * FNV-1a 64-bit hash of the body (or stores it with -o FILE).
 *
 *   fetch [-o FILE] http://ADDRESS[:PORT]/PATH
 *
 * ADDRESS is numeric (IPv4, or IPv6 in brackets): name resolution comes
 * with the C library's resolver. Exits 1 on a network error or a status
 * other than 200, 2 on bad usage.
 */
#define _GNU_SOURCE	/* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: fetch [-o FILE] http://ADDRESS[:PORT]/PATH\n");
	exit(2);
}

/* Splits url into a socket address and a path; 0 or -1. */
static int parse_url(const char *url, struct sockaddr_storage *ss,
		     socklen_t *len, const char **path)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	char host[64];
	const char *p, *end, *colon = NULL;
	long port = 80;

	if (strncmp(url, "http://", 7))
		return -1;
	p = url + 7;
	*path = strchr(p, '/');
	if (!*path)
		*path = "/";
	end = strchr(p, '/') ? strchr(p, '/') : p + strlen(p);
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (!rb || (size_t)(rb - p - 1) >= sizeof(host))
			return -1;
		memcpy(host, p + 1, (size_t)(rb - p - 1));
		host[rb - p - 1] = '\0';
		if (rb[1] == ':')
			colon = rb + 1;
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		if ((size_t)((colon ? colon : end) - p) >= sizeof(host))
			return -1;
		memcpy(host, p, (size_t)((colon ? colon : end) - p));
		host[(colon ? colon : end) - p] = '\0';
	}
	if (colon) {
		port = strtol(colon + 1, NULL, 10);
		if (port < 1 || port > 65535)
			return -1;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)port);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*a6);
		return 0;
	}
	return -1;
}

int main(int argc, char *argv[])
{
	static char buf[65536];
	struct sockaddr_storage ss;
	unsigned long long hash = 0xcbf29ce484222325ULL, body = 0;
	const char *url = NULL, *out = NULL, *path;
	char req[512], *hend;
	size_t have = 0, i;
	socklen_t len;
	ssize_t n;
	int fd, ofd = -1, status, in_body = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < (size_t)argc)
			out = argv[++i];
		else if (!url && argv[i][0] != '-')
			url = argv[i];
		else
			usage();
	}
	if (!url || parse_url(url, &ss, &len, &path))
		usage();
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		fprintf(stderr, "fetch: %s: %s\n", url, strerror(errno));
		return 1;
	}
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: amphi\r\n"
		     "User-Agent: amphi-fetch\r\n\r\n", path);
	if (n >= (ssize_t)sizeof(req) || send(fd, req, (size_t)n, 0) != n) {
		fprintf(stderr, "fetch: cannot send the request\n");
		return 1;
	}
	if (out) {
		ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (ofd < 0) {
			fprintf(stderr, "fetch: %s: %s\n", out,
				strerror(errno));
			return 1;
		}
	}
	while ((n = recv(fd, buf + have, sizeof(buf) - have, 0)) > 0) {
		have += (size_t)n;
		if (!in_body) {
			hend = memmem(buf, have, "\r\n\r\n", 4);
			if (!hend) {
				if (have == sizeof(buf))
					break;
				continue;
			}
			/* "HTTP/1.x NNN ..." */
			status = have > 12 && !strncmp(buf, "HTTP/1.", 7) ?
				 (int)strtol(buf + 9, NULL, 10) : -1;
			if (status != 200) {
				fprintf(stderr, "fetch: %s: status %d\n", url,
					status);
				return 1;
			}
			in_body = 1;
			i = (size_t)(hend + 4 - buf);
			memmove(buf, buf + i, have - i);
			have -= i;
		}
		for (i = 0; i < have; i++) {
			hash ^= (unsigned char)buf[i];
			hash *= 0x100000001b3ULL;
		}
		if (ofd >= 0 && write(ofd, buf, have) != (ssize_t)have) {
			fprintf(stderr, "fetch: write: %s\n", strerror(errno));
			return 1;
		}
		body += have;
		have = 0;
	}
	if (n < 0 || !in_body) {
		fprintf(stderr, "fetch: %s: %s\n", url,
			n < 0 ? strerror(errno) : "no response");
		return 1;
	}
	close(fd);
	if (ofd >= 0)
		close(ofd);
	printf("fetch: %llu bytes, fnv1a64 %016llx\n", body, hash);
	return 0;
}
