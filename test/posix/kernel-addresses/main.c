/*
 * Kernel addresses handed to system calls are refused with EFAULT before
 * anything is read or written, checked the same way on Linux and on
 * Amphi (0xffff800000000000 is where Amphi's direct map of all RAM
 * starts on x86_64, and Linux's kernel half).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define KADDR	((void *)0xffff800000000000UL)

static int efault(long rc)
{
	int ok = rc == -1 && errno == EFAULT;

	errno = 0;
	return ok;
}

int main(void)
{
	struct iovec iov = { KADDR, 16 };
	struct stat st;
	int p[2], sv[2];

	CHECK(pipe(p) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(write(p[1], "0123456789abcdef", 16) == 16);
	CHECK(efault(read(p[0], KADDR, 16)));
	CHECK(efault(readv(p[0], &iov, 1)));
	CHECK(efault(write(p[1], KADDR, 16)));
	CHECK(efault(getrandom(KADDR, 1UL << 62, 0)));
	CHECK(efault(getrandom(KADDR, 16, GRND_NONBLOCK)));
	CHECK(efault(send(sv[0], KADDR, 16, 0)));
	CHECK(send(sv[0], "x", 1, 0) == 1);
	CHECK(efault(recv(sv[1], KADDR, 16, 0)));
	CHECK(efault(stat(KADDR, &st)));
	/* The system call: a C library may convert struct stat in user
	 * space (musl does), which faults in the app instead. */
	CHECK(efault(syscall(SYS_fstat, p[0], KADDR)));
	CHECK(efault(nanosleep(KADDR, NULL)));
	CHECK(efault(poll(KADDR, 1, 0)));
	/* The data is still there, the fds still work. */
	{
		char buf[16];

		CHECK(read(p[0], buf, 16) == 16 && buf[15] == 'f');
		CHECK(recv(sv[1], buf, 16, 0) == 1 && buf[0] == 'x');
	}
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	return posix_check_summary();
}
