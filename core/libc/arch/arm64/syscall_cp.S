/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's cancellable system call (src/thread/aarch64/syscall_cp.s) with
 * "svc 0" replaced by a call of uk_syscall_entry, the kernel's full-frame
 * entry. The call lies between __cp_begin and __cp_end, as the
 * instruction did: a signal delivered while it blocks sees the caller's
 * registers in that frame, with pc at __cp_end (the return address);
 * restarting it means pc = __cp_end - 4, the call. The call clobbers x30:
 * x9 keeps the caller's (the entry preserves it).
 *
 * __syscall_cp_asm(&self->cancel, nr, u, v, w, x, y, z)
 *                  x0             x1  x2 x3 x4 x5 x6 x7
 */
	.text
	.global __cp_begin
	.hidden __cp_begin
	.global __cp_end
	.hidden __cp_end
	.global __cp_cancel
	.hidden __cp_cancel
	.hidden __cancel
	.global __syscall_cp_asm
	.hidden __syscall_cp_asm
	.type __syscall_cp_asm, %function
__syscall_cp_asm:
	bti c
	mov x9, x30
__cp_begin:
	ldr w0, [x0]
	cbnz w0, __cp_cancel
	mov x8, x1
	mov x0, x2
	mov x1, x3
	mov x2, x4
	mov x3, x5
	mov x4, x6
	mov x5, x7
	bl uk_syscall_entry
__cp_end:
	mov x30, x9
	ret
__cp_cancel:
	mov x30, x9
	b __cancel
	.size __syscall_cp_asm, . - __syscall_cp_asm

	.section .note.GNU-stack, "", %progbits
