/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The thread pointer of the running thread (musl's thread descriptor:
 * %fs base on x86_64, TPIDR_EL0 on arm64), switched by the scheduler. In
 * sim the guest owns %fs too; the backend puts glibc's back only while
 * host code runs (hal-sim/cpu.h).
 */
#ifndef __UK_PLAT_TLS_H__
#define __UK_PLAT_TLS_H__

#include <uk/arch/types.h>

/* Makes tlsp the thread pointer of this CPU. */
void ukplat_tlsp_set(__uptr tlsp);
/* Returns the thread pointer of this CPU now (arm64: the register,
 * which code may write directly without the kernel). */
__uptr ukplat_tlsp_get(void);

#endif /* __UK_PLAT_TLS_H__ */
