/*
 * Signals as Linux delivers them, checked the same way on Linux and on
 * Amphi: alarm interrupting a blocking read (EINTR) or letting it run on
 * (SA_RESTART), pause, sigsuspend, sigtimedwait with and without a
 * timeout, sigqueue's value, nanosleep's time left, a signal for a
 * thread blocked in pthread_cond_wait or in a read, signals for a
 * thread that spins in app code (one, and 2,000 in a row), sigaltstack
 * (SS_AUTODISARM: none while the handler runs, uc_stack's back after
 * it), a SA_SIGINFO handler's
 * ucontext (uc_sigmask, which the handler may change, and uc_stack),
 * default actions that ignore, SIGKILL/SIGSTOP that cannot be caught or
 * blocked, and bad input (numbers, pointers, flags). With an argument it
 * ends by a signal (end_by_signal), for test/meson.build: a default
 * action, SIGKILL, or rt_sigreturn without a signal frame (SIGSEGV).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "../posix-check.h"

static volatile sig_atomic_t hits[65];
static volatile pthread_t hit_thread;
static volatile uintptr_t handler_sp;
static volatile int handler_ss_flags;

static void on_signal(int sig)
{
	hits[sig]++;
	hit_thread = pthread_self();
}

static void on_signal_stack(int sig)
{
	char here;
	stack_t ss;

	hits[sig]++;
	handler_sp = (uintptr_t)&here;
	if (sigaltstack(NULL, &ss) == 0)
		handler_ss_flags = ss.ss_flags;
}

static int set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(how, &s, NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void arm_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* alarm ends a blocking read with EINTR; with SA_RESTART the read goes
 * on and gets the data written later. */
struct delayed_write {
	int fd;
	long ms;
};

static void *write_later(void *arg)
{
	struct delayed_write *d = arg;

	msleep(d->ms);
	if (write(d->fd, "x", 1) != 1)
		return (void *)1;
	return NULL;
}

static void test_read_eintr_and_restart(void)
{
	int p[2];
	char c;
	ssize_t n;
	unsigned int left;
	pthread_t t;
	struct delayed_write d;

	CHECK(pipe(p) == 0);
	CHECK(set_handler(SIGALRM, on_signal, 0) == 0);
	hits[SIGALRM] = 0;
	CHECK(alarm(1) == 0);
	left = alarm(1);
	CHECK(left == 1);
	errno = 0;
	n = read(p[0], &c, 1);
	CHECK(n == -1 && errno == EINTR);
	CHECK(hits[SIGALRM] == 1);
	CHECK(alarm(0) == 0);

	CHECK(set_handler(SIGALRM, on_signal, SA_RESTART) == 0);
	hits[SIGALRM] = 0;
	d.fd = p[1];
	d.ms = 300;
	CHECK(pthread_create(&t, NULL, write_later, &d) == 0);
	arm_ms(50);
	n = read(p[0], &c, 1);
	CHECK(n == 1 && c == 'x');
	CHECK(hits[SIGALRM] == 1);
	CHECK(pthread_join(t, NULL) == 0);
	close(p[0]);
	close(p[1]);
}

static void test_pause_and_sigsuspend(void)
{
	sigset_t none, cur;
	double t0;

	CHECK(set_handler(SIGALRM, on_signal, 0) == 0);
	hits[SIGALRM] = 0;
	t0 = now_ms();
	arm_ms(30);
	CHECK(pause() == -1 && errno == EINTR);
	CHECK(hits[SIGALRM] == 1);
	CHECK(now_ms() - t0 >= 20);

	/* sigsuspend: SIGUSR1 blocked, pending, taken under the call's
	 * empty mask; the blocked mask is back afterwards. */
	CHECK(set_handler(SIGUSR1, on_signal, 0) == 0);
	block(SIGUSR1, SIG_BLOCK);
	hits[SIGUSR1] = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 0);
	CHECK(sigpending(&cur) == 0 && sigismember(&cur, SIGUSR1));
	sigemptyset(&none);
	CHECK(sigsuspend(&none) == -1 && errno == EINTR);
	CHECK(hits[SIGUSR1] == 1);
	CHECK(pthread_sigmask(SIG_SETMASK, NULL, &cur) == 0 &&
	      sigismember(&cur, SIGUSR1));
	CHECK(sigpending(&cur) == 0 && !sigismember(&cur, SIGUSR1));

	/* sigsuspend woken by a timer while blocked in it. */
	hits[SIGALRM] = 0;
	block(SIGALRM, SIG_BLOCK);
	arm_ms(20);
	CHECK(sigsuspend(&none) == -1 && errno == EINTR);
	CHECK(hits[SIGALRM] == 1);
	block(SIGALRM, SIG_UNBLOCK);
	block(SIGUSR1, SIG_UNBLOCK);
}

