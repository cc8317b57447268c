/* Heap (uk_alloc) over the buddy allocator, and the libc wrappers. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "amphi_alloc.h"

#define HEAP_FRAMES	8192		/* 32 MiB */

static struct uk_falloc *fa;
static struct tmem mem;
static struct uk_alloc *a;

static void heap_setup_frames(unsigned long frames)
{
	fa = falloc_new();
	tmem_init(&mem, frames, 0x200000000UL);
	ck_assert_int_eq(tmem_add(fa, &mem), 0);
	a = amphi_uk_alloc_heap_init(fa, mem.dm_off);
	ck_assert_ptr_nonnull(a);
}

static void heap_setup(void)
{
	heap_setup_frames(HEAP_FRAMES);
}

static void heap_teardown(void)
{
	/* Heaps give each other their spares: a dead one must not stay
	 * known. */
	uk_alloc_heap_destroy(a);
	falloc_delete(fa);
	tmem_fini(&mem);
}

static void fill(void *p, size_t n, unsigned int seed)
{
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)(seed * 31 + i * 7);
}

static int check_fill(const void *p, size_t n, unsigned int seed)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i] != (unsigned char)(seed * 31 + i * 7))
			return 0;
	return 1;
}

static int in_heap_memory(const void *p, size_t n)
{
	const char *b = mem.buf;

	return (const char *)p >= b &&
	       (const char *)p + n <= b + mem.frames * PAGE_SIZE;
}

