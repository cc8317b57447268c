/* The printf family against glibc: output bytes and return values. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../hal-stub.h"
#include "amphi_libc.h"

#define BUF_SIZE	(1 << 16)
static char want[BUF_SIZE], got[BUF_SIZE];

/* Formats with both libraries and fails on any difference. */
static void vcheck_fmt(const char *where, const char *fmt, va_list ap)
{
	va_list ap2;
	int rw, rg;

	va_copy(ap2, ap);
	memset(got, 0x5a, sizeof(got));
	rw = vsnprintf(want, sizeof(want), fmt, ap);
	rg = amphi_vsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	libc_checks++;
	ck_assert_msg(rw == rg && !strcmp(want, got),
		      "%s: format \"%.100s\": glibc \"%.300s\" (%d), amphi \"%.300s\" (%d)",
		      where, fmt, want, rw, got, rg);
}

static void check_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck_fmt("", fmt, ap);
	va_end(ap);
}

START_TEST(test_plain)
{
	check_fmt("");
	check_fmt("hello, world");
	check_fmt("100%% sure %%");
	check_fmt("%d %i %u", 0, -1, 4000000000U);
	check_fmt("%s|%10s|%-10s|%.2s|%-6.3s|", "abc", "abc", "abc", "abc",
		  "abcdef");
	check_fmt("%c%c%c|%5c|%-5c|", 'a', 0x80, 'z', 'x', 'y');
	check_fmt("%s", "");
	check_fmt("%5s|%.0s|%.1s", "", "abc", "");
	check_fmt("%5%|%-5%|");
	check_fmt("%y %k %");
	check_fmt("%y %5");
	check_fmt("%5");
	check_fmt("%l");
	check_fmt("%");
	check_fmt("abc%");
	check_fmt("%'d %'10.3f", 1234567, 1234.5);
	check_fmt("%05s|%05c|%-05d|%0-5d|", "ab", 'c', 12, 34);
	check_fmt("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	check_fmt("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN,
		  ULLONG_MAX);
	check_fmt("%jd %ju %zd %zu %td", INTMAX_MIN, UINTMAX_MAX,
		  (ssize_t)-5, (size_t)SIZE_MAX, (ptrdiff_t)-7);
	check_fmt("%Ld %qd", 1LL << 40, -(1LL << 50));
	check_fmt("%*d|%-*d|%*d|%.*d|%.*d|", 5, 42, 5, 42, -5, 42, 3, 7, -3,
		  7);
	check_fmt("%*.*f|%-*.*e|", 12, 3, 3.14159, 14, 2, -2.5e-10);
	check_fmt("%lc|%ls|%5ls|%.2ls|", (wint_t)'A', L"wide", L"ab",
		  L"xyz");
	check_fmt("%99999999999d|", 1);
}
END_TEST

START_TEST(test_null_and_pointer)
{
	int x;

	check_fmt("%s|%10s|%-10s|%.3s|%.6s|%.10s|", NULL, NULL, NULL, NULL,
		  NULL, NULL);
	check_fmt("%p|%10p|%-10p|%.2p|%010p|", NULL, NULL, NULL, NULL, NULL);
	check_fmt("%p|%20p|%-20p|%.20p|%020p|%+p|% p|%#p|", &x, &x, &x, &x,
		  &x, &x, &x, &x);
	check_fmt("%p %p", (void *)1, (void *)UINTPTR_MAX);
	check_fmt("%ls|%.3ls|", (wchar_t *)NULL, (wchar_t *)NULL);
}
END_TEST

