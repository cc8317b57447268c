/* strtod, strtof, strtold and atof against glibc: the bits of the result,
 * the end pointer and errno, for edge cases, exact halfway points between
 * two neighbours (and inputs just beside them), and random inputs. */
#define __STDC_WANT_IEC_60559_TYPES_EXT__
#include <errno.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amphi_libc.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/* Room for the exact decimal of any x87 halfway point (11516 digits). */
#define TEXT_SIZE	12288

typedef unsigned __int128 u128;

static char text[TEXT_SIZE];

/* The bytes of a value, most significant first, for messages. */
static const char *hex_bytes(char *out, const void *v, size_t n)
{
	const unsigned char *b = v;
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[n - 1 - i]);
	return out;
}

/* 2^k as a binary128 (k >= -16494). */
static __float128 pow2_f128(int k)
{
	union { __float128 f; u128 u; } v;

	if (k >= -16382)
		v.u = (u128)(k + 16383) << 112;
	else
		v.u = (u128)1 << (k + 16494);
	return v.f;
}

/* Removes the trailing zeros of the digits before 'e'. */
static void strip_zeros(char *s)
{
	char *e = strchr(s, 'e'), *z = e;

	while (z > s && z[-1] == '0')
		z--;
	if (z[-1] == '.')
		z--;
	memmove(z, e, strlen(e) + 1);
}

/* Converts s with fn of both libraries; any difference in the value's
 * bits, the end pointer or errno fails. */
#define DEFINE_CHECK(name, fn, type, size)				\
static void name(const char *s)						\
{									\
	char *ea = (char *)1, *eg = (char *)1;				\
	char ha[2 * sizeof(type) + 1], hg[2 * sizeof(type) + 1];	\
	int erra, errg;							\
	type va, vg;							\
									\
	amphi_errno = 0;						\
	va = amphi_##fn(s, &ea);					\
	erra = amphi_errno;						\
	errno = 0;							\
	vg = fn(s, &eg);						\
	errg = errno;							\
	ck_assert_msg(!memcmp(&va, &vg, size) && ea == eg &&		\
		      erra == errg,					\
		      #fn "(\"%.100s\"%s): %s end +%td errno %d; "	\
		      "glibc %s end +%td errno %d", s,			\
		      strlen(s) > 100 ? "..." : "",			\
		      hex_bytes(ha, &va, size), ea - s, erra,		\
		      hex_bytes(hg, &vg, size), eg - s, errg);		\
	libc_checks += 3;						\
}

DEFINE_CHECK(check_strtod, strtod, double, sizeof(double))
DEFINE_CHECK(check_strtof, strtof, float, sizeof(float))
/* x87: 10 bytes of value, then padding. */
DEFINE_CHECK(check_strtold, strtold, long double, 10)

static void check_all(const char *s)
{
	check_strtod(s);
	check_strtof(s);
	check_strtold(s);
}

