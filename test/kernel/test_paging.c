/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic paging (uk/plat/paging.h) on the kernel's page table: mappings
 * in the address-space window are real (memory written through them is
 * seen through the direct map, and unmapped pages fault), frames and
 * tables come back to the frame allocator, and the image is W^X.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <uk/errptr.h>
#include <uk/arch/traps.h>
#include <uk/arch/valgrind.h>
#include <uk/event.h>
#include <uk/falloc.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/paging.h>
#include <uk/test.h>

#define LARGE		PAGE_LARGE_SIZE
#define LARGE_PAGES	(PAGE_LARGE_SIZE >> PAGE_SHIFT)

/* ---- catching a fault and resuming (as test_traps.c does) ---- */

static volatile unsigned long resume_ip;
static volatile unsigned long fault_addr;
static volatile int faulted;

static int paging_fault_handler(void *data)
{
	struct ukarch_trap_ctx *ctx = data;

	if (!resume_ip)
		return UK_EVENT_NOT_HANDLED;
	faulted = 1;
	fault_addr = ctx->fault_addr;
	ukarch_regs_ip(ctx->regs) = resume_ip;
	resume_ip = 0;
	return UK_EVENT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, paging_fault_handler, 0);

/* 1 if reading the byte at addr faults. (Named in tools/valgrind.supp.) */
static __noinline int paging_probe_read(__vaddr_t addr)
{
	unsigned long v = 0;

	faulted = 0;
#if defined(__x86_64__)
	__asm__ __volatile__(
		"leaq 1f(%%rip), %%rdx\n\t"
		"movq %%rdx, %[ip]\n\t"
		"movzbq (%[addr]), %[v]\n\t"
		"1:\n\t"
		: [v] "+r" (v), [ip] "=m" (resume_ip)
		: [addr] "r" (addr) : "rdx", "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"adr x2, 1f\n\t"
		"str x2, %[ip]\n\t"
		"ldrb %w[v], [%[addr]]\n\t"
		"1:\n\t"
		: [v] "+r" (v), [ip] "=m" (resume_ip)
		: [addr] "r" (addr) : "x2", "memory");
#endif
	resume_ip = 0;
	return faulted;
}

/* 1 if writing the byte at addr (its own value, if readable) faults. */
static __noinline int paging_probe_write(__vaddr_t addr)
{
	faulted = 0;
#if defined(__x86_64__)
	__asm__ __volatile__(
		"leaq 1f(%%rip), %%rdx\n\t"
		"movq %%rdx, %[ip]\n\t"
		"movb (%[addr]), %%al\n\t"
		"movb %%al, (%[addr])\n\t"
		"1:\n\t"
		: [ip] "=m" (resume_ip)
		: [addr] "r" (addr) : "rax", "rdx", "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"adr x2, 1f\n\t"
		"str x2, %[ip]\n\t"
		"ldrb w3, [%[addr]]\n\t"
		"strb w3, [%[addr]]\n\t"
		"1:\n\t"
		: [ip] "=m" (resume_ip)
		: [addr] "r" (addr) : "x2", "x3", "memory");
#endif
	resume_ip = 0;
	return faulted;
}

/* 1 if jumping to addr faults. addr must hold RET_CODE (x86_64: "jmp
 * *%rdx", back to the label in %rdx; arm64: "bti c; ret", called), which
 * comes straight back when it is executable. Valgrind does not model
 * execute permission (it runs any readable code): there the answer is
 * what the page table says, and the caller's check only tests that. */
static int exec_faults(__vaddr_t addr)
{
	if (uk_valgrind_running()) {
		unsigned int lvl;
		__pte_t pte;

		if (ukplat_pt_walk(ukplat_pt_get_active(), addr, &lvl, NULL,
				   &pte) < 0)
			return 1;
		return !(ukarch_pte_attr(pte, lvl) & PAGE_ATTR_PROT_EXEC);
	}
	faulted = 0;
#if defined(__x86_64__)
	__asm__ __volatile__(
		"leaq 1f(%%rip), %%rdx\n\t"
		"movq %%rdx, %[ip]\n\t"
		"jmp *%[addr]\n\t"
		"1:\n\t"
		: [ip] "=m" (resume_ip)
		: [addr] "r" (addr) : "rdx", "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"adr x2, 1f\n\t"
		"str x2, %[ip]\n\t"
		"blr %[addr]\n\t"
		"1:\n\t"
		: [ip] "=m" (resume_ip)
		: [addr] "r" (addr) : "x2", "x30", "memory");
#endif
	resume_ip = 0;
	return faulted;
}

