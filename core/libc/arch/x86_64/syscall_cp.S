/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's cancellable system call (src/thread/x86_64/syscall_cp.s) with
 * "syscall" replaced by a call of uk_syscall_entry, the kernel's
 * full-frame entry. The call lies between __cp_begin and __cp_end, as
 * the instruction did: a signal delivered while it blocks sees the
 * caller's registers in that frame, with rip at __cp_end (the return
 * address); restarting it means rip = __cp_end - 5, the call.
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
	.type __syscall_cp_asm, @function
__syscall_cp_asm:

__cp_begin:
	mov (%rdi), %eax
	test %eax, %eax
	jnz __cp_cancel
	mov %rdi, %r11
	mov %rsi, %rax
	mov %rdx, %rdi
	mov %rcx, %rsi
	mov %r8, %rdx
	mov %r9, %r10
	mov 8(%rsp), %r8
	mov 16(%rsp), %r9
	mov %r11, 8(%rsp)
	call uk_syscall_entry
__cp_end:
	ret
__cp_cancel:
	jmp __cancel
	.size __syscall_cp_asm, . - __syscall_cp_asm

	.section .note.GNU-stack, "", @progbits