static void *kill_later(void *arg)
{
	msleep(40);
	kill(getpid(), (int)(intptr_t)arg);
	return NULL;
}

static void test_sigtimedwait(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 0, 50 * 1000000L };
	union sigval v;
	pthread_t t;
	double t0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);

	t0 = now_ms();
	errno = 0;
	CHECK(sigtimedwait(&set, &si, &ts) == -1 && errno == EAGAIN);
	CHECK(now_ms() - t0 >= 40);
	ts.tv_nsec = 0;
	CHECK(sigtimedwait(&set, &si, &ts) == -1 && errno == EAGAIN);

	CHECK(kill(getpid(), SIGUSR2) == 0);
	memset(&si, 0, sizeof(si));
	CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR2);
	CHECK(si.si_signo == SIGUSR2 && si.si_code == SI_USER &&
	      si.si_pid == getpid());

	/* Woken while waiting, with no timeout. */
	CHECK(pthread_create(&t, NULL, kill_later,
			     (void *)(intptr_t)SIGUSR2) == 0);
	CHECK(sigwaitinfo(&set, &si) == SIGUSR2);
	CHECK(pthread_join(t, NULL) == 0);

	/* Real-time signals queue, each with its value, in order. */
	v.sival_int = 7;
	CHECK(sigqueue(getpid(), SIGRTMIN + 1, v) == 0);
	v.sival_int = 8;
	CHECK(sigqueue(getpid(), SIGRTMIN + 1, v) == 0);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN + 1);
	CHECK(si.si_code == SI_QUEUE && si.si_value.sival_int == 7);
	CHECK(sigpending(&set) == 0 && sigismember(&set, SIGRTMIN + 1));
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN + 1);
	CHECK(si.si_value.sival_int == 8);
	CHECK(sigpending(&set) == 0 && !sigismember(&set, SIGRTMIN + 1));

	/* Bad input. */
	ts.tv_nsec = 2000000000L;
	sigaddset(&set, SIGUSR2);
	CHECK(sigtimedwait(&set, &si, &ts) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_rt_sigtimedwait, (void *)8, NULL, NULL, 8) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_rt_sigtimedwait, &set, NULL, NULL, 4) == -1 &&
	      errno == EINVAL);
	CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
}

static void test_nanosleep_interrupted(void)
{
	struct timespec req = { 2, 0 }, rem = { 0, 0 };

	CHECK(set_handler(SIGALRM, on_signal, SA_RESTART) == 0);
	hits[SIGALRM] = 0;
	arm_ms(30);
	/* Never restarted, SA_RESTART or not. */
	CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR);
	CHECK(hits[SIGALRM] == 1);
	CHECK(rem.tv_sec == 1 && rem.tv_nsec > 0);
}

/* Threads: a signal for one thread runs its handler in that thread. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;
static volatile int spin_flag;
static volatile int reader_rc, reader_errno;
static volatile pthread_t reader_self;

static void *cond_waiter(void *arg)
{
	pthread_mutex_lock(&mu);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void on_spin(int sig)
{
	spin_flag = 1;
	hits[sig]++;
}

static volatile int spin_ready;

/* As spin-wait loops do: under QEMU's TCG on x86_64, one host thread runs
 * the CPUs in turn, and a pause gives the others theirs. */
