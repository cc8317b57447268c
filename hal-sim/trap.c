/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Faults are signals: SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP (int3)
 * are taken on an alternate stack (so a stack overflow can be reported),
 * turned into a struct __regs and a trap context, and handed to the
 * shared trap code in hal/. If a handler there takes the trap, the (possibly edited) registers
 * are written back and the faulting code resumes.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <uk/arch/traps.h>
#include <uk/arch/valgrind.h>
#include <uk/plat/lcpu.h>
#include "cpu.h"
#include "sim.h"

#define SIM_ALTSTACK_SIZE	(256 * 1024)

/* x86 hardware vectors the kernel reports in REG_TRAPNO. */
#define X86_TRAP_GP	13

void sim_regs_from_mcontext(struct __regs *r, const mcontext_t *mc)
{
	const greg_t *g = mc->gregs;

	r->r15 = g[REG_R15]; r->r14 = g[REG_R14];
	r->r13 = g[REG_R13]; r->r12 = g[REG_R12];
	r->rbp = g[REG_RBP]; r->rbx = g[REG_RBX];
	r->r11 = g[REG_R11]; r->r10 = g[REG_R10];
	r->r9 = g[REG_R9]; r->r8 = g[REG_R8];
	r->rax = g[REG_RAX]; r->rcx = g[REG_RCX];
	r->rdx = g[REG_RDX]; r->rsi = g[REG_RSI];
	r->rdi = g[REG_RDI];
	r->orig_rax = g[REG_ERR];
	r->rip = g[REG_RIP]; r->rsp = g[REG_RSP];
	r->eflags = g[REG_EFL];
	r->cs = g[REG_CSGSFS] & 0xffff;
	r->ss = 0;
}

void sim_regs_to_mcontext(mcontext_t *mc, const struct __regs *r)
{
	greg_t *g = mc->gregs;

	g[REG_R15] = r->r15; g[REG_R14] = r->r14;
	g[REG_R13] = r->r13; g[REG_R12] = r->r12;
	g[REG_RBP] = r->rbp; g[REG_RBX] = r->rbx;
	g[REG_R11] = r->r11; g[REG_R10] = r->r10;
	g[REG_R9] = r->r9; g[REG_R8] = r->r8;
	g[REG_RAX] = r->rax; g[REG_RCX] = r->rcx;
	g[REG_RDX] = r->rdx; g[REG_RSI] = r->rsi;
	g[REG_RDI] = r->rdi;
	g[REG_RIP] = r->rip; g[REG_RSP] = r->rsp;
	g[REG_EFL] = r->eflags;
}

/* Classifies the signal as the trap the hardware raised. */
static void classify(struct ukarch_trap_ctx *ctx, int sig,
		     const siginfo_t *si, const mcontext_t *mc)
{
	unsigned long hwtrap = (unsigned long)mc->gregs[REG_TRAPNO];

	ctx->vector = hwtrap;
	ctx->error_code = (unsigned long)mc->gregs[REG_ERR];
	ctx->fault_addr = (unsigned long)si->si_addr;
	/* The host runs this handler on a fresh FPU state: the trapped
	 * code's (the status words of an FP exception) is in the frame,
	 * an fxsave image at its start. */
	ctx->ectx = mc->fpregs;
	switch (sig) {
	case SIGSEGV:
		/* A non-canonical access is a #GP with no address. */
		ctx->trapnr = hwtrap == X86_TRAP_GP ? UKARCH_TRAP_NR_SECURITY
						    : UKARCH_TRAP_NR_PAGE_FAULT;
		break;
	case SIGBUS:
		ctx->trapnr = UKARCH_TRAP_NR_BUS_ERROR;
		break;
	case SIGILL:
		ctx->trapnr = UKARCH_TRAP_NR_INVALID_OP;
		break;
	case SIGTRAP:
		ctx->trapnr = UKARCH_TRAP_NR_DEBUG;	/* int3: vector 3 */
		break;
	case SIGFPE:
		ctx->trapnr = (si->si_code == FPE_INTDIV ||
			       si->si_code == FPE_INTOVF)
			      ? UKARCH_TRAP_NR_DIVIDE : UKARCH_TRAP_NR_MATH;
		break;
	default:
		ctx->trapnr = UKARCH_TRAP_NR_COUNT;
	}
}

