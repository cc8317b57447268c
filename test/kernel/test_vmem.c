/*
 * Virtual memory (core/vmem): the seven usage examples of the VMA API,
 * merge and split, demand paging against the frame allocator, guard
 * pages, lookups among many VMAs, bad input, and the POSIX calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uk/arch/traps.h>
#include <uk/event.h>
#include <uk/falloc.h>
#include <uk/plat/paging.h>
#include <uk/alloc.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/thread.h>
#include <uk/test.h>
#include "fault_around.h"
#include "frames_hog.h"
#include <uk/vmem.h>

#define PG	PAGE_SIZE
#define MB	(1UL << 20)

/* --- helpers ----------------------------------------------------------- */

static unsigned long free_mem(void)
{
	return uk_falloc_get_default()->free_memory;
}

/* An address where len bytes are free now (tests run alone). */
static __vaddr_t free_range(struct uk_vas *vas, __sz len, __sz align)
{
	__vaddr_t va = __VADDR_ANY;

	if (uk_vma_reserve(vas, &va, len + align) < 0)
		return 0;
	uk_vma_unmap(vas, va, len + align, 0);
	return ALIGN_UP(va, align);
}

/* Warms the heap up so that VMA bookkeeping takes no new frames during
 * a frame count. */
static void warm_up(struct uk_vas *vas)
{
	__vaddr_t va[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		va[i] = __VADDR_ANY;
		uk_vma_map_anon(vas, &va[i], PG, i & 1 ? PAGE_ATTR_PROT_READ :
				PAGE_ATTR_PROT_RW, 0, NULL);
	}
	for (i = 0; i < ARRAY_SIZE(va); i++)
		uk_vma_unmap(vas, va[i], PG, 0);
}

#define MAX_SPANS 8
struct spans {
	__vaddr_t lo, hi;
	unsigned int n;
	const struct uk_vma *v[MAX_SPANS];
};

static int collect(const struct uk_vma *vma, void *arg)
{
	struct spans *s = arg;

	if (vma->end <= s->lo || vma->start >= s->hi)
		return 0;
	if (s->n < MAX_SPANS)
		s->v[s->n] = vma;
	s->n++;
	return 0;
}

static unsigned int layout(struct uk_vas *vas, __vaddr_t lo, __vaddr_t hi,
			   struct spans *s)
{
	memset(s, 0, sizeof(*s));
	s->lo = lo;
	s->hi = hi;
	uk_vas_foreach(vas, collect, s);
	return s->n;
}

/* Checks VMA i of s: range (clipped to the window of layout(): a
 * reservation may have merged with a neighbour), type and attributes. */
#define EXPECT_SPAN(s, i, st, en, type, at)				\
	do {								\
		UK_TEST_ASSERT((s)->n > (i));				\
		UK_TEST_EXPECT_UNUM_EQ(MAX((s)->v[i]->start, (s)->lo),	\
				       (st));				\
		UK_TEST_EXPECT_UNUM_EQ(MIN((s)->v[i]->end, (s)->hi),	\
				       (en));				\
		UK_TEST_EXPECT_PTR_EQ((s)->v[i]->ops, (type));		\
		UK_TEST_EXPECT_UNUM_EQ((s)->v[i]->attr, (at));		\
	} while (0)

static int mapped(struct uk_vas *vas, __vaddr_t va, unsigned int *lvl)
{
	unsigned int l;

	return ukplat_pt_walk(vas->pt, va, lvl ? lvl : &l, NULL, NULL) == 0;
}

/* Catches a page fault that vmem left unhandled (runs after it). */
static volatile unsigned long resume_ip;
static volatile unsigned long seen_addr, seen_err;
static volatile int seen_fault;

static int catch_fault(void *data)
{
	struct ukarch_trap_ctx *ctx = data;

	if (!resume_ip)
		return UK_EVENT_NOT_HANDLED;
	seen_fault = 1;
	seen_addr = ctx->fault_addr;
	seen_err = ctx->error_code;
	ukarch_regs_ip(ctx->regs) = resume_ip;
	resume_ip = 0;
	return UK_EVENT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, catch_fault, 7);

/* Returns 1 if a byte write (write != 0) or read at addr faulted. Not
 * inlined: tools/valgrind.supp names it (its faults are intended). */
static __noinline int access_faults(__vaddr_t addr, int write)
{
	unsigned long val = 0;

	seen_fault = 0;
#if defined(__x86_64__)
	if (write)
		__asm__ __volatile__(
			"leaq 1f(%%rip), %%rdx\n\t"
			"movq %%rdx, %[ip]\n\t"
			"movb $0x5a, (%[addr])\n\t"
			"1:\n\t"
			: [ip] "=m" (resume_ip)
			: [addr] "r" (addr) : "rdx", "memory");
	else
		__asm__ __volatile__(
			"leaq 1f(%%rip), %%rdx\n\t"
			"movq %%rdx, %[ip]\n\t"
			"movb (%[addr]), %b[val]\n\t"
			"1:\n\t"
			: [ip] "=m" (resume_ip), [val] "+r" (val)
			: [addr] "r" (addr) : "rdx", "memory");
#elif defined(__aarch64__)
	if (write)
		__asm__ __volatile__(
			"adr x2, 1f\n\t"
			"str x2, %[ip]\n\t"
			"mov w3, #0x5a\n\t"
			"strb w3, [%[addr]]\n\t"
			"1:\n\t"
			: [ip] "=m" (resume_ip)
			: [addr] "r" (addr) : "x2", "x3", "memory");
	else
		__asm__ __volatile__(
			"adr x2, 1f\n\t"
			"str x2, %[ip]\n\t"
			"ldrb %w[val], [%[addr]]\n\t"
			"1:\n\t"
			: [ip] "=m" (resume_ip), [val] "+r" (val)
			: [addr] "r" (addr) : "x2", "memory");
#endif
	resume_ip = 0;
	return seen_fault;
}

static void touch(__vaddr_t va, __sz len, unsigned char v)
{
	__vaddr_t p;

	for (p = va; p < va + len; p += PG)
		*(volatile unsigned char *)p = v;
}

