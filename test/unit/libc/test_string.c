/* <string.h> and <strings.h> against glibc. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amphi_libc.h"

/* glibc's XSI strerror_r, hidden by _GNU_SOURCE. */
int __xpg_strerror_r(int errnum, char *buf, size_t n);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LEN_MAX		300
#define AREA		(LEN_MAX + 64)

static unsigned char src[AREA], dst[AREA], ref[AREA];

static void fill_random(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)test_rand64();
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Every alignment 0..15 of both pointers x lengths 0..300. */
START_TEST(test_memcpy_memset)
{
	size_t sa, da, n;
	void *r;

	test_rand_seed(1);
	for (sa = 0; sa < 16; sa++)
	for (da = 0; da < 16; da++)
	for (n = 0; n <= LEN_MAX; n++) {
		fill_random(src, AREA);
		fill_random(dst, AREA);
		memcpy(ref, dst, AREA);
		memcpy(ref + da, src + sa, n);
		r = amphi_memcpy(dst + da, src + sa, n);
		ck_assert_ptr_eq(r, dst + da);
		ck_assert_mem_eq(dst, ref, AREA);
		memset(ref + da, (int)(sa * 17 + n), n);
		r = amphi_memset(dst + da, (int)(sa * 17 + n), n);
		ck_assert_ptr_eq(r, dst + da);
		ck_assert_mem_eq(dst, ref, AREA);
		libc_checks += 2;
	}
}
END_TEST

START_TEST(test_memmove)
{
	static unsigned char buf[AREA + 32], want[AREA + 32];
	size_t sa, da, n;
	void *r;

	test_rand_seed(2);
	/* Overlapping in both directions, every distance up to 31. */
	for (sa = 0; sa < 32; sa++)
	for (da = 0; da < 32; da++)
	for (n = 0; n <= LEN_MAX; n += (n < 40 ? 1 : 7)) {
		fill_random(buf, sizeof(buf));
		memcpy(want, buf, sizeof(buf));
		memmove(want + da, want + sa, n);
		r = amphi_memmove(buf + da, buf + sa, n);
		ck_assert_ptr_eq(r, buf + da);
		ck_assert_mem_eq(buf, want, sizeof(buf));
		libc_checks++;
	}
}
END_TEST

START_TEST(test_memcmp_memchr)
{
	size_t a, n, i;
	unsigned char x[AREA], y[AREA];

	test_rand_seed(3);
	for (a = 0; a < 16; a++)
	for (n = 0; n <= LEN_MAX; n++) {
		fill_random(x, AREA);
		memcpy(y, x, AREA);
		ck_assert_int_eq(amphi_memcmp(x + a, y + a, n), 0);
		if (n) {
			i = test_rand64() % n;
			y[a + i] = (unsigned char)test_rand64();
			ck_assert_int_eq(sign(amphi_memcmp(x + a, y + a, n)),
					 sign(memcmp(x + a, y + a, n)));
			ck_assert_int_eq(sign(amphi_memcmp(y, x + a, n)),
					 sign(memcmp(y, x + a, n)));
		}
		ck_assert_ptr_eq(amphi_memchr(x + a, x[a + n / 2], n),
				 memchr(x + a, x[a + n / 2], n));
		ck_assert_ptr_eq(amphi_memrchr(x + a, x[a + n / 2], n),
				 memrchr(x + a, x[a + n / 2], n));
		ck_assert_ptr_eq(amphi_memchr(x + a, 0x100 + x[a], n),
				 memchr(x + a, 0x100 + x[a], n));
		libc_checks += 5;
	}
	/* Bytes compare as unsigned char. */
	ck_assert_int_gt(amphi_memcmp("\x80", "\x7f", 1), 0);
	ck_assert_int_gt(amphi_strcmp("\x80", "\x7f"), 0);
	ck_assert_int_gt(amphi_strncmp("a\x80", "a\x7f", 5), 0);
}
END_TEST

START_TEST(test_strlen)
{
	char buf[AREA];
	size_t a, n;

	for (a = 0; a < 16; a++)
	for (n = 0; n < LEN_MAX - 20; n++) {
		memset(buf, 'x', sizeof(buf));
		buf[a + n] = '\0';
		ck_assert_uint_eq(amphi_strlen(buf + a), n);
		ck_assert_uint_eq(amphi_strnlen(buf + a, n / 2), n / 2);
		ck_assert_uint_eq(amphi_strnlen(buf + a, n + 5), n);
		ck_assert_ptr_eq(amphi_strchr(buf + a, 0), buf + a + n);
		ck_assert_ptr_eq(amphi_strchr(buf + a, 'x'),
				 n ? buf + a : NULL);
		ck_assert_ptr_eq(amphi_strrchr(buf + a, 'x'),
				 n ? buf + a + n - 1 : NULL);
		ck_assert_ptr_eq(amphi_strchrnul(buf + a, 'y'), buf + a + n);
		libc_checks += 7;
	}
}
END_TEST

