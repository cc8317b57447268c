/*
 * Setting and adjusting clocks (clock_settime(2), settimeofday(2),
 * adjtimex(2), clock_adjtime(2)), the errors only: the Linux reference
 * runs on a shared machine as root, where a valid call would set its
 * clock. So: clocks that cannot be set (EINVAL; an encoded CPU clock
 * EPERM), bad times (EINVAL), bad pointers (EFAULT), a bad time zone,
 * clocks that cannot be adjusted (EOPNOTSUPP), and a read-only adjtimex
 * query.
 * That setting CLOCK_REALTIME moves it is a kernel test's (test/kernel).
 * Calls are raw: the C libraries check some arguments themselves.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define SETTOD_SEC_MAX	(9223372036L - 30L * 365 * 24 * 3600)

static void *volatile bad_ptr = (void *)8;

static long set_clock(int clk, long sec, long nsec)
{
	struct timespec ts = { sec, nsec };

	return syscall(SYS_clock_settime, clk, &ts);
}

static long set_tod(long sec, long usec)
{
	struct timeval tv = { sec, usec };

	return syscall(SYS_settimeofday, &tv, NULL);
}

static int fails(long rc, int err)
{
	return rc == -1 && errno == err;
}

static void check_settime(void)
{
	struct timespec now;
	clockid_t cpu;

	clock_gettime(CLOCK_REALTIME, &now);
	/* Clocks that cannot be set, even with a valid time. */
	CHECK(fails(set_clock(CLOCK_MONOTONIC, now.tv_sec, 0), EINVAL));
	CHECK(fails(set_clock(CLOCK_MONOTONIC_RAW, now.tv_sec, 0), EINVAL));
	CHECK(fails(set_clock(CLOCK_MONOTONIC_COARSE, now.tv_sec, 0),
		    EINVAL));
	CHECK(fails(set_clock(CLOCK_BOOTTIME, now.tv_sec, 0), EINVAL));
	CHECK(fails(set_clock(CLOCK_REALTIME_COARSE, now.tv_sec, 0),
		    EINVAL));
	CHECK(fails(set_clock(100, now.tv_sec, 0), EINVAL));
	CHECK(fails(set_clock(CLOCK_PROCESS_CPUTIME_ID, 1, 0), EINVAL));
	CHECK(fails(set_clock(CLOCK_THREAD_CPUTIME_ID, 1, 0), EINVAL));
	CHECK(clock_getcpuclockid(0, &cpu) == 0);
	CHECK(fails(set_clock(cpu, 1, 0), EPERM));
	/* An encoded CPU clock of nobody. */
	CHECK(fails(set_clock((int)(~0xfffffffU << 3 | 2), 1, 0), EINVAL));
	/* The clock is checked before the pointer. */
	CHECK(fails(syscall(SYS_clock_settime, CLOCK_MONOTONIC, bad_ptr),
		    EINVAL));
	CHECK(fails(syscall(SYS_clock_settime, CLOCK_REALTIME, bad_ptr),
		    EFAULT));
	CHECK(fails(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL),
		    EFAULT));
	/* Bad times for CLOCK_REALTIME. */
	CHECK(fails(set_clock(CLOCK_REALTIME, now.tv_sec, -1), EINVAL));
	CHECK(fails(set_clock(CLOCK_REALTIME, now.tv_sec, 1000000000),
		    EINVAL));
	CHECK(fails(set_clock(CLOCK_REALTIME, -1, 0), EINVAL));
	CHECK(fails(set_clock(CLOCK_REALTIME, SETTOD_SEC_MAX + 1, 0),
		    EINVAL));
	/* Before the boot (the monotonic clock's zero). */
	CHECK(fails(set_clock(CLOCK_REALTIME, 0, 0), EINVAL));
}

static void check_settimeofday(void)
{
	struct timezone tz = { 0, 0 };
	struct timeval now;

	gettimeofday(&now, NULL);
	/* Nothing to set. */
	CHECK(syscall(SYS_settimeofday, NULL, NULL) == 0);
	CHECK(fails(set_tod(now.tv_sec, -1), EINVAL));
	CHECK(fails(set_tod(now.tv_sec, 1000000), EINVAL));
	CHECK(fails(set_tod(now.tv_sec, 1000001), EINVAL));
	CHECK(fails(set_tod(-1, 0), EINVAL));
	CHECK(fails(set_tod(0, 0), EINVAL));
	CHECK(fails(syscall(SYS_settimeofday, bad_ptr, NULL), EFAULT));
	CHECK(fails(syscall(SYS_settimeofday, NULL, bad_ptr), EFAULT));
	/* A zone more than 15 hours off. */
	tz.tz_minuteswest = 15 * 60 + 1;
	CHECK(fails(syscall(SYS_settimeofday, NULL, &tz), EINVAL));
	tz.tz_minuteswest = -15 * 60 - 1;
	CHECK(fails(syscall(SYS_settimeofday, NULL, &tz), EINVAL));
}

/* A read-only query: the state (0..5, TIME_OK..TIME_ERROR: the host's
 * NTP state is its own), and the time now. */
static void check_adjtime(void)
{
	struct timespec before, after;
	struct timex tx;
	long rc;

	memset(&tx, 0, sizeof(tx));
	clock_gettime(CLOCK_REALTIME, &before);
	rc = syscall(SYS_adjtimex, &tx);
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(rc >= TIME_OK && rc <= TIME_ERROR);
	CHECK(tx.time.tv_sec >= before.tv_sec &&
	      tx.time.tv_sec <= after.tv_sec);
	CHECK(tx.tick > 0 && tx.tolerance > 0);
	memset(&tx, 0, sizeof(tx));
	rc = syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
	CHECK(rc >= TIME_OK && rc <= TIME_ERROR);
	CHECK(tx.time.tv_sec >= before.tv_sec);
	CHECK(fails(syscall(SYS_adjtimex, bad_ptr), EFAULT));
	CHECK(fails(syscall(SYS_clock_adjtime, CLOCK_REALTIME, bad_ptr),
		    EFAULT));
	CHECK(fails(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &tx),
		    EOPNOTSUPP));
	CHECK(fails(syscall(SYS_clock_adjtime, CLOCK_BOOTTIME, &tx),
		    EOPNOTSUPP));
	CHECK(fails(syscall(SYS_clock_adjtime, CLOCK_PROCESS_CPUTIME_ID,
			    &tx), EOPNOTSUPP));
	CHECK(fails(syscall(SYS_clock_adjtime, 100, &tx), EINVAL));
	printf("adjtimex: queried\n");
}

int main(void)
{
	check_settime();
	check_settimeofday();
	check_adjtime();
	return posix_check_summary();
}
