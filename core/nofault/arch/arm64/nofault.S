/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The faulting accesses of core/nofault, arm64 (same contract as the
 * x86_64 file). The trap code resumes at the fixup with the faulting
 * address in x9 (uk/arch/nofault.h). Each function starts with a BTI
 * landing pad (a hint, a NOP without BTI): callers may reach them through
 * a pointer.
 */
#define __ASSEMBLY__ 1
#include <uk/arch/nofault.h>

	.text

/* int ukarch_nf_probe_r(__vaddr_t addr): 0 if readable, 1 if it faults. */
	.globl ukarch_nf_probe_r
	.type ukarch_nf_probe_r, %function
	.p2align 4
ukarch_nf_probe_r:
	.cfi_startproc
	bti c
1:	ldrb w1, [x0]
	mov x0, #0
	ret
2:	mov x0, #1
	ret
	UKARCH_EXTABLE_ENTRY(1b, 2b)
	.cfi_endproc
	.size ukarch_nf_probe_r, . - ukarch_nf_probe_r

/* int ukarch_nf_probe_w(__vaddr_t addr): 0 if writable, 1 if it faults.
 * An exclusive load/store pair rewrites the byte's own value atomically. */
	.globl ukarch_nf_probe_w
	.type ukarch_nf_probe_w, %function
	.p2align 4
ukarch_nf_probe_w:
	.cfi_startproc
	bti c
1:	ldxrb w1, [x0]
2:	stxrb w2, w1, [x0]
	cbnz w2, 1b
	mov x0, #0
	ret
3:	mov x0, #1
	ret
	UKARCH_EXTABLE_ENTRY(1b, 3b)
	UKARCH_EXTABLE_ENTRY(2b, 3b)
	.cfi_endproc
	.size ukarch_nf_probe_w, . - ukarch_nf_probe_w

/* int ukarch_nf_cmpxchg32(__u32 *addr, __u32 expected, __u32 new,
 *			   __u32 *cur): as on x86_64, with an exclusive
 * load/store loop. Returns 0, or 1 if the access faults. */
	.globl ukarch_nf_cmpxchg32
	.type ukarch_nf_cmpxchg32, %function
	.p2align 4
ukarch_nf_cmpxchg32:
	.cfi_startproc
1:	ldaxr w4, [x0]
	cmp w4, w1
	b.ne 3f
2:	stlxr w5, w2, [x0]
	cbnz w5, 1b
3:	str w4, [x3]
	mov x0, #0
	ret
4:	mov x0, #1
	ret
	UKARCH_EXTABLE_ENTRY(1b, 4b)
	UKARCH_EXTABLE_ENTRY(2b, 4b)
	.cfi_endproc
	.size ukarch_nf_cmpxchg32, . - ukarch_nf_cmpxchg32

/* __sz ukarch_nf_memcpy(void *dst, const void *src, __sz len,
 *			  __vaddr_t *faddr): copies until done or the first
 * fault; returns the bytes copied and, on a fault, stores the faulting
 * address in *faddr. Eight bytes at a time while both pointers are
 * aligned and 8 bytes remain, else byte by byte; a faulting 8-byte access
 * is retried byte by byte so the count stays exact. */
	.globl ukarch_nf_memcpy
	.type ukarch_nf_memcpy, %function
	.p2align 4
ukarch_nf_memcpy:
	.cfi_startproc
	bti c
	mov x4, #0			/* bytes copied */
	orr x6, x0, x1
	tst x6, #7
	b.ne 20f
10:	sub x6, x2, x4
	cmp x6, #8
	b.lo 20f
11:	ldr x5, [x1, x4]
12:	str x5, [x0, x4]
	add x4, x4, #8
	b 10b
20:	cmp x4, x2
	b.eq 30f
21:	ldrb w5, [x1, x4]
22:	strb w5, [x0, x4]
	add x4, x4, #1
	b 20b
30:	mov x0, x4
	ret
40:	b 20b				/* a word faulted: redo it bytewise */
41:	str x9, [x3]
	mov x0, x4
	ret
	UKARCH_EXTABLE_ENTRY(11b, 40b)
	UKARCH_EXTABLE_ENTRY(12b, 40b)
	UKARCH_EXTABLE_ENTRY(21b, 41b)
	UKARCH_EXTABLE_ENTRY(22b, 41b)
	.cfi_endproc
	.size ukarch_nf_memcpy, . - ukarch_nf_memcpy

	.section .note.GNU-stack, "", %progbits
