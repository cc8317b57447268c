/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A signal handler's view of the interrupted registers (uk/ucontext.h):
 * struct __regs to Linux's sigcontext and back.
 */
#include <string.h>
#include <uk/ucontext.h>

#define OFF(f)	__builtin_offsetof(struct uk_ucontext, f)

#if defined(__x86_64__)
/* Where the C library reads the fields (Linux's layout). */
_Static_assert(sizeof(struct uk_mcontext) == 256, "sigcontext");
_Static_assert(OFF(uc_sigmask) == 296, "ucontext");

/* The flags a handler may change, as Linux's FIX_EFLAGS less TF and RF
 * (a trap flag would single-step the kernel's way back): CF PF AF ZF SF
 * DF OF AC. */
#define USER_FLAGS	0x40cd5UL

void uk_mcontext_from_regs(struct uk_mcontext *mc, const struct __regs *r,
			   long rc)
{
	memset(mc, 0, sizeof(*mc));
	mc->r8 = r->r8;
	mc->r9 = r->r9;
	mc->r10 = r->r10;
	mc->r11 = r->r11;
	mc->r12 = r->r12;
	mc->r13 = r->r13;
	mc->r14 = r->r14;
	mc->r15 = r->r15;
	mc->rdi = r->rdi;
	mc->rsi = r->rsi;
	mc->rbp = r->rbp;
	mc->rbx = r->rbx;
	mc->rdx = r->rdx;
	mc->rax = (__u64)rc;
	mc->rcx = r->rcx;
	mc->rsp = r->rsp;
	mc->rip = r->rip;
	mc->eflags = r->eflags;
	mc->cs = (__u16)r->cs;
	mc->ss = (__u16)r->ss;
}

long uk_mcontext_to_regs(struct __regs *r, const struct uk_mcontext *mc)
{
	r->r8 = mc->r8;
	r->r9 = mc->r9;
	r->r10 = mc->r10;
	r->r11 = mc->r11;
	r->r12 = mc->r12;
	r->r13 = mc->r13;
	r->r14 = mc->r14;
	r->r15 = mc->r15;
	r->rdi = mc->rdi;
	r->rsi = mc->rsi;
	r->rbp = mc->rbp;
	r->rbx = mc->rbx;
	r->rdx = mc->rdx;
	r->rcx = mc->rcx;
	r->rsp = mc->rsp;
	r->rip = mc->rip;
	r->eflags = (r->eflags & ~USER_FLAGS) | (mc->eflags & USER_FLAGS);
	return (long)mc->rax;
}
#elif defined(__aarch64__)
_Static_assert(OFF(uc_mcontext) == 176, "ucontext");
_Static_assert(sizeof(struct uk_ucontext) == 4560, "ucontext");

/* The condition flags NZCV: all of pstate a handler may change. */
#define USER_FLAGS	0xf0000000UL

void uk_mcontext_from_regs(struct uk_mcontext *mc, const struct __regs *r,
			   long rc)
{
	memset(mc, 0, sizeof(*mc));
	memcpy(mc->regs, r->x, sizeof(r->x));
	mc->regs[0] = (__u64)rc;
	mc->regs[30] = r->lr;
	mc->sp = r->sp;
	mc->pc = r->pc;
	mc->pstate = r->pstate;
	mc->fault_address = r->far;
}

long uk_mcontext_to_regs(struct __regs *r, const struct uk_mcontext *mc)
{
	memcpy(r->x, mc->regs, sizeof(r->x));
	r->lr = mc->regs[30];
	r->sp = mc->sp;
	r->pc = mc->pc;
	r->pstate = (r->pstate & ~USER_FLAGS) | (mc->pstate & USER_FLAGS);
	return (long)mc->regs[0];
}
#endif
