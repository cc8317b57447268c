/*
 * A SA_SIGINFO handler's view of the registers of the system call it
 * interrupted, checked the same way on Linux and on Amphi: a signal sent
 * to the calling thread by tgkill runs the handler as the call returns;
 * its uc_mcontext holds the call's result in the return register, and a
 * handler that changes that register changes what the call returns.
 * On Linux, and for a Linux binary on Amphi (test/elf runs this program
 * so), the mcontext is the interrupted registers; in a native Amphi app
 * system calls are function calls with no register frame, and the
 * mcontext's registers are zero (the other branch, built with
 * __AMPHI__: as many checks).
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "../posix-check.h"

static volatile long seen_ret = -1;
static volatile int full_frame, zero_frame, hits;

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	static const mcontext_t zero;

	(void)sig;
	(void)si;
	hits++;
	/* The registers; the FPU state (fpregs, __reserved's records) is
	 * there in any case. */
#if defined(__x86_64__)
	zero_frame = !memcmp(&uc->uc_mcontext, &zero,
			     offsetof(mcontext_t, fpregs));
#elif defined(__aarch64__)
	zero_frame = !memcmp(&uc->uc_mcontext, &zero,
			     offsetof(mcontext_t, __reserved));
#endif
#if defined(__x86_64__)
	full_frame = uc->uc_mcontext.gregs[REG_RIP] != 0;
	if (full_frame) {
		seen_ret = uc->uc_mcontext.gregs[REG_RAX];
		uc->uc_mcontext.gregs[REG_RAX] = 4242;
	}
#elif defined(__aarch64__)
	full_frame = uc->uc_mcontext.pc != 0;
	if (full_frame) {
		seen_ret = uc->uc_mcontext.regs[0];
		uc->uc_mcontext.regs[0] = 4242;
	}
#endif
}

int main(void)
{
	struct sigaction sa;
	long r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

	r = syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	CHECK(hits == 1);
#ifndef __AMPHI__
	CHECK(full_frame);
#else
	CHECK(!full_frame);
#endif
	if (full_frame) {
		/* The call's result (0), then the handler's edit. */
		CHECK(seen_ret == 0);
		CHECK(r == 4242);
	} else {
		CHECK(zero_frame);
		CHECK(r == 0);
	}

	/* A second time: the edit applies to this call only. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	r = syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	CHECK(r == 0 && hits == 1);
	return posix_check_summary();
}