static const char *const edge_cases[] = {
	/* no conversion */
	"", " ", "+", "-", ".", "+.", "-.", "e5", "E5", ".e5", "+e5", "x",
	"0x", "0X", "0xg", "0x.", "0x.p1", "0xp1", "-0x", "in", "inx", "na",
	"nax", "--1", "+-1", "-+1", " . 5", "\t\n\v\f\r", "\x80" "1", "z1",
	/* signs, spaces, zeros */
	"0", "-0", "+0", "  -0", " \t\n\v\f\r+0", "00000", "-0.000",
	"0e0", "0e999999999", "-0e-999999999", "0.0e+9999999999999999999999",
	"0x0", "-0x0p99999", "0x0.000p-99999", "0x0000000000000000000000p0",
	".0", "0.", "-.0e1",
	/* forms */
	".5", "5.", "-.5", "+5.", "5.e3", ".5e-3", "5e", "5e+", "5e-",
	"5E+x", "1e+", "1e-", "1ee5", "1e5e5", "1.2.3", "12..3", "1e0x1",
	"1_000", "1,5", "1 5", "123abc", "1e+2147483648", "1e-2147483649",
	"1e9223372036854775807", "1e-9223372036854775808",
	"1e99999999999999999999999999", "1e-99999999999999999999999999",
	"0.0000000000000000000000000000000000000000000000000000001e56",
	"100000000000000000000000000000000000000000000000000000e-53",
	/* infinity and NaN */
	"inf", "INF", "-Inf", "+iNf", "infinity", "-INFINITY", "infinit",
	"infinityx", "infinite", "  -inFINity", "nan", "NAN", "-nan", "+NaN",
	"nAn(abc)", "nan()", "nan(", "nan(abc", "nan(a b)", "nan(-1)",
	"nan(123)", "-nan(123)", "nan(0x7)", "nan(0X7ff)", "nan(077)",
	"nan(0xfffffffffffff)", "nan(0x7fffffffffffffff)",
	"nan(0xffffffffffffffff)", "nan(0xffffffffffffffffffff)",
	"nan(99999999999999999999999)", "nan(_)", "nan(1_2)", "nan(0x)",
	"nan(08)", "nan(12)x", "nanx", "nan)",
	/* exactness and halfway cases of double */
	"9007199254740992", "9007199254740993", "9007199254740994",
	"9007199254740995", "9007199254740993.0000000000000000000001",
	"9007199254740992.9999999999999999999999", "18014398509481985",
	"1e23", "8.589973e9", "1e22", "1e-22", "1.7e308", "0.1", "0.2",
	"0.3", "3.14159265358979323846264338327950288419716939937510",
	"2.2250738585072011e-308", "2.2250738585072012e-308",
	"2.2250738585072014e-308",
	"2.225073858507201136057409796709131975934819546351645648e-308",
	"2.2250738585072009e-308", "2.2250738585072013e-308",
	"4.9406564584124654e-324", "4.9406564584124654e-325",
	"2.4703282292062327e-324", "2.4703282292062328e-324",
	/* 2^-1075 exactly: halfway between 0 and the smallest subnormal */
	"2.47032822920623272088284396434110686182529901307162382212792841"
	"2503377536351043759326499181808179961898982823477228588654633283"
	"5517796989819938739800539093906315035659515570226392290858392449"
	"1051844359318028499365361525003193704576782492193656236698636584"
	"8075700158576926990370631192827955855133292783433840935197801553"
	"1246597263579574622766465272827220056374006485499977096599470454"
	"0208281662262378573934507363390079677619305775067401763246736009"
	"6895134053553745851666113422376667860416215968046191446729184030"
	"0530057530849048765391711386591646239524912623653881879636239373"
	"2804238910186723484976682350898633885879256283027559956575244555"
	"0725518931369083625477918694866799496832404970582102851318545139"
	"6213837722826145437693412532098591327667236328125e-324",
	"4.94e-324", "5e-324", "1e-323", "1e-400", "-1e-400", "1e400",
	"-1e400", "1.7976931348623157e308", "1.7976931348623158e308",
	"1.7976931348623159e308", "-1.797693134862315807937289714053e308",
	"1.797693134862315807937289714053e308",
	"179769313486231580793728971405301e276",
	"1.797693134862315708145274237317043567981e308",
	"1.797693134862315708145274237317043567980e308",
	"1.797693134862315708145274237317043567981e+308",
	/* float */
	"16777216", "16777217", "16777218", "16777219", "3.4028235e38",
	"3.4028236e38", "3.40282356779733661637539395458142568448e38",
	"3.40282356779733661637539395458142568447e38", "1.1754943e-38",
	"1.17549428e-38", "1.1754942e-38", "1.40129846e-45", "7e-46",
	"7.006492321624085e-46", "7.006492321624086e-46", "1e-45", "1e39",
	/* long double */
	"18446744073709551616", "18446744073709551617", "18446744073709551618",
	"36893488147419103233", "1.18973149535723176502e4932",
	"1.18973149535723176505e4932", "1.18973149535723176508e4932",
	"3.36210314311209350626e-4932", "3.6451995318824746025e-4951",
	"1.8225997659412373012e-4951", "1.8225997659412373013e-4951",
	"1e-4951", "1e-4952", "1e4932", "1e4933", "1e-5000", "1e5000",
	/* hexadecimal */
	"0x1p-1074", "0x1p-1075", "0x1.0000000000001p-1075", "0x1p-1076",
	"0x1.8p-1075", "0x0.fffffffffffff8p-1022", "0x0.fffffffffffff7p-1022",
	"0x0.fffffffffffff7ffffffffp-1022", "0x1.fffffffffffffp1023",
	"0x1.fffffffffffff7ffffp1023", "0x1.fffffffffffff8p1023",
	"0x1p1024", "0x1.8p3", "-0x1.8P3", "0X1.8p3", "0x1.8", "0x1.8p",
	"0x1.8p+", "0x1.8p-x", "0x.8p1", "0x8.p-1", "0xA", "0xaBcDeFp-4",
	"0x1.00000000000008p0", "0x1.00000000000008000000000000000001p0",
	"0x1.00000000000018p0", "0x1.000001p0", "0x1.0000010000000001p0",
	"0x1.0000008p0", "0x1.0000018p0", "0x1.00000000000000008p0",
	"0x1.00000000000000018p0", "0x1.000000000000000080000000001p0",
	"0x1p-149", "0x1p-150", "0x1.000002p-150", "0x1p-16445",
	"0x1p-16446", "0x1.00000000000000008p-16446", "0x1p16383",
	"0x1p16384", "0xffffffffffffffffffffffffffffffffffffffffp0",
	"0x0.0000000000000000000000000000000000000000001p0",
	"0x1p99999999999999999999", "0x1p-99999999999999999999",
	"0x1.fffffep127", "0x1.ffffffp127", "0x1.fffffefp127",
};

