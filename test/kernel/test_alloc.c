/* The allocators as the booted kernel set them up: frame allocator over
 * the bootinfo's free memory, heap on top, libc malloc on the heap. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/arch/atomic.h>
#include <uk/arch/memtag.h>
#include <uk/errptr.h>
#include <uk/falloc.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/thread.h>
#include <uk/vmem.h>
#include <uk/arch/valgrind.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frames_hog.h"

UK_TESTCASE(falloc, frames_come_back)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	unsigned long before;
	__paddr_t a = __PADDR_ANY, b = __PADDR_ANY;

	UK_TEST_ASSERT(fa != NULL);
	before = fa->free_memory;
	UK_TEST_ASSERT(uk_falloc(fa, &a, 1, UK_FALLOC_F_ZERO) == 0);
	UK_TEST_ASSERT(uk_falloc(fa, &b, 513, 0) == 0);
	UK_TEST_EXPECT(PAGE_ALIGNED(a));
	/* Blocks do not overlap. */
	UK_TEST_EXPECT(a + PAGE_SIZE <= b || b + 513 * PAGE_SIZE <= a);
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, before - 514 * PAGE_SIZE);
	/* Freed in pieces that do not match the allocations. */
	UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa, b + 100 * PAGE_SIZE, 413), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa, b, 100), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa, a, 1), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, before);
}

UK_TESTCASE(falloc, zeroed_through_direct_map)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__vaddr_t dm = ukplat_bootinfo_get()->dm_off;
	__paddr_t p = __PADDR_ANY;
	unsigned char *v;
	size_t i, nonzero = 0;

	UK_TEST_ASSERT(uk_falloc(fa, &p, 2, 0) == 0);
	v = (unsigned char *)(p + dm);
	memset(v, 0xa5, 2 * PAGE_SIZE);
	UK_TEST_ASSERT(uk_ffree(fa, p, 2) == 0);
	p = __PADDR_ANY;
	UK_TEST_ASSERT(uk_falloc(fa, &p, 2, UK_FALLOC_F_ZERO) == 0);
	v = (unsigned char *)(p + dm);
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		nonzero += v[i] != 0;
	UK_TEST_EXPECT_UNUM_EQ(nonzero, 0);
	uk_ffree(fa, p, 2);
}

UK_TESTCASE(falloc, exhaustion_is_enomem)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__paddr_t p = __PADDR_ANY;
	unsigned long too_many = (fa->total_memory >> PAGE_SHIFT) + 1;

	UK_TEST_EXPECT_SNUM_EQ(uk_falloc(fa, &p, too_many, 0), -ENOMEM);
}

UK_TESTCASE(heap, malloc_sizes_keep_contents)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 2048, 2049, 4096,
					 65536, 1 << 20 };
	void *p[ARRAY_SIZE(sizes)];
	size_t i, j;
	int intact = 1;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = malloc(sizes[i]);
		UK_TEST_ASSERT(p[i] != NULL);
		UK_TEST_EXPECT(((uintptr_t)p[i] & 15) == 0);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < sizes[i]; j++)
			intact &= ((unsigned char *)p[i])[j] == i + 1;
		free(p[i]);
	}
	UK_TEST_EXPECT(intact);
}

UK_TESTCASE(heap, realloc_calloc_memalign)
{
	char *p = malloc(10);
	void *a = NULL;
	int *z;

	UK_TEST_ASSERT(p != NULL);
	memcpy(p, "amphi", 6);
	p = realloc(p, 100000);
	UK_TEST_ASSERT(p != NULL);
	UK_TEST_EXPECT_STR_EQ(p, "amphi");
	free(p);
	z = calloc(1000, sizeof(int));
	UK_TEST_ASSERT(z != NULL);
	UK_TEST_EXPECT(z[0] == 0 && z[999] == 0);
	free(z);
	UK_TEST_EXPECT_SNUM_EQ(posix_memalign(&a, 4096, 100), 0);
	UK_TEST_EXPECT(((uintptr_t)a & 4095) == 0);
	free(a);
	UK_TEST_EXPECT_SNUM_EQ(posix_memalign(&a, 3, 100), EINVAL);
	free(NULL);
}

UK_TESTCASE(heap, absurd_sizes_fail_cleanly)
{
	errno = 0;
	UK_TEST_EXPECT_NULL(malloc(SIZE_MAX - 4096));
	UK_TEST_EXPECT_SNUM_EQ(errno, ENOMEM);
	UK_TEST_EXPECT_NULL(calloc(SIZE_MAX / 2, 4));
	UK_TEST_EXPECT_NULL(malloc(1UL << 40));
}

