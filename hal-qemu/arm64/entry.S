/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception vector table. Threads run on SP_EL0 ("EL1t"); every
 * exception switches to this CPU's SP_EL1 stack, where the entry builds
 * struct __regs (uk/arch/regs.h; sp is the interrupted one), saves the
 * FPU/SIMD registers (kernel C code may use them), adds a frame record
 * (backtraces continue into the interrupted code) and calls
 * arm64_exception(kind, regs). Whatever the handlers left in regs
 * (pc, pstate, registers, and for a thread its sp) is what eret resumes.
 * Exceptions taken while on SP_EL1 ("EL1h": in a handler) nest on it.
 */
#define REGS		288	/* sizeof(struct __regs) */
#define FPSAVE		528	/* q0-q31, fpsr, fpcr */

#define KIND_SYNC	0
#define KIND_IRQ	1
#define KIND_FIQ	2
#define KIND_SERROR	3
#define KIND_THREAD	4	/* or'ed: came from SP_EL0 */
#define KIND_LOWER	8	/* or'ed: from EL0 or AArch32 (never) */

	.macro entry kind, from_sp0
	sub sp, sp, #REGS
	stp x0, x1, [sp, #0]
	stp x2, x3, [sp, #16]
	stp x4, x5, [sp, #32]
	stp x6, x7, [sp, #48]
	stp x8, x9, [sp, #64]
	stp x10, x11, [sp, #80]
	stp x12, x13, [sp, #96]
	stp x14, x15, [sp, #112]
	stp x16, x17, [sp, #128]
	stp x18, x19, [sp, #144]
	stp x20, x21, [sp, #160]
	stp x22, x23, [sp, #176]
	stp x24, x25, [sp, #192]
	stp x26, x27, [sp, #208]
	stp x28, x29, [sp, #224]
	.if \from_sp0
	mrs x0, sp_el0
	.else
	add x0, sp, #REGS
	.endif
	stp x30, x0, [sp, #240]
	mrs x1, elr_el1
	mrs x2, spsr_el1
	stp x1, x2, [sp, #256]
	mrs x3, esr_el1
	mrs x4, far_el1
	stp x3, x4, [sp, #272]
	mov x19, sp
	sub sp, sp, #FPSAVE
	stp q0, q1, [sp, #0]
	stp q2, q3, [sp, #32]
	stp q4, q5, [sp, #64]
	stp q6, q7, [sp, #96]
	stp q8, q9, [sp, #128]
	stp q10, q11, [sp, #160]
	stp q12, q13, [sp, #192]
	stp q14, q15, [sp, #224]
	stp q16, q17, [sp, #256]
	stp q18, q19, [sp, #288]
	stp q20, q21, [sp, #320]
	stp q22, q23, [sp, #352]
	stp q24, q25, [sp, #384]
	stp q26, q27, [sp, #416]
	stp q28, q29, [sp, #448]
	stp q30, q31, [sp, #480]
	mrs x5, fpsr
	mrs x6, fpcr
	str x5, [sp, #512]
	str x6, [sp, #520]
	ldr x5, [x19, #232]
	stp x5, x1, [sp, #-16]!
	mov x29, sp
	mov x0, #\kind
	mov x1, x19
	bl arm64_exception
	add sp, sp, #16
	ldp q0, q1, [sp, #0]
	ldp q2, q3, [sp, #32]
	ldp q4, q5, [sp, #64]
	ldp q6, q7, [sp, #96]
	ldp q8, q9, [sp, #128]
	ldp q10, q11, [sp, #160]
	ldp q12, q13, [sp, #192]
	ldp q14, q15, [sp, #224]
	ldp q16, q17, [sp, #256]
	ldp q18, q19, [sp, #288]
	ldp q20, q21, [sp, #320]
	ldp q22, q23, [sp, #352]
	ldp q24, q25, [sp, #384]
	ldp q26, q27, [sp, #416]
	ldp q28, q29, [sp, #448]
	ldp q30, q31, [sp, #480]
	ldr x5, [sp, #512]
	ldr x6, [sp, #520]
	msr fpsr, x5
	msr fpcr, x6
	mov sp, x19
	ldp x1, x2, [sp, #256]
	msr elr_el1, x1
	msr spsr_el1, x2
	.if \from_sp0
	ldr x0, [sp, #248]
	msr sp_el0, x0
	.endif
	ldp x0, x1, [sp, #0]
	ldp x2, x3, [sp, #16]
	ldp x4, x5, [sp, #32]
	ldp x6, x7, [sp, #48]
	ldp x8, x9, [sp, #64]
	ldp x10, x11, [sp, #80]
	ldp x12, x13, [sp, #96]
	ldp x14, x15, [sp, #112]
	ldp x16, x17, [sp, #128]
	ldp x18, x19, [sp, #144]
	ldp x20, x21, [sp, #160]
	ldp x22, x23, [sp, #176]
	ldp x24, x25, [sp, #192]
	ldp x26, x27, [sp, #208]
	ldp x28, x29, [sp, #224]
	ldr x30, [sp, #240]
	add sp, sp, #REGS
	eret
	.endm

	.macro vector label
	.balign 128
	b \label
	.endm

	.text
	.balign 2048
	.globl arm64_vectors
arm64_vectors:
	vector el1t_sync
	vector el1t_irq
	vector el1t_fiq
	vector el1t_serror
	vector el1h_sync
	vector el1h_irq
	vector el1h_fiq
	vector el1h_serror
	.rept 8
	vector lower
	.endr

el1t_sync:	entry (KIND_SYNC | KIND_THREAD), 1
el1t_irq:	entry (KIND_IRQ | KIND_THREAD), 1
el1t_fiq:	entry (KIND_FIQ | KIND_THREAD), 1
el1t_serror:	entry (KIND_SERROR | KIND_THREAD), 1
el1h_sync:	entry KIND_SYNC, 0
el1h_irq:	entry KIND_IRQ, 0
el1h_fiq:	entry KIND_FIQ, 0
el1h_serror:	entry KIND_SERROR, 0
lower:		entry (KIND_SYNC | KIND_LOWER), 0

	.section .note.GNU-stack, "", %progbits
