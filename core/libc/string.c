/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * <string.h> and <strings.h>. The mem* functions work a word at a time
 * (or use the x86 string instructions) so that large copies are fast;
 * this file is built with -fno-tree-loop-distribute-patterns so that the
 * compiler does not turn their loops back into calls to themselves.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uk/arch/valgrind.h>
#include <uk/essentials.h>

typedef unsigned long word_t;
/* A word at any address; tells the compiler it may alias anything. */
typedef word_t __attribute__((may_alias, aligned(1))) uword_t;
/* A naturally aligned word that may alias anything. */
typedef word_t __attribute__((may_alias)) aword_t;

#define WSIZE		sizeof(word_t)
#define WMASK		(WSIZE - 1)
#define ONES		((word_t)-1 / 0xff)	/* 0x0101...01 */
#define HIGHS		(ONES * 0x80)		/* 0x8080...80 */
/* Non-zero iff some byte of w is zero. */
#define HAS_ZERO(w)	(((w) - ONES) & ~(w) & HIGHS)

static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	while (n && ((uintptr_t)d & WMASK)) {
		*d++ = *s++;
		n--;
	}
	for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
		*(aword_t *)d = *(const uword_t *)s;
	while (n--)
		*d++ = *s++;
}

static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	while (n && ((uintptr_t)d & WMASK)) {
		*--d = *--s;
		n--;
	}
	for (; n >= WSIZE; n -= WSIZE) {
		d -= WSIZE;
		s -= WSIZE;
		*(aword_t *)d = *(const uword_t *)s;
	}
	while (n--)
		*--d = *--s;
}

#if defined(__x86_64__)
/*
 * rep movsb/stosb are the fast copies on x86_64, but valgrind emulates one
 * that faults (a demand-paged page: the kernel maps it and restarts the
 * instruction) one byte short. Under valgrind the loops are used instead;
 * the answer is asked once (a benign race: every CPU gets the same one).
 */
static int string_insns = -1;

static inline int use_string_insns(void)
{
	if (unlikely(string_insns < 0))
		string_insns = !uk_valgrind_running();
	return string_insns;
}
#endif

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
#if defined(__x86_64__)
	void *d = dst;

	if (n < 64 || !use_string_insns()) {
		copy_forward(dst, src, n);
		return dst;
	}
	__asm__ __volatile__("rep movsb"
			     : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
	copy_forward(dst, src, n);
#endif
	return dst;
}

void *mempcpy(void *restrict dst, const void *restrict src, size_t n)
{
	return (char *)memcpy(dst, src, n) + n;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d + n <= s || s + n <= d)
		return memcpy(dst, src, n);
	/* Overlap: copy in the direction that reads each byte first. */
	if (d < s)
		copy_forward(dst, src, n);
	else if (d > s)
		copy_backward(dst, src, n);
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	word_t w = ONES * (unsigned char)c;

#if defined(__x86_64__)
	if (n >= 64 && use_string_insns()) {
		__asm__ __volatile__("rep stosb"
				     : "+D"(p), "+c"(n) : "a"(c) : "memory");
		return s;
	}
#endif
	while (n && ((uintptr_t)p & WMASK)) {
		*p++ = (unsigned char)c;
		n--;
	}
	for (; n >= WSIZE; n -= WSIZE, p += WSIZE)
		*(aword_t *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n >= WSIZE; n -= WSIZE, x += WSIZE, y += WSIZE)
		if (*(const uword_t *)x != *(const uword_t *)y)
			break;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int bcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

void bcopy(const void *src, void *dst, size_t n)
{
	memmove(dst, src, n);
}

void bzero(void *s, size_t n)
{
	memset(s, 0, n);
}

void explicit_bzero(void *s, size_t n)
{
	memset(s, 0, n);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = (const unsigned char *)s + n;

	while (n--)
		if (*--p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n; n--) {
		*d = *s++;
		if (*d++ == (unsigned char)c)
			return d;
	}
	return NULL;
}

