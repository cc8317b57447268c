/*
 * Steps of CLOCK_REALTIME (clock_settime) and what waits on it: a step
 * forward past an absolute realtime deadline ends the wait at once, a
 * step back makes it longer; relative waits and monotonic ones do not
 * move. Covered: clock_nanosleep(TIMER_ABSTIME), futex
 * FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME (glibc's pthread_cond_timedwait
 * and sem_timedwait), mq_timedreceive, timer_create(CLOCK_REALTIME) with
 * TIMER_ABSTIME, timerfd with TFD_TIMER_ABSTIME and with
 * TFD_TIMER_CANCEL_ON_SET (ECANCELED).
 * The Linux reference runs as root: each step is short and the clock is
 * put back from the monotonic clock right after (wall0 + elapsed).
 * Calls are raw where the C libraries differ (musl's timed waits are
 * relative futex waits).
 */
#include <errno.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

/* Linux's futex values (no kernel headers in every C library). */
#define FUTEX_WAIT_BITSET	9
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_BITSET_MATCH_ANY	0xffffffffU

#define NS	1000000000LL
#define STEP	(20 * NS)	/* a step forward */
#define BACK	(1 * NS)	/* a step back */

static long long wall0, mono0;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static struct timespec ts_of(long long ns)
{
	struct timespec ts = { ns / NS, ns % NS };

	return ts;
}

static int set_wall(long long ns)
{
	struct timespec ts = ts_of(ns);

	return (int)syscall(SYS_clock_settime, CLOCK_REALTIME, &ts);
}

/* Moves the wall clock by delta ns from where it ought to be. */
static int step(long long delta)
{
	return set_wall(wall0 + (now_ns(CLOCK_MONOTONIC) - mono0) + delta);
}

static void restore(void)
{
	step(0);
}

/* A wait in a thread, while the main thread steps the clock. */
struct waiter {
	long (*wait)(struct waiter *w);
	long long deadline;	/* realtime, absolute */
	int fd;
	long rc;
	int err;
	long long took;		/* monotonic ns */
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	long long t0 = now_ns(CLOCK_MONOTONIC);

	w->rc = w->wait(w);
	w->err = errno;
	w->took = now_ns(CLOCK_MONOTONIC) - t0;
	return NULL;
}

/* Runs w's wait in a thread, steps the clock by delta after 200 ms,
 * waits for the thread and puts the clock back. */
static void run_stepped(struct waiter *w, long long delta)
{
	pthread_t th;

	pthread_create(&th, NULL, waiter_main, w);
	msleep(200);
	CHECK(step(delta) == 0);
	pthread_join(th, NULL);
	restore();
}

static long wait_nanosleep(struct waiter *w)
{
	struct timespec ts = ts_of(w->deadline);

	errno = (int)syscall(SYS_clock_nanosleep, CLOCK_REALTIME,
			     TIMER_ABSTIME, &ts, NULL);
	return errno ? -1 : 0;
}

static long wait_rel_nanosleep(struct waiter *w)
{
	struct timespec ts = ts_of(w->deadline);

	errno = (int)syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &ts,
			     NULL);
	return errno ? -1 : 0;
}

static uint32_t futex_word;

static long wait_futex(struct waiter *w)
{
	struct timespec ts = ts_of(w->deadline);

	return syscall(SYS_futex, &futex_word,
		       FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &ts,
		       NULL, FUTEX_BITSET_MATCH_ANY);
}

static long wait_mq(struct waiter *w)
{
	struct timespec ts = ts_of(w->deadline);
	char buf[64];

	return mq_timedreceive(w->fd, buf, sizeof(buf), NULL, &ts);
}

static long wait_tfd(struct waiter *w)
{
	uint64_t n = 0;

	return read(w->fd, &n, sizeof(n));
}

/*
 * w waits for a realtime time. A step forward past it ends the wait at
 * once, not 10 s later; a step back puts the same wall time 1 s further
 * away. Each wait ends with 0, or with -1 and err when err is not 0.
 */
static void check_follows_steps(struct waiter *w, int err)
{
	w->deadline = now_ns(CLOCK_REALTIME) + 10 * NS;
	run_stepped(w, STEP);
	CHECK(err ? w->rc == -1 && w->err == err : w->rc == 0);
	CHECK(w->took < 3 * NS);
	w->deadline = now_ns(CLOCK_REALTIME) + NS / 2;
	run_stepped(w, -BACK);
	CHECK(err ? w->rc == -1 && w->err == err : w->rc == 0);
	CHECK(w->took >= NS + NS / 4);
}

static void check_nanosleep(void)
{
	struct waiter w = { .wait = wait_nanosleep };

	check_follows_steps(&w, 0);
	/* A relative sleep on CLOCK_REALTIME does not move. */
	w.wait = wait_rel_nanosleep;
	w.deadline = NS;
	run_stepped(&w, STEP);
	CHECK(w.rc == 0);
	CHECK(w.took >= NS - NS / 10);
}

static void check_futex(void)
{
	struct waiter w = { .wait = wait_futex };

	check_follows_steps(&w, ETIMEDOUT);
}

