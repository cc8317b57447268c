/*
 * Faults in app code as Linux turns them into signals, checked the same
 * way on Linux and on Amphi: a store to a PROT_NONE page runs the
 * SIGSEGV handler (SEGV_ACCERR, si_addr the exact address, the
 * ucontext's pc the store), which makes the page writable and returns:
 * the store is done again and lands; a read of an unmapped page
 * (SEGV_MAPERR) left by siglongjmp; a shared file mapping's page past
 * the file's end (SIGBUS, BUS_ADRERR); an integer divide by zero (SIGFPE,
 * FPE_INTDIV; x86_64 only, arm64 does not trap); an undefined
 * instruction (SIGILL: x86's ud2 ILL_ILLOPN, arm64's udf ILL_ILLOPC)
 * that the handler steps over; a breakpoint (SIGTRAP: x86's int3
 * SI_KERNEL past it, arm64's brk TRAP_BRKPT at it); a fault in a
 * second thread is that thread's; a stack overflow caught on the
 * sigaltstack; __builtin_trap() (x86's ud2 SIGILL, arm64's brk #0x3e8
 * SIGTRAP); floating-point exceptions with their traps enabled (SIGFPE,
 * FPE_FLT*; on a CPU without the traps, their IEEE results). Each
 * handler's ucontext tells the trap as Linux's does:
 * on x86_64 gregs[REG_TRAPNO], gregs[REG_ERR] (a page fault's with the
 * user bit) and gregs[REG_CR2] (a page fault's address; for other traps
 * the thread's last page fault's that was a signal), on arm64 an
 * esr record in __reserved (the syndrome from EL0) and fault_address
 * (a memory fault's, else 0). With an
 * argument it ends by SIGSEGV's default action (status 139, for
 * test/meson.build): no handler ("dfl"), SIGSEGV blocked ("blocked"), a
 * fault inside the handler ("in-handler"), an overflow without a
 * sigaltstack ("overflow").
 */
#include <fcntl.h>
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "../posix-check.h"

/* The faulting instructions, with labels for their exact addresses. */
extern char store_insn[], load_insn[], div_insn[], ill_insn[], brk_insn[];

static void __attribute__((noinline)) store_at(volatile int *p, int v)
{
#if defined(__x86_64__)
	__asm__ __volatile__(".globl store_insn\nstore_insn:\n\t"
			     "movl %1, (%0)" : : "r"(p), "r"(v) : "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(".globl store_insn\nstore_insn:\n\t"
			     "str %w1, [%0]" : : "r"(p), "r"(v) : "memory");
#endif
}

