/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trap entry of the "syscall" instruction, for unmodified Linux
 * binaries (core/elf). Their system-call instructions must reach
 * uk_syscall_entry_trapped() with the caller's registers as a struct
 * __regs and their FPU/SIMD state saved; how is the backend's business:
 * Syscall User Dispatch in sim (hal-sim/sud.c), LSTAR on metal.
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

/*
 * Where a thread's trapped system calls run (metal x86_64: the binary's
 * stack is not the kernel's to trust, so the entry switches to this
 * one). top: the stack's top, 0 for none; depth: trapped calls in
 * progress, kept by the entry: a nested one (from a signal handler the
 * kernel called) and one without a stack build their frame below the
 * caller's stack pointer and red zone instead. The layout is the entry
 * code's: top first, then depth.
 */
struct ukplat_syscall_stack {
	__uptr top;
	unsigned long depth;
};

/* Makes s the running thread's (the scheduler, on every switch);
 * a no-op where traps do not switch stacks (sim). */
void ukplat_syscall_stack_switch(struct ukplat_syscall_stack *s);

#endif /* __UKPLAT_SYSCALL_H__ */
