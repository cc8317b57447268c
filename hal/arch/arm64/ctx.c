/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arm64 contexts (AAPCS64). A switch saves x19-x29, lr and the callee-
 * saved low halves of v8-v15 (d8-d15) plus FPCR on the old stack, then
 * loads the new context's pointer-authentication key before its stack:
 * every return address a thread signed (paciasp) was signed under its
 * own key, so the key must change exactly where the stack does.
 *
 * Branch targets reached by an indirect branch start with "bti j"
 * (hints, NOPs on CPUs without BTI): the guarded pages of the kernel's
 * text would fault on them otherwise.
 */
#include <errno.h>
#include <string.h>
#include <uk/arch/ctx.h>
#include <uk/arch/regs.h>
#include <uk/essentials.h>
#include <uk/random.h>

/* Set by the backend once PAuth (SCTLR_EL1.EnIA) is on. */
int arm64_pauth_enabled;

/*
 * ukarch_ctx_switch(store = x0, load = x1). Frame (176 bytes, 16-aligned):
 * x19..x28 (80), x29, x30 (16), d8..d15 (64), fpcr (8) + pad (8).
 * APIAKeyLo/Hi_EL1 are S3_0_C2_C1_0/1.
 */
__asm__(
"	.text\n"
"	.globl ukarch_ctx_switch\n"
"	.type ukarch_ctx_switch, %function\n"
"ukarch_ctx_switch:\n"
"	.cfi_startproc\n"
"	bti c\n"
"	sub sp, sp, #176\n"
"	.cfi_adjust_cfa_offset 176\n"
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
"	adrp x11, arm64_pauth_enabled\n"
"	ldr w11, [x11, :lo12:arm64_pauth_enabled]\n"
"	cbz w11, 2f\n"
"	mrs x12, S3_0_C2_C1_0\n"
"	mrs x13, S3_0_C2_C1_1\n"
"	stp x12, x13, [x0, #16]\n"
"	ldp x12, x13, [x1, #16]\n"
"	msr S3_0_C2_C1_0, x12\n"
"	msr S3_0_C2_C1_1, x13\n"
"	isb\n"
"2:	ldp x9, x10, [x1]\n"
"	mov sp, x10\n"
"	br x9\n"
"1:	bti j\n"
"	ldr x9, [sp, #160]\n"
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
"	.cfi_adjust_cfa_offset -176\n"
"	ret\n"
"	.cfi_endproc\n"
"	.size ukarch_ctx_switch, . - ukarch_ctx_switch\n"
);

/* First code of a new context: entry, arg0, arg1 on the stack. The
 * return address is undefined, so debuggers and unwinders stop here. */
__asm__(
"	.text\n"
"	.type ukarch_ctx_trampoline, %function\n"
"ukarch_ctx_trampoline:\n"
"	.cfi_startproc\n"
"	.cfi_undefined x30\n"
"	bti j\n"
"	ldp x9, x0, [sp, #0]\n"
"	ldr x1, [sp, #16]\n"
"	add sp, sp, #32\n"
"	mov x29, xzr\n"
"	mov x30, xzr\n"
"	msr fpcr, xzr\n"
"	blr x9\n"
"	brk #0\n"
"	.cfi_endproc\n"
"	.size ukarch_ctx_trampoline, . - ukarch_ctx_trampoline\n"
);

/* Hidden: a PC-relative address, not a GOT entry (a relocatable link
 * turns a GOT entry of a file-local asm symbol into its section start). */
extern char ukarch_ctx_trampoline[] __attribute__((visibility("hidden")));

static __u64 mix64(__u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A fresh key: from the CSPRNG once it is seeded; before that (the
 * first threads of the boot) from the counter and the last key. */
static void new_pac_key(__u64 key[2])
{
	static __u64 early;
	__u64 cnt;

	key[0] = key[1] = 0;
	if (!READ_ONCE(arm64_pauth_enabled))
		return;
	if (uk_random_seeded()) {
		while (!(key[0] | key[1]))
			uk_random_fill(key, 2 * sizeof(__u64));
		return;
	}
	__asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(cnt));
	early = mix64(early ^ cnt ^ (__u64)key);
	key[0] = early | 1;
	key[1] = mix64(early + cnt);
}

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
	new_pac_key(ctx->pac_key);
}

