/*
 * setjmp/longjmp across frames, sigsetjmp/siglongjmp with the signal
 * mask, and the fenv rounding and exception calls, each also called
 * through a function pointer: on arm64 with BTI on, an indirect call
 * must land on a landing pad (musl's assembly gets them: tools/musl.py
 * bti), and siglongjmp returns into sigsetjmp with "br".
 */
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

#include "../posix-check.h"

static jmp_buf env;
static sigjmp_buf senv;
static void (*volatile p_longjmp)(jmp_buf, int) = longjmp;
static void (*volatile p_siglongjmp)(sigjmp_buf, int) = siglongjmp;
static int (*volatile p_setjmp)(jmp_buf) = setjmp;
static int (*volatile p_fegetround)(void) = fegetround;
static int (*volatile p_fesetround)(int) = fesetround;
static int (*volatile p_feclearexcept)(int) = feclearexcept;
static int (*volatile p_feraiseexcept)(int) = feraiseexcept;
static int (*volatile p_fetestexcept)(int) = fetestexcept;

static volatile int depth;

static void dive(int n, int how)
{
	if (n < 0)
		return;
	depth = n;
	if (n == 0) {
		if (how)
			p_longjmp(env, 42);
		longjmp(env, 0);	/* 0 comes back as 1 */
	}
	dive(n - 1, how);
}

static void sig_dive(int n)
{
	if (n < 0)
		return;
	if (n == 0)
		p_siglongjmp(senv, 7);
	sig_dive(n - 1);
}

int main(void)
{
	volatile int rounds = 0;
	sigset_t set, now;
	jmp_buf local;
	int rc;

	rc = setjmp(env);
	if (rc == 0)
		dive(20, 1);
	CHECK(rc == 42 && depth == 0);
	rc = setjmp(env);
	if (rc == 0)
		dive(5, 0);
	CHECK(rc == 1);

	/* setjmp's entry through a pointer (it returns 0 once). */
	CHECK(p_setjmp(local) == 0);

	/* The mask comes back with savemask != 0. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	rc = sigsetjmp(senv, 1);
	rounds++;
	if (rc == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		sig_dive(10);
	}
	CHECK(rc == 7 && rounds == 2);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1) == 1);

	/* fenv through pointers. */
	CHECK(p_fegetround() == FE_TONEAREST);
#ifdef FE_UPWARD
	CHECK(p_fesetround(FE_UPWARD) == 0);
	CHECK(p_fegetround() == FE_UPWARD);
	CHECK(p_fesetround(FE_TONEAREST) == 0);
#endif
	CHECK(p_feclearexcept(FE_ALL_EXCEPT) == 0);
#ifdef FE_INEXACT
	CHECK(p_feraiseexcept(FE_INEXACT) == 0);
	CHECK(p_fetestexcept(FE_INEXACT) == FE_INEXACT);
	CHECK(p_feclearexcept(FE_INEXACT) == 0);
	CHECK(p_fetestexcept(FE_INEXACT) == 0);
#endif
	return posix_check_summary();
}
