/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * strtod, strtof, strtold and atof (C11 7.22.1.3), correctly rounded to
 * nearest, ties to even, for inputs of any length; the results, end
 * pointers and errno match glibc's.
 *
 * A decimal input is read as w * 10^k, w its first 38 significant digits.
 * w times a 128-bit approximation of 10^k (a product of table entries
 * 10^(+-2^i)) gives the value to within a few hundred units of the 128th
 * bit, while a float, double or x87 long double keeps at most 64 bits: the
 * bits dropped decide the rounding, unless they are within that error of
 * the halfway point between the two candidates. Then, rarely, the input's
 * digits are compared one by one with the exact decimal expansion of the
 * halfway point (bigdec.c), which settles it whatever the input's length:
 * an approximation corrected by one exact comparison, as in Clinger's "How
 * to Read Floating Point Numbers Accurately". Hexadecimal input is exact
 * and needs no comparison.
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigdec.h"

typedef unsigned __int128 u128;

/* A binary format: its finite values are m * 2^e, m < 2^mant_dig. */
struct fmt {
	int mant_dig;
	long min_e;		/* e of the subnormals and the lowest binade */
	long max_e;		/* e of the largest binade */
};

static const struct fmt fmt_float = { 24, -149, 104 };
static const struct fmt fmt_double = { 53, -1074, 971 };
#if LDBL_MANT_DIG == 64
static const struct fmt fmt_x87 = { 64, -16445, 16320 };
#endif

/*
 * Beyond these weights of its first nonzero digit, a decimal input is
 * infinite or zero in every format (x87's largest is 1.19e4932, its
 * smallest subnormal 3.6e-4951).
 */
#define LEAD_MAX	4932
#define LEAD_MIN	(-4952)
/* Exponents saturate here, far beyond any format but without overflow. */
#define EXP_LIMIT	(1L << 40)
#define W_DIGITS	38	/* 10^38 < 2^127 */
/* Bound on the error of the decimal approximation, in units of its last
 * bit (about 80 in the worst case; see decimal_approx). */
#define DEC_ERR		256

/* A conversion's result before it is packed into its type. */
struct conv {
	enum { FINITE, INFINITE, NOT_A_NUMBER } kind;
	bool negative;
	uint64_t m;		/* FINITE: the value is m * 2^e */
	long e;
	uint64_t payload;	/* NOT_A_NUMBER: the n-char-sequence's */
};

/* The digits of a decimal input with at least one nonzero digit. */
struct decimal {
	const char *first;	/* first nonzero digit */
	const char *end;	/* end of the digits, and of any point */
	long lead;		/* *first has weight 10^lead */
	u128 w;			/* the first W_DIGITS (or fewer) digits */
	int nw;			/* number of digits in w */
	bool sticky;		/* a nonzero digit follows those in w */
};

/*
 * A value v known to be within err units of q * 2^e (err = 0: exactly,
 * where bit 0 of q may stand for bits below it), q's bit 127 set. When
 * err is not enough, dec has the digits for an exact comparison.
 */
struct approx {
	u128 q;
	long e;
	unsigned int err;
	const struct decimal *dec;
};

static bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int clz128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Exact comparison with the input */

/* Reads the digits of a decimal input one by one, skipping the point. */
struct digit_reader {
	const char *p, *end;
};

/* The next digit, or -1 at the end. */
static int next_digit(struct digit_reader *r)
{
	if (r->p < r->end && *r->p == '.')
		r->p++;
	if (r->p >= r->end)
		return -1;
	return *r->p++ - '0';
}

/* Sign of (the input's value) - m * 2^e, both exact. */
static int dec_compare(const struct decimal *d, u128 m, long e)
{
	struct digit_reader r = { d->first, d->end };
	struct bigdec b;
	long pos, top;
	int digit, other;

	big_from_binary(&b, m, (int)e);
	if (!b.n)
		return 1;
	top = big_top(&b);
	if (d->lead != top - b.frac)
		return d->lead > top - b.frac ? 1 : -1;
	for (pos = top; pos >= 0; pos--) {
		digit = next_digit(&r);
		if (digit < 0)
			break;
		other = big_digit(&b, pos);
		if (digit != other)
			return digit > other ? 1 : -1;
	}
	for (; pos >= 0; pos--)		/* the input ended first */
		if (big_digit(&b, pos))
			return -1;
	while ((digit = next_digit(&r)) >= 0)
		if (digit)
			return 1;
	return 0;
}

