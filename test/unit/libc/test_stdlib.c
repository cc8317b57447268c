/* <stdlib.h> and <inttypes.h> against glibc or a reference. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "amphi_libc.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const numbers[] = {
	"", " ", "0", "-0", "+0", "1", "-1", "+-1", "  \t\n\v\f\r42xyz",
	"0x", "0X", "0x1g", "0xG", "0x7fffffff", "-0x80000000", "0b101",
	"010", "08", "09", "0777", "-0777", "z", "Z", "zz", "1z", "  +",
	"  -", "-", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809",
	"18446744073709551615", "18446744073709551616",
	"-18446744073709551615", "-18446744073709551616",
	"99999999999999999999999999999", "-99999999999999999999999999999",
	"2147483647", "2147483648", "-2147483648", "-2147483649",
	"4294967295", "4294967296", "0xffffffffffffffff",
	"0x10000000000000000", "-0x1", "0x-1", " 0x 1", "1e5", "12.5",
	"\x80" "1", "0000000000000000000000000000000000000000001",
};

static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, -1, 37, 3, 35 };

START_TEST(test_strtol_family)
{
	size_t i, b;
	char *ea, *eg;
	int base;

	for (i = 0; i < NELEM(numbers); i++)
	for (b = 0; b < NELEM(bases); b++) {
		const char *s = numbers[i];

		base = bases[b];
#define CMP(fn, type)							\
		do {							\
			type va, vg;					\
			errno = 0;					\
			amphi_errno = 0;				\
			ea = eg = (char *)0x1;				\
			va = amphi_##fn(s, &ea, base);			\
			vg = fn(s, &eg, base);				\
			ck_assert_msg(va == vg, #fn "(\"%s\", %d)",	\
				      s, base);				\
			ck_assert_int_eq(amphi_errno, errno);		\
			/* glibc leaves endptr alone for a bad base */	\
			if (base >= 0 && base != 1 && base <= 36)	\
				ck_assert_msg(ea == eg,			\
					      #fn "(\"%s\", %d) end",	\
					      s, base);			\
			libc_checks += 3;				\
		} while (0)
		CMP(strtol, long);
		CMP(strtoul, unsigned long);
		CMP(strtoll, long long);
		CMP(strtoull, unsigned long long);
		CMP(strtoimax, intmax_t);
		CMP(strtoumax, uintmax_t);
#undef CMP
		if (base == 10) {
			ck_assert_int_eq(amphi_atoi(s), atoi(s));
			ck_assert_int_eq(amphi_atol(s), atol(s));
			ck_assert_int_eq(amphi_atoll(s), atoll(s));
			libc_checks += 3;
		}
	}
	/* NULL endptr is allowed. */
	ck_assert_int_eq(amphi_strtol("123", NULL, 0), 123);
}
END_TEST

START_TEST(test_arith)
{
	static const long long vals[] = {
		0, 1, -1, 7, -7, 100, -100, INT_MAX, INT_MIN + 1, LLONG_MAX,
		LLONG_MIN + 1,
	};
	size_t i, j;

	for (i = 0; i < NELEM(vals); i++) {
		ck_assert_int_eq(amphi_abs((int)vals[i]), abs((int)vals[i]));
		ck_assert_int_eq(amphi_labs(vals[i]), labs(vals[i]));
		ck_assert_int_eq(amphi_llabs(vals[i]), llabs(vals[i]));
		for (j = 0; j < NELEM(vals); j++) {
			div_t d1, d2;
			lldiv_t l1, l2;

			if (!vals[j])
				continue;
			d1 = amphi_div((int)vals[i], (int)vals[j] | 1);
			d2 = div((int)vals[i], (int)vals[j] | 1);
			ck_assert(d1.quot == d2.quot && d1.rem == d2.rem);
			l1 = amphi_lldiv(vals[i], vals[j]);
			l2 = lldiv(vals[i], vals[j]);
			ck_assert(l1.quot == l2.quot && l1.rem == l2.rem);
			libc_checks += 2;
		}
		libc_checks += 3;
	}
}
END_TEST

