/* Buddy frame allocator: patterns, splitting/merging, partial frees,
 * exhaustion, ranges, fixed addresses, zones, and a random stress. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "amphi_alloc.h"

#define ORDERS		UK_FALLOCBUDDY_MAX_ORDER
#define FAKE_BASE	0x100000000UL

/* Free blocks per order: the shape of the free lists. */
struct shape {
	unsigned long n[ORDERS];
};

static void shape_get(struct uk_falloc *fa, struct shape *s)
{
	unsigned int k;

	for (k = 0; k < ORDERS; k++)
		s->n[k] = amphi_uk_fallocbuddy_free_blocks(fa, k);
}

static void assert_shape(struct uk_falloc *fa, const struct shape *want)
{
	struct shape now;
	unsigned int k;

	shape_get(fa, &now);
	for (k = 0; k < ORDERS; k++)
		ck_assert_msg(now.n[k] == want->n[k],
			      "order %u: %lu free blocks, want %lu", k,
			      now.n[k], want->n[k]);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
}

/* One zone of frames frames at pbase (~0UL: host address). */
struct fixture {
	struct uk_falloc *fa;
	struct tmem m;
	struct shape start;
};

static void fx_init(struct fixture *f, unsigned long frames, __paddr_t pbase)
{
	f->fa = falloc_new();
	tmem_init(&f->m, frames, pbase);
	ck_assert_int_eq(tmem_add(f->fa, &f->m), 0);
	shape_get(f->fa, &f->start);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f->fa), 0);
}

static void fx_fini(struct fixture *f)
{
	falloc_delete(f->fa);
	tmem_fini(&f->m);
}

static void *va(struct fixture *f, __paddr_t pa)
{
	return (void *)(pa + f->m.dm_off);
}

static int in_zone(struct fixture *f, __paddr_t pa, unsigned long n)
{
	return pa >= f->m.pbase &&
	       pa + n * PAGE_SIZE <= f->m.pbase + f->m.frames * PAGE_SIZE;
}

START_TEST(test_addmem_stats)
{
	struct fixture f;
	unsigned long total = 0;
	unsigned int k;

	/* 1000 frames at an odd frame number: not aligned, not a power of 2 */
	fx_init(&f, 1000, FAKE_BASE + 3 * PAGE_SIZE);
	ck_assert_uint_eq(f.fa->total_memory, 1000 * PAGE_SIZE);
	ck_assert_uint_eq(f.fa->free_memory, 1000 * PAGE_SIZE);
	for (k = 0; k < ORDERS; k++)
		total += f.start.n[k] << k;
	ck_assert_uint_eq(total, 1000);
	/* frame 0x100003 alone up to 0x100004, then larger blocks, and
	 * the last frame 0x1003ea alone again */
	ck_assert_uint_eq(f.start.n[0], 2);
	ck_assert_uint_gt(f.fa->max_frames(f.fa), 255);
	fx_fini(&f);
}
END_TEST

START_TEST(test_addmem_bad)
{
	struct fixture f;
	struct tmem m2;

	fx_init(&f, 64, FAKE_BASE);
	/* overlapping zone */
	tmem_init(&m2, 16, FAKE_BASE + 60 * PAGE_SIZE);
	ck_assert_int_eq(tmem_add(f.fa, &m2), -EINVAL);
	ck_assert_int_eq(f.fa->addmem(f.fa, m2.meta, FAKE_BASE + 100, 4,
				      m2.dm_off), -EINVAL);
	ck_assert_int_eq(f.fa->addmem(f.fa, m2.meta, FAKE_BASE + 1000 *
				      PAGE_SIZE, 0, m2.dm_off), -EINVAL);
	ck_assert_uint_eq(f.fa->total_memory, 64 * PAGE_SIZE);
	tmem_fini(&m2);
	fx_fini(&f);
}
END_TEST

