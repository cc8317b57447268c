/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The thread-local storage pointer of the running thread, switched by the
 * scheduler. On metal it is the architecture's TLS register (FS base on
 * x86_64, TPIDR_EL0 on arm64). In sim the host owns %fs (glibc's TLS:
 * errno, the stack canary, malloc arenas), so the pointer is only
 * recorded per CPU and never loaded into a register; guest code uses no
 * compiler TLS there (the guest link rejects it) and keeps per-thread data
 * in struct uk_thread instead.
 */
#ifndef __UK_PLAT_TLS_H__
#define __UK_PLAT_TLS_H__

#include <uk/arch/types.h>

/* Makes tlsp the TLS pointer of this CPU. */
void ukplat_tlsp_set(__uptr tlsp);
/* Returns the TLS pointer of this CPU. */
__uptr ukplat_tlsp_get(void);

#endif /* __UK_PLAT_TLS_H__ */