static const char *const words[] = {
	"", "a", "A", "ab", "abc", "abd", "ABC", "abcdef", "abc\x80",
	"abc\x7f", "hello world", "Hello World", "b", "\xff", "aaaa",
	"aaab", "zz", "the quick brown fox", "quick", "fox", "o", "lo w",
};

START_TEST(test_compare_search)
{
	size_t i, j, n;
	const char *a, *b;

	for (i = 0; i < NELEM(words); i++)
	for (j = 0; j < NELEM(words); j++) {
		a = words[i];
		b = words[j];
		ck_assert_int_eq(sign(amphi_strcmp(a, b)), sign(strcmp(a, b)));
		ck_assert_int_eq(sign(amphi_strcasecmp(a, b)),
				 sign(strcasecmp(a, b)));
		for (n = 0; n < 6; n++) {
			ck_assert_int_eq(sign(amphi_strncmp(a, b, n)),
					 sign(strncmp(a, b, n)));
			ck_assert_int_eq(sign(amphi_strncasecmp(a, b, n)),
					 sign(strncasecmp(a, b, n)));
		}
		ck_assert_ptr_eq(amphi_strstr(a, b), strstr(a, b));
		ck_assert_ptr_eq(amphi_strcasestr(a, b), strcasestr(a, b));
		ck_assert_ptr_eq(amphi_memmem(a, strlen(a), b, strlen(b)),
				 memmem(a, strlen(a), b, strlen(b)));
		ck_assert_uint_eq(amphi_strspn(a, b), strspn(a, b));
		ck_assert_uint_eq(amphi_strcspn(a, b), strcspn(a, b));
		ck_assert_ptr_eq(amphi_strpbrk(a, b), strpbrk(a, b));
		ck_assert_ptr_eq(amphi_strchr(a, b[0]), strchr(a, b[0]));
		ck_assert_ptr_eq(amphi_strrchr(a, b[0]), strrchr(a, b[0]));
		libc_checks += 22;
	}
}
END_TEST

START_TEST(test_copy_concat)
{
	char a[64], b[64];
	size_t i, n;
	char *r;

	for (i = 0; i < NELEM(words); i++)
	for (n = 0; n < 24; n++) {
		const char *w = words[i];

		memset(a, '#', sizeof(a));
		memset(b, '#', sizeof(b));
		ck_assert_ptr_eq(amphi_strcpy(a, w), a);
		strcpy(b, w);
		ck_assert_mem_eq(a, b, sizeof(a));
		ck_assert_ptr_eq(amphi_strncpy(a, w, n), a);
		strncpy(b, w, n);
		ck_assert_mem_eq(a, b, sizeof(a));
		ck_assert_ptr_eq(amphi_stpncpy(a, w, n), stpncpy(b, w, n) - b + a);
		ck_assert_mem_eq(a, b, sizeof(a));
		ck_assert_ptr_eq(amphi_stpcpy(a, w), stpcpy(b, w) - b + a);
		ck_assert_mem_eq(a, b, sizeof(a));
		ck_assert_ptr_eq(amphi_strcat(a, "+x"), a);
		strcat(b, "+x");
		ck_assert_mem_eq(a, b, sizeof(a));
		ck_assert_ptr_eq(amphi_strncat(a, w, n), a);
		strncat(b, w, n);
		ck_assert_mem_eq(a, b, sizeof(a));
		r = amphi_memccpy(a, w, 'c', n);
		ck_assert_ptr_eq(r, memccpy(b, w, 'c', n) ? a + ((char *)memccpy(b, w, 'c', n) - b) : NULL);
		ck_assert_mem_eq(a, b, sizeof(a));
		/* strlcpy/strlcat: BSD semantics, checked by hand. */
		memset(a, '#', sizeof(a));
		ck_assert_uint_eq(amphi_strlcpy(a, w, n), strlen(w));
		if (n) {
			ck_assert_uint_eq(strlen(a), strlen(w) < n ? strlen(w) : n - 1);
			ck_assert(!strncmp(a, w, strlen(a)));
		} else {
			ck_assert_int_eq(a[0], '#');
		}
		strcpy(a, "ab");
		ck_assert_uint_eq(amphi_strlcat(a, w, n),
				  (n < 2 ? n : 2) + strlen(w));
		libc_checks += 16;
	}
}
END_TEST

