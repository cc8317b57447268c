/*
 * dnsq: asks a DNS server for a name's IPv4 addresses over UDP, the way
 * a C library's resolver does, and prints them.
 *
 *   dnsq NAME [SERVER]
 *
 * SERVER (numeric, IPv4) defaults to the first "nameserver" of
 * /etc/resolv.conf (which the kernel writes from DHCP). Exits 0 with at
 * least one address, 1 otherwise (no answer in 3 s after 3 tries, an
 * error reply), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int resolv_conf(char *out, size_t len)
{
	char buf[1024], *p;
	int fd = open("/etc/resolv.conf", O_RDONLY);
	ssize_t n;
	size_t i;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "nameserver");
	if (!p)
		return -1;
	for (p += 10; *p == ' ' || *p == '\t'; p++)
		;
	for (i = 0; i + 1 < len && p[i] && p[i] != '\n'; i++)
		out[i] = p[i];
	out[i] = '\0';
	return 0;
}

/* A query for name's A records; returns its length, or -1. */
static int query(unsigned char *q, size_t len, const char *name,
		 unsigned short id)
{
	size_t n = 12, l;
	const char *dot;

	memset(q, 0, 12);
	q[0] = (unsigned char)(id >> 8);
	q[1] = (unsigned char)id;
	q[2] = 0x01;			/* recursion desired */
	q[5] = 1;			/* one question */
	while (*name) {
		dot = strchr(name, '.');
		l = dot ? (size_t)(dot - name) : strlen(name);
		if (!l || l > 63 || n + l + 6 > len)
			return -1;
		q[n++] = (unsigned char)l;
		memcpy(q + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = 0;
	q[n++] = 1;			/* A */
	q[n++] = 0;
	q[n++] = 1;			/* IN */
	return (int)n;
}

/* Skips a (possibly compressed) name at off; the offset after it. */
static int skip_name(const unsigned char *r, int len, int off)
{
	while (off < len) {
		if ((r[off] & 0xc0) == 0xc0)
			return off + 2;
		if (!r[off])
			return off + 1;
		off += r[off] + 1;
	}
	return -1;
}

static int answers(const unsigned char *r, int len, unsigned short id)
{
	int an, off, i, found = 0, type, rdlen;
	char text[16];

	if (len < 12 || (r[0] << 8 | r[1]) != id || !(r[2] & 0x80))
		return -1;
	if (r[3] & 0x0f) {
		fprintf(stderr, "dnsq: server says rcode %d\n", r[3] & 15);
		return -1;
	}
	an = r[6] << 8 | r[7];
	off = skip_name(r, len, 12);
	if (off < 0)
		return -1;
	off += 4;
	for (i = 0; i < an && off >= 0 && off < len; i++) {
		off = skip_name(r, len, off);
		if (off < 0 || off + 10 > len)
			return -1;
		type = r[off] << 8 | r[off + 1];
		rdlen = r[off + 8] << 8 | r[off + 9];
		off += 10;
		if (off + rdlen > len)
			return -1;
		if (type == 1 && rdlen == 4) {
			inet_ntop(AF_INET, r + off, text, sizeof(text));
			printf("%s\n", text);
			found++;
		}
		off += rdlen;
	}
	return found;
}

int main(int argc, char *argv[])
{
	unsigned char q[512], r[1500];
	struct sockaddr_in srv = { .sin_family = AF_INET };
	char server[64];
	unsigned short id = (unsigned short)(getpid() * 7919 + 17);
	struct pollfd p;
	int fd, qlen, n, try, found;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: dnsq NAME [SERVER]\n");
		return 2;
	}
	if (argc == 3)
		snprintf(server, sizeof(server), "%s", argv[2]);
	else if (resolv_conf(server, sizeof(server))) {
		fprintf(stderr, "dnsq: no nameserver in /etc/resolv.conf\n");
		return 1;
	}
	if (inet_pton(AF_INET, server, &srv.sin_addr) != 1) {
		fprintf(stderr, "dnsq: %s: not an IPv4 address\n", server);
		return 2;
	}
	srv.sin_port = htons(53);
	qlen = query(q, sizeof(q), argv[1], id);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (qlen < 0 || fd < 0 ||
	    connect(fd, (struct sockaddr *)&srv, sizeof(srv))) {
		fprintf(stderr, "dnsq: %s\n", qlen < 0 ? "bad name" :
			strerror(errno));
		return qlen < 0 ? 2 : 1;
	}
	for (try = 0; try < 3; try++) {
		if (send(fd, q, (size_t)qlen, 0) != qlen)
			break;
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, 1000) != 1)
			continue;
		n = (int)recv(fd, r, sizeof(r), 0);
		found = answers(r, n, id);
		if (found > 0)
			return 0;
		if (found < 0)
			break;
	}
	fprintf(stderr, "dnsq: no address for %s from %s\n", argv[1], server);
	return 1;
}
