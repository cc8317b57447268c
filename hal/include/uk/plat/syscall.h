/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trap entry of the "syscall" instruction, for unmodified Linux
 * binaries (core/elf). Their system-call instructions must reach
 * uk_syscall_entry_regs() with the caller's registers as a struct
 * __regs; how is the backend's business: Syscall User Dispatch in sim
 * (hal-sim/sud.c), LSTAR on metal.
 */
#ifndef __UKPLAT_SYSCALL_H__
#define __UKPLAT_SYSCALL_H__

#include <uk/arch/types.h>

/*
 * Makes "syscall" instructions executed in [start, end) of the current
 * address space trap into the kernel on every CPU, from now on. Returns
 * 0, -ENOTSUP (this backend or host cannot; *why says why) or -EINVAL
 * (the backend cannot trap that range).
 */
int ukplat_syscall_trap_enable(__uptr start, __uptr end, const char **why);

#endif /* __UKPLAT_SYSCALL_H__ */
