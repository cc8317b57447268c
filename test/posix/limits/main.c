#define _GNU_SOURCE
/*
 * What a program learns about and sets for its system, checked the same
 * way on Linux and on Amphi: RLIMIT_NOFILE and its effect on open, dup2
 * F_DUPFD and poll (EMFILE, EBADF, EINVAL), getrlimit/setrlimit errors,
 * sysconf, statfs/fstatfs, uname and gethostname, clock_getres, and
 * nanosleep/clock_nanosleep interrupted by a signal (the time left;
 * none for TIMER_ABSTIME) (getrlimit(2), nanosleep(2)).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

static void check_nofile(void)
{
	struct pollfd pfd[32];
	struct rlimit old, rl;
	int fds[16], n = 0, fd, lim, i;

	for (i = 0; i < 32; i++)
		pfd[i] = (struct pollfd){ .fd = -1 };
	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	CHECK(old.rlim_cur <= old.rlim_max);
	/* A small soft limit: the fds below it, EMFILE at it. */
	lim = lowest_free_fd() + 4;
	rl.rlim_cur = lim;
	rl.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == (rlim_t)lim);
	CHECK(sysconf(_SC_OPEN_MAX) == lim);
	while (n < 16 && (fd = open("/", O_RDONLY)) >= 0)
		fds[n++] = fd;
	CHECK(n == 4 && fd == -1 && errno == EMFILE);
	CHECK(dup(0) == -1 && errno == EMFILE);
	close(fds[--n]);
	CHECK(dup2(0, lim) == -1 && errno == EBADF);
	CHECK(dup3(0, lim + 10, 0) == -1 && errno == EBADF);
	CHECK(fcntl(0, F_DUPFD, lim) == -1 && errno == EINVAL);
	CHECK(fcntl(0, F_DUPFD_CLOEXEC, lim) == -1 && errno == EINVAL);
	CHECK(poll(pfd, lim + 1, 0) == -1 && errno == EINVAL);
	CHECK(poll(pfd, lim, 0) == 0);
	fd = fcntl(0, F_DUPFD, lim - 1);
	CHECK(fd == lim - 1);
	close(fd);
	fd = dup2(0, lim - 1);
	CHECK(fd == lim - 1);
	close(fd);
	while (n > 0)
		close(fds[--n]);
	/* soft > hard: EINVAL; the old limit comes back. */
	rl.rlim_cur = old.rlim_max;
	rl.rlim_max = old.rlim_max - 1;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL);
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	      rl.rlim_cur == old.rlim_cur && rl.rlim_max == old.rlim_max);
	CHECK(getrlimit(1000, &rl) == -1 && errno == EINVAL);
	CHECK(prlimit(0, RLIMIT_NOFILE, NULL, &rl) == 0 &&
	      rl.rlim_cur == old.rlim_cur);
}

static void check_sysconf(void)
{
	CHECK(sysconf(_SC_PAGESIZE) == 4096);
	CHECK(sysconf(_SC_CLK_TCK) == 100);
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
	CHECK(sysconf(_SC_NPROCESSORS_CONF) >= sysconf(_SC_NPROCESSORS_ONLN));
	CHECK(sysconf(_SC_PHYS_PAGES) > 0);
	CHECK(sysconf(_SC_IOV_MAX) == 1024);
	CHECK(sysconf(-1) == -1 && errno == EINVAL);
}

static void check_statfs(void)
{
	struct statfs a, b;
	int fd = open("/", O_RDONLY | O_DIRECTORY), p[2];

	CHECK(statfs("/", &a) == 0);
	CHECK(fstatfs(fd, &b) == 0);
	CHECK(a.f_type == b.f_type && a.f_bsize == b.f_bsize);
	CHECK(a.f_bsize > 0 && a.f_namelen == 255);
	CHECK(a.f_bfree <= a.f_blocks && a.f_bavail <= a.f_blocks);
	close(fd);
	CHECK(statfs("/nope/x", &a) == -1 && errno == ENOENT);
	CHECK(fstatfs(999, &a) == -1 && errno == EBADF);
	CHECK(pipe(p) == 0 && fstatfs(p[0], &a) == 0 &&
	      a.f_type == 0x50495045);		/* PIPEFS_MAGIC */
	close(p[0]);
	close(p[1]);
}

static void check_uname(void)
{
	struct utsname u;
	char host[256];

	CHECK(uname(&u) == 0);
	CHECK(!strcmp(u.sysname, "Linux"));
	CHECK(u.release[0] >= '1' && u.release[0] <= '9');
	CHECK(gethostname(host, sizeof(host)) == 0);
	CHECK(!strcmp(host, u.nodename));
#if defined(__x86_64__)
	CHECK(!strcmp(u.machine, "x86_64"));
#elif defined(__aarch64__)
	CHECK(!strcmp(u.machine, "aarch64"));
#endif
}

static void check_clock_getres(void)
{
	struct timespec res;

	CHECK(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 &&
	      res.tv_nsec == 1);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 &&
	      res.tv_nsec == 1);
	CHECK(clock_getres(CLOCK_BOOTTIME, &res) == 0 && res.tv_nsec == 1);
	CHECK(clock_getres(CLOCK_MONOTONIC, NULL) == 0);
	CHECK(clock_getres(42, &res) == -1 && errno == EINVAL);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Arms a one-shot SIGALRM in ms milliseconds. */
static void alarm_in(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void check_sleeps(void)
{
	struct sigaction sa;
	struct timespec req = { 2, 0 }, rem = { 99, 99 }, abs;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm_in(50);
	CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR);
	/* The time left: about 1.95 s. */
	CHECK(rem.tv_sec == 1 && rem.tv_nsec > 500000000);
	alarm_in(50);
	rem.tv_sec = 99;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem) == EINTR);
	CHECK(rem.tv_sec == 1 && rem.tv_nsec > 500000000);
	/* Absolute: rem is not written. */
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_sec += 2;
	rem.tv_sec = 99;
	alarm_in(50);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, &rem) ==
	      EINTR);
	CHECK(rem.tv_sec == 99);
	/* An absolute time already past: at once. */
	abs.tv_sec -= 100;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) ==
	      0);
	/* Bad times. */
	req.tv_sec = 0;
	req.tv_nsec = 1000000000;
	CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
	CHECK(clock_nanosleep(42, 0, &req, NULL) == EINVAL);
	req.tv_sec = 0;
	req.tv_nsec = 1000;
	CHECK(clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL) == 0);
}

int main(void)
{
	check_nofile();
	check_sysconf();
	check_statfs();
	check_uname();
	check_clock_getres();
	check_sleeps();
	return posix_check_summary();
}
