/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-kernel tests. The same test source runs on every backend.
 *
 *   UK_TESTCASE(alloc, malloc_zero)
 *   {
 *           void *p = malloc(0);
 *           UK_TEST_EXPECT(p != NULL);
 *           UK_TEST_EXPECT_SNUM_EQ(errno, 0);
 *           free(p);
 *   }
 *
 * A failed EXPECT records the failure and goes on; a failed ASSERT also
 * ends the test case. uk_test_run() runs every case (or those whose
 * "suite.name" starts with a filter) and prints one line per case and a
 * final "N passed, N failed" line.
 */
#ifndef __UK_TEST_H__
#define __UK_TEST_H__

#include <string.h>
#include <uk/essentials.h>
#include <uk/linktab.h>

struct uk_testcase {
	const char *suite;
	const char *name;
	void (*fn)(void);
	unsigned long pad;	/* linktab entries are a power of 2 */
};

#define UK_TESTCASE(suite, name)					\
	static void uk_test_##suite##_##name(void);			\
	UK_LINKTAB_ENTRY(const struct uk_testcase,			\
			 __uk_testcase_##suite##_##name, "test",	\
			 #suite "." #name) = {				\
		#suite, #name, uk_test_##suite##_##name, 0		\
	};								\
	static void uk_test_##suite##_##name(void)

/* Records the result of one check; returns ok. */
int _uk_test_check(int ok, const char *file, int line, const char *fmt,
		   ...) __printf(4, 5);

/* Ends the current test case (after a failed assertion). */
void __noreturn _uk_test_abort_case(void);

#define UK_TEST_EXPECT(cond)						\
	_uk_test_check(!!(cond), __FILE__, __LINE__, "%s", #cond)

#define UK_TEST_ASSERT(cond)						\
	do {								\
		if (!UK_TEST_EXPECT(cond))				\
			_uk_test_abort_case();				\
	} while (0)

#define __UK_TEST_CMP(a, op, b, type, fmt)				\
	({								\
		type _a = (type)(a);					\
		type _b = (type)(b);					\
		_uk_test_check(_a op _b, __FILE__, __LINE__,		\
			       "%s %s %s (" fmt " vs " fmt ")",	\
			       #a, #op, #b, _a, _b);			\
	})

#define UK_TEST_EXPECT_SNUM_EQ(a, b)	__UK_TEST_CMP(a, ==, b, long, "%ld")
#define UK_TEST_EXPECT_SNUM_NE(a, b)	__UK_TEST_CMP(a, !=, b, long, "%ld")
#define UK_TEST_EXPECT_SNUM_GT(a, b)	__UK_TEST_CMP(a, >, b, long, "%ld")
#define UK_TEST_EXPECT_SNUM_GE(a, b)	__UK_TEST_CMP(a, >=, b, long, "%ld")
#define UK_TEST_EXPECT_SNUM_LT(a, b)	__UK_TEST_CMP(a, <, b, long, "%ld")
#define UK_TEST_EXPECT_UNUM_EQ(a, b)					\
	__UK_TEST_CMP(a, ==, b, unsigned long, "%lu")
#define UK_TEST_EXPECT_PTR_EQ(a, b)					\
	__UK_TEST_CMP(a, ==, b, const void *, "%p")
#define UK_TEST_EXPECT_PTR_NE(a, b)					\
	__UK_TEST_CMP(a, !=, b, const void *, "%p")
#define UK_TEST_EXPECT_NULL(a)		UK_TEST_EXPECT_PTR_EQ(a, NULL)
#define UK_TEST_EXPECT_NOT_NULL(a)	UK_TEST_EXPECT_PTR_NE(a, NULL)
#define UK_TEST_EXPECT_STR_EQ(a, b)					\
	({								\
		const char *_a = (a), *_b = (b);			\
		_uk_test_check(_a && _b && !strcmp(_a, _b), __FILE__,	\
			       __LINE__, "%s == %s (\"%s\" vs \"%s\")",	\
			       #a, #b, _a ? _a : "(null)",		\
			       _b ? _b : "(null)");			\
	})

/* Runs the test cases whose "suite.name" starts with one of the n
 * filters (all if there are none), except those a "-filter" names.
 * Returns the number of failed cases. */
int uk_test_run(const char *const filters[], int n);

#endif /* __UK_TEST_H__ */
