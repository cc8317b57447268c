/* SPDX-License-Identifier: BSD-3-Clause */
/* Vectored I/O (core/vfs). */
#ifndef _SYS_UIO_H
#define _SYS_UIO_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __iovec_defined
#define __iovec_defined
struct iovec {
	void *iov_base;
	size_t iov_len;
};
#endif

#define UIO_MAXIOV	1024

/* Read into / write from iovcnt buffers in order, as one call. Return the
 * byte count or -1 + errno (EBADF, EFAULT, EINVAL for a bad iovcnt or a
 * total over SSIZE_MAX, EAGAIN, ...). The p* forms use off and leave the
 * file position alone (ESPIPE on pipes). */
ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t off);
ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_UIO_H */
