/*
 * A SA_SIGINFO handler's view of the registers of code an asynchronous
 * signal interrupted, checked the same way on Linux and on Amphi: a
 * thread spins in a loop of known addresses, with a known value in a
 * callee-saved register, and never makes a system call. Signals sent to
 * it by pthread_kill and by a profiling timer (ITIMER_PROF) run its
 * handler, whose uc_mcontext must hold a pc inside the loop, a stack
 * pointer inside the thread's stack and that register's value. Then a
 * handler changes the pc (out of the loop) and the register: the thread
 * must go on with both, as Linux's return from a handler does.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "../posix-check.h"
#include "../sig-spin.h"

#define MAGIC	0x5a5a9abc24681357UL	/* in the loop's register */
#define MAGIC2	0x0123456789abcdefUL	/* what the last handler puts */
#define SENDS	20			/* pthread_kill, one at a time */
#define TICKS	5			/* ITIMER_PROF expiries */

/* The loop's bounds: a pc between them is the spinning loop's. */
extern char spin_begin[] __attribute__((visibility("hidden")));
extern char spin_end[] __attribute__((visibility("hidden")));

static volatile int stop, spinning, done;
static volatile uintptr_t stack_ref;
static volatile int hits, bad_pc, bad_sp, bad_reg;
static unsigned long out;

/*
 * Puts MAGIC in a callee-saved register and spins until *stop; then
 * stores that register in *res. Only a handler that moves the pc to
 * spin_end leaves the loop otherwise.
 */
static __attribute__((noinline, noclone)) void spin(volatile int *stopp,
						    unsigned long *res)
{
#if defined(__x86_64__)
	__asm__ __volatile__(
		"	movabsq $0x5a5a9abc24681357, %%r12\n"
		"spin_begin:\n"
		"	cmpl $0, (%0)\n"
		"	je spin_begin\n"
		"spin_end:\n"
		"	movq %%r12, (%1)\n"
		: : "r"(stopp), "r"(res) : "r12", "memory", "cc");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"	movz x22, #0x1357\n"
		"	movk x22, #0x2468, lsl #16\n"
		"	movk x22, #0x9abc, lsl #32\n"
		"	movk x22, #0x5a5a, lsl #48\n"
		"spin_begin:\n"
		"	ldr w9, [%0]\n"
		"	cbz w9, spin_begin\n"
		"spin_end:\n"
		"	str x22, [%1]\n"
		: : "r"(stopp), "r"(res) : "x9", "x22", "memory", "cc");
#else
#error "no spin loop for this architecture"
#endif
}

#if defined(__x86_64__)
#define MC_PC(mc)	((mc)->gregs[REG_RIP])
#define MC_SP(mc)	((mc)->gregs[REG_RSP])
#define MC_REG(mc)	((mc)->gregs[REG_R12])
#elif defined(__aarch64__)
#define MC_PC(mc)	((mc)->pc)
#define MC_SP(mc)	((mc)->sp)
#define MC_REG(mc)	((mc)->regs[22])
#endif

/* Checks the interrupted state: the loop, its stack and register. */
static void on_sample(int sig, siginfo_t *si, void *ucv)
{
	mcontext_t *mc = &((ucontext_t *)ucv)->uc_mcontext;
	uintptr_t pc = (uintptr_t)MC_PC(mc), sp = (uintptr_t)MC_SP(mc);

	(void)sig;
	(void)si;
	if (pc < (uintptr_t)spin_begin || pc >= (uintptr_t)spin_end)
		bad_pc++;
	/* spin()'s frame, just below its caller's local. */
	if (sp >= stack_ref || sp + 4096 < stack_ref)
		bad_sp++;
	if ((unsigned long)MC_REG(mc) != MAGIC)
		bad_reg++;
	hits++;
}

/* Sends the thread out of the loop with another register value. */
static void on_leave(int sig, siginfo_t *si, void *ucv)
{
	mcontext_t *mc = &((ucontext_t *)ucv)->uc_mcontext;

	(void)sig;
	(void)si;
	MC_PC(mc) = (uintptr_t)spin_end;
	MC_REG(mc) = MAGIC2;
}

static void *spinner(void *arg)
{
	char anchor;
	sigset_t set;

	(void)arg;
	/* The main thread blocks SIGPROF: the timer's come here. */
	sigemptyset(&set);
	sigaddset(&set, SIGPROF);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	stack_ref = (uintptr_t)&anchor;
	spinning = 1;
	spin(&stop, &out);
	done = 1;
	return NULL;
}

int main(void)
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

	/* One at a time: a second one sent while one is pending would be
	 * the same signal. */
	for (i = 0; i < SENDS; i++) {
		CHECK(pthread_kill(t, SIGPROF) == 0);
		if (!wait_for(&hits, i + 1))
			break;
	}
	CHECK(hits == SENDS);

	/* The profiling timer, as profilers use it: process-directed. */
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 2000;
	it.it_value.tv_usec = 2000;
	CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);
	CHECK(wait_for(&hits, SENDS + TICKS));
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);
	CHECK(bad_pc == 0);
	CHECK(bad_sp == 0);
	CHECK(bad_reg == 0);

	/* The handler's edits are what the thread resumes. */
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	CHECK(wait_for(&done, 1));
	stop = 1;
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(out == MAGIC2);
	return posix_check_summary();
}
