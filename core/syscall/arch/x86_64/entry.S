/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uk_syscall_entry: a "syscall" instruction for code that is called, not
 * trapped. The number is in %rax and the arguments in %rdi, %rsi, %rdx,
 * %r10, %r8, %r9, as for the instruction; the result comes back in %rax,
 * and every other register is kept but %rcx and %r11, as the instruction
 * does. The caller's registers are saved as a struct __regs (rip: the
 * return address, rsp: the stack pointer after the return), which the
 * handlers that need the whole context see (clone starts the child from
 * a copy; rt_sigreturn may replace it), and the caller resumes from that
 * frame. musl's own assembly that issues "syscall" (clone, the
 * cancellable call, sigreturn) calls this instead; ordinary system calls
 * are plain C calls of uk_syscall6().
 */
	.text
	.globl uk_syscall_entry
	.type uk_syscall_entry, @function
	.p2align 4
uk_syscall_entry:
	.cfi_startproc
	/* The caller's stack need not be aligned (musl's assembly calls
	 * with whatever it has). %r11 and %rcx are the instruction's to
	 * clobber: here they carry the entry stack pointer and the return
	 * address. The frame: struct __regs at the aligned %rsp, the entry
	 * %rsp at 168(%rsp). */
	movq %rsp, %r11
	andq $-16, %rsp
	subq $176, %rsp
	movq %r11, 168(%rsp)
	/* CFA = *(rsp + 168) + 8; rbp and rbx at 32 and 40 above rsp. */
	.cfi_escape 0x0f, 0x06, 0x77, 0xa8, 0x01, 0x06, 0x23, 0x08
	movq %rbp, 32(%rsp)
	.cfi_escape 0x10, 0x06, 0x02, 0x77, 0x20
	movq %rbx, 40(%rsp)
	.cfi_escape 0x10, 0x03, 0x02, 0x77, 0x28
	movq %r15, 0(%rsp)
	movq %r14, 8(%rsp)
	movq %r13, 16(%rsp)
	movq %r12, 24(%rsp)
	movq %r10, 56(%rsp)
	movq %r9, 64(%rsp)
	movq %r8, 72(%rsp)
	movq %rax, 80(%rsp)
	movq %rdx, 96(%rsp)
	movq %rsi, 104(%rsp)
	movq %rdi, 112(%rsp)
	movq %rax, 120(%rsp)		/* orig_rax: the number */
	movq (%r11), %rcx
	movq %rcx, 128(%rsp)		/* rip: where the call returns */
	movq %rcx, 88(%rsp)		/* rcx, as the instruction leaves it */
	movq $0, 136(%rsp)		/* cs */
	pushfq
	popq %rcx
	movq %rcx, 144(%rsp)		/* eflags */
	movq %rcx, 48(%rsp)		/* r11, as the instruction leaves it */
	leaq 8(%r11), %r11
	movq %r11, 152(%rsp)		/* rsp after the return */
	movq $0, 160(%rsp)		/* ss */
	movq %rsp, %rdi
	call uk_syscall_entry_regs
	movq %rsp, %rdi
	jmp ukarch_regs_resume
	.cfi_endproc
	.size uk_syscall_entry, . - uk_syscall_entry


/*
 * uk_syscall_entry_frame: the way in of a trapped "syscall" instruction
 * (a loaded Linux binary's: hal-sim/sud.c, or metal's LSTAR entry), with
 * %rsp = %rdi = the caller's registers as a struct __regs (16-byte
 * aligned, room below), served by uk_syscall_entry_trapped. Linux keeps
 * every register but %rax, %rcx and %r11 across the call, FPU and SIMD
 * state included, which kernel code may use: it is saved around the call
 * (and handed to it, for signal handlers to see and change). Resumes the
 * caller from the frame, which the call may have changed (clone,
 * rt_sigreturn).
 */
	.globl uk_syscall_entry_frame
	.type uk_syscall_entry_frame, @function
	.p2align 4
uk_syscall_entry_frame:
	.cfi_startproc
	.cfi_undefined rip
	movq %rdi, %rbx
	subq $512, %rsp
	fxsave64 (%rsp)
	movq %rsp, %rsi
	call uk_syscall_entry_trapped
	fxrstor64 (%rsp)
	movq %rbx, %rdi
	jmp ukarch_regs_resume
	.cfi_endproc
	.size uk_syscall_entry_frame, . - uk_syscall_entry_frame

	.section .note.GNU-stack, "", @progbits