static void cpu_relax(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("pause");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Spins, away from the main thread's CPU, until *arg (a volatile int). */
static void *spinner(void *arg)
{
	volatile int *stop = arg;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(1, &one);
	spin_ready = sched_setaffinity(0, sizeof(one), &one) == 0 ? 1 : -1;
	while (!*stop)
		cpu_relax();
	return NULL;
}

static void *blocked_reader(void *arg)
{
	char c;

	reader_self = pthread_self();
	reader_rc = (int)read(*(int *)arg, &c, 1);
	reader_errno = errno;
	return NULL;
}

static void test_threads(void)
{
	pthread_t t;
	int p[2];

	CHECK(set_handler(SIGUSR1, on_signal, 0) == 0);
	hits[SIGUSR1] = 0;
	CHECK(pthread_create(&t, NULL, cond_waiter, NULL) == 0);
	msleep(30);
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	msleep(30);
	CHECK(hits[SIGUSR1] == 1);
	CHECK(pthread_equal(hit_thread, t));
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	CHECK(pthread_join(t, NULL) == 0);

	/* A reader blocked in another thread: EINTR there. */
	CHECK(pipe(p) == 0);
	hits[SIGUSR1] = 0;
	CHECK(pthread_create(&t, NULL, blocked_reader, &p[0]) == 0);
	msleep(30);
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(reader_rc == -1 && reader_errno == EINTR);
	CHECK(hits[SIGUSR1] == 1 && pthread_equal(hit_thread, reader_self));
	close(p[0]);
	close(p[1]);

}

/* A thread that never makes a system call still gets it, from another
 * CPU (run with "spin" and several CPUs: with one, the spinning thread
 * would keep its CPU, the scheduler being cooperative). */
static void test_spinner(void)
{
	pthread_t t;

	CHECK(set_handler(SIGUSR2, on_spin, 0) == 0);
	hits[SIGUSR2] = 0;
	CHECK(pthread_create(&t, NULL, spinner, (void *)&spin_flag) == 0);
	while (!spin_ready)
		msleep(1);
	CHECK(spin_ready == 1);
	msleep(20);
	CHECK(pthread_kill(t, SIGUSR2) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(hits[SIGUSR2] == 1);
}

/*
 * Signals one after another for a thread that spins: each is sent as the
 * previous handler has returned, while the thread is on its way back to
 * its loop. One that comes there must not wait for a system call that a
 * thread that only computes never makes.
 */
#define STORM 2000

static volatile int storm_stop;

static void on_storm(int sig)
{
	hits[sig]++;
}

/* Spins until hits[sig] reaches n or 10 s pass; nonzero if it did. */
static int hits_reach(int sig, int n)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 10;
	while (hits[sig] < n) {
		cpu_relax();
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec > end.tv_nsec))
			return 0;
	}
	return 1;
}

static void test_spinner_storm(void)
{
	pthread_t t;
	int i;

	CHECK(set_handler(SIGUSR1, on_storm, 0) == 0);
	hits[SIGUSR1] = 0;
	spin_ready = 0;
	CHECK(pthread_create(&t, NULL, spinner, (void *)&storm_stop) == 0);
	while (!spin_ready)
		msleep(1);
	CHECK(spin_ready == 1);
	for (i = 0; i < STORM; i++) {
		if (pthread_kill(t, SIGUSR1) || !hits_reach(SIGUSR1, i + 1))
			break;
	}
	CHECK(i == STORM);
	storm_stop = 1;
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(hits[SIGUSR1] == i);
}

static char alt[65536] __attribute__((aligned(16)));

static void test_sigaltstack(void)
{
	stack_t ss, old;
	char here;

	ss.ss_sp = alt;
	ss.ss_size = sizeof(alt);
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, &old) == 0);
	CHECK(old.ss_flags == SS_DISABLE);
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_sp == alt && old.ss_size == sizeof(alt) &&
	      old.ss_flags == 0);

	CHECK(set_handler(SIGUSR1, on_signal_stack, SA_ONSTACK) == 0);
	hits[SIGUSR1] = 0;
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 1);
	CHECK(handler_sp > (uintptr_t)alt &&
	      handler_sp < (uintptr_t)alt + sizeof(alt));
	CHECK(handler_ss_flags == SS_ONSTACK);

	/* Without SA_ONSTACK: the thread's own stack. */
	CHECK(set_handler(SIGUSR1, on_signal_stack, 0) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 2);
	CHECK(!(handler_sp > (uintptr_t)alt &&
		handler_sp < (uintptr_t)alt + sizeof(alt)));
	CHECK(handler_sp < (uintptr_t)&here + 65536 &&
	      handler_sp + 65536 > (uintptr_t)&here);

	/* Bad input. */
	ss.ss_size = 1024;
	CHECK(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	ss.ss_size = sizeof(alt);
	ss.ss_flags = 12345;
	CHECK(sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sigaltstack, (void *)8, NULL) == -1 &&
	      errno == EFAULT);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
}

/* Linux 4.7's; older C library headers lack it. */
#ifndef SS_AUTODISARM
#define SS_AUTODISARM	(1U << 31)
#endif
#define AUTODISARM	((int)SS_AUTODISARM)	/* as ss_flags holds it */

/* SS_AUTODISARM: what the handler saw of the alternate stack, in it
 * and in its ucontext; it sets another one, which its return undoes. */
static char alt2[65536] __attribute__((aligned(16)));
static volatile stack_t ad_inside, ad_uc;
static volatile int ad_set_rc = -2, ad_jump;
static sigjmp_buf ad_env;

