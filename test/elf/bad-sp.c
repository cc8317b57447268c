/*
 * A signal handler moves the stack pointer the thread resumes with to
 * memory it cannot access: Linux resumes it and its first use of the
 * stack faults, which ends the program by SIGSEGV. Amphi ends it the
 * same way as the handler returns (run-elf.py --expect: status 139 and
 * the SIGSEGV report), not with a kernel crash. Each case is one run:
 * "call" (the handler runs as a system call returns), "async" (it
 * interrupts a thread that spins in app code).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static volatile unsigned long bad_sp;
static volatile int spinning;

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)bad_sp;
}

/* Spins in app code that uses its stack (the counter lives there). */
static void *spinner(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	spinning = 1;
	for (;;)
		n++;
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pthread_t t;
	char *p;

	/* Reserved, never accessible (an unmapped range could be taken
	 * again, by the thread's stack). */
	p = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return 2;
	bad_sp = (unsigned long)p + (1 << 19);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return 2;
	printf("resuming on an inaccessible stack\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "async")) {
		if (pthread_create(&t, NULL, spinner, NULL))
			return 2;
		while (!spinning)
			usleep(1000);
		pthread_kill(t, SIGUSR1);
		for (;;)
			pause();
	}
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	printf("still running\n");
	return 1;
}
