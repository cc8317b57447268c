/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception-fixup table: a fault at a listed instruction resumes at
 * its fixup address instead of crashing. Both backends consult the same
 * table (sim from the signal handler, metal from the trap entry), so
 * uk_nofault_* behaves the same everywhere. Entries are added by the
 * UKARCH_EXTABLE_ENTRY asm macro next to the instruction that may fault.
 *
 * Entries live in the link-time table "extable" (uk/linktab.h), in link
 * order; the first lookups scan it, an early init sorts it by address
 * once, and lookups binary-search from then on.
 *
 * At the fixup the registers are those of the faulting instruction,
 * except the instruction pointer and UKARCH_EXTABLE_FAULT_REG, which holds
 * the faulting address (0 if the hardware gave none, e.g. the #GP of a
 * non-canonical access on x86_64). Code with an entry must treat that
 * register as clobbered.
 */
#ifndef __UK_ARCH_NOFAULT_H__
#define __UK_ARCH_NOFAULT_H__

#include <uk/arch/types.h>

#define UKARCH_EXTABLE_SECTION	".uk_tab.extable.1"

#if defined(__x86_64__)
#define UKARCH_EXTABLE_FAULT_REG	rax
#elif defined(__aarch64__)
#define UKARCH_EXTABLE_FAULT_REG	x9
#endif

#ifdef __ASSEMBLY__
/* In a .S file: a fault at insn resumes at fixup (both labels). */
#define UKARCH_EXTABLE_ENTRY(insn, fixup)				\
	.pushsection UKARCH_EXTABLE_SECTION, "aw";			\
	.balign 8;							\
	.long (insn) - .;						\
	.long (fixup) - .;						\
	.popsection
#else
/* The same as a string for inline asm, e.g.
 *   asm("1: movb (%1), %0\n2:\n" UKARCH_EXTABLE_ENTRY_ASM(1b, 2b) ...) */
#define UKARCH_EXTABLE_ENTRY_ASM(insn, fixup)				\
	".pushsection " UKARCH_EXTABLE_SECTION ", \"aw\"\n\t"		\
	".balign 8\n\t"							\
	".long (" #insn ") - .\n\t"					\
	".long (" #fixup ") - .\n\t"					\
	".popsection\n\t"

struct ukarch_extable {
	__s32 ip;		/* faulting instruction, relative to &ip */
	__s32 fixup;		/* where to resume, relative to &fixup */
};

struct ukarch_trap_ctx;

/* Returns the fixup address for a fault at ip, or 0 if ip is not listed.
 * ISR-safe, no locks; works before the table is sorted. */
__vaddr_t ukarch_extable_find(__vaddr_t ip);

/* For the trap code: if the trap is a memory fault (page fault, bus
 * error, general protection) at a listed instruction, moves ctx->regs to
 * the fixup, sets UKARCH_EXTABLE_FAULT_REG and returns 1; else 0. */
int ukarch_extable_fixup(struct ukarch_trap_ctx *ctx);
#endif /* !__ASSEMBLY__ */

#endif /* __UK_ARCH_NOFAULT_H__ */