static int all_zero(__vaddr_t va, __sz len)
{
	const unsigned char *p = (const unsigned char *)va;
	__sz i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Page tables a small mapping may add (up to three levels of tables). */
#define TABLE_SLACK	(3 * PG)

/* --- the seven usage examples ---------------------------------------- */

/* 1: anonymous memory, demand paged. */
UK_TESTCASE(vmem, ex1_anon_demand_paging)
{
	int saved_fault_around = fault_around_off();

	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	unsigned long before, after_map, after_touch;

	UK_TEST_ASSERT(vas != NULL);
	warm_up(vas);
	before = free_mem();
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 64 * PG, PAGE_ATTR_PROT_RW,
				       0, NULL) == 0);
	after_map = free_mem();
	UK_TEST_EXPECT_UNUM_EQ(after_map, before);
	UK_TEST_EXPECT(!mapped(vas, va, NULL));

	touch(va, 10 * PG, 0xab);
	after_touch = free_mem();
	UK_TEST_EXPECT(before - after_touch >= 10 * PG);
	UK_TEST_EXPECT(before - after_touch <= 10 * PG + TABLE_SLACK);
	UK_TEST_EXPECT(mapped(vas, va + 9 * PG, NULL));
	UK_TEST_EXPECT(!mapped(vas, va + 10 * PG, NULL));
	/* fresh pages are zero apart from what was written */
	UK_TEST_EXPECT_UNUM_EQ(*(unsigned char *)va, 0xab);
	UK_TEST_EXPECT(all_zero(va + 1, PG - 1));
	UK_TEST_EXPECT(all_zero(va + 10 * PG, 4 * PG));

	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 64 * PG, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
	UK_TEST_EXPECT_NULL(uk_vma_find(vas, va));
	fault_around_restore(saved_fault_around);
}

/* 2: a DMA mapping of given frames; they survive the unmap. */
UK_TESTCASE(vmem, ex2_dma)
{
	struct uk_vas *vas = uk_vas_get_active();
	struct uk_falloc *fa = uk_falloc_get_default();
	__vaddr_t va = __VADDR_ANY, kva;
	__paddr_t pa = __PADDR_ANY;
	unsigned long before;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_falloc(fa, &pa, 4, UK_FALLOC_F_ZERO) == 0);
	kva = ukplat_page_kmap(vas->pt, pa, 4, 0);
	UK_TEST_ASSERT(kva != __VADDR_INV);
	strcpy((char *)kva + 3 * PG, "device memory");

	UK_TEST_ASSERT(uk_vma_map_dma(vas, &va, 4 * PG, PAGE_ATTR_PROT_RW,
				      UK_VMA_MAP_POPULATE, NULL, pa) == 0);
	UK_TEST_EXPECT(mapped(vas, va, NULL) && mapped(vas, va + 3 * PG,
						       NULL));
	UK_TEST_EXPECT_STR_EQ((char *)va + 3 * PG, "device memory");
	strcpy((char *)va, "written through the VMA");
	before = free_mem();
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 4 * PG, 0), 0);
	/* only page tables may come back, never the DMA frames */
	UK_TEST_EXPECT(free_mem() - before <= TABLE_SLACK);
	UK_TEST_EXPECT_STR_EQ((char *)kva, "written through the VMA");
	ukplat_page_kunmap(vas->pt, kva, 4, 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa, pa, 4), 0);

	/* an unaligned physical address is refused */
	va = __VADDR_ANY;
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_dma(vas, &va, PG, PAGE_ATTR_PROT_RW,
					      0, NULL, 0x1234), -EINVAL);
}

/* 3: 2 MiB pages. */
UK_TESTCASE(vmem, ex3_2mb_pages)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	unsigned long before;
	unsigned int lvl = 99;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, 3 * MB,
					       PAGE_ATTR_PROT_RW,
					       UK_VMA_MAP_SIZE_2MB, NULL),
			       -EINVAL);
	warm_up(vas);
	before = free_mem();
	va = __VADDR_ANY;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 4 * MB, PAGE_ATTR_PROT_RW,
				       UK_VMA_MAP_SIZE_2MB, NULL) == 0);
	UK_TEST_EXPECT(IS_ALIGNED(va, PAGE_LARGE_SIZE));
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
	*(volatile char *)(va + 2 * MB + 12345) = 1;
	UK_TEST_EXPECT(mapped(vas, va + 2 * MB, &lvl));
	UK_TEST_EXPECT_UNUM_EQ(lvl, PAGE_LARGE_LEVEL);
	UK_TEST_EXPECT(!mapped(vas, va, NULL));
	UK_TEST_EXPECT(before - free_mem() >= 2 * MB);
	UK_TEST_EXPECT(before - free_mem() <= 2 * MB + TABLE_SLACK);
	UK_TEST_EXPECT(all_zero(va + 2 * MB, 12345));
	/* a split inside a 2 MiB page is refused */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va + MB, PG, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 4 * MB, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
}

/* 4: a VMA describing a mapping that already exists. */
UK_TESTCASE(vmem, ex4_reserve_existing)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va;
	const struct uk_vma *vma;

	UK_TEST_ASSERT(vas != NULL);
	va = free_range(vas, 4 * PG, PG);
	UK_TEST_ASSERT(va != 0);
	UK_TEST_ASSERT(ukplat_page_map(vas->pt, va, __PADDR_ANY, 4,
				       PAGE_ATTR_PROT_READ, 0) == 0);
	UK_TEST_ASSERT(uk_vma_reserve_ex(vas, &va, 4 * PG,
					 PAGE_ATTR_PROT_READ, 0,
					 ".initrd") == 0);
	vma = uk_vma_find(vas, va + PG);
	UK_TEST_ASSERT(vma != NULL);
	UK_TEST_EXPECT_STR_EQ(vma->name, ".initrd");
	UK_TEST_EXPECT_UNUM_EQ(vma->attr, PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT(!access_faults(va + 3 * PG, 0));
	UK_TEST_EXPECT(access_faults(va + 3 * PG, 1));	/* read-only */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 4 * PG, 0), 0);
	/* the reservation never owned the page-table entries */
	UK_TEST_EXPECT(mapped(vas, va, NULL));
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(vas->pt, va, 4, 0), 0);
}

