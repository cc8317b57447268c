/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86_64 contexts. A switch pushes the callee-saved registers, MXCSR and
 * the x87 control word (the callee-saved part of the FPU state in the
 * System V ABI) on the old stack, records sp and the resume address, and
 * jumps to the new context. Nothing here is specific to a backend: sim
 * runs the same instructions on host threads.
 */
#include <errno.h>
#include <uk/arch/ctx.h>
#include <uk/arch/regs.h>
#include <uk/arch/valgrind.h>
#include <uk/essentials.h>

/*
 * ukarch_ctx_switch(store = %rdi, load = %rsi)
 *
 * Frame left on the stored stack, from sp upwards: mxcsr (4 bytes), x87
 * control word (2 bytes), padding, r15, r14, r13, r12, rbx, rbp, return
 * address.
 */
__asm__(
"	.text\n"
"	.globl ukarch_ctx_switch\n"
"	.type ukarch_ctx_switch, @function\n"
"ukarch_ctx_switch:\n"
"	.cfi_startproc\n"
"	pushq %rbp\n"
"	.cfi_adjust_cfa_offset 8\n"
"	pushq %rbx\n"
"	.cfi_adjust_cfa_offset 8\n"
"	pushq %r12\n"
"	.cfi_adjust_cfa_offset 8\n"
"	pushq %r13\n"
"	.cfi_adjust_cfa_offset 8\n"
"	pushq %r14\n"
"	.cfi_adjust_cfa_offset 8\n"
"	pushq %r15\n"
"	.cfi_adjust_cfa_offset 8\n"
"	subq $8, %rsp\n"
"	.cfi_adjust_cfa_offset 8\n"
"	stmxcsr (%rsp)\n"
"	fnstcw 4(%rsp)\n"
"	leaq 1f(%rip), %rax\n"
"	movq %rax, 0(%rdi)\n"
"	movq %rsp, 8(%rdi)\n"
"	movq 8(%rsi), %rsp\n"
"	jmpq *0(%rsi)\n"
"1:	ldmxcsr (%rsp)\n"
"	fldcw 4(%rsp)\n"
"	addq $8, %rsp\n"
"	.cfi_adjust_cfa_offset -8\n"
"	popq %r15\n"
"	.cfi_adjust_cfa_offset -8\n"
"	popq %r14\n"
"	.cfi_adjust_cfa_offset -8\n"
"	popq %r13\n"
"	.cfi_adjust_cfa_offset -8\n"
"	popq %r12\n"
"	.cfi_adjust_cfa_offset -8\n"
"	popq %rbx\n"
"	.cfi_adjust_cfa_offset -8\n"
"	popq %rbp\n"
"	.cfi_adjust_cfa_offset -8\n"
"	ret\n"
"	.cfi_endproc\n"
"	.size ukarch_ctx_switch, . - ukarch_ctx_switch\n"
);

/*
 * First code of a new context: the stack holds entry, arg0, arg1 and is
 * 16-byte aligned after they are popped, as the call needs. The FPU
 * control state starts at its reset values. rip is marked undefined so
 * that debuggers and the unwinder stop here instead of walking into
 * garbage.
 */
__asm__(
"	.text\n"
"	.type ukarch_ctx_trampoline, @function\n"
"ukarch_ctx_trampoline:\n"
"	.cfi_startproc\n"
"	.cfi_undefined rip\n"
"	popq %rax\n"
"	popq %rdi\n"
"	popq %rsi\n"
"	xorl %ebp, %ebp\n"
"	fninit\n"
"	pushq $0x1f80\n"
"	ldmxcsr (%rsp)\n"
"	addq $8, %rsp\n"
"	callq *%rax\n"
"	ud2\n"
"	.cfi_endproc\n"
"	.size ukarch_ctx_trampoline, . - ukarch_ctx_trampoline\n"
);

extern char ukarch_ctx_trampoline[];

void ukarch_ctx_init_entry2(struct ukarch_ctx *ctx, __uptr sp,
			    void (*entry)(long, long), long arg0, long arg1)
{
	unsigned long *top = (unsigned long *)ALIGN_DOWN(sp, UKARCH_SP_ALIGN);

	/* The trampoline pops three words and calls: the stack must be
	 * 16-byte aligned after the pops, so it starts 8 bytes off. */
	top -= 5;
	top[0] = (unsigned long)entry;
	top[1] = (unsigned long)arg0;
	top[2] = (unsigned long)arg1;
	top[3] = 0;
	top[4] = 0;
	ctx->sp = (__uptr)top;
	ctx->ip = (__uptr)ukarch_ctx_trampoline;
}