static unsigned long compares;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	compares++;
	return (x > y) - (x < y);
}

struct rec {
	unsigned int key;
	char pad[9];		/* odd size: byte-wise swapping */
};

static int cmp_rec(const void *a, const void *b, void *arg)
{
	const struct rec *x = a, *y = b;

	(*(int *)arg)++;
	return (x->key > y->key) - (x->key < y->key);
}

START_TEST(test_qsort)
{
	static int a[5000], want[5000];
	static struct rec r[3000];
	size_t n, i, kind;
	int calls;

	test_rand_seed(4);
	for (n = 0; n <= 5000; n = n < 40 ? n + 1 : n * 3 / 2) {
		for (kind = 0; kind < 6; kind++) {
			for (i = 0; i < n; i++) {
				switch (kind) {
				case 0: a[i] = (int)test_rand64(); break;
				case 1: a[i] = (int)(test_rand64() % 4); break;
				case 2: a[i] = (int)i; break;
				case 3: a[i] = (int)(n - i); break;
				case 4: a[i] = 7; break;
				/* organ pipe */
				default: a[i] = (int)(i < n / 2 ? i : n - i);
				}
			}
			memcpy(want, a, n * sizeof(int));
			qsort(want, n, sizeof(int), cmp_int);
			compares = 0;
			amphi_qsort(a, n, sizeof(int), cmp_int);
			ck_assert_mem_eq(a, want, n * sizeof(int));
			/* O(n log n) comparisons, whatever the input. */
			ck_assert_uint_le(compares, 4 * n * 14 + 100);
			for (i = 0; i < n; i += 1 + n / 20) {
				ck_assert_ptr_nonnull(amphi_bsearch(&want[i],
					want, n, sizeof(int), cmp_int));
				ck_assert_int_eq(*(int *)amphi_bsearch(&want[i],
					want, n, sizeof(int), cmp_int),
					want[i]);
			}
			i = INT_MAX;
			ck_assert_ptr_eq(amphi_bsearch(&i, want, n,
					 sizeof(int), cmp_int),
					 bsearch(&i, want, n, sizeof(int),
						 cmp_int));
			libc_checks += 3;
		}
	}
	for (i = 0; i < NELEM(r); i++) {
		r[i].key = (unsigned int)(test_rand64() % 1000);
		memset(r[i].pad, (int)r[i].key, sizeof(r[i].pad));
	}
	calls = 0;
	amphi_qsort_r(r, NELEM(r), sizeof(r[0]), cmp_rec, &calls);
	ck_assert_int_gt(calls, 0);
	for (i = 0; i < NELEM(r); i++) {
		if (i)
			ck_assert_uint_le(r[i - 1].key, r[i].key);
		ck_assert_int_eq((unsigned char)r[i].pad[8],
				 (unsigned char)r[i].key);
	}
	libc_checks += NELEM(r);
}
END_TEST

START_TEST(test_rand)
{
	int first[8], i, v;
	unsigned int seed = 42, seed2 = 42;

	amphi_srand(7);
	for (i = 0; i < 8; i++)
		first[i] = amphi_rand();
	amphi_srand(7);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(amphi_rand(), first[i]);
	for (i = 0; i < 10000; i++) {
		v = amphi_rand();
		ck_assert(v >= 0 && v <= RAND_MAX);
		v = amphi_rand_r(&seed);
		ck_assert(v >= 0 && v <= RAND_MAX);
		ck_assert_int_eq(v, amphi_rand_r(&seed2));
	}
	ck_assert_int_ne(first[0], first[1]);
	libc_checks += 30000;
}
END_TEST

Suite *stdlib_suite(void)
{
	Suite *s = suite_create("stdlib");
	TCase *tc = tcase_create("stdlib");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_strtol_family);
	tcase_add_test(tc, test_arith);
	tcase_add_test(tc, test_qsort);
	tcase_add_test(tc, test_rand);
	suite_add_tcase(s, tc);
	return s;
}