/* 5: reserve 1 GiB, map 1 MiB of heap, grow by 2 MiB, shrink by 1 MiB. */
UK_TESTCASE(vmem, ex5_heap_reserve_grow_shrink)
{
	struct uk_vas *vas = uk_vas_get_active();
	const __sz G = 0x40000000;
	__vaddr_t base = __VADDR_ANY, va;
	unsigned long before;
	struct spans s;

	UK_TEST_ASSERT(vas != NULL);
	warm_up(vas);
	before = free_mem();
	UK_TEST_ASSERT(uk_vma_reserve(vas, &base, G) == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + G, &s), 1);
	EXPECT_SPAN(&s, 0, base, base + G, &uk_vma_rsvd_ops, 0);

	va = base;	/* a fixed address inside the reservation */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, 0x100000,
					       PAGE_ATTR_PROT_RW, 0, "HEAP"),
			       -EEXIST);
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 0x100000, PAGE_ATTR_PROT_RW,
				       UK_VMA_MAP_REPLACE, "HEAP") == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + G, &s), 2);
	EXPECT_SPAN(&s, 0, base, base + 0x100000, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	EXPECT_SPAN(&s, 1, base + 0x100000, base + G, &uk_vma_rsvd_ops, 0);
	UK_TEST_EXPECT_STR_EQ(s.v[0]->name, "HEAP");

	va += 0x100000;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 0x200000, PAGE_ATTR_PROT_RW,
				       UK_VMA_MAP_REPLACE, "HEAP") == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + G, &s), 2);
	EXPECT_SPAN(&s, 0, base, base + 0x300000, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	EXPECT_SPAN(&s, 1, base + 0x300000, base + G, &uk_vma_rsvd_ops, 0);
	touch(base, 0x300000, 7);

	va += 0x100000;
	UK_TEST_ASSERT(uk_vma_reserve_ex(vas, &va, 0x100000, 0,
					 UK_VMA_MAP_REPLACE, NULL) == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + G, &s), 2);
	EXPECT_SPAN(&s, 0, base, base + 0x200000, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	EXPECT_SPAN(&s, 1, base + 0x200000, base + G, &uk_vma_rsvd_ops, 0);
	UK_TEST_EXPECT(!mapped(vas, base + 0x200000, NULL));
	UK_TEST_EXPECT(access_faults(base + 0x200000, 0));
	UK_TEST_EXPECT_UNUM_EQ(*(unsigned char *)(base + 0x1ff000), 7);

	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, base, G, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + G, &s), 0);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
}

/* 6: DONTNEED frees the frames, keeps the VMA; next touch reads zero. */
UK_TESTCASE(vmem, ex6_dontneed)
{
	int saved_fault_around = fault_around_off();

	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	unsigned long before, full;
	const struct uk_vma *vma;

	UK_TEST_ASSERT(vas != NULL);
	warm_up(vas);
	before = free_mem();
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 0x300000, PAGE_ATTR_PROT_RW,
				       0, "HEAP") == 0);
	memset((void *)va, 0x33, 0x300000);
	full = free_mem();
	UK_TEST_EXPECT(before - full >= 0x300000);

	UK_TEST_EXPECT_SNUM_EQ(uk_vma_advise(vas, va + 0x200000, 0x100000,
					     UK_VMA_ADV_DONTNEED, 0), 0);
	UK_TEST_EXPECT(free_mem() - full >= 0x100000);
	vma = uk_vma_find(vas, va + 0x250000);
	UK_TEST_ASSERT(vma != NULL);
	UK_TEST_EXPECT_UNUM_EQ(vma->start, va);
	UK_TEST_EXPECT_UNUM_EQ(vma->end, va + 0x300000);
	UK_TEST_EXPECT(all_zero(va + 0x200000, 0x100000));
	UK_TEST_EXPECT_UNUM_EQ(*(unsigned char *)(va + 0x1fffff), 0x33);

	/* WILLNEED maps without a touch */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_advise(vas, va, 0x300000,
					     UK_VMA_ADV_DONTNEED, 0), 0);
	UK_TEST_EXPECT(!mapped(vas, va, NULL));
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_advise(vas, va, 2 * PG,
					     UK_VMA_ADV_WILLNEED, 0), 0);
	UK_TEST_EXPECT(mapped(vas, va + PG, NULL));
	UK_TEST_EXPECT(!mapped(vas, va + 2 * PG, NULL));

	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 0x300000, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
	fault_around_restore(saved_fault_around);
}

/* 7: a mirrored ring buffer: the same frames mapped twice. */
UK_TESTCASE(vmem, ex7_mirrored_ring)
{
	struct uk_vas *vas = uk_vas_get_active();
	struct uk_falloc *fa = uk_falloc_get_default();
	const unsigned long pages = 4;
	__vaddr_t base = __VADDR_ANY, va;
	__paddr_t pa = __PADDR_ANY;
	struct spans s;
	char *ring;	/* both views alias: accesses are volatile */

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_falloc(fa, &pa, pages, UK_FALLOC_F_ZERO) == 0);
	UK_TEST_ASSERT(uk_vma_reserve(vas, &base, 2 * pages * PG) == 0);
	va = base;
	UK_TEST_ASSERT(uk_vma_map_dma(vas, &va, pages * PG,
				      PAGE_ATTR_PROT_RW,
				      UK_VMA_MAP_POPULATE |
				      UK_VMA_MAP_REPLACE, NULL, pa) == 0);
	va += pages * PG;
	UK_TEST_ASSERT(uk_vma_map_dma(vas, &va, pages * PG,
				      PAGE_ATTR_PROT_RW,
				      UK_VMA_MAP_POPULATE |
				      UK_VMA_MAP_REPLACE, NULL, pa) == 0);
	/* same type and attributes, but not contiguous frames: two VMAs */
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + 2 * pages * PG, &s),
			       2);

	ring = (char *)base;
	/* a record written across the end reads back contiguously */
	memcpy(ring + pages * PG - 4, "wrap-around", 12);
	UK_TEST_EXPECT_STR_EQ(ring + pages * PG - 4, "wrap-around");
	UK_TEST_EXPECT(memcmp(ring, "-around", 8) == 0);
	((volatile char *)ring)[pages * PG + 100] = 'x';
	UK_TEST_EXPECT_SNUM_EQ(((volatile char *)ring)[100], 'x');

	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, base, 2 * pages * PG, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa, pa, pages), 0);
}

/* --- merge and split ---------------------------------------------------- */

UK_TESTCASE(vmem, adjacent_anon_merge)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t base, va;
	struct spans s;

	UK_TEST_ASSERT(vas != NULL);
	base = free_range(vas, 12 * PG, PG);
	va = base + 4 * PG;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 4 * PG, PAGE_ATTR_PROT_RW,
				       0, NULL) == 0);
	va = base;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 4 * PG, PAGE_ATTR_PROT_RW,
				       0, NULL) == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + 12 * PG, &s), 1);
	EXPECT_SPAN(&s, 0, base, base + 8 * PG, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	/* different attributes or names do not merge */
	va = base + 8 * PG;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 2 * PG, PAGE_ATTR_PROT_READ,
				       0, NULL) == 0);
	va = base + 10 * PG;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 2 * PG, PAGE_ATTR_PROT_READ,
				       0, "other") == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + 12 * PG, &s), 3);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, base, 12 * PG, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + 12 * PG, &s), 0);
}