void ukarch_ectx_store(void *ectx)
{
	__asm__ __volatile__("fxsave64 %0"
			     : "=m"(*(char (*)[UKARCH_ECTX_SIZE])ectx));
}

void ukarch_ectx_load(const void *ectx)
{
	__asm__ __volatile__("fxrstor64 %0"
			     : : "m"(*(const char (*)[UKARCH_ECTX_SIZE])ectx));
}

void ukarch_ectx_init(void)
{
	__u32 mxcsr = 0x1f80;

	__asm__ __volatile__("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

/*
 * Entered instead of the interrupted instruction, with a frame of three
 * words that ukarch_regs_inject_call stored right below rsp, which it
 * set below the interrupted stack's red zone (guest code has none, but a
 * loaded Linux binary's code does; under valgrind, which cannot run
 * binaries, to the interrupted rsp: memcheck takes stores below a
 * skipped red zone for errors). The first instruction takes the frame
 * onto the stack (memcheck sees the stack grow over it):
 *
 *	rsp - 24	fn
 *	rsp - 16	the interrupted rip
 *	rsp - 8		the interrupted rsp
 *
 * Right below it the trampoline builds a struct __regs of the interrupted
 * state (168 bytes, ss at the top, r15 at the bottom; flags first, before
 * an instruction changes them; cs, ss and orig_rax 0), saves the FPU/SIMD
 * state below that, calls fn(regs, ectx), restores the FPU/SIMD state
 * (what fn left in ectx) and
 * resumes the struct with ukarch_regs_resume: what fn changed in it (a
 * signal handler's uc_mcontext) is what runs on. The 24 bytes that
 * writes 152 bytes below the interrupted rsp are the frame (red zone
 * kept) or the struct's rbx, r11 and r10 (none), which it has loaded by
 * then. Until the first instruction the frame lies within 128 bytes
 * below rsp, where no interrupt writes (IST on metal, the red zone
 * skipped in sim).
 */
__asm__(
"	.text\n"
"	.type ukarch_inject_trampoline, @function\n"
"ukarch_inject_trampoline:\n"
"	leaq -24(%rsp), %rsp\n"		/* the frame; flags kept */
"	pushq $0\n"			/* ss */
"	pushq 24(%rsp)\n"		/* rsp: the address is taken first */
"	pushfq\n"
"	pushq $0\n"			/* cs */
"	pushq 40(%rsp)\n"		/* rip */
"	pushq $0\n"			/* orig_rax */
"	pushq %rdi\n"
"	pushq %rsi\n"
"	pushq %rdx\n"
"	pushq %rcx\n"
"	pushq %rax\n"
"	pushq %r8\n"
"	pushq %r9\n"
"	pushq %r10\n"
"	pushq %r11\n"
"	pushq %rbx\n"
"	pushq %rbp\n"
"	pushq %r12\n"
"	pushq %r13\n"
"	pushq %r14\n"
"	pushq %r15\n"
"	movq %rsp, %rbx\n"
"	andq $-" STRINGIFY(UKARCH_ECTX_ALIGN) ", %rsp\n"
"	subq $" STRINGIFY(UKARCH_ECTX_SIZE) ", %rsp\n"
"	movq %rsp, %rdi\n"
"	callq ukarch_ectx_store\n"
"	movq %rbx, %rdi\n"
"	movq %rsp, %rsi\n"
"	callq *168(%rbx)\n"
"	movq %rsp, %rdi\n"
"	callq ukarch_ectx_load\n"
"	movq %rbx, %rdi\n"
"	jmp ukarch_regs_resume\n"
"ukarch_inject_trampoline_end:\n"
"	.size ukarch_inject_trampoline, . - ukarch_inject_trampoline\n"
);

extern char ukarch_inject_trampoline[], ukarch_inject_trampoline_end[];
extern char ukarch_regs_resume_end[];

/* The way back, ukarch_regs_resume, counts too: its last instructions
 * run with the interrupted flags (interrupts on). */
int ukarch_regs_in_inject_trampoline(const struct __regs *regs)
{
	__uptr ip = regs->rip;

	return (ip >= (__uptr)ukarch_inject_trampoline &&
		ip < (__uptr)ukarch_inject_trampoline_end) ||
	       (ip >= (__uptr)ukarch_regs_resume &&
		ip < (__uptr)ukarch_regs_resume_end);
}

/*
 * ukarch_regs_resume(r = %rdi): pops the general registers off the
 * struct itself, then puts rax, eflags and rip at T-152, T-144 and T-136,
 * where T is the target stack pointer (below its red zone), so that
 * popping rax and the flags and "ret $128" leave the stack pointer at
 * exactly T; nothing is read below the stack pointer (memcheck). Two
 * slots of the struct already consumed hold rax and rcx meanwhile.
 */
__asm__(
"	.text\n"
"	.globl ukarch_regs_resume\n"
"	.type ukarch_regs_resume, @function\n"
"ukarch_regs_resume:\n"
"	.cfi_startproc\n"
"	.cfi_undefined rip\n"
"	movq %rdi, %rsp\n"
"	popq %r15\n"
"	popq %r14\n"
"	popq %r13\n"
"	popq %r12\n"
"	popq %rbp\n"
"	popq %rbx\n"
"	popq %r11\n"
"	popq %r10\n"
"	popq %r9\n"
"	popq %r8\n"
"	popq %rax\n"
"	popq %rcx\n"
"	popq %rdx\n"
"	popq %rsi\n"
"	popq %rdi\n"
"	addq $8, %rsp\n"		/* orig_rax; now rip, cs, eflags, rsp, ss */
"	movq %rax, 8(%rsp)\n"
"	movq %rcx, 32(%rsp)\n"
"	movq 24(%rsp), %rax\n"
"	movq (%rsp), %rcx\n"
"	movq %rcx, -136(%rax)\n"
"	movq 16(%rsp), %rcx\n"
"	movq %rcx, -144(%rax)\n"
"	movq 8(%rsp), %rcx\n"
"	movq %rcx, -152(%rax)\n"
"	movq 32(%rsp), %rcx\n"
"	subq $152, %rax\n"
"	movq %rax, %rsp\n"
"	popq %rax\n"
"	popfq\n"
"	ret $128\n"
"ukarch_regs_resume_end:\n"
"	.cfi_endproc\n"
"	.size ukarch_regs_resume, . - ukarch_regs_resume\n"
);

/* How far below the interrupted stack pointer a trap's frame taken on
 * that stack may lie, and the room its way back (the trap code's
 * returns, the iret) may still use below the injecting call. */
#define TRAP_ON_STACK_MAX	(64 * 1024)
#define TRAP_BACK_ROOM		4096

int ukarch_regs_inject_call_on(struct __regs *regs,
			       void (*fn)(struct __regs *, void *),
			       __uptr stack)
{
	static int under_valgrind = -1;
	unsigned long *sp;

	if (under_valgrind < 0)
		under_valgrind = !!ukarch_valgrind_request(0,
					UK_VG_RUNNING_ON_VALGRIND,
					0, 0, 0, 0, 0);
	if (stack)
		sp = (unsigned long *)ALIGN_DOWN(stack, UKARCH_SP_ALIGN);
	else
		sp = (unsigned long *)(regs->rsp -
				       (under_valgrind ? 0 : 128));
	/* A trap taken on the interrupted stack (metal's exceptions but
	 * the page fault move their frame there) is still using it down
	 * to here: the frame goes below, out of reach of the way back. */
	if ((__uptr)regs < (__uptr)sp &&
	    (__uptr)regs + TRAP_ON_STACK_MAX > (__uptr)sp)
		sp = (unsigned long *)ALIGN_DOWN(
			(__uptr)__builtin_frame_address(0) - TRAP_BACK_ROOM,
			UKARCH_SP_ALIGN);
	sp[-1] = regs->rsp;
	sp[-2] = regs->rip;
	sp[-3] = (unsigned long)fn;
	regs->rsp = (unsigned long)sp;
	regs->rip = (unsigned long)ukarch_inject_trampoline;
	return 0;
}

int ukarch_regs_inject_call(struct __regs *regs,
			    void (*fn)(struct __regs *, void *))
{
	return ukarch_regs_inject_call_on(regs, fn, 0);
}