/* Sizes 1..N frames, dm_off 0 and not: all allocated, then all freed. */
static void patterns(__paddr_t pbase)
{
	enum { N = 70 };
	struct fixture f;
	__paddr_t pa[N + 1];
	unsigned long n, used = 0;

	fx_init(&f, 4096, pbase);
	for (n = 1; n <= N; n++) {
		pa[n] = __PADDR_ANY;
		ck_assert_int_eq(f.fa->falloc(f.fa, &pa[n], n, 0), 0);
		ck_assert(PAGE_ALIGNED(pa[n]));
		ck_assert(in_zone(&f, pa[n], n));
		memset(va(&f, pa[n]), (int)n, n * PAGE_SIZE);
		used += n;
		ck_assert_uint_eq(f.fa->free_memory,
				  (4096 - used) * PAGE_SIZE);
	}
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	for (n = 1; n <= N; n++) {
		unsigned char *p = va(&f, pa[n]);

		/* nobody else wrote into the block */
		ck_assert_uint_eq(p[0], n);
		ck_assert_uint_eq(p[n * PAGE_SIZE - 1], n);
	}
	/* free in an order unlike the allocation order */
	for (n = 1; n <= N; n += 2)
		ck_assert_int_eq(f.fa->ffree(f.fa, pa[n], n), 0);
	for (n = 2; n <= N; n += 2)
		ck_assert_int_eq(f.fa->ffree(f.fa, pa[n], n), 0);
	ck_assert_uint_eq(f.fa->free_memory, 4096 * PAGE_SIZE);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}

START_TEST(test_patterns_host)
{
	patterns(~0UL);
}
END_TEST

START_TEST(test_patterns_fake)
{
	patterns(FAKE_BASE);
}
END_TEST

START_TEST(test_patterns_zero_base)
{
	patterns(0);
}
END_TEST

START_TEST(test_non_pow2_no_waste)
{
	struct fixture f;
	__paddr_t a = __PADDR_ANY, b = __PADDR_ANY;

	fx_init(&f, 16, FAKE_BASE);
	/* 5 frames take an 8-frame block and give 3 back */
	ck_assert_int_eq(f.fa->falloc(f.fa, &a, 5, 0), 0);
	ck_assert_uint_eq(f.fa->free_memory, 11 * PAGE_SIZE);
	ck_assert_int_eq(f.fa->falloc(f.fa, &b, 11, 0), 0);
	ck_assert_uint_eq(f.fa->free_memory, 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, a, 5), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, b, 11), 0);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}
END_TEST

START_TEST(test_partial_frees)
{
	struct fixture f;
	__paddr_t pa = __PADDR_ANY;
	struct shape after;

	fx_init(&f, 64, FAKE_BASE);
	ck_assert_int_eq(f.fa->falloc(f.fa, &pa, 8, 0), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, pa + 3 * PAGE_SIZE, 3), 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	ck_assert_uint_eq(f.fa->free_memory, (64 - 5) * PAGE_SIZE);
	/* frames 3..5 are free now: freeing 4 again is an error */
	ck_assert_int_eq(f.fa->ffree(f.fa, pa + 4 * PAGE_SIZE, 1), -EINVAL);
	/* and a range mixing free and used frames frees nothing */
	ck_assert_int_eq(f.fa->ffree(f.fa, pa + 2 * PAGE_SIZE, 3), -EINVAL);
	ck_assert_uint_eq(f.fa->free_memory, (64 - 5) * PAGE_SIZE);
	ck_assert_int_eq(f.fa->ffree(f.fa, pa, 3), 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	shape_get(f.fa, &after);
	ck_assert_uint_eq(after.n[1], 1);	/* frames 6..7 still used */
	ck_assert_int_eq(f.fa->ffree(f.fa, pa + 6 * PAGE_SIZE, 2), 0);
	assert_shape(f.fa, &f.start);
	ck_assert_uint_eq(f.fa->free_memory, 64 * PAGE_SIZE);
	fx_fini(&f);
}
END_TEST

START_TEST(test_free_several_allocations)
{
	struct fixture f;
	__paddr_t pa[4];
	int i;

	fx_init(&f, 64, FAKE_BASE);
	/* fixed addresses so the four blocks are adjacent */
	for (i = 0; i < 4; i++) {
		pa[i] = FAKE_BASE + (10 + 3 * i) * PAGE_SIZE;
		ck_assert_int_eq(f.fa->falloc(f.fa, &pa[i], 3, 0), 0);
	}
	/* one free spanning the middle of two allocations */
	ck_assert_int_eq(f.fa->ffree(f.fa, pa[0] + PAGE_SIZE, 8), 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, pa[0], 1), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, pa[3] + PAGE_SIZE, 2), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, pa[3], 1), 0);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}
