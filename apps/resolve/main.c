/*
 * resolve: looks names up with getaddrinfo(), as `getent ahosts` does,
 * and prints one line per address: "NAME ADDRESS". The C library reads
 * /etc/hosts first, then asks the servers of /etc/resolv.conf (which the
 * kernel writes from DHCP, or from net.dns=) over UDP.
 *
 *   resolve [-4|-6] NAME...
 *
 * -4 or -6 asks for one family only (AF_INET, AF_INET6). A name that
 * does not resolve prints "NAME error: MESSAGE" (gai_strerror). Exits 0
 * if every name resolved, 1 if one did not, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int resolve(const char *name, int family)
{
	struct addrinfo hints, *res, *ai;
	char buf[INET6_ADDRSTRLEN];
	const void *addr;
	int err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	err = getaddrinfo(name, NULL, &hints, &res);
	if (err) {
		printf("%s error: %s\n", name, gai_strerror(err));
		return 1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			addr = &((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		else
			addr = &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		if (inet_ntop(ai->ai_family, addr, buf, sizeof(buf)))
			printf("%s %s\n", name, buf);
	}
	freeaddrinfo(res);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, family = AF_UNSPEC, status = 0;

	if (argc > 1 && !strcmp(argv[1], "-4"))
		family = AF_INET, i++;
	else if (argc > 1 && !strcmp(argv[1], "-6"))
		family = AF_INET6, i++;
	if (i >= argc) {
		fprintf(stderr, "usage: resolve [-4|-6] NAME...\n");
		return 2;
	}
	for (; i < argc; i++)
		status |= resolve(argv[i], family);
	return status;
}
