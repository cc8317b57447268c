/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The preemption count, as Linux's preempt_count: per CPU, raised by
 * every spinlock held (uk/spinlock.h) and by uk_preempt_disable(). The
 * scheduler's tick preempts nothing while it is above zero, so that no
 * thread is switched away while it holds a lock that another thread (or
 * an interrupt handler on the holder's own CPU) spins on.
 *
 * It lives in the backend's per-CPU structure at UKARCH_PREEMPT_OFF (each
 * backend checks its layout). On x86_64 (sim and metal: %gs points at the
 * CPU) a change is one incl/decl on %gs, which an interrupt cannot split
 * and which stays on the CPU it started on. On arm64 the CPU's address
 * must be read first (TPIDR_EL1), so the change runs with interrupts
 * masked: a preemption between the read and the store would move the
 * thread and its store to another CPU's count.
 */
#ifndef __UK_ARCH_PREEMPT_H__
#define __UK_ARCH_PREEMPT_H__

#if defined(__x86_64__)
#define UKARCH_PREEMPT_OFF	8
#elif defined(__aarch64__)
#define UKARCH_PREEMPT_OFF	40
#endif

#ifndef __ASSEMBLY__
#include <uk/essentials.h>

#if defined(__aarch64__)
/* Adds delta to this CPU's count, interrupts masked (see above). */
static inline void __uk_preempt_add(int delta)
{
	unsigned long daif, cpu;
	unsigned int n;

	__asm__ __volatile__("mrs %0, daif\n\t"
			     "msr daifset, #2\n\t"
			     "mrs %1, tpidr_el1\n\t"
			     "ldr %w2, [%1, #" STRINGIFY(UKARCH_PREEMPT_OFF) "]\n\t"
			     "add %w2, %w2, %w3\n\t"
			     "str %w2, [%1, #" STRINGIFY(UKARCH_PREEMPT_OFF) "]\n\t"
			     "msr daif, %0"
			     : "=&r"(daif), "=&r"(cpu), "=&r"(n)
			     : "r"(delta) : "memory");
}
#endif

/* Raises this CPU's preemption count: no preemption until it is 0. */
static inline void uk_preempt_disable(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("incl %%gs:" STRINGIFY(UKARCH_PREEMPT_OFF)
			     ::: "memory", "cc");
#elif defined(__aarch64__)
	__uk_preempt_add(1);
#endif
}

/* Lowers it again (no preemption happens here: the next tick does it). */
static inline void uk_preempt_enable(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("decl %%gs:" STRINGIFY(UKARCH_PREEMPT_OFF)
			     ::: "memory", "cc");
#elif defined(__aarch64__)
	__uk_preempt_add(-1);
#endif
}

/* This CPU's count (0: preemptible); meaningful where it cannot change
 * CPU under the caller (interrupts masked, or the count above 0). */
static inline unsigned int uk_preempt_count(void)
{
	unsigned int n;

#if defined(__x86_64__)
	__asm__ __volatile__("movl %%gs:" STRINGIFY(UKARCH_PREEMPT_OFF) ", %0"
			     : "=r"(n) :: "memory");
#elif defined(__aarch64__)
	unsigned long cpu;

	__asm__ __volatile__("mrs %1, tpidr_el1\n\t"
			     "ldr %w0, [%1, #" STRINGIFY(UKARCH_PREEMPT_OFF) "]"
			     : "=r"(n), "=&r"(cpu) :: "memory");
#endif
	return n;
}

#endif /* __ASSEMBLY__ */
#endif /* __UK_ARCH_PREEMPT_H__ */