END_TEST

START_TEST(test_bad_args)
{
	struct fixture f;
	__paddr_t pa = __PADDR_ANY;

	fx_init(&f, 64, FAKE_BASE);
	ck_assert_int_eq(f.fa->falloc(f.fa, &pa, 0, 0), -EINVAL);
	ck_assert_int_eq(f.fa->falloc(f.fa, &pa, 1, 0x80000000UL), -EINVAL);
	ck_assert_int_eq(f.fa->ffree(f.fa, FAKE_BASE, 0), -EINVAL);
	ck_assert_int_eq(f.fa->ffree(f.fa, FAKE_BASE + 1, 1), -EINVAL);
	/* outside the zone, or running past its end */
	ck_assert_int_eq(f.fa->ffree(f.fa, FAKE_BASE - PAGE_SIZE, 1),
			 -EINVAL);
	ck_assert_int_eq(f.fa->ffree(f.fa, FAKE_BASE + 63 * PAGE_SIZE, 2),
			 -EINVAL);
	/* never allocated */
	ck_assert_int_eq(f.fa->ffree(f.fa, FAKE_BASE, 1), -EINVAL);
	ck_assert_uint_eq(f.fa->free_memory, 64 * PAGE_SIZE);
	fx_fini(&f);
}
END_TEST

START_TEST(test_exhaustion)
{
	struct fixture f;
	__paddr_t pa[128], p;
	unsigned long i;

	fx_init(&f, 100, FAKE_BASE + 5 * PAGE_SIZE);
	for (i = 0; i < 100; i++) {
		pa[i] = f.m.pbase + i * PAGE_SIZE;
		ck_assert_int_eq(f.fa->falloc(f.fa, &pa[i], 1, 0), 0);
	}
	p = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc(f.fa, &p, 1, 0), -ENOMEM);
	ck_assert_uint_eq(f.fa->free_memory, 0);
	ck_assert_uint_eq(f.fa->max_frames(f.fa), 0);
	/* free every other frame: 50 free, but no two adjacent */
	for (i = 0; i < 100; i += 2)
		ck_assert_int_eq(f.fa->ffree(f.fa, pa[i], 1), 0);
	ck_assert_int_eq(f.fa->falloc(f.fa, &p, 2, 0), -ENOMEM);
	/* frames 1 and 2 are free and adjacent yet not buddies... */
	ck_assert_int_eq(f.fa->ffree(f.fa, pa[1], 1), 0);
	p = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc(f.fa, &p, 3, 0), 0);
	ck_assert_uint_eq(p, pa[0]);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	/* a request larger than the memory */
	p = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc(f.fa, &p, 1000, 0), -ENOMEM);
	ck_assert_int_eq(f.fa->ffree(f.fa, pa[0], 3), 0);
	for (i = 3; i < 100; i += 2)
		ck_assert_int_eq(f.fa->ffree(f.fa, pa[i], 1), 0);
	assert_shape(f.fa, &f.start);
	p = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc(f.fa, &p, 100, 0), 0);
	fx_fini(&f);
}
END_TEST

START_TEST(test_zero_and_align)
{
	struct fixture f;
	__paddr_t pa = __PADDR_ANY, pb = __PADDR_ANY;
	unsigned char *p;
	unsigned long i;

	fx_init(&f, 300, FAKE_BASE + 7 * PAGE_SIZE);
	ck_assert_int_eq(f.fa->falloc(f.fa, &pa, 3, UK_FALLOC_F_ZERO), 0);
	p = va(&f, pa);
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		ck_assert_uint_eq(p[i], 0);
	ck_assert_int_eq(f.fa->falloc(f.fa, &pb, 3, UK_FALLOC_F_ALIGN(6)),
			 0);
	ck_assert(IS_ALIGNED(pb, 64 * PAGE_SIZE));
	ck_assert_int_eq(f.fa->ffree(f.fa, pa, 3), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, pb, 3), 0);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}
