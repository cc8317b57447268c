/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uk_syscall_entry: an "svc 0" instruction for code that is called, not
 * trapped. The number is in x8 and the arguments in x0-x5, as for the
 * instruction; the result comes back in x0, and every other register is
 * kept but x16 and x17 (which any call may clobber) and x30, which the
 * call itself sets. The caller's registers are saved as a struct __regs
 * (pc and lr: the return address, sp: the caller's), which the handlers
 * that need the whole context see (clone starts the child from a copy;
 * rt_sigreturn may replace it), and the caller resumes from that frame.
 * musl's own assembly that issues "svc" (clone, the cancellable call,
 * sigreturn) calls this instead; ordinary system calls are plain C calls
 * of uk_syscall6().
 */
#define REGS	288	/* sizeof(struct __regs) */
#define FRAME	(REGS + 16)

	.text
	.globl uk_syscall_entry
	.type uk_syscall_entry, %function
	.p2align 4
uk_syscall_entry:
	.cfi_startproc
	bti c
	sub sp, sp, #FRAME
	.cfi_def_cfa_offset FRAME
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
	.cfi_offset x29, 232 - FRAME
	add x9, sp, #FRAME
	stp x30, x9, [sp, #240]		/* lr, sp */
	.cfi_offset x30, 240 - FRAME
	mrs x10, nzcv
	stp x30, x10, [sp, #256]	/* pc: where the call returns; pstate */
	stp xzr, xzr, [sp, #272]	/* esr, far */
	/* A frame record, for backtraces through the handler. */
	stp x29, x30, [sp, #REGS]
	add x29, sp, #REGS
	mov x0, sp
	bl uk_syscall_entry_regs
	mov x0, sp
	b ukarch_regs_resume
	.cfi_endproc
	.size uk_syscall_entry, . - uk_syscall_entry

	.section .note.GNU-stack, "", %progbits
