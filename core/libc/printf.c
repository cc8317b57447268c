/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The printf family: one format engine (C11 7.21.6.1 plus the glibc %m)
 * writing to an output sink, which is a caller's buffer, a callback (the
 * FILE streams of stdio/), or nothing at all (to measure).
 *
 * Floating-point values are converted exactly: the binary value m * 2^e is
 * turned into a big decimal integer N (base 1e9 limbs) with value
 * N * 10^-frac, which is then rounded half-to-even at the digit the format
 * asks for. The output matches glibc's in the default rounding mode.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigdec.h"
#include "format.h"

/* Output sink */

struct out {
	char *buf;
	size_t cap;		/* bytes buf holds */
	size_t used;		/* bytes in buf */
	size_t total;		/* bytes produced, including dropped ones */
	/* Empties buf; without it, bytes beyond cap are dropped. */
	void (*flush)(struct out *o);
	__libc_emit_fn emit;	/* the flush of __libc_vformat() */
	void *arg;
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t chunk;

	while (n) {
		if (o->used == o->cap) {
			if (!o->flush) {
				o->total += n;
				return;
			}
			o->flush(o);
		}
		chunk = o->cap - o->used;
		if (chunk > n)
			chunk = n;
		memcpy(o->buf + o->used, s, chunk);
		o->used += chunk;
		o->total += chunk;
		s += chunk;
		n -= chunk;
	}
}

static void put_char(struct out *o, char c)
{
	put(o, &c, 1);
}

static void put_repeat(struct out *o, char c, size_t n)
{
	char run[32];
	size_t chunk;

	memset(run, c, sizeof(run));
	for (; n; n -= chunk) {
		chunk = n < sizeof(run) ? n : sizeof(run);
		put(o, run, chunk);
	}
}

/* Conversion specification */

#define F_LEFT		0x01	/* - */
#define F_SIGN		0x02	/* + */
#define F_SPACE		0x04	/* space */
#define F_ALT		0x08	/* # */
#define F_ZERO		0x10	/* 0 */
#define F_UPPER		0x20	/* conversion is upper case */

enum length { L_NONE, L_HH, L_H, L_L, L_LL, L_J, L_Z, L_T, L_BIG_L };

struct spec {
	unsigned int flags;
	size_t width;
	long prec;		/* -1: none given */
	enum length len;
	char conv;
};

/* Writes a field of len bytes, given by the callback, padded to width.
 * prefix (sign, 0x) goes before any zero padding. */
struct field {
	const char *prefix;
	size_t prefix_len;
	size_t zeros;		/* leading zeros required by the precision */
	size_t len;		/* bytes of the body */
	bool zero_pad;		/* pad with zeros rather than spaces */
};

static size_t field_pad(const struct spec *sp, const struct field *f)
{
	size_t n = f->prefix_len + f->zeros + f->len;

	return sp->width > n ? sp->width - n : 0;
}

static void field_begin(struct out *o, const struct spec *sp,
			const struct field *f)
{
	size_t pad = field_pad(sp, f);

	if (!(sp->flags & F_LEFT) && !f->zero_pad)
		put_repeat(o, ' ', pad);
	put(o, f->prefix, f->prefix_len);
	if (!(sp->flags & F_LEFT) && f->zero_pad)
		put_repeat(o, '0', pad);
	put_repeat(o, '0', f->zeros);
}

static void field_end(struct out *o, const struct spec *sp,
		      const struct field *f)
{
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', field_pad(sp, f));
}

static void put_padded(struct out *o, const struct spec *sp,
		       const char *s, size_t len)
{
	struct field f = { .prefix = "", .len = len };

	field_begin(o, sp, &f);
	put(o, s, len);
	field_end(o, sp, &f);
}

/* Integers */

