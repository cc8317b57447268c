/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arm64 crash-report helpers: the registers, and the exception syndrome
 * (ESR_EL1) decoded into words (Arm ARM D17.2.37).
 */
#include <uk/arch/traps.h>
#include <uk/essentials.h>
#include <uk/print.h>

void ukarch_regs_dump(const struct __regs *r)
{
	unsigned int i;

	uk_printk_raw("Registers:\n"
		      "  PC:  %016lx  SP:  %016lx  PSTATE: %08lx\n"
		      "  LR:  %016lx  ESR: %016lx  FAR: %016lx\n",
		      r->pc, r->sp, r->pstate, r->lr, r->esr, r->far);
	for (i = 0; i < 30; i += 3)
		uk_printk_raw("  X%-2u: %016lx  X%-2u: %016lx  X%-2u: %016lx\n",
			      i, r->x[i], i + 1, r->x[i + 1], i + 2,
			      r->x[i + 2]);
}

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "undefined instruction";
	case 0x01: return "WFI/WFE trapped";
	case 0x07: return "FP/SIMD access trapped";
	case 0x0d: return "branch target exception (BTI)";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x18: return "system register access trapped";
	case 0x1c: return "PAC failure";
	case 0x20: case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "floating-point exception";
	case 0x2f: return "SError";
	case 0x30: case 0x31: return "breakpoint";
	case 0x32: case 0x33: return "software step";
	case 0x34: case 0x35: return "watchpoint";
	case 0x3c: return "BRK instruction";
	default: return "exception";
	}
}

/* The fault status code of an abort (ISS[5:0]). */
static const char *fsc_name(unsigned int fsc)
{
	switch (fsc & 0x3c) {
	case 0x00: return "address size fault";
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	}
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x11: return "synchronous tag check fault";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict";
	default: return "fault";
	}
}

/* Whether va is outside both canonical halves of a 48-bit space: what a
 * branch to a pointer that failed authentication looks like without
 * FEAT_FPAC (the check leaves an error code in the top bits). */
static int non_canonical(unsigned long va)
{
	unsigned long top = va >> 47;

	return top != 0 && top != 0x1ffff;
}

void ukarch_trap_explain(const struct ukarch_trap_ctx *ctx)
{
	unsigned long esr = ctx->regs->esr;
	unsigned int ec = (unsigned int)(esr >> 26) & 0x3f;
	unsigned int fsc = (unsigned int)esr & 0x3f;

	uk_printk_raw("Exception: %s", ec_name(ec));
	if (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25) {
		uk_printk_raw(", %s", fsc_name(fsc));
		if (fsc < 0x10)
			uk_printk_raw(" (level %u)", fsc & 3);
		if (ec >= 0x24)
			uk_printk_raw(", %s", (esr & (1UL << 6)) ?
				      "write" : "read");
	}
	uk_printk_raw(" (ESR 0x%lx)\n", esr);
	if ((ec == 0x20 || ec == 0x21) && non_canonical(ctx->regs->pc))
		uk_printk_raw("PAC failure: a branch to 0x%016lx, a pointer "
			      "that failed authentication (a corrupted return "
			      "address? without its PAC: 0x%016lx)\n",
			      ctx->regs->pc, ctx->regs->pc & ((1UL << 48) - 1));
	else if (ec == 0x1c)
		uk_printk_raw("PAC failure: a pointer failed authentication "
			      "(a corrupted return address?)\n");
	else if (ec >= 0x24 && ec <= 0x25 && fsc == 0x11)
		uk_printk_raw("Tag check fault: the pointer's tag %lu does not "
			      "match the memory's (use after free, or an "
			      "overflow into another block?)\n",
			      (ctx->regs->far >> 56) & 0xf);
}
