/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traps. The backend turns a CPU exception (metal) or a fault signal (sim)
 * into a struct ukarch_trap_ctx and calls ukarch_trap_handle(), which
 * raises the trap's event (uk/event.h). A handler that fixes the cause
 * (demand paging, nofault fixup) edits ctx->regs if needed and returns
 * UK_EVENT_HANDLED; the backend then resumes at ctx->regs. core/signal
 * takes, last, a fault in app code the app has a signal handler for (the
 * handler runs as if called from the faulting instruction). If no handler
 * takes it, the kernel prints a crash report and ends with a non-zero
 * status.
 *
 * Events (raise with the ctx as data):
 *   UKARCH_TRAP_DIVIDE       integer divide error
 *   UKARCH_TRAP_DEBUG        breakpoint / single step
 *   UKARCH_TRAP_INVALID_OP   undefined instruction
 *   UKARCH_TRAP_PAGE_FAULT   access to an unmapped or protected page
 *   UKARCH_TRAP_BUS_ERROR    access beyond a mapped object / misaligned
 *   UKARCH_TRAP_SECURITY     general protection (e.g. non-canonical)
 *   UKARCH_TRAP_MATH         floating-point exception
 *   UKARCH_TRAP_DOUBLE_FAULT a fault during the delivery of another
 *                            (fatal; handlers may only explain it)
 */
#ifndef __UK_ARCH_TRAPS_H__
#define __UK_ARCH_TRAPS_H__

#include <uk/arch/regs.h>

enum ukarch_trap {
	UKARCH_TRAP_NR_DIVIDE,
	UKARCH_TRAP_NR_DEBUG,
	UKARCH_TRAP_NR_INVALID_OP,
	UKARCH_TRAP_NR_PAGE_FAULT,
	UKARCH_TRAP_NR_BUS_ERROR,
	UKARCH_TRAP_NR_SECURITY,
	UKARCH_TRAP_NR_MATH,
	/* A fault while the CPU delivered another (x86 #DF; arm64: an
	 * exception taken on a broken stack): always fatal. The backend
	 * gives the last fault address it knows in fault_addr (0: none). */
	UKARCH_TRAP_NR_DOUBLE_FAULT,
	UKARCH_TRAP_NR_COUNT
};

/* Page fault error-code bits (x86 layout, also used by sim and arm64). */
#define UKARCH_PF_PRESENT	0x1	/* page was present (protection) */
#define UKARCH_PF_WRITE		0x2	/* access was a write */
#define UKARCH_PF_USER		0x4
#define UKARCH_PF_INSTR		0x10	/* instruction fetch */

struct ukarch_trap_ctx {
	struct __regs *regs;		/* saved state; resume from here */
	enum ukarch_trap trapnr;
	unsigned long vector;		/* hardware vector or signal number */
	unsigned long error_code;	/* UKARCH_PF_* for page faults */
	unsigned long fault_addr;	/* faulting address, if any */
	/* The trapped code's FPU/SIMD state (uk/arch/ctx.h's ectx layout)
	 * where the backend holds it elsewhere (sim: the host's signal
	 * frame); NULL: the CPU's own, live while the trap is handled. */
	const void *ectx;
};

/* Called by the backend for every trap, in the trap's context. Returns
 * once a handler has taken the trap; crashes the kernel otherwise. */
void ukarch_trap_handle(struct ukarch_trap_ctx *ctx);

/* Prints the crash report of a trap no handler took and ends the kernel
 * with status (1; a fault in app code whose signal takes its default
 * action: 128 + the signal, as Linux's shell shows). */
void __attribute__((noreturn))
ukarch_trap_crash(struct ukarch_trap_ctx *ctx, int status);

/* Name of a trap ("page fault", ...). */
const char *ukarch_trap_name(enum ukarch_trap trapnr);

/* Prints, for a crash report, what the architecture tells beyond the
 * trap's name (arm64: the exception syndrome decoded, e.g. "data abort,
 * synchronous tag check fault"); nothing on x86_64. */
void ukarch_trap_explain(const struct ukarch_trap_ctx *ctx);

/* Prints the registers of regs, one line per few registers. */
void ukarch_regs_dump(const struct __regs *regs);

#endif /* __UK_ARCH_TRAPS_H__ */
