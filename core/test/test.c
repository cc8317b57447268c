/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The test runner. A failed assertion leaves its test case through a
 * saved context (no setjmp in a freestanding libc: a small arch-neutral
 * one built on __builtin_setjmp/__builtin_longjmp).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include <uk/test.h>

UK_LINKTAB_DEFINE(const struct uk_testcase, __uk_testtab, "test");

static struct {
	const struct uk_testcase *current;
	unsigned int checks;
	unsigned int failed_checks;
	void *abort_ctx[5];
} run;

int _uk_test_check(int ok, const char *file, int line, const char *fmt,
		   ...)
{
	va_list ap;

	run.checks++;
	if (ok)
		return 1;
	run.failed_checks++;
	uk_printk_raw("    FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	uk_vprintk_raw(fmt, ap);
	va_end(ap);
	uk_printk_raw("\n");
	return 0;
}

void _uk_test_abort_case(void)
{
	__builtin_longjmp(run.abort_ctx, 1);
}

/* "suite" or "suite.name" or any prefix of "suite.name" */
static int match_one(const struct uk_testcase *tc, const char *f)
{
	size_t slen = strlen(tc->suite);

	return !strncmp(tc->suite, f, MIN(slen, strlen(f))) &&
	       (strlen(f) <= slen ||
		(f[slen] == '.' &&
		 !strncmp(tc->name, f + slen + 1, strlen(f + slen + 1))));
}

/* A case runs if no "-filter" matches it and, where there are plain
 * filters, one of them does. */
static int matches(const struct uk_testcase *tc, const char *const f[],
		   int n)
{
	int i, includes = 0, hit = 0;

	for (i = 0; i < n; i++) {
		if (f[i][0] == '-') {
			if (match_one(tc, f[i] + 1))
				return 0;
			continue;
		}
		includes++;
		hit |= match_one(tc, f[i]);
	}
	return !includes || hit;
}

/* Runs one case; returns 1 if all its checks passed. */
static int __noinline run_case(const struct uk_testcase *tc)
{
	unsigned int failed_before = run.failed_checks;
	__nsec t0 = ukplat_monotonic_clock();

	run.current = tc;
	if (__builtin_setjmp(run.abort_ctx) == 0)
		tc->fn();
	uk_printk_raw("[%s] %s.%s (%llu us)\n",
		      run.failed_checks == failed_before ? " OK " : "FAIL",
		      tc->suite, tc->name,
		      (ukplat_monotonic_clock() - t0) / 1000);
	return run.failed_checks == failed_before;
}

int uk_test_run(const char *const filters[], int n)
{
	const struct uk_testcase *tc;
	unsigned int passed = 0, failed = 0;

	uk_linktab_foreach(tc, __uk_testtab) {
		if (!matches(tc, filters, n))
			continue;
		if (run_case(tc))
			passed++;
		else
			failed++;
	}
	uk_printk_raw("%u checks, %u failed\n", run.checks,
		      run.failed_checks);
	uk_printk_raw("%u passed, %u failed\n", passed, failed);
	return (int)failed;
}
