/*
 * A minimal checker for POSIX behaviour tests. The same program is built
 * for the host's Linux (the reference) and as an Amphi image; both must
 * pass, and print the same output.
 */
#ifndef AMPHI_POSIX_CHECK_H
#define AMPHI_POSIX_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int posix_checks_passed, posix_checks_failed;

#define CHECK(cond)							\
	do {								\
		if (cond) {						\
			posix_checks_passed++;				\
		} else {						\
			posix_checks_failed++;				\
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__,	\
			       #cond);					\
		}							\
	} while (0)

/* Installs fn as sig's SA_SIGINFO handler with flags and an empty mask;
 * returns sigaction's result. */
static inline int set_action(int sig, void (*fn)(int, siginfo_t *, void *),
			     int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* The fd number the next open() returns (to see that nothing leaked). */
static inline int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD, 0);

	close(fd);
	return fd;
}

/* Sleeps ms milliseconds, the whole time even if signals come. */
static inline void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Prints the summary line; returns the exit status for main(). */
static inline int posix_check_summary(void)
{
	printf("%d passed, %d failed\n", posix_checks_passed,
	       posix_checks_failed);
	return posix_checks_failed ? 1 : 0;
}

#endif
