/* SPDX-License-Identifier: BSD-3-Clause */
/* Clocks from the host. The per-CPU one-shot timer interrupt arrives with
 * the scheduling work; until then there is nothing to deliver it to. */
#include <errno.h>
#include <time.h>

#include <uk/plat/time.h>

static __nsec clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__nsec)ts.tv_sec * 1000000000ULL + (__nsec)ts.tv_nsec;
}

__nsec ukplat_monotonic_clock(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

__nsec ukplat_wall_clock(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int ukplat_time_set_deadline(__nsec deadline_ns)
{
	return -ENOTSUP;
}
