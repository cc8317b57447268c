/* SPDX-License-Identifier: BSD-3-Clause */
/* <stdlib.h>: integer conversion, arithmetic, sorting, searching, rand. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Value of digit c in bases up to 36, or 36 if c is not a digit. */
static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/* The subject sequence of strtol & co, as magnitude and sign. */
struct int_subject {
	unsigned long long mag;
	int negative;
	int overflow;		/* magnitude exceeds ULLONG_MAX */
};

/*
 * Parses an integer per C11 7.22.1.4. Stores the end of the subject
 * sequence (or s when there is none) in *end when end is not NULL.
 * Returns 0, or -1 for an invalid base.
 */
static int scan_int(const char *s, char **end, int base,
		    struct int_subject *out)
{
	const char *p = s, *digits;
	unsigned long long mag = 0, cutoff;
	int d;

	out->mag = 0;
	out->negative = 0;
	out->overflow = 0;
	if (end)
		*end = (char *)s;
	if (base < 0 || base == 1 || base > 36)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		out->negative = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	cutoff = ULLONG_MAX / (unsigned int)base;
	for (digits = p; (d = digit_value(*p)) < base; p++) {
		if (mag > cutoff || mag * base > ULLONG_MAX - d)
			out->overflow = 1;
		mag = mag * base + d;
	}
	if (p == digits)
		return 0;
	out->mag = mag;
	if (end)
		*end = (char *)p;
	return 0;
}

/* Converts to an unsigned type whose maximum is max. */
static unsigned long long to_unsigned(const struct int_subject *sub,
				      unsigned long long max)
{
	if (sub->overflow || sub->mag > max) {
		errno = ERANGE;
		return max;
	}
	return sub->negative ? (0 - sub->mag) & max : sub->mag;
}

/* Converts to a signed type whose range is [-max - 1, max]. */
static long long to_signed(const struct int_subject *sub, long long max)
{
	unsigned long long limit = (unsigned long long)max + sub->negative;

	if (sub->overflow || sub->mag > limit) {
		errno = ERANGE;
		return sub->negative ? -max - 1 : max;
	}
	if (sub->negative)
		return sub->mag == limit ? -max - 1 : -(long long)sub->mag;
	return (long long)sub->mag;
}

unsigned long long strtoull(const char *restrict s, char **restrict end,
			    int base)
{
	struct int_subject sub;

	if (scan_int(s, end, base, &sub)) {
		errno = EINVAL;
		return 0;
	}
	return to_unsigned(&sub, ULLONG_MAX);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	struct int_subject sub;

	if (scan_int(s, end, base, &sub)) {
		errno = EINVAL;
		return 0;
	}
	return (unsigned long)to_unsigned(&sub, ULONG_MAX);
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	struct int_subject sub;

	if (scan_int(s, end, base, &sub)) {
		errno = EINVAL;
		return 0;
	}
	return to_signed(&sub, LLONG_MAX);
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	struct int_subject sub;

	if (scan_int(s, end, base, &sub)) {
		errno = EINVAL;
		return 0;
	}
	return (long)to_signed(&sub, LONG_MAX);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
	return strtoll(s, NULL, 10);
}

int abs(int i)
{
	return i < 0 ? -i : i;
}

long labs(long i)
{
	return i < 0 ? -i : i;
}

long long llabs(long long i)
{
	return i < 0 ? -i : i;
}

div_t div(int num, int den)
{
	return (div_t){ num / den, num % den };
}

ldiv_t ldiv(long num, long den)
{
	return (ldiv_t){ num / den, num % den };
}

lldiv_t lldiv(long long num, long long den)
{
	return (lldiv_t){ num / den, num % den };
}

/* qsort: introsort (quicksort, heapsort past a depth limit, insertion
 * sort for short runs). */

struct sorter {
	char *base;
	size_t size;
	int (*cmp)(const void *, const void *, void *);
	void *arg;
};

static char *elem(const struct sorter *s, size_t i)
{
	return s->base + i * s->size;
}

static int less(const struct sorter *s, size_t i, size_t j)
{
	return s->cmp(elem(s, i), elem(s, j), s->arg) < 0;
}

static void swap_bytes(char *a, char *b, size_t n)
{
	unsigned long t;

	for (; n >= sizeof(t); n -= sizeof(t), a += sizeof(t), b += sizeof(t)) {
		__builtin_memcpy(&t, a, sizeof(t));
		__builtin_memcpy(a, b, sizeof(t));
		__builtin_memcpy(b, &t, sizeof(t));
	}
	for (; n; n--, a++, b++) {
		char c = *a;

		*a = *b;
		*b = c;
	}
}

static void swap(const struct sorter *s, size_t i, size_t j)
{
	if (i != j)
		swap_bytes(elem(s, i), elem(s, j), s->size);
}

