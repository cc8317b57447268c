/*
 * core/random in the kernel: fills of every size, fresh output on each
 * request, no repeated blocks when every CPU asks at once, the reseed
 * paths (forced, by output volume, by time), getrandom's flags and
 * errors with app-style buffers. Runs with -smp 1 and 4.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/param.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/random.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/thread.h>

#define PG		4096UL
#define BIG		(1UL << 20)
#define PER_CPU_BLOCKS	8192		/* 16-byte blocks per CPU */

static void *kalloc(__sz n)
{
	return uk_malloc(uk_alloc_get_default(), n);
}

static void kfree(void *p)
{
	uk_free(uk_alloc_get_default(), p);
}

UK_TESTCASE(random, seeded_from_hwrng)
{
	unsigned long before = uk_random_reseed_count();

	UK_TEST_EXPECT_SNUM_EQ(uk_random_seeded(), 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_random_wait_seeded(1), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_random_reseed(), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_random_reseed_count(), before + 1);
}

/* Sizes 0..300 and up to 1 MiB: exactly len bytes written, and two
 * fills of one size differ. */
UK_TESTCASE(random, fill_sizes)
{
	static const __sz big[] = { 511, 4096, 65537, BIG };
	unsigned char *buf = kalloc(BIG + 32), *prev = kalloc(BIG);
	__sz len, i, k, bad = 0, same = 0;

	UK_TEST_ASSERT(buf && prev);
	for (k = 0; k < 301 + ARRAY_SIZE(big); k++) {
		len = k < 301 ? k : big[k - 301];
		memset(buf, 0x5a, len + 32);
		uk_random_fill(buf + 16, len);
		for (i = 0; i < 16; i++)
			bad += buf[i] != 0x5a || buf[16 + len + i] != 0x5a;
		if (len >= 8 && !memcmp(buf + 16, prev, len))
			same++;
		memcpy(prev, buf + 16, len);
	}
	UK_TEST_EXPECT_UNUM_EQ(bad, 0);
	UK_TEST_EXPECT_UNUM_EQ(same, 0);
	UK_TEST_EXPECT(uk_random_u64() != uk_random_u64());
	kfree(buf);
	kfree(prev);
}

/* Every byte value appears in 1 MiB, near the mean (4096, sd 64). */
UK_TESTCASE(random, bytes_not_biased)
{
	unsigned char *buf = kalloc(BIG);
	static unsigned long count[256];
	unsigned int i, off = 0;

	UK_TEST_ASSERT(buf);
	memset(count, 0, sizeof(count));
	uk_random_fill(buf, BIG);
	for (i = 0; i < BIG; i++)
		count[buf[i]]++;
	for (i = 0; i < 256; i++)
		off += count[i] < 4096 - 640 || count[i] > 4096 + 640;
	UK_TEST_EXPECT_UNUM_EQ(off, 0);
	kfree(buf);
}

struct cpu_job {
	unsigned char *out;		/* PER_CPU_BLOCKS * 16 bytes */
	__lcpuidx ran_on;
	int moved;
};

/* Mixed request sizes so both the small-request and the stream paths
 * run concurrently on every CPU. */
static void fill_job(void *arg)
{
	struct cpu_job *job = arg;
	__sz off = 0, n;
	unsigned int i = 0;

	job->ran_on = ukplat_lcpu_idx();
	while (off < PER_CPU_BLOCKS * 16UL) {
		n = (i++ % 3 == 0) ? 4096 : 16;
		n = MIN(n, PER_CPU_BLOCKS * 16UL - off);
		uk_random_fill(job->out + off, n);
		off += n;
		if (ukplat_lcpu_idx() != job->ran_on)
			job->moved = 1;
		if (i % 64 == 0)
			uk_sched_yield();
	}
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

UK_TESTCASE(random, all_cpus_at_once_no_duplicate_blocks)
{
	unsigned int ncpu = uk_sched_count(), c, dups = 0, wrong = 0;
	struct uk_thread *t[UKPLAT_LCPU_MAXCOUNT];
	static struct cpu_job job[UKPLAT_LCPU_MAXCOUNT];
	__sz per = PER_CPU_BLOCKS * 16UL, i, total;
	unsigned char *all = kalloc(ncpu * per);

	UK_TEST_ASSERT(all);
	for (c = 0; c < ncpu; c++) {
		job[c].out = all + c * per;
		job[c].moved = 0;
		t[c] = uk_thread_create("rnd", fill_job, &job[c], 0, 0);
		UK_TEST_ASSERT(!PTRISERR(t[c]));
		UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(c), t[c]) == 0);
	}
	for (c = 0; c < ncpu; c++) {
		UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t[c], NULL), 0);
		wrong += job[c].ran_on != c || job[c].moved;
	}
	UK_TEST_EXPECT_UNUM_EQ(wrong, 0);
	total = ncpu * PER_CPU_BLOCKS;
	qsort(all, total, 16, cmp16);
	for (i = 1; i < total; i++)
		dups += !memcmp(all + 16 * (i - 1), all + 16 * i, 16);
	UK_TEST_EXPECT_UNUM_EQ(dups, 0);
	kfree(all);
}

