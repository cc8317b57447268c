/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's __clone (src/thread/aarch64/clone.s) with its two "svc"
 * instructions replaced by calls of uk_syscall_entry, the kernel's
 * full-frame entry (core/syscall): the child starts from a copy of the
 * registers saved there, with x0 0 and the new stack, as after the
 * instruction. The call clobbers x30, which the parent keeps in x9 (the
 * entry preserves every register but x0, x16 and x17).
 *
 * __clone(func, stack, flags, arg, ptid, tls, ctid)
 *         x0,   x1,    w2,    x3,  x4,   x5,  x6
 * clone(flags, stack, ptid, tls, ctid): x8 = SYS_clone, x0..x4
 */
	.text
	.global __clone
	.hidden __clone
	.type __clone, %function
__clone:
	bti c
	/* Align the stack and save func and arg on it. */
	and x1, x1, #-16
	stp x0, x3, [x1, #-16]!
	uxtw x0, w2
	mov x2, x4
	mov x3, x5
	mov x4, x6
	mov x8, #220			/* SYS_clone */
	mov x9, x30
	bl uk_syscall_entry
	cbz x0, 1f
	/* Parent. */
	mov x30, x9
	ret
	/* Child: no caller to unwind to. */
1:	mov x29, xzr
	mov x30, xzr
	ldp x1, x0, [sp], #16
	blr x1
	mov x8, #93			/* SYS_exit */
	bl uk_syscall_entry
	brk #0
	.size __clone, . - __clone

	.section .note.GNU-stack, "", %progbits
