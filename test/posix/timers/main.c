/*
 * Timers that send signals, and signalfd, checked the same way on Linux
 * and on Amphi: setitimer's periodic count and getitimer, timer_create
 * with SIGEV_SIGNAL (value, SI_TIMER, gettime, overruns), SIGEV_NONE and
 * SIGEV_THREAD, signalfd read, poll and epoll (and a blocking read woken
 * by another thread), and bad input (timer ids, values, flags).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static void test_itimer(void)
{
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } }, cur;
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	sigemptyset(&none);
	alarms = 0;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 10000);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
	      cur.it_value.tv_usec <= 10000);
	while (alarms < 5)
		pause();
	CHECK(alarms == 5);
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_REAL, &it, &cur) == 0);
	CHECK(cur.it_interval.tv_usec == 10000);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	msleep(30);
	CHECK(alarms == 5);

	/* Bad input. */
	it.it_value.tv_usec = 1000000;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == -1 && errno == EINVAL);
	it.it_value.tv_usec = 0;
	CHECK(setitimer(99, &it, NULL) == -1 && errno == EINVAL);
	CHECK(getitimer(99, &cur) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_setitimer, ITIMER_REAL, (void *)8, NULL) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_getitimer, ITIMER_REAL, (void *)8) == -1 &&
	      errno == EFAULT);
}

/* Takes every pending sig (blocked by the caller); returns how many. */
static int drain(int sig)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int n = 0;

	sigemptyset(&set);
	sigaddset(&set, sig);
	while (sigtimedwait(&set, NULL, &zero) == sig)
		n++;
	return n;
}

static void test_timer_signal(void)
{
	struct sigevent sev;
	struct itimerspec its, cur;
	timer_t tid;
	sigset_t set;
	siginfo_t si;
	int n;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 4242;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0);
	CHECK(timer_gettime(tid, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 20 * 1000000L;
	CHECK(timer_settime(tid, 0, &its, NULL) == 0);
	CHECK(timer_gettime(tid, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN);
	CHECK(si.si_code == SI_TIMER && si.si_value.sival_int == 4242);
	CHECK(timer_gettime(tid, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

	/* Periodic, not taken for a while: one signal, with overruns. */
	its.it_value.tv_nsec = 5 * 1000000L;
	its.it_interval.tv_nsec = 5 * 1000000L;
	CHECK(timer_settime(tid, 0, &its, NULL) == 0);
	msleep(60);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN);
	n = timer_getoverrun(tid);
	CHECK(n >= 3);
	/* An expiry since is queued (even past timer_delete, as on Linux):
	 * one, never one per expiry. Unblocked, it would end the program. */
	CHECK(timer_delete(tid) == 0);
	CHECK(drain(SIGRTMIN) <= 1);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	/* SIGEV_NONE: counts down, sends nothing. */
	sev.sigev_notify = SIGEV_NONE;
	CHECK(timer_create(CLOCK_REALTIME, &sev, &tid) == 0);
	its.it_value.tv_sec = 5;
	its.it_value.tv_nsec = 0;
	its.it_interval.tv_nsec = 0;
	CHECK(timer_settime(tid, 0, &its, NULL) == 0);
	CHECK(timer_gettime(tid, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 4 || cur.it_value.tv_sec == 5);
	CHECK(timer_delete(tid) == 0);

	/* Bad input. */
	/* musl returns -EINVAL itself here, glibc -1 and errno EINVAL. */
	CHECK(timer_delete(tid) != 0);
	CHECK(syscall(SYS_timer_settime, 12345, 0, &its, NULL) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_timer_gettime, 12345, &cur) == -1 &&
	      errno == EINVAL);
	CHECK(syscall(SYS_timer_delete, -1) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_timer_getoverrun, 12345) == -1 && errno == EINVAL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 99;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tid) == -1 &&
	      errno == EINVAL);
	sev.sigev_signo = SIGUSR1;
	sev.sigev_notify = 77;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tid) == -1 &&
	      errno == EINVAL);
	sev.sigev_notify = SIGEV_SIGNAL;
	CHECK(timer_create(12345, &sev, &tid) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &n) ==
	      -1 && errno == EFAULT);
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0);
	its.it_value.tv_nsec = 1000000000L;
	CHECK(timer_settime(tid, 0, &its, NULL) == -1 && errno == EINVAL);
	CHECK(timer_delete(tid) == 0);
}

