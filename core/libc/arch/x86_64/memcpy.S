/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memcpy for x86_64, in place of musl's (src/string/x86_64/memcpy.s),
 * which copies everything with "rep movsq": its start-up cost dominates
 * the small copies real programs make most (SQLite spent 30% of an
 * insert benchmark in it). Copies up to 64 bytes are a few overlapping
 * register moves; larger ones "rep movsq", with the last word moved by
 * register. General-purpose registers only: the kernel, interrupt and
 * fault paths included, use this memcpy too.
 *
 * __memcpy_fwd is musl's memmove's forward copy (it may overlap with the
 * destination below the source): every path it takes reads what it
 * writes over before writing.
 */
	.text
	.global __memcpy_fwd
	.hidden __memcpy_fwd
	.type __memcpy_fwd, @function
__memcpy_fwd:
	mov %rdi, %rax
	cmp $32, %rdx
	jbe .Lupto32
	jmp .Lbig
	.size __memcpy_fwd, . - __memcpy_fwd

	.global memcpy
	.type memcpy, @function
memcpy:
	mov %rdi, %rax
	cmp $32, %rdx
	jbe .Lupto32
	cmp $64, %rdx
	ja .Lbig
	/* 33..64: the first 32 bytes, then the last 32. */
	mov (%rsi), %rcx
	mov 8(%rsi), %r8
	mov 16(%rsi), %r9
	mov 24(%rsi), %r10
	mov %rcx, (%rdi)
	mov %r8, 8(%rdi)
	mov %r9, 16(%rdi)
	mov %r10, 24(%rdi)
	mov -32(%rsi,%rdx), %rcx
	mov -24(%rsi,%rdx), %r8
	mov -16(%rsi,%rdx), %r9
	mov -8(%rsi,%rdx), %r10
	mov %rcx, -32(%rdi,%rdx)
	mov %r8, -24(%rdi,%rdx)
	mov %r9, -16(%rdi,%rdx)
	mov %r10, -8(%rdi,%rdx)
	ret

.Lbig:	/* > 32 (memcpy: > 64): whole words, then the last word. */
	mov -8(%rsi,%rdx), %r8
	mov %rdx, %rcx
	shr $3, %rcx
	rep movsq
	mov %r8, -8(%rax,%rdx)
	ret

.Lupto32:
	cmp $16, %rdx
	ja .L17to32
	cmp $8, %rdx
	jae .L8to16
	cmp $4, %rdx
	jae .L4to7
	test %rdx, %rdx
	jz .Lout
	cmp $2, %rdx
	jae .L2to3
	movzbl (%rsi), %ecx
	mov %cl, (%rdi)
.Lout:
	ret
.L2to3:
	movzwl (%rsi), %ecx
	movzwl -2(%rsi,%rdx), %r8d
	mov %cx, (%rdi)
	mov %r8w, -2(%rdi,%rdx)
	ret
.L4to7:
	mov (%rsi), %ecx
	mov -4(%rsi,%rdx), %r8d
	mov %ecx, (%rdi)
	mov %r8d, -4(%rdi,%rdx)
	ret
.L8to16:
	mov (%rsi), %rcx
	mov -8(%rsi,%rdx), %r8
	mov %rcx, (%rdi)
	mov %r8, -8(%rdi,%rdx)
	ret
.L17to32:
	mov (%rsi), %rcx
	mov 8(%rsi), %r8
	mov -16(%rsi,%rdx), %r9
	mov -8(%rsi,%rdx), %r10
	mov %rcx, (%rdi)
	mov %r8, 8(%rdi)
	mov %r9, -16(%rdi,%rdx)
	mov %r10, -8(%rdi,%rdx)
	ret
	.size memcpy, . - memcpy

	.section .note.GNU-stack, "", @progbits