/*
 * Sign of v - t, where t = m * 2^e lies at y units of 2^a->e and the
 * approximation puts v at x units: only when x is too close to y for the
 * error bound are the digits compared.
 */
static int side(const struct approx *a, u128 x, u128 y, u128 m, long e)
{
	if (x > y && x - y > a->err)
		return 1;
	if (y > x && y - x > a->err)
		return -1;
	if (!a->err)
		return 0;
	return dec_compare(a->dec, m, e);
}

/* Rounding */

/*
 * Is v != m * 2^e, the result rounded (up or not) from m0 * 2^e where v
 * lies at rem (below mask + 1) units of 2^a->e above m0 * 2^e?
 */
static bool is_inexact(const struct approx *a, u128 rem, u128 mask,
		       bool up, u128 m, long e)
{
	u128 dist = up ? mask - rem : rem;

	if (!a->err)
		return up || rem;
	if (dist >= a->err)
		return true;
	return dec_compare(a->dec, m, e) != 0;
}

/*
 * v below half the smallest subnormal 2^min_e (s > 128 bits dropped), as
 * far as the approximation can tell: 0, or 2^min_e if the digits say v is
 * in fact above that half. Always an underflow.
 */
static void round_tiny(const struct approx *a, const struct fmt *f,
		       struct conv *c, long s)
{
	c->m = s == 129 && a->err && ~a->q < a->err &&
	       dec_compare(a->dec, 1, f->min_e - 1) > 0;
	c->e = f->min_e;
	errno = ERANGE;
}

/*
 * Rounds v to the format, half to even. As glibc on x86, a result is an
 * underflow (ERANGE) if it is inexact and tiny after rounding: below
 * 2^emin once rounded to mant_dig bits with an unbounded exponent.
 */
static void round_approx(const struct approx *a, const struct fmt *f,
			 struct conv *c)
{
	int p = f->mant_dig;
	u128 top = (u128)1 << (p - 1);		/* the smallest normal m */
	u128 mask, rem, m0, m, t;
	long e = a->e + 128 - p, s;		/* e of the result's ulp */
	bool up, tiny;
	int dir;

	if (e < f->min_e)
		e = f->min_e;
	s = e - a->e;				/* bits dropped, >= 64 */
	if (s > 128) {
		round_tiny(a, f, c, s);
		return;
	}
	mask = s == 128 ? ~(u128)0 : ((u128)1 << s) - 1;
	m0 = s == 128 ? 0 : a->q >> s;
	rem = a->q & mask;
	dir = side(a, rem, (u128)1 << (s - 1), 2 * m0 + 1, e - 1);
	up = dir > 0 || (dir == 0 && (m0 & 1));
	m = m0 + up;
	if (m >> p) {				/* 2^p: the next binade */
		m >>= 1;
		e++;
	}
	c->m = (uint64_t)m;
	c->e = e;
	if (e > f->max_e) {
		c->kind = INFINITE;
		errno = ERANGE;
		return;
	}
	/* Rounded up to 2^emin from below: was v < 2^emin - 2^(emin-p-1),
	 * which rounds below 2^emin at p bits? (q's bit 127 is 2^(emin-1)) */
	t = ~(u128)0 - (((u128)1 << (127 - p)) - 1);
	tiny = m < top || (up && m == top && e == f->min_e &&
			   side(a, a->q, t, ((u128)1 << (p + 1)) - 1,
				f->min_e - 2) < 0);
	if (tiny && is_inexact(a, rem, mask, up, m, e))
		errno = ERANGE;
}

/* Decimal input */

/* 10^(2^i) and 10^-(2^i), rounded to 128 bits: (hi:lo) * 2^e. */
struct pow10_entry {
	uint64_t hi, lo;
	int e;
};

