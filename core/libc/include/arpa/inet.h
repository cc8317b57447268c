/* SPDX-License-Identifier: BSD-3-Clause */
/* Converting internet addresses between text and binary (POSIX). */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Text of an AF_INET or AF_INET6 address src into dst (size bytes).
 * Returns dst, or NULL with errno EAFNOSUPPORT or ENOSPC. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
/* Parses src (dotted quad; RFC 4291 text for AF_INET6) into dst.
 * Returns 1, 0 if src is not an address, -1 (EAFNOSUPPORT). */
int inet_pton(int af, const char *src, void *dst);
/* Parses a, b.c, a.b.c, a.b.c.d (decimal, octal, hex parts) into *in.
 * Returns 1 or 0. */
int inet_aton(const char *cp, struct in_addr *in);
/* inet_aton's address, or INADDR_NONE. */
in_addr_t inet_addr(const char *cp);
/* Dotted quad of in, in a static buffer. */
char *inet_ntoa(struct in_addr in);

#ifdef __cplusplus
}
#endif

#endif /* _ARPA_INET_H */