#define read_faults(a)	paging_probe_read(a)
#define write_faults(a)	paging_probe_write(a)

#if defined(__x86_64__)
#define RET_CODE	{ 0xff, 0xe2 }
#elif defined(__aarch64__)
#define RET_CODE	{ 0x5f, 0x24, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6 }
#endif
static unsigned char data_code[16] __align(8) = RET_CODE;
static const unsigned char rodata_code[16] __align(8) = RET_CODE;

/* ---- helpers ---- */

static struct uk_falloc *fa(void)
{
	return uk_falloc_get_default();
}

/* A 1 GiB test area at the top of the address-space window, away from
 * what core/vmem hands out from its bottom. */
static __vaddr_t area(void)
{
	__vaddr_t base;
	__sz len;

	if (ukplat_paging_vas_window(&base, &len) < 0)
		return 0;
	return base + len - (1UL << 30);
}

static __paddr_t walk_paddr(__vaddr_t va, unsigned int *lvl)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned int l;
	__pte_t pte;

	if (ukplat_pt_walk(pt, va, &l, NULL, &pte) < 0)
		return __PADDR_ANY;
	if (lvl)
		*lvl = l;
	return ukarch_pte_paddr(pte, l) + (va & (PAGE_Lx_SIZE(l) - 1));
}

static unsigned long walk_attr(__vaddr_t va)
{
	unsigned int l;
	__pte_t pte;

	if (ukplat_pt_walk(ukplat_pt_get_active(), va, &l, NULL, &pte) < 0)
		return ~0UL;
	return ukarch_pte_attr(pte, l);
}

static int mapped(__vaddr_t va)
{
	return ukplat_pt_walk(ukplat_pt_get_active(), va, NULL, NULL,
			      NULL) == 0;
}

/* ---- tests ---- */

UK_TESTCASE(paging, vas_window_and_active_table)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	__vaddr_t base;
	__sz len;
	unsigned int i, vas = 0;

	UK_TEST_ASSERT(ukplat_pt_get_active() != NULL);
	UK_TEST_ASSERT(ukplat_paging_vas_window(&base, &len) == 0);
	UK_TEST_EXPECT(IS_ALIGNED(base, LARGE));
	UK_TEST_EXPECT_SNUM_GE(len, 1UL << 30);
	for (i = 0; i < bi->nr_mrds; i++)
		if (bi->mrds[i].type == UKPLAT_MEMRT_VAS &&
		    bi->mrds[i].vbase == base && bi->mrds[i].len == len)
			vas++;
	UK_TEST_EXPECT_SNUM_EQ(vas, 1);
	/* Nothing of the test area is mapped at start. */
	UK_TEST_EXPECT(!mapped(area()));
	UK_TEST_EXPECT(!mapped(area() + (1UL << 30) - PAGE_SIZE));
}

UK_TESTCASE(paging, map_4k_is_real_memory)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	__vaddr_t dm = ukplat_bootinfo_get()->dm_off;
	__vaddr_t va = area() + PAGE_SIZE;
	unsigned long before = fa()->free_memory;
	unsigned int lvl = 9;
	__paddr_t pa;
	char *p = (char *)va;

	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	pa = walk_paddr(va, &lvl);
	UK_TEST_ASSERT(pa != __PADDR_ANY);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LEVEL);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(va), PAGE_ATTR_PROT_RW);
	strcpy(p + 100, "through the mapping");
	UK_TEST_EXPECT_STR_EQ((char *)(pa + dm + 100), "through the mapping");
	strcpy((char *)(pa + dm + 200), "through the direct map");
	UK_TEST_EXPECT_STR_EQ(p + 200, "through the direct map");
	UK_TEST_EXPECT(fa()->free_memory < before - PAGE_SIZE);

	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 1, 0), 0);
	UK_TEST_EXPECT(!mapped(va));
	/* The frame and the three tables made for it are back. */
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
	/* The host mapping is gone too. */
	UK_TEST_EXPECT(read_faults(va));
	UK_TEST_EXPECT_UNUM_EQ(fault_addr, va);
	UK_TEST_EXPECT(write_faults(va + 8));
}

