/*
 * mmap, munmap, mprotect, madvise and brk/sbrk as an app uses them,
 * checked the same way on Linux and on Amphi: anonymous memory is zeroed,
 * MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses, partial unmaps and
 * protection changes split mappings, MADV_DONTNEED zeroes private pages,
 * mincore tells touched pages from dropped ones and holes from mappings
 * and sees the process's mappings only (as munlock does),
 * and bad arguments give the errors Linux gives. No signals are caught:
 * a check never touches memory it expects to be inaccessible.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

#define PG	4096UL

static char *map_anon(void *addr, size_t len, int prot, int flags)
{
	return mmap(addr, len, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
}

/* Returns 1 if every byte of [p, p + len) is c. */
static int all_bytes(const char *p, size_t len, char c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* Returns 1 if [p, p + len) is free: a NOREPLACE mapping there works. */
static int range_is_free(char *p, size_t len)
{
	char *q = map_anon(p, len, PROT_READ, MAP_FIXED_NOREPLACE);

	if (q == MAP_FAILED)
		return 0;
	munmap(q, len);
	return q == p;
}

static void check_anonymous(void)
{
	char *p = map_anon(NULL, 8 * PG, PROT_READ | PROT_WRITE, 0);

	printf("anonymous mappings\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	CHECK(((uintptr_t)p & (PG - 1)) == 0);
	CHECK(all_bytes(p, 8 * PG, 0));
	memset(p, 'x', 8 * PG);
	CHECK(all_bytes(p, 8 * PG, 'x'));
	p[5 * PG + 17] = 'y';
	CHECK(p[5 * PG + 17] == 'y' && p[5 * PG + 16] == 'x');
	CHECK(munmap(p, 8 * PG) == 0);
	CHECK(range_is_free(p, 8 * PG));

	/* A length that is not a page multiple maps whole pages. */
	p = map_anon(NULL, 100, PROT_READ | PROT_WRITE, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		p[PG - 1] = 1;
		CHECK(all_bytes(p, PG - 1, 0));
		CHECK(munmap(p, 100) == 0);
	}

	/* Two mappings do not overlap. */
	p = map_anon(NULL, PG, PROT_READ | PROT_WRITE, 0);
	char *q = map_anon(NULL, PG, PROT_READ | PROT_WRITE, 0);
	CHECK(p != MAP_FAILED && q != MAP_FAILED && p != q);
	if (p != MAP_FAILED && q != MAP_FAILED) {
		*p = 1;
		*q = 2;
		CHECK(*p == 1 && *q == 2);
	}
	munmap(p, PG);
	munmap(q, PG);
}

static void check_fixed(void)
{
	char *p = map_anon(NULL, 4 * PG, PROT_READ | PROT_WRITE, 0);
	char *q;

	printf("MAP_FIXED and MAP_FIXED_NOREPLACE\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	memset(p, 'a', 4 * PG);
	q = map_anon(p + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED);
	CHECK(q == p + PG);
	CHECK(all_bytes(p + PG, 2 * PG, 0));
	CHECK(all_bytes(p, PG, 'a') && all_bytes(p + 3 * PG, PG, 'a'));

	errno = 0;
	q = map_anon(p + 2 * PG, PG, PROT_READ, MAP_FIXED_NOREPLACE);
	CHECK(q == MAP_FAILED && errno == EEXIST);
	/* Partly overlapping is refused too, and changes nothing. */
	errno = 0;
	q = map_anon(p + 3 * PG, 2 * PG, PROT_READ, MAP_FIXED_NOREPLACE);
	CHECK(q == MAP_FAILED && errno == EEXIST);
	CHECK(all_bytes(p + 3 * PG, PG, 'a'));
	CHECK(munmap(p, 4 * PG) == 0);

	q = map_anon(p, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);
	CHECK(q == p);
	if (q == p) {
		CHECK(all_bytes(q, 2 * PG, 0));
		munmap(q, 2 * PG);
	}
}

static void check_partial_munmap(void)
{
	char *p = map_anon(NULL, 6 * PG, PROT_READ | PROT_WRITE, 0);

	printf("partial munmap\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	memset(p, 'm', 6 * PG);
	CHECK(munmap(p + 2 * PG, 2 * PG) == 0);
	CHECK(all_bytes(p, 2 * PG, 'm'));
	CHECK(all_bytes(p + 4 * PG, 2 * PG, 'm'));
	CHECK(range_is_free(p + 2 * PG, 2 * PG));
	/* Unmapping a range with holes, and an unmapped range, succeeds. */
	CHECK(munmap(p + 2 * PG, 2 * PG) == 0);
	CHECK(munmap(p, 6 * PG) == 0);
	CHECK(range_is_free(p, 6 * PG));
}

static void check_mprotect(void)
{
	char *p = map_anon(NULL, 4 * PG, PROT_READ | PROT_WRITE, 0);

	printf("mprotect\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	memset(p, 'r', 4 * PG);
	CHECK(mprotect(p + PG, PG, PROT_READ) == 0);
	CHECK(all_bytes(p, 4 * PG, 'r'));
	p[0] = 'w';
	p[2 * PG] = 'w';
	CHECK(mprotect(p + PG, PG, PROT_READ | PROT_WRITE) == 0);
	p[PG] = 'w';
	CHECK(p[0] == 'w' && p[PG] == 'w' && p[2 * PG] == 'w');

	/* PROT_NONE, then readable again: the contents are kept. */
	CHECK(mprotect(p, 4 * PG, PROT_NONE) == 0);
	CHECK(mprotect(p, 4 * PG, PROT_READ) == 0);
	CHECK(p[PG] == 'w' && p[3 * PG] == 'r');

	/* The system call (musl's mprotect rounds the start down). */
	errno = 0;
	CHECK(syscall(SYS_mprotect, p + 1, PG, PROT_READ) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(mprotect(p, PG, 0x1000) == -1 && errno == EINVAL);
	CHECK(munmap(p + 2 * PG, PG) == 0);
	/* A hole in the range: ENOMEM. */
	errno = 0;
	CHECK(mprotect(p, 4 * PG, PROT_READ) == -1 && errno == ENOMEM);
	CHECK(mprotect(p, PG, PROT_READ) == 0);
	CHECK(munmap(p, 4 * PG) == 0);

	/* A page mapped PROT_NONE can be made writable later. */
	p = map_anon(NULL, PG, PROT_NONE, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		CHECK(mprotect(p, PG, PROT_READ | PROT_WRITE) == 0);
		p[10] = 3;
		CHECK(p[10] == 3 && p[11] == 0);
		munmap(p, PG);
	}
}

static void check_madvise(void)
{
	char *p = map_anon(NULL, 4 * PG, PROT_READ | PROT_WRITE, 0);

	printf("madvise\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	memset(p, 'd', 4 * PG);
	CHECK(madvise(p + PG, 2 * PG, MADV_DONTNEED) == 0);
	CHECK(all_bytes(p + PG, 2 * PG, 0));
	CHECK(all_bytes(p, PG, 'd') && all_bytes(p + 3 * PG, PG, 'd'));
	p[PG] = 'n';
	CHECK(p[PG] == 'n');
	CHECK(madvise(p, 4 * PG, MADV_NORMAL) == 0);
	CHECK(madvise(p, 4 * PG, MADV_WILLNEED) == 0);
	CHECK(p[PG] == 'n' && p[0] == 'd');
	errno = 0;
	CHECK(madvise(p + 1, PG, MADV_DONTNEED) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(madvise(p, PG, 12345) == -1 && errno == EINVAL);
	CHECK(munmap(p, 4 * PG) == 0);
}

/* Bit 0 of each of mincore's n bytes for [p, p + len), as a mask
 * (page i is bit i); -1 with errno if the call fails. vec[n] must stay
 * as it was: the call writes one byte a page, no more. */
static long resident(void *p, size_t len, size_t n)
{
	unsigned char vec[8];
	long mask = 0;
	size_t i;

	memset(vec, 0xee, sizeof(vec));
	if (mincore(p, len, vec))
		return -1;
	for (i = 0; i < n; i++)
		mask |= (long)(vec[i] & 1) << i;
	return vec[n] == 0xee ? mask : -2;
}

static void check_mincore(void)
{
	char *p = map_anon(NULL, 4 * PG, PROT_READ | PROT_WRITE, 0);
	unsigned char v;
	int local = 1;

	printf("mincore\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	memset(p, 'm', 3 * PG);
	CHECK(resident(p, 3 * PG, 3) == 7);
	/* Dropped pages are mapped but not in memory; a partial page
	 * counts as a page. */
	CHECK(madvise(p + PG, PG, MADV_DONTNEED) == 0);
	CHECK(resident(p, 2 * PG + 1, 3) == 5);
	CHECK(resident(p, 0, 0) == 0);
	/* The stack is a mapping too, and the page in use is there. */
	CHECK(resident((void *)((uintptr_t)&local & ~(PG - 1)), 1, 1) == 1);
	CHECK(munmap(p + 3 * PG, PG) == 0);
	errno = 0;
	CHECK(resident(p, 4 * PG, 4) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(resident(p + 3 * PG, PG, 1) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(resident(p + 1, PG, 1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mincore(p, PG, (unsigned char *)8) == -1 && errno == EFAULT);
	CHECK(mincore(p, PG, &v) == 0);
	CHECK(munmap(p, 3 * PG) == 0);
}

/* 0, or the errno of mincore (vec 0) or munlock (vec 1) on page a. */
static int page_err(uintptr_t a, int lock)
{
	unsigned char v;
	int rc;

	errno = 0;
	rc = lock ? munlock((void *)a, PG) : mincore((void *)a, PG, &v);
	return rc ? errno : 0;
}

/* How many of the n pages from lo mincore and munlock disagree on. */
static long disagree(uintptr_t lo, long n)
{
	long i, bad = 0;

	for (i = 0; i < n; i++)
		bad += page_err(lo + i * PG, 0) != page_err(lo + i * PG, 1);
	return bad;
}

/*
 * mincore sees the process's mappings only, as munlock (which needs a
 * mapping, nothing more) does: a page is mapped to both or to neither
 * (ENOMEM), from 16 MiB below main()'s stack to just above it and 16 MiB
 * each side of a fresh mapping; on Amphi that spans other threads'
 * stacks, which are the kernel's, and the app heap, which is the app's.
 */
static void check_mincore_kernel(void)
{
	char *p = map_anon(NULL, PG, PROT_READ | PROT_WRITE, 0);
	int local = 1;
	uintptr_t sp = (uintptr_t)&local & ~(PG - 1);

	printf("mincore and munlock agree\n");
	CHECK(p != MAP_FAILED && local);
	CHECK(disagree(sp - 4096 * PG, 4096 + 16) == 0);
	if (p != MAP_FAILED)
		CHECK(disagree((uintptr_t)p - 4096 * PG, 8192) == 0);
	CHECK(p == MAP_FAILED || munmap(p, PG) == 0);
}

static void check_errors(void)
{
	char *p;

	printf("argument errors\n");
	errno = 0;
	p = map_anon(NULL, 0, PROT_READ, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	errno = 0;
	p = map_anon((void *)(0x10000000UL + 1), PG, PROT_READ, MAP_FIXED);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	/* Neither MAP_PRIVATE nor MAP_SHARED. */
	errno = 0;
	p = mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	/* Both bits: MAP_SHARED_VALIDATE, which anonymous memory refuses. */
	errno = 0;
	p = mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS | MAP_PRIVATE | MAP_SHARED,
		 -1, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	/* An anonymous mapping with an unaligned offset. */
	errno = 0;
	p = mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS | MAP_PRIVATE, -1, 1);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	/* More than the address space holds. */
	errno = 0;
	p = map_anon(NULL, (size_t)1 << 62, PROT_READ, 0);
	CHECK(p == MAP_FAILED && errno == ENOMEM);
	errno = 0;
	p = map_anon(NULL, SIZE_MAX - PG, PROT_READ, 0);
	CHECK(p == MAP_FAILED && errno == ENOMEM);

	p = map_anon(NULL, PG, PROT_READ, 0);
	CHECK(p != MAP_FAILED);
	errno = 0;
	CHECK(munmap(p + 1, PG) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(munmap(p, 0) == -1 && errno == EINVAL);
	CHECK(munmap(p, PG) == 0);
}

static void check_mremap(void)
{
	char *p = map_anon(NULL, 4 * PG, PROT_READ | PROT_WRITE, 0);
	char *q;

	printf("mremap\n");
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	memset(p, 's', 4 * PG);
	/* Shrinking stays in place and frees the tail. */
	q = mremap(p, 4 * PG, PG, 0);
	CHECK(q == p);
	CHECK(range_is_free(p + PG, 3 * PG));
	/* Growing into free space stays in place; new pages are zero. */
	q = mremap(p, PG, 2 * PG, 0);
	CHECK(q == p);
	if (q == p) {
		CHECK(all_bytes(p, PG, 's') && all_bytes(p + PG, PG, 0));
		memset(p + PG, 't', PG);
	}
	/* Blocked by the next mapping: ENOMEM unless it may move. */
	q = map_anon(p + 2 * PG, PG, PROT_READ, MAP_FIXED_NOREPLACE);
	CHECK(q == p + 2 * PG);
	errno = 0;
	CHECK(mremap(p, 2 * PG, 4 * PG, 0) == MAP_FAILED && errno == ENOMEM);
	q = mremap(p, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	if (q != MAP_FAILED && q != p) {
		CHECK(all_bytes(q, PG, 's') && all_bytes(q + PG, PG, 't'));
		CHECK(all_bytes(q + 2 * PG, 2 * PG, 0));
		CHECK(range_is_free(p, 2 * PG));
		CHECK(munmap(q, 4 * PG) == 0);
	}
	CHECK(munmap(p + 2 * PG, PG) == 0);
	errno = 0;
	CHECK(mremap(p + 1, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EINVAL);
	errno = 0;
	CHECK(mremap(p, PG, 0, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EINVAL);
}

/* The break, through the system call: C libraries differ above it
 * (musl's brk() always fails, its sbrk() only reports the break). */
static char *sys_brk(void *addr)
{
	return (char *)syscall(SYS_brk, addr);
}

static void check_brk(void)
{
	char *start;

	printf("brk\n");
	start = sys_brk(NULL);
	CHECK(start != NULL);
	CHECK(sys_brk(start + 4 * PG) == start + 4 * PG);
	CHECK(all_bytes(start, 4 * PG, 0));
	memset(start, 'b', 4 * PG);
	CHECK(all_bytes(start, 4 * PG, 'b'));
	CHECK(sys_brk(start + 2 * PG) == start + 2 * PG);
	CHECK(sys_brk(NULL) == start + 2 * PG);
	CHECK(sys_brk(start + PG) == start + PG);
	CHECK(sys_brk(start) == start);
	/* Memory given back and taken again is zeroed. */
	CHECK(sys_brk(start + PG) == start + PG);
	CHECK(all_bytes(start, PG, 0));
	/* Too far: the break does not move. */
	CHECK(sys_brk(start + (1L << 46)) == start + PG);
	CHECK(sys_brk(start) == start);
}

int main(void)
{
	check_anonymous();
	check_fixed();
	check_partial_munmap();
	check_mprotect();
	check_madvise();
	check_mincore();
	check_mincore_kernel();
	check_errors();
	check_mremap();
	check_brk();
	return posix_check_summary();
}
