/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet address text conversions (arpa/inet.h), with glibc's rules:
 * inet_pton takes exactly a dotted quad of decimal octets for AF_INET;
 * inet_ntop writes IPv6 addresses as RFC 5952 text (longest run of two or
 * more zero groups as "::", embedded IPv4 for ::a.b.c.d and
 * ::ffff:a.b.c.d).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

static int pton4(const char *s, unsigned char *out)
{
	unsigned char tmp[4];
	int octets = 0, digits = 0;
	unsigned int v = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (digits && !v)
				return 0;	/* leading zero */
			v = v * 10 + (unsigned int)(*s - '0');
			if (v > 255 || ++digits > 3)
				return 0;
			continue;
		}
		if (!digits || octets == 4)
			return 0;
		tmp[octets++] = (unsigned char)v;
		if (!*s)
			break;
		if (*s != '.')
			return 0;
		digits = 0;
		v = 0;
	}
	if (octets != 4)
		return 0;
	memcpy(out, tmp, 4);
	return 1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int pton6(const char *s, unsigned char *out)
{
	unsigned char tmp[16] = { 0 };
	int n = 0, gap = -1, digits, h;
	unsigned int v;
	const char *group;

	if (*s == ':' && *++s != ':')
		return 0;
	while (*s) {
		if (n == 16)
			return 0;
		if (*s == ':') {
			if (gap >= 0)
				return 0;	/* a second "::" */
			gap = n;
			s++;
			continue;
		}
		group = s;
		v = 0;
		digits = 0;
		while ((h = hexval(*s)) >= 0) {
			if (++digits > 4)
				return 0;
			v = v << 4 | (unsigned int)h;
			s++;
		}
		if (*s == '.') {
			if (n > 12 || !pton4(group, tmp + n))
				return 0;
			n += 4;
			break;
		}
		if (!digits)
			return 0;
		tmp[n++] = (unsigned char)(v >> 8);
		tmp[n++] = (unsigned char)v;
		if (!*s)
			break;
		if (*s != ':' || !*++s)
			return 0;	/* a trailing single ':' */
	}
	if (gap >= 0) {
		if (n == 16)
			return 0;
		memmove(tmp + 16 - (n - gap), tmp + gap, (size_t)(n - gap));
		memset(tmp + gap, 0, (size_t)(16 - n));
	} else if (n != 16) {
		return 0;
	}
	memcpy(out, tmp, 16);
	return 1;
}

int inet_pton(int af, const char *src, void *dst)
{
	if (af == AF_INET)
		return pton4(src, dst);
	if (af == AF_INET6)
		return pton6(src, dst);
	errno = EAFNOSUPPORT;
	return -1;
}

static int ntop4(const unsigned char *a, char *buf, size_t size)
{
	return snprintf(buf, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* buf has room for INET6_ADDRSTRLEN bytes and more. */
static int ntop6(const unsigned char *a, char *buf)
{
	unsigned int w[8];
	int best = -1, best_len = 0, cur = -1, len = 0, i;
	char *p = buf;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i <= 8; i++) {
		if (i < 8 && !w[i]) {
			if (cur < 0) {
				cur = i;
				len = 0;
			}
			len++;
			continue;
		}
		if (cur >= 0 && len > best_len && len >= 2) {
			best = cur;
			best_len = len;
		}
		cur = -1;
	}
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return (int)(p - buf) + ntop4(a + 12, p, 16);
		p += sprintf(p, "%x", w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	*p = '\0';
	return (int)(p - buf);
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	char buf[INET6_ADDRSTRLEN + 8];
	int n;

	if (af == AF_INET)
		n = ntop4(src, buf, sizeof(buf));
	else if (af == AF_INET6)
		n = ntop6(src, buf);
	else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, buf, (size_t)n + 1);
	return dst;
}

/* One part of an inet_aton address: decimal, 0octal or 0xhex. */
static const char *aton_part(const char *s, unsigned long *v)
{
	int base = 10, d, any = 0;

	if (*s == '0') {
		base = 8;
		s++;
		any = 1;
		if (*s == 'x' || *s == 'X') {
			base = 16;
			s++;
			any = 0;
		}
	}
	*v = 0;
	for (;; s++) {
		d = hexval(*s);
		if (d < 0 || d >= base)
			break;
		*v = *v * (unsigned long)base + (unsigned long)d;
		if (*v > 0xffffffffUL)
			return NULL;
		any = 1;
	}
	return any ? s : NULL;
}

int inet_aton(const char *cp, struct in_addr *in)
{
	unsigned long part[4], addr;
	int n = 0;

	for (;;) {
		if (n == 4)
			return 0;
		cp = aton_part(cp, &part[n++]);
		if (!cp)
			return 0;
		if (*cp != '.')
			break;
		cp++;
	}
	if (*cp && !isspace((unsigned char)*cp))
		return 0;
	switch (n) {
	case 1:
		addr = part[0];
		break;
	case 2:
		if (part[0] > 255 || part[1] > 0xffffff)
			return 0;
		addr = part[0] << 24 | part[1];
		break;
	case 3:
		if (part[0] > 255 || part[1] > 255 || part[2] > 0xffff)
			return 0;
		addr = part[0] << 24 | part[1] << 16 | part[2];
		break;
	default:
		if (part[0] > 255 || part[1] > 255 || part[2] > 255 ||
		    part[3] > 255)
			return 0;
		addr = part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3];
	}
	if (in)
		in->s_addr = htonl((uint32_t)addr);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];

	ntop4((const unsigned char *)&in.s_addr, buf, sizeof(buf));
	return buf;
}