/* A run of whole pages (above the arenas' sizes): tagged even where
 * tags exist per page only. An arena block (2 KiB < size <= 128 KiB)
 * is never tagged (its header shares its granules' pages). */
#define TAGGED_SIZE	(UK_ALLOC_HEAP_MID_MAX + 3 * 4096)
#define ARENA_SIZE	(3 * 4096)

struct cpu_blocks {
	void *tagged, *arena;
};

static void alloc_here(void *arg)
{
	struct cpu_blocks *b = arg;

	b->tagged = malloc(TAGGED_SIZE);
	b->arena = malloc(ARENA_SIZE);
}

/* The tag no check looks at (TCMA): 0 in the low half, 15 in the high. */
static unsigned int unchecked_tag(const void *p)
{
	return ((uintptr_t)p >> 55) & 1 ? 15 : 0;
}

/*
 * A block allocated on any CPU carries the tag its memory has (MTE), so
 * any CPU can use it: secondary CPUs once came up with tag access off,
 * and their blocks had tag 0 over memory still tagged by an earlier
 * owner (a tag check fault when another CPU wrote to them). An untagged
 * block carries the unchecked tag, whatever its memory's tag.
 */
UK_TESTCASE(heap, blocks_usable_from_every_cpu)
{
	unsigned int ncpu = uk_sched_count(), c, tag;
	struct cpu_blocks b[UKPLAT_LCPU_MAXCOUNT];
	struct uk_thread *t;

	for (c = 0; c < ncpu; c++) {
		b[c].tagged = b[c].arena = NULL;
		t = uk_thread_create("alloc", alloc_here, &b[c], 0, 0);
		UK_TEST_ASSERT(!PTRISERR(t));
		UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(c), t) == 0);
		UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	}
	for (c = 0; c < ncpu; c++) {
		UK_TEST_ASSERT(b[c].tagged != NULL && b[c].arena != NULL);
		if (ukarch_memtag_enabled()) {
			tag = (unsigned int)((uintptr_t)b[c].tagged >> 56) &
			      0xf;
			UK_TEST_EXPECT_UNUM_EQ(ukarch_memtag_get(b[c].tagged),
					       tag);
			/* Tags 0 and 15 are never handed out. */
			UK_TEST_EXPECT(tag != 0 && tag != 15);
			UK_TEST_EXPECT_UNUM_EQ(
				((uintptr_t)b[c].arena >> 56) & 0xf,
				unchecked_tag(b[c].arena));
			/* A mismatch would fault below and end the run. */
			if (ukarch_memtag_get(b[c].tagged) != tag)
				continue;
		}
		memset(b[c].tagged, 0x5a, TAGGED_SIZE);
		memset(b[c].arena, 0x5a, ARENA_SIZE);
		free(b[c].tagged);
		free(b[c].arena);
	}
}

/* --- the app's heap ---------------------------------------------------- */

static int in_app_heap(const void *p)
{
	const struct uk_vma *vma = uk_vma_find(uk_vas_get_active(),
					       (__vaddr_t)p);

	return vma && vma->name && !strcmp(vma->name, "app heap");
}

/* malloc is the app's heap, in app memory; the kernel's objects are in
 * its own, so a use after free of an app block cannot touch them. */
UK_TESTCASE(heap, app_blocks_are_apart_from_kernel_objects)
{
	char *stale = malloc(96), *k, buf[4] = "abc";
	struct stat st;
	int fd, i;

	UK_TEST_ASSERT(stale != NULL);
	UK_TEST_EXPECT(uk_alloc_app() != uk_alloc_get_default());
	UK_TEST_EXPECT(in_app_heap(stale));
	free(stale);
	/* The kernel allocates a description, the app writes through its
	 * dangling pointer: the description is untouched. */
	fd = open("/uaf", O_CREAT | O_RDWR | O_TRUNC, 0600);
	UK_TEST_ASSERT(fd >= 0);
	/* (memcheck would rightly report the deliberate write) */
	for (i = 0; i < 96 && !uk_valgrind_running(); i++)
		stale[i] = (char)0xa5;
	UK_TEST_EXPECT_SNUM_EQ(write(fd, buf, 3), 3);
	UK_TEST_EXPECT_SNUM_EQ(lseek(fd, 0, SEEK_CUR), 3);
	UK_TEST_EXPECT_SNUM_EQ(fstat(fd, &st), 0);
	UK_TEST_EXPECT_SNUM_EQ(st.st_size, 3);
	UK_TEST_EXPECT_SNUM_EQ(close(fd), 0);
	unlink("/uaf");
	k = uk_malloc(uk_alloc_get_default(), 96);
	UK_TEST_ASSERT(k != NULL);
	UK_TEST_EXPECT(!in_app_heap(k));
	uk_free(uk_alloc_get_default(), k);
}

