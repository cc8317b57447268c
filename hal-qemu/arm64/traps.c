/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The C side of every exception vector (entry.S): synchronous exceptions
 * become the HAL's trap events (ukarch_trap_handle) by their syndrome
 * (ESR_EL1), interrupts are acknowledged at the GIC and dispatched as the
 * platform's (ukplat_irq_handle): SGI n is UKPLAT_IRQ_n, the virtual
 * timer UKPLAT_IRQ_TIMER, an SPI the vector routed to it (gic.c).
 */
#include <uk/arch/ctx.h>
#include <uk/arch/nofault.h>
#include <uk/arch/traps.h>
#include <uk/plat/bootstrap.h>
#include <uk/plat/irq.h>
#include <uk/print.h>
#include "arm64.h"

#define EC_UNKNOWN	0x00
#define EC_FP_TRAP	0x07
#define EC_BTI		0x0d
#define EC_ILLEGAL	0x0e
#define EC_SVC		0x15
#define EC_SYSREG	0x18
#define EC_PAC		0x1c
#define EC_IABT_LOW	0x20
#define EC_IABT		0x21
#define EC_PC_ALIGN	0x22
#define EC_DABT_LOW	0x24
#define EC_DABT		0x25
#define EC_SP_ALIGN	0x26
#define EC_FP		0x2c
#define EC_SERROR	0x2f
#define EC_BRK		0x3c
#define BRK_TRAP	0x3e8	/* __builtin_trap() */

#define PSTATE_BTYPE	(3UL << 10)

#define FSC_TAG_CHECK	0x11
#define FSC_ALIGNMENT	0x21

/* The semihosting call of ukplat_terminate (trace.c): without
 * -semihosting it is an undefined instruction, skipped here. */
extern char arm64_semihost_insn[];

/* An address with its top byte (TBI: MTE tag) made canonical again. */
static unsigned long untag(unsigned long va)
{
	return (va & (1UL << 55)) ? va | (0xffUL << 56) : va & ~(0xffUL << 56);
}

static enum ukarch_trap abort_trap(struct ukarch_trap_ctx *ctx,
				   unsigned int ec, unsigned long esr)
{
	unsigned int fsc = (unsigned int)esr & 0x3f;
	int data = ec == EC_DABT || ec == EC_DABT_LOW;

	ctx->fault_addr = untag(ctx->regs->far);
	if (!data && ((ctx->regs->pc >> 47) != 0 &&
		      (ctx->regs->pc >> 47) != 0x1ffff))
		return UKARCH_TRAP_NR_SECURITY;	/* a failed PAC check */
	if (fsc == FSC_TAG_CHECK)
		return UKARCH_TRAP_NR_SECURITY;
	if (fsc == FSC_ALIGNMENT || fsc == 0x10)
		return UKARCH_TRAP_NR_BUS_ERROR;
	if (fsc >= 0x10)
		return UKARCH_TRAP_NR_COUNT;
	ctx->error_code = 0;
	if ((fsc & 0x3c) == 0x0c)		/* permission fault */
		ctx->error_code |= UKARCH_PF_PRESENT;
	if (data && (esr & (1UL << 6)) && !(esr & (1UL << 8)))
		ctx->error_code |= UKARCH_PF_WRITE;	/* WnR, not CM */
	if (!data)
		ctx->error_code |= UKARCH_PF_INSTR;
	return UKARCH_TRAP_NR_PAGE_FAULT;
}

/* Traps nested in trap handling on this CPU: a fault in a trap handler
 * (but a nofault access) would recurse until the exception stack
 * overflows; give up at once instead, as sim does. */
static void handle_trap(struct ukarch_trap_ctx *ctx)
{
	struct arm64_cpu *cpu = arm64_this_cpu();

	if (cpu->trap_depth > 0 &&
	    !ukarch_extable_find(ukarch_regs_ip(ctx->regs))) {
		uk_printk_raw("\n*** fault (ESR 0x%lx) at ip 0x%lx, address "
			      "0x%lx, while handling a trap: giving up\n",
			      ctx->regs->esr, ctx->regs->pc, ctx->regs->far);
		ukplat_terminate(UKPLAT_CRASH, 1);
	}
	cpu->trap_depth++;
	ukarch_trap_handle(ctx);
	cpu->trap_depth--;
}

