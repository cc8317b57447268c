/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's signal return trampoline (src/signal/aarch64/restore.s):
 * rt_sigreturn through the kernel's full-frame entry, which finds the
 * signal frame from the caller's stack pointer as the instruction would.
 * Today's handlers are called synchronously and return by themselves
 * (core/signal), so nothing reaches this yet.
 */
	.text
	.global __restore
	.hidden __restore
	.type __restore, %function
__restore:
	.global __restore_rt
	.hidden __restore_rt
	.type __restore_rt, %function
__restore_rt:
	bti c
	mov x8, #139			/* SYS_rt_sigreturn */
	bl uk_syscall_entry
	brk #0
	.size __restore_rt, . - __restore_rt

	.section .note.GNU-stack, "", %progbits
