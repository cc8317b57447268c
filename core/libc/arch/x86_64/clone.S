/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's __clone (src/thread/x86_64/clone.s) with its two "syscall"
 * instructions replaced by calls of uk_syscall_entry, the kernel's
 * full-frame entry (core/syscall): the child starts from a copy of the
 * registers saved there, with rax 0 and the new stack, as after the
 * instruction.
 *
 * int __clone(int (*func)(void *), void *stack, int flags, void *arg,
 *	       pid_t *ptid, void *tls, pid_t *ctid)
 */
	.text
	.global __clone
	.hidden __clone
	.type __clone, @function
__clone:
	xor %eax, %eax
	mov $56, %al			/* SYS_clone */
	mov %rdi, %r11
	mov %rdx, %rdi
	mov %r8, %rdx
	mov %r9, %r8
	mov 8(%rsp), %r10
	mov %r11, %r9
	and $-16, %rsi
	sub $8, %rsi
	mov %rcx, (%rsi)
	call uk_syscall_entry
	test %eax, %eax
	jnz 1f
	xor %ebp, %ebp
	pop %rdi
	call *%r9
	mov %eax, %edi
	xor %eax, %eax
	mov $60, %al			/* SYS_exit */
	call uk_syscall_entry
	hlt
1:	ret
	.size __clone, . - __clone

	.section .note.GNU-stack, "", @progbits