static int __attribute__((noinline)) load_from(volatile int *p)
{
	int v;

#if defined(__x86_64__)
	__asm__ __volatile__(".globl load_insn\nload_insn:\n\t"
			     "movl (%1), %0" : "=r"(v) : "r"(p) : "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(".globl load_insn\nload_insn:\n\t"
			     "ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
#endif
	return v;
}

#if defined(__x86_64__)
static int __attribute__((noinline)) divide(int a, int b)
{
	int q;

	__asm__ __volatile__("cltd\n.globl div_insn\ndiv_insn:\n\t"
			     "idivl %2" : "=a"(q) : "a"(a), "r"(b) : "rdx");
	return q;
}
#define ILL_LEN		2
#define ILL_CODE	ILL_ILLOPN
#define PC(uc)		((uc)->uc_mcontext.gregs[REG_RIP])
#elif defined(__aarch64__)
static int __attribute__((noinline)) divide(int a, int b)
{
	int q;

	__asm__ __volatile__(".globl div_insn\ndiv_insn:\n\t"
			     "sdiv %w0, %w1, %w2" : "=r"(q) : "r"(a), "r"(b));
	return q;
}
#define ILL_LEN		4
#define ILL_CODE	ILL_ILLOPC
#define PC(uc)		((uc)->uc_mcontext.pc)
#endif

static void __attribute__((noinline)) undefined_insn(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__(".globl ill_insn\nill_insn:\n\tud2");
#elif defined(__aarch64__)
	__asm__ __volatile__(".globl ill_insn\nill_insn:\n\tudf #0");
#endif
}

static void __attribute__((noinline)) breakpoint(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__(".globl brk_insn\nbrk_insn:\n\tint3");
#elif defined(__aarch64__)
	__asm__ __volatile__(".globl brk_insn\nbrk_insn:\n\tbrk #0");
#endif
}

/* What the last handler saw. */
static volatile int seen_sig, seen_code, seen_ss_flags;
static volatile unsigned long seen_trapno, seen_err, seen_cr2;
static void *volatile seen_addr;
static volatile uintptr_t seen_pc;
static volatile pthread_t seen_thread;
static volatile int hits;
static long page;
/* The address of this thread's last page fault that was a signal: what
 * Linux's x86 frames show as cr2 for any later trap (thread.cr2). */
static void *last_pf;

/* For the handler that makes the page writable. */
static void *volatile fix_page;
static sigjmp_buf jump;

#if defined(__x86_64__)
static void seen_trap(const ucontext_t *uc)
{
	seen_trapno = (unsigned long)uc->uc_mcontext.gregs[REG_TRAPNO];
	seen_err = (unsigned long)uc->uc_mcontext.gregs[REG_ERR];
	seen_cr2 = (unsigned long)uc->uc_mcontext.gregs[REG_CR2];
}
#elif defined(__aarch64__)
#define ESR_MAGIC	0x45535201

/* The esr record's syndrome (seen_err; seen_trapno 1 if there is one)
 * and fault_address (seen_cr2). */
static void seen_trap(const ucontext_t *uc)
{
	const unsigned char *r = uc->uc_mcontext.__reserved;
	const unsigned char *end = r + sizeof(uc->uc_mcontext.__reserved);
	uint32_t head[2];

	seen_cr2 = uc->uc_mcontext.fault_address;
	for (; r + 16 <= end; r += head[1]) {
		memcpy(head, r, sizeof(head));
		if (!head[0] || head[1] < 8)
			break;
		if (head[0] == ESR_MAGIC) {
			memcpy((void *)&seen_err, r + 8, 8);
			seen_trapno = 1;
		}
	}
}
#endif

static void seen(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	stack_t ss;

	seen_trap(uc);
	hits++;
	seen_sig = sig;
	seen_code = si->si_code;
	seen_addr = si->si_addr;
	seen_pc = (uintptr_t)PC(uc);
	seen_thread = pthread_self();
	seen_ss_flags = sigaltstack(NULL, &ss) ? -1 : ss.ss_flags;
}

static void on_fix(int sig, siginfo_t *si, void *uc)
{
	seen(sig, si, uc);
	if (fix_page)
		mprotect(fix_page, page, PROT_READ | PROT_WRITE);
}

static void on_jump(int sig, siginfo_t *si, void *uc)
{
	seen(sig, si, uc);
	siglongjmp(jump, 1);
}

static void on_skip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	seen(sig, si, ucv);
	PC(uc) += ILL_LEN;
}

/* x86's int3 is a trap (the pc is past it), arm64's brk a fault. */
static void on_breakpoint(int sig, siginfo_t *si, void *ucv)
{
	seen(sig, si, ucv);
#if defined(__aarch64__)
	PC((ucontext_t *)ucv) += 4;
#endif
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	CHECK(set_action(sig, fn, flags) == 0);
}

static void reset(void)
{
	hits = 0;
	seen_sig = seen_code = 0;
	seen_addr = NULL;
	seen_pc = 0;
	seen_trapno = seen_err = seen_cr2 = 0;
}

/* What a fault's ucontext must tell of its trap (Linux's numbers). */
enum trap { T_STORE, T_LOAD, T_DIV, T_ILL, T_BRK };

#if defined(__x86_64__)
#define PF_WRITE	0x2
#define PF_USER		0x4
/* The vector; the page fault's error code has no present bit (the page
 * was never mapped), the user bit, and the write bit for a store. */
