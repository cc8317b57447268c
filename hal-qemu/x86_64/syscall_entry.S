/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86_syscall_entry: LSTAR (syscall.c). On entry %rcx holds the return
 * address, %r11 the caller's flags, interrupts are off (FMASK) and %rsp
 * is still the binary's. The caller's registers become a struct __regs
 * (uk/arch/regs.h) on the thread's system-call stack, or, for a nested
 * call or a thread without one, below the caller's red zone; then as
 * uk_syscall_entry_frame: FPU/SIMD state saved, uk_syscall_entry_trapped,
 * restored, and back to the frame's rip, flags and stack pointer (%rcx,
 * %r11 and the caller's, unless the call changed them) with iretq, which
 * stays in ring 0.
 */
#include "frame.inc"

#define CPU_SYSCALL_STACK	16	/* %gs: struct x86_cpu */
#define CPU_USER_SP		24
#define STACK_TOP		0	/* struct ukplat_syscall_stack */
#define STACK_DEPTH		8
#define RED_ZONE		128
#define SEL_CODE		0x08
#define SEL_DATA		0x10

	.text
	.globl x86_syscall_entry
	.type x86_syscall_entry, @function
	.p2align 4
x86_syscall_entry:
	.cfi_startproc
	.cfi_undefined rip
	movq %rsp, %gs:CPU_USER_SP
	movq %gs:CPU_SYSCALL_STACK, %rsp
	cmpq $0, STACK_DEPTH(%rsp)
	jne 1f
	movq STACK_TOP(%rsp), %rsp
	testq %rsp, %rsp
	jnz 2f
1:	movq %gs:CPU_USER_SP, %rsp
	subq $RED_ZONE, %rsp
	andq $-16, %rsp
	/* 16-byte aligned: a pad word, then the frame from its end. */
2:	subq $8, %rsp
	pushq $SEL_DATA			/* ss */
	pushq %gs:CPU_USER_SP		/* rsp */
	pushq %r11			/* eflags */
	pushq $SEL_CODE			/* cs */
	pushq %rcx			/* rip */
	pushq %rax			/* orig_rax: the number */
	pushq %rdi
	SAVE_REGS
	/* The thread's, wherever it runs next: its depth goes back down
	 * through %r12 after the call. */
	movq %gs:CPU_SYSCALL_STACK, %r12
	incq STACK_DEPTH(%r12)
	movq %rsp, %rbx
	sti
	subq $512, %rsp
	fxsave64 (%rsp)
	movq %rbx, %rdi
	movq %rsp, %rsi			/* the saved FPU/SIMD state */
	call uk_syscall_entry_trapped
	fxrstor64 (%rsp)
	/* Back with iretq, which sets the stack pointer and the flags
	 * (interrupts on) at once and, unlike ukarch_regs_resume, writes
	 * nothing to the caller's stack: musl's __unmapself returns from
	 * munmap of the stack it runs on. The frame's selectors are ours,
	 * whatever a sigreturn put there. */
	cli
	decq STACK_DEPTH(%r12)
	movq %rbx, %rsp
	movq $SEL_CODE, 136(%rsp)
	movq $SEL_DATA, 160(%rsp)
	RESTORE_REGS_IRET
	.cfi_endproc
	.size x86_syscall_entry, . - x86_syscall_entry

	.section .note.GNU-stack, "", @progbits
