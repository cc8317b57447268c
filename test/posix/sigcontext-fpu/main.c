/*
 * A SA_SIGINFO handler's view of the FPU/SIMD state, checked the same
 * way on Linux and on Amphi: x86_64's uc_mcontext.fpregs (the fxsave
 * image, 16-byte aligned) and arm64's fpsimd_context record at the start
 * of uc_mcontext.__reserved hold the interrupted state, and what a
 * handler writes there is what the thread resumes with; what the handler
 * does to its own FPU registers is not.
 *
 * Asynchronous: a thread spins with a known value in xmm0 (v0) and is
 * interrupted by pthread_kill and a profiling timer; a last handler puts
 * another value there and moves the pc out of the loop. Synchronous: a
 * raise() with the rounding mode set to toward-zero; the handler sees
 * it in MXCSR (FPCR) and sets upward, which raise() returns with. Then a
 * system call that delivers to the caller: on Linux (x86_64), with the
 * "syscall" instruction, xmm0 is seen and changed across it (test/elf
 * runs this on Amphi too); a native Amphi app's calls are function
 * calls, which keep no xmm0: there the handler sets a sticky exception
 * flag in the frame instead, which the caller then finds set (as many
 * checks).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "../posix-check.h"
#include "../sig-spin.h"

#define SENDS	10			/* pthread_kill, one at a time */
#define TICKS	3			/* ITIMER_PROF expiries */

/* 128-bit values: in xmm0 (v0) while spinning, and what the handler
 * puts there. */
static const uint64_t pat[2] __attribute__((aligned(16))) = {
	0x1122334455667788ULL, 0x99aabbccddeeff00ULL };
static const uint64_t pat2[2] __attribute__((aligned(16))) = {
	0x0f1e2d3c4b5a6978ULL, 0x8796a5b4c3d2e1f0ULL };

extern char fspin_begin[] __attribute__((visibility("hidden")));
extern char fspin_end[] __attribute__((visibility("hidden")));

static volatile int stop, spinning, done;
static volatile int hits, bad_vreg, bad_align, bad_kept;
static uint64_t out[2] __attribute__((aligned(16)));

/*
 * Loads pat into xmm0 (v0) and spins until *stopp; then stores that
 * register in res. Only a handler that moves the pc to fspin_end leaves
 * the loop otherwise.
 */
static __attribute__((noinline, noclone)) void spin(volatile int *stopp,
						    uint64_t *res)
{
#if defined(__x86_64__)
	__asm__ __volatile__(
		"	movdqa (%2), %%xmm0\n"
		"fspin_begin:\n"
		"	cmpl $0, (%0)\n"
		"	je fspin_begin\n"
		"fspin_end:\n"
		"	movdqa %%xmm0, (%1)\n"
		: : "r"(stopp), "r"(res), "r"(pat) : "xmm0", "memory", "cc");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"	ldr q0, [%2]\n"
		"fspin_begin:\n"
		"	ldr w9, [%0]\n"
		"	cbz w9, fspin_begin\n"
		"fspin_end:\n"
		"	str q0, [%1]\n"
		: : "r"(stopp), "r"(res), "r"(pat) : "x9", "v0", "memory");
#else
#error "no spin loop for this architecture"
#endif
}

#if defined(__x86_64__)
#define MC_PC(uc)	((uc)->uc_mcontext.gregs[REG_RIP])
#define RC_MASK		0x6000u		/* MXCSR RC */
#define RC_ZERO		0x6000u
#define RC_UP		0x4000u
#define RC_DOWN		0x2000u
#define FLAG_INEXACT	0x20u		/* MXCSR PE */

/* The frame's xmm0 (16 bytes), NULL if there is no FPU state. */
static void *frame_v0(ucontext_t *uc)
{
	if (!uc->uc_mcontext.fpregs)
		return NULL;
	return uc->uc_mcontext.fpregs->_xmm[0].element;
}

/* The frame's control register: MXCSR. */
static unsigned int *frame_ctl(ucontext_t *uc)
{
	return uc->uc_mcontext.fpregs ? &uc->uc_mcontext.fpregs->mxcsr : NULL;
}

/* The frame's status register: MXCSR too. */
static __attribute__((unused)) unsigned int *frame_status(ucontext_t *uc)
{
	return frame_ctl(uc);
}

static int frame_aligned(ucontext_t *uc)
{
	return ((uintptr_t)uc->uc_mcontext.fpregs & 15) == 0;
}

