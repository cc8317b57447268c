/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Execution contexts: what a thread needs to be switched away and back.
 *
 * struct ukarch_ctx is the integer context of a cooperative switch: only
 * the stack and instruction pointers, since the callee-saved registers
 * (and the FPU/SIMD control words, the only callee-saved parts of the
 * FPU state in both ABIs) are pushed on the stack by ukarch_ctx_switch().
 * The extended context (all FPU/SIMD registers) is saved separately with
 * ukarch_ectx_store/load, which is only needed when a thread is switched
 * away at an arbitrary point (preemption), not at a function call.
 */
#ifndef __UK_ARCH_CTX_H__
#define __UK_ARCH_CTX_H__

#include <uk/arch/types.h>

struct ukarch_ctx {
	__uptr ip;		/* where the context resumes */
	__uptr sp;		/* its stack pointer at that point */
#if defined(__aarch64__)
	/* The thread's pointer-authentication key (APIAKey_EL1, lo and
	 * hi): when PAuth is on, ukarch_ctx_switch saves the CPU's key
	 * here and loads the next context's. Return addresses a thread
	 * signed are only valid under its own key. */
	__u64 pac_key[2];
#endif
};

/* Stack alignment the ABI requires at a call. */
#define UKARCH_SP_ALIGN		16

/* Prepares ctx to call entry(arg0, arg1) on the stack whose top (highest
 * address) is sp when first switched to. entry must not return. arm64:
 * also gives the context a fresh pointer-authentication key (from the
 * CSPRNG once it is seeded). */
void ukarch_ctx_init_entry2(struct ukarch_ctx *ctx, __uptr sp,
			    void (*entry)(long, long), long arg0, long arg1);

/* Gives ctx (after ukarch_ctx_init_entry2) the running context's
 * pointer-authentication key instead of a fresh one: for another stack
 * of the same thread (a signal handler's sigaltstack), so that a jump
 * between the two (siglongjmp) keeps its return addresses valid. A
 * no-op but on arm64. */
#if defined(__aarch64__)
void ukarch_ctx_keep_key(struct ukarch_ctx *ctx);
#else
static inline void ukarch_ctx_keep_key(struct ukarch_ctx *ctx __attribute__((unused)))
{
}
#endif

/* Saves the current context in store and resumes load. Returns when
 * something switches back to store. Interrupt state is not touched. */
void ukarch_ctx_switch(struct ukarch_ctx *store, struct ukarch_ctx *load);

struct __regs;

/* Makes the interrupted context regs, when it resumes, first call fn() as
 * if from the interrupted instruction, with every register, the flags and
 * the FPU/SIMD state (ukarch_ectx_store/load, on its own stack) preserved
 * around the call. fn gets the interrupted registers as a struct __regs
 * on the stack and their FPU/SIMD state as an extended context (ectx,
 * UKARCH_ECTX_SIZE bytes, UKARCH_ECTX_ALIGN-aligned); what it changes
 * there (a signal handler's uc_mcontext and FPU state) is the state
 * resumed after it. Interrupt handlers use it to preempt a
 * thread and to deliver signals. Returns 0, or -ENOTSUP where the backend
 * cannot. arm64 has no register free to return through: the call returns
 * with an SVC whose handler (ukarch_regs_inject_return) resumes the saved
 * state. */
int ukarch_regs_inject_call(struct __regs *regs,
			    void (*fn)(struct __regs *regs, void *ectx));
/* The same with the call's frames on another stack, whose top (highest
 * address) is stack (0: regs' own): for a fault on an overflowed stack
 * (a signal handler on the sigaltstack). */
int ukarch_regs_inject_call_on(struct __regs *regs,
			       void (*fn)(struct __regs *regs, void *ectx),
			       __uptr stack);

/* Nonzero if regs was interrupted in an injected call's trampoline (its
 * own saving and restoring, not fn; on x86_64 also ukarch_regs_resume,
 * its way back): a call injected there would nest. */
int ukarch_regs_in_inject_trampoline(const struct __regs *regs);

#if defined(__aarch64__)
/* The SVC immediate that ends an injected call (arm64). */
#define UKARCH_INJECT_SVC	0xa3
/* For the backend's SVC handler: if regs is the end of an injected call,
 * replaces regs by the state saved when it was injected and returns 1;
 * else 0. */
int ukarch_regs_inject_return(struct __regs *regs);
#endif

/* Loads every register of r (general registers, flags, stack pointer)
 * and continues at its instruction pointer, as a return from a trap
 * would; the FPU/SIMD state is left as it is. r may lie on the target
 * stack; x86_64 writes 24 bytes 152 bytes below r's stack pointer (below
 * the red zone), where only r's general registers may be. For new
 * threads that start from a copy of another thread's registers (clone)
 * and the full-frame system-call entry. */
void __attribute__((noreturn)) ukarch_regs_resume(const struct __regs *r);

/* Size and alignment of an extended (FPU/SIMD) context save area. */
#if defined(__x86_64__)
#define UKARCH_ECTX_SIZE	512	/* fxsave: KVM here offers no XSAVE */
#elif defined(__aarch64__)
#define UKARCH_ECTX_SIZE	528	/* q0-q31, fpsr, fpcr */
#endif
#define UKARCH_ECTX_ALIGN	16
/* Saves the CPU's FPU/SIMD registers into ectx / loads them from it. */
void ukarch_ectx_store(void *ectx);
void ukarch_ectx_load(const void *ectx);
/* Puts the CPU's FPU/SIMD control and status in the state a new context
 * starts with (x86_64: fninit's x87 state, MXCSR 0x1f80: exceptions
 * masked, no flags; arm64: FPCR and FPSR 0); data registers are left. */
void ukarch_ectx_init(void);

#endif /* __UK_ARCH_CTX_H__ */