START_TEST(test_percent_n)
{
	signed char hh = 0;
	short h = 0;
	int n = 0, n2 = 0, gn = 0;
	long l = 0;
	long long ll = 0;
	size_t z = 0;
	intmax_t j = 0;
	char buf[64];

	amphi_snprintf(buf, sizeof(buf), "abc%n%5d%hhn|%hn|%ln%lln%zn%jn%s%n",
		       &n, 1, &hh, &h, &l, &ll, &z, &j, "tail", &n2);
	snprintf(buf, sizeof(buf), "abc%n", &gn);
	ck_assert_int_eq(n, gn);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(hh, 8);
	ck_assert_int_eq(h, 9);
	ck_assert_int_eq(l, 10);
	ck_assert_int_eq(ll, 10);
	ck_assert_int_eq(z, 10);
	ck_assert_int_eq(j, 10);
	ck_assert_int_eq(n2, 14);
	ck_assert_str_eq(buf, "abc");
	/* %n counts the bytes that would be written, not those stored. */
	amphi_snprintf(buf, 4, "%s%n", "abcdefgh", &n);
	ck_assert_int_eq(n, 8);
	libc_checks += 11;
}
END_TEST

START_TEST(test_errno_m)
{
	char buf[128], ref[128];
	int e;

	for (e = -2; e < 140; e++) {
		errno = e;
		snprintf(ref, sizeof(ref), "[%m] [%20m] [%-.5m]");
		amphi_errno = e;
		amphi_snprintf(buf, sizeof(buf), "[%m] [%20m] [%-.5m]");
		ck_assert_str_eq(buf, ref);
		/* printf itself must not change errno */
		ck_assert_int_eq(amphi_errno, e);
		libc_checks++;
	}
}
END_TEST

static const char *const flag_sets[] = {
	"", "-", "+", " ", "#", "0", "-+", "- ", "-#", "-0", "+ ", "+#", "+0",
	" #", " 0", "#0", "-+ ", "-+#", "-+0", "+ #", "+ 0", "+#0", " #0",
	"-+ #", "-+ #0", "+ #0", "-#0", "- #0",
};
static const char *const widths[] = { "", "0", "1", "2", "5", "13", "40" };
static const char *const precs[] = {
	"", ".", ".0", ".1", ".2", ".3", ".5", ".10", ".17", ".25",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const long long int_values[] = {
	0, 1, -1, 7, 8, -8, 9, 10, 15, 16, 255, 256, -128, 127, 32767, -32768,
	65535, 65536, 123456789, -123456789, INT_MAX, INT_MIN, UINT_MAX,
	(long long)UINT_MAX + 1, LLONG_MAX, LLONG_MIN, 0x123456789abcdefLL,
	-0x123456789abcdefLL,
};

START_TEST(test_integer_grid)
{
	static const char *const lengths[] = {
		"hh", "h", "", "l", "ll", "j", "z", "t",
	};
	static const char convs[] = "diouxX";
	char fmt[64];
	size_t f, w, p, l, c, v;

	for (f = 0; f < NELEM(flag_sets); f++)
	for (w = 0; w < NELEM(widths); w++)
	for (p = 0; p < NELEM(precs); p++)
	for (l = 0; l < NELEM(lengths); l++)
	for (c = 0; c < sizeof(convs) - 1; c++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flag_sets[f],
			 widths[w], precs[p], lengths[l], convs[c]);
		for (v = 0; v < NELEM(int_values); v++) {
			if (l < 3)
				check_fmt(fmt, (int)int_values[v]);
			else
				check_fmt(fmt, int_values[v]);
		}
	}
}
END_TEST

START_TEST(test_string_grid)
{
	static const char *const strs[] = { "", "a", "hello", "hello world!" };
	char fmt[64];
	size_t f, w, p, v;

	for (f = 0; f < NELEM(flag_sets); f++)
	for (w = 0; w < NELEM(widths); w++)
	for (p = 0; p < NELEM(precs); p++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", flag_sets[f],
			 widths[w], precs[p]);
		for (v = 0; v < NELEM(strs); v++)
			check_fmt(fmt, strs[v]);
		check_fmt(fmt, (char *)NULL);
		snprintf(fmt, sizeof(fmt), "[%%%s%sc]", flag_sets[f],
			 widths[w]);
		check_fmt(fmt, 'q');
	}
}
END_TEST

