/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The faulting accesses of core/nofault, x86_64. Each access that may
 * fault has an exception-fixup entry; the trap code resumes at the fixup
 * with the faulting address in %rax (uk/arch/nofault.h).
 */
#define __ASSEMBLY__ 1
#include <uk/arch/nofault.h>

	.text

/* int ukarch_nf_probe_r(__vaddr_t addr): 0 if a byte at addr can be read,
 * 1 if reading it faults. */
	.globl ukarch_nf_probe_r
	.type ukarch_nf_probe_r, @function
	.p2align 4
ukarch_nf_probe_r:
	.cfi_startproc
1:	movb (%rdi), %al
	xorl %eax, %eax
	ret
2:	movl $1, %eax
	ret
	UKARCH_EXTABLE_ENTRY(1b, 2b)
	.cfi_endproc
	.size ukarch_nf_probe_r, . - ukarch_nf_probe_r

/* int ukarch_nf_probe_w(__vaddr_t addr): 0 if the byte at addr can be
 * written, 1 if writing it faults. The atomic add of 0 leaves the byte
 * unchanged even if another CPU writes it at the same time. */
	.globl ukarch_nf_probe_w
	.type ukarch_nf_probe_w, @function
	.p2align 4
ukarch_nf_probe_w:
	.cfi_startproc
1:	lock addb $0, (%rdi)
	xorl %eax, %eax
	ret
2:	movl $1, %eax
	ret
	UKARCH_EXTABLE_ENTRY(1b, 2b)
	.cfi_endproc
	.size ukarch_nf_probe_w, . - ukarch_nf_probe_w

/* int ukarch_nf_cmpxchg32(__u32 *addr, __u32 expected, __u32 new,
 *			   __u32 *cur): compares *addr with expected and if
 * equal stores new, atomically; *cur gets the value found. Returns 0, or
 * 1 if the access faults. */
	.globl ukarch_nf_cmpxchg32
	.type ukarch_nf_cmpxchg32, @function
	.p2align 4
ukarch_nf_cmpxchg32:
	.cfi_startproc
	movl %esi, %eax
1:	lock cmpxchgl %edx, (%rdi)
	movl %eax, (%rcx)
	xorl %eax, %eax
	ret
2:	movl $1, %eax
	ret
	UKARCH_EXTABLE_ENTRY(1b, 2b)
	.cfi_endproc
	.size ukarch_nf_cmpxchg32, . - ukarch_nf_cmpxchg32

/* __sz ukarch_nf_memcpy(void *dst, const void *src, __sz len,
 *			  __vaddr_t *faddr): copies until done or the first
 * fault; returns the bytes copied and, on a fault, stores the faulting
 * address (0 if unknown) in *faddr. At a fault in rep movsb, %rsi points
 * at the byte not yet copied (the CPU's state is exact); the count is
 * taken from %rsi, not %rcx, because valgrind's rep emulation decrements
 * %rcx before the access. */
	.globl ukarch_nf_memcpy
	.type ukarch_nf_memcpy, @function
	.p2align 4
ukarch_nf_memcpy:
	.cfi_startproc
	movq %rcx, %r8
	movq %rsi, %r9
	movq %rdx, %rcx
1:	rep movsb
	movq %rdx, %rax
	ret
2:	movq %rax, (%r8)
	movq %rsi, %rax
	subq %r9, %rax
	ret
	UKARCH_EXTABLE_ENTRY(1b, 2b)
	.cfi_endproc
	.size ukarch_nf_memcpy, . - ukarch_nf_memcpy

/* __sz ukarch_nf_memcpy_loop(...): the same contract without string
 * instructions, for valgrind: its rep emulation decrements %rcx before
 * the access, so a rep movsb resumed after a demand-paging fault would
 * copy one byte too few. Eight bytes at a time, then bytes; a faulting
 * 8-byte access is redone bytewise so the count stays exact.
 * valgrind may report a fault at the branch just before a load (it does
 * not update %rip across the fall-through), so those branches have
 * entries too; natively they never fault. */
	.globl ukarch_nf_memcpy_loop
	.type ukarch_nf_memcpy_loop, @function
	.p2align 4
ukarch_nf_memcpy_loop:
	.cfi_startproc
	xorl %r9d, %r9d			/* bytes copied */
10:	leaq 8(%r9), %r10
	cmpq %rdx, %r10
13:	ja 20f
11:	movq (%rsi,%r9), %r11
12:	movq %r11, (%rdi,%r9)
	movq %r10, %r9
	jmp 10b
20:	cmpq %rdx, %r9
23:	je 30f
21:	movb (%rsi,%r9), %r11b
22:	movb %r11b, (%rdi,%r9)
	incq %r9
	jmp 20b
30:	movq %r9, %rax
	ret
40:	jmp 20b				/* a word faulted: redo it bytewise */
41:	movq %rax, (%rcx)
	movq %r9, %rax
	ret
	UKARCH_EXTABLE_ENTRY(13b, 40b)
	UKARCH_EXTABLE_ENTRY(11b, 40b)
	UKARCH_EXTABLE_ENTRY(12b, 40b)
	UKARCH_EXTABLE_ENTRY(23b, 41b)
	UKARCH_EXTABLE_ENTRY(21b, 41b)
	UKARCH_EXTABLE_ENTRY(22b, 41b)
	.cfi_endproc
	.size ukarch_nf_memcpy_loop, . - ukarch_nf_memcpy_loop

	.section .note.GNU-stack, "", @progbits