static void check_trap(enum trap t, const void *addr)
{
	static const unsigned long vector[] = { 14, 14, 0, 6, 3 };
	int mem = t == T_STORE || t == T_LOAD;
	unsigned long err = PF_USER | (t == T_STORE ? PF_WRITE : 0);

	CHECK(seen_trapno == vector[t]);
	/* Bits 0-4: present, write, user, reserved, instruction. */
	CHECK(mem ? (seen_err & 0x1f) == err : seen_err == 0);
	/* Other traps leave cr2 as the last page fault's signal set it. */
	CHECK(seen_cr2 == (unsigned long)(mem ? addr : last_pf));
}
#elif defined(__aarch64__)
#define ESR_EC(e)	((e) >> 26 & 0x3f)
#define ESR_WNR		(1UL << 6)
#define ESR_IL		(1UL << 25)
/* The exception class from EL0: a data abort (a translation fault;
 * WnR for a store), an unknown instruction (udf), brk #0; the fault
 * address of memory faults only. No trap for a divide by zero. */
static void check_trap(enum trap t, const void *addr)
{
	static const unsigned long ec[] = { 0x24, 0x24, 0, 0x00, 0x3c };
	int mem = t == T_STORE || t == T_LOAD;

	if (t == T_DIV) {
		CHECK(seen_trapno == 0);
		CHECK(seen_err == 0);
		CHECK(seen_cr2 == 0);
		return;
	}
	CHECK(seen_trapno == 1 && ESR_EC(seen_err) == ec[t] &&
	      (seen_err & ESR_IL));
	/* A translation fault (never mapped); udf and brk #0: ISS 0. */
	CHECK(mem ? (seen_err & 0x3c) == 0x04 &&
		    !!(seen_err & ESR_WNR) == (t == T_STORE) :
		    (seen_err & 0x1ffffff) == 0);
	CHECK(seen_cr2 == (mem ? (unsigned long)addr : 0));
}
#endif

/* A store to a PROT_NONE page: the handler makes it writable, returns,
 * and the store is done again. */
static void check_accerr_retry(void)
{
	int *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);

	CHECK(p != MAP_FAILED);
	catch(SIGSEGV, on_fix, 0);
	reset();
	fix_page = p;
	store_at(p + 2, 1234);
	fix_page = NULL;
	CHECK(hits == 1);
	CHECK(seen_sig == SIGSEGV);
	CHECK(seen_code == SEGV_ACCERR);
	CHECK(seen_addr == (void *)(p + 2));
	CHECK(seen_pc == (uintptr_t)store_insn);
	check_trap(T_STORE, p + 2);
	last_pf = p + 2;
	CHECK(p[2] == 1234);
	munmap(p, page);
}

/* A read of an unmapped page, left by siglongjmp. */
static void check_maperr_jump(void)
{
	int *p = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	volatile int v = 0;

	CHECK(p != MAP_FAILED);
	CHECK(munmap(p, page) == 0);
	catch(SIGSEGV, on_jump, 0);
	reset();
	if (!sigsetjmp(jump, 1))
		v = load_from(p + 5) + 1;
	CHECK(v == 0);
	CHECK(hits == 1);
	CHECK(seen_code == SEGV_MAPERR);
	CHECK(seen_addr == (void *)(p + 5));
	CHECK(seen_pc == (uintptr_t)load_insn);
	check_trap(T_LOAD, p + 5);
	last_pf = p + 5;
}

/* x86_64 traps; arm64's sdiv gives 0 (as many checks either way). */
/* A shared file mapping's page past the file's end: SIGBUS. */
static void check_bus(void)
{
	static const char name[] = "faults-sigbus.tmp";
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	volatile int v = 0;
	char *m = MAP_FAILED;

	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 2 * page) == 0);
	m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(ftruncate(fd, page) == 0);
	catch(SIGBUS, on_jump, 0);
	reset();
	if (m != MAP_FAILED && !sigsetjmp(jump, 1))
		v = load_from((int *)(m + page + 16)) + 1;
	CHECK(v == 0);
	CHECK(hits == 1);
	CHECK(seen_sig == SIGBUS);
	CHECK(seen_code == BUS_ADRERR);
	CHECK(seen_addr == (void *)(m + page + 16));
	CHECK(seen_pc == (uintptr_t)load_insn);
	check_trap(T_LOAD, m + page + 16);
	last_pf = m + page + 16;
	if (m != MAP_FAILED)
		munmap(m, 2 * page);
	close(fd);
	unlink(name);
}