START_TEST(test_edge_cases)
{
	size_t i;
	double va, vg;

	for (i = 0; i < NELEM(edge_cases); i++) {
		check_all(edge_cases[i]);
		va = amphi_atof(edge_cases[i]);
		vg = atof(edge_cases[i]);
		ck_assert_msg(!memcmp(&va, &vg, sizeof(va)), "atof(\"%s\")",
			      edge_cases[i]);
		libc_checks++;
	}
	/* A NULL end pointer is allowed. */
	ck_assert(amphi_strtod("1.5", NULL) == 1.5);
	ck_assert(amphi_strtof("1.5", NULL) == 1.5f);
	ck_assert(amphi_strtold("1.5", NULL) == 1.5L);
	libc_checks += 3;
}
END_TEST

/*
 * Where glibc (2.36) is wrong. When its result is subnormal, glibc shifts
 * the mantissa right but forgets the bit just below the format's
 * precision: a value whose only other nonzero bit is that one can round
 * as if it were exactly halfway (down, to even), and an inexact result
 * can miss its ERANGE. Checked against the correctly rounded results.
 */
static void expect_bits(const char *fn, const char *s, const void *got,
			const void *want, size_t size, int err, char *end)
{
	char hg[33], hw[33];

	ck_assert_msg(!memcmp(got, want, size) && amphi_errno == err &&
		      *end == '\0', "%s(\"%.100s\"): %s errno %d, want %s "
		      "errno %d", fn, s, hex_bytes(hg, got, size), amphi_errno,
		      hex_bytes(hw, want, size), err);
	libc_checks += 3;
}

static void expect_f(const char *s, uint32_t bits, int err)
{
	char *end;
	float v;

	amphi_errno = 0;
	v = amphi_strtof(s, &end);
	expect_bits("strtof", s, &v, &bits, sizeof(bits), err, end);
	check_strtod(s);
	check_strtold(s);
}

static void expect_d(const char *s, uint64_t bits, int err)
{
	char *end;
	double v;

	amphi_errno = 0;
	v = amphi_strtod(s, &end);
	expect_bits("strtod", s, &v, &bits, sizeof(bits), err, end);
	check_strtof(s);
	check_strtold(s);
}

static void expect_ld(const char *s, uint16_t se, uint64_t mant, int err)
{
	unsigned char want[10];
	char *end;
	long double v;

	memcpy(want, &mant, 8);
	memcpy(want + 8, &se, 2);
	amphi_errno = 0;
	v = amphi_strtold(s, &end);
	expect_bits("strtold", s, &v, want, sizeof(want), err, end);
	check_strtof(s);
	check_strtod(s);
}