void ukarch_ctx_keep_key(struct ukarch_ctx *ctx)
{
	if (!READ_ONCE(arm64_pauth_enabled))
		return;
	__asm__ __volatile__("mrs %0, S3_0_C2_C1_0\n\t"
			     "mrs %1, S3_0_C2_C1_1"
			     : "=r"(ctx->pac_key[0]), "=r"(ctx->pac_key[1]));
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
		"str x9, [%0, #512]\n\t"
		"str x10, [%0, #520]\n\t"
		: : "r"(ectx) : "x9", "x10", "memory");
}

void ukarch_ectx_init(void)
{
	__asm__ __volatile__("msr fpcr, xzr\n\tmsr fpsr, xzr");
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
		"ldr x9, [%0, #512]\n\t"
		"ldr x10, [%0, #520]\n\t"
		"msr fpsr, x9\n\t"
		"msr fpcr, x10\n\t"
		: : "r"(ectx) : "x9", "x10", "memory");
}

/*
 * An injected call. Entered by the exception return instead of the
 * interrupted instruction, with 32 bytes pushed on the interrupted stack
 * (or another one: ukarch_regs_inject_call_on): fn, the interrupted pc,
 * pstate and stack pointer. Builds a struct __regs of the interrupted
 * state below them (REGS bytes), a frame record
 * (so backtraces through fn reach the interrupted function), saves the
 * FPU/SIMD state, calls fn(regs, ectx), restores the FPU/SIMD state
 * (what fn left in ectx) and ends
 * with "svc #UKARCH_INJECT_SVC": the SVC handler resumes the struct
 * __regs (ukarch_regs_inject_return), the only way back that frees every
 * register, with what fn changed in it (a signal handler's uc_mcontext).
 * From the stack pointer at the call upwards:
 *
 *	sp + 0			FPU/SIMD state (UKARCH_ECTX_SIZE)
 *	x29 + 0			frame record: x29, the interrupted pc
 *	x29 + 16		struct __regs (INJ_REGS; esr, far 0)
 *	x29 + 16 + INJ_REGS	fn, pc, pstate, sp (ukarch_regs_inject_call)
 */
#define INJ_REGS	288	/* sizeof(struct __regs) */
__asm__(
"	.text\n"
"	.type ukarch_inject_trampoline, %function\n"
"ukarch_inject_trampoline:\n"
"	bti j\n"
"	sub sp, sp, #" STRINGIFY(INJ_REGS) "\n"
"	stp x0, x1, [sp, #0]\n"
"	stp x2, x3, [sp, #16]\n"
"	stp x4, x5, [sp, #32]\n"
"	stp x6, x7, [sp, #48]\n"
"	stp x8, x9, [sp, #64]\n"
"	stp x10, x11, [sp, #80]\n"
"	stp x12, x13, [sp, #96]\n"
"	stp x14, x15, [sp, #112]\n"
"	stp x16, x17, [sp, #128]\n"
"	stp x18, x19, [sp, #144]\n"
"	stp x20, x21, [sp, #160]\n"
"	stp x22, x23, [sp, #176]\n"
"	stp x24, x25, [sp, #192]\n"
"	stp x26, x27, [sp, #208]\n"
"	stp x28, x29, [sp, #224]\n"
"	ldr x0, [sp, #(" STRINGIFY(INJ_REGS) " + 24)]\n"
"	stp x30, x0, [sp, #240]\n"
"	ldp x1, x2, [sp, #(" STRINGIFY(INJ_REGS) " + 8)]\n"
"	stp x1, x2, [sp, #256]\n"
"	stp xzr, xzr, [sp, #272]\n"
"	sub sp, sp, #16\n"
"	stp x29, x1, [sp]\n"
"	mov x29, sp\n"
"	sub sp, sp, #" STRINGIFY(UKARCH_ECTX_SIZE) "\n"
"	mov x0, sp\n"
"	bl ukarch_ectx_store\n"
"	ldr x9, [x29, #(16 + " STRINGIFY(INJ_REGS) ")]\n"
"	add x0, x29, #16\n"
"	mov x1, sp\n"
"	blr x9\n"
"	mov x0, sp\n"
"	bl ukarch_ectx_load\n"
"	add sp, sp, #(" STRINGIFY(UKARCH_ECTX_SIZE) " + 16)\n"
"	svc #" STRINGIFY(UKARCH_INJECT_SVC) "\n"
"	brk #1\n"
"ukarch_inject_trampoline_end:\n"
"	.size ukarch_inject_trampoline, . - ukarch_inject_trampoline\n"
);

