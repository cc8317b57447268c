/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct __regs: the register state a trap or interrupt saved. The layout
 * is the architecture's usual trap frame; both backends fill it the same
 * way (sim from the signal's ucontext, metal from the trap entry code).
 */
#ifndef __UK_ARCH_REGS_H__
#define __UK_ARCH_REGS_H__

#include <uk/arch/types.h>

#if defined(__x86_64__)
struct __regs {
	unsigned long r15, r14, r13, r12, rbp, rbx;
	unsigned long r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi;
	unsigned long orig_rax;		/* error code of the trap */
	unsigned long rip, cs, eflags, rsp, ss;
};
#define ukarch_regs_ip(r)	((r)->rip)
#define ukarch_regs_sp(r)	((r)->rsp)
#define ukarch_regs_fp(r)	((r)->rbp)
#define ukarch_regs_ret(r)	((r)->rax)	/* a call's result */
#elif defined(__aarch64__)
struct __regs {
	unsigned long x[30];
	unsigned long lr;		/* x30 */
	unsigned long sp;
	unsigned long pc;
	unsigned long pstate;
	unsigned long esr;		/* exception syndrome */
	unsigned long far;		/* fault address */
};
#define ukarch_regs_ip(r)	((r)->pc)
#define ukarch_regs_sp(r)	((r)->sp)
#define ukarch_regs_fp(r)	((r)->x[29])
#define ukarch_regs_ret(r)	((r)->x[0])
#endif

#endif /* __UK_ARCH_REGS_H__ */