static void check_divide(void)
{
	volatile int q = -1;

	catch(SIGFPE, on_jump, 0);
	reset();
	if (!sigsetjmp(jump, 1))
		q = divide(7, 0);
#if defined(__x86_64__)
	CHECK(q == -1);
	CHECK(hits == 1);
	CHECK(seen_sig == SIGFPE);
	CHECK(seen_code == FPE_INTDIV);
	CHECK(seen_addr == (void *)div_insn);
	CHECK(seen_pc == (uintptr_t)div_insn);
#else
	CHECK(q == 0);
	CHECK(hits == 0);
	CHECK(seen_sig == 0);
	CHECK(seen_code == 0);
	CHECK(seen_addr == NULL);
	CHECK(seen_pc == 0);
#endif
	check_trap(T_DIV, div_insn);
}

/* The handler steps over the undefined instruction. */
static void check_illegal(void)
{
	catch(SIGILL, on_skip, 0);
	reset();
	undefined_insn();
	CHECK(hits == 1);
	CHECK(seen_sig == SIGILL);
	CHECK(seen_code == ILL_CODE);
	CHECK(seen_addr == (void *)ill_insn);
	CHECK(seen_pc == (uintptr_t)ill_insn);
	check_trap(T_ILL, ill_insn);
}

static void check_breakpoint(void)
{
	catch(SIGTRAP, on_breakpoint, 0);
	reset();
	breakpoint();
	CHECK(hits == 1);
	CHECK(seen_sig == SIGTRAP);
#if defined(__x86_64__)
	CHECK(seen_code == SI_KERNEL);
	CHECK(seen_addr == NULL);
	CHECK(seen_pc == (uintptr_t)brk_insn + 1);
#elif defined(__aarch64__)
	CHECK(seen_code == TRAP_BRKPT);
	CHECK(seen_addr == (void *)brk_insn);
	CHECK(seen_pc == (uintptr_t)brk_insn);
#endif
	check_trap(T_BRK, brk_insn);
}

/* __builtin_trap(): x86's ud2 is SIGILL (ILL_ILLOPN), arm64's
 * brk #0x3e8 SIGTRAP (TRAP_BRKPT) as any brk of the app's; si_addr and
 * the pc the instruction. */
static void __attribute__((noinline)) trap_now(void)
{
	__builtin_trap();
}

static void check_builtin_trap(void)
{
	const unsigned char *pc;

	catch(SIGILL, on_jump, 0);
	catch(SIGTRAP, on_jump, 0);
	reset();
	if (!sigsetjmp(jump, 1))
		trap_now();
	pc = (const unsigned char *)seen_pc;
	CHECK(hits == 1);
#if defined(__x86_64__)
	CHECK(seen_sig == SIGILL && seen_code == ILL_ILLOPN);
	CHECK(pc && pc[0] == 0x0f && pc[1] == 0x0b);		/* ud2 */
	check_trap(T_ILL, pc);
#elif defined(__aarch64__)
	CHECK(seen_sig == SIGTRAP && seen_code == TRAP_BRKPT);
	CHECK(pc && ((*(const uint32_t *)pc) & 0xffe0001f) == 0xd4200000);
	/* As check_trap's for brk #0, with the brk's immediate. */
	CHECK(seen_trapno == 1 && ESR_EC(seen_err) == 0x3c);
	CHECK(pc && (seen_err & 0xffff) ==
		    ((*(const uint32_t *)pc) >> 5 & 0xffff));
	CHECK(seen_cr2 == 0);
#endif
	CHECK(seen_addr == (void *)seen_pc);
}

/*
 * Floating-point exceptions with their trap enabled: the operation that
 * raises one is SIGFPE with Linux's si_code (from the flags under the
 * masks: FPE_FLTDIV, FLTINV, FLTOVF, FLTUND, FLTRES), si_addr and the
 * pc the instruction that trapped (x87: the fwait after the cause,
 * where the pending exception is taken); the frame has the state with
 * the exception, the handler runs with the initial FPU state (x86:
 * Linux's fpu__clear_user_states). A CPU may lack the traps: arm64's
 * are optional (QEMU's has none), enabling them fails, as glibc's
 * feenableexcept does (-1); QEMU's x86 (TCG) raises the x87's but not
 * SSE's. The operations that did not trap give their IEEE results and
 * flags with no signal (as many checks either way).
 */
