/* SPDX-License-Identifier: BSD-3-Clause */
/* The hardware entropy source: the host's getrandom(2), fs-free (cpu.h). */
#include <errno.h>
#include <sys/syscall.h>

#include <uk/plat/random.h>
#include "cpu.h"

long ukplat_hwrng(void *buf, __sz len)
{
	unsigned char *p = buf;
	__sz done = 0;
	long n;

	while (done < len) {
		n = sim_syscall3(SYS_getrandom, p + done, len - done, 0);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		done += (__sz)n;
	}
	return (long)done;
}