static sem_t notified;
static volatile int notify_value;

static void on_notify(union sigval v)
{
	notify_value = v.sival_int;
	sem_post(&notified);
}

static void test_timer_thread(void)
{
	struct sigevent sev;
	struct itimerspec its;
	timer_t tid;
	int i;

	CHECK(sem_init(&notified, 0, 0) == 0);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = on_notify;
	sev.sigev_value.sival_int = 77;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 10 * 1000000L;
	its.it_interval.tv_nsec = 10 * 1000000L;
	CHECK(timer_settime(tid, 0, &its, NULL) == 0);
	for (i = 0; i < 3; i++)
		while (sem_wait(&notified) < 0 && errno == EINTR)
			;
	CHECK(notify_value == 77);
	CHECK(timer_delete(tid) == 0);
}

static void *kill_later(void *arg)
{
	msleep(30);
	kill(getpid(), SIGUSR2);
	return NULL;
}

static void test_signalfd(void)
{
	struct signalfd_siginfo ssi;
	struct epoll_event ev, out;
	struct pollfd p;
	sigset_t set;
	pthread_t t;
	int fd, ep;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(read(fd, &ssi, sizeof(ssi)) == -1 && errno == EAGAIN);
	CHECK(read(fd, &ssi, 8) == -1 && errno == EINVAL);
	p.fd = fd;
	p.events = POLLIN;
	CHECK(poll(&p, 1, 0) == 0);

	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.u32 = 5;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);

	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN));
	CHECK(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.u32 == 5);
	memset(&ssi, 0, sizeof(ssi));
	CHECK(read(fd, &ssi, sizeof(ssi)) == sizeof(ssi));
	CHECK(ssi.ssi_signo == SIGUSR1 && ssi.ssi_code == SI_USER &&
	      ssi.ssi_pid == (unsigned)getpid());
	CHECK(poll(&p, 1, 0) == 0);
	CHECK(sigpending(&set) == 0 && !sigismember(&set, SIGUSR1));

	/* poll and epoll_wait wake when a signal comes. */
	CHECK(pthread_create(&t, NULL, kill_later, NULL) == 0);
	CHECK(poll(&p, 1, 2000) == 1);
	CHECK(epoll_wait(ep, &out, 1, 2000) == 1);
	CHECK(read(fd, &ssi, sizeof(ssi)) == sizeof(ssi) &&
	      ssi.ssi_signo == SIGUSR2);
	CHECK(pthread_join(t, NULL) == 0);

	/* A blocking signalfd, woken by a later signal. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CHECK(signalfd(fd, &set, 0) == fd);
	{
		int bfd = signalfd(-1, &set, 0);

		CHECK(bfd >= 0);
		CHECK(pthread_create(&t, NULL, kill_later, NULL) == 0);
		CHECK(read(bfd, &ssi, sizeof(ssi)) == sizeof(ssi) &&
		      ssi.ssi_signo == SIGUSR2);
		CHECK(pthread_join(t, NULL) == 0);
		close(bfd);
	}

	/* Bad input. */
	CHECK(signalfd(-1, &set, 0x1234) == -1 && errno == EINVAL);
	CHECK(signalfd(ep, &set, 0) == -1 && errno == EINVAL);
	CHECK(signalfd(999, &set, 0) == -1 && errno == EBADF);
	CHECK(syscall(SYS_signalfd4, -1, (void *)8, 8, 0) == -1 &&
	      errno == EFAULT);
	CHECK(syscall(SYS_signalfd4, -1, &set, 4, 0) == -1 &&
	      errno == EINVAL);
	close(ep);
	close(fd);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
}

int main(void)
{
	test_itimer();
	test_timer_signal();
	test_timer_thread();
	test_signalfd();
	return posix_check_summary();
}
