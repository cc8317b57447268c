/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arm64 contexts (AAPCS64). A switch saves x19-x29, lr and the callee-
 * saved low halves of v8-v15 (d8-d15) plus FPCR on the old stack. Built
 * once the arm64 backend boots; written now so the context contract is
 * known to fit both architectures.
 */
#include <errno.h>
#include <uk/arch/ctx.h>
#include <uk/essentials.h>

/*
 * ukarch_ctx_switch(store = x0, load = x1). Frame (176 bytes, 16-aligned):
 * x19..x28 (80), x29, x30 (16), d8..d15 (64), fpcr (8) + pad (8).
 */
__asm__(
"	.text\n"
"	.globl ukarch_ctx_switch\n"
"	.type ukarch_ctx_switch, %function\n"
"ukarch_ctx_switch:\n"
"	sub sp, sp, #176\n"
"	stp x19, x20, [sp, #0]\n"
"	stp x21, x22, [sp, #16]\n"
"	stp x23, x24, [sp, #32]\n"
"	stp x25, x26, [sp, #48]\n"
"	stp x27, x28, [sp, #64]\n"
"	stp x29, x30, [sp, #80]\n"
"	stp d8, d9, [sp, #96]\n"
"	stp d10, d11, [sp, #112]\n"
"	stp d12, d13, [sp, #128]\n"
"	stp d14, d15, [sp, #144]\n"
"	mrs x9, fpcr\n"
"	str x9, [sp, #160]\n"
"	adr x9, 1f\n"
"	mov x10, sp\n"
"	stp x9, x10, [x0]\n"
"	ldp x9, x10, [x1]\n"
"	mov sp, x10\n"
"	br x9\n"
"1:	ldr x9, [sp, #160]\n"
"	msr fpcr, x9\n"
"	ldp d14, d15, [sp, #144]\n"
"	ldp d12, d13, [sp, #128]\n"
"	ldp d10, d11, [sp, #112]\n"
"	ldp d8, d9, [sp, #96]\n"
"	ldp x29, x30, [sp, #80]\n"
"	ldp x27, x28, [sp, #64]\n"
"	ldp x25, x26, [sp, #48]\n"
"	ldp x23, x24, [sp, #32]\n"
"	ldp x21, x22, [sp, #16]\n"
"	ldp x19, x20, [sp, #0]\n"
"	add sp, sp, #176\n"
"	ret\n"
"	.size ukarch_ctx_switch, . - ukarch_ctx_switch\n"
);

/* First code of a new context: entry, arg0, arg1 on the stack. */
__asm__(
"	.text\n"
"	.type ukarch_ctx_trampoline, %function\n"
"ukarch_ctx_trampoline:\n"
"	ldp x9, x0, [sp, #0]\n"
"	ldr x1, [sp, #16]\n"
"	add sp, sp, #32\n"
"	mov x29, xzr\n"
"	mov x30, xzr\n"
"	msr fpcr, xzr\n"
"	blr x9\n"
"	brk #0\n"
"	.size ukarch_ctx_trampoline, . - ukarch_ctx_trampoline\n"
);

extern char ukarch_ctx_trampoline[];

void ukarch_ctx_init_entry2(struct ukarch_ctx *ctx, __uptr sp,
			    void (*entry)(long, long), long arg0, long arg1)
{
	unsigned long *top = (unsigned long *)ALIGN_DOWN(sp, UKARCH_SP_ALIGN);

	top -= 4;
	top[0] = (unsigned long)entry;
	top[1] = (unsigned long)arg0;
	top[2] = (unsigned long)arg1;
	top[3] = 0;
	ctx->sp = (__uptr)top;
	ctx->ip = (__uptr)ukarch_ctx_trampoline;
}

void ukarch_ectx_store(void *ectx)
{
	__asm__ __volatile__(
		"stp q0, q1, [%0, #0]\n\t"
		"stp q2, q3, [%0, #32]\n\t"
		"stp q4, q5, [%0, #64]\n\t"
		"stp q6, q7, [%0, #96]\n\t"
		"stp q8, q9, [%0, #128]\n\t"
		"stp q10, q11, [%0, #160]\n\t"
		"stp q12, q13, [%0, #192]\n\t"
		"stp q14, q15, [%0, #224]\n\t"
		"stp q16, q17, [%0, #256]\n\t"
		"stp q18, q19, [%0, #288]\n\t"
		"stp q20, q21, [%0, #320]\n\t"
		"stp q22, q23, [%0, #352]\n\t"
		"stp q24, q25, [%0, #384]\n\t"
		"stp q26, q27, [%0, #416]\n\t"
		"stp q28, q29, [%0, #448]\n\t"
		"stp q30, q31, [%0, #480]\n\t"
		"mrs x9, fpsr\n\t"
		"mrs x10, fpcr\n\t"
		"stp x9, x10, [%0, #512]\n\t"
		: : "r"(ectx) : "x9", "x10", "memory");
}

void ukarch_ectx_load(const void *ectx)
{
	__asm__ __volatile__(
		"ldp q0, q1, [%0, #0]\n\t"
		"ldp q2, q3, [%0, #32]\n\t"
		"ldp q4, q5, [%0, #64]\n\t"
		"ldp q6, q7, [%0, #96]\n\t"
		"ldp q8, q9, [%0, #128]\n\t"
		"ldp q10, q11, [%0, #160]\n\t"
		"ldp q12, q13, [%0, #192]\n\t"
		"ldp q14, q15, [%0, #224]\n\t"
		"ldp q16, q17, [%0, #256]\n\t"
		"ldp q18, q19, [%0, #288]\n\t"
		"ldp q20, q21, [%0, #320]\n\t"
		"ldp q22, q23, [%0, #352]\n\t"
		"ldp q24, q25, [%0, #384]\n\t"
		"ldp q26, q27, [%0, #416]\n\t"
		"ldp q28, q29, [%0, #448]\n\t"
		"ldp q30, q31, [%0, #480]\n\t"
		"ldp x9, x10, [%0, #512]\n\t"
		"msr fpsr, x9\n\t"
		"msr fpcr, x10\n\t"
		: : "r"(ectx) : "x9", "x10", "memory");
}

/* Returning to an arbitrary instruction needs a register to branch
 * through, and none is free there; arm64 preempts in its exception return
 * path instead, once it boots. */
int ukarch_regs_inject_call(struct __regs *regs, void (*fn)(void))
{
	return -ENOTSUP;
}