static void insertion_sort(const struct sorter *s, size_t lo, size_t hi)
{
	size_t i, j;

	for (i = lo + 1; i < hi; i++)
		for (j = i; j > lo && less(s, j, j - 1); j--)
			swap(s, j, j - 1);
}

static void sift_down(const struct sorter *s, size_t lo, size_t root,
		      size_t n)
{
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && less(s, lo + child, lo + child + 1))
			child++;
		if (!less(s, lo + root, lo + child))
			return;
		swap(s, lo + root, lo + child);
		root = child;
	}
}

static void heap_sort(const struct sorter *s, size_t lo, size_t hi)
{
	size_t n = hi - lo, i;

	for (i = n / 2; i-- > 0;)
		sift_down(s, lo, i, n);
	for (i = n - 1; i > 0; i--) {
		swap(s, lo, lo + i);
		sift_down(s, lo, 0, i);
	}
}

/* Moves the median of lo, mid, hi - 1 to lo. */
static void median_to_front(const struct sorter *s, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, last = hi - 1;

	if (less(s, mid, lo))
		swap(s, mid, lo);
	if (less(s, last, mid)) {
		swap(s, last, mid);
		if (less(s, mid, lo))
			swap(s, mid, lo);
	}
	swap(s, lo, mid);
}

/* Hoare partition around the pivot at lo; returns its final index. */
static size_t partition(const struct sorter *s, size_t lo, size_t hi)
{
	size_t i = lo, j = hi;

	median_to_front(s, lo, hi);
	for (;;) {
		while (++i < hi && less(s, i, lo))
			;
		while (less(s, lo, --j))
			;
		if (i >= j)
			break;
		swap(s, i, j);
	}
	swap(s, lo, j);
	return j;
}

static void intro_sort(const struct sorter *s, size_t lo, size_t hi,
		       unsigned int depth)
{
	size_t p;

	while (hi - lo > 16) {
		if (!depth--) {
			heap_sort(s, lo, hi);
			return;
		}
		p = partition(s, lo, hi);
		/* Recurse into the smaller side: O(log n) stack. */
		if (p - lo < hi - p - 1) {
			intro_sort(s, lo, p, depth);
			lo = p + 1;
		} else {
			intro_sort(s, p + 1, hi, depth);
			hi = p;
		}
	}
	insertion_sort(s, lo, hi);
}

void qsort_r(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *, void *), void *arg)
{
	struct sorter s = { base, size, cmp, arg };
	unsigned int depth = 0;
	size_t m;

	if (n < 2 || !size)
		return;
	for (m = n; m; m >>= 1)
		depth += 2;
	intro_sort(&s, 0, n, depth);
}

struct plain_cmp {
	int (*cmp)(const void *, const void *);
};

static int call_plain(const void *a, const void *b, void *arg)
{
	return ((const struct plain_cmp *)arg)->cmp(a, b);
}

void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	struct plain_cmp p = { cmp };

	qsort_r(base, n, size, call_plain, &p);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const char *lo = base;
	const char *mid;
	int r;

	while (n) {
		mid = lo + (n / 2) * size;
		r = cmp(key, mid);
		if (!r)
			return (void *)mid;
		if (r > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

/* rand: a 64-bit LCG (Knuth's MMIX constants); the high bits are the
 * output. Not the sequence glibc produces. */
static unsigned long long rand_state = 1;

static unsigned long long lcg_next(unsigned long long x)
{
	return x * 6364136223846793005ULL + 1442695040888963407ULL;
}

int rand(void)
{
	rand_state = lcg_next(rand_state);
	return (int)(rand_state >> 33);
}

void srand(unsigned int seed)
{
	rand_state = seed;
}

/* rand_r has only 32 bits of state: three LCG steps of 11, 10 and 10 bits
 * of output, a well-known construction. */
int rand_r(unsigned int *seed)
{
	unsigned int x = *seed;
	unsigned int r;

	x = x * 1103515245U + 12345U;
	r = (x >> 16) & 0x7ff;
	x = x * 1103515245U + 12345U;
	r = (r << 10) | ((x >> 16) & 0x3ff);
	x = x * 1103515245U + 12345U;
	r = (r << 10) | ((x >> 16) & 0x3ff);
	*seed = x;
	return (int)r;
}

intmax_t strtoimax(const char *restrict s, char **restrict end, int base)
{
	return strtoll(s, end, base);
}

uintmax_t strtoumax(const char *restrict s, char **restrict end, int base)
{
	return strtoull(s, end, base);
}

intmax_t imaxabs(intmax_t i)
{
	return i < 0 ? -i : i;
}

imaxdiv_t imaxdiv(intmax_t num, intmax_t den)
{
	return (imaxdiv_t){ num / den, num % den };
}
