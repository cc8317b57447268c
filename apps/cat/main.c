/*
 * cat: copies each FILE (or standard input when there is none, or for
 * "-") to standard output with read(2) and write(2).
 *
 *   ./amphi run cat -- -r                     # type lines; Ctrl-D ends
 *   ./amphi run cat --initrd root.cpio -- /etc/motd
 *
 * -r reports the size of every read on standard error: reading the
 * console returns one line at a time, as a terminal does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int report_reads;

static int write_all(const char *buf, ssize_t n)
{
	ssize_t done = 0, w;

	while (done < n) {
		w = write(STDOUT_FILENO, buf + done, n - done);
		if (w < 0)
			return -1;
		done += w;
	}
	return 0;
}

static int copy(int fd, const char *name)
{
	char buf[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (report_reads)
			fprintf(stderr, "read %zd\n", n);
		if (n == 0)
			return 0;
		if (n < 0 || write_all(buf, n)) {
			fprintf(stderr, "cat: %s: %s\n", name,
				strerror(errno));
			return 1;
		}
	}
}

static int cat_file(const char *name)
{
	int fd, rc;

	if (!strcmp(name, "-"))
		return copy(STDIN_FILENO, "standard input");
	fd = open(name, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
		return 1;
	}
	rc = copy(fd, name);
	close(fd);
	return rc;
}

int main(int argc, char *argv[])
{
	int i = 1, rc = 0;

	if (i < argc && !strcmp(argv[i], "-r")) {
		report_reads = 1;
		i++;
	}
	if (i == argc)
		return cat_file("-");
	for (; i < argc; i++)
		rc |= cat_file(argv[i]);
	return rc;
}
