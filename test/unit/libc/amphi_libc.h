/* Prototypes of the guest libc under test, renamed amphi_<name> by
 * guest-link.py --prefix, and helpers shared by the test files. */
#ifndef AMPHI_TEST_LIBC_H
#define AMPHI_TEST_LIBC_H

#include <check.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* string.h, strings.h */
void *amphi_memcpy(void *, const void *, size_t);
void *amphi_mempcpy(void *, const void *, size_t);
void *amphi_memmove(void *, const void *, size_t);
void *amphi_memset(void *, int, size_t);
int amphi_memcmp(const void *, const void *, size_t);
void *amphi_memchr(const void *, int, size_t);
void *amphi_memrchr(const void *, int, size_t);
void *amphi_memmem(const void *, size_t, const void *, size_t);
void *amphi_memccpy(void *, const void *, int, size_t);
size_t amphi_strlen(const char *);
size_t amphi_strnlen(const char *, size_t);
int amphi_strcmp(const char *, const char *);
int amphi_strncmp(const char *, const char *, size_t);
int amphi_strcasecmp(const char *, const char *);
int amphi_strncasecmp(const char *, const char *, size_t);
char *amphi_strcpy(char *, const char *);
char *amphi_strncpy(char *, const char *, size_t);
char *amphi_stpcpy(char *, const char *);
char *amphi_stpncpy(char *, const char *, size_t);
size_t amphi_strlcpy(char *, const char *, size_t);
size_t amphi_strlcat(char *, const char *, size_t);
char *amphi_strcat(char *, const char *);
char *amphi_strncat(char *, const char *, size_t);
char *amphi_strchr(const char *, int);
char *amphi_strrchr(const char *, int);
char *amphi_strchrnul(const char *, int);
char *amphi_strstr(const char *, const char *);
char *amphi_strcasestr(const char *, const char *);
size_t amphi_strspn(const char *, const char *);
size_t amphi_strcspn(const char *, const char *);
char *amphi_strpbrk(const char *, const char *);
char *amphi_strtok(char *, const char *);
char *amphi_strtok_r(char *, const char *, char **);
char *amphi_strsep(char **, const char *);
char *amphi_strdup(const char *);
char *amphi_strndup(const char *, size_t);
char *amphi_strerror(int);
int amphi_strerror_r(int, char *, size_t);
int amphi_ffs(int);
int amphi_ffsl(long);
int amphi_ffsll(long long);
void amphi_bzero(void *, size_t);
void amphi_explicit_bzero(void *, size_t);

/* errno */
int *amphi___errno_location(void);
#define amphi_errno (*amphi___errno_location())

/* ctype.h */
int amphi_isalnum(int);
int amphi_isalpha(int);
int amphi_isblank(int);
int amphi_iscntrl(int);
int amphi_isdigit(int);
int amphi_isgraph(int);
int amphi_islower(int);
int amphi_isprint(int);
int amphi_ispunct(int);
int amphi_isspace(int);
int amphi_isupper(int);
int amphi_isxdigit(int);
int amphi_tolower(int);
int amphi_toupper(int);
int amphi_isascii(int);
int amphi_toascii(int);

/* stdlib.h */
long amphi_strtol(const char *, char **, int);
unsigned long amphi_strtoul(const char *, char **, int);
long long amphi_strtoll(const char *, char **, int);
unsigned long long amphi_strtoull(const char *, char **, int);
intmax_t amphi_strtoimax(const char *, char **, int);
uintmax_t amphi_strtoumax(const char *, char **, int);
double amphi_strtod(const char *, char **);
float amphi_strtof(const char *, char **);
long double amphi_strtold(const char *, char **);
double amphi_atof(const char *);
int amphi_atoi(const char *);
long amphi_atol(const char *);
long long amphi_atoll(const char *);
int amphi_abs(int);
long amphi_labs(long);
long long amphi_llabs(long long);
div_t amphi_div(int, int);
ldiv_t amphi_ldiv(long, long);
lldiv_t amphi_lldiv(long long, long long);
void amphi_qsort(void *, size_t, size_t, int (*)(const void *, const void *));
void amphi_qsort_r(void *, size_t, size_t,
		   int (*)(const void *, const void *, void *), void *);
void *amphi_bsearch(const void *, const void *, size_t, size_t,
		    int (*)(const void *, const void *));
int amphi_rand(void);
void amphi_srand(unsigned int);
int amphi_rand_r(unsigned int *);

/* stdio.h */
int amphi_sprintf(char *, const char *, ...);
int amphi_vsprintf(char *, const char *, va_list);
int amphi_snprintf(char *, size_t, const char *, ...);
int amphi_vsnprintf(char *, size_t, const char *, va_list);
int amphi_asprintf(char **, const char *, ...);
int amphi_vasprintf(char **, const char *, va_list);
/* The engine behind the FILE printf family (core/libc/format.h). */
int amphi___libc_vformat(void (*emit)(void *, const char *, size_t),
			 void *arg, const char *, va_list);

/* Test helpers (main.c). */
/* Number of comparisons made against glibc or a reference. */
extern unsigned long libc_checks;
/* Deterministic 64-bit pseudo-random numbers. */
uint64_t test_rand64(void);
void test_rand_seed(uint64_t seed);

Suite *printf_suite(void);
Suite *string_suite(void);
Suite *stdlib_suite(void);
Suite *ctype_suite(void);
Suite *strtod_suite(void);

#endif