static const struct pow10_entry pow10_pos[13] = {
	{ 0xa000000000000000ULL, 0x0000000000000000ULL, -124 },
	{ 0xc800000000000000ULL, 0x0000000000000000ULL, -121 },
	{ 0x9c40000000000000ULL, 0x0000000000000000ULL, -114 },
	{ 0xbebc200000000000ULL, 0x0000000000000000ULL, -101 },
	{ 0x8e1bc9bf04000000ULL, 0x0000000000000000ULL, -74 },
	{ 0x9dc5ada82b70b59dULL, 0xf020000000000000ULL, -21 },
	{ 0xc2781f49ffcfa6d5ULL, 0x3cbf6b71c76b25fbULL, 85 },
	{ 0x93ba47c980e98cdfULL, 0xc66f336c36b10137ULL, 298 },
	{ 0xaa7eebfb9df9de8dULL, 0xddbb901b98feeab8ULL, 723 },
	{ 0xe319a0aea60e91c6ULL, 0xcc655c54bc5058f9ULL, 1573 },
	{ 0xc976758681750c17ULL, 0x650d3d28f18b50ceULL, 3274 },
	{ 0x9e8b3b5dc53d5de4ULL, 0xa74d28ce329ace52ULL, 6676 },
	{ 0xc46052028a20979aULL, 0xc94c153f804a4a92ULL, 13479 },
};

static const struct pow10_entry pow10_neg[13] = {
	{ 0xccccccccccccccccULL, 0xcccccccccccccccdULL, -131 },
	{ 0xa3d70a3d70a3d70aULL, 0x3d70a3d70a3d70a4ULL, -134 },
	{ 0xd1b71758e219652bULL, 0xd3c36113404ea4a9ULL, -141 },
	{ 0xabcc77118461cefcULL, 0xfdc20d2b36ba7c3dULL, -154 },
	{ 0xe69594bec44de15bULL, 0x4c2ebe687989a9b4ULL, -181 },
	{ 0xcfb11ead453994baULL, 0x67de18eda5814af2ULL, -234 },
	{ 0xa87fea27a539e9a5ULL, 0x3f2398d747b36224ULL, -340 },
	{ 0xddd0467c64bce4a0ULL, 0xac7cb3f6d05ddbdfULL, -553 },
	{ 0xc0314325637a1939ULL, 0xfa911155fefb5309ULL, -978 },
	{ 0x9049ee32db23d21cULL, 0x7132d332e3f204d5ULL, -1828 },
	{ 0xa2a682a5da57c0bdULL, 0x87a601586bd3f699ULL, -3529 },
	{ 0xceae534f34362de4ULL, 0x492512d4f2ead2ccULL, -6931 },
	{ 0xa6dd04c8d2ce9fdeULL, 0x2de38123a1c3cffcULL, -13734 },
};

/* The top 128 bits of a * b (both with bit 127 set), truncated; adds
 * their weight to *e. */
static u128 mul_hi(u128 a, u128 b, long *e)
{
	uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a;
	uint64_t b1 = (uint64_t)(b >> 64), b0 = (uint64_t)b;
	u128 lo = (u128)a0 * b0, mid1 = (u128)a1 * b0;
	u128 mid2 = (u128)a0 * b1, hi = (u128)a1 * b1;
	u128 mid = (lo >> 64) + (uint64_t)mid1 + (uint64_t)mid2;

	hi += (mid1 >> 64) + (mid2 >> 64) + (mid >> 64);
	if (hi >> 127) {
		*e += 128;
		return hi;
	}
	*e += 127;
	return hi << 1 | (uint64_t)mid >> 63;
}

/* 10^k, |k| < 2^13, as q * 2^e to within 20 units of q's last bit. */
static u128 pow10_approx(long k, long *e)
{
	const struct pow10_entry *t = k < 0 ? pow10_neg : pow10_pos;
	unsigned long n = k < 0 ? -(unsigned long)k : (unsigned long)k;
	u128 q = (u128)1 << 127;
	int i;

	*e = -127;
	for (i = 0; n; i++, n >>= 1) {
		if (!(n & 1))
			continue;
		q = mul_hi(q, (u128)t[i].hi << 64 | t[i].lo, e);
		*e += t[i].e;
	}
	return q;
}

/*
 * v = w * 10^k * (1 + d), 0 <= d < 10^-37 (the digits beyond w). The
 * relative error of the result is below 13 * 2^-128 (table entries) plus
 * 13 * 2^-127 (truncated products) plus 10^-37: about 2^-121.8, under 80
 * units of a 128-bit q.
 */