/* A fault while the previous one is being handled on this CPU (say,
 * unwinding a smashed stack for the crash report) must not recurse until
 * the alternate stack overflows: struct sim_cpu counts the depth. */
static void __attribute__((noreturn)) nested_fault(int sig, siginfo_t *si,
						     ucontext_t *uc)
{
	char msg[160];
	int len;

	sim_host_enter();
	len = snprintf(msg, sizeof(msg), "\n*** fault (signal %d) at ip 0x%llx"
		       ", address %p, while handling a trap: giving up\n",
		       sig, (unsigned long long)uc->uc_mcontext.gregs[REG_RIP],
		       si->si_addr);
	sim_console_write(msg, (size_t)len);
	_exit(1);
}

static int on_valgrind;

/* Whether the instruction at ip pushes on the stack: push (register,
 * immediate, r/m), pushf or call (relative, r/m). */
static int pushes(const unsigned char *ip)
{
	while ((*ip & 0xf0) == 0x40)	/* REX */
		ip++;
	if ((ip[0] & 0xf8) == 0x50 || ip[0] == 0x6a || ip[0] == 0x68 ||
	    ip[0] == 0x9c || ip[0] == 0xe8)
		return 1;
	return ip[0] == 0xff && (((ip[1] >> 3) & 7) == 6 ||
				 ((ip[1] >> 3) & 7) == 2);
}

/*
 * Valgrind's translation of push and call moves %rsp before the store,
 * and a fault in that store (the first touch of a demand-paged stack
 * page) is delivered with the instruction pointer at the push and %rsp
 * already moved: resumed as it is, the push runs twice and a later ret
 * pops the wrong word. On valgrind, such a fault gets its %rsp back.
 */
static void vg_push_fixup(int sig, const siginfo_t *si, struct __regs *r)
{
	if (!on_valgrind || sig != SIGSEGV ||
	    (unsigned long)si->si_addr != r->rsp ||
	    !pushes((const unsigned char *)r->rip))
		return;
	r->rsp += 8;
}

/* Runs with whatever %fs was loaded (cpu.h): no host C library here. */
static void fault_handler(int sig, siginfo_t *si, void *ucv)
{
	struct sim_cpu *c = sim_cpu();
	ucontext_t *uc = ucv;
	struct ukarch_trap_ctx ctx;
	struct __regs regs;
	unsigned long irqf, fs;

	if (c->trap_depth++ > 0)
		nested_fault(sig, si, uc);
	/* As through an x86 interrupt gate: no interrupt (and so no
	 * preemption, which would leave this frame on the CPU's signal
	 * stack under another thread) while the trap is handled. */
	irqf = ukplat_lcpu_save_irqf();
	sim_regs_from_mcontext(&regs, &uc->uc_mcontext);
	vg_push_fixup(sig, si, &regs);
	ctx.regs = &regs;
	classify(&ctx, sig, si, &uc->uc_mcontext);
	/* The trap code is guest code: the guest's %fs. */
	fs = sim_guest_enter();
	ukarch_trap_handle(&ctx);
	sim_host_leave(fs);
	sim_regs_to_mcontext(&uc->uc_mcontext, &regs);
	c->trap_depth--;
	ukplat_lcpu_restore_irqf(irqf);
}

void sim_altstack_init(void)
{
	stack_t ss = { .ss_size = SIM_ALTSTACK_SIZE, .ss_flags = 0 };

	ss.ss_sp = mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED || sigaltstack(&ss, NULL) < 0) {
		perror("amphi: sigaltstack");
		exit(2);
	}
}

void sim_traps_init(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction sa;
	unsigned int i;

	sim_altstack_init();
	on_valgrind = ukarch_valgrind_request(0, UK_VG_RUNNING_ON_VALGRIND,
					      0, 0, 0, 0, 0) != 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	/* NODEFER: a fault inside the handler reaches it (and is reported)
	 * instead of the kernel killing the process silently. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0) {
			perror("amphi: sigaction");
			exit(2);
		}
	}
}