END_TEST

START_TEST(test_range_and_fixed)
{
	struct fixture f;
	__paddr_t pa, pb, min = FAKE_BASE + 100 * PAGE_SIZE;
	__paddr_t max = FAKE_BASE + 110 * PAGE_SIZE;

	fx_init(&f, 256, FAKE_BASE);
	pa = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc_from_range(f.fa, &pa, 7, 0, min, max),
			 0);
	ck_assert(pa >= min && pa + 7 * PAGE_SIZE <= max);
	pb = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc_from_range(f.fa, &pb, 4, 0, min, max),
			 -ENOMEM);
	pb = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc_from_range(f.fa, &pb, 3, 0, min, max),
			 0);
	ck_assert(pb >= min && pb + 3 * PAGE_SIZE <= max);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	/* outside every zone */
	pb = __PADDR_ANY;
	ck_assert_int_eq(f.fa->falloc_from_range(f.fa, &pb, 1, 0, 0,
						 FAKE_BASE), -ENOMEM);
	/* fixed address: free, then busy, then outside, then unaligned */
	pb = FAKE_BASE + 37 * PAGE_SIZE;
	ck_assert_int_eq(f.fa->falloc(f.fa, &pb, 5, 0), 0);
	ck_assert_uint_eq(pb, FAKE_BASE + 37 * PAGE_SIZE);
	pb = FAKE_BASE + 40 * PAGE_SIZE;
	ck_assert_int_eq(f.fa->falloc(f.fa, &pb, 1, 0), -ENOMEM);
	pb = FAKE_BASE + 255 * PAGE_SIZE;
	ck_assert_int_eq(f.fa->falloc(f.fa, &pb, 2, 0), -EINVAL);
	pb = FAKE_BASE + 10;
	ck_assert_int_eq(f.fa->falloc(f.fa, &pb, 1, 0), -EINVAL);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, FAKE_BASE + 37 * PAGE_SIZE, 5), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, min, 10), 0);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}
END_TEST

/* Blocks of 2^9 frames and more (their heads are kept apart from the
 * small ones'): split, carved at fixed addresses, merged back. */
START_TEST(test_large_blocks)
{
	enum { FRAMES = 5000 };
	const __paddr_t base = FAKE_BASE + 7 * PAGE_SIZE;
	__paddr_t a = __PADDR_ANY, b = __PADDR_ANY, c, d = __PADDR_ANY;
	struct fixture f;

	fx_init(&f, FRAMES, base);
	ck_assert_int_eq(f.fa->falloc(f.fa, &a, 1500, 0), 0);
	ck_assert_int_eq(f.fa->falloc(f.fa, &b, 1024,
				      UK_FALLOC_F_ALIGN(10)), 0);
	ck_assert(IS_ALIGNED(b >> PAGE_SHIFT, 1024));
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	/* a fixed run across the middle of what is left */
	for (c = ALIGN_UP(base, 512 * PAGE_SIZE); ; c += 512 * PAGE_SIZE) {
		if (c + 700 * PAGE_SIZE > base + FRAMES * PAGE_SIZE)
			ck_abort_msg("no free run of 700 frames");
		if ((c + 700 * PAGE_SIZE <= a ||
		     c >= a + 1500 * PAGE_SIZE) &&
		    (c + 700 * PAGE_SIZE <= b || c >= b + 1024 * PAGE_SIZE))
			break;
	}
	ck_assert_int_eq(f.fa->falloc(f.fa, &c, 700, 0), 0);
	ck_assert_int_eq(f.fa->falloc(f.fa, &d, 600, 0), 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	/* holes, then the rest, in an order unlike the allocations' */
	ck_assert_int_eq(f.fa->ffree(f.fa, a + 512 * PAGE_SIZE, 600), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, b, 512), 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, c, 700), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, a, 512), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, b + 512 * PAGE_SIZE, 512), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, a + 1112 * PAGE_SIZE, 388), 0);
	ck_assert_int_eq(f.fa->ffree(f.fa, d, 600), 0);
	ck_assert_uint_eq(f.fa->free_memory, FRAMES * PAGE_SIZE);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}
