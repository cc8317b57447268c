/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptyrun: runs a command on a new pseudo-terminal, as a user at a
 * terminal would, for the amphi-kvm terminal cases (test/kvm/cases.py).
 * Static: it also runs inside the nested KVM test host.
 *
 *   ptyrun [STEP...] -- COMMAND [ARG...]
 *
 * COMMAND runs as a session leader with the terminal on fds 0-2; what it
 * writes there is copied to stdout. The steps, in order:
 *   raw        wait until the terminal is raw (ISIG off): its owner set it
 *   keys:HEX   type these bytes
 *   see:HEX    wait until these bytes have come out
 *   stopped    wait until COMMAND has stopped; says "ptyrun: stopped"
 *   cont       continue COMMAND's process group (SIGCONT)
 *   kill:N     send signal N to COMMAND
 *   settings   says whether the terminal's settings are those it began
 *              with ("ptyrun: settings restored" or "... changed")
 * Then it waits for COMMAND and says "ptyrun: status N" and the
 * settings. A step that waits gives up after 30 s (exit status 2).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child;
static int child_status = -1;	/* set once it has ended */
static int child_stopped;
static struct termios initial;
static char seen[1 << 16];		/* the output so far (its start) */
static size_t nseen;
static const char *want;
static size_t nwant;

static void die(const char *what)
{
	fprintf(stderr, "ptyrun: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Copies what the terminal has to stdout for up to ms; notes how the
 * child is. */
static void pump(int ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	char buf[4096];
	ssize_t n;
	int st;

	if (poll(&p, 1, ms) > 0) {
		n = read(master, buf, sizeof(buf));
		if (n > 0) {
			fwrite(buf, 1, (size_t)n, stdout);
			if ((size_t)n > sizeof(seen) - nseen)
				n = (ssize_t)(sizeof(seen) - nseen);
			memcpy(seen + nseen, buf, (size_t)n);
			nseen += (size_t)n;
		}
		else if (child_status >= 0)
			usleep(ms * 1000);	/* EIO: all gone */
	}
	fflush(stdout);
	if (child_status >= 0)
		return;
	if (waitpid(child, &st, WNOHANG | WUNTRACED) == child) {
		if (WIFSTOPPED(st))
			child_stopped = 1;
		else
			child_status = WIFEXITED(st) ? WEXITSTATUS(st) :
				       128 + WTERMSIG(st);
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int is_raw(void)
{
	struct termios t;

	return tcgetattr(master, &t) == 0 && !(t.c_lflag & ISIG);
}

static int has_stopped(void)
{
	return child_stopped;
}

static int has_ended(void)
{
	return child_status >= 0;
}

static int has_seen(void)
{
	return memmem(seen, nseen, want, nwant) != NULL;
}

/* The bytes hex stands for (malloc'd); *len their count. */
static char *unhex(const char *hex, size_t *len)
{
	char *out = malloc(strlen(hex) / 2 + 1);
	unsigned int b;
	size_t n = 0;

	if (!out)
		die("malloc");
	for (; hex[0] && hex[1] && sscanf(hex, "%2x", &b) == 1; hex += 2)
		out[n++] = (char)b;
	*len = n;
	return out;
}

/* Pumps until cond() holds; exits if it does not within 30 s. */
static void wait_for(int (*cond)(void), const char *what)
{
	double until = now() + 30;

	while (!cond()) {
		if (now() > until || (child_status >= 0 && cond != has_ended)) {
			printf("\nptyrun: gave up waiting for %s (status %d)\n",
			       what, child_status);
			exit(2);
		}
		pump(20);
	}
}

static void say_settings(void)
{
	struct termios t;

	if (tcgetattr(master, &t) < 0)
		die("tcgetattr");
	printf("\nptyrun: settings %s\n",
	       t.c_iflag == initial.c_iflag && t.c_oflag == initial.c_oflag &&
	       t.c_cflag == initial.c_cflag && t.c_lflag == initial.c_lflag &&
	       !memcmp(t.c_cc, initial.c_cc, sizeof(t.c_cc)) ?
	       "restored" : "changed");
}

static void type_keys(const char *hex)
{
	size_t i, n;
	char *keys = unhex(hex, &n);

	for (i = 0; i < n; i++) {
		if (write(master, keys + i, 1) != 1)
			die("write");
		pump(10);
	}
	free(keys);
}

static void start(char **argv)
{
	int slave;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		die("posix_openpt");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0)
			die("open the terminal");
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		close(master);
		execvp(argv[0], argv);
		die(argv[0]);
	}
	if (tcgetattr(master, &initial) < 0)
		die("tcgetattr");
}

int main(int argc, char *argv[])
{
	int i, cmd = 0;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			cmd = i + 1;
			break;
		}
	if (!cmd || cmd >= argc) {
		fprintf(stderr, "usage: ptyrun [STEP...] -- COMMAND [ARG...]\n");
		return 2;
	}
	signal(SIGTTOU, SIG_IGN);
	start(argv + cmd);
	for (i = 1; i < cmd - 1; i++) {
		if (!strcmp(argv[i], "raw")) {
			wait_for(is_raw, "a raw terminal");
		} else if (!strncmp(argv[i], "keys:", 5)) {
			type_keys(argv[i] + 5);
		} else if (!strncmp(argv[i], "see:", 4)) {
			want = unhex(argv[i] + 4, &nwant);
			wait_for(has_seen, argv[i]);
		} else if (!strcmp(argv[i], "stopped")) {
			wait_for(has_stopped, "a stop");
			printf("\nptyrun: stopped\n");
		} else if (!strcmp(argv[i], "cont")) {
			child_stopped = 0;
			kill(-child, SIGCONT);
		} else if (!strncmp(argv[i], "kill:", 5)) {
			kill(child, atoi(argv[i] + 5));
		} else if (!strcmp(argv[i], "settings")) {
			say_settings();
		} else {
			fprintf(stderr, "ptyrun: unknown step %s\n", argv[i]);
			return 2;
		}
	}
	wait_for(has_ended, "the end");
	pump(50);
	printf("\nptyrun: status %d\n", child_status);
	say_settings();
	return 0;
}