START_TEST(test_glibc_wrong)
{
	/* Just above half the smallest subnormal: that subnormal. */
	expect_f("0x1.000001p-150", 1, ERANGE);
	expect_d("0x1.00000000000008p-1075", 1, ERANGE);
	expect_ld("0x1.0000000000000001p-16446", 0, 1, ERANGE);
	expect_d("-0x1.00000000000008p-1075", 1ULL << 63 | 1, ERANGE);
	/* The same in decimal: 2^-1075 + 2^-1128 exactly. */
	strfromf128(text, TEXT_SIZE, "%.1200e", pow2_f128(-1075) +
		    pow2_f128(-1128));
	strip_zeros(text);
	expect_d(text, 1, ERANGE);
	/* Just above a subnormal halfway point: up. */
	expect_d("0x1.00000000000018p-1023", 0x0008000000000001ULL, ERANGE);
	expect_f("0x1.0000030p-127", 0x00400001U, ERANGE);
	expect_d("0x1.00020000000008p-1060", 0x0000000000004001ULL, ERANGE);
	/* Inexact subnormals: ERANGE. */
	expect_f("0x1.000001p-149", 1, ERANGE);
	expect_d("0x1.00000000000008p-1074", 1, ERANGE);
	expect_ld("0x1.0000000000000001p-16445", 0, 1, ERANGE);
	expect_ld("0x1.8000000000000001p-16383", 0, 0x6000000000000000ULL,
		  ERANGE);
}
END_TEST

/* Prefixes and suffixes around numbers, and long inputs. */
START_TEST(test_variants)
{
	static const char *const numbers[] = {
		"1", "0", "1.5", "1e23", "0x1.8p3", "inf", "nan", "nan(7)",
		"4.9406564584124654e-324", "1e400",
	};
	static const char *const prefixes[] = {
		"", "-", "+", " ", "\t-", "\n+", "  ", "00", "-000", "0.",
	};
	static const char *const suffixes[] = {
		"", "x", "e", "e+", "e-1", ".", "..", " 1", "p2", "(1)",
	};
	size_t i, j, k, n;
	char *p;

	for (i = 0; i < NELEM(numbers); i++)
	for (j = 0; j < NELEM(prefixes); j++)
	for (k = 0; k < NELEM(suffixes); k++) {
		snprintf(text, sizeof(text), "%s%s%s", prefixes[j],
			 numbers[i], suffixes[k]);
		check_all(text);
	}
	/* 800 digits: integers, fractions, and with exponents. */
	for (i = 0; i < 10; i++) {
		p = text;
		if (i & 1)
			p += sprintf(p, "0.");
		for (n = 0; n < 800; n++)
			*p++ = (char)('0' + (i == 4 ? 9 : (n * 7 + i) % 10));
		sprintf(p, "%s", i > 5 ? "e-700" : i > 2 ? "e-500" : "");
		check_all(text);
	}
	/* A halfway point, then 800 zeros, then a 1 (or not). */
	for (i = 0; i < 2; i++) {
		p = text + sprintf(text, "9007199254740993.");
		memset(p, '0', 800);
		sprintf(p + 800, "%s", i ? "1" : "");
		check_all(text);
		p = text + sprintf(text, "0x1.00000000000008");
		memset(p, '0', 800);
		sprintf(p + 800, "%sp0", i ? "1" : "");
		check_all(text);
	}
	/* 3000 leading zeros. */
	p = text + sprintf(text, "0.");
	memset(p, '0', 3000);
	sprintf(p + 3000, "17976931348623157e3309");
	check_all(text);
	p = text + sprintf(text, "0x0.");
	memset(p, '0', 3000);
	sprintf(p + 3000, "1p12000");
	check_all(text);
}
END_TEST

/* Halfway points */

/* The exact decimal of x + 2^(ulp - 1), x's successor away from zero
 * being x + 2^ulp; then that plus or minus a little, and its roundings
 * to n digits. */
