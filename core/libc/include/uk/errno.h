/* SPDX-License-Identifier: BSD-3-Clause */
/* The POSIX return convention, for the calls built on kernel functions. */
#ifndef __UK_ERRNO_H__
#define __UK_ERRNO_H__

#include <errno.h>

/* A kernel result (a value, or -errno) as a POSIX call returns it: the
 * value, or -1 with errno set. */
static inline long uk_posix_ret(long rc)
{
	if (rc >= 0)
		return rc;
	errno = (int)-rc;
	return -1;
}

#endif /* __UK_ERRNO_H__ */
