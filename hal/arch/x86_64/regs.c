/* SPDX-License-Identifier: BSD-3-Clause */
#include <uk/arch/traps.h>
#include <uk/print.h>

void ukarch_regs_dump(const struct __regs *r)
{
	uk_printk_raw("Registers:\n"
		"  RIP: %016lx  RSP: %016lx  RFLAGS: %08lx\n"
		"  RAX: %016lx  RBX: %016lx  RCX: %016lx\n"
		"  RDX: %016lx  RSI: %016lx  RDI: %016lx\n"
		"  RBP: %016lx  R8:  %016lx  R9:  %016lx\n"
		"  R10: %016lx  R11: %016lx  R12: %016lx\n"
		"  R13: %016lx  R14: %016lx  R15: %016lx\n"
		"  CS: %04lx  SS: %04lx  error code: %lx\n",
		r->rip, r->rsp, r->eflags, r->rax, r->rbx, r->rcx,
		r->rdx, r->rsi, r->rdi, r->rbp, r->r8, r->r9,
		r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
		r->cs, r->ss, r->orig_rax);
}

/* The vector and error code in the report's first line say it all. */
void ukarch_trap_explain(const struct ukarch_trap_ctx *ctx)
{
}
