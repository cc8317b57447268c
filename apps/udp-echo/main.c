/*
 * udp-echo: sends every datagram back to where it came from.
 *
 *   udp-echo [-p PORT] [-n COUNT]
 *
 * Listens on PORT (default 7) for IPv4 and IPv6; with -n it exits after
 * COUNT datagrams.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	static char buf[65536];
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	struct sockaddr_storage from;
	socklen_t flen;
	long count = -1, done = 0;
	int port = 7, fd, i;
	ssize_t n;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-p"))
			port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-n"))
			count = atol(argv[i + 1]);
		else
			break;
	}
	if (i != argc || port < 1 || port > 65535) {
		fprintf(stderr, "usage: udp-echo [-p PORT] [-n COUNT]\n");
		return 2;
	}
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	a.sin6_port = htons((unsigned short)port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "udp-echo: port %d: %s\n", port,
			strerror(errno));
		return 1;
	}
	printf("udp-echo: port %d\n", port);
	fflush(stdout);
	while (count < 0 || done < count) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			fprintf(stderr, "udp-echo: %s\n", strerror(errno));
			return 1;
		}
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
			   flen) != n)
			fprintf(stderr, "udp-echo: send: %s\n",
				strerror(errno));
		done++;
	}
	printf("udp-echo: %ld datagrams\n", done);
	return 0;
}
