/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLB flushes. The generic paging code (hal/common/paging.c) flushes
 * after each batch of changes and may free the frames right after, so a
 * flush must have reached every started CPU when it returns. Other CPUs are asked
 * through an NMI: it arrives even while they spin with interrupts masked
 * (maybe on the very page-table lock the flusher holds), so the wait for
 * their answers cannot deadlock. With one CPU running, a flush is local.
 */
#include <uk/arch/paging.h>
#include <uk/spinlock.h>
#include "x86.h"

#define ICR_NMI		0x00004400	/* NMI, level assert */
#define FLUSH_ALL	(~0UL)

/* A range of more pages is flushed whole on this CPU too. */
#define RANGE_PAGES_MAX	32

static UK_SPINLOCK_DEFINE(shoot_lock);
static unsigned long shoot_gen;		/* request number */
static unsigned long shoot_ack[UKPLAT_LCPU_MAXCOUNT];

static inline void flush_local(__vaddr_t va)
{
	unsigned long cr3;

	if (va != FLUSH_ALL) {
		__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
		return;
	}
	__asm__ __volatile__("movq %%cr3, %0\n\t"
			     "movq %0, %%cr3" : "=r"(cr3) : : "memory");
}

static int others_running(void)
{
	unsigned int i;

	for (i = 1; i < x86_cpu_count; i++)
		if (ukplat_lcpu_started(i))
			return 1;
	return 0;
}

/* Every other started CPU flushes its whole TLB (whatever was asked:
 * one answer then serves any number of requests); returns when all
 * have. */
static void flush_others(void)
{
	__lcpuidx self = ukplat_lcpu_idx();
	unsigned long flags, gen;
	unsigned int i;

	if (!others_running())
		return;
	flags = ukplat_lcpu_save_irqf();
	uk_spin_lock(&shoot_lock);
	gen = __atomic_add_fetch(&shoot_gen, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < x86_cpu_count; i++)
		if (i != self && ukplat_lcpu_started(i))
			x86_apic_send(x86_cpus[i].apic_id, ICR_NMI);
	for (i = 0; i < x86_cpu_count; i++) {
		if (i == self || !ukplat_lcpu_started(i))
			continue;
		while (__atomic_load_n(&shoot_ack[i], __ATOMIC_ACQUIRE) != gen)
			__asm__ __volatile__("pause");
	}
	uk_spin_unlock(&shoot_lock);
	ukplat_lcpu_restore_irqf(flags);
}

int x86_tlb_nmi(void)
{
	__lcpuidx self = ukplat_lcpu_idx();
	unsigned long gen = __atomic_load_n(&shoot_gen, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&shoot_ack[self], __ATOMIC_RELAXED) == gen)
		return 0;		/* not ours: a real NMI */
	flush_local(FLUSH_ALL);
	__atomic_store_n(&shoot_ack[self], gen, __ATOMIC_RELEASE);
	return 1;
}

void ukarch_tlb_flush_entry(__vaddr_t vaddr)
{
	flush_local(vaddr);
	flush_others();
}

void ukarch_tlb_flush_range(__vaddr_t start, __vaddr_t end)
{
	__vaddr_t va;

	if ((end - start) >> PAGE_SHIFT > RANGE_PAGES_MAX) {
		flush_local(FLUSH_ALL);
	} else {
		for (va = start; va < end; va += PAGE_SIZE)
			flush_local(va);
	}
	flush_others();
}

void ukarch_tlb_flush(void)
{
	flush_local(FLUSH_ALL);
	flush_others();
}