static void check_halfway(__float128 x, int ulp, void (*check)(const char *))
{
	static const int near[] = { 28, 32, 34, 36, 38, 40, 44 };
	static char digits[TEXT_SIZE];
	int e = ulp - 1;
	int prec = 30 + (e < 0 ? -e * 7 / 10 : e * 31 / 100);
	__float128 mid = x + (x < 0 ? -1 : 1) * pow2_f128(e);
	const char *point;
	char fmt[16], exp[16];
	size_t i, n;

	/* Within about 10^-n of it, where the approximation is unsure. */
	for (i = 0; i < NELEM(near); i++) {
		snprintf(fmt, sizeof(fmt), "%%.%de", near[i]);
		strfromf128(text, TEXT_SIZE, fmt, mid);
		check(text);
	}
	snprintf(fmt, sizeof(fmt), "%%.%de", prec);
	strfromf128(text, TEXT_SIZE - 16, fmt, mid);
	strip_zeros(text);
	check(text);
	n = (size_t)(strchr(text, 'e') - text);
	snprintf(exp, sizeof(exp), "%s", text + n);
	memcpy(digits, text, n);
	digits[n] = '\0';
	point = strchr(digits, '.') ? "" : ".";
	/* Just above: a 1 after the last digit. */
	snprintf(text + n, TEXT_SIZE - n, "%s0001%s", point, exp);
	check(text);
	/* Just below: the last digit (not a 0) decreased, then nines. */
	digits[n - 1]--;
	snprintf(text, TEXT_SIZE, "%s%s999%s", digits, point, exp);
	check(text);
}

static uint64_t bits_of_double(double d)
{
	union { double d; uint64_t u; } v = { .d = d };

	return v.u;
}

START_TEST(test_halfway_double)
{
	union { double d; uint64_t u; } v;
	int i, exp;

	test_rand_seed(4242);
	for (i = 0; i < 12000; i++) {
		v.u = test_rand64();
		if (i < 200)		/* the ends of the range */
			v.u = (uint64_t)i | (test_rand64() & (1ULL << 63));
		else if (i < 400)
			v.u = 0x7fefffffffffffffULL - (uint64_t)(i - 200);
		else if (i < 600)
			v.u = 0x0010000000000000ULL + (uint64_t)(i - 500);
		else if (i % 4 == 0)	/* small integers and ordinary values */
			v.u = (v.u & 0x800fffffffffffffULL) |
			      (uint64_t)(1023 + test_rand64() % 80) << 52;
		exp = (int)(v.u >> 52 & 0x7ff);
		if (exp == 0x7ff)
			continue;
		check_halfway(v.d, (exp ? exp : 1) - 1075, check_strtod);
	}
	ck_assert(bits_of_double(amphi_strtod("0x1p0", NULL)) ==
		  0x3ff0000000000000ULL);
}
END_TEST

START_TEST(test_halfway_float)
{
	union { float f; uint32_t u; } v;
	int i, exp;

	test_rand_seed(4343);
	for (i = 0; i < 12000; i++) {
		v.u = (uint32_t)test_rand64();
		if (i < 200)
			v.u = (uint32_t)i |
			      ((uint32_t)test_rand64() & 1U << 31);
		else if (i < 400)
			v.u = 0x7f7fffffU - (uint32_t)(i - 200);
		else if (i < 600)
			v.u = 0x00800000U + (uint32_t)(i - 500);
		exp = (int)(v.u >> 23 & 0xff);
		if (exp == 0xff)
			continue;
		check_halfway(v.f, (exp ? exp : 1) - 150, check_strtof);
	}
}
END_TEST

/* A random x87 value with exponent field exp (its integer bit as the
 * format requires). */
static long double make_x87(uint64_t mant, int exp, int negative)
{
	union {
		long double ld;
		struct { uint64_t mant; uint16_t se; } x;
	} v = { 0 };

	v.x.mant = exp ? mant | 1ULL << 63 : mant & ~(1ULL << 63);
	v.x.se = (uint16_t)(exp | negative << 15);
	return v.ld;
}

START_TEST(test_halfway_long_double)
{
	uint64_t mant;
	int i, exp;

	test_rand_seed(4444);
	for (i = 0; i < 6000; i++) {
		mant = test_rand64();
		exp = (int)(test_rand64() % 0x7fff);
		if (i < 100) {
			mant = (uint64_t)i;
			exp = 0;
		} else if (i < 200) {
			mant = ~(uint64_t)(i - 100);
			exp = 0x7ffe;
		} else if (i < 300) {
			mant = (uint64_t)(i - 250);
			exp = 1;
		} else if (i % 8) {	/* mostly where doubles live */
			exp = 16383 - 1100 + (int)(test_rand64() % 2200);
		}
		check_halfway(make_x87(mant, exp, i & 1), (exp ? exp : 1) -
			      16446, check_strtold);
	}
}
END_TEST