START_TEST(test_sizes)
{
	enum { N = 700 };
	static void *p[N];
	static size_t sz[N];
	void *zero;
	unsigned long start = fa->free_memory;
	int i;

	for (i = 0; i < N; i++) {
		/* 0..64 KiB, dense in the small range */
		sz[i] = i < 300 ? (size_t)i * 7 : (size_t)(i - 300) * 164;
		p[i] = uk_malloc(a, sz[i]);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert(((uintptr_t)p[i] & 15) == 0);
		ck_assert(in_heap_memory(p[i], sz[i]));
		ck_assert_uint_ge(uk_alloc_usable_size(a, p[i]), sz[i]);
		fill(p[i], sz[i], i);
	}
	/* a zero-size block is unique */
	zero = uk_malloc(a, 0);
	ck_assert_ptr_ne(p[0], zero);
	uk_free(a, zero);
	for (i = 0; i < N; i++)
		ck_assert_msg(check_fill(p[i], sz[i], i), "block %d", i);
	for (i = 0; i < N; i += 2)
		uk_free(a, p[i]);
	for (i = 1; i < N; i += 2)
		uk_free(a, p[i]);
	uk_free(a, NULL);
	/* One empty slab per class and one arena at most stay in the
	 * heap; trimmed, all of it is back. */
	ck_assert_uint_ge(fa->free_memory + 64 * UK_ALLOC_HEAP_SPARE_SLAB_MAX +
			  UK_ALLOC_HEAP_SPARE_ARENA, start);
	ck_assert_uint_eq(start - fa->free_memory,
			  uk_alloc_heap_trim(a) * PAGE_SIZE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
}
END_TEST

START_TEST(test_align)
{
	size_t al, sizes[] = { 1, 16, 100, 2000, 5000, 70000 };
	unsigned int i;
	void *p;

	for (al = 1; al <= (1UL << 20); al <<= 1) {
		for (i = 0; i < (unsigned int)ARRAY_SIZE(sizes); i++) {
			p = uk_memalign(a, al, sizes[i]);
			ck_assert_ptr_nonnull(p);
			ck_assert_msg(((uintptr_t)p & (al - 1)) == 0,
				      "memalign(%zu, %zu) = %p", al,
				      sizes[i], p);
			ck_assert(in_heap_memory(p, sizes[i]));
			fill(p, sizes[i], i);
			ck_assert_uint_ge(uk_alloc_usable_size(a, p),
					  sizes[i]);
			uk_free(a, p);
		}
		if (al < sizeof(void *))
			continue;
		ck_assert_int_eq(uk_posix_memalign(a, &p, al, 33), 0);
		ck_assert(((uintptr_t)p & (al - 1)) == 0);
		uk_free(a, p);
	}
	ck_assert_int_eq(uk_posix_memalign(a, &p, 0, 8), EINVAL);
	ck_assert_int_eq(uk_posix_memalign(a, &p, 4, 8), EINVAL);
	ck_assert_int_eq(uk_posix_memalign(a, &p, 24, 8), EINVAL);
	ck_assert_int_eq(uk_posix_memalign(a, &p, 48, 8), EINVAL);
	ck_assert_ptr_null(uk_memalign(a, 3, 8));
	/* all big-alignment trims were given back */
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
}
END_TEST

START_TEST(test_realloc)
{
	size_t sz = 1, nsz;
	char *p = uk_realloc(a, NULL, sz), *q;

	ck_assert_ptr_nonnull(p);
	fill(p, sz, 1);
	/* grow from 1 byte to 200 KiB, checking the contents each step */
	while (sz < 200000) {
		nsz = sz * 3 / 2 + 1;
		p = uk_realloc(a, p, nsz);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(check_fill(p, sz, 1), "grow to %zu", nsz);
		fill(p, nsz, 1);
		sz = nsz;
	}
	/* large shrink stays in place */
	q = uk_realloc(a, p, 150000);
	ck_assert_ptr_eq(q, p);
	ck_assert(check_fill(q, 150000, 1));
	/* shrink down to small sizes */
	while (sz > 1) {
		nsz = sz / 3;
		p = uk_realloc(a, p, nsz ? nsz : 1);
		ck_assert_ptr_nonnull(p);
		sz = nsz ? nsz : 1;
		ck_assert(check_fill(p, sz, 1));
	}
	/* same class: in place */
	p = uk_realloc(a, p, 10);
	q = uk_realloc(a, p, 14);
	ck_assert_ptr_eq(p, q);
	ck_assert_ptr_null(uk_realloc(a, q, 0));
	/* huge: NULL, block untouched */
	p = uk_malloc(a, 100);
	fill(p, 100, 9);
	ck_assert_ptr_null(uk_realloc(a, p, SIZE_MAX / 2));
	ck_assert(check_fill(p, 100, 9));
	uk_free(a, p);
}
END_TEST

START_TEST(test_realloc_large_in_place)
{
	char *p = uk_malloc(a, 40 * PAGE_SIZE), *q;
	unsigned long before;

	/* a fresh heap: the frames after the block are free */
	fill(p, 40 * PAGE_SIZE, 4);
	before = fa->free_memory;
	q = uk_realloc(a, p, 50 * PAGE_SIZE);
	ck_assert_ptr_eq(q, p);
	ck_assert(check_fill(q, 40 * PAGE_SIZE, 4));
	ck_assert_uint_eq(before - fa->free_memory, 10 * PAGE_SIZE);
	q = uk_realloc(a, q, 39 * PAGE_SIZE);
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(fa->free_memory, before + PAGE_SIZE);
	uk_free(a, q);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
}
END_TEST

START_TEST(test_calloc)
{
	size_t sizes[] = { 1, 24, 1000, 2048, 3000, 40000 };
	unsigned int i;
	unsigned char *p;
	size_t j;

	for (i = 0; i < (unsigned int)ARRAY_SIZE(sizes); i++) {
		p = uk_malloc(a, sizes[i]);
		memset(p, 0xee, sizes[i]);
		uk_free(a, p);
		p = uk_calloc(a, 1, sizes[i]);
		ck_assert_ptr_nonnull(p);
		for (j = 0; j < sizes[i]; j++)
			ck_assert_uint_eq(p[j], 0);
		uk_free(a, p);
	}
	ck_assert_ptr_null(uk_calloc(a, SIZE_MAX / 2, 3));
	ck_assert_ptr_null(uk_calloc(a, 1UL << 33, 1UL << 33));
	p = uk_calloc(a, 0, 10);
	ck_assert_ptr_nonnull(p);
	uk_free(a, p);
}
END_TEST

START_TEST(test_exhaustion)
{
	static void *p[4096];
	unsigned long start, n = 0, i;
	__ssz avail;

	heap_teardown();
	heap_setup_frames(64);
	start = fa->free_memory;
	avail = uk_alloc_availmem(a);
	ck_assert_int_eq(avail, start);
	ck_assert_ptr_null(uk_malloc(a, 1 << 20));
	ck_assert_ptr_null(uk_malloc(a, SIZE_MAX));
	while ((p[n] = uk_malloc(a, 1000)) != NULL)
		n++;
	ck_assert_uint_gt(n, 100);
	/* Less is left than one slab of the class (at most 16 pages). */
	ck_assert_int_lt(uk_alloc_availmem(a), 16 * PAGE_SIZE);
	for (i = 0; i < n; i++)
		uk_free(a, p[i]);
	/* One slab of the class waits as the spare, and a large block
	 * fits again: the spare goes back when it is needed. */
	ck_assert_uint_ge(fa->free_memory + UK_ALLOC_HEAP_SPARE_SLAB_MAX,
			  start);
	p[0] = uk_malloc(a, 100000);
	ck_assert_ptr_nonnull(p[0]);
	uk_free(a, p[0]);
	ck_assert_int_gt(uk_alloc_maxalloc(a), 100000);
}
END_TEST

/* Takes every free frame of fa, one at a time; returns how many. */
static unsigned long hog_frames(__paddr_t *pa, unsigned long max)
{
	unsigned long n = 0;

	while (n < max) {
		pa[n] = __PADDR_ANY;
		if (uk_falloc(fa, &pa[n], 1, 0))
			break;
		n++;
	}
	ck_assert_uint_eq(fa->free_memory, 0);
	return n;
}

/* Gives back the n frames hog_frames took. */
static void unhog_frames(const __paddr_t *pa, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(uk_ffree(fa, pa[i], 1), 0);
}

/*
 * An emptied arena and slab wait as spares: the next round trip takes
 * no pages. With every frame taken, a heap that needs pages gets them
 * from the spares, its own or another heap's on the same frames (the
 * kernel's and the app's heap).
 */
START_TEST(test_spares_kept_and_reclaimed)
{
	static __paddr_t hog[HEAP_FRAMES];
	unsigned long start, mid, n;
	struct uk_alloc *b = amphi_uk_alloc_heap_init(fa, mem.dm_off);
	void *p;

	ck_assert_ptr_nonnull(b);
	start = fa->free_memory;
	uk_free(b, uk_malloc(b, 4096));		/* an arena block */
	mid = start - fa->free_memory;
	ck_assert_uint_eq(mid, UK_ALLOC_HEAP_SPARE_ARENA);
	uk_free(b, uk_malloc(b, 4096));
	uk_free(b, uk_malloc(b, 100000));
	ck_assert_uint_eq(start - fa->free_memory, mid);
	uk_free(b, uk_malloc(b, 2048));		/* a slab of 16 pages */
	ck_assert_uint_gt(start - fa->free_memory, mid);
	mid = start - fa->free_memory;
	uk_free(b, uk_malloc(b, 2048));
	ck_assert_uint_eq(start - fa->free_memory, mid);

	/* Memory gone: a's new slab comes from b's spares. */
	n = hog_frames(hog, HEAP_FRAMES);
	p = uk_malloc(a, 16);
	ck_assert_ptr_nonnull(p);
	/* and b's own arena block, from a's (new) spare slab */
	uk_free(a, p);
	p = uk_malloc(b, 4096);
	ck_assert_ptr_nonnull(p);
	uk_free(b, p);
	unhog_frames(hog, n);
	ck_assert_uint_eq(start - fa->free_memory,
			  (uk_alloc_heap_trim(a) + uk_alloc_heap_trim(b)) *
			  PAGE_SIZE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
	amphi_uk_alloc_heap_destroy(b);
}
END_TEST

/*
 * A freed slab block waits in its CPU's cache: the next malloc of its
 * class returns it (no slab touched), and it holds its slab until
 * memory is short. With every frame taken, a malloc that needs pages
 * gets them from the slabs the cached blocks held.
 */
START_TEST(test_cache_given_back_when_short)
{
	static __paddr_t hog[HEAP_FRAMES];
	unsigned long start = fa->free_memory, held, n, i;
	void *p[UK_ALLOC_HEAP_CACHE_BLOCKS], *q;

	for (i = 0; i < 8; i++)
		p[i] = uk_malloc(a, 2048);
	held = start - fa->free_memory;
	ck_assert_uint_gt(held, 0);
	ck_assert_uint_le(held, UK_ALLOC_HEAP_SPARE_SLAB_MAX);
	for (i = 0; i < 8; i++)
		uk_free(a, p[i]);
	/* Last in, first out; nothing taken or given. */
	q = uk_malloc(a, 2000);
	ck_assert_ptr_eq(q, p[7]);
	uk_free(a, q);
	ck_assert_uint_eq(start - fa->free_memory, held);

	n = hog_frames(hog, HEAP_FRAMES);
	/* An arena block: its pages are the cached blocks' slab. */
	q = uk_malloc(a, 4096);
	ck_assert_ptr_nonnull(q);
	uk_free(a, q);
	unhog_frames(hog, n);
	ck_assert_uint_eq(start - fa->free_memory,
			  uk_alloc_heap_trim(a) * PAGE_SIZE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
}
END_TEST

/* Blocks of every class go through the cache and back: no block is
 * handed out twice, and the count and byte bounds hold (what is not
 * cached goes to the slabs: after a flush all of it is free). */
START_TEST(test_cache_bounded)
{
	enum { N = 200 };
	static void *p[N];
	unsigned long start = fa->free_memory;
	size_t size;
	int i, j;

	for (size = 16; size <= UK_ALLOC_HEAP_SMALL_MAX; size += 48) {
		for (i = 0; i < N; i++) {
			p[i] = uk_malloc(a, size);
			ck_assert_ptr_nonnull(p[i]);
			fill(p[i], size, i);
		}
		for (i = 0; i < N; i++)
			ck_assert(check_fill(p[i], size, i));
		for (i = 0; i < N; i += 2)
			uk_free(a, p[i]);
		for (i = 0; i < N; i += 2) {
			p[i] = uk_malloc(a, size);
			fill(p[i], size, i);
		}
		for (i = 0; i < N; i++) {
			ck_assert(check_fill(p[i], size, i));
			for (j = i + 1; j < N && j < i + 8; j++)
				ck_assert_ptr_ne(p[i], p[j]);
		}
		for (i = 0; i < N; i++)
			uk_free(a, p[i]);
	}
	/* Flushed, the caches' blocks are back in their slabs (one empty
	 * slab per class stays as its spare). */
	uk_alloc_heap_flush(a);
	ck_assert_uint_ge(fa->free_memory + 64 * UK_ALLOC_HEAP_SPARE_SLAB_MAX,
			  start);
	ck_assert_uint_eq(start - fa->free_memory,
			  uk_alloc_heap_trim(a) * PAGE_SIZE);
}
END_TEST

START_TEST(test_libc_wrappers)
{
	void *p;

	ck_assert_ptr_null(amphi_uk_alloc_get_default());
	ck_assert_ptr_null(amphi_malloc(10));
	ck_assert_int_eq(errno, ENOMEM);
	amphi_uk_alloc_set_default(a);
	p = amphi_malloc(10);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(amphi_malloc_usable_size(p), 10);
	p = amphi_realloc(p, 5000);
	ck_assert_ptr_nonnull(p);
	amphi_free(p);
	errno = 0;
	ck_assert_ptr_null(amphi_malloc(SIZE_MAX));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_null(amphi_calloc(SIZE_MAX, 2));
	ck_assert_ptr_null(amphi_realloc(NULL, SIZE_MAX));
	ck_assert_int_eq(amphi_posix_memalign(&p, 12, 8), EINVAL);
	ck_assert_int_eq(amphi_posix_memalign(&p, 64, 8), 0);
	ck_assert(((uintptr_t)p & 63) == 0);
	amphi_free(p);
	errno = 0;
	ck_assert_ptr_null(amphi_memalign(12, 8));
	ck_assert_int_eq(errno, EINVAL);
	p = amphi_aligned_alloc(4096, 4096);
	ck_assert(((uintptr_t)p & 4095) == 0);
	amphi_free(p);
	p = amphi_calloc(3, 5);
	ck_assert_ptr_nonnull(p);
	amphi_free(p);
	amphi_free(NULL);
	amphi_uk_alloc_set_default(NULL);
}
END_TEST

START_TEST(test_valgrind_abi)
{
	/* Off valgrind the magic sequence is a no-op returning the default.
	 * (Under valgrind, RUNNING_ON_VALGRIND answers the nesting depth.) */
	unsigned long r = ukarch_valgrind_request(1234, 0xdeadbeef,
						  1, 2, 3, 4, 5);

	if (!uk_valgrind_running())
		ck_assert_uint_eq(r, 1234);
	ck_assert_uint_eq(UK_VG_MAKE_MEM_DEFINED, 0x4d430002UL);
}
END_TEST

TCase *heap_tcase_basic(void)
{
	TCase *tc = tcase_create("heap");

	tcase_add_checked_fixture(tc, heap_setup, heap_teardown);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_align);
	tcase_add_test(tc, test_realloc);
	tcase_add_test(tc, test_realloc_large_in_place);
	tcase_add_test(tc, test_calloc);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_spares_kept_and_reclaimed);
	tcase_add_test(tc, test_cache_given_back_when_short);
	tcase_add_test(tc, test_cache_bounded);
	tcase_add_test(tc, test_libc_wrappers);
	tcase_add_test(tc, test_valgrind_abi);
	return tc;
}

/* --- bad frees crash, naming the pointer ------------------------------- */

START_TEST(test_double_free_small)
{
	void *p = uk_malloc(a, 40), *q = uk_malloc(a, 40);

	uk_free(a, p);
	(void)q;
	uk_free(a, p);
}
END_TEST

/* Blocks freed past a full cache go back to their slab and come into
 * the cache again when it is refilled: a second free of any of them
 * crashes, wherever it is. */
START_TEST(test_double_free_refilled)
{
	static void *p[4 * UK_ALLOC_HEAP_CACHE_BLOCKS];
	unsigned int i;
	void *q;

	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = uk_malloc(a, 48);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		uk_free(a, p[i]);
	uk_alloc_heap_flush(a);
	q = uk_malloc(a, 48);
	uk_free(a, p[0] == q ? p[1] : p[0]);
}
END_TEST

START_TEST(test_double_free_large)
{
	void *p = uk_malloc(a, 50000);

	uk_free(a, p);
	uk_free(a, p);
}
END_TEST

START_TEST(test_free_foreign)
{
	int local;

	uk_malloc(a, 8);
	uk_free(a, &local);
}
END_TEST

START_TEST(test_free_interior)
{
	char *p = uk_malloc(a, 100);

	uk_free(a, p + 16);
}
END_TEST

START_TEST(test_free_interior_large)
{
	char *p = uk_malloc(a, 10000);

	uk_free(a, p + 8);
}
END_TEST

TCase *heap_tcase_crash(void)
{
	TCase *tc = tcase_create("heap-crash");

	tcase_add_checked_fixture(tc, heap_setup, heap_teardown);
	tcase_add_test_raise_signal(tc, test_double_free_small, SIGABRT);
	tcase_add_test_raise_signal(tc, test_double_free_refilled, SIGABRT);
	tcase_add_test_raise_signal(tc, test_double_free_large, SIGABRT);
	tcase_add_test_raise_signal(tc, test_free_foreign, SIGABRT);
	tcase_add_test_raise_signal(tc, test_free_interior, SIGABRT);
	tcase_add_test_raise_signal(tc, test_free_interior_large, SIGABRT);
	return tc;
}

/* --- random stress ------------------------------------------------------ */

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t rnd_size(unsigned long *s)
{
	unsigned long r = rnd(s);

	if (r % 10 < 7)
		return r % 257;
	if (r % 10 < 9)
		return r % 2100;
	return r % 70000;
}

START_TEST(test_stress)
{
	enum { LIVE = 1500, OPS = 60000 };
	static struct { char *p; size_t n; unsigned int seed; } b[LIVE];
	unsigned long s = 0x1234567 + _i, op, start = fa->free_memory;
	unsigned int i;

	memset(b, 0, sizeof(b));
	for (op = 0; op < OPS; op++) {
		unsigned long r = rnd(&s);
		unsigned int k = r % LIVE;
		size_t n;

		if (b[k].p) {
			ck_assert_msg(check_fill(b[k].p, b[k].n, b[k].seed),
				      "op %lu: block %u damaged", op, k);
		}
		switch ((r >> 20) % 4) {
		case 0:
		case 1:
			uk_free(a, b[k].p);
			n = rnd_size(&s);
			b[k].p = (r >> 30) % 5 ? uk_malloc(a, n)
				: uk_memalign(a, 1UL << ((r >> 40) % 14), n);
			break;
		case 2:
			n = rnd_size(&s);
			b[k].p = uk_realloc(a, b[k].p, n ? n : 1);
			n = n ? n : 1;
			/* realloc kept the old contents */
			if (b[k].p)
				ck_assert(check_fill(b[k].p, MIN(n, b[k].n),
						     b[k].seed));
			break;
		default:
			uk_free(a, b[k].p);
			b[k].p = NULL;
			n = 0;
			break;
		}
		if ((r >> 20) % 4 != 3)
			ck_assert_msg(b[k].p, "op %lu: out of memory", op);
		b[k].n = b[k].p ? n : 0;
		b[k].seed = op;
		if (b[k].p)
			fill(b[k].p, b[k].n, b[k].seed);
	}
	for (i = 0; i < LIVE; i++) {
		ck_assert(check_fill(b[i].p, b[i].n, b[i].seed));
		uk_free(a, b[i].p);
	}
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
	ck_assert_uint_ge(fa->free_memory + 64 * UK_ALLOC_HEAP_SPARE_SLAB_MAX +
			  UK_ALLOC_HEAP_SPARE_ARENA, start);
	ck_assert_uint_eq(start - fa->free_memory,
			  uk_alloc_heap_trim(a) * PAGE_SIZE);
}
END_TEST

TCase *heap_tcase_stress(void)
{
	TCase *tc = tcase_create("heap-stress");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, heap_setup, heap_teardown);
	tcase_add_loop_test(tc, test_stress, 0, 3);
	return tc;
}

