/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry stubs of all 256 vectors, 16 bytes apart (cpu.c computes their
 * addresses): each pushes a zero error code where the CPU pushes none,
 * then %rdi, and passes its vector in %edi to the common path, which
 * completes struct __regs (uk/arch/regs.h), saves the FPU/SIMD state
 * (kernel C code may use SSE) and calls x86_isr(vector, regs). Whatever
 * the handlers left in regs is what iretq resumes.
 */
#include "frame.inc"
#include "x86_asm.h"

	.text
	.balign 16
	.globl x86_vector_stubs
x86_vector_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if vec == 14
	jmp x86_pf_entry
	.else
	.if vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq $0
	.endif
	pushq %rdi
	movl $vec, %edi
	.if vec < 32 && vec != 2 && vec != 8 && vec != 18 && vec != 14
	jmp x86_exc_move
	.else
	jmp x86_isr_common
	.endif
	.endif
	.set vec, vec + 1
	.endr

/*
 * Exceptions but NMI, #DF and #MC arrive on an IST stack of their own
 * (cpu.c), so that the CPU pushes nothing onto the interrupted stack,
 * whose red zone (128 bytes below the stack pointer) may hold a loaded
 * Linux binary's data. Here, before anything else can trap, the frame
 * so far (rdi, error code, rip, cs, rflags, rsp, ss) moves below that
 * red zone, 16-byte aligned as the CPU would have put it, and the trap
 * goes on there: nested traps stack up like calls, as before. A page
 * fault while moving (a stack not paged in yet, or its guard page) is
 * taken on the page fault's own IST stack (x86_pf_entry), which leaves
 * this frame intact: served, the move goes on; a guard page is reported
 * as a stack overflow.
 */
x86_exc_move:
	pushq %rax
	movq 48(%rsp), %rax
	subq $128, %rax
	andq $-16, %rax
	/* A stack pointer that is not canonical (a broken stack) takes no
	 * frame: the trap is handled here, on the IST stack, and reported
	 * where it happened rather than as a fault of this move. */
	subq $64, %rax
	pushq %rax
	shlq $16, %rax
	sarq $16, %rax
	cmpq (%rsp), %rax
	popq %rax
	jne 1f
	addq $64, %rax
	pushq 56(%rsp)
	popq -8(%rax)			/* ss */
	pushq 48(%rsp)
	popq -16(%rax)			/* rsp */
	pushq 40(%rsp)
	popq -24(%rax)			/* rflags */
	pushq 32(%rsp)
	popq -32(%rax)			/* cs */
	pushq 24(%rsp)
	popq -40(%rax)			/* rip */
	pushq 16(%rsp)
	popq -48(%rax)			/* error code */
	pushq 8(%rsp)
	popq -56(%rax)			/* rdi */
	pushq 0(%rsp)
	popq -64(%rax)			/* rax */
	leaq -64(%rax), %rsp
	popq %rax
	jmp x86_isr_common
1:	popq %rax
	jmp x86_isr_common

/*
 * A page fault stays on its IST stack: the interrupted stack may be the
 * fault (demand paging, a guard page, or x86_exc_move's stores below the
 * red zone of a stack not yet paged in). Its IST entry moves down while
 * it runs, so a fault nested in its handler gets the room below.
 */
x86_pf_entry:
	subq $X86_PF_IST_SHIFT, %gs:X86_CPU_PF_IST_OFF
	pushq %rdi
	movl $14, %edi
	SAVE_REGS
	call x86_isr_body
	addq $X86_PF_IST_SHIFT, %gs:X86_CPU_PF_IST_OFF
	RESTORE_REGS_IRET

x86_isr_common:
	SAVE_REGS
	call x86_isr_body
	RESTORE_REGS_IRET

/* With struct __regs at 8(%rsp): the FPU state saved, x86_isr called. */
x86_isr_body:
	leaq 8(%rsp), %rsi
	movq %rsp, %rbx
	andq $-16, %rsp
	subq $512, %rsp
	fxsave64 (%rsp)
	cld
	call x86_isr
	fxrstor64 (%rsp)
	movq %rbx, %rsp
	ret

	.section .note.GNU-stack, "", @progbits
