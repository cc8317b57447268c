/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's signal return trampoline (src/signal/x86_64/restore.s):
 * rt_sigreturn through the kernel's full-frame entry, which finds the
 * signal frame from the caller's stack pointer as the instruction would
 * (rsp after the call's return). Today's handlers are called
 * synchronously and return by themselves (core/signal), so nothing
 * reaches this yet.
 */
	.text
	.global __restore_rt
	.hidden __restore_rt
	.type __restore_rt, @function
__restore_rt:
	mov $15, %rax			/* SYS_rt_sigreturn */
	call uk_syscall_entry
	hlt
	.size __restore_rt, . - __restore_rt

	.section .note.GNU-stack, "", @progbits
