/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ucontext a SA_SIGINFO handler gets, in Linux's layout for the
 * architecture (what the C library's ucontext_t reads): the interrupted
 * registers (uc_mcontext), the mask restored when the handler returns
 * (uc_sigmask) and the alternate stack (uc_stack). One definition for
 * every way into the kernel that saves a struct __regs (the "syscall"
 * instruction of Linux binaries, in sim and on metal):
 * uk_mcontext_from_regs() fills the mcontext, uk_mcontext_to_regs() takes
 * a handler's edits back. The FPU/SIMD state is in Linux's format too
 * (x86_64: fpregs points to a struct uk_fpstate in the frame; arm64: a
 * fpsimd record at the start of __reserved): uk_sigframe_fpu_from()
 * fills it from an extended context (uk/arch/ctx.h),
 * uk_sigframe_fpu_to() takes the handler's edits back.
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
	__u64 fpstate;			/* struct uk_fpstate *: fpregs */
	__u64 __reserved1[8];
};

/* Linux's struct _fpstate: the fxsave image. sw_reserved stays zero
 * (no FP_XSTATE_MAGIC1): the frame holds the x87/SSE state only, what
 * fxsave saves and the kernel switches (UKARCH_ECTX_SIZE), no XSAVE
 * extension. */
struct uk_fpstate {
	__u16 cwd, swd, ftw, fop;
	__u64 rip, rdp;
	__u32 mxcsr, mxcr_mask;
	__u32 st_space[32];		/* 8 x87 registers, 16 bytes each */
	__u32 xmm_space[64];		/* xmm0-15 */
	__u32 reserved2[12];
	__u32 sw_reserved[12];
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
/* Linux's struct fpsimd_context, the first record in __reserved. */
#define UK_FPSIMD_MAGIC		0x46508001
struct uk_fpsimd_context {
	__u32 magic;			/* UK_FPSIMD_MAGIC */
	__u32 size;			/* sizeof(the record): 528 */
	__u32 fpsr;
	__u32 fpcr;
	__u64 vregs[64] __attribute__((aligned(16)));	/* q0-q31 */
};

/* Linux's struct esr_context: a fault's syndrome, after the fpsimd
 * record in a fault signal's frame. */
#define UK_ESR_MAGIC		0x45535201
struct uk_esr_context {
	__u32 magic;			/* UK_ESR_MAGIC */
	__u32 size;			/* 16 */
	__u64 esr;
};

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

/* A handler's frame: its ucontext and, on x86_64, the FPU state that
 * fpregs points to (apart from the ucontext as in Linux's frame, which
 * aligns it to 64 bytes). */
struct uk_sigframe {
	struct uk_ucontext uc;
#if defined(__x86_64__)
	struct uk_fpstate fp __attribute__((aligned(64)));
#endif
};

/* Fills f's FPU/SIMD state from the extended context ectx
 * (UKARCH_ECTX_SIZE bytes: the state the interrupted code resumes
 * with); f->uc must be zeroed before. */
void uk_sigframe_fpu_from(struct uk_sigframe *f, const void *ectx);

/* Writes the FPU/SIMD state of f's ucontext as a handler left it back
 * into ectx, as Linux's return from a handler: on x86_64 from where
 * fpregs points (NULL: the initial state), MXCSR bits the CPU does not
 * have cleared; on arm64 the fpsimd record if __reserved starts with a
 * valid one. Returns 0, or -EFAULT if fpregs points to unreadable
 * memory (ectx unchanged). */
int uk_sigframe_fpu_to(void *ectx, const struct uk_sigframe *f);

/* What a fault's trap knew, for its signal's frame (Linux's thread
 * trap_nr, error_code and cr2 on x86_64; fault_code on arm64). */
struct uk_sigfault {
	unsigned long trapno;		/* x86_64: the vector */
	unsigned long err;		/* x86_64: error code; arm64: ESR */
	unsigned long cr2;		/* x86_64: a page fault's address */
};

/* Adds a fault's trap to f's ucontext as Linux's frame of a fault
 * signal has it: on x86_64 uc_mcontext's err, trapno and cr2, on arm64
 * an esr record after the fpsimd one. After uk_sigframe_fpu_from. */
void uk_sigframe_fault(struct uk_sigframe *f, const struct uk_sigfault *t);

/* Fills mc with the registers r holds (rc: the value the interrupted
 * call returns, in the return register). */
void uk_mcontext_from_regs(struct uk_mcontext *mc, const struct __regs *r,
			   long rc);

/* Writes a handler's registers from mc back into r (never the code or
 * stack segment, nor the privileged flags); returns the return
 * register's value. */
long uk_mcontext_to_regs(struct __regs *r, const struct uk_mcontext *mc);

#endif /* __UK_UCONTEXT_H__ */
