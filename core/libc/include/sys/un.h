/* SPDX-License-Identifier: BSD-3-Clause */
/* AF_UNIX addresses (core/unix). A sun_path starting with NUL is an
 * abstract name: the bytes up to the address length, not in the VFS. */
#ifndef _SYS_UN_H
#define _SYS_UN_H

#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[108];
};

#ifdef __cplusplus
}
#endif

#endif /* _SYS_UN_H */