static void decimal_approx(const struct decimal *d, struct approx *a)
{
	int shift = clz128(d->w);
	long e;
	u128 p = pow10_approx(d->lead - (d->nw - 1), &e);

	a->e = e - shift;
	a->q = mul_hi(d->w << shift, p, &a->e);
	a->err = DEC_ERR;
	a->dec = d;
}

/* Parses an exponent ("e-12" for letter 'e'), saturating; returns p
 * itself when there is none. */
static const char *parse_exponent(const char *p, char letter, long *x)
{
	const char *q = p + 1;
	bool negative = false;
	long v = 0;

	*x = 0;
	if ((*p | 0x20) != letter)
		return p;
	if (*q == '+' || *q == '-')
		negative = *q++ == '-';
	if (!is_digit(*q))
		return p;
	for (; is_digit(*q); q++)
		if (v < EXP_LIMIT)
			v = v * 10 + (*q - '0');
	*x = negative ? -v : v;
	return q;
}

static void add_digit(struct decimal *d, int digit)
{
	if (d->nw < W_DIGITS) {
		d->w = d->w * 10 + digit;
		d->nw++;
	} else if (digit) {
		d->sticky = true;
	}
}

/* Parses digits, point and exponent; returns the end, or NULL if there
 * is no digit. d->first stays NULL when all digits are zeros. */
static const char *parse_decimal(const char *p, struct decimal *d)
{
	long nint = 0;		/* integer digits from the first nonzero */
	long nzero = 0;		/* fraction zeros before the first nonzero */
	bool point = false, any = false;
	long x;

	memset(d, 0, sizeof(*d));
	for (;; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (!is_digit(*p))
			break;
		any = true;
		if (!d->first && *p == '0') {
			nzero += point;
			continue;
		}
		if (!d->first)
			d->first = p;
		nint += !point;
		add_digit(d, *p - '0');
	}
	if (!any)
		return NULL;
	d->end = p;
	p = parse_exponent(p, 'e', &x);
	d->lead = (nint ? nint - 1 : -(nzero + 1)) + x;
	return p;
}

static void convert_decimal(const struct decimal *d, const struct fmt *f,
			    struct conv *c)
{
	struct approx a;

	if (!d->first) {			/* zero */
		c->e = f->min_e;
		return;
	}
	if (d->lead > LEAD_MAX) {
		c->kind = INFINITE;
		errno = ERANGE;
		return;
	}
	if (d->lead < LEAD_MIN) {
		c->e = f->min_e;
		errno = ERANGE;
		return;
	}
	decimal_approx(d, &a);
	round_approx(&a, f, c);
}

/* Hexadecimal input */

static bool is_hex_start(const char *p)
{
	return p[0] == '0' && (p[1] | 0x20) == 'x' &&
	       (hex_value(p[2]) >= 0 || (p[2] == '.' && hex_value(p[3]) >= 0));
}

/* Parses the digits after "0x", point and exponent into a (q = 0 for a
 * zero); returns the end. */
static const char *parse_hex(const char *p, struct approx *a)
{
	u128 h = 0;
	long e = 0, x;
	bool point = false, sticky = false;
	int digit;
	int shift;

	for (;; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		digit = hex_value(*p);
		if (digit < 0)
			break;
		if (!(h >> 124)) {
			h = h << 4 | (unsigned int)digit;
			e -= point ? 4 : 0;
		} else {
			sticky |= digit != 0;
			e += point ? 0 : 4;
		}
	}
	p = parse_exponent(p, 'p', &x);
	shift = h ? clz128(h) : 0;
	/* Bit 0 is never kept (s >= 64 in round_approx): it can carry the
	 * sticky bit for the dropped digits. */
	a->q = h << shift | sticky;
	a->e = e + x - shift;
	a->err = 0;
	a->dec = NULL;
	return p;
}

static void convert_hex(const struct approx *a, const struct fmt *f,
			struct conv *c)
{
	if (!a->q) {
		c->e = f->min_e;
		return;
	}
	round_approx(a, f, c);
}

/* Infinity and NaN */

/* Does p start with word (lower case), ignoring case? */
static bool starts_with(const char *p, const char *word)
{
	for (; *word; p++, word++)
		if (tolower((unsigned char)*p) != *word)
			return false;
	return true;
}