static double bits_double(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static const double special_doubles[] = {
	0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.5, 2.5, -2.5, 3.5, 0.05,
	0.15, 0.25, 0.35, 9.5, 99.5, 999.5, 9.9999, 99999.95, 0.00001,
	0.0001, 0.000123456, 123456.0, 1234567.0, 1e15, 1e16, 1e17, 1e21,
	1e22, 1e23, 123.456, -123.456, 3.14159265358979323846,
	2.718281828459045, 1.0 / 3.0, 2.0 / 3.0, 5e-324, 1e-310,
	2.2250738585072014e-308, 2.2250738585072009e-308,
	1.7976931348623157e308, 8.98846567431158e307, 1e308, 1e-5, 1e-4,
	0.000099999, 0.0000999995, 65536.0, 4294967296.0,
	9007199254740993.0, 0.9999999, 0.99999999999, 1e100, 1e-100,
	6.02214076e23, 1.602176634e-19, 0x1.fffffffffffffp0, 0x1.8p0,
	0x1.08p0, 0x1.ffp-1, 0x1.0000000000001p0,
};

START_TEST(test_float_grid)
{
	static const char convs[] = "eEfFgGaA";
	static const char *const fprecs[] = {
		"", ".", ".0", ".1", ".2", ".3", ".6", ".13", ".17", ".25",
		".40",
	};
	char fmt[64];
	size_t f, w, p, c, v;

	for (f = 0; f < NELEM(flag_sets); f++)
	for (w = 0; w < NELEM(widths); w++)
	for (p = 0; p < NELEM(fprecs); p++)
	for (c = 0; c < sizeof(convs) - 1; c++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%c]", flag_sets[f],
			 widths[w], fprecs[p], convs[c]);
		for (v = 0; v < NELEM(special_doubles); v++)
			check_fmt(fmt, special_doubles[v]);
		check_fmt(fmt, INFINITY);
		check_fmt(fmt, -INFINITY);
		check_fmt(fmt, NAN);
		check_fmt(fmt, -NAN);
	}
}
END_TEST

START_TEST(test_float_exact)
{
	int p;

	check_fmt("%.60f", 0.1);
	check_fmt("%.1100f", 5e-324);
	check_fmt("%.1100f", -4.9406564584124654e-324);
	check_fmt("%.17g %.17g %.17g %.17g", DBL_MAX, DBL_MIN, 5e-324,
		  DBL_TRUE_MIN * 3);
	check_fmt("%f %e %g %a", DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX);
	check_fmt("%.400f", DBL_MAX);
	check_fmt("%.800e", DBL_MIN);
	check_fmt("%.0f %.0f %.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5, -0.5,
		  0.50000000000000011);
	check_fmt("%.1f %.1f %.1f %.2f %.2f", 0.05, 0.15, 0.25, 1.005,
		  1.015);
	for (p = 0; p < 120; p++) {
		check_fmt("%.*e|%.*f|%.*g|%.*a", p, 1.0 / 3.0, p, 2.0 / 3.0,
			  p, 1e-7 / 3, p, 0.1);
		check_fmt("%#.*e|%#.*f|%#.*g|%#.*a", p, 1e300, p, 1e-300, p,
			  123456789.0, p, 5e-324);
	}
	check_fmt("%.100000f|", 1.0);
	check_fmt("%1000.3f|%-1000e|", 1.5, 2.5);
}
END_TEST

START_TEST(test_float_random)
{
	static const char *const fmts[] = {
		"%e", "%.17g", "%.16e", "%a", "%g", "%.3g", "%.10e", "%f",
		"%.20f", "%.0e", "%#.0f", "%.40g", "%.13a", "%.5a", "%.0a",
		"%+.1a", "%#G", "% 25.8E",
	};
	int i;
	size_t k;
	double d;

	test_rand_seed(12345);
	for (i = 0; i < 4000; i++) {
		/* Any bit pattern: every exponent, denormals, inf, nan. */
		d = bits_double(test_rand64());
		for (k = 0; k < NELEM(fmts); k++)
			check_fmt(fmts[k], d);
		/* Ordinary magnitudes. */
		d = (double)(int64_t)test_rand64() /
		    (double)(1ULL << (test_rand64() % 64));
		for (k = 0; k < NELEM(fmts); k++)
			check_fmt(fmts[k], d);
	}
	/* Denormals and near powers of ten. */
	for (i = 0; i < 2000; i++) {
		d = bits_double(test_rand64() & 0x800fffffffffffffULL);
		check_fmt("%.17g %a %.3e %.1074f", d, d, d, d);
		d = bits_double(0x3ff0000000000000ULL +
				(test_rand64() & 0xff) - 0x80);
		check_fmt("%.17g %a %.16e %.20f %.15g", d, d, d, d, d);
	}
}
END_TEST

