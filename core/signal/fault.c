/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Faults as signals, as Linux has them: a fault in app code of an app
 * thread (a store to a PROT_NONE page, an unmapped address, an integer
 * divide by zero, an undefined or a breakpoint instruction) that no trap
 * handler before this one served (vmem's demand paging, nofault) runs
 * the app's handler of SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGTRAP in the
 * faulting thread, as if called from the faulting instruction (the way
 * asynchronous signals interrupt app code: ukarch_regs_inject_call),
 * with the faulting
 * registers in its ucontext; what it leaves there resumes (the faulting
 * instruction again, unless it moved the pc), or it siglongjmps out.
 * A signal blocked, ignored or at its default action, or a stack with
 * no room for the handler's frames without a sigaltstack to go to, is
 * Linux's force_sig: the crash report, and the program ends with 128 +
 * the signal. Faults of kernel code stay kernel crashes.
 */
#include <string.h>
#include <uk/arch/ctx.h>
#include <uk/arch/nofault.h>
#include <uk/arch/preempt.h>
#include <uk/arch/traps.h>
#include <uk/event.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/ucontext.h>
#include <uk/vmem.h>
#include "signal_impl.h"

/* Linux's numbers and si_codes. */
#define U_SIGILL	4
#define U_SIGTRAP	5
#define U_SIGBUS	7
#define U_SIGFPE	8
#define U_SIGSEGV	11
#define U_ILL_ILLOPC	1
#define U_ILL_ILLOPN	2
#define U_FPE_INTDIV	1
#define U_FPE_FLTDIV	3
#define U_FPE_FLTOVF	4
#define U_FPE_FLTUND	5
#define U_FPE_FLTRES	6
#define U_FPE_FLTINV	7
#define U_FPE_FLTUNK	14
#define U_BUS_ADRALN	1
#define U_TRAP_BRKPT	1
#if defined(__x86_64__)
#define X86_TRAP_BP	3	/* int3 */
#define X86_TRAP_PF	14
#define X86_TRAP_MF	16	/* x87 floating-point exception */
#define X86_TRAP_XM	19	/* SIMD floating-point exception */
#else
#define ARM64_EC_BRK	0x3c	/* brk (vector: the exception class) */
#define ARM64_EC_FP_EXC	0x2c	/* a trapped floating-point exception */
#define ESR_EC_SHIFT	26
#define ESR_FP_TFV	(1UL << 23)	/* the exception bits are valid */
#endif
#define U_SA_ONSTACK	0x08000000UL
#define U_SS_DISABLE	2

/* What the handler's call needs below the faulting stack pointer: the
 * trap's own frames where it is taken on that stack (x86_64 metal), the
 * injected call's, the signal frame (core/signal's deliver) and some of
 * the handler's own. */
#define FRAME_ROOM	(sizeof(struct uk_sigframe) + 16384)

#if defined(__x86_64__)
/* The unmasked exceptions that raised an x87 (#MF: the status word
 * under the control word's masks) or SIMD one (#XM: MXCSR's flags under
 * its masks), from the trapped code's state, as Linux's
 * fpu__exception_code reads them. */
static unsigned int fpe_bits(const struct ukarch_trap_ctx *ctx)
{
	__u8 live[UKARCH_ECTX_SIZE] __align(UKARCH_ECTX_ALIGN);
	const struct uk_fpstate *fp = ctx->ectx;

	if (!fp) {
		ukarch_ectx_store(live);
		fp = (const struct uk_fpstate *)live;
	}
	if (ctx->vector == X86_TRAP_MF)
		return fp->swd & ~fp->cwd;
	return fp->mxcsr & ~(fp->mxcsr >> 7);
}
#else
/* The exceptions a trapped one reports in its syndrome (ISS: IOF DZF
 * OFF UFF IXF in bits 0-4, as MXCSR's flags IE ZE OE UE PE but for DE),
 * none without TFV: Linux's do_fpsimd_exc then says FPE_FLTUNK. */
static unsigned int fpe_bits(const struct ukarch_trap_ctx *ctx)
{
	unsigned long esr = ctx->regs->esr;

	if (!(esr & ESR_FP_TFV))
		return 0;
	return (esr & 0x1) | (esr & 0x1e) << 1;
}
#endif

/* Linux's si_code of a floating-point exception with the x86 flag bits
 * (invalid 0x01, denormal 0x02, divide 0x04, overflow 0x08, underflow
 * 0x10, precision 0x20): the first in Linux's order; 0 for none (a
 * spurious trap, which Linux resumes on x86; arm64 says FPE_FLTUNK). */
static int fpe_code(const struct ukarch_trap_ctx *ctx)
{
	unsigned int err = fpe_bits(ctx);

	if (err & 0x01)
		return U_FPE_FLTINV;
	if (err & 0x04)
		return U_FPE_FLTDIV;
	if (err & 0x08)
		return U_FPE_FLTOVF;
	if (err & 0x12)
		return U_FPE_FLTUND;
	if (err & 0x20)
		return U_FPE_FLTRES;
#if defined(__x86_64__)
	return 0;
#else
	return U_FPE_FLTUNK;
#endif
}

/* Whether the trap is an FP exception's (not x86's device not
 * available, not arm64's trapped FP access). */
static int fpe_trap(const struct ukarch_trap_ctx *ctx)
{
#if defined(__x86_64__)
	return ctx->vector == X86_TRAP_MF || ctx->vector == X86_TRAP_XM;
#else
	return ctx->vector == ARM64_EC_FP_EXC;
#endif
}

/* The signal Linux sends for the trap ctx, with its si_code and si_addr
 * (the data address of a memory fault, else the instruction's); 0 for a
 * trap that is no signal here. */
static int fault_signal(const struct ukarch_trap_ctx *ctx, int *code,
			__uptr *addr)
{
	*addr = ukarch_regs_ip(ctx->regs);
	switch (ctx->trapnr) {
	case UKARCH_TRAP_NR_PAGE_FAULT:
		*addr = ctx->fault_addr;
		return uk_vmem_fault_signal(ctx->fault_addr, code);
	case UKARCH_TRAP_NR_SECURITY:
#if defined(__x86_64__)
		/* #GP (a non-canonical address): no address. */
		*addr = 0;
		*code = UK_SI_KERNEL;
		return U_SIGSEGV;
#else
		/* A failed PAC or BTI check, an illegal state. */
		*code = U_ILL_ILLOPN;
		return U_SIGILL;
#endif
	case UKARCH_TRAP_NR_BUS_ERROR:
		/* Misalignment (a file's end is a page fault's). */
		*addr = ctx->fault_addr;
		*code = U_BUS_ADRALN;
		return U_SIGBUS;
	case UKARCH_TRAP_NR_DIVIDE:
		*code = U_FPE_INTDIV;
		return U_SIGFPE;
	case UKARCH_TRAP_NR_MATH:
		/* si_addr the instruction that trapped (x87: the waiting
		 * one after the cause); *code 0: spurious. */
		if (!fpe_trap(ctx))
			return 0;
		*code = fpe_code(ctx);
		return U_SIGFPE;
	case UKARCH_TRAP_NR_DEBUG:
		/* A breakpoint instruction; not single steps. */
#if defined(__x86_64__)
		if (ctx->vector != X86_TRAP_BP)
			return 0;
		*addr = 0;		/* Linux's force_sig: no address */
		*code = UK_SI_KERNEL;	/* the pc is past the int3 */
#else
		if (ctx->vector != ARM64_EC_BRK)
			return 0;
		*code = U_TRAP_BRKPT;	/* the pc is the brk */
#endif
		return U_SIGTRAP;
	case UKARCH_TRAP_NR_INVALID_OP:
#if defined(__x86_64__)
		*code = U_ILL_ILLOPN;	/* ud2: Linux's do_error_trap */
#else
		if (ctx->vector == ARM64_EC_BRK) {
			/* brk #0x3e8 (__builtin_trap), which the HAL calls
			 * an invalid opcode: to Linux any brk of the app
			 * is a breakpoint. */
			*code = U_TRAP_BRKPT;
			return U_SIGTRAP;
		}
		*code = U_ILL_ILLOPC;	/* udf: Linux's do_undefinstr */
#endif
		return U_SIGILL;
	default:
		return 0;
	}
}

#if defined(__x86_64__)
/* The error code Linux shows for the trap: a page fault's is the
 * hardware's with the user bit (app code runs in the kernel's ring
 * here), the other traps' the hardware's (0 without one). */
static unsigned long fault_err(const struct ukarch_trap_ctx *ctx)
{
	if (ctx->vector == X86_TRAP_PF)
		return ctx->error_code | UKARCH_PF_USER;
	return ctx->error_code;
}
#else
/* The syndrome Linux shows: the app's faults are taken from EL1 here,
 * from EL0 on Linux, whose classes of instruction and data aborts,
 * breakpoints, steps and watchpoints are one less. */
static unsigned long fault_err(const struct ukarch_trap_ctx *ctx)
{
	unsigned long esr = ctx->regs->esr;
	unsigned long ec = (esr >> ESR_EC_SHIFT) & 0x3f;

	if (ec == 0x21 || ec == 0x25 || ec == 0x31 || ec == 0x33 ||
	    ec == 0x35)
		esr -= 1UL << ESR_EC_SHIFT;
	return esr;
}
#endif

/* Whether the trap interrupted the app's own code in an app thread: not
 * kernel code (its text, a lock held: the preemption count above the
 * locks the caller holds, a binary's trapped system call), not an
 * injected call's trampoline. */
static int app_fault(struct uk_thread *t, const struct ukarch_trap_ctx *ctx,
		     unsigned int locks)
{
	__uptr ip = ukarch_regs_ip(ctx->regs);

	return t && uk_thread_is_app(t) && !(t->flags & UK_THREADF_IDLE) &&
	       uk_preempt_count() == locks && uk_sched_ip_is_app(ip) &&
	       !ukarch_extable_find(ip) && !uk_thread_in_binary_call(t) &&
	       !ukarch_regs_in_inject_trampoline(ctx->regs) &&
	       !t->sig_fault;
}

int uk_vmem_fault_is_signal(const struct ukarch_trap_ctx *ctx, int sig)
{
	struct uk_thread *t = uk_thread_current();
	unsigned long act_flags;

	/* The VAS lock is the one count of ours. */
	return app_fault(t, ctx, 1) && sig_fault_caught(t, sig, &act_flags);
}

static int on_altstack(const struct uk_thread *t, __uptr sp)
{
	return sp > t->sig_altstack_sp &&
	       sp <= t->sig_altstack_sp + t->sig_altstack_size;
}

/* Whether the stack below sp takes the handler's call: the thread's own
 * stack (the boot stack is no VMA) or a writable mapping. */
static int stack_has_room(const struct uk_thread *t, __uptr sp)
{
	__uptr lo = sp - FRAME_ROOM, base = (__uptr)t->stack;

	if (sp < FRAME_ROOM)
		return 0;
	if (uk_vmem_writable(lo, FRAME_ROOM))
		return 1;
	return !(t->flags & UK_THREADF_FOREIGN) && t->stack && lo >= base &&
	       sp <= base + t->stack_size;
}

/*
 * Where the handler's call goes, in *stack: 0 for the faulting stack,
 * the top of the sigaltstack when that stack has no room (an overflow:
 * Linux cannot write its frame there either) and the handler asked for
 * it (SA_ONSTACK). Returns 0, or -1 if neither can take it.
 */
static int call_stack(const struct uk_thread *t, __uptr sp,
		      unsigned long act_flags, __uptr *stack)
{
	*stack = 0;
	if (stack_has_room(t, sp))
		return 0;
	if (!(act_flags & U_SA_ONSTACK) || !t->sig_altstack_size ||
	    (t->sig_altstack_flags & U_SS_DISABLE) || on_altstack(t, sp))
		return -1;
	*stack = t->sig_altstack_sp + t->sig_altstack_size;
	return 0;
}

/* Injected into the faulting thread: runs as if called from the faulting
 * instruction, with its state regs and ectx. */
static void fault_hook(struct __regs *regs, void *ectx)
{
	struct uk_thread *t = uk_thread_current();
	struct uk_siginfo info;
	__uptr addr = t->sig_fault_addr;
	struct uk_sigfault trap = {
		.trapno = t->sig_fault_trapno,
		.err = t->sig_fault_err,
	};

	memset(&info, 0, sizeof(info));
	info.si_signo = t->sig_fault;
	info.si_code = t->sig_fault_code;
	memcpy(&info.si_a, &addr, sizeof(addr));
#if defined(__x86_64__)
	/* Linux's thread.cr2: only a page fault's signal changes it. */
	trap.cr2 = t->sig_fault_cr2;
#else
	/* The trampoline's struct has none: uc_mcontext.fault_address,
	 * which Linux sets for memory faults only. */
	regs->far = (t->sig_fault == U_SIGSEGV || t->sig_fault == U_SIGBUS) ?
		    addr : 0;
#endif
	t->sig_fault = 0;
	sig_fault_deliver(&info, regs, ectx, &trap);
}

/* The default action of a fault's signal: today's crash report (what
 * one debugs with), then the end with Linux's status. */
static void __noreturn fault_default(struct ukarch_trap_ctx *ctx, int sig)
{
	sig_say_core(sig);
	ukarch_trap_crash(ctx, 128 + sig);
}

static int fault_to_signal(void *data)
{
	struct ukarch_trap_ctx *ctx = data;
	struct uk_thread *t = uk_thread_current();
	unsigned long act_flags;
	__uptr addr, stack;
	int sig, code;

	if (!app_fault(t, ctx, 0))
		return UK_EVENT_NOT_HANDLED;
	sig = fault_signal(ctx, &code, &addr);
	if (!sig)
		return UK_EVENT_NOT_HANDLED;
	if (sig == U_SIGFPE && !code)
		return UK_EVENT_HANDLED;	/* spurious: Linux resumes */
	if (!sig_fault_caught(t, sig, &act_flags))
		fault_default(ctx, sig);
	if (call_stack(t, ukarch_regs_sp(ctx->regs), act_flags, &stack)) {
		uk_printk_raw("amphi: no stack for the handler of signal %d "
			      "(stack pointer 0x%lx)\n", sig,
			      (unsigned long)ukarch_regs_sp(ctx->regs));
		fault_default(ctx, sig);
	}
	t->sig_fault = sig;
	t->sig_fault_code = code;
	t->sig_fault_addr = addr;
	t->sig_fault_trapno = ctx->vector;
	t->sig_fault_err = fault_err(ctx);
#if defined(__x86_64__)
	if (ctx->vector == X86_TRAP_PF)
		t->sig_fault_cr2 = addr;
#endif
	if (ukarch_regs_inject_call_on(ctx->regs, fault_hook, stack)) {
		t->sig_fault = 0;
		return UK_EVENT_NOT_HANDLED;
	}
	return UK_EVENT_HANDLED;
}

/* Last: demand paging and the test handlers go first. */
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, fault_to_signal, 9);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_SECURITY, fault_to_signal, 9);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_BUS_ERROR, fault_to_signal, 9);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_DIVIDE, fault_to_signal, 9);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_INVALID_OP, fault_to_signal, 9);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_DEBUG, fault_to_signal, 9);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_MATH, fault_to_signal, 9);