UK_TESTCASE(vmem, set_attr_middle_splits_in_three)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	struct spans s;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 3 * PG, PAGE_ATTR_PROT_RW,
				       0, NULL) == 0);
	touch(va, 3 * PG, 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_set_attr(vas, va + PG, PG,
					       PAGE_ATTR_PROT_READ), 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, va, va + 3 * PG, &s), 3);
	EXPECT_SPAN(&s, 0, va, va + PG, &uk_vma_anon_ops, PAGE_ATTR_PROT_RW);
	EXPECT_SPAN(&s, 1, va + PG, va + 2 * PG, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_READ);
	EXPECT_SPAN(&s, 2, va + 2 * PG, va + 3 * PG, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	/* the page table follows: the middle page is read-only now */
	UK_TEST_EXPECT(access_faults(va + PG, 1));
	UK_TEST_EXPECT(seen_err & UKARCH_PF_WRITE);
	UK_TEST_EXPECT(!access_faults(va + PG, 0));
	UK_TEST_EXPECT(!access_faults(va + 2 * PG, 1));
	UK_TEST_EXPECT_UNUM_EQ(*(unsigned char *)(va + PG), 1);

	/* back to one VMA */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_set_attr(vas, va + PG, PG,
					       PAGE_ATTR_PROT_RW), 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, va, va + 3 * PG, &s), 1);
	UK_TEST_EXPECT(!access_faults(va + PG, 1));
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 3 * PG, 0), 0);
}

UK_TESTCASE(vmem, unmap_middle)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	struct spans s;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 3 * PG, PAGE_ATTR_PROT_RW,
				       0, NULL) == 0);
	touch(va, 3 * PG, 9);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va + PG, PG, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, va, va + 3 * PG, &s), 2);
	EXPECT_SPAN(&s, 0, va, va + PG, &uk_vma_anon_ops, PAGE_ATTR_PROT_RW);
	EXPECT_SPAN(&s, 1, va + 2 * PG, va + 3 * PG, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	UK_TEST_EXPECT(access_faults(va + PG, 0));
	UK_TEST_EXPECT_UNUM_EQ(seen_addr, va + PG);
	UK_TEST_EXPECT_UNUM_EQ(*(unsigned char *)(va + 2 * PG), 9);
	/* unmapping a hole is fine */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 3 * PG, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, va, va + 3 * PG, &s), 0);
}

UK_TESTCASE(vmem, replace_inside_reservation)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t base = __VADDR_ANY, va;
	struct spans s;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_vma_reserve(vas, &base, 8 * PG) == 0);
	va = base + 2 * PG;
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, 2 * PG,
					       PAGE_ATTR_PROT_RW, 0, NULL),
			       -EEXIST);
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 2 * PG, PAGE_ATTR_PROT_RW,
				       UK_VMA_MAP_REPLACE, NULL) == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + 8 * PG, &s), 3);
	EXPECT_SPAN(&s, 0, base, base + 2 * PG, &uk_vma_rsvd_ops, 0);
	EXPECT_SPAN(&s, 1, base + 2 * PG, base + 4 * PG, &uk_vma_anon_ops,
		    PAGE_ATTR_PROT_RW);
	EXPECT_SPAN(&s, 2, base + 4 * PG, base + 8 * PG, &uk_vma_rsvd_ops, 0);
	UK_TEST_EXPECT(access_faults(base + PG, 0));
	UK_TEST_EXPECT(!access_faults(base + 3 * PG, 1));
	/* and back: the reservation is whole again */
	va = base + 2 * PG;
	UK_TEST_ASSERT(uk_vma_reserve_ex(vas, &va, 2 * PG, 0,
					 UK_VMA_MAP_REPLACE, NULL) == 0);
	UK_TEST_EXPECT_UNUM_EQ(layout(vas, base, base + 8 * PG, &s), 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, base, 8 * PG, 0), 0);
}

/* --- guard pages -------------------------------------------------------- */

UK_TESTCASE(vmem, stack_guard_pages_fault)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY, lo, hi;
	const struct uk_vma *vma;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_vma_map_stack(vas, &va, 4 * PG, 0, "test-thread",
					2, 1) == 0);
	vma = uk_vma_find(vas, va);
	UK_TEST_ASSERT(vma != NULL);
	lo = uk_vma_stack_base(vma);
	hi = uk_vma_stack_top(vma);
	UK_TEST_EXPECT_UNUM_EQ(vma->start, va);
	UK_TEST_EXPECT_UNUM_EQ(vma->end, va + 7 * PG);
	UK_TEST_EXPECT_UNUM_EQ(lo, va + 2 * PG);
	UK_TEST_EXPECT_UNUM_EQ(hi, va + 6 * PG);

	/* the stack itself pages in on demand */
	UK_TEST_EXPECT(!access_faults(hi - 8, 1));
	UK_TEST_EXPECT(!access_faults(lo, 1));
	/* one byte below it is a guard: vmem does not page it in */
	UK_TEST_EXPECT(access_faults(lo - 1, 1));
	UK_TEST_EXPECT_UNUM_EQ(seen_addr, lo - 1);
	UK_TEST_EXPECT(!mapped(vas, lo - 1, NULL));
	UK_TEST_EXPECT(access_faults(va, 0));
	UK_TEST_EXPECT(access_faults(hi, 1));
	UK_TEST_EXPECT(!mapped(vas, hi, NULL));

	/* with POPULATE every stack page is there, no guard is */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 7 * PG, 0), 0);
	va = __VADDR_ANY;
	UK_TEST_ASSERT(uk_vma_map_stack(vas, &va, 4 * PG, UK_VMA_MAP_POPULATE,
					"test-thread",
					UK_VMA_STACK_GUARD_BOTTOM,
					UK_VMA_STACK_GUARD_TOP) == 0);
	vma = uk_vma_find(vas, va);
	UK_TEST_ASSERT(vma != NULL);
	lo = uk_vma_stack_base(vma);
	UK_TEST_EXPECT(mapped(vas, lo, NULL) && mapped(vas, lo + 3 * PG,
						       NULL));
	UK_TEST_EXPECT(!mapped(vas, lo - PG, NULL));
	UK_TEST_EXPECT(!mapped(vas, lo + 4 * PG, NULL));
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, vma->start,
					    vma->end - vma->start, 0), 0);
}

