/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception-fixup table: a fault at a listed instruction resumes at
 * its fixup address instead of crashing. Both backends consult the same
 * table (sim from the signal handler, metal from the trap entry), so
 * uk_nofault_* behaves the same everywhere. Entries are added by the
 * UKARCH_EXTABLE_ENTRY asm macro next to the instruction that may fault.
 */
#ifndef __UK_ARCH_NOFAULT_H__
#define __UK_ARCH_NOFAULT_H__

#include <uk/arch/types.h>

struct ukarch_extable {
	__s32 ip;		/* faulting instruction, relative to &ip */
	__s32 fixup;		/* where to resume, relative to &fixup */
};

/* Returns the fixup address for a fault at ip, or 0 if ip is not listed. */
__vaddr_t ukarch_extable_find(__vaddr_t ip);

#endif /* __UK_ARCH_NOFAULT_H__ */