static long double bits_ldouble(uint64_t mant, uint16_t se)
{
	union {
		long double ld;
		struct { uint64_t mant; uint16_t se; } x;
	} u;

	memset(&u, 0, sizeof(u));
	u.x.mant = mant;
	u.x.se = se;
	return u.ld;
}

START_TEST(test_long_double)
{
	static const char *const fmts[] = {
		"%Le", "%.21Lg", "%.20Le", "%La", "%Lg", "%.3Lg", "%Lf",
		"%.30Lf", "%.0Le", "%#.0Lf", "%.5La", "%.0La", "%.15La",
		"%+.1La", "%#LG", "%- 30.10LE", "%030La",
	};
	static const long double values[] = {
		0.0L, -0.0L, 1.0L, 0.1L, -0.1L, 1.0L / 3, 2.5L, 1e4000L,
		1e-4000L, LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN, LDBL_EPSILON,
		3.14159265358979323846264338327950288L, 0x1.fp0L, 0xf.fp0L,
		0xf.ffffffffffffffep0L, 0x8p-3L, 1e300L, 123456789.0L,
	};
	size_t k, v;
	int i;
	uint64_t mant;
	uint16_t exp;
	long double ld;

	for (v = 0; v < NELEM(values); v++)
		for (k = 0; k < NELEM(fmts); k++)
			check_fmt(fmts[k], values[v]);
	for (k = 0; k < NELEM(fmts); k++) {
		check_fmt(fmts[k], (long double)INFINITY);
		check_fmt(fmts[k], -(long double)INFINITY);
		check_fmt(fmts[k], (long double)NAN);
	}
	check_fmt("%.5000Lf", LDBL_TRUE_MIN);
	check_fmt("%.16500Lf", LDBL_TRUE_MIN);
	check_fmt("%.12000Le", LDBL_TRUE_MIN);
	check_fmt("%.25Lg %.25Lg %.25Lg", LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN);
	check_fmt("%Lf", LDBL_MAX);
	test_rand_seed(777);
	for (i = 0; i < 3000; i++) {
		/* Valid encodings only: the integer bit set iff normal. */
		exp = (uint16_t)test_rand64();
		mant = test_rand64();
		if ((exp & 0x7fff) == 0)
			mant &= ~(1ULL << 63);
		else
			mant |= 1ULL << 63;
		if ((exp & 0x7fff) == 0x7fff)
			continue;
		ld = bits_ldouble(mant, exp);
		for (k = 0; k < NELEM(fmts); k++)
			if (k != 6 && k != 7 && k != 9)	/* %Lf is long */
				check_fmt(fmts[k], ld);
		ld = bits_ldouble(mant, (uint16_t)(16383 + (exp % 200) - 100));
		for (k = 0; k < NELEM(fmts); k++)
			check_fmt(fmts[k], ld);
	}
}
END_TEST

/* snprintf: every buffer size from 0 past the full length. */
START_TEST(test_snprintf_truncation)
{
	static const char *const strs[] = { "", "x", "hello world" };
	char ref[256], buf[256];
	size_t n, s;
	int rw, rg;

	for (s = 0; s < NELEM(strs); s++)
		for (n = 0; n < 40; n++) {
			memset(ref, '#', sizeof(ref));
			memset(buf, '#', sizeof(buf));
			rw = snprintf(n ? ref : NULL, n, "%s|%d|%.3f|%x",
				      strs[s], -1234, 2.5, 0xbeef);
			rg = amphi_snprintf(n ? buf : NULL, n,
					    "%s|%d|%.3f|%x", strs[s], -1234,
					    2.5, 0xbeef);
			ck_assert_int_eq(rw, rg);
			ck_assert_mem_eq(ref, buf, sizeof(buf));
			libc_checks++;
		}
	/* n == 0 writes nothing, even with a valid buffer. */
	buf[0] = 'Z';
	ck_assert_int_eq(amphi_snprintf(buf, 0, "abc"), 3);
	ck_assert_int_eq(buf[0], 'Z');
	ck_assert_int_eq(amphi_sprintf(buf, "%05d|%s", 42, "ok"), 8);
	ck_assert_str_eq(buf, "00042|ok");
	/* Output longer than INT_MAX is an error. */
	errno = 0;
	amphi_errno = 0;
	ck_assert_int_eq(amphi_snprintf(NULL, 0, "%2147483647d%d", 1, 2),
			 -1);
	ck_assert_int_eq(amphi_errno, EOVERFLOW);
	libc_checks += 5;
}
END_TEST

