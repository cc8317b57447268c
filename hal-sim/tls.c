/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest's TLS pointer, recorded per CPU (host thread) and never loaded
 * into %fs: the host's glibc keeps its own TLS there (uk/plat/tls.h).
 */
#include <uk/plat/tls.h>

static __thread __uptr guest_tlsp;

void ukplat_tlsp_set(__uptr tlsp)
{
	guest_tlsp = tlsp;
}

__uptr ukplat_tlsp_get(void)
{
	return guest_tlsp;
}