END_TEST

START_TEST(test_zones)
{
	struct uk_falloc *fa = falloc_new();
	struct tmem m1, m2;
	__paddr_t pa[40];
	int i, from1 = 0, from2 = 0;

	tmem_init(&m1, 33, FAKE_BASE + 1 * PAGE_SIZE);
	tmem_init(&m2, 50, ~0UL);		/* host addresses, dm_off 0 */
	ck_assert_int_eq(tmem_add(fa, &m2), 0);
	ck_assert_int_eq(tmem_add(fa, &m1), 0);
	ck_assert_uint_eq(fa->total_memory, 83 * PAGE_SIZE);
	/* too big for either zone though the sum would fit */
	pa[0] = __PADDR_ANY;
	ck_assert_int_eq(fa->falloc(fa, &pa[0], 60, 0), -ENOMEM);
	for (i = 0; i < 40; i++) {
		pa[i] = __PADDR_ANY;
		ck_assert_int_eq(fa->falloc(fa, &pa[i], 2, 0), 0);
		if (pa[i] >= m1.pbase && pa[i] < m1.pbase + 33 * PAGE_SIZE)
			from1++;
		else if (pa[i] >= m2.pbase &&
			 pa[i] < m2.pbase + 50 * PAGE_SIZE)
			from2++;
		else
			ck_abort_msg("block outside both zones");
	}
	ck_assert_int_eq(from1 + from2, 40);
	ck_assert_int_gt(from1, 0);
	ck_assert_int_gt(from2, 0);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
	/* a free across the two zones is refused */
	ck_assert_int_eq(fa->ffree(fa, m1.pbase + 32 * PAGE_SIZE, 2),
			 -EINVAL);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(fa->ffree(fa, pa[i], 2), 0);
	ck_assert_uint_eq(fa->free_memory, 83 * PAGE_SIZE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(fa), 0);
	falloc_delete(fa);
	tmem_fini(&m1);
	tmem_fini(&m2);
}
END_TEST

START_TEST(test_inplace_and_default)
{
	struct uk_falloc *fa = falloc_new();
	struct tmem m;
	__paddr_t pa = __PADDR_ANY;
	unsigned long meta;

	tmem_init(&m, 1024, FAKE_BASE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_addmem_inplace(fa, m.pbase,
			 m.frames, m.dm_off, 0), 0);
	meta = PAGE_COUNT(amphi_uk_fallocbuddy_metadata_size(1024));
	ck_assert_uint_eq(fa->total_memory, (1024 - meta) * PAGE_SIZE);
	ck_assert_int_eq(fa->falloc(fa, &pa, 1024 - meta, 0), 0);
	ck_assert_uint_eq(pa, FAKE_BASE + meta * PAGE_SIZE);
	ck_assert_int_eq(amphi_uk_fallocbuddy_addmem_inplace(fa, FAKE_BASE,
			 1, m.dm_off, 0), -EINVAL);
	ck_assert_ptr_null(amphi_uk_falloc_get_default());
	amphi_uk_falloc_set_default(fa);
	ck_assert_ptr_eq(amphi_uk_falloc_get_default(), fa);
	falloc_delete(fa);
	tmem_fini(&m);
}
END_TEST

TCase *falloc_tcase_basic(void)
{
	TCase *tc = tcase_create("falloc");

	tcase_add_test(tc, test_addmem_stats);
	tcase_add_test(tc, test_addmem_bad);
	tcase_add_test(tc, test_patterns_host);
	tcase_add_test(tc, test_patterns_fake);
	tcase_add_test(tc, test_patterns_zero_base);
	tcase_add_test(tc, test_non_pow2_no_waste);
	tcase_add_test(tc, test_partial_frees);
	tcase_add_test(tc, test_free_several_allocations);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_zero_and_align);
	tcase_add_test(tc, test_range_and_fixed);
	tcase_add_test(tc, test_large_blocks);
	tcase_add_test(tc, test_zones);
	tcase_add_test(tc, test_inplace_and_default);
	return tc;
}

