/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <sys/random.h>

#include <uk/plat/random.h>

long ukplat_hwrng(void *buf, __sz len)
{
	unsigned char *p = buf;
	__sz done = 0;
	ssize_t n;

	while (done < len) {
		n = getrandom(p + done, len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (__sz)n;
	}
	return (long)done;
}