static unsigned int ctl_get(void)
{
	unsigned int v;

	__asm__ __volatile__("stmxcsr %0" : "=m"(v));
	return v;
}

static void ctl_set(unsigned int v)
{
	__asm__ __volatile__("ldmxcsr %0" : : "m"(v));
}

#define status_get	ctl_get
#define status_set	ctl_set

static void clobber_v0(void)
{
	__asm__ __volatile__("pcmpeqd %%xmm0, %%xmm0" : : : "xmm0");
}
#elif defined(__aarch64__)
#define MC_PC(uc)	((uc)->uc_mcontext.pc)
#define RC_MASK		(3u << 22)	/* FPCR RMode */
#define RC_ZERO		(3u << 22)
#define RC_UP		(1u << 22)
#define RC_DOWN		(2u << 22)
#define FLAG_INEXACT	0x10u		/* FPSR IXC */

/* Linux's struct fpsimd_context. */
struct fpsimd {
	uint32_t magic;
	uint32_t size;
	uint32_t fpsr;
	uint32_t fpcr;
	__uint128_t vregs[32];
};

static struct fpsimd *frame_fpsimd(ucontext_t *uc)
{
	struct fpsimd *f = (struct fpsimd *)(void *)uc->uc_mcontext.__reserved;
	const uint32_t *end = (const uint32_t *)(f + 1);

	/* The record, then the list's terminating null record. */
	if (f->magic != 0x46508001 || f->size != sizeof(*f) ||
	    end[0] != 0 || end[1] != 0)
		return NULL;
	return f;
}

static void *frame_v0(ucontext_t *uc)
{
	struct fpsimd *f = frame_fpsimd(uc);

	return f ? &f->vregs[0] : NULL;
}

static unsigned int *frame_ctl(ucontext_t *uc)
{
	struct fpsimd *f = frame_fpsimd(uc);

	return f ? &f->fpcr : NULL;
}

static unsigned int *frame_status(ucontext_t *uc)
{
	struct fpsimd *f = frame_fpsimd(uc);

	return f ? &f->fpsr : NULL;
}

static int frame_aligned(ucontext_t *uc)
{
	return ((uintptr_t)frame_v0(uc) & 15) == 0;
}

static unsigned int ctl_get(void)
{
	unsigned long v;

	__asm__ __volatile__("mrs %0, fpcr" : "=r"(v));
	return (unsigned int)v;
}

static void ctl_set(unsigned int v)
{
	__asm__ __volatile__("msr fpcr, %0" : : "r"((unsigned long)v));
}

static unsigned int status_get(void)
{
	unsigned long v;

	__asm__ __volatile__("mrs %0, fpsr" : "=r"(v));
	return (unsigned int)v;
}

static void status_set(unsigned int v)
{
	__asm__ __volatile__("msr fpsr, %0" : : "r"((unsigned long)v));
}

static void clobber_v0(void)
{
	__asm__ __volatile__("movi v0.16b, #0xff" : : : "v0");
}
#endif

/* Checks the interrupted state: the loop's xmm0 (v0). Then changes the
 * handler's own, which must not reach the thread. */
static void on_sample(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	void *v0 = frame_v0(uc);

	(void)sig;
	(void)si;
	if (!v0 || memcmp(v0, pat, 16))
		bad_vreg++;
	if (!frame_aligned(uc))
		bad_align++;
	clobber_v0();
	hits++;
}

/* Sends the thread out of the loop with another value in xmm0 (v0). */
static void on_leave(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	void *v0 = frame_v0(uc);

	(void)sig;
	(void)si;
	if (!v0) {
		bad_kept++;
		return;
	}
	/* What the sampling handlers did to their own is not here. */
	if (memcmp(v0, pat, 16))
		bad_kept++;
	memcpy(v0, pat2, 16);
	MC_PC(uc) = (uintptr_t)fspin_end;
}

static void *spinner(void *arg)
{
	sigset_t set;

	(void)arg;
	/* The main thread blocks SIGPROF: the timer's come here. */
	sigemptyset(&set);
	sigaddset(&set, SIGPROF);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	spinning = 1;
	spin(&stop, out);
	done = 1;
	return NULL;
}