/* --- frames and lookups ----------------------------------------------- */

UK_TESTCASE(vmem, populate_out_of_frames_leaks_nothing)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	unsigned long before;
	__sz len;

	UK_TEST_ASSERT(vas != NULL);
	warm_up(vas);
	before = free_mem();
	len = ALIGN_UP(before + 16 * MB, PAGE_LARGE_SIZE);
	UK_TEST_ASSERT(len < vas->end - vas->start);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, len,
					       PAGE_ATTR_PROT_RW,
					       UK_VMA_MAP_POPULATE |
					       UK_VMA_MAP_SIZE_2MB, NULL),
			       -ENOMEM);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
	/* the same in 4 KiB pages, for a part of memory */
	va = __VADDR_ANY;
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 256 * PG, PAGE_ATTR_PROT_RW,
				       UK_VMA_MAP_POPULATE, NULL) == 0);
	UK_TEST_EXPECT(mapped(vas, va + 255 * PG, NULL));
	UK_TEST_EXPECT(before - free_mem() >= 256 * PG);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 256 * PG, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
}

UK_TESTCASE(vmem, lookup_among_many)
{
	struct uk_vas *vas = uk_vas_get_active();
	const unsigned int n = 2000;
	__vaddr_t base = __VADDR_ANY, va;
	const struct uk_vma *vma;
	unsigned int i, bad = 0;

	UK_TEST_ASSERT(vas != NULL);
	UK_TEST_ASSERT(uk_vma_reserve(vas, &base, 2 * n * PG) == 0);
	/* every other page, alternating attributes: nothing merges */
	for (i = 0; i < n; i++) {
		va = base + 2 * i * PG;
		if (uk_vma_map_anon(vas, &va, PG, (i & 1) ?
				    PAGE_ATTR_PROT_READ : PAGE_ATTR_PROT_RW,
				    UK_VMA_MAP_REPLACE, NULL) < 0)
			bad++;
	}
	UK_TEST_EXPECT_UNUM_EQ(bad, 0);
	for (i = 0; i < n; i++) {
		vma = uk_vma_find(vas, base + 2 * i * PG + 100);
		if (!vma || vma->start != base + 2 * i * PG ||
		    vma->ops != &uk_vma_anon_ops)
			bad++;
		vma = uk_vma_find(vas, base + (2 * i + 1) * PG);
		if (!vma || vma->ops != &uk_vma_rsvd_ops)
			bad++;
	}
	UK_TEST_EXPECT_UNUM_EQ(bad, 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, base, 2 * n * PG, 0), 0);
	UK_TEST_EXPECT_NULL(uk_vma_find(vas, base + PG));
}

/* --- the VMA tree against a model ------------------------------------- */

#define TREE_PAGES	512

/* Checks one subtree (order, balance, gaps); returns its height, or -1. */
static int tree_check(struct uk_vas *vas, const struct uk_vma *n,
		      const struct uk_vma *parent, __vaddr_t *prev_end,
		      __sz *max_gap)
{
	__sz lmax = 0, rmax = 0;
	int lh, rh;

	if (!n)
		return 0;
	if (n->t_parent != parent)
		return -1;
	lh = tree_check(vas, n->t_left, n, prev_end, &lmax);
	if (lh < 0 || n->start < *prev_end || n->start >= n->end ||
	    n->t_gap != n->start - *prev_end)
		return -1;
	*prev_end = n->end;
	rh = tree_check(vas, n->t_right, n, prev_end, &rmax);
	if (rh < 0 || lh - rh > 1 || rh - lh > 1 ||
	    n->t_height != 1 + MAX(lh, rh))
		return -1;
	*max_gap = MAX(n->t_gap, MAX(lmax, rmax));
	return n->t_max_gap == *max_gap ? n->t_height : -1;
}

struct tree_model {
	__vaddr_t base;
	unsigned char attr[TREE_PAGES];		/* 0: free, else attr + 1 */
};

static int model_cmp(const struct uk_vma *vma, void *arg)
{
	struct tree_model *m = arg;
	__vaddr_t va;

	for (va = vma->start; va < vma->end; va += PG)
		if (m->attr[(va - m->base) / PG] != vma->attr + 1)
			return 1;
	/* Neighbours of equal attributes have merged. */
	return 0;
}

/* Random reservations, unmaps and protection changes on a VAS of its
 * own; after each, the tree must hold the model and its invariants. */
UK_TESTCASE(vmem, tree_random_against_model)
{
	struct uk_vas *kvas = uk_vas_get_active(), vas;
	static struct tree_model m;
	unsigned long seed = 12345, r, i, p, n, bad = 0, count;
	__vaddr_t base = __VADDR_ANY, va, prev_end;
	__sz gap;
	int step;

	UK_TEST_ASSERT(kvas != NULL);
	UK_TEST_ASSERT(uk_vma_reserve(kvas, &base, TREE_PAGES * PG) == 0);
	UK_TEST_ASSERT(uk_vas_init(&vas, kvas->pt, kvas->a, kvas->fa, base,
				   base + TREE_PAGES * PG) == 0);
	memset(&m, 0, sizeof(m));
	m.base = base;
	for (step = 0; step < 4000; step++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		r = seed >> 33;
		p = r % TREE_PAGES;
		n = 1 + (r >> 10) % 8;
		if (p + n > TREE_PAGES)
			n = TREE_PAGES - p;
		va = base + p * PG;
		switch ((r >> 20) % 4) {
		case 0:		/* a fixed reservation over what is there */
		case 1:
			if (uk_vma_map(&vas, &va, n * PG, (r >> 24) % 3, 
				       UK_VMA_MAP_REPLACE, NULL,
				       &uk_vma_rsvd_ops, NULL) < 0)
				bad++;
			for (i = p; i < p + n; i++)
				m.attr[i] = (r >> 24) % 3 + 1;
			break;
		case 2:
			if (uk_vma_unmap(&vas, va, n * PG, 0) < 0)
				bad++;
			for (i = p; i < p + n; i++)
				m.attr[i] = 0;
			break;
		case 3:		/* first fit: the lowest hole that fits */
			va = __VADDR_ANY;
			for (i = 0, count = 0; i < TREE_PAGES && count < n;
			     i++)
				count = m.attr[i] ? 0 : count + 1;
			if (uk_vma_map(&vas, &va, n * PG, 1, 0, NULL,
				       &uk_vma_rsvd_ops, NULL) < 0) {
				if (count >= n)
					bad++;
				break;
			}
			if (count < n || va != base + (i - n) * PG)
				bad++;
			for (p = (va - base) / PG, i = p; i < p + n; i++)
				m.attr[i] = 2;
			break;
		}
		prev_end = base;
		if (tree_check(&vas, vas.root, NULL, &prev_end, &gap) < 0 ||
		    uk_vas_foreach(&vas, model_cmp, &m))
			bad++;
		for (i = 0, count = 0; i < TREE_PAGES; i++)
			count += m.attr[i] && (i == 0 || !m.attr[i - 1] ||
					       m.attr[i] != m.attr[i - 1]);
		if (vas.nr_vmas != count)
			bad++;
		if (bad)
			break;
	}
	UK_TEST_EXPECT_UNUM_EQ(bad, 0);
	uk_vas_destroy(&vas);
	UK_TEST_EXPECT_NULL(vas.root);
	uk_vma_unmap(kvas, base, TREE_PAGES * PG, 0);
}