START_TEST(test_asprintf)
{
	char *s = NULL;
	int n;

	n = amphi_asprintf(&s, "%s-%d-%.2f", "abc", 42, 1.005);
	ck_assert_int_eq(n, 11);
	ck_assert_str_eq(s, "abc-42-1.00");
	free(s);
	n = amphi_asprintf(&s, "%.3000f", 1.0);
	ck_assert_int_eq(n, 3002);
	ck_assert_int_eq(strlen(s), 3002);
	free(s);
	libc_checks += 4;
}
END_TEST

/* The sink of the engine that stdio's printf family writes through. */
struct sink {
	char buf[8192];
	size_t len;
	int calls;
	size_t biggest;
};

static void sink_emit(void *arg, const char *s, size_t n)
{
	struct sink *k = arg;

	ck_assert(n > 0);
	ck_assert(k->len + n <= sizeof(k->buf));
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->calls++;
	if (n > k->biggest)
		k->biggest = n;
}

static int sink_printf(struct sink *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(k, 0, sizeof(*k));
	va_start(ap, fmt);
	n = amphi___libc_vformat(sink_emit, k, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(test_vformat)
{
	static struct sink k;
	char ref[8192];
	int n;

	n = sink_printf(&k, "hello %s %d %.3e\n", "file", -7, 12345.678);
	ck_assert_int_eq(n, (int)strlen("hello file -7 1.235e+04\n"));
	ck_assert_int_eq(k.len, (size_t)n);
	ck_assert(!memcmp(k.buf, "hello file -7 1.235e+04\n", k.len));
	ck_assert_int_eq(k.calls, 1);

	/* Longer than the engine's buffer: passed on in pieces, in order. */
	n = sink_printf(&k, "%s|%.2000f|%d", "start", 1.0 / 7, 99);
	snprintf(ref, sizeof(ref), "%s|%.2000f|%d", "start", 1.0 / 7, 99);
	ck_assert_int_eq(n, (int)strlen(ref));
	ck_assert_int_eq(k.len, strlen(ref));
	ck_assert(!memcmp(k.buf, ref, k.len));
	ck_assert(k.calls > 1);
	ck_assert(k.biggest <= 256);

	/* Empty output: no call at all. */
	n = sink_printf(&k, "%s", "");
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(k.calls, 0);

	/* %m sees the caller's errno. */
	amphi_errno = ENOENT;
	n = sink_printf(&k, "[%m]");
	ck_assert_int_eq(k.len, strlen("[No such file or directory]"));
	ck_assert(!memcmp(k.buf, "[No such file or directory]", k.len));
	libc_checks += 13;
}
END_TEST

Suite *printf_suite(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("printf");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_null_and_pointer);
	tcase_add_test(tc, test_percent_n);
	tcase_add_test(tc, test_errno_m);
	tcase_add_test(tc, test_integer_grid);
	tcase_add_test(tc, test_string_grid);
	tcase_add_test(tc, test_float_grid);
	tcase_add_test(tc, test_float_exact);
	tcase_add_test(tc, test_float_random);
	tcase_add_test(tc, test_long_double);
	tcase_add_test(tc, test_snprintf_truncation);
	tcase_add_test(tc, test_asprintf);
	tcase_add_test(tc, test_vformat);
	suite_add_tcase(s, tc);
	return s;
}
