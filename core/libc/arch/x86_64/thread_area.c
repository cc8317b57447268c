/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's __set_thread_area (src/thread/x86_64/__set_thread_area.s) issues
 * arch_prctl(ARCH_SET_FS) with a "syscall" instruction: here it is a call
 * of the kernel's table. (arm64 keeps musl's own: it writes TPIDR_EL0.)
 */
#include "syscall.h"

#define ARCH_SET_FS	0x1002

int __set_thread_area(void *p)
{
	return __syscall(SYS_arch_prctl, ARCH_SET_FS, p);
}
