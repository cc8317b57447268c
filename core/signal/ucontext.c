/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A signal handler's view of the interrupted registers (uk/ucontext.h):
 * struct __regs to Linux's sigcontext and back, and an extended context
 * (the FPU/SIMD state) to Linux's FPU frame and back.
 */
#include <errno.h>
#include <string.h>
#include <uk/arch/ctx.h>
#include <uk/nofault.h>
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

void uk_sigframe_fault(struct uk_sigframe *f, const struct uk_sigfault *t)
{
	f->uc.uc_mcontext.trapno = t->trapno;
	f->uc.uc_mcontext.err = t->err;
	f->uc.uc_mcontext.cr2 = t->cr2;
}

/* The extended context is the fxsave image, Linux's struct _fpstate. */
_Static_assert(sizeof(struct uk_fpstate) == UKARCH_ECTX_SIZE, "fxsave");
_Static_assert(__builtin_offsetof(struct uk_fpstate, xmm_space) == 160,
	       "fxsave");

#define FCW_INIT		0x037f	/* fninit's control word */
#define MXCSR_INIT		0x1f80	/* all exceptions masked */
/* What MXCSR may hold when fxsave reports no mask (old CPUs). */
#define MXCSR_MASK_DEFAULT	0xffbf

void uk_sigframe_fpu_from(struct uk_sigframe *f, const void *ectx)
{
	memcpy(&f->fp, ectx, sizeof(f->fp));
	/* fxsave does not write bytes 464-511: no stale XSAVE magic. */
	memset(f->fp.sw_reserved, 0, sizeof(f->fp.sw_reserved));
	f->uc.uc_mcontext.fpstate = (__u64)(__uptr)&f->fp;
}

int uk_sigframe_fpu_to(void *ectx, const struct uk_sigframe *f)
{
	const void *src = (const void *)(__uptr)f->uc.uc_mcontext.fpstate;
	struct uk_fpstate *e = ectx, fp;
	__u32 mask = e->mxcr_mask ? e->mxcr_mask : MXCSR_MASK_DEFAULT;

	if (src == &f->fp) {
		fp = f->fp;
	} else if (!src) {
		memset(&fp, 0, sizeof(fp));
		fp.cwd = FCW_INIT;
		fp.mxcsr = MXCSR_INIT;
	} else if (uk_copy_from_user(&fp, src, sizeof(fp)) < 0) {
		return -EFAULT;
	}
	/* A reserved MXCSR bit would make fxrstor fault in the kernel. */
	fp.mxcsr &= mask;
	fp.mxcr_mask = e->mxcr_mask;
	memcpy(e, &fp, sizeof(fp));
	return 0;
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

/* The extended context: q0-q31, then fpsr and fpcr as 64-bit words. */
_Static_assert(sizeof(struct uk_fpsimd_context) == 528, "fpsimd_context");
_Static_assert(UKARCH_ECTX_SIZE == 528, "ectx");
#define ECTX_FPSR	512
#define ECTX_FPCR	520

/* The record is followed by a null one (magic and size 0), which the
 * zeroed __reserved already holds: the end of the list. */
void uk_sigframe_fpu_from(struct uk_sigframe *f, const void *ectx)
{
	struct uk_fpsimd_context *fc =
		(struct uk_fpsimd_context *)f->uc.uc_mcontext.__reserved;
	const __u8 *e = ectx;
	__u64 v;

	fc->magic = UK_FPSIMD_MAGIC;
	fc->size = sizeof(*fc);
	memcpy(fc->vregs, e, sizeof(fc->vregs));
	memcpy(&v, e + ECTX_FPSR, sizeof(v));
	fc->fpsr = (__u32)v;
	memcpy(&v, e + ECTX_FPCR, sizeof(v));
	fc->fpcr = (__u32)v;
}

void uk_sigframe_fault(struct uk_sigframe *f, const struct uk_sigfault *t)
{
	struct uk_esr_context *ec = (struct uk_esr_context *)
		(f->uc.uc_mcontext.__reserved +
		 sizeof(struct uk_fpsimd_context));

	/* The zeroed bytes behind it are the null record, the end. */
	ec->magic = UK_ESR_MAGIC;
	ec->size = sizeof(*ec);
	ec->esr = t->err;
}

int uk_sigframe_fpu_to(void *ectx, const struct uk_sigframe *f)
{
	const struct uk_fpsimd_context *fc =
		(const struct uk_fpsimd_context *)f->uc.uc_mcontext.__reserved;
	__u8 *e = ectx;
	__u64 v;

	/* Linux refuses a frame without it; the state stays as it was. */
	if (fc->magic != UK_FPSIMD_MAGIC || fc->size != sizeof(*fc))
		return 0;
	memcpy(e, fc->vregs, sizeof(fc->vregs));
	v = fc->fpsr;
	memcpy(e + ECTX_FPSR, &v, sizeof(v));
	v = fc->fpcr;
	memcpy(e + ECTX_FPCR, &v, sizeof(v));
	return 0;
}
#endif
