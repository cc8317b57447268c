/*
 * What a program sees of its standard streams, printed the same way on
 * Linux and on Amphi. test/posix/streams.py runs it with fds 0-2 on a
 * terminal, pipes, files and /dev/null and compares each run's output
 * (run-both.py runs it once more, with stdin on /dev/null).
 *   - a zero-length read of fd 0 returns 0 at once, whatever is there.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char c;
	ssize_t n;

	n = read(0, &c, 0);
	printf("read(0, buf, 0) = %zd\n", n);
	return 0;
}
