/*
 * Timers on CPU time, checked the same way on Linux and on Amphi:
 * setitimer(ITIMER_VIRTUAL / ITIMER_PROF) sends SIGVTALRM / SIGPROF once
 * the process has computed for the time set (not while it sleeps), again
 * every interval; getitimer reports what is left; a POSIX timer on
 * CLOCK_PROCESS_CPUTIME_ID does the same with its own signal. A timer on
 * CLOCK_THREAD_CPUTIME_ID counts only the creating thread's computing,
 * one on a pthread_getcpuclockid() clock that thread's (and once the
 * thread is gone, timer_settime is ESRCH).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define MS	1000000.0

static volatile sig_atomic_t got_vtalrm, got_prof, got_usr1, got_usr2;
static volatile double cpu_at_signal, timed_at_usr2;
static volatile clockid_t timed_clock;
static volatile unsigned long sink;

static double clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void on_signal(int sig)
{
	/* clock_gettime is async-signal-safe. */
	if (!cpu_at_signal)
		cpu_at_signal = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	if (sig == SIGVTALRM)
		got_vtalrm++;
	else if (sig == SIGPROF)
		got_prof++;
	else if (sig == SIGUSR1)
		got_usr1++;
	if (sig == SIGUSR2) {
		timed_at_usr2 = clock_ns(timed_clock);
		got_usr2++;
	}
}

/*
 * Periods of an interval timer that passed in one step of the CPU clock
 * between two looks of burn_until: a stall of the (virtual) CPU is CPU
 * time to a guest, and the expirations in it are one pending signal.
 * Counted for a period of stall_period ns (0: not counted).
 */
static double stall_period;
static int stall_periods;

/* Computes until *flag is at least n or ms of CPU time (or 20 s of real
 * time) passed; returns the CPU time it took. */
static double burn_until(volatile sig_atomic_t *flag, int n, double ms)
{
	double c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), c = c0, last;
	double w0 = clock_ns(CLOCK_MONOTONIC);
	unsigned long i;

	while ((!flag || *flag < n) && c - c0 < ms * MS &&
	       clock_ns(CLOCK_MONOTONIC) - w0 < 20000 * MS) {
		for (i = 0; i < 10000; i++)
			sink += i;
		last = c;
		c = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		if (stall_period && c - last >= stall_period)
			stall_periods += (int)((c - last) / stall_period);
	}
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
}

static void set_itimer(int which, long value_ms, long interval_ms)
{
	struct itimerval it = {
		.it_value = { value_ms / 1000, value_ms % 1000 * 1000 },
		.it_interval = { interval_ms / 1000, interval_ms % 1000 * 1000 },
	};

	CHECK(setitimer(which, &it, NULL) == 0);
}

/* One shot of 50 ms of CPU time: not while sleeping, then after about
 * that much computing. */
static void test_one_shot(int which, volatile sig_atomic_t *got)
{
	struct itimerval cur;
	struct timespec nap = { 0, 200 * 1000 * 1000 };
	double start;

	*got = 0;
	cpu_at_signal = 0;
	/* From the arming: what the few calls around the sleep used counts
	 * too (Linux charges whole ticks to a busy machine's waker). */
	start = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	set_itimer(which, 50, 0);
	CHECK(getitimer(which, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
	/* Linux may add up to a tick (54 ms with HZ=250). */
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
	      cur.it_value.tv_usec <= 60000);
	/* Sleeping uses no CPU time: no signal, nothing interrupted. */
	CHECK(nanosleep(&nap, NULL) == 0);
	CHECK(*got == 0);
	CHECK(getitimer(which, &cur) == 0);
	CHECK(cur.it_value.tv_usec > 10000);
	burn_until(got, 1, 5000);
	CHECK(*got == 1);
	/* Fired after 50 ms of CPU time since it was armed, not long
	 * after. Linux charges the itimers whole ticks sampled at the
	 * tick: on a loaded machine a process that runs at the ticks is
	 * charged more than it ran, and the signal comes early by the
	 * precise clock (the reference failed at 40 ms). */
	CHECK(cpu_at_signal - start >= 20 * MS);
	CHECK(cpu_at_signal - start < 1000 * MS);
	/* Disarmed now. */
	CHECK(getitimer(which, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	burn_until(NULL, 0, 60);
	CHECK(*got == 1);
}

/* Every 50 ms of CPU time: about 10 signals in 500 ms (a CPU-time
 * timer fires within a time slice of its deadline); then off. */
static void test_interval(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } }, old;
	double cpu;

	got_prof = 0;
	stall_period = 50 * MS;
	stall_periods = 0;
	set_itimer(ITIMER_PROF, 50, 50);
	cpu = burn_until(NULL, 0, 500);
	stall_period = 0;
	CHECK(cpu >= 500 * MS);
	/* Fewer only where a stall merged expirations (seen on QEMU TCG
	 * on a loaded machine). */
	CHECK(got_prof + stall_periods >= 7 && got_prof <= 11);
	memset(&old, 0, sizeof(old));
	CHECK(setitimer(ITIMER_PROF, &off, &old) == 0);
	CHECK(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 50000);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec <= 60000);
	got_prof = 0;
	burn_until(NULL, 0, 60);
	CHECK(got_prof == 0);
}

