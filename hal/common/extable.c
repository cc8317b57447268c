/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception-fixup table (uk/arch/nofault.h), shared by every backend.
 *
 * The guest link collects the entries in link order, not address order
 * (a relocatable link cannot sort by address), so an early init sorts the
 * table in place once; until then lookups scan it linearly, which keeps
 * faults in nofault code correct during early boot.
 */
#include <uk/arch/nofault.h>
#include <uk/arch/traps.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/linktab.h>
#include <uk/plat/lcpu.h>

UK_LINKTAB_DEFINE(struct ukarch_extable, ukarch_extable, "extable");

/* The table's bounds, laundered: the markers are zero-length arrays, and
 * gcc's -Warray-bounds would take that size at its word. */
static inline struct ukarch_extable *tab_begin(void)
{
	struct ukarch_extable *p = ukarch_extable_begin;

	__asm__("" : "+r"(p));
	return p;
}

static inline __sz tab_len(void)
{
	struct ukarch_extable *p = ukarch_extable_end;

	__asm__("" : "+r"(p));
	return (__sz)(p - tab_begin());
}

/* Set (release) once the table is sorted; lookups read it (acquire). */
static int extable_sorted;

static inline __vaddr_t ent_ip(const struct ukarch_extable *e)
{
	return (__vaddr_t)&e->ip + (__sptr)e->ip;
}

static inline __vaddr_t ent_fixup(const struct ukarch_extable *e)
{
	return (__vaddr_t)&e->fixup + (__sptr)e->fixup;
}

/* Stores absolute ip/fixup into e, relative to e's own position. */
static inline void ent_set(struct ukarch_extable *e, __vaddr_t ip,
			   __vaddr_t fixup)
{
	e->ip = (__s32)(ip - (__vaddr_t)&e->ip);
	e->fixup = (__s32)(fixup - (__vaddr_t)&e->fixup);
}

static __vaddr_t find_linear(__vaddr_t ip)
{
	const struct ukarch_extable *e = tab_begin();
	__sz i, n = tab_len();

	for (i = 0; i < n; i++)
		if (ent_ip(&e[i]) == ip)
			return ent_fixup(&e[i]);
	return 0;
}

static __vaddr_t find_sorted(__vaddr_t ip)
{
	const struct ukarch_extable *base = tab_begin();
	__sz lo = 0, hi = tab_len();
	__sz mid;
	__vaddr_t cur;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cur = ent_ip(&base[mid]);
		if (cur == ip)
			return ent_fixup(&base[mid]);
		if (cur < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

__vaddr_t ukarch_extable_find(__vaddr_t ip)
{
	if (__atomic_load_n(&extable_sorted, __ATOMIC_ACQUIRE))
		return find_sorted(ip);
	return find_linear(ip);
}

/*
 * Insertion sort: the table has a few dozen entries and is sorted once.
 * Runs on the boot CPU alone with interrupts masked, so no lookup can
 * see a half-moved entry.
 */
static int extable_sort(struct uk_init_ctx *ictx __maybe_unused)
{
	struct ukarch_extable *t = tab_begin();
	__sz n = tab_len();
	__vaddr_t ip, fixup;
	unsigned long irqf;
	__sz i, j;

	irqf = ukplat_lcpu_save_irqf();
	for (i = 1; i < n; i++) {
		ip = ent_ip(&t[i]);
		fixup = ent_fixup(&t[i]);
		for (j = i; j > 0 && ent_ip(&t[j - 1]) > ip; j--)
			ent_set(&t[j], ent_ip(&t[j - 1]),
				ent_fixup(&t[j - 1]));
		ent_set(&t[j], ip, fixup);
	}
	__atomic_store_n(&extable_sorted, 1, __ATOMIC_RELEASE);
	ukplat_lcpu_restore_irqf(irqf);
	return 0;
}

uk_early_initcall_prio(extable_sort, NULL, UK_PRIO_EARLIEST);

int ukarch_extable_fixup(struct ukarch_trap_ctx *ctx)
{
	__vaddr_t fixup;

	if (ctx->trapnr != UKARCH_TRAP_NR_PAGE_FAULT &&
	    ctx->trapnr != UKARCH_TRAP_NR_BUS_ERROR &&
	    ctx->trapnr != UKARCH_TRAP_NR_SECURITY)
		return 0;
	fixup = ukarch_extable_find(ukarch_regs_ip(ctx->regs));
	if (!fixup)
		return 0;
#if defined(__x86_64__)
	ctx->regs->rip = fixup;
	ctx->regs->rax = ctx->fault_addr;
#elif defined(__aarch64__)
	ctx->regs->pc = fixup;
	ctx->regs->x[9] = ctx->fault_addr;
#endif
	return 1;
}
