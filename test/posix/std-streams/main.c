/*
 * What a program sees of its standard streams, printed the same way on
 * Linux and on Amphi. test/posix/streams.py runs it with fds 0-2 on a
 * terminal, pipes, files and /dev/null and compares each run's output
 * (run-both.py runs it once more, with stdin on /dev/null).
 *   - a zero-length read of fd 0 returns 0 at once, whatever is there.
 *   - each fd is a terminal (isatty, tcgetattr) only if the host's is;
 *     fstat names the host's kind (character device, pipe, regular file
 *     with its size); lseek works on files and /dev/null, is ESPIPE on
 *     pipes and terminals.
 *   - stdout is line buffered on a terminal, fully buffered otherwise
 *     (the order of a printf and a later write(1) shows it); stderr is
 *     unbuffered.
 *   - stdin from a pipe or a file is read as is, not line by line: one
 *     read gets both lines; then end of input. A terminal gives one line
 *     per read.
 *   - /dev/stdin (read_dev_stdin) opens stdin's pipe or file again; a
 *     file's new description reads at its own offset, not fd 0's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFCHR:	return "character device";
	case S_IFIFO:	return "pipe";
	case S_IFREG:	return "regular file";
	case S_IFSOCK:	return "socket";
	default:	return "other";
	}
}

/* Error names, not messages: C libraries word them differently. */
static const char *err_name(int e)
{
	static char other[32];

	switch (e) {
	case ENOTTY:	return "ENOTTY";
	case ESPIPE:	return "ESPIPE";
	case EBADF:	return "EBADF";
	case EINVAL:	return "EINVAL";
	case ENOENT:	return "ENOENT";
	case ENXIO:	return "ENXIO";
	default:
		snprintf(other, sizeof(other), "errno %d", e);
		return other;
	}
}

static void describe(int fd)
{
	struct termios tio;
	struct stat st;
	int tty, e;
	off_t pos;

	errno = 0;
	tty = isatty(fd);
	e = errno;
	printf("fd %d: isatty %d (%s)", fd, tty,
	       tty ? "-" : err_name(e));
	printf(", tcgetattr %s", tcgetattr(fd, &tio) ? err_name(errno) :
	       "ok");
	if (fstat(fd, &st)) {
		printf(", fstat %s\n", err_name(errno));
		return;
	}
	printf(", %s", kind(st.st_mode));
	if (S_ISREG(st.st_mode))
		printf(" of %lld bytes", (long long)st.st_size);
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		printf(", lseek %s\n", err_name(errno));
	else
		printf(", lseek %lld\n", (long long)pos);
}

/*
 * Linux finds all the host's input in the pipe at the first read. A
 * serial line (QEMU's) hands the same bytes over one by one as they
 * come, so a read that is there first gets fewer: the first read waits
 * until input is there and has had time to come in whole.
 */
static void settle_input(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };

	poll(&p, 1, 10000);
	usleep(100 * 1000);
}

/*
 * /dev/stdin as a file name (awk, jq, sqlite take it so), a link to
 * /proc/self/fd/0 that opens a new description of the same file: a
 * pipe's data is the pipe's (all read by now), a file is read again from
 * its start, as its offset is the new description's. Not on terminals
 * and /dev/null (a terminal's read would wait for more typing).
 */
static void read_dev_stdin(void)
{
	struct stat st, dst;
	char buf[100], target[64];
	ssize_t n, total = 0;
	int fd;

	if (fstat(0, &st) || !(S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode)))
		return;
	n = readlink("/dev/stdin", target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	printf("/dev/stdin links to %s\n", target);
	printf("stat of /dev/stdin is fd 0's file: %d\n",
	       !stat("/dev/stdin", &dst) && dst.st_ino == st.st_ino &&
	       dst.st_dev == st.st_dev);
	fd = open("/dev/stdin", O_RDONLY);
	if (fd < 0) {
		printf("open /dev/stdin: %s\n", err_name(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	printf("/dev/stdin: %zd bytes, then read returns %zd\n", total, n);
	close(fd);
	/* A part, through a description of its own: fd 0's offset, which
	 * the shell shares (streams.py counts what is left), stays. */
	fd = open("/dev/stdin", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, 3);
	printf("/dev/stdin again: %zd bytes; fd 0 at %lld\n", n,
	       S_ISREG(st.st_mode) ? (long long)lseek(0, 0, SEEK_CUR) : -1LL);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char buf[100], c;
	ssize_t n, total = 0;
	int fd;

	n = read(0, &c, 0);
	printf("read(0, buf, 0) = %zd\n", n);
	/* Out before anything else: C libraries settle stdout's buffering
	 * at different times (musl at its first flush, glibc at its first
	 * output), so only what follows shows it. */
	fflush(stdout);
	for (fd = 0; fd < 3; fd++)
		describe(fd);
	if (isatty(0)) {
		/* A terminal gives a line per read. The lines are typed
		 * once this prompt is out (streams.py). */
		printf("type two lines\n");
		fflush(stdout);
		n = read(0, buf, sizeof(buf));
		printf("first read of the terminal: %zd bytes\n", n);
		n = read(0, buf, sizeof(buf));
		printf("second read of the terminal: %zd bytes\n", n);
	} else {
		settle_input();
		n = read(0, buf, sizeof(buf));
		printf("first read of stdin: %zd bytes\n", n);
		while (n > 0) {
			total += n;
			n = read(0, buf, sizeof(buf));
		}
		printf("stdin: %zd bytes in all, then read returns %zd\n", total, n);
		read_dev_stdin();
	}
	fprintf(stderr, "to stderr, unbuffered\n");
	printf("printf before write(1)\n");
	fflush(stderr);
	write(1, "write(1) after printf\n", 22);
	return 0;
}