/* random.reseed_kib and random.reseed_ms make the generator reseed by
 * itself; the parameters are restored afterwards. */
UK_TESTCASE(random, reseeds_by_volume_and_time)
{
	unsigned char *buf = kalloc(64 * 1024);
	int kib, ms, i;
	unsigned long n;

	UK_TEST_ASSERT(buf);
	UK_TEST_ASSERT(uk_param_get("random.reseed_kib", &kib) == 0);
	UK_TEST_ASSERT(uk_param_get("random.reseed_ms", &ms) == 0);

	UK_TEST_ASSERT(uk_param_set_int("random.reseed_kib", 16) == 0);
	n = uk_random_reseed_count();
	for (i = 0; i < 8; i++)
		uk_random_fill(buf, 64 * 1024);
	UK_TEST_EXPECT(uk_random_reseed_count() >= n + 2);
	UK_TEST_ASSERT(uk_param_set_int("random.reseed_kib", 0) == 0);

	UK_TEST_ASSERT(uk_param_set_int("random.reseed_ms", 1) == 0);
	uk_random_fill(buf, 16);
	n = uk_random_reseed_count();
	uk_sched_thread_sleep(ukarch_time_msec_to_nsec(3));
	uk_random_fill(buf, 16);
	UK_TEST_EXPECT_UNUM_EQ(uk_random_reseed_count(), n + 1);
	UK_TEST_ASSERT(uk_param_set_int("random.reseed_ms", 0) == 0);
	uk_sched_thread_sleep(ukarch_time_msec_to_nsec(3));
	n = uk_random_reseed_count();
	uk_random_fill(buf, 16);
	UK_TEST_EXPECT_UNUM_EQ(uk_random_reseed_count(), n);

	uk_param_set_int("random.reseed_kib", kib);
	uk_param_set_int("random.reseed_ms", ms);
	kfree(buf);
}

/* Two pages, the second unmapped: a buffer that faults part way. */
static unsigned char *half_mapped(void)
{
	unsigned char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + PG, PG);
	return p;
}

UK_TESTCASE(random, getrandom_flags_and_faults)
{
	unsigned char buf[64], *p = half_mapped();

	UK_TEST_ASSERT(p != NULL);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(buf, 64, 0), 64);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(buf, 64, GRND_NONBLOCK), 64);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(buf, 64, GRND_RANDOM), 64);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(buf, 64, GRND_INSECURE), 64);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(buf, 64, 0x08), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(buf, 64,
					    GRND_INSECURE | GRND_RANDOM),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(NULL, 0, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom((void *)8, 16, 0), -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(p + PG, 16, 0), -EFAULT);
	/* Short counts, as Linux, when the buffer ends part way. */
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(p + PG - 16, 100, 0), 16);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(p + PG - 16, 32, 0), 16);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(p + 100, 10 * PG, 0), PG - 100);
	/* A range wrapping around the top of the address space. */
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom((void *)-64L, 128, 0), -EFAULT);
	errno = 0;
	UK_TEST_EXPECT_SNUM_EQ(getrandom(buf, 16, 0x40), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(getentropy(buf, sizeof(buf)),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(getentropy(buf, 257), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EIO);
	UK_TEST_EXPECT_SNUM_EQ(getentropy(p + PG - 16, 100), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EFAULT);
	munmap(p, PG);
}

/* A large request is served whole (Linux caps only at MAX_RW_COUNT;
 * the posix test asks for more than 32 MiB). */
UK_TESTCASE(random, getrandom_large)
{
	__sz len = (8UL << 20) + 4096;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UK_TEST_ASSERT(p != MAP_FAILED);
	UK_TEST_EXPECT_SNUM_EQ(uk_getrandom(p, len, 0), (long)len);
	UK_TEST_EXPECT(memcmp(p, p + len - 64, 64) != 0);
	munmap(p, len);
}
