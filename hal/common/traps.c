/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trap dispatch shared by every backend: raise the trap's event; if no
 * handler takes it, print the crash report and end the kernel.
 */
#include <uk/arch/nofault.h>
#include <uk/arch/traps.h>
#include <uk/assert.h>
#include <uk/event.h>
#include <uk/print.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/lcpu.h>

UK_EVENT(UKARCH_TRAP_DIVIDE);
UK_EVENT(UKARCH_TRAP_DEBUG);
UK_EVENT(UKARCH_TRAP_INVALID_OP);
UK_EVENT(UKARCH_TRAP_PAGE_FAULT);
UK_EVENT(UKARCH_TRAP_BUS_ERROR);
UK_EVENT(UKARCH_TRAP_SECURITY);
UK_EVENT(UKARCH_TRAP_MATH);
UK_EVENT(UKARCH_TRAP_DOUBLE_FAULT);

static const struct {
	const char *name;
	const struct uk_event *event;
} traps[UKARCH_TRAP_NR_COUNT] = {
	[UKARCH_TRAP_NR_DIVIDE] = { "divide error",
		UK_EVENT_PTR(UKARCH_TRAP_DIVIDE) },
	[UKARCH_TRAP_NR_DEBUG] = { "debug trap",
		UK_EVENT_PTR(UKARCH_TRAP_DEBUG) },
	[UKARCH_TRAP_NR_INVALID_OP] = { "invalid opcode",
		UK_EVENT_PTR(UKARCH_TRAP_INVALID_OP) },
	[UKARCH_TRAP_NR_PAGE_FAULT] = { "page fault",
		UK_EVENT_PTR(UKARCH_TRAP_PAGE_FAULT) },
	[UKARCH_TRAP_NR_BUS_ERROR] = { "bus error",
		UK_EVENT_PTR(UKARCH_TRAP_BUS_ERROR) },
	[UKARCH_TRAP_NR_SECURITY] = { "general protection fault",
		UK_EVENT_PTR(UKARCH_TRAP_SECURITY) },
	[UKARCH_TRAP_NR_MATH] = { "floating-point exception",
		UK_EVENT_PTR(UKARCH_TRAP_MATH) },
	[UKARCH_TRAP_NR_DOUBLE_FAULT] = { "double fault",
		UK_EVENT_PTR(UKARCH_TRAP_DOUBLE_FAULT) },
};

/* How far from the stack pointer and below a stack a fault still counts
 * as overflowing it. */
#define STACK_GUARD_SLACK	(64UL * 1024)

const char *ukarch_trap_name(enum ukarch_trap trapnr)
{
	if ((unsigned int)trapnr >= UKARCH_TRAP_NR_COUNT)
		return "unknown trap";
	return traps[trapnr].name;
}

/*
 * Returns the stack region a fault at addr overflowed: addr is close to
 * the stack pointer, and inside the region or just below it (a backend
 * may describe a stack that grows on demand by its largest extent).
 */
static const struct ukplat_memregion_desc *stack_overflowed(__vaddr_t addr,
							    __vaddr_t sp)
{
	const struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	const struct ukplat_memregion_desc *mrd;
	unsigned int i;

	if (!bi || addr + STACK_GUARD_SLACK < sp ||
	    addr > sp + STACK_GUARD_SLACK)
		return NULL;
	for (i = 0; i < bi->nr_mrds; i++) {
		mrd = &bi->mrds[i];
		if (mrd->type != UKPLAT_MEMRT_STACK)
			continue;
		if (addr + STACK_GUARD_SLACK >= mrd->vbase &&
		    addr < mrd->vbase + mrd->len)
			return mrd;
	}
	return NULL;
}

static void print_fault(const struct ukarch_trap_ctx *ctx)
{
	unsigned long ec = ctx->error_code;
	const char *access;

	if (ctx->trapnr != UKARCH_TRAP_NR_PAGE_FAULT &&
	    ctx->trapnr != UKARCH_TRAP_NR_BUS_ERROR)
		return;
	if (stack_overflowed(ctx->fault_addr, ukarch_regs_sp(ctx->regs))) {
		uk_printk_raw("Stack overflow: access to 0x%016lx, beyond the "
			      "stack's limit (sp 0x%016lx)\n", ctx->fault_addr,
			      ukarch_regs_sp(ctx->regs));
		return;
	}
	access = (ec & UKARCH_PF_INSTR) ? "execute" :
		 (ec & UKARCH_PF_WRITE) ? "write" : "read";
	uk_printk_raw("Faulting address: 0x%016lx (%s, %s)%s\n",
		      ctx->fault_addr, access,
		      (ec & UKARCH_PF_PRESENT) ? "protection violation"
					       : "page not present",
		      ctx->fault_addr < 4096 ? " -- NULL pointer dereference"
					     : "");
}

void __noreturn ukarch_trap_crash(struct ukarch_trap_ctx *ctx, int status)
{
	uk_printk_raw("\n*** KERNEL CRASH: %s (vector %lu, error code "
		      "0x%lx) at ip 0x%016lx on CPU %u\n",
		      ukarch_trap_name(ctx->trapnr), ctx->vector,
		      ctx->error_code, ukarch_regs_ip(ctx->regs),
		      (unsigned int)ukplat_lcpu_idx());
	ukarch_trap_explain(ctx);
	print_fault(ctx);
	ukarch_regs_dump(ctx->regs);
	uk_crash_finish(ctx->regs, status);
}

/*
 * A double fault is mostly a fault that could not push its frame: a stack
 * overflow into a guard page with nowhere else to go. The last fault's
 * address is explained as a page fault (vmem names the stack and its
 * thread) before the crash report, whatever the handlers answer.
 */
static void double_fault_explain(struct ukarch_trap_ctx *ctx)
{
	struct ukarch_trap_ctx pf = {
		.regs = ctx->regs,
		.trapnr = UKARCH_TRAP_NR_PAGE_FAULT,
		.vector = ctx->vector,
		.error_code = UKARCH_PF_WRITE,
		.fault_addr = ctx->fault_addr,
	};

	uk_printk_raw("\n*** double fault (last fault at 0x%016lx: a "
		      "stack overflow?)\n", ctx->fault_addr);
	if (ctx->fault_addr)
		uk_raise_event_ptr(traps[UKARCH_TRAP_NR_PAGE_FAULT].event,
				   &pf);
}

void __uk_entry ukarch_trap_handle(struct ukarch_trap_ctx *ctx)
{
	int rc = UK_EVENT_NOT_HANDLED;

	if (ctx->trapnr == UKARCH_TRAP_NR_DOUBLE_FAULT) {
		double_fault_explain(ctx);
		uk_raise_event_ptr(traps[ctx->trapnr].event, ctx);
		ukarch_trap_crash(ctx, 1);
	}

	if ((unsigned int)ctx->trapnr < UKARCH_TRAP_NR_COUNT)
		rc = uk_raise_event_ptr(traps[ctx->trapnr].event, ctx);
	if (rc == UK_EVENT_HANDLED)
		return;
	/* After the handlers, so demand paging serves nofault accesses. */
	if (ukarch_extable_fixup(ctx))
		return;
	ukarch_trap_crash(ctx, 1);
}
