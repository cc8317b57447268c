/*
 * Waiting for children that do not exist: waitid's checks of options
 * (one of WEXITED, WSTOPPED, WCONTINUED; no unknown bit) and of idtype
 * and id (P_PID > 0, P_PGID >= 0, P_PIDFD >= 0 and a pidfd: EBADF for
 * a closed fd and for one that is no pidfd), then ECHILD; the siginfo gets
 * the zeros of "no child" all the same, EFAULT where it cannot be
 * written (waitid(2), kernel's waitid). wait4 and waitpid: ECHILD;
 * getrusage(RUSAGE_CHILDREN): all zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef P_PIDFD
#define P_PIDFD		3
#endif

static long sys_waitid(int idtype, int id, void *info, int options)
{
	return syscall(SYS_waitid, idtype, id, info, options, NULL);
}

static void check_args(void)
{
	siginfo_t si;
	int fd = lowest_free_fd();

	CHECK(sys_waitid(P_ALL, 0, &si, 0) == -1 && errno == EINVAL);
	CHECK(sys_waitid(P_ALL, 0, &si, WNOHANG) == -1 && errno == EINVAL);
	CHECK(sys_waitid(P_ALL, 0, &si, WEXITED | 0x100) == -1 &&
	      errno == EINVAL);
	CHECK(sys_waitid(5, 0, &si, WEXITED) == -1 && errno == EINVAL);
	CHECK(sys_waitid(-1, 0, &si, WEXITED) == -1 && errno == EINVAL);
	CHECK(sys_waitid(P_PID, 0, &si, WEXITED) == -1 && errno == EINVAL);
	CHECK(sys_waitid(P_PID, -1, &si, WEXITED) == -1 && errno == EINVAL);
	CHECK(sys_waitid(P_PGID, -1, &si, WEXITED) == -1 && errno == EINVAL);
	CHECK(sys_waitid(P_PIDFD, -1, &si, WEXITED) == -1 &&
	      errno == EINVAL);
	CHECK(sys_waitid(P_PIDFD, fd, &si, WEXITED) == -1 && errno == EBADF);
	CHECK(sys_waitid(P_PIDFD, 0, &si, WEXITED) == -1 && errno == EBADF);
	/* Options before idtype. */
	CHECK(sys_waitid(P_PIDFD, fd, &si, 0) == -1 && errno == EINVAL);
}

static void check_no_child(void)
{
	siginfo_t si;

	memset(&si, 0x55, sizeof(si));
	CHECK(waitid(P_ALL, 0, &si, WEXITED) == -1 && errno == ECHILD);
	CHECK(si.si_signo == 0 && si.si_errno == 0 && si.si_code == 0);
	CHECK(si.si_pid == 0 && si.si_uid == 0 && si.si_status == 0);
	CHECK(waitid(P_ALL, 0, &si, WEXITED | WNOHANG) == -1 &&
	      errno == ECHILD);
	CHECK(waitid(P_ALL, 0, &si, WSTOPPED | WCONTINUED | WNOWAIT) == -1 &&
	      errno == ECHILD);
	CHECK(waitid(P_PID, getpid(), &si, WEXITED) == -1 && errno == ECHILD);
	CHECK(waitid(P_PID, 12345, &si, WEXITED) == -1 && errno == ECHILD);
	CHECK(waitid(P_PGID, 0, &si, WEXITED) == -1 && errno == ECHILD);
	CHECK(waitid(P_PGID, getpgrp(), &si, WEXITED) == -1 &&
	      errno == ECHILD);
	CHECK(sys_waitid(P_ALL, 0, NULL, WEXITED) == -1 && errno == ECHILD);
	/* The siginfo is written even then. */
	CHECK(sys_waitid(P_ALL, 0, (void *)8, WEXITED) == -1 &&
	      errno == EFAULT);
	CHECK(waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	CHECK(wait(NULL) == -1 && errno == ECHILD);
}

/* Nothing was ever waited for. (Linux's struct ends at ru_nivcsw; musl's
 * has room reserved after it.) */
static void check_rusage(void)
{
	static const struct rusage zero;
	struct rusage ru;

	memset(&ru, 0x55, sizeof(ru));
	CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
	CHECK(!memcmp(&ru, &zero, offsetof(struct rusage, ru_nivcsw) +
		      sizeof(ru.ru_nivcsw)));
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	CHECK(getrusage(5, &ru) == -1 && errno == EINVAL);
}

int main(void)
{
	check_args();
	check_no_child();
	check_rusage();
	return posix_check_summary();
}
