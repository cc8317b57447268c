/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel console on the process's stdout and stdin. Output is
 * fs-free (cpu.h): messages come from anywhere, interrupt handlers too. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uk/plat/console.h>
#include "cpu.h"
#include "sim.h"

void sim_console_init(void)
{
	/* A closed pipe on stdout must give -EPIPE, not kill the kernel. */
	signal(SIGPIPE, SIG_IGN);
}

int ukplat_coutk(const char *buf, unsigned int len)
{
	unsigned int done = 0;
	ssize_t n;

	while (done < len) {
		n = sim_syscall3(SYS_write, STDOUT_FILENO, buf + done,
				 len - done);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return done ? (int)done : (int)n;
		done += (unsigned int)n;
	}
	return (int)done;
}

void sim_console_write(const char *buf, size_t len)
{
	ukplat_coutk(buf, (unsigned int)len);
}

void sim_console_puts(const char *s)
{
	sim_console_write(s, strlen(s));
}

int ukplat_cink(char *buf, unsigned int maxlen)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t n;

	if (!maxlen)
		return 0;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	n = read(STDIN_FILENO, buf, maxlen);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n == 0 ? -EPIPE : (int)n;
}