static void format_integer(struct out *o, const struct spec *sp,
			   uintmax_t v, bool negative)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *digits = sp->flags & F_UPPER ? upper : lower;
	unsigned int base = 10;
	char buf[3 * sizeof(uintmax_t)];
	char *p = buf + sizeof(buf);
	char prefix[3];
	struct field f = { .prefix = prefix };
	size_t len, prec = sp->prec < 0 ? 1 : (size_t)sp->prec;

	if (sp->conv == 'o')
		base = 8;
	else if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
		base = 16;
	for (; v; v /= base)
		*--p = digits[v % base];
	len = (size_t)(buf + sizeof(buf) - p);
	if (negative)
		prefix[f.prefix_len++] = '-';
	else if (sp->flags & F_SIGN)
		prefix[f.prefix_len++] = '+';
	else if (sp->flags & F_SPACE)
		prefix[f.prefix_len++] = ' ';
	if ((sp->flags & F_ALT) && base == 16 && len) {
		prefix[f.prefix_len++] = '0';
		prefix[f.prefix_len++] = sp->flags & F_UPPER ? 'X' : 'x';
	}
	if ((sp->flags & F_ALT) && base == 8 && prec <= len)
		prec = len + 1;
	f.zeros = prec > len ? prec - len : 0;
	f.len = len;
	f.zero_pad = (sp->flags & F_ZERO) && sp->prec < 0;
	field_begin(o, sp, &f);
	put(o, p, len);
	field_end(o, sp, &f);
}

/* Floating point: exact decimal expansion (bigdec.c), rounded here */

/* Are all digits of N below weight 10^pos zero? */
static bool big_zero_below(const struct bigdec *b, long pos)
{
	long i, top = pos / 9;

	if (top >= b->n)
		top = b->n;
	else if (b->limb[top] % big_pow10[pos % 9])
		return false;
	for (i = 0; i < top; i++)
		if (b->limb[i])
			return false;
	return true;
}

/* Clears the digits of N below weight 10^pos. */
static void big_clear_below(struct bigdec *b, long pos)
{
	long i, top = pos / 9;

	if (top >= b->n)
		top = b->n;
	else
		b->limb[top] -= b->limb[top] % big_pow10[pos % 9];
	for (i = 0; i < top; i++)
		b->limb[i] = 0;
	while (b->n && !b->limb[b->n - 1])
		b->n--;
}

/* Adds 10^pos to N. */
static void big_add_pow10(struct bigdec *b, long pos)
{
	long i = pos / 9;
	uint32_t add = big_pow10[pos % 9];

	while (b->n <= i)
		b->limb[b->n++] = 0;
	for (; add; i++) {
		if (i == b->n)
			b->limb[b->n++] = 0;
		b->limb[i] += add;
		add = b->limb[i] >= LIMB_BASE;
		if (add)
			b->limb[i] -= LIMB_BASE;
	}
}

/* Rounds N to a multiple of 10^pos, half to even. */
static void big_round(struct bigdec *b, long pos)
{
	int half, last;
	bool up;

	if (pos <= 0)
		return;
	half = big_digit(b, pos - 1);
	last = big_digit(b, pos);
	up = half > 5 || (half == 5 &&
			  (!big_zero_below(b, pos - 1) || (last & 1)));
	big_clear_below(b, pos);
	if (up)
		big_add_pow10(b, pos);
}

/* Writes the digits of weights 10^hi down to 10^lo. */
static void put_digits(struct out *o, const struct bigdec *b,
		       long hi, long lo)
{
	char chunk[64];
	size_t n = 0;

	if (lo < 0 && hi < 0) {
		put_repeat(o, '0', (size_t)(hi - lo + 1));
		return;
	}
	for (; hi >= lo && hi >= 0; hi--) {
		chunk[n++] = (char)('0' + big_digit(b, hi));
		if (n == sizeof(chunk)) {
			put(o, chunk, n);
			n = 0;
		}
	}
	put(o, chunk, n);
	if (hi >= lo)
		put_repeat(o, '0', (size_t)(hi - lo + 1));
}

/* Lowest digit position in [lo, hi] worth printing once trailing zeros
 * are removed (%g without #); hi + 1 if all are zero. */
static long strip_zeros(const struct bigdec *b, long hi, long lo)
{
	for (; lo <= hi; lo++)
		if (big_digit(b, lo))
			return lo;
	return lo;
}

/* A decoded floating-point value: (-1)^negative * m * 2^e. */
struct fpval {
	unsigned __int128 m;
	int e;
	bool negative;
	bool inf, nan;
	/* For %a: the value is lead.frac (hex) * 2^hexp, frac has nfrac
	 * hex digits, most significant first. */
	unsigned int lead;
	uint64_t frac;
	int nfrac;
	int hexp;
};

