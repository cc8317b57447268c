/* The C library inside the running kernel (the host unit tests compare it
 * with glibc; these make sure it behaves the same booted on a backend). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uk/test.h>

UK_TESTCASE(libc, snprintf_formats)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%d|%5.2f|%-6s|%#x|%e|%g", -42, 3.14159,
		 "ab", 255, 12345.678, 0.0001);
	UK_TEST_EXPECT_STR_EQ(buf,
		"-42| 3.14|ab    |0xff|1.234568e+04|0.0001");
	snprintf(buf, sizeof(buf), "%.20f", 0.1);
	UK_TEST_EXPECT_STR_EQ(buf, "0.10000000000000000555");
	UK_TEST_EXPECT_SNUM_EQ(snprintf(buf, 4, "%s", "truncated"), 9);
	UK_TEST_EXPECT_STR_EQ(buf, "tru");
}

UK_TESTCASE(libc, strtol_errors)
{
	char *end;

	errno = 0;
	UK_TEST_EXPECT_SNUM_EQ(strtol("-9223372036854775809", &end, 10),
			       LONG_MIN);
	UK_TEST_EXPECT_SNUM_EQ(errno, ERANGE);
	UK_TEST_EXPECT_SNUM_EQ(strtol("0x7fz", &end, 16), 0x7f);
	UK_TEST_EXPECT_STR_EQ(end, "z");
}

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

UK_TESTCASE(libc, qsort_and_strings)
{
	int v[64];
	int i, sorted = 1;

	for (i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	qsort(v, 64, sizeof(int), cmp);
	for (i = 0; i < 64; i++)
		sorted &= v[i] == i;
	UK_TEST_EXPECT(sorted);
	UK_TEST_EXPECT_STR_EQ(strerror(EAGAIN),
			      "Resource temporarily unavailable");
	UK_TEST_EXPECT_SNUM_EQ(strncmp("abcd", "abce", 3), 0);
}