void *memmem(const void *haystack, size_t hlen,
	     const void *needle, size_t nlen)
{
	const unsigned char *h = haystack, *end;
	const unsigned char *nd = needle;

	if (nlen == 0)
		return (void *)h;
	if (hlen < nlen)
		return NULL;
	end = h + (hlen - nlen);
	while (h <= end) {
		h = memchr(h, nd[0], (size_t)(end - h) + 1);
		if (!h)
			return NULL;
		if (!memcmp(h + 1, nd + 1, nlen - 1))
			return (void *)h;
		h++;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;
	const aword_t *w;

	for (; (uintptr_t)p & WMASK; p++)
		if (!*p)
			return (size_t)(p - s);
	/* Aligned reads never cross into the next page. */
	for (w = (const aword_t *)p; !HAS_ZERO(*w); w++)
		;
	for (p = (const char *)w; *p; p++)
		;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
	const char *p = memchr(s, 0, maxlen);

	return p ? (size_t)(p - s) : maxlen;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;

	for (; *x && *x == *y; x++, y++)
		;
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;

	if (!n)
		return 0;
	for (; --n && *x && *x == *y; x++, y++)
		;
	return *x - *y;
}

int strcoll(const char *a, const char *b)
{
	return strcmp(a, b);
}

size_t strxfrm(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strlen(src);

	if (len < n)
		memcpy(dst, src, len + 1);
	return len;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int strcasecmp(const char *a, const char *b)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;

	for (; *x && lower(*x) == lower(*y); x++, y++)
		;
	return lower(*x) - lower(*y);
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;

	if (!n)
		return 0;
	for (; --n && *x && lower(*x) == lower(*y); x++, y++)
		;
	return lower(*x) - lower(*y);
}

char *stpcpy(char *restrict dst, const char *restrict src)
{
	size_t len = strlen(src);

	memcpy(dst, src, len + 1);
	return dst + len;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	stpcpy(dst, src);
	return dst;
}

char *stpncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst + len;
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	stpncpy(dst, src, n);
	return dst;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strlen(src);
	size_t copy;

	if (!n)
		return len;
	copy = len < n ? len : n - 1;
	memcpy(dst, src, copy);
	dst[copy] = '\0';
	return len;
}

size_t strlcat(char *restrict dst, const char *restrict src, size_t n)
{
	size_t dlen = strnlen(dst, n);

	if (dlen == n)
		return n + strlen(src);
	return dlen + strlcpy(dst + dlen, src, n - dlen);
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *end = dst + strlen(dst);
	size_t len = strnlen(src, n);

	memcpy(end, src, len);
	end[len] = '\0';
	return dst;
}

char *strchrnul(const char *s, int c)
{
	for (; *s && *s != (char)c; s++)
		;
	return (char *)s;
}

char *strchr(const char *s, int c)
{
	s = strchrnul(s, c);
	return *s == (char)c ? (char *)s : NULL;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);

	if (!nlen)
		return (char *)haystack;
	for (; (haystack = strchr(haystack, needle[0])); haystack++)
		if (!strncmp(haystack, needle, nlen))
			return (char *)haystack;
	return NULL;
}

char *strcasestr(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncasecmp(haystack, needle, nlen))
			return (char *)haystack;
	return nlen ? NULL : (char *)haystack;
}

/* Bitmap of the bytes of set (bit 0 is the NUL byte, always included). */
static void byteset(word_t map[256 / (8 * sizeof(word_t))], const char *set)
{
	const unsigned char *p = (const void *)set;
	const unsigned int bits = 8 * sizeof(word_t);

	memset(map, 0, 256 / 8);
	map[0] = 1;
	for (; *p; p++)
		map[*p / bits] |= (word_t)1 << (*p % bits);
}

static int inset(const word_t *map, unsigned char c)
{
	const unsigned int bits = 8 * sizeof(word_t);

	return (map[c / bits] >> (c % bits)) & 1;
}

size_t strspn(const char *s, const char *accept)
{
	word_t map[256 / (8 * sizeof(word_t))];
	const unsigned char *p = (const void *)s;

	byteset(map, accept);
	map[0] &= ~(word_t)1;
	for (; inset(map, *p); p++)
		;
	return (size_t)((const char *)p - s);
}

size_t strcspn(const char *s, const char *reject)
{
	word_t map[256 / (8 * sizeof(word_t))];
	const unsigned char *p = (const void *)s;

	byteset(map, reject);
	for (; !inset(map, *p); p++)
		;
	return (size_t)((const char *)p - s);
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

char *strtok_r(char *restrict s, const char *restrict delim,
	       char **restrict saveptr)
{
	char *tok;

	if (!s)
		s = *saveptr;
	s += strspn(s, delim);
	if (!*s) {
		*saveptr = s;
		return NULL;
	}
	tok = s;
	s += strcspn(s, delim);
	if (*s)
		*s++ = '\0';
	*saveptr = s;
	return tok;
}

char *strtok(char *restrict s, const char *restrict delim)
{
	/* Shared by all threads, as the standard allows. */
	static char *save;

	return strtok_r(s, delim, &save);
}

char *strsep(char **sp, const char *delim)
{
	char *tok = *sp, *end;

	if (!tok)
		return NULL;
	end = tok + strcspn(tok, delim);
	if (*end)
		*end++ = '\0';
	else
		end = NULL;
	*sp = end;
	return tok;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = malloc(len + 1);

	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *strdup(const char *s)
{
	return strndup(s, SIZE_MAX);
}

int ffs(int i)
{
	return __builtin_ffs(i);
}

int ffsl(long i)
{
	return __builtin_ffsl(i);
}

int ffsll(long long i)
{
	return __builtin_ffsll(i);
}
