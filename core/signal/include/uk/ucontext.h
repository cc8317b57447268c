/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ucontext a SA_SIGINFO handler gets, in Linux's layout for the
 * architecture (what the C library's ucontext_t reads): the interrupted
 * registers (uc_mcontext), the mask restored when the handler returns
 * (uc_sigmask) and the alternate stack (uc_stack). One definition for
 * every way into the kernel that saves a struct __regs (the "syscall"
 * instruction of Linux binaries, in sim and on metal):
 * uk_mcontext_from_regs() fills the mcontext, uk_mcontext_to_regs() takes
 * a handler's edits back.
 */
#ifndef __UK_UCONTEXT_H__
#define __UK_UCONTEXT_H__

#include <uk/arch/types.h>
#include <uk/arch/regs.h>

/* Linux's stack_t. */
struct uk_stack {
	__u64 ss_sp;
	int ss_flags;
	int __pad;
	__u64 ss_size;
};

#if defined(__x86_64__)
/* Linux's struct sigcontext: the C library's gregs[REG_R8..REG_CR2]. */
struct uk_mcontext {
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	__u64 eflags;
	__u16 cs, gs, fs, ss;
	__u64 err, trapno, oldmask, cr2;
	__u64 fpstate;			/* NULL: no FPU state in the frame */
	__u64 __reserved1[8];
};

struct uk_ucontext {
	__u64 uc_flags;
	__u64 uc_link;
	struct uk_stack uc_stack;
	struct uk_mcontext uc_mcontext;
	__u64 uc_sigmask;		/* Linux's; a libc's sigset_t: 128 B */
	__u8 __sigmask_rest[120];
	__u8 __rest[1024 - 424];	/* glibc's __fpregs_mem, __ssp */
};
#elif defined(__aarch64__)
/* Linux's struct sigcontext. */
struct uk_mcontext {
	__u64 fault_address;
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
	__u8 __reserved[4096] __attribute__((aligned(16)));
};

struct uk_ucontext {
	__u64 uc_flags;
	__u64 uc_link;
	struct uk_stack uc_stack;
	__u64 uc_sigmask;
	__u8 __sigmask_rest[120];
	struct uk_mcontext uc_mcontext __attribute__((aligned(16)));
};
#endif

/* Fills mc with the registers r holds (rc: the value the interrupted
 * call returns, in the return register). */
void uk_mcontext_from_regs(struct uk_mcontext *mc, const struct __regs *r,
			   long rc);

/* Writes a handler's registers from mc back into r (never the code or
 * stack segment, nor the privileged flags); returns the return
 * register's value. */
long uk_mcontext_to_regs(struct __regs *r, const struct uk_mcontext *mc);

#endif /* __UK_UCONTEXT_H__ */