enum { X_INV = 0x01, X_DIV = 0x04, X_OVF = 0x08, X_UND = 0x10,
       X_RES = 0x20 };	/* x86's flag bits, MXCSR's and the x87's */

struct fpe_case {
	unsigned int bit;	/* the exception, X_* */
	int fe;			/* its FE_* */
	int code;		/* Linux's si_code */
	int x87;		/* x86: by the x87 (else SSE) */
	int mul;		/* a * b, else a / b */
	double a, b;
};

static const struct fpe_case fpe_cases[] = {
	{ X_DIV, FE_DIVBYZERO, FPE_FLTDIV, 0, 0, 1.0, 0.0 },
	{ X_INV, FE_INVALID, FPE_FLTINV, 0, 0, 0.0, 0.0 },
	{ X_OVF, FE_OVERFLOW, FPE_FLTOVF, 0, 1, 1e300, 1e300 },
	{ X_UND, FE_UNDERFLOW, FPE_FLTUND, 0, 1, 1e-300, 1e-300 },
	{ X_RES, FE_INEXACT, FPE_FLTRES, 0, 0, 1.0, 3.0 },
	{ X_DIV, FE_DIVBYZERO, FPE_FLTDIV, 1, 0, 1.0, 0.0 },
	{ X_INV, FE_INVALID, FPE_FLTINV, 1, 0, 0.0, 0.0 },
};

extern char fdiv_insn[], fmul_insn[], fwait_insn[];

#if defined(__x86_64__)
/* What glibc's feenableexcept does (musl has none): the exception's
 * mask cleared in the x87 control word and in MXCSR, no flag set. */
static int trap_fp(unsigned int bit)
{
	unsigned short cw = 0x037f & ~bit;
	unsigned int mxcsr = 0x1f80 & ~(bit << 7);

	__asm__ __volatile__("fninit\n\tfldcw %0\n\tldmxcsr %1"
			     : : "m"(cw), "m"(mxcsr));
	return 0;
}

