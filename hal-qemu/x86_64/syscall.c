/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "syscall" instruction of loaded Linux binaries (core/elf) on metal
 * x86_64. Everything runs in ring 0, so the instruction is a plain jump
 * to LSTAR with the return address in %rcx and the flags in %r11, on the
 * binary's stack and with its %fs; FMASK clears IF (and TF, DF, NT, AC)
 * so the entry switches to the thread's own system-call stack before
 * anything can interrupt it (syscall_entry.S). The way back is not
 * sysretq, which would drop to ring 3: Unikraft restores the flags from
 * %r11 and jumps to %rcx; here iretq does both and the stack pointer at
 * once, so nothing is written to the caller's stack (which the call may
 * have unmapped) and no interrupt comes in between. The binary's %fs
 * gives way to the thread's own while kernel code runs, in C
 * (uk_syscall_entry_trapped, the same as sim's).
 */
#include <errno.h>
#include <stddef.h>
#include <uk/essentials.h>
#include <uk/plat/syscall.h>
#include "x86.h"

/* The entry code reads these through %gs. */
_Static_assert(offsetof(struct x86_cpu, syscall_stack) == 16, "layout");
_Static_assert(offsetof(struct x86_cpu, syscall_user_sp) == 24, "layout");
_Static_assert(offsetof(struct ukplat_syscall_stack, top) == 0, "layout");
_Static_assert(offsetof(struct ukplat_syscall_stack, depth) == 8,
	       "layout");

#define SEL_CODE	0x08UL		/* cpu.c's GDT; SS is the next */
#define RFLAGS_TF	0x00100UL
#define RFLAGS_IF	0x00200UL
#define RFLAGS_DF	0x00400UL
#define RFLAGS_NT	0x04000UL
#define RFLAGS_AC	0x40000UL

extern char x86_syscall_entry[];

void x86_syscall_init(struct x86_cpu *cpu)
{
	cpu->syscall_stack = &cpu->no_syscall_stack;
	wrmsr(MSR_STAR, SEL_CODE << 32 | SEL_CODE << 48);
	wrmsr(MSR_LSTAR, (__u64)x86_syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT |
			 RFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* Every CPU has the entry from its start (x86_cpu_init). */
int ukplat_syscall_trap_enable(__uptr start, __uptr end, const char **why)
{
	if (start >= end) {
		*why = "an empty range";
		return -EINVAL;
	}
	return 0;
}

void ukplat_syscall_stack_switch(struct ukplat_syscall_stack *s)
{
	__asm__ __volatile__("movq %0, %%gs:%c1"
			     : : "r"(s),
			       "i"(offsetof(struct x86_cpu, syscall_stack))
			     : "memory");
}
