/*
 * C library behaviour an app relies on, checked the same way on Linux and
 * on Amphi: number parsing and its errors, formatting, sorting, strings,
 * errno values and messages, atexit order and the exit status.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../posix-check.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void check_strtol(void)
{
	char *end;
	long v;

	errno = 0;
	v = strtol("  -0x1fZ", &end, 0);
	CHECK(v == -31 && *end == 'Z' && errno == 0);
	errno = 0;
	v = strtol("99999999999999999999", &end, 10);
	CHECK(v == LONG_MAX && errno == ERANGE && *end == '\0');
	errno = 0;
	v = strtol("xyz", &end, 10);
	CHECK(v == 0 && !strcmp(end, "xyz"));
	CHECK(strtoul("0777", NULL, 0) == 511);
	CHECK(atoi("  42abc") == 42);
}

/* Truncation is what is being checked. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
static void check_format(void)
{
	char buf[8];
	int n;

	n = snprintf(buf, sizeof(buf), "%s-%05d", "abcdef", 42);
	CHECK(n == 12 && !strcmp(buf, "abcdef-"));
	n = snprintf(NULL, 0, "%.3f|%-4x|%+d", 3.14159, 255, 7);
	CHECK(n == 13);
	snprintf(buf, sizeof(buf), "%c%c%%", 'o', 'k');
	CHECK(!strcmp(buf, "ok%"));
}

static void check_sort_and_strings(void)
{
	int v[] = { 5, -3, 9, 0, 5, 1 };
	char s[] = "a,b,,c";
	char *save, *tok;
	int count = 0;

	qsort(v, 6, sizeof(int), cmp_int);
	CHECK(v[0] == -3 && v[1] == 0 && v[5] == 9);
	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		count++;
	CHECK(count == 3);
	CHECK(strstr("haystack", "st") != NULL);
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK(toupper('q') == 'Q' && !isdigit('x'));
}

static void check_errno(void)
{
	CHECK(ENOENT == 2 && EAGAIN == 11 && ENOMEM == 12);
	CHECK(!strcmp(strerror(ENOENT), "No such file or directory"));
	CHECK(!strcmp(strerror(EINVAL), "Invalid argument"));
}

static void last_words(void)
{
	printf("atexit: second registered, first run\n");
}

static void first_words(void)
{
	printf("atexit: first registered, last run\n");
}

int main(void)
{
	check_strtol();
	check_format();
	check_sort_and_strings();
	check_errno();
	CHECK(atexit(first_words) == 0);
	CHECK(atexit(last_words) == 0);
	/* Buffered stdio must be flushed by exit() on both systems. */
	return posix_check_summary();
}