UK_TESTCASE(paging, map_2m_auto_and_forced)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory;
	__vaddr_t va = area() + 4 * LARGE;
	unsigned int lvl = 9, i;
	__paddr_t pa;

	/* Aligned 2 MiB + 1 page: one large page and one small one. */
	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, LARGE_PAGES + 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	pa = walk_paddr(va, &lvl);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LARGE_LEVEL);
	UK_TEST_EXPECT(IS_ALIGNED(pa, LARGE));
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(va + LARGE - PAGE_SIZE, NULL),
			       pa + LARGE - PAGE_SIZE);
	walk_paddr(va + LARGE, &lvl);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LEVEL);
	memset((void *)va, 0xa5, LARGE + PAGE_SIZE);
	UK_TEST_EXPECT_SNUM_EQ(((unsigned char *)va)[LARGE + 17], 0xa5);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, LARGE_PAGES + 1, 0),
			       0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);

	/* Forced 4 KiB pages on an aligned 2 MiB range. */
	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, LARGE_PAGES,
				       PAGE_ATTR_PROT_RW,
				       PAGE_FLAG_FORCE_SIZE |
				       PAGE_FLAG_SIZE(PAGE_LEVEL)) == 0);
	for (i = 0; i < LARGE_PAGES; i += 97) {
		walk_paddr(va + i * PAGE_SIZE, &lvl);
		UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LEVEL);
	}
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, LARGE_PAGES, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);

	/* Forced 2 MiB pages: needs 2 MiB alignment of address and size. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va + PAGE_SIZE,
					       __PADDR_ANY, LARGE_PAGES,
					       PAGE_ATTR_PROT_RW,
					       PAGE_FLAG_FORCE_SIZE |
					       PAGE_FLAG_SIZE(1)), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY, 3,
					       PAGE_ATTR_PROT_RW,
					       PAGE_FLAG_FORCE_SIZE |
					       PAGE_FLAG_SIZE(1)), -EINVAL);
	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, 2 * LARGE_PAGES,
				       PAGE_ATTR_PROT_RW,
				       PAGE_FLAG_FORCE_SIZE |
				       PAGE_FLAG_SIZE(1)) == 0);
	walk_paddr(va + LARGE, &lvl);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LARGE_LEVEL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 2 * LARGE_PAGES, 0),
			       0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
	UK_TEST_EXPECT(read_faults(va + LARGE));
}

UK_TESTCASE(paging, double_map_is_eexist)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory, mid;
	__vaddr_t va = area() + 8 * LARGE;
	__paddr_t pa;

	UK_TEST_ASSERT(ukplat_page_map(pt, va + 3 * PAGE_SIZE, __PADDR_ANY, 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	pa = walk_paddr(va + 3 * PAGE_SIZE, NULL);
	*(volatile int *)(va + 3 * PAGE_SIZE) = 42;
	mid = fa()->free_memory;
	/* A range that ends on the mapped page: nothing of it stays. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY, 8,
					       PAGE_ATTR_PROT_RW, 0), -EEXIST);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, mid);
	UK_TEST_EXPECT(!mapped(va));
	UK_TEST_EXPECT(!mapped(va + 2 * PAGE_SIZE));
	UK_TEST_EXPECT(read_faults(va));
	/* The existing page is untouched. */
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(va + 3 * PAGE_SIZE, NULL), pa);
	UK_TEST_EXPECT_SNUM_EQ(*(volatile int *)(va + 3 * PAGE_SIZE), 42);
	/* Over a 2 MiB page, and a 2 MiB page over small ones. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY,
					       LARGE_PAGES, PAGE_ATTR_PROT_RW,
					       PAGE_FLAG_FORCE_SIZE |
					       PAGE_FLAG_SIZE(1)), -EEXIST);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, mid);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, LARGE_PAGES, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

UK_TESTCASE(paging, map_shared_fills_only_holes)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory, i;
	__vaddr_t va = area() + 36 * LARGE, big = va + 2 * LARGE;
	unsigned int lvl = 0;
	__paddr_t pa = __PADDR_ANY, pa2 = __PADDR_ANY;

	UK_TEST_ASSERT(uk_falloc(fa(), &pa, 8, 0) == 0);
	UK_TEST_ASSERT(uk_falloc(fa(), &pa2, LARGE_PAGES,
				 UK_FALLOC_F_ALIGN(PT_LEVEL_SHIFT)) == 0);
	/* Pages 2 and 5 first, as another user would map them. */
	UK_TEST_ASSERT(ukplat_page_map(pt, va + 2 * PAGE_SIZE,
				       pa + 2 * PAGE_SIZE, 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	UK_TEST_ASSERT(ukplat_page_map(pt, va + 5 * PAGE_SIZE,
				       pa + 5 * PAGE_SIZE, 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	*(volatile int *)(va + 2 * PAGE_SIZE) = 42;
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, pa, 8,
					       PAGE_ATTR_PROT_RW, 0), -EEXIST);
	UK_TEST_EXPECT(!mapped(va));
	/* Shared: the holes are filled, the pages there are kept. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, va, pa, 8,
						      PAGE_ATTR_PROT_RW, 0),
			       0);
	for (i = 0; i < 8; i++)
		UK_TEST_EXPECT_UNUM_EQ(walk_paddr(va + i * PAGE_SIZE, NULL),
				       pa + i * PAGE_SIZE);
	UK_TEST_EXPECT_SNUM_EQ(*(volatile int *)(va + 2 * PAGE_SIZE), 42);
	*(volatile int *)(va + 7 * PAGE_SIZE) = 7;
	/* All there: nothing to do. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, va, pa, 8,
						      PAGE_ATTR_PROT_RW, 0),
			       0);
	/* A page that maps another frame: -EEXIST, and no hole filled. */
	UK_TEST_ASSERT(ukplat_page_unmap(pt, va + 3 * PAGE_SIZE, 1,
					 PAGE_FLAG_KEEP_FRAMES) == 0);
	UK_TEST_ASSERT(ukplat_page_unmap(pt, va + 6 * PAGE_SIZE, 1,
					 PAGE_FLAG_KEEP_FRAMES) == 0);
	UK_TEST_ASSERT(ukplat_page_map(pt, va + 6 * PAGE_SIZE, pa, 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, va, pa, 8,
						      PAGE_ATTR_PROT_RW, 0),
			       -EEXIST);
	UK_TEST_EXPECT(!mapped(va + 3 * PAGE_SIZE));
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(va + 6 * PAGE_SIZE, NULL), pa);
	/* Inside a 2 MiB page of the same frames: kept whole. */
	UK_TEST_ASSERT(ukplat_page_map(pt, big, pa2, LARGE_PAGES,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, big + 3 * PAGE_SIZE,
						      pa2 + 3 * PAGE_SIZE, 2,
						      PAGE_ATTR_PROT_RW, 0),
			       0);
	walk_paddr(big, &lvl);
	UK_TEST_EXPECT_UNUM_EQ(lvl, 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, big, pa, 1,
						      PAGE_ATTR_PROT_RW, 0),
			       -EEXIST);
	/* Bad input. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, va, __PADDR_ANY, 1,
						      PAGE_ATTR_PROT_RW, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, va + 1, pa, 1,
						      PAGE_ATTR_PROT_RW, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(pt, va, pa, 0,
						      PAGE_ATTR_PROT_RW, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map_shared(NULL, va, pa, 1,
						      PAGE_ATTR_PROT_RW, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 8,
						 PAGE_FLAG_KEEP_FRAMES), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, big, LARGE_PAGES,
						 PAGE_FLAG_KEEP_FRAMES), 0);
	uk_ffree(fa(), pa, 8);
	uk_ffree(fa(), pa2, LARGE_PAGES);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

/* Physical addresses with no RAM and no device on QEMU's machines (x86
 * q35/microvm; arm64 virt: its high PCIe window, unused), mapped but
 * never touched. */