static void on_autodisarm(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	stack_t ss, other = { .ss_sp = alt2, .ss_size = sizeof(alt2) };
	char here;

	(void)si;
	hits[sig]++;
	handler_sp = (uintptr_t)&here;
	if (sigaltstack(NULL, &ss) == 0)
		ad_inside = ss;
	ad_uc = uc->uc_stack;
	ad_set_rc = sigaltstack(&other, NULL);
	if (ad_jump)
		siglongjmp(ad_env, 1);
}

static int on_alt(uintptr_t sp)
{
	return sp > (uintptr_t)alt && sp < (uintptr_t)alt + sizeof(alt);
}

static void test_autodisarm(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt),
		       .ss_flags = AUTODISARM }, old;

	CHECK(set_action(SIGUSR1, on_autodisarm, SA_ONSTACK) == 0);
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == alt &&
	      old.ss_size == sizeof(alt) && old.ss_flags == AUTODISARM);
	/* In the handler, on it, there is none (so another may be set);
	 * uc_stack has the one in force before. */
	hits[SIGUSR1] = 0;
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 1);
	CHECK(on_alt(handler_sp));
	CHECK(ad_inside.ss_flags == SS_DISABLE && ad_inside.ss_sp == NULL &&
	      ad_inside.ss_size == 0);
	CHECK(ad_uc.ss_sp == alt && ad_uc.ss_size == sizeof(alt) &&
	      ad_uc.ss_flags == AUTODISARM);
	CHECK(ad_set_rc == 0);
	/* The return put back what uc_stack holds, not the handler's. */
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == alt &&
	      old.ss_size == sizeof(alt) && old.ss_flags == AUTODISARM);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 2 && on_alt(handler_sp));
	/* A handler that jumps out never returns: the one it set stays. */
	ad_jump = 1;
	if (!sigsetjmp(ad_env, 1))
		raise(SIGUSR1);
	ad_jump = 0;
	CHECK(hits[SIGUSR1] == 3);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == alt2 &&
	      old.ss_size == sizeof(alt2) && old.ss_flags == 0);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(set_handler(SIGUSR1, SIG_DFL, 0) == 0);
}

static volatile int uc_pipe, uc_usr1, uc_hup, uc_edit;
static volatile stack_t uc_stack;

static void on_siginfo_uc(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	hits[sig]++;
	uc_pipe = sigismember(&uc->uc_sigmask, SIGPIPE);
	uc_usr1 = sigismember(&uc->uc_sigmask, SIGUSR1);
	uc_hup = sigismember(&uc->uc_sigmask, SIGHUP);
	uc_stack = uc->uc_stack;
	CHECK(si->si_signo == sig);
	if (uc_edit) {
		/* Takes effect when the handler returns, as on Linux. */
		sigaddset(&uc->uc_sigmask, SIGUSR2);
		sigdelset(&uc->uc_sigmask, SIGPIPE);
	}
}

static int blocked(int sig)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, sig);
}

static void test_ucontext(void)
{
	struct sigaction sa;
	stack_t ss;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_siginfo_uc;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGHUP);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

	/* uc_sigmask: the mask before the handler (not its own). */
	block(SIGPIPE, SIG_BLOCK);
	hits[SIGUSR1] = 0;
	uc_edit = 0;
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 1);
	CHECK(uc_pipe == 1 && uc_usr1 == 0 && uc_hup == 0);
	CHECK(blocked(SIGPIPE) && !blocked(SIGUSR1) && !blocked(SIGHUP));
	CHECK(uc_stack.ss_flags == SS_DISABLE);

	/* A handler that edits uc_sigmask sets the mask after it. */
	uc_edit = 1;
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 2);
	CHECK(blocked(SIGUSR2) && !blocked(SIGPIPE) && !blocked(SIGUSR1));
	block(SIGUSR2, SIG_UNBLOCK);
	uc_edit = 0;

	/* In sigsuspend: the mask sigsuspend puts back. */
	{
		sigset_t during;

		block(SIGUSR1, SIG_BLOCK);
		CHECK(raise(SIGUSR1) == 0);
		sigemptyset(&during);
		CHECK(sigsuspend(&during) == -1 && errno == EINTR);
		CHECK(hits[SIGUSR1] == 3);
		CHECK(uc_usr1 == 1 && uc_pipe == 0);
		CHECK(blocked(SIGUSR1));
		block(SIGUSR1, SIG_UNBLOCK);
		hits[SIGUSR1] = 2;
	}

	/* uc_stack: the alternate stack as sigaltstack set it. */
	ss.ss_sp = alt;
	ss.ss_size = sizeof(alt);
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, NULL) == 0);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits[SIGUSR1] == 3);
	CHECK(uc_stack.ss_sp == alt && uc_stack.ss_size == sizeof(alt) &&
	      uc_stack.ss_flags == 0);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(set_handler(SIGUSR1, SIG_DFL, 0) == 0);
}