/* The app fills memory with 4 KiB blocks: it gets all of it but the
 * kernel's reserve, and the kernel still works meanwhile. What the heaps
 * keep for reuse (each CPU's cached blocks, spare slabs and arenas: up
 * to 16 pages a CPU and heap) goes back before both counts, so that the
 * bound holds for any number of CPUs. */
UK_TESTCASE(heap, app_fills_memory_kernel_keeps_working)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	unsigned long start, n = 0;
	void *head = NULL, *p, *k;

	uk_alloc_heap_reclaim_all();
	start = fa->free_memory;

	while ((p = malloc(4096)) != NULL) {
		*(void **)p = head;
		head = p;
		n++;
	}
	UK_TEST_EXPECT(n * 4096 >= start / 10 * 9);
	k = uk_malloc(uk_alloc_get_default(), 4096);
	UK_TEST_EXPECT(k != NULL);
	uk_free(uk_alloc_get_default(), k);
	UK_TEST_EXPECT_SNUM_EQ(mkdir("/still-works", 0755), 0);
	UK_TEST_EXPECT_SNUM_EQ(rmdir("/still-works"), 0);
	while (head) {
		p = *(void **)head;
		free(head);
		head = p;
	}
	uk_alloc_heap_reclaim_all();
	UK_TEST_EXPECT(fa->free_memory + 64 * 4096 >= start);
}

/*
 * A heap keeps an emptied arena for the next malloc (a round trip takes
 * and gives no pages: in the app heap that was a map and an unmap of
 * 4 MiB), and gives its spares back when memory runs out: with every
 * frame taken, a heap that needs pages gets those of the spares (its
 * own, the app heap's, the kernel heap's: uk_alloc_heap_reclaim_all).
 */
UK_TESTCASE(heap, spares_kept_and_given_back_when_short)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	struct uk_alloc *h;
	unsigned long before;
	__paddr_t hog;
	void *p;

	h = uk_alloc_heap_init(fa, ukplat_bootinfo_get()->dm_off);
	UK_TEST_ASSERT(h != NULL);
	uk_free(h, uk_malloc(h, 4096));
	before = fa->free_memory;
	UK_TEST_EXPECT(uk_alloc_availmem(h) >=
		       (__ssz)(before + UK_ALLOC_HEAP_SPARE_ARENA));
	p = uk_malloc(h, 4096);
	UK_TEST_ASSERT(p != NULL);
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, before);
	uk_free(h, p);
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, before);
	free(malloc(4096));
	before = fa->free_memory;
	free(malloc(4096));
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, before);

	hog = frames_hog();
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, 0);
	/* A new slab: only the spares have pages. */
	p = uk_malloc(h, 16);
	UK_TEST_EXPECT(p != NULL);
	uk_free(h, p);
	frames_unhog(hog);
	uk_alloc_heap_trim(h);
	uk_alloc_heap_destroy(h);
}

/* --- per-CPU caches ---------------------------------------------------- */

#define CACHED_BLOCKS	8		/* of a class, a CPU caches 8+ */
/* A slab block, also with memcheck's redzones (2 KiB ones are arena
 * blocks then, which no cache holds). */
#define CACHED_SIZE	1024

struct cache_fill {
	struct uk_alloc *h;
	void *p[CACHED_BLOCKS];
};

/* Allocates and frees the blocks on the CPU it runs on: they stay in
 * that CPU's cache, holding their slab. */
static void cache_fill_here(void *arg)
{
	struct cache_fill *f = arg;
	unsigned int i;

	for (i = 0; i < CACHED_BLOCKS; i++)
		f->p[i] = uk_malloc(f->h, CACHED_SIZE);
	for (i = 0; i < CACHED_BLOCKS; i++)
		uk_free(f->h, f->p[i]);
}

/* Fills every CPU's cache of heap h, each from a thread of its own. */
static void fill_every_cpu_cache(struct cache_fill *f, struct uk_alloc *h)
{
	unsigned int ncpu = uk_sched_count(), c, i;
	struct uk_thread *t;

	for (c = 0; c < ncpu; c++) {
		f[c].h = h;
		t = uk_thread_create("cache", cache_fill_here, &f[c], 0, 0);
		UK_TEST_ASSERT(!PTRISERR(t));
		UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(c), t) == 0);
		UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
		for (i = 0; i < CACHED_BLOCKS && f[c].p[i]; i++)
			;
		UK_TEST_EXPECT_UNUM_EQ(i, CACHED_BLOCKS);
	}
}