#define TEST_MMIO	0xf000000000UL

UK_TESTCASE(paging, map_mmio_in_parts_and_whole)
{
#if defined(__AMPHI_PLAT_SIM__)
	printf("  skipped: no device memory in sim\n");
#else
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long i;
	void *p;

	/* A register block inside page 1, then the window, then page 3. */
	p = ukplat_page_map_mmio(pt, TEST_MMIO + PAGE_SIZE + 0x10, 0x20);
	UK_TEST_EXPECT_PTR_EQ(p, (void *)(TEST_MMIO + PAGE_SIZE + 0x10));
	UK_TEST_EXPECT(mapped(TEST_MMIO + PAGE_SIZE));
	UK_TEST_EXPECT(!mapped(TEST_MMIO));
	p = ukplat_page_map_mmio(pt, TEST_MMIO, 4 * PAGE_SIZE);
	UK_TEST_EXPECT_PTR_EQ(p, (void *)TEST_MMIO);
	for (i = 0; i < 4; i++) {
		UK_TEST_EXPECT_UNUM_EQ(walk_paddr(TEST_MMIO + i * PAGE_SIZE,
						  NULL),
				       TEST_MMIO + i * PAGE_SIZE);
		UK_TEST_EXPECT_UNUM_EQ(walk_attr(TEST_MMIO + i * PAGE_SIZE),
				       PAGE_ATTR_PROT_RW);
	}
	p = ukplat_page_map_mmio(pt, TEST_MMIO + 3 * PAGE_SIZE + 8, 4);
	UK_TEST_EXPECT_PTR_EQ(p, (void *)(TEST_MMIO + 3 * PAGE_SIZE + 8));
	UK_TEST_EXPECT(!mapped(TEST_MMIO + 4 * PAGE_SIZE));
	UK_TEST_EXPECT_SNUM_EQ(PTR2ERR(ukplat_page_map_mmio(pt, TEST_MMIO,
							    0)), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(PTR2ERR(ukplat_page_map_mmio(pt, ~0UL - 8,
							    16)), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, TEST_MMIO, 4,
						 PAGE_FLAG_KEEP_FRAMES), 0);
#endif
}