static void check_mq(void)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	struct waiter w = { .wait = wait_mq };

	mq_unlink("/clock-step");
	w.fd = mq_open("/clock-step", O_RDWR | O_CREAT | O_EXCL, 0600,
		       &attr);
	CHECK(w.fd >= 0);
	if (w.fd < 0)
		return;
	check_follows_steps(&w, ETIMEDOUT);
	mq_close(w.fd);
	mq_unlink("/clock-step");
}

static long long left_ns(timer_t t)
{
	struct itimerspec its;

	timer_gettime(t, &its);
	return its.it_value.tv_sec * NS + its.it_value.tv_nsec;
}

static void check_posix_timer(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGUSR1 };
	struct timespec wait2 = { 2, 0 };
	struct itimerspec its = { 0 };
	timer_t abs_t, rel_t;
	long long t0;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(timer_create(CLOCK_REALTIME, &sev, &abs_t) == 0);
	sev.sigev_notify = SIGEV_NONE;
	CHECK(timer_create(CLOCK_REALTIME, &sev, &rel_t) == 0);
	/* Back: an absolute timer is 10 s further away, a relative one
	 * is not. */
	its.it_value = ts_of(now_ns(CLOCK_REALTIME) + 5 * NS);
	CHECK(timer_settime(abs_t, TIMER_ABSTIME, &its, NULL) == 0);
	its.it_value = ts_of(5 * NS);
	CHECK(timer_settime(rel_t, 0, &its, NULL) == 0);
	CHECK(step(-10 * NS) == 0);
	CHECK(left_ns(abs_t) > 14 * NS && left_ns(abs_t) <= 15 * NS);
	CHECK(left_ns(rel_t) > 4 * NS && left_ns(rel_t) <= 5 * NS);
	restore();
	/* Forward past its time: it fires now. */
	its.it_value = ts_of(now_ns(CLOCK_REALTIME) + 10 * NS);
	CHECK(timer_settime(abs_t, TIMER_ABSTIME, &its, NULL) == 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(step(STEP) == 0);
	CHECK(sigtimedwait(&set, NULL, &wait2) == SIGUSR1);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 < NS);
	CHECK(left_ns(rel_t) > 3 * NS && left_ns(rel_t) <= 5 * NS);
	restore();
	timer_delete(abs_t);
	timer_delete(rel_t);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static long long tfd_left(int fd)
{
	struct itimerspec its;

	timerfd_gettime(fd, &its);
	return its.it_value.tv_sec * NS + its.it_value.tv_nsec;
}

static int tfd_set(int fd, int flags, long long ns)
{
	struct itimerspec its = { .it_value = ts_of(ns) };

	return timerfd_settime(fd, flags, &its, NULL);
}

static void check_timerfd(void)
{
	struct waiter w = { .wait = wait_tfd };
	int rel = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	uint64_t n;

	w.fd = timerfd_create(CLOCK_REALTIME, 0);
	CHECK(w.fd >= 0 && rel >= 0);
	/* An absolute one fires with a step past its time; a relative
	 * one stays. */
	CHECK(tfd_set(w.fd, TFD_TIMER_ABSTIME,
		      now_ns(CLOCK_REALTIME) + 10 * NS) == 0);
	CHECK(tfd_set(rel, 0, 10 * NS) == 0);
	run_stepped(&w, STEP);
	CHECK(w.rc == sizeof(n));
	CHECK(w.took < 3 * NS);
	CHECK(tfd_left(rel) > 8 * NS && tfd_left(rel) <= 10 * NS);
	/* Back: further away. */
	CHECK(tfd_set(w.fd, TFD_TIMER_ABSTIME,
		      now_ns(CLOCK_REALTIME) + 5 * NS) == 0);
	CHECK(step(-10 * NS) == 0);
	CHECK(tfd_left(w.fd) > 14 * NS && tfd_left(w.fd) <= 15 * NS);
	restore();
	/* CANCEL_ON_SET: a step ends a blocked read with ECANCELED, the
	 * timer stays armed (moved). */
	CHECK(tfd_set(w.fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
		      now_ns(CLOCK_REALTIME) + 100 * NS) == 0);
	run_stepped(&w, STEP);
	CHECK(w.rc == -1 && w.err == ECANCELED);
	CHECK(w.took < 3 * NS);
	CHECK(tfd_left(w.fd) > 90 * NS && tfd_left(w.fd) <= 100 * NS);
	/* restore() was a step too: poll tells, read cancels, once. */
	{
		struct pollfd p = { .fd = w.fd, .events = POLLIN };

		CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN);
	}
	fcntl(w.fd, F_SETFL, O_NONBLOCK);
	CHECK(read(w.fd, &n, sizeof(n)) == -1 && errno == ECANCELED);
	CHECK(read(w.fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	/* Setting it again ends the cancel; without ABSTIME the flag is
	 * ignored. */
	CHECK(tfd_set(w.fd, TFD_TIMER_CANCEL_ON_SET, 100 * NS) == 0);
	CHECK(step(0) == 0);
	CHECK(read(w.fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	close(w.fd);
	close(rel);
}

int main(void)
{
	wall0 = now_ns(CLOCK_REALTIME);
	mono0 = now_ns(CLOCK_MONOTONIC);
	check_nanosleep();
	check_futex();
	check_mq();
	check_posix_timer();
	check_timerfd();
	restore();
	CHECK(now_ns(CLOCK_REALTIME) - wall0 <
	      now_ns(CLOCK_MONOTONIC) - mono0 + NS);
	return posix_check_summary();
}