/* Empties every CPU's cache of h and of the kernel's heap (which the
 * threads use), however long a CPU takes to answer (a trim alone waits
 * 20 ms at most: too little for a CPU under memcheck); trims h. Returns
 * the pages the trim gave back. */
static unsigned long trim_exact(struct uk_alloc *h)
{
	uk_alloc_heap_flush(uk_alloc_get_default());
	uk_alloc_heap_flush(h);
	return uk_alloc_heap_trim(h);
}

/*
 * Blocks freed into a CPU's cache (any CPU's) hold their slab until
 * trim or a memory shortage gives them back to it, and the slab's pages
 * to the frame allocator, whichever CPU asks.
 */
UK_TESTCASE(heap, cached_blocks_given_back_from_every_cpu)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	struct cache_fill f[UKPLAT_LCPU_MAXCOUNT];
	unsigned long before;
	struct uk_alloc *h;
	__paddr_t hog;
	void *p;

	h = uk_alloc_heap_init(fa, ukplat_bootinfo_get()->dm_off);
	UK_TEST_ASSERT(h != NULL);
	/* A first round: what the threads take of the kernel's heap (its
	 * caches, spares) is the same in the next ones. */
	fill_every_cpu_cache(f, h);
	trim_exact(h);
	before = fa->free_memory;
	fill_every_cpu_cache(f, h);
	UK_TEST_EXPECT(fa->free_memory < before);
	UK_TEST_EXPECT(trim_exact(h) > 0);
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, before);

	/* Memory short: the heap gets a new slab all the same. */
	fill_every_cpu_cache(f, h);
	hog = frames_hog();
	p = uk_malloc(h, 16);
	UK_TEST_EXPECT(p != NULL);
	uk_free(h, p);
	frames_unhog(hog);
	trim_exact(h);
	/* (the other heaps gave their spares back too) */
	UK_TEST_EXPECT(fa->free_memory >= before);
	uk_alloc_heap_destroy(h);
}

/* A CPU slow to answer: its cache full, interrupts masked. */
struct masked_cpu {
	struct cache_fill fill;
	int masked;		/* set by it: cache full, interrupts masked */
	int counted;		/* set by the test: its bounded count is over */
};

/* Fills this CPU's cache, then keeps interrupts masked until the test
 * counted, and 100 ms more: past the 20 ms bound of a drain or two. */
static void cache_fill_masked(void *arg)
{
	struct masked_cpu *m = arg;
	__nsec until;

	cache_fill_here(&m->fill);
	ukplat_lcpu_disable_irq();
	ukarch_store_n(&m->masked, 1);
	while (!ukarch_load_n(&m->counted))
		ukarch_spinwait();
	until = ukplat_monotonic_clock() + ukarch_time_msec_to_nsec(100);
	while (ukplat_monotonic_clock() < until)
		ukarch_spinwait();
	ukplat_lcpu_enable_irq();
}

/*
 * availmem does not wait for a CPU with interrupts masked past its
 * bound (the blocks that CPU caches count as used); a flush waits for
 * its answer however late, and the count after it is exact.
 */
UK_TESTCASE(heap, flush_waits_for_a_cpu_with_interrupts_masked)
{
	struct masked_cpu m = { 0 };
	__ssz bounded, exact;
	struct uk_thread *t;
	struct uk_alloc *h;
	unsigned int cpu;

	if (uk_sched_count() < 2) {
		printf("  skipped: needs 2 CPUs (-smp 2)\n");
		return;
	}
	h = uk_alloc_heap_init(uk_falloc_get_default(),
			       ukplat_bootinfo_get()->dm_off);
	UK_TEST_ASSERT(h != NULL);
	m.fill.h = h;
	cpu = (ukplat_lcpu_idx() + 1) % uk_sched_count();
	t = uk_thread_create("masked", cache_fill_masked, &m, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t));
	UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(cpu), t) == 0);
	while (!ukarch_load_n(&m.masked))
		ukplat_lcpu_spin_yield();
	/* (it would never return if it waited: the CPU waits for us) */
	bounded = uk_alloc_availmem(h);
	ukarch_store_n(&m.counted, 1);
	uk_alloc_heap_flush(h);
	exact = uk_alloc_availmem(h);
	/* The blocks that CPU cached, in slabs now empty. */
	UK_TEST_EXPECT(exact - bounded >= CACHED_BLOCKS * CACHED_SIZE);
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	uk_alloc_heap_trim(h);
	uk_alloc_heap_destroy(h);
}