UK_TESTCASE(paging, partial_unmap_splits_large_page)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory, mapped_free;
	__vaddr_t va = area() + 12 * LARGE;
	__vaddr_t hole = va + 5 * PAGE_SIZE;
	unsigned int lvl = 9;
	__paddr_t pa;

	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, LARGE_PAGES,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	pa = walk_paddr(va, &lvl);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LARGE_LEVEL);
	memset((void *)va, 0x3c, LARGE);
	mapped_free = fa()->free_memory;

	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, hole, 2, 0), 0);
	UK_TEST_EXPECT(!mapped(hole));
	UK_TEST_EXPECT(!mapped(hole + PAGE_SIZE));
	UK_TEST_EXPECT(read_faults(hole + PAGE_SIZE));
	/* The rest keeps its frames and contents, now as 4 KiB pages. */
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(hole - PAGE_SIZE, &lvl),
			       pa + 4 * PAGE_SIZE);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LEVEL);
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(hole + 2 * PAGE_SIZE, NULL),
			       pa + 7 * PAGE_SIZE);
	UK_TEST_EXPECT_SNUM_EQ(((unsigned char *)va)[LARGE - 1], 0x3c);
	UK_TEST_EXPECT_SNUM_EQ(((unsigned char *)hole)[-1], 0x3c);
	/* Two frames back, one frame taken for the new table. */
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, mapped_free + PAGE_SIZE);

	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, LARGE_PAGES, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