static void test_defaults_and_bad_input(void)
{
	struct sigaction sa;
	sigset_t s;

	/* Default "ignore": the program goes on. */
	CHECK(set_handler(SIGCHLD, SIG_DFL, 0) == 0);
	CHECK(raise(SIGCHLD) == 0);
	CHECK(raise(SIGWINCH) == 0);
	CHECK(raise(SIGURG) == 0);
	/* Ignored: thrown away, not pending. */
	CHECK(set_handler(SIGUSR1, SIG_IGN, 0) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sigpending(&s) == 0 && !sigismember(&s, SIGUSR1));
	CHECK(set_handler(SIGUSR1, SIG_DFL, 0) == 0);

	/* SIGKILL and SIGSTOP: no handler, never blocked. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(SIGKILL, NULL, &sa) == 0);
	sigemptyset(&s);
	sigaddset(&s, SIGKILL);
	sigaddset(&s, SIGSTOP);
	CHECK(pthread_sigmask(SIG_BLOCK, &s, NULL) == 0);
	CHECK(pthread_sigmask(SIG_SETMASK, NULL, &s) == 0);
	CHECK(!sigismember(&s, SIGKILL) && !sigismember(&s, SIGSTOP));

	/* Numbers, pointers, sizes. */
	CHECK(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8) ==
	      -1 && errno == EFAULT);
	CHECK(kill(getpid(), 65) == -1 && errno == EINVAL);
	CHECK(kill(getpid(), -1) == -1 && errno == EINVAL);
	CHECK(kill(getpid(), 0) == 0);
	CHECK(syscall(SYS_tkill, 0, SIGUSR1) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_tgkill, getpid(), gettid(), 99) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_rt_sigsuspend, (void *)8, 8) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_rt_sigsuspend, &s, 4) == -1 && errno == EINVAL);
}

static void *kill_process(void *arg)
{
	msleep(20);
	kill(getpid(), SIGKILL);
	return NULL;
}

static void on_segv(int sig)
{
	(void)sig;
	write(1, "SIGSEGV handler ran\n", 20);
	_exit(3);
}

/* rt_sigreturn with no signal frame on the stack: SIGSEGV ends the
 * program, whatever it did about SIGSEGV (Linux forces it). */
static void *bad_sigreturn(void *arg)
{
	sigset_t segv;

	(void)arg;
	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	pthread_sigmask(SIG_BLOCK, &segv, NULL);
	syscall(SYS_rt_sigreturn);
	return NULL;
}

/* Default actions that end the program, for test/meson.build to check
 * the exit status a shell would report (128 + the signal). */
static void end_by_signal(const char *how)
{
	pthread_t t;
	char c;
	int p[2];

	if (!strcmp(how, "sigreturn-caught") ||
	    !strcmp(how, "sigreturn-thread"))
		signal(SIGSEGV, on_segv);
	if (!strcmp(how, "sigreturn") || !strcmp(how, "sigreturn-caught")) {
		syscall(SYS_rt_sigreturn);
	} else if (!strcmp(how, "sigreturn-thread")) {
		if (pthread_create(&t, NULL, bad_sigreturn, NULL) == 0)
			pthread_join(t, NULL);
	}

	if (!strcmp(how, "term")) {
		raise(SIGTERM);
	} else if (!strcmp(how, "alarm")) {
		alarm(1);
		pause();
	} else if (!strcmp(how, "kill")) {
		/* SIGKILL while blocked in a read, SIGKILL blocked (no). */
		block(SIGKILL, SIG_BLOCK);
		if (pipe(p) == 0 &&
		    pthread_create(&t, NULL, kill_process, NULL) == 0)
			read(p[0], &c, 1);
	}
	printf("still here after '%s'\n", how);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "spin")) {
		end_by_signal(argv[1]);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "spin")) {
		test_spinner();
		test_spinner_storm();
		return posix_check_summary();
	}
	test_read_eintr_and_restart();
	test_pause_and_sigsuspend();
	test_sigtimedwait();
	test_nanosleep_interrupted();
	test_threads();
	test_sigaltstack();
	test_autodisarm();
	test_ucontext();
	test_defaults_and_bad_input();
	return posix_check_summary();
}