static void decode_double(double d, struct fpval *v)
{
	union { double d; uint64_t u; } bits = { .d = d };
	uint64_t frac = bits.u & ((1ULL << 52) - 1);
	int exp = (int)(bits.u >> 52) & 0x7ff;

	memset(v, 0, sizeof(*v));
	v->negative = bits.u >> 63;
	v->inf = exp == 0x7ff && !frac;
	v->nan = exp == 0x7ff && frac;
	v->m = exp ? frac | 1ULL << 52 : frac;
	v->e = exp ? exp - 1075 : -1074;
	v->lead = exp != 0;
	v->frac = frac << 12;
	v->nfrac = 13;
	v->hexp = exp ? exp - 1023 : (frac ? -1022 : 0);
}

#if defined(__x86_64__) || defined(__i386__)
/* x87 extended precision: 64-bit mantissa with explicit integer bit. */
static void decode_long_double(long double ld, struct fpval *v)
{
	union {
		long double ld;
		struct { uint64_t mant; uint16_t se; } x;
	} bits = { .ld = ld };
	uint64_t mant = bits.x.mant;
	int exp = bits.x.se & 0x7fff;

	memset(v, 0, sizeof(*v));
	v->negative = bits.x.se >> 15;
	v->inf = exp == 0x7fff && !(mant << 1);
	v->nan = exp == 0x7fff && (mant << 1);
	v->m = mant;
	v->e = exp ? exp - 16383 - 63 : -16382 - 63;
	/* As glibc: the leading hex digit is the top nibble. */
	v->lead = (unsigned int)(mant >> 60);
	v->frac = mant << 4;
	v->nfrac = 15;
	v->hexp = exp ? exp - 16383 - 3 : (mant ? -16382 - 3 : 0);
}
#elif __LDBL_MANT_DIG__ == 113
/* IEEE binary128. %La shows only the top 60 fraction bits. */
static void decode_long_double(long double ld, struct fpval *v)
{
	union { long double ld; unsigned __int128 u; } bits = { .ld = ld };
	unsigned __int128 frac = bits.u & (((unsigned __int128)1 << 112) - 1);
	int exp = (int)(bits.u >> 112) & 0x7fff;

	memset(v, 0, sizeof(*v));
	v->negative = (int)(bits.u >> 127);
	v->inf = exp == 0x7fff && !frac;
	v->nan = exp == 0x7fff && frac;
	v->m = exp ? frac | (unsigned __int128)1 << 112 : frac;
	v->e = exp ? exp - 16383 - 112 : -16382 - 112;
	v->lead = exp != 0;
	v->frac = (uint64_t)(frac >> 48) << 4;
	v->nfrac = 15;
	v->hexp = exp ? exp - 16383 : (frac ? -16382 : 0);
}
#else
static void decode_long_double(long double ld, struct fpval *v)
{
	decode_double((double)ld, v);
}
#endif

static size_t sign_prefix(const struct spec *sp, const struct fpval *v,
			  char *prefix)
{
	if (v->negative)
		prefix[0] = '-';
	else if (sp->flags & F_SIGN)
		prefix[0] = '+';
	else if (sp->flags & F_SPACE)
		prefix[0] = ' ';
	else
		return 0;
	return 1;
}

static void format_nonfinite(struct out *o, const struct spec *sp,
			     const struct fpval *v)
{
	const char *word = v->inf ? "infnan" : "infnan" + 3;
	char text[4];
	char prefix[1];
	struct field f = { .prefix = prefix, .len = 3 };
	int i;

	for (i = 0; i < 3; i++)
		text[i] = (char)(word[i] - (sp->flags & F_UPPER ? 32 : 0));
	f.prefix_len = sign_prefix(sp, v, prefix);
	field_begin(o, sp, &f);
	put(o, text, 3);
	field_end(o, sp, &f);
}

/* Writes v in decimal, ending just before end; returns the length. */
static size_t utoa_dec(char *end, unsigned long v)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return (size_t)(end - p);
}