/*
 * After "nan": an optional "(n-char-sequence)". As glibc, the sequence's
 * value as strtoull reads it (base 0), if it reads it all, is the payload.
 */
static const char *parse_nan(const char *p, struct conv *c)
{
	const char *q = p + 1;
	char *end;
	uint64_t v;

	c->kind = NOT_A_NUMBER;
	if (*p != '(')
		return p;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	if (*q != ')')
		return p;
	v = strtoull(p + 1, &end, 0);
	if (end == q)
		c->payload = v;
	return q + 1;
}

/* The conversion */

/* Converts the subject sequence of s; returns its end, or NULL if there
 * is none. */
static const char *convert(const char *s, const struct fmt *f,
			   struct conv *c)
{
	const char *p = s, *end;
	struct decimal d;
	struct approx a;

	memset(c, 0, sizeof(*c));
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		c->negative = *p++ == '-';
	if (starts_with(p, "inf")) {
		c->kind = INFINITE;
		return p + (starts_with(p + 3, "inity") ? 8 : 3);
	}
	if (starts_with(p, "nan"))
		return parse_nan(p + 3, c);
	if (is_hex_start(p)) {
		end = parse_hex(p + 2, &a);
		convert_hex(&a, f, c);
		return end;
	}
	end = parse_decimal(p, &d);
	if (end)
		convert_decimal(&d, f, c);
	return end;
}

static void set_end(char **end, const char *s, const char *subject_end)
{
	if (end)
		*end = (char *)(subject_end ? subject_end : s);
}

double strtod(const char *restrict s, char **restrict end)
{
	union { double d; uint64_t u; } v;
	const char *subject_end;
	struct conv c;

	subject_end = convert(s, &fmt_double, &c);
	set_end(end, s, subject_end);
	if (!subject_end)
		return 0;
	if (c.kind == NOT_A_NUMBER)
		v.u = 0x7ff8000000000000ULL | (c.payload & ((1ULL << 51) - 1));
	else if (c.kind == INFINITE)
		v.u = 0x7ff0000000000000ULL;
	else		/* adding m carries its leading 1 into the exponent */
		v.u = ((uint64_t)(c.e - fmt_double.min_e) << 52) + c.m;
	v.u |= (uint64_t)c.negative << 63;
	return v.d;
}

float strtof(const char *restrict s, char **restrict end)
{
	union { float f; uint32_t u; } v;
	const char *subject_end;
	struct conv c;

	subject_end = convert(s, &fmt_float, &c);
	set_end(end, s, subject_end);
	if (!subject_end)
		return 0;
	if (c.kind == NOT_A_NUMBER)
		v.u = 0x7fc00000U | (uint32_t)(c.payload & ((1U << 22) - 1));
	else if (c.kind == INFINITE)
		v.u = 0x7f800000U;
	else
		v.u = ((uint32_t)(c.e - fmt_float.min_e) << 23) + (uint32_t)c.m;
	v.u |= (uint32_t)c.negative << 31;
	return v.f;
}

#if LDBL_MANT_DIG == 64
/* x87 extended precision: explicit integer bit, 15-bit exponent. */
long double strtold(const char *restrict s, char **restrict end)
{
	union {
		long double ld;
		struct { uint64_t mant; uint16_t se; } x;
	} v = { 0 };
	const char *subject_end;
	struct conv c;

	subject_end = convert(s, &fmt_x87, &c);
	set_end(end, s, subject_end);
	if (!subject_end)
		return 0;
	if (c.kind == NOT_A_NUMBER) {
		v.x.mant = 0xc000000000000000ULL |
			   (c.payload & ((1ULL << 62) - 1));
		v.x.se = 0x7fff;
	} else if (c.kind == INFINITE) {
		v.x.mant = 1ULL << 63;
		v.x.se = 0x7fff;
	} else {
		v.x.mant = c.m;
		v.x.se = c.m >> 63 ? (uint16_t)(c.e - fmt_x87.min_e + 1) : 0;
	}
	v.x.se |= (uint16_t)(c.negative << 15);
	return v.ld;
}
#else
/* Elsewhere long double is converted as a double (exact for archs where
 * they are the same type; only double precision for binary128). */
long double strtold(const char *restrict s, char **restrict end)
{
	return strtod(s, end);
}
#endif

double atof(const char *s)
{
	return strtod(s, NULL);
}
