/* Host unit tests of core/libc: the guest libc against glibc. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "amphi_libc.h"

unsigned long libc_checks;
static uint64_t rand_state = 0x9e3779b97f4a7c15ULL;

uint64_t test_rand64(void)
{
	/* xorshift64* */
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	return rand_state * 0x2545f4914f6cdd1dULL;
}

void test_rand_seed(uint64_t seed)
{
	rand_state = seed ? seed : 1;
}

/* The guest's allocator lives in core/alloc; glibc's stands in. */
void *amphi_malloc(size_t n)
{
	return malloc(n);
}

void amphi_free(void *p)
{
	free(p);
}

int main(void)
{
	SRunner *sr = srunner_create(printf_suite());
	int failed;

	srunner_add_suite(sr, string_suite());
	srunner_add_suite(sr, stdlib_suite());
	srunner_add_suite(sr, ctype_suite());
	srunner_add_suite(sr, strtod_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("libc: %lu comparisons with glibc or a reference\n",
	       libc_checks);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