/* Writes e, the exponent's sign and at least min_digits digits. */
static void put_exponent(struct out *o, char e, long x, size_t min_digits)
{
	char buf[24];
	size_t n = utoa_dec(buf + sizeof(buf), x < 0 ? -x : x);

	for (; n < min_digits; n++)
		buf[sizeof(buf) - 1 - n] = '0';
	put_char(o, e);
	put_char(o, x < 0 ? '-' : '+');
	put(o, buf + sizeof(buf) - n, n);
}

static size_t exponent_len(long x, size_t min_digits)
{
	char buf[24];
	size_t n = utoa_dec(buf + sizeof(buf), x < 0 ? -x : x);

	return 2 + (n > min_digits ? n : min_digits);
}

/* %f: the integer digits of N, then those of weight 10^-1 down to 10^lo
 * (lo <= 0). */
static void put_fixed(struct out *o, const struct spec *sp,
		      const struct fpval *v, const struct bigdec *b, long lo)
{
	char prefix[1];
	struct field f = { .prefix = prefix };
	long first = big_ndigits(b) - 1;
	bool point = lo < 0 || (sp->flags & F_ALT);

	if (first < b->frac)
		first = b->frac;
	f.prefix_len = sign_prefix(sp, v, prefix);
	f.len = (size_t)(first - b->frac + 1) + point + (size_t)-lo;
	f.zero_pad = sp->flags & F_ZERO;
	field_begin(o, sp, &f);
	put_digits(o, b, first, b->frac);
	if (point)
		put_char(o, '.');
	if (lo < 0)
		put_digits(o, b, b->frac - 1, b->frac + lo);
	field_end(o, sp, &f);
}

/* %e: first digit of weight 10^top in N, then down to 10^lo in N. */
static void put_exp(struct out *o, const struct spec *sp,
		    const struct fpval *v, const struct bigdec *b,
		    long top, long lo)
{
	char prefix[1];
	struct field f = { .prefix = prefix };
	bool point = lo < top || (sp->flags & F_ALT);
	long x = b->n ? top - b->frac : 0;

	f.prefix_len = sign_prefix(sp, v, prefix);
	f.len = 1 + point + (size_t)(top - lo) + exponent_len(x, 2);
	f.zero_pad = sp->flags & F_ZERO;
	field_begin(o, sp, &f);
	put_digits(o, b, top, top);
	if (point)
		put_char(o, '.');
	if (lo < top)
		put_digits(o, b, top - 1, lo);
	put_exponent(o, sp->flags & F_UPPER ? 'E' : 'e', x, 2);
	field_end(o, sp, &f);
}

static void format_decimal(struct out *o, const struct spec *sp,
			   const struct fpval *v)
{
	struct bigdec b;
	long prec = sp->prec < 0 ? 6 : sp->prec;
	long top, x, lo;
	char conv = (char)(sp->conv | 0x20);

	big_from_binary(&b, v->m, v->e);
	if (conv == 'f') {
		big_round(&b, b.frac - prec);
		put_fixed(o, sp, v, &b, -prec);
		return;
	}
	if (conv == 'e') {
		big_round(&b, big_top(&b) - prec);
		top = big_top(&b);
		put_exp(o, sp, v, &b, top, top - prec);
		return;
	}
	/* %g: P significant digits, in the style the exponent X selects. */
	if (!prec)
		prec = 1;
	x = b.n ? big_top(&b) - b.frac : 0;
	big_round(&b, big_top(&b) - (prec - 1));
	top = big_top(&b);
	if (b.n && top - b.frac >= prec && x < prec &&
	    (sp->flags & F_ALT)) {
		/* glibc quirk, kept for identical output: when rounding
		 * carries the value to 10^P, %#.Pg prints "1.e+P". */
		put_exp(o, sp, v, &b, top, top);
		return;
	}
	x = b.n ? top - b.frac : 0;
	if (prec > x && x >= -4) {
		lo = x - (prec - 1);	/* weight of the last digit */
		if (!(sp->flags & F_ALT))
			lo = strip_zeros(&b, b.frac - 1, lo + b.frac) - b.frac;
		put_fixed(o, sp, v, &b, lo > 0 ? 0 : lo);
		return;
	}
	lo = top - (prec - 1);
	if (!(sp->flags & F_ALT))
		lo = strip_zeros(&b, top - 1, lo);
	put_exp(o, sp, v, &b, top, lo > top ? top : lo);
}

/* %a */