/* --- filling the heap with one size ------------------------------------ */

/* Sizes across 16 B .. 1 MiB: round ones, and just above the edges of
 * the slab classes, the arena range and page multiples (the worst
 * cases of each kind of block). */
static const size_t fill_sizes[] = {
	16, 17, 33, 100, 255, 257, 273, 513, 545, 1000, 1025, 1089, 1500,
	2047, 2048, 2049, 2100, 3000, 4095, 4097, 5000, 8193, 12289, 16385,
	30000, 40961, 65537, 100000, 131072, 131073, 135169, 200000, 262145,
	300001, 500000, 524289, 700000, 1048575, 1048576,
};

/*
 * malloc(size) until it fails: the heap must have used up at least 90 %
 * of the memory that was free, and the blocks hold at least 90 % of it
 * (of its 16-byte units for sizes that are not a multiple of 16: blocks
 * are 16-byte aligned). The heap's own state was taken at init. The
 * blocks are chained through their first word.
 */
START_TEST(test_fill_one_size)
{
	size_t size = fill_sizes[_i];
	unsigned long start = fa->free_memory, n = 0;
	void *head = NULL, *p;
	double want;

	while ((p = uk_malloc(a, size)) != NULL) {
		*(void **)p = head;
		head = p;
		n++;
	}
	ck_assert_msg(fa->free_memory <= start / 10,
		      "size %zu: %lu of %lu bytes still free", size,
		      fa->free_memory, start);
	want = 0.9 * start * size / ALIGN_UP(size, 16);
	ck_assert_msg((double)n * size >= want,
		      "size %zu: %lu blocks, %.1f%% of %lu free bytes", size,
		      n, 100.0 * n * size / start, start);
	while (head) {
		p = *(void **)head;
		uk_free(a, head);
		head = p;
	}
	/* All of it comes back (one spare slab or arena aside). */
	ck_assert_uint_ge(fa->free_memory +
			  MAX(UK_ALLOC_HEAP_SPARE_SLAB_MAX,
			      UK_ALLOC_HEAP_SPARE_ARENA), start);
	ck_assert_uint_eq(start - fa->free_memory,
			  uk_alloc_heap_trim(a) * PAGE_SIZE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
}
END_TEST

static void heap_setup_64m(void)
{
	heap_setup_frames(16384);
}

TCase *heap_tcase_fill(void)
{
	TCase *tc = tcase_create("heap-fill");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, heap_setup_64m, heap_teardown);
	tcase_add_loop_test(tc, test_fill_one_size, 0,
			    (int)ARRAY_SIZE(fill_sizes));
	return tc;
}
