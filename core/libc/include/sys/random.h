/* SPDX-License-Identifier: BSD-3-Clause */
/* getrandom(2) and getentropy(3), as glibc declares them (core/random). */
#ifndef _SYS_RANDOM_H
#define _SYS_RANDOM_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRND_NONBLOCK	0x01	/* EAGAIN instead of waiting for seeding */
#define GRND_RANDOM	0x02	/* same pool here, as on Linux 5.6+ */
#define GRND_INSECURE	0x04	/* never wait, even if not seeded */

/* Stores up to len random bytes in buf. Returns the count (less than len
 * only if buf faults part way), or -1 + errno: EINVAL (bad flags), EFAULT,
 * EAGAIN (GRND_NONBLOCK before the generator is seeded). */
ssize_t getrandom(void *buf, size_t len, unsigned int flags);
/* Fills buf with len <= 256 random bytes. Returns 0 or -1 + errno (EIO
 * for len > 256, EFAULT). */
int getentropy(void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_RANDOM_H */