/* Rounds the hex digits of v to prec fraction digits, half to even. */
static void round_hex(struct fpval *v, int prec)
{
	uint64_t kept = prec ? v->frac >> (64 - 4 * prec) : 0;
	uint64_t rest = v->frac << (4 * prec);
	unsigned int last = prec ? (unsigned int)kept : v->lead;
	const uint64_t half = 1ULL << 63;

	v->nfrac = prec;
	if (rest < half || (rest == half && !(last & 1))) {
		v->frac = prec ? kept << (64 - 4 * prec) : 0;
		return;
	}
	if (prec && (++kept >> (4 * prec)) == 0) {
		v->frac = kept << (64 - 4 * prec);
		return;
	}
	/* The fraction overflowed into the leading digit; as glibc, a
	 * leading 0xf becomes 1 with the exponent raised by 4. */
	v->frac = 0;
	if (++v->lead == 16) {
		v->lead = 1;
		v->hexp += 4;
	}
}

static void format_hex(struct out *o, const struct spec *sp,
		       struct fpval *v)
{
	const char *digits = sp->flags & F_UPPER ? "0123456789ABCDEF"
						 : "0123456789abcdef";
	char prefix[3], body[17];
	struct field f = { .prefix = prefix };
	size_t prec;
	bool point;
	int i;

	while (v->nfrac && !(v->frac >> (64 - 4 * v->nfrac) & 0xf))
		v->nfrac--;		/* trailing zeros */
	if (sp->prec >= 0 && sp->prec < v->nfrac)
		round_hex(v, (int)sp->prec);
	prec = sp->prec < 0 ? (size_t)v->nfrac : (size_t)sp->prec;
	point = prec || (sp->flags & F_ALT);
	body[0] = digits[v->lead];
	for (i = 0; i < v->nfrac; i++)
		body[1 + i] = digits[v->frac >> (60 - 4 * i) & 0xf];
	f.prefix_len = sign_prefix(sp, v, prefix);
	prefix[f.prefix_len++] = '0';
	prefix[f.prefix_len++] = sp->flags & F_UPPER ? 'X' : 'x';
	f.len = 1 + point + prec + exponent_len(v->hexp, 1);
	f.zero_pad = sp->flags & F_ZERO;
	field_begin(o, sp, &f);
	put(o, body, 1);
	if (point)
		put_char(o, '.');
	put(o, body + 1, (size_t)v->nfrac);
	put_repeat(o, '0', prec - (size_t)v->nfrac);
	put_exponent(o, sp->flags & F_UPPER ? 'P' : 'p', v->hexp, 1);
	field_end(o, sp, &f);
}

static void format_float(struct out *o, const struct spec *sp,
			 struct fpval *v)
{
	if (v->inf || v->nan) {
		format_nonfinite(o, sp, v);
		return;
	}
	if ((sp->conv | 0x20) == 'a')
		format_hex(o, sp, v);
	else
		format_decimal(o, sp, v);
}

/* Strings and characters */

static void format_string(struct out *o, const struct spec *sp,
			  const char *s)
{
	if (!s)			/* glibc: "(null)", or nothing if cut */
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	put_padded(o, sp, s, sp->prec < 0 ? strlen(s)
			     : strnlen(s, (size_t)sp->prec));
}

/* Wide strings: only the ASCII subset of the C locale. */
static int format_wide_string(struct out *o, const struct spec *sp,
			      const int *ws)
{
	char buf[64];
	size_t len = 0, limit = sp->prec < 0 ? SIZE_MAX : (size_t)sp->prec;
	size_t i;
	struct field f = { .prefix = "" };

	if (!ws) {
		format_string(o, sp, NULL);
		return 0;
	}
	for (; ws[len] && len < limit; len++)
		if ((unsigned int)ws[len] > 0x7f) {
			errno = EILSEQ;
			return -1;
		}
	f.len = len;
	field_begin(o, sp, &f);
	for (i = 0; i < len; i++) {
		buf[i % sizeof(buf)] = (char)ws[i];
		if (i % sizeof(buf) == sizeof(buf) - 1)
			put(o, buf, sizeof(buf));
	}
	put(o, buf, len % sizeof(buf));
	field_end(o, sp, &f);
	return 0;
}

/* Parsing */