static void test_bad_input(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 1000000 } };
	struct itimerval cur;

	errno = 0;
	CHECK(getitimer(3, &cur) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(setitimer(-1, &it, NULL) == -1 && errno == EINVAL);
	/* tv_usec of a million is not a time. */
	errno = 0;
	CHECK(setitimer(ITIMER_VIRTUAL, &it, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(getitimer(ITIMER_PROF, (struct itimerval *)8) == -1 &&
	      errno == EFAULT);
}

/* A POSIX timer on clk that sends sig once, ms from now. */
static timer_t armed_timer(clockid_t clk, int sig, long ms)
{
	struct sigevent sev;
	struct itimerspec its;
	timer_t t;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = sig;
	CHECK(timer_create(clk, &sev, &t) == 0);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = ms * 1000 * 1000;
	CHECK(timer_settime(t, 0, &its, NULL) == 0);
	return t;
}

/* A POSIX timer on the process's CPU-time clock. */
static void test_posix_timer(void)
{
	struct itimerspec its, cur;
	struct timespec nap = { 0, 150 * 1000 * 1000 };
	double start;
	timer_t t;

	got_usr1 = 0;
	cpu_at_signal = 0;
	t = armed_timer(CLOCK_PROCESS_CPUTIME_ID, SIGUSR1, 40);
	CHECK(nanosleep(&nap, NULL) == 0);
	CHECK(got_usr1 == 0);
	/*
	 * What is left is read after start: a stall of the CPU between
	 * the arming and start is CPU time too (on a loaded Linux host as
	 * in a guest), so the signal is due no sooner than start plus
	 * what is left then. 15 ms allow for clocks sampled per tick.
	 */
	start = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK(timer_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_value.tv_nsec <= 40 * 1000 * 1000);
	burn_until(&got_usr1, 1, 5000);
	CHECK(got_usr1 == 1);
	CHECK(cpu_at_signal - start >= cur.it_value.tv_nsec - 15 * MS);
	CHECK(cpu_at_signal - start < 1000 * MS);
	/* An absolute deadline already passed fires at once. */
	got_usr1 = 0;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 1;
	CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0);
	burn_until(&got_usr1, 1, 2000);
	CHECK(got_usr1 == 1);
	CHECK(timer_delete(t) == 0);
}

/* Computes until *flag is set or the calling thread has used ms of CPU
 * time (or 20 s of real time passed). */
static void burn_thread(volatile sig_atomic_t *flag, double ms)
{
	double c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	double w0 = clock_ns(CLOCK_MONOTONIC);
	unsigned long i;

	while ((!flag || !*flag) &&
	       clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0 < ms * MS &&
	       clock_ns(CLOCK_MONOTONIC) - w0 < 20000 * MS)
		for (i = 0; i < 10000; i++)
			sink += i;
}

static void *burn_150ms(void *arg)
{
	(void)arg;
	burn_thread(NULL, 150);
	return NULL;
}

static void *burn_until_usr2(void *arg)
{
	(void)arg;
	burn_thread(&got_usr2, 5000);
	return NULL;
}

/* On the caller's CPU time: another thread's 150 ms of computing leave
 * it armed, the caller's own 100 ms fire it (counted from the arming:
 * creating and joining the thread take some of the caller's time). */
static void test_thread_timer(void)
{
	struct itimerspec cur;
	clockid_t mine;
	pthread_t th;
	double armed;
	timer_t t;
	int due;

	CHECK(pthread_getcpuclockid(pthread_self(), &mine) == 0);
	timed_clock = mine;
	got_usr2 = 0;
	/* Read before arming: the timer is due after armed + 100 ms. */
	armed = clock_ns(mine);
	t = armed_timer(CLOCK_THREAD_CPUTIME_ID, SIGUSR2, 100);
	CHECK(pthread_create(&th, NULL, burn_150ms, NULL) == 0);
	pthread_join(th, NULL);
	/* A guest counts a stall of its CPU as the running thread's time:
	 * one while this thread created or joined may use up its 100 ms,
	 * and the timer is then due (or fired) already. */
	due = clock_ns(mine) - armed >= 100 * MS;
	CHECK(due ? got_usr2 <= 1 : got_usr2 == 0);
	CHECK(timer_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && (due || cur.it_value.tv_nsec > 0) &&
	      cur.it_value.tv_nsec <= 100 * 1000 * 1000);
	burn_thread(&got_usr2, 5000);
	CHECK(got_usr2 == 1);
	CHECK(timed_at_usr2 - armed >= 90 * MS);
	CHECK(timed_at_usr2 - armed < 1100 * MS);
	CHECK(timer_delete(t) == 0);
}

/* Nonzero once timer_settime(t) fails ESRCH, within 2 s: Linux wakes a
 * joiner as the thread starts to exit, and marks the thread's timers
 * dead a little later (a loaded machine stretches the gap). */
static int settime_until_esrch(timer_t t, const struct itimerspec *its)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; i < 2000; i++) {
		errno = 0;
		if (timer_settime(t, 0, its, NULL) == -1 && errno == ESRCH)
			return 1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* On another thread's clock (pthread_getcpuclockid): fires after 40 ms
 * of that thread's computing; once it is gone, nothing is left. */
static void test_other_thread_timer(void)
{
	struct itimerspec its, cur;
	pthread_t th;
	clockid_t cid;
	double start;
	timer_t t;

	got_usr2 = 0;
	CHECK(pthread_create(&th, NULL, burn_until_usr2, NULL) == 0);
	CHECK(pthread_getcpuclockid(th, &cid) == 0);
	timed_clock = cid;
	start = clock_ns(cid);
	t = armed_timer(cid, SIGUSR2, 40);
	pthread_join(th, NULL);
	CHECK(got_usr2 == 1);
	CHECK(timed_at_usr2 - start >= 25 * MS);
	CHECK(timed_at_usr2 - start < 1000 * MS);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 1000;
	CHECK(settime_until_esrch(t, &its));
	CHECK(timer_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	CHECK(timer_delete(t) == 0);
}

static void test_cpu_clock_ids(void)
{
	/* Linux's encoding: (~id << 3) | kind, bit 2 for a thread, kind 3
	 * (a clock device's fd) none of these; so thread kind 7 is none. */
	clockid_t bad = (clockid_t)((~0U << 3) | 7), proc, mine;
	clockid_t dev = (clockid_t)((~0U << 3) | 3);
	struct timespec ts = { 0, 1000 };
	timer_t t;

	errno = 0;
	CHECK(timer_create(bad, NULL, &t) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(clock_gettime(bad, &ts) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(timer_create(dev, NULL, &t) == -1 && errno == ENOTSUP);
	CHECK(clock_getcpuclockid(getpid(), &proc) == 0);
	CHECK(clock_gettime(proc, &ts) == 0);
	CHECK(timer_create(proc, NULL, &t) == 0 && timer_delete(t) == 0);
	/* The caller's own thread clock cannot pass while it sleeps. */
	CHECK(pthread_getcpuclockid(pthread_self(), &mine) == 0);
	CHECK(clock_nanosleep(mine, 0, &ts, NULL) == EINVAL);
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGVTALRM, &sa, NULL) == 0);
	CHECK(sigaction(SIGPROF, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	test_one_shot(ITIMER_VIRTUAL, &got_vtalrm);
	test_one_shot(ITIMER_PROF, &got_prof);
	test_interval();
	test_posix_timer();
	test_thread_timer();
	test_other_thread_timer();
	test_cpu_clock_ids();
	test_bad_input();
	return posix_check_summary();
}
