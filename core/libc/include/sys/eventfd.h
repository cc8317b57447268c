/* SPDX-License-Identifier: BSD-3-Clause */
/* eventfd (core/poll): a 64-bit counter behind an fd. */
#ifndef _SYS_EVENTFD_H
#define _SYS_EVENTFD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t eventfd_t;

#define EFD_SEMAPHORE	00000001
#define EFD_NONBLOCK	00004000
#define EFD_CLOEXEC	02000000

/* A new eventfd with counter initval, or -1 + errno (EINVAL for unknown
 * flags, EMFILE, ENOMEM). */
int eventfd(unsigned int initval, int flags);
/* read/write of the 8-byte counter; 0 or -1 + errno. */
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_EVENTFD_H */