static const char *parse_flags(const char *p, struct spec *sp)
{
	for (;; p++) {
		switch (*p) {
		case '-': sp->flags |= F_LEFT; break;
		case '+': sp->flags |= F_SIGN; break;
		case ' ': sp->flags |= F_SPACE; break;
		case '#': sp->flags |= F_ALT; break;
		case '0': sp->flags |= F_ZERO; break;
		case '\'': break;	/* grouping: none in the C locale */
		default: return p;
		}
	}
}

static const char *parse_number(const char *p, long *n)
{
	long v = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		v = v > INT_MAX ? v : v * 10 + (*p - '0');
	*n = v;		/* above INT_MAX: EOVERFLOW, as glibc */
	return p;
}

static const char *parse_length(const char *p, enum length *len)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			*len = L_HH;
			return p + 2;
		}
		*len = L_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			*len = L_LL;
			return p + 2;
		}
		*len = L_L;
		return p + 1;
	case 'q': *len = L_LL; return p + 1;
	case 'j': *len = L_J; return p + 1;
	case 'z': *len = L_Z; return p + 1;
	case 't': *len = L_T; return p + 1;
	case 'L': *len = L_BIG_L; return p + 1;
	default: *len = L_NONE; return p;
	}
}

/* Arguments; the va_list is passed by pointer so helpers can consume it. */

static intmax_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case L_HH: return (signed char)va_arg(*ap, int);
	case L_H: return (short)va_arg(*ap, int);
	case L_L: return va_arg(*ap, long);
	case L_LL: case L_BIG_L: return va_arg(*ap, long long);
	case L_J: return va_arg(*ap, intmax_t);
	case L_Z: return va_arg(*ap, ptrdiff_t);   /* signed size_t */
	case L_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case L_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case L_H: return (unsigned short)va_arg(*ap, unsigned int);
	case L_L: return va_arg(*ap, unsigned long);
	case L_LL: case L_BIG_L: return va_arg(*ap, unsigned long long);
	case L_J: return va_arg(*ap, uintmax_t);
	case L_Z: return va_arg(*ap, size_t);
	case L_T: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static void store_count(va_list *ap, enum length len, size_t count)
{
	void *p = va_arg(*ap, void *);

	switch (len) {
	case L_HH: *(signed char *)p = (signed char)count; break;
	case L_H: *(short *)p = (short)count; break;
	case L_L: *(long *)p = (long)count; break;
	case L_LL: case L_BIG_L: *(long long *)p = (long long)count; break;
	case L_J: *(intmax_t *)p = (intmax_t)count; break;
	case L_Z: *(size_t *)p = count; break;
	case L_T: *(ptrdiff_t *)p = (ptrdiff_t)count; break;
	default: *(int *)p = (int)count; break;
	}
}

static void format_pointer(struct out *o, struct spec *sp, const void *p)
{
	if (!p) {		/* glibc prints "(nil)" in full */
		put_padded(o, sp, "(nil)", 5);
		return;
	}
	sp->flags |= F_ALT;
	format_integer(o, sp, (uintptr_t)p, false);
}