/* --- file VMAs --------------------------------------------------------- */

static char file_data[PAGE_SIZE + 1000];

UK_TESTCASE(vmem, file_vma_from_buffer)
{
	struct uk_vas *vas = uk_vas_get_active();
	struct uk_vma_file_buffer fb = { file_data, sizeof(file_data) };
	__vaddr_t va = __VADDR_ANY;
	unsigned int i;

	UK_TEST_ASSERT(vas != NULL);
	for (i = 0; i < sizeof(file_data); i++)
		file_data[i] = (char)(i * 7 + 1);
	UK_TEST_ASSERT(uk_vma_map_file(vas, &va, 3 * PG, PAGE_ATTR_PROT_RW,
				       0, "file", uk_vma_file_buffer_read,
				       &fb, 0) == 0);
	UK_TEST_EXPECT(memcmp((void *)va, file_data, sizeof(file_data)) == 0);
	UK_TEST_EXPECT(all_zero(va + sizeof(file_data),
				3 * PG - sizeof(file_data)));
	/* private: a write stays in memory, DONTNEED reads the file again */
	*(char *)va = 'W';
	UK_TEST_EXPECT_SNUM_EQ(file_data[0], 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_advise(vas, va, PG,
					     UK_VMA_ADV_DONTNEED, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(*(char *)va, 1);
	/* a split keeps the file offset of the second part */
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 3 * PG, 0), 0);
	va = __VADDR_ANY;
	UK_TEST_ASSERT(uk_vma_map_file(vas, &va, 2 * PG, PAGE_ATTR_PROT_RW,
				       0, "file", uk_vma_file_buffer_read,
				       &fb, 0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_set_attr(vas, va, PG,
					       PAGE_ATTR_PROT_READ), 0);
	UK_TEST_EXPECT(memcmp((void *)(va + PG), file_data + PG, 1000) == 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 2 * PG, 0), 0);
}

/* --- bad input --------------------------------------------------------- */

UK_TESTCASE(vmem, bad_input)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va;

	UK_TEST_ASSERT(vas != NULL);
	va = __VADDR_ANY;
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, 0, PAGE_ATTR_PROT_RW,
					       0, NULL), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, 100,
					       PAGE_ATTR_PROT_RW, 0, NULL),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, PG, 0x80, 0, NULL),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, PG,
					       PAGE_ATTR_PROT_RW, 0x1000,
					       NULL), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va,
					       vas->end - vas->start + PG,
					       PAGE_ATTR_PROT_RW, 0, NULL),
			       -ENOMEM);
	va = vas->start + 123;
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, PG,
					       PAGE_ATTR_PROT_RW, 0, NULL),
			       -EINVAL);
	va = vas->end;
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, PG,
					       PAGE_ATTR_PROT_RW, 0, NULL),
			       -ENOMEM);
	va = vas->end - PG;
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_anon(vas, &va, 2 * PG,
					       PAGE_ATTR_PROT_RW, 0, NULL),
			       -ENOMEM);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, vas->start + 1, PG, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, vas->start, 0, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, ~0UL & PAGE_MASK, 2 * PG, 0),
			       -EINVAL);

	/* set_attr and advise over a hole change nothing */
	va = free_range(vas, 3 * PG, PG);
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, PG, PAGE_ATTR_PROT_RW, 0,
				       NULL) == 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_set_attr(vas, va, 3 * PG,
					       PAGE_ATTR_PROT_READ), -ENOMEM);
	UK_TEST_EXPECT_UNUM_EQ(uk_vma_find(vas, va)->attr, PAGE_ATTR_PROT_RW);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_advise(vas, va, PG, 77, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_advise(vas, va, 2 * PG,
					     UK_VMA_ADV_DONTNEED, 0), -ENOMEM);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, PG, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_map_stack(vas, &va, 100, 0, NULL, 1, 1),
			       -EINVAL);
}

/* --- POSIX ------------------------------------------------------------- */