static void async_case(void)
{
	struct itimerval it;
	sigset_t set;
	pthread_t t;
	int i;

	sigemptyset(&set);
	sigaddset(&set, SIGPROF);
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(set_action(SIGPROF, on_sample, 0) == 0);
	CHECK(set_action(SIGUSR1, on_leave, 0) == 0);
	CHECK(pthread_create(&t, NULL, spinner, NULL) == 0);
	CHECK(wait_for(&spinning, 1));
	msleep(5);
	for (i = 0; i < SENDS; i++) {
		CHECK(pthread_kill(t, SIGPROF) == 0);
		if (!wait_for(&hits, i + 1))
			break;
	}
	CHECK(hits == SENDS);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 2000;
	it.it_value.tv_usec = 2000;
	CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);
	CHECK(wait_for(&hits, SENDS + TICKS));
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);
	CHECK(bad_vreg == 0);
	CHECK(bad_align == 0);

	CHECK(pthread_kill(t, SIGUSR1) == 0);
	CHECK(wait_for(&done, 1));
	stop = 1;
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(bad_kept == 0);
	CHECK(!memcmp(out, pat2, 16));
	CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
}

static volatile unsigned int seen_rc = ~0u;
static volatile int sync_hits;

/* The rounding mode of the interrupted code, then upward for it; its
 * own goes downward, which must not last. */
static void on_raise(int sig, siginfo_t *si, void *ucv)
{
	unsigned int *ctl = frame_ctl(ucv);

	(void)sig;
	(void)si;
	sync_hits++;
	ctl_set((ctl_get() & ~RC_MASK) | RC_DOWN);
	if (!ctl)
		return;
	seen_rc = *ctl & RC_MASK;
	*ctl = (*ctl & ~RC_MASK) | RC_UP;
}

static void raise_case(void)
{
	unsigned int saved = ctl_get();

	CHECK(set_action(SIGUSR2, on_raise, 0) == 0);
	ctl_set((saved & ~RC_MASK) | RC_ZERO);
	CHECK(raise(SIGUSR2) == 0);
	CHECK((ctl_get() & RC_MASK) == RC_UP);
	ctl_set(saved);
	CHECK(sync_hits == 1);
	CHECK(seen_rc == RC_ZERO);
}

#if defined(__x86_64__) && !defined(__AMPHI__)
static volatile int seen_v0_ok = -1;

/* The caller's xmm0 across its "syscall", then pat2 for it. */
static void on_call(int sig, siginfo_t *si, void *ucv)
{
	void *v0 = frame_v0(ucv);

	(void)sig;
	(void)si;
	sync_hits++;
	seen_v0_ok = v0 && !memcmp(v0, pat, 16);
	if (v0)
		memcpy(v0, pat2, 16);
	clobber_v0();
}

static void call_case(void)
{
	uint64_t after[2] __attribute__((aligned(16)));
	long rax = SYS_tgkill;

	CHECK(set_action(SIGUSR2, on_call, 0) == 0);
	__asm__ __volatile__(
		"	movdqa (%[p]), %%xmm0\n"
		"	syscall\n"
		"	movdqa %%xmm0, (%[a])\n"
		: "+a"(rax)
		: "D"((long)getpid()), "S"((long)syscall(SYS_gettid)),
		  "d"((long)SIGUSR2), [p] "r"(pat), [a] "r"(after)
		: "rcx", "r11", "xmm0", "memory");
	CHECK(rax == 0 && sync_hits == 2);
	CHECK(seen_v0_ok == 1);
	CHECK(!memcmp(after, pat2, 16));
}
#else
static volatile int seen_clear = -1;

/* A native app's call keeps no xmm0 (v0): the frame's sticky inexact
 * flag, clear at the call, is set for the caller instead. */
static void on_call(int sig, siginfo_t *si, void *ucv)
{
	unsigned int *st = frame_status(ucv);

	(void)sig;
	(void)si;
	sync_hits++;
	seen_clear = st && !(*st & FLAG_INEXACT);
	if (st)
		*st |= FLAG_INEXACT;
}

static void call_case(void)
{
	long rc;

	CHECK(set_action(SIGUSR2, on_call, 0) == 0);
	status_set(status_get() & ~FLAG_INEXACT);
	rc = syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
	CHECK(rc == 0 && sync_hits == 2);
	CHECK(seen_clear == 1);
	CHECK(status_get() & FLAG_INEXACT);
	status_set(status_get() & ~FLAG_INEXACT);
}
#endif

int main(void)
{
	async_case();
	raise_case();
	call_case();
	return posix_check_summary();
}