extern char ukarch_inject_trampoline[] __attribute__((visibility("hidden")));
extern char ukarch_inject_trampoline_end[]
	__attribute__((visibility("hidden")));

int ukarch_regs_in_inject_trampoline(const struct __regs *regs)
{
	return regs->pc >= (__uptr)ukarch_inject_trampoline &&
	       regs->pc < (__uptr)ukarch_inject_trampoline_end;
}

#define PSTATE_SPSEL	0x1UL		/* M[0]: EL1h, on the exception stack */
#define PSTATE_BTYPE	(3UL << 10)

int ukarch_regs_inject_call_on(struct __regs *regs,
			       void (*fn)(struct __regs *, void *),
			       __uptr stack)
{
	unsigned long *sp = (unsigned long *)(stack ?
			ALIGN_DOWN(stack, UKARCH_SP_ALIGN) : regs->sp);

	/* Only a thread's own stack (EL1t) can take the frames. */
	if (regs->pstate & PSTATE_SPSEL)
		return -ENOTSUP;
	sp -= 4;
	sp[0] = (unsigned long)fn;
	sp[1] = regs->pc;
	sp[2] = regs->pstate;
	sp[3] = regs->sp;
	regs->sp = (unsigned long)sp;
	regs->pc = (unsigned long)ukarch_inject_trampoline;
	/* No BTI landing check for the trampoline itself. */
	regs->pstate &= ~PSTATE_BTYPE;
	return 0;
}

int ukarch_regs_inject_call(struct __regs *regs,
			    void (*fn)(struct __regs *, void *))
{
	return ukarch_regs_inject_call_on(regs, fn, 0);
}

int ukarch_regs_inject_return(struct __regs *regs)
{
	const unsigned long esr_svc = (0x15UL << 26) | UKARCH_INJECT_SVC;
	const struct __regs *saved;

	/* The SVC's return address lies inside the trampoline. */
	if ((regs->esr & ((0x3fUL << 26) | 0xffff)) != esr_svc ||
	    regs->pc <= (__uptr)ukarch_inject_trampoline ||
	    !ukarch_regs_in_inject_trampoline(regs))
		return 0;
	saved = (const struct __regs *)regs->sp;
	memcpy(regs, saved, sizeof(*regs));
	return 1;
}

/* x0..x15, x18..x30 and the condition flags (nzcv) from r, then the
 * stack pointer and pc through x16 and x17 (the intra-procedure-call
 * scratch registers, which a trap return would restore: the caller of a
 * resume must not count on them). r is read only while the stack pointer
 * is still below it: an interrupt that injects a call (preemption) may
 * push frames below the new one as soon as it is loaded. */
void __noreturn ukarch_regs_resume(const struct __regs *r)
{
	__asm__ __volatile__(
		"mov x16, %0\n\t"
		"ldr x17, [x16, #(33 * 8)]\n\t"	/* pstate */
		"msr nzcv, x17\n\t"
		"ldp x0, x1, [x16, #0]\n\t"
		"ldp x2, x3, [x16, #16]\n\t"
		"ldp x4, x5, [x16, #32]\n\t"
		"ldp x6, x7, [x16, #48]\n\t"
		"ldp x8, x9, [x16, #64]\n\t"
		"ldp x10, x11, [x16, #80]\n\t"
		"ldp x12, x13, [x16, #96]\n\t"
		"ldp x14, x15, [x16, #112]\n\t"
		"ldp x18, x19, [x16, #144]\n\t"
		"ldp x20, x21, [x16, #160]\n\t"
		"ldp x22, x23, [x16, #176]\n\t"
		"ldp x24, x25, [x16, #192]\n\t"
		"ldp x26, x27, [x16, #208]\n\t"
		"ldp x28, x29, [x16, #224]\n\t"
		"ldr x30, [x16, #240]\n\t"
		"ldr x17, [x16, #(32 * 8)]\n\t"	/* pc */
		"ldr x16, [x16, #(31 * 8)]\n\t"	/* sp */
		"mov sp, x16\n\t"
		/* ret, not br: the pc is no branch target (BTI). */
		"ret x17\n\t"
		: : "r"(r) : "memory");
	__builtin_unreachable();
}