static void sync_exception(struct __regs *regs)
{
	unsigned long esr = regs->esr;
	unsigned int ec = (unsigned int)(esr >> 26) & 0x3f;
	struct ukarch_trap_ctx ctx = {
		.regs = regs,
		.trapnr = UKARCH_TRAP_NR_COUNT,	/* fatal: no event */
		.vector = ec,
		.error_code = esr,
	};
	unsigned long pc = regs->pc;

	switch (ec) {
	case EC_SVC:
		if (ukarch_regs_inject_return(regs))
			return;
		ctx.trapnr = UKARCH_TRAP_NR_INVALID_OP;
		break;
	case EC_UNKNOWN:
		if (regs->pc == (unsigned long)arm64_semihost_insn) {
			regs->pc += 4;		/* no semihosting */
			regs->x[0] = ~0UL;
			return;
		}
		/* fallthrough */
	case EC_SYSREG:
		ctx.trapnr = UKARCH_TRAP_NR_INVALID_OP;
		break;
	case EC_BRK:
		ctx.trapnr = (esr & 0xffff) == BRK_TRAP ?
			     UKARCH_TRAP_NR_INVALID_OP : UKARCH_TRAP_NR_DEBUG;
		break;
	case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:
		ctx.trapnr = UKARCH_TRAP_NR_DEBUG;
		break;
	case EC_FP_TRAP:
	case EC_FP:
		ctx.trapnr = UKARCH_TRAP_NR_MATH;
		break;
	case EC_BTI:
	case EC_ILLEGAL:
	case EC_PAC:
		ctx.trapnr = UKARCH_TRAP_NR_SECURITY;
		break;
	case EC_PC_ALIGN:
	case EC_SP_ALIGN:
		ctx.fault_addr = untag(regs->far);
		ctx.trapnr = UKARCH_TRAP_NR_BUS_ERROR;
		break;
	case EC_IABT_LOW:
	case EC_IABT:
	case EC_DABT_LOW:
	case EC_DABT:
		ctx.trapnr = abort_trap(&ctx, ec, esr);
		break;
	default:
		break;
	}
	handle_trap(&ctx);
	/* Resumed elsewhere (a fixup): that is no branch target, so the
	 * BTYPE of an indirect call into the faulting code must not
	 * follow it there. */
	if (regs->pc != pc)
		regs->pstate &= ~PSTATE_BTYPE;
}

/* Vectors without an SGI of their own, sent through ARM64_SGI_SOFT. */
static void soft_vectors(struct arm64_cpu *cpu, struct __regs *regs)
{
	unsigned long pending = __atomic_exchange_n(&cpu->soft_pending, 0,
						    __ATOMIC_ACQUIRE);
	unsigned int vec;

	while (pending) {
		vec = (unsigned int)__builtin_ctzl(pending);
		pending &= pending - 1;
		cpu->dispatches++;
		ukplat_irq_handle(vec, regs);
	}
}

static void irq(struct __regs *regs)
{
	struct arm64_cpu *cpu = arm64_this_cpu();
	__u32 iar = arm64_gic_ack();
	__u32 intid = iar & 0x3ff;
	unsigned long vec;
	int spi;

	if (intid >= ARM64_INTID_SPURIOUS - 3)
		return;			/* spurious: no EOI */
	if (intid == ARM64_INTID_VTIMER) {
		int due = arm64_timer_irq(cpu);

		arm64_gic_eoi(iar);
		if (!due)
			return;		/* a halt's wake-up or stale */
		vec = UKPLAT_IRQ_TIMER;
	} else if (intid == ARM64_SGI_SOFT) {
		arm64_gic_eoi(iar);
		soft_vectors(cpu, regs);
		return;
	} else if (intid < 16) {
		arm64_gic_eoi(iar);
		vec = intid;
	} else {
		spi = intid >= 32 ? arm64_gic_spi_vector(intid) : -1;
		if (spi < 0 || spi >= UKPLAT_IRQ_COUNT) {
			arm64_gic_eoi(iar);
			return;		/* another PPI, an unrouted SPI */
		}
		/* Level triggered: the end of interrupt comes once the
		 * handler quieted the device, or it would fire again. */
		cpu->dispatches++;
		ukplat_irq_handle((unsigned long)spi, regs);
		arm64_gic_eoi(iar);
		return;
	}
	cpu->dispatches++;
	ukplat_irq_handle(vec, regs);
}

void arm64_exception(unsigned long kind, struct __regs *regs)
{
	struct ukarch_trap_ctx ctx = {
		.regs = regs, .trapnr = UKARCH_TRAP_NR_COUNT,
		.vector = kind, .error_code = regs->esr,
	};

	if (kind & 8) {
		uk_printk_raw("\n*** exception from a lower level\n");
		ukarch_trap_handle(&ctx);
		return;
	}
	switch (kind & 3) {
	case 0:
		sync_exception(regs);
		break;
	case 1:
		irq(regs);
		break;
	case 2:
		uk_printk_raw("\n*** unexpected FIQ\n");
		ukarch_trap_handle(&ctx);
		break;
	default:
		uk_printk_raw("\n*** SError (asynchronous external abort)\n");
		ctx.trapnr = UKARCH_TRAP_NR_BUS_ERROR;
		ukarch_trap_handle(&ctx);
		break;
	}
}