/* --- random stress against a shadow model ------------------------------ */

struct live {
	__paddr_t pa;
	unsigned long n;
};

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(test_stress)
{
	enum { FRAMES = 3000, LIVE = 400, OPS = 40000 };
	static int owner[FRAMES];	/* shadow: live index + 1, or 0 */
	static struct live live[LIVE];
	unsigned long seed = 0x9e3779b97f4a7c15UL + _i, used = 0, op, j;
	struct fixture f;
	int nlive = 0;

	memset(owner, 0, sizeof(owner));
	fx_init(&f, FRAMES, _i == 0 ? FAKE_BASE + 11 * PAGE_SIZE : ~0UL);
	for (op = 0; op < OPS; op++) {
		unsigned long r = rnd(&seed);

		if (nlive < LIVE && (r % 3 || !nlive)) {
			struct live *l = &live[nlive];
			unsigned long n = 1 + rnd(&seed) % (r % 7 ? 8 : 70);
			unsigned long fl = r % 5 ? 0 :
				UK_FALLOC_F_ALIGN(rnd(&seed) % 5);
			__paddr_t pa = __PADDR_ANY;
			int rc = f.fa->falloc(f.fa, &pa, n, fl);

			if (rc) {
				ck_assert_int_eq(rc, -ENOMEM);
				continue;
			}
			ck_assert(in_zone(&f, pa, n));
			ck_assert(IS_ALIGNED(pa >> PAGE_SHIFT, 1UL <<
					     UK_FALLOC_F_ALIGN_ORDER(fl)));
			for (j = 0; j < n; j++) {
				unsigned long fr = (pa - f.m.pbase) /
						   PAGE_SIZE + j;

				ck_assert_msg(!owner[fr], "frame given twice");
				owner[fr] = 1;
			}
			l->pa = pa;
			l->n = n;
			nlive++;
			used += n;
		} else {
			/* free a random part of a random live block */
			int li = rnd(&seed) % nlive;
			struct live *l = &live[li];
			unsigned long a = rnd(&seed) % l->n;
			unsigned long n = 1 + rnd(&seed) % (l->n - a);
			unsigned long fr = (l->pa - f.m.pbase) / PAGE_SIZE;

			if (r % 2) {
				a = 0;
				n = l->n;
			}
			ck_assert_int_eq(f.fa->ffree(f.fa, l->pa +
				a * PAGE_SIZE, n), 0);
			for (j = a; j < a + n; j++)
				owner[fr + j] = 0;
			used -= n;
			if (a + n < l->n && nlive < LIVE) {
				live[nlive].pa = l->pa + (a + n) * PAGE_SIZE;
				live[nlive].n = l->n - a - n;
				nlive++;
			} else if (a + n < l->n) {
				/* no room: free the tail as well */
				ck_assert_int_eq(f.fa->ffree(f.fa, l->pa +
					(a + n) * PAGE_SIZE, l->n - a - n), 0);
				for (j = a + n; j < l->n; j++)
					owner[fr + j] = 0;
				used -= l->n - a - n;
			}
			if (a) {
				l->n = a;
			} else {
				*l = live[nlive - 1];
				nlive--;
			}
		}
		ck_assert_uint_eq(f.fa->free_memory,
				  (FRAMES - used) * PAGE_SIZE);
		if (op % 2000 == 0)
			ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	}
	ck_assert_int_eq(amphi_uk_fallocbuddy_check(f.fa), 0);
	while (nlive--)
		ck_assert_int_eq(f.fa->ffree(f.fa, live[nlive].pa,
					     live[nlive].n), 0);
	ck_assert_uint_eq(f.fa->free_memory, FRAMES * PAGE_SIZE);
	assert_shape(f.fa, &f.start);
	fx_fini(&f);
}
END_TEST

TCase *falloc_tcase_stress(void)
{
	TCase *tc = tcase_create("falloc-stress");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_stress, 0, 4);
	return tc;
}