START_TEST(test_tokens)
{
	static const char *const inputs[] = {
		"", "a", ",a,,b,", "  hello  world ", ",,,", "x,y;z", "a;;b",
	};
	char a[64], b[64], c[64];
	char *sa, *sb, *ta, *tb, *pa, *pb;
	size_t i;

	for (i = 0; i < NELEM(inputs); i++) {
		strcpy(a, inputs[i]);
		strcpy(b, inputs[i]);
		strcpy(c, inputs[i]);
		ta = amphi_strtok_r(a, ", ;", &sa);
		tb = strtok_r(b, ", ;", &sb);
		for (;;) {
			ck_assert_int_eq(!ta, !tb);
			if (!ta)
				break;
			ck_assert_str_eq(ta, tb);
			ck_assert_int_eq(ta - a, tb - b);
			ta = amphi_strtok_r(NULL, ", ;", &sa);
			tb = strtok_r(NULL, ", ;", &sb);
			libc_checks++;
		}
		strcpy(b, inputs[i]);
		ta = amphi_strtok(c, ", ;");
		tb = strtok(b, ", ;");
		for (; ta || tb; ta = amphi_strtok(NULL, ", ;"),
				 tb = strtok(NULL, ", ;")) {
			ck_assert(ta && tb);
			ck_assert_int_eq(ta - c, tb - b);
		}
		strcpy(a, inputs[i]);
		strcpy(b, inputs[i]);
		pa = a;
		pb = b;
		do {
			ta = amphi_strsep(&pa, ",;");
			tb = strsep(&pb, ",;");
			ck_assert_int_eq(!ta, !tb);
			ck_assert_int_eq(!pa, !pb);
			if (ta)
				ck_assert_int_eq(ta - a, tb - b);
			libc_checks++;
		} while (ta);
	}
}
END_TEST

START_TEST(test_strerror)
{
	char a[128], b[128];
	size_t n;
	int e, ra, rb;

	for (e = -3; e < 200; e++) {
		ck_assert_str_eq(amphi_strerror(e), strerror(e));
		for (n = 0; n < 40; n += 3) {
			memset(a, '#', sizeof(a));
			memset(b, '#', sizeof(b));
			ra = amphi_strerror_r(e, a, n);
			rb = __xpg_strerror_r(e, b, n);
			ck_assert_int_eq(ra, rb);
			ck_assert_mem_eq(a, b, sizeof(a));
		}
		libc_checks += 15;
	}
}
END_TEST

START_TEST(test_misc)
{
	char *p;
	char buf[16];
	int i;

	for (i = -70; i < 70; i++) {
		int v = i < 0 ? (int)(1U << (-i % 32)) : i * 12345;

		ck_assert_int_eq(amphi_ffs(v), ffs(v));
		ck_assert_int_eq(amphi_ffsl((long)v << 20), ffsl((long)v << 20));
		ck_assert_int_eq(amphi_ffsll((long long)v << 31),
				 ffsll((long long)v << 31));
		libc_checks += 3;
	}
	p = amphi_strdup("duplicate me");
	ck_assert_str_eq(p, "duplicate me");
	free(p);
	p = amphi_strndup("duplicate me", 4);
	ck_assert_str_eq(p, "dupl");
	free(p);
	p = amphi_strndup("ab", 10);
	ck_assert_str_eq(p, "ab");
	free(p);
	memset(buf, 'x', sizeof(buf));
	amphi_bzero(buf, 4);
	amphi_explicit_bzero(buf + 8, 2);
	ck_assert_mem_eq(buf, "\0\0\0\0xxxx\0\0xxxxxx", 16);
	ck_assert_ptr_eq(amphi_mempcpy(buf, "abc", 3), buf + 3);
	p = "abc";
	ck_assert_ptr_eq(amphi_memmem(p, 3, "", 0), p);
	libc_checks += 6;
}
END_TEST

Suite *string_suite(void)
{
	Suite *s = suite_create("string");
	TCase *tc = tcase_create("string");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_memcpy_memset);
	tcase_add_test(tc, test_memmove);
	tcase_add_test(tc, test_memcmp_memchr);
	tcase_add_test(tc, test_strlen);
	tcase_add_test(tc, test_compare_search);
	tcase_add_test(tc, test_copy_concat);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_misc);
	suite_add_tcase(s, tc);
	return s;
}