static void untrap_fp(void)
{
	unsigned int mxcsr = 0x1f80;

	__asm__ __volatile__("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

static double __attribute__((noinline)) fp_div(double a, double b)
{
	__asm__ __volatile__(".globl fdiv_insn\nfdiv_insn:\n\t"
			     "divsd %1, %0" : "+x"(a) : "x"(b));
	return a;
}

static double __attribute__((noinline)) fp_mul(double a, double b)
{
	__asm__ __volatile__(".globl fmul_insn\nfmul_insn:\n\t"
			     "mulsd %1, %0" : "+x"(a) : "x"(b));
	return a;
}

/* a / b on the x87: the exception is pending after the fdiv and taken
 * at the next waiting instruction, the fwait. */
static double __attribute__((noinline)) x87_div(double a, double b)
{
	double r;

	__asm__ __volatile__("fldl %2\n\tfldl %1\n\tfdiv %%st(1), %%st\n"
			     ".globl fwait_insn\nfwait_insn:\n\tfwait\n\t"
			     "fstpl %0\n\tfstp %%st(0)"
			     : "=m"(r) : "m"(a), "m"(b));
	return r;
}
#elif defined(__aarch64__)
/* glibc's feenableexcept: FPCR's trap enables (IOE DZE OFE UFE IXE,
 * bits 8-12) are optional, RES0 where the CPU has none: read back, -1
 * if they did not stick. */
static int trap_fp(unsigned int bit)
{
	unsigned long want = (unsigned long)((bit & 1) | (bit & 0x3c) >> 1)
			     << 8, got;

	__asm__ __volatile__("msr fpsr, xzr\n\tmsr fpcr, %0" : : "r"(want));
	__asm__ __volatile__("mrs %0, fpcr" : "=r"(got));
	return (want & ~got) ? -1 : 0;
}

static void untrap_fp(void)
{
	__asm__ __volatile__("msr fpcr, xzr\n\tmsr fpsr, xzr");
}

static double __attribute__((noinline)) fp_div(double a, double b)
{
	__asm__ __volatile__(".globl fdiv_insn\nfdiv_insn:\n\t"
			     "fdiv %d0, %d0, %d1" : "+w"(a) : "w"(b));
	return a;
}

static double __attribute__((noinline)) fp_mul(double a, double b)
{
	__asm__ __volatile__(".globl fmul_insn\nfmul_insn:\n\t"
			     "fmul %d0, %d0, %d1" : "+w"(a) : "w"(b));
	return a;
}

/* No x87: the scalar unit's. */
#define x87_div	fp_div
#endif

static double fpe_op(const struct fpe_case *c)
{
	if (c->mul)
		return fp_mul(c->a, c->b);
	return c->x87 ? x87_div(c->a, c->b) : fp_div(c->a, c->b);
}

static const char *fpe_insn(const struct fpe_case *c)
{
#if defined(__x86_64__)
	if (c->x87)
		return fwait_insn;
#endif
	return c->mul ? fmul_insn : fdiv_insn;
}

/* The handler's own FPU state at its start (x86: MXCSR << 16 | the
 * x87 control word), and the frame's flags and masks of the unit the
 * case uses (fpe_x87). */
static volatile unsigned long hand_ctl, frame_flags, frame_masks;
static volatile int fpe_x87;

static void on_fpe(int sig, siginfo_t *si, void *ucv)
{
#if defined(__x86_64__)
	const ucontext_t *uc = ucv;
	unsigned int mxcsr;
	unsigned short cw;

	__asm__ __volatile__("stmxcsr %0\n\tfnstcw %1"
			     : "=m"(mxcsr), "=m"(cw));
	hand_ctl = (unsigned long)mxcsr << 16 | cw;
	if (uc->uc_mcontext.fpregs && fpe_x87) {
		frame_flags = uc->uc_mcontext.fpregs->swd;
		frame_masks = uc->uc_mcontext.fpregs->cwd;
	} else if (uc->uc_mcontext.fpregs) {
		frame_flags = uc->uc_mcontext.fpregs->mxcsr;
		frame_masks = uc->uc_mcontext.fpregs->mxcsr >> 7;
	}
#endif
	seen(sig, si, ucv);
	siglongjmp(jump, 1);
}

#if defined(__x86_64__)
/* The trap as Linux's frame tells it (vector, no error code, the last
 * page fault's cr2), the handler on the initial state, the exception
 * in the frame's flags and unmasked. */
static int fpe_frame_ok(const struct fpe_case *c)
{
	return seen_trapno == (c->x87 ? 16UL : 19UL) && seen_err == 0 &&
	       seen_cr2 == (unsigned long)last_pf &&
	       hand_ctl == (0x1f80UL << 16 | 0x037f) &&
	       (frame_flags & c->bit) && !(frame_masks & c->bit);
}
#else
/* The syndrome from EL0: a trapped floating-point exception. */
static int fpe_frame_ok(const struct fpe_case *c)
{
	(void)c;
	return seen_trapno == 1 && ESR_EC(seen_err) == 0x2c;
}
#endif

/* Whether r is what the untrapped operation gives. */
static int fpe_ieee(const struct fpe_case *c, double r)
{
	switch (c->bit) {
	case X_DIV:
	case X_OVF:
		return isinf(r) && r > 0;
	case X_INV:
		return isnan(r);
	case X_UND:
		return r == 0.0;
	default:
		return r > 0.333 && r < 0.334;
	}
}

/* Why an enabled exception did not trap, once: not compared with
 * Linux's output (run-both.py leaves out "amphi: " lines of a QEMU run),
 * as on Linux with such a CPU. */
static void fpe_untrapped(int rc, int *told)
{
	if (*told)
		return;
	*told = 1;
	if (rc)
		printf("amphi: faults: this CPU has no floating-point traps "
		       "(FPCR's enables read back 0: feenableexcept's -1): "
		       "their IEEE results instead\n");
	else
		printf("amphi: faults: this CPU completes SSE operations "
		       "with unmasked exceptions untrapped (QEMU's TCG): "
		       "their IEEE results instead\n");
}

static void check_fpe_case(const struct fpe_case *c, int *told)
{
	volatile double r = -1.0;
	int rc, flags;

	catch(SIGFPE, on_fpe, 0);
	reset();
	hand_ctl = frame_flags = frame_masks = 0;
	fpe_x87 = c->x87;
	rc = trap_fp(c->bit);
	if (!sigsetjmp(jump, 1))
		r = fpe_op(c);
	flags = fetestexcept(c->fe);
	untrap_fp();
	if (!rc && hits) {
		CHECK(hits == 1 && seen_sig == SIGFPE && r == -1.0);
		CHECK(seen_code == c->code);
		CHECK(seen_addr == (void *)fpe_insn(c));
		CHECK(seen_pc == (uintptr_t)fpe_insn(c));
		CHECK(fpe_frame_ok(c));
		return;
	}
	fpe_untrapped(rc, told);
	/* The x87's own exceptions trap wherever there is an x87. */
	CHECK(rc == -1 || !c->x87);
	CHECK(hits == 0 && seen_sig == 0);
	CHECK(fpe_ieee(c, r));
	CHECK(flags == c->fe);
	CHECK(fetestexcept(FE_ALL_EXCEPT) == 0);
}

static void check_fpe(void)
{
	unsigned int i;
	int told = 0;

	for (i = 0; i < sizeof(fpe_cases) / sizeof(fpe_cases[0]); i++)
		check_fpe_case(&fpe_cases[i], &told);
	signal(SIGFPE, SIG_DFL);
}

static void *fault_in_thread(void *arg)
{
	store_at(arg, 77);
	return NULL;
}

/* A fault in another thread runs the handler in that thread. */
static void check_thread(void)
{
	int *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	pthread_t t;

	CHECK(p != MAP_FAILED);
	catch(SIGSEGV, on_fix, 0);
	reset();
	fix_page = p;
	CHECK(pthread_create(&t, NULL, fault_in_thread, p) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	fix_page = NULL;
	CHECK(hits == 1);
	CHECK(pthread_equal(seen_thread, t));
	CHECK(seen_addr == (void *)p);
	check_trap(T_STORE, p);
	CHECK(*p == 77);
	munmap(p, page);
}

/* Far beyond any stack: the recursion ends by overflowing. */
static volatile int max_depth = 1 << 30;

static int __attribute__((noinline)) recurse(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (depth > max_depth)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static char altstack[64 * 1024];

/* Overflows its stack; with use_alt, the handler runs on a sigaltstack
 * and jumps back. */
static void *overflow(void *arg)
{
	int use_alt = arg != NULL;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	if (use_alt && sigaltstack(&ss, NULL))
		return (void *)1;
	if (!sigsetjmp(jump, 1))
		recurse(0);
	return NULL;
}

static void run_overflow(int use_alt)
{
	pthread_attr_t a;
	pthread_t t;
	void *rc = (void *)2;

	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_setstacksize(&a, 128 * 1024) == 0);
	CHECK(pthread_create(&t, &a, overflow, use_alt ? &a : NULL) == 0);
	CHECK(pthread_join(t, &rc) == 0);
	CHECK(rc == NULL);
}

static void check_overflow(void)
{
	catch(SIGSEGV, on_jump, SA_ONSTACK);
	reset();
	run_overflow(1);
	CHECK(hits == 1);
	CHECK(seen_sig == SIGSEGV);
	CHECK(seen_ss_flags == SS_ONSTACK);
}

/* Stores again where it faulted: with SIGSEGV blocked in its handler. */
static void on_fault_again(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	store_at(si->si_addr, 2);
}

/* Ends by SIGSEGV's default action (status 139). */
static void end_by_fault(const char *how)
{
	int *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	sigset_t set;

	if (!strcmp(how, "blocked")) {
		catch(SIGSEGV, on_fix, 0);
		fix_page = p;
		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else if (!strcmp(how, "in-handler")) {
		catch(SIGSEGV, on_fault_again, 0);
	} else if (!strcmp(how, "overflow")) {
		/* SA_ONSTACK, but no sigaltstack. */
		catch(SIGSEGV, on_jump, SA_ONSTACK);
		run_overflow(0);
	} else if (strcmp(how, "dfl")) {
		printf("unknown mode %s\n", how);
		return;
	}
	store_at(p, 1);
	printf("still here\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	page = sysconf(_SC_PAGESIZE);
	if (argc > 1) {
		end_by_fault(argv[1]);
		return 0;
	}
	check_accerr_retry();
	check_maperr_jump();
	check_bus();
	check_divide();
	check_illegal();
	check_breakpoint();
	check_builtin_trap();
	check_fpe();
	check_thread();
	check_overflow();
	return posix_check_summary();
}
