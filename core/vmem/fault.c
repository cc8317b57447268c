/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The page-fault handler: demand paging of the active VAS. A fault inside
 * a VMA that allows the access is served by the VMA type's fault op and
 * the access resumes. Any other fault in the VAS window is explained on
 * the console (unmapped address, guard page, write to read-only...),
 * unless it becomes a signal the app handles (core/signal), and left to
 * the next handlers; with none, the trap code's crash report
 * follows. Faults at instructions listed in the nofault fixup table are
 * left alone silently: the fixup handles them.
 */
#include <errno.h>
#include <uk/arch/nofault.h>
#include <uk/arch/traps.h>
#include <uk/essentials.h>
#include <uk/event.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "vmem_internal.h"

enum verdict {
	V_PAGED,		/* page mapped: resume */
	V_PRESENT,		/* already mapped meanwhile: resume */
	V_UNMAPPED,
	V_GUARD,
	V_PROT,
	V_NOPAGING,		/* nofault call asked for no paging */
	V_BUS,			/* beyond the end of a mapped file */
	V_NOMEM,
	V_BUG,
};

/* Nonzero if a VMA with attr allows the access described by err. */
static int access_ok(unsigned long attr, unsigned long err)
{
	if (err & UKARCH_PF_INSTR)
		return attr & PAGE_ATTR_PROT_EXEC;
	if (err & UKARCH_PF_WRITE)
		return attr & PAGE_ATTR_PROT_WRITE;
	return attr & PAGE_ATTR_PROT_READ;
}

static enum verdict serve(struct uk_vas *vas, __vaddr_t addr,
			  unsigned long err, const struct uk_vma **vmap,
			  int *rcp)
{
	struct uk_vma *vma;
	__pte_t pte;
	unsigned int lvl;
	int rc;

	vma = vmem_find_locked(vas, addr);
	*vmap = vma;
	if (!vma)
		return V_UNMAPPED;
	if (vmem_stack_is_guard(vma, addr))
		return V_GUARD;
	if (!vma->ops->fault && !vma->attr)
		return V_UNMAPPED;	/* a placeholder reservation */
	if (!access_ok(vma->attr, err))
		return V_PROT;
	if (!vma->ops->fault)
		return V_UNMAPPED;
	if (ukplat_pt_walk(vas->pt, addr, &lvl, NULL, &pte) == 0) {
		/* Mapped by another CPU since the fault, or the page table
		 * disagrees with the VMA (resuming would loop). */
		if (!(err & UKARCH_PF_PRESENT) &&
		    access_ok(ukarch_pte_attr(pte, lvl), err))
			return V_PRESENT;
		return V_PROT;
	}
	if (!uk_nofault_paging_allowed())
		return V_NOPAGING;
	rc = vma->ops->fault(vma, addr, err);
	*rcp = rc;
	if (rc == -EFAULT)
		return V_GUARD;
	if (rc == -ENXIO)
		return V_BUS;
	return rc < 0 ? V_NOMEM : V_PAGED;
}

static const char *access_name(unsigned long err)
{
	if (err & UKARCH_PF_INSTR)
		return "execute";
	return (err & UKARCH_PF_WRITE) ? "write" : "read";
}

static const char *prot_problem(unsigned long attr, unsigned long err)
{
	if (err & UKARCH_PF_INSTR)
		return "execution of non-executable";
	if (err & UKARCH_PF_WRITE)
		return (attr & PAGE_ATTR_PROT_READ) ? "write to read-only"
						    : "write to inaccessible";
	return "read of inaccessible";
}

static void explain(enum verdict v, const struct uk_vma *vma,
		    const struct ukarch_trap_ctx *ctx, int rc)
{
	const char *vname = (vma && vma->name) ? vma->name : "(anonymous)";
	const char *thread = uk_vmem_thread_name();
	__vaddr_t addr = ctx->fault_addr;

	switch (v) {
	case V_UNMAPPED:
		if (vma)
			uk_printk_raw("vmem: access to unmapped 0x%016lx (%s, "
				      "in reservation %s 0x%lx-0x%lx)\n", addr,
				      access_name(ctx->error_code),
				      vma->name ? vma->name : "(unnamed)",
				      vma->start, vma->end);
		else
			uk_printk_raw("vmem: access to unmapped 0x%016lx (%s)"
				      "\n", addr, access_name(ctx->error_code));
		break;
	case V_GUARD:
		uk_printk_raw("vmem: stack overflow in thread %s: access to "
			      "0x%016lx in a guard page of stack 0x%lx-0x%lx"
			      "\n", vma->name ? vma->name :
			      (thread ? thread : "(unknown)"), addr,
			      vma->start, vma->end);
		break;
	case V_PROT:
		uk_printk_raw("vmem: %s memory at 0x%016lx (VMA %s 0x%lx-0x%lx)"
			      "\n", prot_problem(vma->attr, ctx->error_code),
			      addr, vname, vma->start, vma->end);
		break;
	case V_NOMEM:
		uk_printk_raw("vmem: cannot page in 0x%016lx of VMA %s: %d\n",
			      addr, vname, rc);
		break;
	case V_BUS:
		uk_printk_raw("vmem: bus error (SIGBUS): access to 0x%016lx, "
			      "beyond the end of the file mapped at 0x%lx-0x%lx"
			      "\n", addr, vma->start, vma->end);
		break;
	case V_BUG:
		uk_printk_raw("vmem: page fault at 0x%016lx with the address "
			      "space's lock held by this CPU\n", addr);
		break;
	default:
		return;
	}
	if (thread && v != V_GUARD)
		uk_printk_raw("vmem: in thread %s\n", thread);
}