UK_TESTCASE(vmem, posix_mmap)
{
	char *p, *q;
	int fd;

	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UK_TEST_ASSERT(p != MAP_FAILED);
	UK_TEST_EXPECT(all_zero((__vaddr_t)p, 3 * PG));
	strcpy(p + PG, "hello");
	q = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED_NOREPLACE, -1, 0);
	UK_TEST_EXPECT(q == MAP_FAILED && errno == EEXIST);
	UK_TEST_EXPECT_SNUM_EQ(madvise(p + PG, PG, MADV_DONTNEED), 0);
	UK_TEST_EXPECT_SNUM_EQ(p[PG], 0);
	UK_TEST_EXPECT_SNUM_EQ(mprotect(p, PG, PROT_READ), 0);
	UK_TEST_EXPECT(access_faults((__vaddr_t)p, 1));
	UK_TEST_EXPECT_SNUM_EQ(munmap(p, 3 * PG), 0);
	UK_TEST_EXPECT(access_faults((__vaddr_t)p + 2 * PG, 0));

	/* errors */
	errno = 0;
	UK_TEST_EXPECT(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0) == MAP_FAILED && errno == EINVAL);
	UK_TEST_EXPECT(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) ==
		       MAP_FAILED && errno == EINVAL);
	UK_TEST_EXPECT(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 1000, 0) ==
		       MAP_FAILED && errno == EBADF);
	fd = open("/dev/null", O_RDWR);
	UK_TEST_EXPECT(fd >= 0);
	UK_TEST_EXPECT(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0) ==
		       MAP_FAILED && errno == ENODEV);
	close(fd);
	UK_TEST_EXPECT(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0) ==
		       MAP_FAILED && errno == EBADF);
	UK_TEST_EXPECT(mmap((void *)0x1001, PG, PROT_READ, MAP_PRIVATE |
			    MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
		       errno == EINVAL);
	UK_TEST_EXPECT(munmap((void *)0x1001, PG) == -1 && errno == EINVAL);
	UK_TEST_EXPECT(mprotect(p, PG, PROT_READ) == -1 && errno == ENOMEM);
	UK_TEST_EXPECT(madvise(p, PG, 1234) == -1 && errno == EINVAL);

	/* mremap grows in place when it can, moves otherwise */
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	UK_TEST_ASSERT(p != MAP_FAILED);
	strcpy(p, "kept");
	q = mremap(p, 2 * PG, PG, 0);
	UK_TEST_EXPECT(q == p);
	q = mremap(p, PG, 4 * PG, MREMAP_MAYMOVE);
	UK_TEST_ASSERT(q != MAP_FAILED);
	UK_TEST_EXPECT_STR_EQ(q, "kept");
	q[4 * PG - 1] = 1;
	UK_TEST_EXPECT_SNUM_EQ(munmap(q, 4 * PG), 0);
}

/* mremap(MREMAP_MAYMOVE) needs no memory for the pages it moves: with
 * every frame taken it works, or fails cleanly with ENOMEM when a page
 * table or the VMA cannot be had; the data is there either way. */
UK_TESTCASE(vmem, mremap_moves_without_memory)
{
	const int n = 8;
	char *p, *q, *hole;
	unsigned long bad = 0;
	__paddr_t hog;
	int i;

	p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Something right behind it, so it cannot grow in place. */
	hole = mmap(p + n * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_FIXED_NOREPLACE, -1, 0);
	UK_TEST_ASSERT(p != MAP_FAILED && hole == p + n * PG);
	for (i = 0; i < n; i += 2)
		p[i * PG] = (char)('a' + i);
	hog = frames_hog();
	q = mremap(p, n * PG, 2 * n * PG, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		UK_TEST_EXPECT_SNUM_EQ(errno, ENOMEM);
		q = p;
	}
	for (i = 0; i < n; i += 2)
		bad += q[i * PG] != (char)('a' + i);
	bad += q[PG] != 0;
	frames_unhog(hog);
	UK_TEST_EXPECT_UNUM_EQ(bad, 0);
	if (q != p)
		UK_TEST_EXPECT(access_faults((__vaddr_t)p, 0));
	munmap(q, (q == p ? 1 : 2) * n * PG);
	munmap(hole, PG);
}

/* The failing move, for sure: in a VAS of its own over a 1 GiB window
 * nothing else maps, the new place needs a page table, and there is no
 * frame for it. The old pages stay; with memory back, the move works. */
UK_TESTCASE(vmem, move_without_page_tables_fails_cleanly)
{
	struct uk_vas *kvas = uk_vas_get_active(), vas;
	const __sz win = 1UL << 30;
	__vaddr_t base = __VADDR_ANY, kbase, va, nva, ptv;
	unsigned int lvl, i;
	__paddr_t hog;
	__pte_t pte;

	UK_TEST_ASSERT(kvas != NULL);
	UK_TEST_ASSERT(uk_vma_reserve(kvas, &base, 2 * win) == 0);
	kbase = base;
	base = ALIGN_UP(base, win);
	UK_TEST_ASSERT(uk_vas_init(&vas, kvas->pt, kvas->a, kvas->fa, base,
				   base + win) == 0);
	va = base;
	UK_TEST_ASSERT(uk_vma_map_anon(&vas, &va, 8 * PG, PAGE_ATTR_PROT_RW,
				       UK_VMA_MAP_POPULATE, NULL) == 0);
	for (i = 0; i < 8; i++)
		*(char *)(base + i * PG) = (char)('A' + i);
	/* The rest of the first 2 MiB is taken: the move goes beyond. */
	va = base + 8 * PG;
	UK_TEST_ASSERT(uk_vma_reserve(&vas, &va, PAGE_LARGE_SIZE - 8 * PG)
		       == 0);
	hog = frames_hog();
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_move(&vas, base, 8 * PG, 16 * PG, &nva, 0),
			       -ENOMEM);
	for (i = 0; i < 8; i++)
		UK_TEST_EXPECT(*(char *)(base + i * PG) == (char)('A' + i));
	frames_unhog(hog);
	UK_TEST_ASSERT(uk_vma_move(&vas, base, 8 * PG, 16 * PG, &nva, 0) == 0);
	UK_TEST_EXPECT(nva >= base + PAGE_LARGE_SIZE);
	for (i = 0; i < 8; i++)
		UK_TEST_EXPECT(*(char *)(nva + i * PG) == (char)('A' + i));
	UK_TEST_EXPECT(ukplat_pt_walk(kvas->pt, base, &lvl, &ptv, &pte) != 0);
	UK_TEST_EXPECT_NULL(uk_vma_find(&vas, base));
	uk_vas_destroy(&vas);
	uk_vma_unmap(kvas, kbase, 2 * win, 0);
}

static int refused(void *p, size_t len)
{
	int bad = 0;

	errno = 0;
	bad += !(munmap(p, len) == -1 && errno == EINVAL);
	errno = 0;
	bad += !(mprotect(p, len, PROT_NONE) == -1 && errno == ENOMEM);
	errno = 0;
	bad += !(madvise(p, len, MADV_DONTNEED) == -1 && errno == ENOMEM);
	errno = 0;
	bad += !(mremap(p, len, 2 * len, MREMAP_MAYMOVE) == MAP_FAILED &&
		 errno == EFAULT);
	errno = 0;
	bad += !(mmap(p, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		      MAP_FIXED, -1, 0) == MAP_FAILED && errno == ENOMEM);
	return bad;
}

/* The POSIX calls act for the app: memory the kernel owns (a kernel
 * thread's stack, the image, the heap) is refused with Linux's errors
 * for kernel addresses, and stays as it was. */
