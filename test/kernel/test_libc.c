/* The C library (musl) inside the running kernel, on every backend: the
 * pure functions kernel and apps share (formatting, numbers, sorting). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uk/arch/valgrind.h>
#include <uk/test.h>

/* musl converts floating point through x87 long double, which valgrind
 * computes in double precision: its last digits are wrong there (a
 * limit of valgrind). Those checks run natively only. */
#define FLOAT_EXACT()	(!uk_valgrind_running())

UK_TESTCASE(libc, snprintf_formats)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%d|%5.2f|%-6s|%#x|%e|%g", -42, 3.14159,
		 "ab", 255, 12345.678, 0.0001);
	if (FLOAT_EXACT())
		UK_TEST_EXPECT_STR_EQ(buf,
			"-42| 3.14|ab    |0xff|1.234568e+04|0.0001");
	snprintf(buf, sizeof(buf), "%.20f", 0.1);
	if (FLOAT_EXACT())
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

static unsigned long double_bits(double d)
{
	unsigned long u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static unsigned int float_bits(float f)
{
	unsigned int u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

UK_TESTCASE(libc, strtod_rounding)
{
	long double ld;
	unsigned long mant;
	unsigned short se;
	char *end;

	if (!FLOAT_EXACT())
		return;

	errno = 0;
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod(" 0.1x", &end)),
			       0x3fb999999999999aUL);
	UK_TEST_EXPECT_STR_EQ(end, "x");
	/* Halfway: ties to even, settled by the exact comparison. */
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod("9007199254740993", NULL)),
			       0x4340000000000000UL);
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod(
		"9007199254740993.000000000000000000000000000000001", NULL)),
		0x4340000000000001UL);
	UK_TEST_EXPECT_SNUM_EQ(errno, 0);
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod("0x1.8p3", NULL)),
			       0x4028000000000000UL);
	UK_TEST_EXPECT_UNUM_EQ(float_bits(strtof("1.17549435e-38", NULL)),
			       0x00800000U);
	/* Values a double holds exactly: valgrind (valgrind-ktest) models
	 * x87 registers as doubles. */
	ld = strtold("1e22", NULL);
	memcpy(&mant, &ld, sizeof(mant));
#if defined(__x86_64__)
	/* x87 extended: 64-bit mantissa, then sign and exponent. */
	memcpy(&se, (char *)&ld + 8, sizeof(se));
	UK_TEST_EXPECT_UNUM_EQ(mant, 0x878678326eac9000UL);
	UK_TEST_EXPECT_UNUM_EQ(se, 0x4048);
#else
	/* IEEE binary128: low, then high 64 bits. */
	UK_TEST_EXPECT_UNUM_EQ(mant, 0x2000000000000000UL);
	memcpy(&mant, (char *)&ld + 8, sizeof(mant));
	UK_TEST_EXPECT_UNUM_EQ(mant, 0x40480f0cf064dd59UL);
	(void)se;
#endif
	UK_TEST_EXPECT(strtold("-0x1.8p-3", NULL) == -0.1875L);
	UK_TEST_EXPECT(atof("  12.5e-1") == 1.25);
}

UK_TESTCASE(libc, strtod_ranges)
{
	char *end;

	if (!FLOAT_EXACT())
		return;

	errno = 0;
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod("1e400", NULL)),
			       0x7ff0000000000000UL);
	UK_TEST_EXPECT_SNUM_EQ(errno, ERANGE);
	errno = 0;
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod("2.2250738585072011e-308",
						  NULL)),
			       0x000fffffffffffffUL);
	UK_TEST_EXPECT_SNUM_EQ(errno, ERANGE);
	errno = 0;
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod("-1e-400", NULL)),
			       0x8000000000000000UL);
	UK_TEST_EXPECT_SNUM_EQ(errno, ERANGE);
	UK_TEST_EXPECT_UNUM_EQ(double_bits(strtod(" -infinityx", &end)),
			       0xfff0000000000000UL);
	UK_TEST_EXPECT_STR_EQ(end, "x");
	/* A NaN; its payload is the library's choice (glibc keeps it). */
	UK_TEST_EXPECT((double_bits(strtod("nan(0x5)", &end)) &
			0x7ff8000000000000UL) == 0x7ff8000000000000UL);
	UK_TEST_EXPECT_STR_EQ(end, "");
	UK_TEST_EXPECT(strtod("e5", &end) == 0);
	UK_TEST_EXPECT_STR_EQ(end, "e5");
	UK_TEST_EXPECT(strtod("1e+", &end) == 1);
	UK_TEST_EXPECT_STR_EQ(end, "e+");
}