UK_TESTCASE(paging, set_attr_splits_and_protects)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory;
	__vaddr_t va = area() + 16 * LARGE;
	__vaddr_t ro = va + 7 * PAGE_SIZE;
	unsigned int lvl = 9;

	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, LARGE_PAGES,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	*(volatile int *)ro = 1234;
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_set_attr(pt, ro, 1,
						    PAGE_ATTR_PROT_READ, 0),
			       0);
	walk_paddr(ro, &lvl);
	UK_TEST_EXPECT_SNUM_EQ(lvl, PAGE_LEVEL);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(ro), PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(ro + PAGE_SIZE), PAGE_ATTR_PROT_RW);
	UK_TEST_EXPECT(write_faults(ro));
	UK_TEST_EXPECT(!read_faults(ro));
	UK_TEST_EXPECT_SNUM_EQ(*(volatile int *)ro, 1234);
	UK_TEST_EXPECT(!write_faults(ro - PAGE_SIZE));
	UK_TEST_EXPECT(!write_faults(ro + PAGE_SIZE));

	/* PROT_NONE keeps the frame: no access, contents come back. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_set_attr(pt, ro, 1,
						    PAGE_ATTR_PROT_NONE, 0),
			       0);
	UK_TEST_EXPECT(mapped(ro));
	UK_TEST_EXPECT(read_faults(ro));
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_set_attr(pt, ro, 1,
						    PAGE_ATTR_PROT_RW, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(*(volatile int *)ro, 1234);
	UK_TEST_EXPECT(!write_faults(ro));

	/* Executable only when asked to be. */
	memcpy((void *)ro, data_code, sizeof(data_code));
	__builtin___clear_cache((char *)ro, (char *)ro + sizeof(data_code));
	UK_TEST_EXPECT(exec_faults(ro));
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_set_attr(pt, ro, 1,
						    PAGE_ATTR_PROT_READ |
						    PAGE_ATTR_PROT_EXEC, 0),
			       0);
	UK_TEST_EXPECT(!exec_faults(ro));

	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, LARGE_PAGES, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

UK_TESTCASE(paging, set_attr_skips_holes)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory;
	__vaddr_t va = area() + 20 * LARGE;

	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, 2,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	UK_TEST_ASSERT(ukplat_page_map(pt, va + 3 * PAGE_SIZE, __PADDR_ANY, 1,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_set_attr(pt, va, 6,
						    PAGE_ATTR_PROT_READ, 0),
			       0);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(va), PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(va + PAGE_SIZE), PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT(!mapped(va + 2 * PAGE_SIZE));
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(va + 3 * PAGE_SIZE),
			       PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT(!mapped(va + 4 * PAGE_SIZE));
	UK_TEST_EXPECT(write_faults(va + 3 * PAGE_SIZE));
	/* Unmapping holes is fine too. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 6, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

UK_TESTCASE(paging, keep_frames_and_keep_ptes)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory, after_map;
	unsigned long tables0 = pt->nr_tables, tables;
	__vaddr_t va = area() + 24 * LARGE;
	__paddr_t pa = __PADDR_ANY, frames[4];
	unsigned int i;

	UK_TEST_ASSERT(uk_falloc(fa(), &pa, 4, 0) == 0);
	UK_TEST_ASSERT(ukplat_page_map(pt, va, pa, 4, PAGE_ATTR_PROT_RW,
				       0) == 0);
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(va + 3 * PAGE_SIZE, NULL),
			       pa + 3 * PAGE_SIZE);
	tables = pt->nr_tables;
	after_map = fa()->free_memory;
	UK_TEST_EXPECT_SNUM_GT(tables, tables0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 4,
						 PAGE_FLAG_KEEP_FRAMES |
						 PAGE_FLAG_KEEP_PTES), 0);
	UK_TEST_EXPECT(!mapped(va));
	UK_TEST_EXPECT(read_faults(va));
	/* Neither frames nor tables came back. */
	UK_TEST_EXPECT_UNUM_EQ(pt->nr_tables, tables);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, after_map);
	/* Mapping again uses the kept tables. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, pa, 4,
					       PAGE_ATTR_PROT_RW, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(pt->nr_tables, tables);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, after_map);
	/* Tables go, frames stay ours. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 4,
						 PAGE_FLAG_KEEP_FRAMES), 0);
	UK_TEST_EXPECT_UNUM_EQ(pt->nr_tables, tables0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before - 4 * PAGE_SIZE);
	UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa(), pa, 4), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);

	/* Frames the map allocated itself are kept too, one by one. */
	UK_TEST_ASSERT(ukplat_page_map(pt, va, __PADDR_ANY, 4,
				       PAGE_ATTR_PROT_RW, 0) == 0);
	for (i = 0; i < 4; i++)
		frames[i] = walk_paddr(va + i * PAGE_SIZE, NULL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 4,
						 PAGE_FLAG_KEEP_FRAMES), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before - 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		UK_TEST_EXPECT_SNUM_EQ(uk_ffree(fa(), frames[i], 1), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

struct mapx_seen {
	__vaddr_t va[8];
	unsigned int n;
	unsigned int veto_at;
};

static int mapx_cb(__vaddr_t va, __pte_t *pte, void *ctx)
{
	struct mapx_seen *s = ctx;

	if (s->n == s->veto_at)
		return -EPERM;
	if (s->n < ARRAY_SIZE(s->va))
		s->va[s->n] = va;
	s->n++;
	/* The callback may change the entry: make it read-only. */
	*pte = ukarch_pte_create(ukarch_pte_paddr(*pte, PAGE_LEVEL),
				 PAGE_ATTR_PROT_READ, PAGE_LEVEL, *pte);
	return 0;
}

UK_TESTCASE(paging, mapx_callback_sees_and_vetoes)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory;
	__vaddr_t va = area() + 28 * LARGE;
	struct mapx_seen s = { .veto_at = ~0U };
	unsigned int i;

	UK_TEST_ASSERT(ukplat_page_mapx(pt, va, __PADDR_ANY, 5,
					PAGE_ATTR_PROT_RW, 0, mapx_cb,
					&s) == 0);
	UK_TEST_EXPECT_SNUM_EQ(s.n, 5);
	for (i = 0; i < 5; i++)
		UK_TEST_EXPECT_UNUM_EQ(s.va[i], va + i * PAGE_SIZE);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(va + 4 * PAGE_SIZE),
			       PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT(write_faults(va));
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 5, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);

	/* A veto at the third page undoes the first two. */
	s.n = 0;
	s.veto_at = 2;
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_mapx(pt, va, __PADDR_ANY, 5,
						PAGE_ATTR_PROT_RW, 0, mapx_cb,
						&s), -EPERM);
	UK_TEST_EXPECT_SNUM_EQ(s.n, 2);
	for (i = 0; i < 5; i++)
		UK_TEST_EXPECT(!mapped(va + i * PAGE_SIZE));
	UK_TEST_EXPECT(read_faults(va));
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