/* Random inputs */

static int random_exponent(int max)
{
	return (int)(test_rand64() % (uint64_t)(2 * max + 1)) - max;
}

/* Random digits with a random point, leading zeros and exponent. */
static void random_decimal(char *s, int max_digits, int max_exp)
{
	int n = 1 + (int)(test_rand64() % (uint64_t)max_digits);
	int point = (int)(test_rand64() % (uint64_t)(n + 2)) - 1;
	int i;

	if (test_rand64() % 2)
		*s++ = '-';
	if (test_rand64() % 8 == 0)
		s += sprintf(s, "000");
	for (i = 0; i < n; i++) {
		if (i == point)
			*s++ = '.';
		*s++ = (char)('0' + test_rand64() % 10);
	}
	if (test_rand64() % 4)
		s += sprintf(s, "e%d", random_exponent(max_exp));
	*s = '\0';
}

/* Random hexadecimal digits, point and binary exponent. */
static void random_hex(char *s, int max_digits, int max_exp)
{
	int n = 1 + (int)(test_rand64() % (uint64_t)max_digits);
	int point = (int)(test_rand64() % (uint64_t)(n + 2)) - 1;
	int i;

	s += sprintf(s, "%s0x", test_rand64() % 2 ? "-" : "");
	for (i = 0; i < n; i++) {
		if (i == point)
			*s++ = '.';
		*s++ = "0123456789abcdefABCDEF"[test_rand64() % 22];
	}
	sprintf(s, "p%d", random_exponent(max_exp));
}

START_TEST(test_random_doubles)
{
	static const char *const formats[] = { "%.17g", "%.25e", "%.40g",
					       "%a" };
	union { double d; uint64_t u; } v;
	size_t f;
	int i;

	test_rand_seed(2024);
	for (i = 0; i < 50000; i++) {
		v.u = test_rand64();
		if (i % 3 == 0)		/* near 1 as often as elsewhere */
			v.u = (v.u & 0x800fffffffffffffULL) |
			      (uint64_t)(1023 - 64 + test_rand64() % 128) << 52;
		for (f = 0; f < NELEM(formats); f++) {
			snprintf(text, sizeof(text), formats[f], v.d);
			check_all(text);
		}
	}
}
END_TEST

START_TEST(test_random_others)
{
	union { float f; uint32_t u; } v;
	long double ld;
	int i;

	test_rand_seed(2025);
	for (i = 0; i < 20000; i++) {
		v.u = (uint32_t)test_rand64();
		snprintf(text, sizeof(text), "%.9g", v.f);
		check_all(text);
		snprintf(text, sizeof(text), "%a", v.f);
		check_strtof(text);
		ld = make_x87(test_rand64(), (int)(test_rand64() % 0x7fff),
			      i & 1);
		snprintf(text, sizeof(text), "%.21Lg", ld);
		check_all(text);
		snprintf(text, sizeof(text), "%.30Le", ld);
		check_strtold(text);
		snprintf(text, sizeof(text), "%La", ld);
		check_all(text);
	}
}
END_TEST

START_TEST(test_random_strings)
{
	int i;

	test_rand_seed(2026);
	for (i = 0; i < 60000; i++) {
		random_decimal(text, i % 10 ? 40 : 800, i % 3 ? 340 : 5000);
		check_all(text);
	}
	for (i = 0; i < 20000; i++) {
		random_hex(text, i % 10 ? 20 : 60, i % 3 ? 1100 : 17000);
		check_all(text);
	}
}
END_TEST

Suite *strtod_suite(void)
{
	Suite *s = suite_create("strtod");
	TCase *tc = tcase_create("strtod");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_edge_cases);
	tcase_add_test(tc, test_glibc_wrong);
	tcase_add_test(tc, test_variants);
	tcase_add_test(tc, test_halfway_double);
	tcase_add_test(tc, test_halfway_float);
	tcase_add_test(tc, test_halfway_long_double);
	tcase_add_test(tc, test_random_doubles);
	tcase_add_test(tc, test_random_others);
	tcase_add_test(tc, test_random_strings);
	suite_add_tcase(s, tc);
	return s;
}