/* Formats one conversion; returns -1 on an encoding error. */
static int convert(struct out *o, struct spec *sp, va_list *ap, int err)
{
	struct fpval v;
	intmax_t i;
	char c;

	if ((long)sp->width > INT_MAX || sp->prec > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	switch (sp->conv) {
	case 'd': case 'i':
		i = arg_signed(ap, sp->len);
		format_integer(o, sp, i < 0 ? 0 - (uintmax_t)i : (uintmax_t)i,
			       i < 0);
		return 0;
	case 'X':
		sp->flags |= F_UPPER;
		/* fall through */
	case 'o': case 'u': case 'x':
		sp->flags &= ~(F_SIGN | F_SPACE);
		format_integer(o, sp, arg_unsigned(ap, sp->len), false);
		return 0;
	case 'p':
		format_pointer(o, sp, va_arg(*ap, void *));
		return 0;
	case 'c':
		if (sp->len == L_L) {
			int wc[2] = { (int)va_arg(*ap, unsigned int), 0 };

			sp->prec = -1;
			return wc[0] ? format_wide_string(o, sp, wc)
				     : (put_padded(o, sp, "", 1), 0);
		}
		c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		return 0;
	case 's':
		if (sp->len == L_L)
			return format_wide_string(o, sp,
						  va_arg(*ap, const int *));
		format_string(o, sp, va_arg(*ap, const char *));
		return 0;
	case '%':
		put_char(o, '%');
		return 0;
	case 'm':
		format_string(o, sp, strerror(err));
		return 0;
	case 'n':
		store_count(ap, sp->len, o->total);
		return 0;
	case 'E': case 'F': case 'G': case 'A':
		sp->flags |= F_UPPER;
		/* fall through */
	case 'e': case 'f': case 'g': case 'a':
		if (sp->len == L_BIG_L)
			decode_long_double(va_arg(*ap, long double), &v);
		else
			decode_double(va_arg(*ap, double), &v);
		format_float(o, sp, &v);
		return 0;
	case '\0':		/* the format ends inside a specification */
		errno = EINVAL;
		return -1;
	default:
		return 1;
	}
}

/* Parses the specification after '%'; returns the byte after it. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
	long n;

	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	p = parse_flags(p, sp);
	if (*p == '*') {
		n = va_arg(*ap, int);
		if (n < 0) {
			sp->flags |= F_LEFT;
			n = -n;
		}
		sp->width = (size_t)n;
		p++;
	} else {
		p = parse_number(p, &n);
		sp->width = (size_t)n;
	}
	if (*p == '.') {
		if (*++p == '*') {
			n = va_arg(*ap, int);
			sp->prec = n < 0 ? -1 : n;
			p++;
		} else {
			p = parse_number(p, &sp->prec);
		}
	}
	p = parse_length(p, &sp->len);
	sp->conv = *p;
	return *p ? p + 1 : p;
}

static int format(struct out *o, const char *fmt, va_list ap)
{
	int err = errno;
	const char *start, *spec;
	struct spec sp;
	va_list args;
	bool unknown_seen = false;
	int r = 0;

	va_copy(args, ap);
	while (*fmt) {
		start = fmt;
		fmt = strchrnul(fmt, '%');
		put(o, start, (size_t)(fmt - start));
		if (!*fmt)
			break;
		if (fmt[1] == '%') {
			put_char(o, '%');
			fmt += 2;
			continue;
		}
		spec = fmt;
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!sp.conv && unknown_seen)
			r = 1;	/* glibc: then a dangling % is printed too */
		else
			r = convert(o, &sp, &args, err);
		if (r < 0)
			break;
		if (r > 0) {	/* unknown conversion: print it as is */
			put(o, spec, (size_t)(fmt - spec));
			unknown_seen = true;
		}
	}
	va_end(args);
	if (r < 0)
		return -1;
	if (o->total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o->total;
}

/* Buffers and callbacks */

int vsnprintf(char *restrict buf, size_t n, const char *restrict fmt,
	      va_list ap)
{
	struct out o = { .buf = buf, .cap = n ? n - 1 : 0 };
	int ret = format(&o, fmt, ap);

	if (n)
		buf[o.used] = '\0';
	return ret;
}

int snprintf(char *restrict buf, size_t n, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return ret;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, INT_MAX + (size_t)1, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsprintf(buf, fmt, ap);
	va_end(ap);
	return ret;
}

int vasprintf(char **restrict strp, const char *restrict fmt, va_list ap)
{
	va_list again;
	int len;

	va_copy(again, ap);
	len = vsnprintf(NULL, 0, fmt, ap);
	if (len >= 0) {
		*strp = malloc((size_t)len + 1);
		if (*strp)
			vsnprintf(*strp, (size_t)len + 1, fmt, again);
		else
			len = -1;
	}
	va_end(again);
	return len;
}

int asprintf(char **restrict strp, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(strp, fmt, ap);
	va_end(ap);
	return ret;
}

static void emit_flush(struct out *o)
{
	if (o->used)
		o->emit(o->arg, o->buf, o->used);
	o->used = 0;
}

int __libc_vformat(__libc_emit_fn emit, void *arg, const char *fmt,
		   va_list ap)
{
	char buf[256];
	struct out o = { .buf = buf, .cap = sizeof(buf), .flush = emit_flush,
			 .emit = emit, .arg = arg };
	int ret = format(&o, fmt, ap);

	emit_flush(&o);
	return ret;
}