/* Per CPU, the address of its last fault that was beyond the end of a
 * mapped file (a SIGBUS), for uk_vmem_fault_signal; 0: none. */
static __vaddr_t bus_addr[UKPLAT_LCPU_MAXCOUNT];

static int vmem_page_fault(void *data)
{
	struct ukarch_trap_ctx *ctx = data;
	struct uk_vas *vas = uk_vas_get_active();
	const struct uk_vma *vma = NULL;
	__vaddr_t addr = ctx->fault_addr;
	unsigned long irqf;
	enum verdict v;
	int rc = 0;

	if (!vas || addr < vas->start || addr >= vas->end)
		return UK_EVENT_NOT_HANDLED;
	if (vas->lock_cpu == (long)ukplat_lcpu_idx()) {
		v = V_BUG;
	} else {
		irqf = vmem_lock_nostack(vas);
		v = serve(vas, addr, ctx->error_code, &vma, &rc);
		if (v > V_PRESENT) {
			bus_addr[ukplat_lcpu_idx()] = v == V_BUS ? addr : 0;
			/* vma may go once the lock is dropped: explain now
			 * (not for nofault or an app's handled signal) */
			if (!ukarch_extable_find(ukarch_regs_ip(ctx->regs)) &&
			    !uk_vmem_fault_is_signal(ctx,
						     v == V_BUS ? 7 : 11))
				explain(v, vma, ctx, rc);
		}
		vmem_unlock(vas, irqf);
	}
	if (v == V_PAGED || v == V_PRESENT)
		return UK_EVENT_HANDLED;
	if (v == V_BUG && !ukarch_extable_find(ukarch_regs_ip(ctx->regs)))
		explain(v, NULL, ctx, 0);
	return UK_EVENT_NOT_HANDLED;
}

/* After fault-fixing test/debug handlers at priority 0..1, before later
 * ones. */
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, vmem_page_fault, 2);

/* 1 (no mapping) or 2 (an access the mapping forbids); lock held. */
static int segv_code_locked(struct uk_vas *vas, __vaddr_t addr)
{
	const struct uk_vma *vma = vmem_find_locked(vas, addr);

	if (!vma || vmem_stack_is_guard(vma, addr) ||
	    (!vma->ops->fault && !vma->attr))
		return 1;
	return 2;
}

int uk_vmem_fault_signal(__vaddr_t addr, int *code)
{
	struct uk_vas *vas = uk_vas_get_active();
	unsigned long irqf;

	*code = 1;
	if (!vas || addr < vas->start || addr >= vas->end)
		return 11;
	if (addr && bus_addr[ukplat_lcpu_idx()] == addr) {
		*code = 2;		/* BUS_ADRERR */
		return 7;
	}
	irqf = vmem_lock_nostack(vas);
	*code = segv_code_locked(vas, addr);
	vmem_unlock(vas, irqf);
	return 11;
}

int uk_vmem_writable(__vaddr_t addr, __sz len)
{
	struct uk_vas *vas = uk_vas_get_active();
	const struct uk_vma *vma;
	__vaddr_t a, end = addr + len;
	unsigned long irqf;
	int ok = 1;

	if (!vas || end < addr || addr < vas->start || end > vas->end)
		return 0;
	irqf = vmem_lock_nostack(vas);
	for (a = ALIGN_DOWN(addr, PAGE_SIZE); ok && a < end; a += PAGE_SIZE) {
		vma = vmem_find_locked(vas, a);
		ok = vma && !vmem_stack_is_guard(vma, a) &&
		     (vma->attr & PAGE_ATTR_PROT_WRITE);
	}
	vmem_unlock(vas, irqf);
	return ok;
}