UK_TESTCASE(vmem, posix_calls_refuse_kernel_memory)
{
	struct uk_thread *idle = uk_sched_current()->idle;
	__vaddr_t stack = PAGE_ALIGN_DOWN((__vaddr_t)idle->stack);
	void *heap = uk_malloc(uk_alloc_get_default(), 64);
	__vaddr_t text = PAGE_ALIGN_DOWN((__vaddr_t)&refused);
	const struct uk_vma *vma;
	char *app;

	UK_TEST_ASSERT(heap != NULL);
	UK_TEST_EXPECT_SNUM_EQ(refused((void *)stack, PG), 0);
	/* The idle thread's stack is still mapped and writable. */
	UK_TEST_EXPECT(mapped(uk_vas_get_active(), stack, NULL));
	UK_TEST_EXPECT_SNUM_EQ(refused((void *)text, PG), 0);
	UK_TEST_EXPECT_SNUM_EQ(refused((void *)PAGE_ALIGN_DOWN(
					       (__vaddr_t)heap), PG), 0);
	uk_free(uk_alloc_get_default(), heap);
	/* A range that is partly the app's and partly a stack: refused
	 * as a whole, the app's part untouched. */
	vma = uk_vma_find(uk_vas_get_active(), stack);
	UK_TEST_ASSERT(vma != NULL);
	app = (char *)vma->end;
	if (uk_vma_find(uk_vas_get_active(), (__vaddr_t)app))
		app = (char *)free_range(uk_vas_get_active(), PG, PG);
	app = mmap(app, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		   MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	UK_TEST_ASSERT(app != MAP_FAILED);
	app[0] = 1;
	if ((__vaddr_t)app == vma->end)
		UK_TEST_EXPECT_SNUM_EQ(refused(app - PG, 2 * PG), 0);
	else
		uk_pr_warn("no room above a stack: mixed range not tried\n");
	UK_TEST_EXPECT_SNUM_EQ(app[0], 1);
	UK_TEST_EXPECT_SNUM_EQ(munmap(app, PG), 0);
}

/* The system call (musl's brk() refuses everything, its sbrk() all but
 * 0): the new break, or the current one when it cannot move. */
static char *sys_brk(void *addr)
{
	return (char *)syscall(SYS_brk, addr);
}

UK_TESTCASE(vmem, brk_system_call)
{
	char *b0 = sys_brk(NULL);

	UK_TEST_ASSERT(b0 != NULL);
	UK_TEST_EXPECT(sys_brk(b0 + 3 * PG + 10) == b0 + 3 * PG + 10);
	memset(b0, 0x11, 3 * PG + 10);
	UK_TEST_EXPECT(sys_brk(NULL) == b0 + 3 * PG + 10);
	UK_TEST_EXPECT(sys_brk(b0) == b0);
	UK_TEST_EXPECT(access_faults(PAGE_ALIGN_UP((__vaddr_t)b0), 0));
	/* Below the start or far beyond: the break stays. */
	UK_TEST_EXPECT(sys_brk(b0 - PG) == b0);
	UK_TEST_EXPECT(sys_brk(b0 + (1L << 40)) == b0);
	UK_TEST_EXPECT(sbrk(0) == b0);
}

/* The libc's string instructions restart after a demand-paging fault;
 * every byte must land (valgrind's emulation of a faulting rep movsb or
 * rep stosb used to lose one: the valgrind-ktest runs check this too). */
UK_TESTCASE(vmem, memset_memcpy_on_fresh_pages)
{
	const size_t len = 4 * PAGE_SIZE;
	unsigned char *a, *b;
	size_t i, bad = 0;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UK_TEST_ASSERT(a != MAP_FAILED && b != MAP_FAILED);
	memset(a, 'e', len);
	memcpy(b, a, len);
	for (i = 0; i < len; i++)
		bad += a[i] != 'e' || b[i] != 'e';
	UK_TEST_EXPECT_UNUM_EQ(bad, 0);
	UK_TEST_EXPECT_SNUM_EQ(munmap(a, len), 0);
	UK_TEST_EXPECT_SNUM_EQ(munmap(b, len), 0);
}

/* One fault maps the aligned window of vmem.fault_around pages around
 * the address (all zero), in one allocation; a window that is partly
 * mapped already falls back to the single page. */
UK_TESTCASE(vmem, fault_around_maps_the_window)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = __VADDR_ANY;
	unsigned long before;
	int saved = 1;

	UK_TEST_ASSERT(vas != NULL);
	uk_param_get("vmem.fault_around", &saved);
	UK_TEST_ASSERT(uk_param_set_int("vmem.fault_around", 8) == 0);
	warm_up(vas);
	before = free_mem();
	UK_TEST_ASSERT(uk_vma_map_anon(vas, &va, 32 * PG, PAGE_ATTR_PROT_RW,
				       0, NULL) == 0);
	/* A touch in the second window maps pages 8..15, nothing else. */
	touch(va + 10 * PG, 1, 0x5a);
	UK_TEST_EXPECT(!mapped(vas, va + 7 * PG, NULL));
	UK_TEST_EXPECT(mapped(vas, va + 8 * PG, NULL));
	UK_TEST_EXPECT(mapped(vas, va + 15 * PG, NULL));
	UK_TEST_EXPECT(!mapped(vas, va + 16 * PG, NULL));
	UK_TEST_EXPECT(before - free_mem() >= 8 * PG);
	UK_TEST_EXPECT(before - free_mem() <= 8 * PG + TABLE_SLACK);
	UK_TEST_EXPECT(all_zero(va + 8 * PG, 2 * PG));
	UK_TEST_EXPECT(all_zero(va + 10 * PG + 1, 6 * PG - 1));
	/* Window 16..23 with page 20 mapped already: one page only. */
	UK_TEST_ASSERT(uk_param_set_int("vmem.fault_around", 1) == 0);
	touch(va + 20 * PG, 1, 0x5c);
	UK_TEST_ASSERT(uk_param_set_int("vmem.fault_around", 8) == 0);
	touch(va + 17 * PG, 1, 0x5b);
	UK_TEST_EXPECT(mapped(vas, va + 17 * PG, NULL));
	UK_TEST_EXPECT(!mapped(vas, va + 16 * PG, NULL));
	UK_TEST_EXPECT(!mapped(vas, va + 18 * PG, NULL));
	UK_TEST_EXPECT_SNUM_EQ(uk_vma_unmap(vas, va, 32 * PG, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(free_mem(), before);
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set("vmem.fault_around=0"), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set_int("vmem.fault_around", 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set_int("vmem.fault_around", saved),
			       0);
}