UK_TESTCASE(paging, aliases_share_the_frame)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory;
	__vaddr_t a = area() + 32 * LARGE, b = a + 7 * PAGE_SIZE;
	__paddr_t pa = __PADDR_ANY;

	UK_TEST_ASSERT(uk_falloc(fa(), &pa, 2, UK_FALLOC_F_ZERO) == 0);
	UK_TEST_ASSERT(ukplat_page_map(pt, a, pa, 2, PAGE_ATTR_PROT_RW,
				       0) == 0);
	UK_TEST_ASSERT(ukplat_page_map(pt, b, pa, 2, PAGE_ATTR_PROT_READ,
				       0) == 0);
	strcpy((char *)a + PAGE_SIZE, "alias");
	UK_TEST_EXPECT_STR_EQ((char *)b + PAGE_SIZE, "alias");
	UK_TEST_EXPECT(write_faults(b));
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, b, 2,
						 PAGE_FLAG_KEEP_FRAMES), 0);
	UK_TEST_EXPECT_STR_EQ((char *)a + PAGE_SIZE, "alias");
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, a, 2, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
}

UK_TESTCASE(paging, bad_input)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	unsigned long before = fa()->free_memory;
	unsigned long tables = pt->nr_tables;
	__vaddr_t va = area();

	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va + 1, __PADDR_ANY, 1,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY, 0,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, 123, 1,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY, 1,
					       0x100, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY, ~0UL,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	/* Non-canonical, and crossing into the non-canonical hole. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, 1UL << 60, __PADDR_ANY, 1,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, (1UL << 47) - PAGE_SIZE,
					       __PADDR_ANY, 2,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(pt, va, __PADDR_ANY, 1,
					       PAGE_ATTR_PROT_RW,
					       PAGE_FLAG_FORCE_SIZE |
					       PAGE_FLAG_SIZE(5)), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va + 8, 1, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_set_attr(pt, va, 0,
						    PAGE_ATTR_PROT_RW, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_map(NULL, va, __PADDR_ANY, 1,
					       PAGE_ATTR_PROT_RW, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_pt_walk(pt, 1UL << 60, NULL, NULL,
					      NULL), -EFAULT);
	/* Unmapping what is not mapped is not an error. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_page_unmap(pt, va, 16, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(fa()->free_memory, before);
	UK_TEST_EXPECT_UNUM_EQ(pt->nr_tables, tables);
}

UK_TESTCASE(paging, kmap_is_the_direct_map)
{
	struct uk_pagetable *pt = ukplat_pt_get_active();
	__vaddr_t dm = ukplat_bootinfo_get()->dm_off;
	__paddr_t pa = __PADDR_ANY;
	__vaddr_t va;

	UK_TEST_ASSERT(uk_falloc(fa(), &pa, 2, UK_FALLOC_F_ZERO) == 0);
	va = ukplat_page_kmap(pt, pa, 2, 0);
	UK_TEST_EXPECT_UNUM_EQ(va, pa + dm);
	UK_TEST_EXPECT(mapped(va));
	UK_TEST_EXPECT_UNUM_EQ(walk_paddr(va + PAGE_SIZE, NULL),
			       pa + PAGE_SIZE);
	strcpy((char *)va + PAGE_SIZE, "kmap");
	ukplat_page_kunmap(pt, va, 2, 0);
	UK_TEST_EXPECT_STR_EQ((char *)(pa + dm + PAGE_SIZE), "kmap");
	UK_TEST_EXPECT_UNUM_EQ(ukplat_page_kmap(pt, pa + 1, 1, 0),
			       __VADDR_INV);
	UK_TEST_EXPECT_UNUM_EQ(ukplat_page_kmap(pt, 1UL << 46, 1, 0),
			       __VADDR_INV);
	UK_TEST_EXPECT_UNUM_EQ(ukplat_page_kmap(pt, pa, ~0UL >> 12, 0),
			       __VADDR_INV);
	uk_ffree(fa(), pa, 2);
}

UK_TESTCASE(paging, image_is_w_xor_x)
{
	const __vaddr_t text = (__vaddr_t)paging_fault_handler;
	const __vaddr_t rodata = (__vaddr_t)rodata_code;
	const __vaddr_t data = (__vaddr_t)data_code;

	/* The page table describes the image with its permissions... */
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(text), PAGE_ATTR_PROT_READ |
			       PAGE_ATTR_PROT_EXEC);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(rodata), PAGE_ATTR_PROT_READ);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr(data), PAGE_ATTR_PROT_RW);
	UK_TEST_EXPECT_UNUM_EQ(walk_attr((__vaddr_t)&faulted),
			       PAGE_ATTR_PROT_RW);
	/* ...and the MMU enforces them. */
	UK_TEST_EXPECT(write_faults(text));
	UK_TEST_EXPECT_UNUM_EQ(fault_addr, text);
	UK_TEST_EXPECT(write_faults(rodata));
	UK_TEST_EXPECT(exec_faults(rodata));
	UK_TEST_EXPECT(exec_faults(data));
	UK_TEST_EXPECT(!write_faults(data));
	UK_TEST_EXPECT(!read_faults(text));
}

/* The image's frames are not aliased by the direct map (a store there
 * would rewrite kernel text or rodata): the image is reached at its own
 * addresses only, with its own permissions. In sim the image is not in
 * guest RAM at all, so the rule holds there too. */
UK_TESTCASE(paging, image_has_no_direct_map_alias)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	const struct ukplat_memregion_desc *m;
	unsigned long pages = 0;
	__vaddr_t off;
	unsigned int i;

	for (i = 0; i < bi->nr_mrds; i++) {
		m = &bi->mrds[i];
		if (m->type != UKPLAT_MEMRT_KERNEL ||
		    m->pbase == __PADDR_ANY)
			continue;
		for (off = 0; off < m->len; off += PAGE_SIZE, pages++)
			if (mapped(PAGE_ALIGN_DOWN(m->pbase) + off +
				   bi->dm_off))
				break;
		UK_TEST_EXPECT(off >= m->len);
	}
	UK_TEST_EXPECT(pages > 0);
	UK_TEST_EXPECT(!read_faults((__vaddr_t)paging_fault_handler));
	UK_TEST_EXPECT(!write_faults((__vaddr_t)&faulted));
}
