/*
 * Fault-safe access (core/nofault) and the exception-fixup table: faults
 * in nofault code resume at their fixup, everything else still crashes.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/arch/nofault.h>
#include <uk/arch/traps.h>
#include <uk/event.h>
#include <uk/linktab.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>
#include <uk/test.h>
#include "fault_around.h"

#define PG		4096UL
#define NONCANONICAL	0x8000000000000000UL

/* The asm accesses; each starts with its faulting instruction. */
int ukarch_nf_probe_r(__vaddr_t addr);
int ukarch_nf_probe_w(__vaddr_t addr);

UK_LINKTAB_DECLARE(struct ukarch_extable, ukarch_extable);

static const char ro_bytes[2 * PG] __align(PG) = { 1, 2, 3 };
static char rw_buf[3 * PG] __align(PG);

/* Armed by a test: the page-fault handler notes what nofault told it. */
static volatile int watch_paging;
static volatile int seen_faults;
static volatile int seen_paging_allowed = -1;

static int paging_watch(void *data)
{
	if (watch_paging) {
		seen_faults++;
		seen_paging_allowed = uk_nofault_paging_allowed();
	}
	return UK_EVENT_NOT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, paging_watch, 0);

/* A read-write page with unmapped pages on both sides, or NULL. */
static char *hole_page_get(void)
{
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p, PG) || munmap(p + 2 * PG, PG)) {
		munmap(p, 3 * PG);
		return NULL;
	}
	/* Paged in by a plain store, so later string operations on it
	 * never fault (valgrind cannot restart a faulting rep stosb). */
	p[PG] = 0;
	return p + PG;
}

static void hole_page_put(char *p)
{
	munmap(p, PG);
}

UK_TESTCASE(nofault, probe_valid_memory)
{
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)rw_buf,
						  sizeof(rw_buf), 0),
			       sizeof(rw_buf));
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)rw_buf + 5,
						  100, 0), 100);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)rw_buf, 0, 0),
			       0);
}

UK_TESTCASE(nofault, probe_w_keeps_contents)
{
	rw_buf[0] = 0x5a;
	rw_buf[PG] = (char)0xa5;
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)rw_buf,
						  2 * PG, 0), 2 * PG);
	UK_TEST_EXPECT_SNUM_EQ(rw_buf[0], 0x5a);
	UK_TEST_EXPECT_SNUM_EQ(rw_buf[PG], (char)0xa5);
}

UK_TESTCASE(nofault, null_is_caught)
{
	char buf[8] = "abcdefg";

	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r(0, 1, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w(16, 8, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(buf, NULL, 8, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(NULL, buf, 8, 0), 0);
	UK_TEST_EXPECT_STR_EQ(buf, "abcdefg");
}

UK_TESTCASE(nofault, read_only_page)
{
	char buf[4];

	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)ro_bytes, PG, 0),
			       PG);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)ro_bytes, PG, 0),
			       0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy((char *)ro_bytes, "xyz", 3,
						 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(ro_bytes[0], 1);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(buf, ro_bytes, 3, 0), 3);
	UK_TEST_EXPECT_SNUM_EQ(buf[2], 3);
}

UK_TESTCASE(nofault, read_only_and_no_access_mappings)
{
	char *p = hole_page_get();

	UK_TEST_ASSERT(p != NULL);
	p[0] = 'r';
	UK_TEST_ASSERT(mprotect(p, PG, PROT_READ) == 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)p, PG, 0), PG);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)p, PG, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_to_user(p, "w", 1), -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(p[0], 'r');
	UK_TEST_ASSERT(mprotect(p, PG, PROT_NONE) == 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)p, PG, 0), 0);
	UK_TEST_ASSERT(mprotect(p, PG, PROT_READ | PROT_WRITE) == 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)p, PG, 0), PG);
	UK_TEST_EXPECT_SNUM_EQ(p[0], 'r');
	hole_page_put(p);
}

UK_TESTCASE(nofault, demand_paging_and_nopaging)
{
	int saved_fault_around = fault_around_off();

	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char buf[8];

	UK_TEST_ASSERT(p != MAP_FAILED);
	/* Not yet touched: NOPAGING refuses to page it in... */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)p, 2 * PG,
						  UK_NOFAULTF_NOPAGING), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(p, "abc", 3,
						 UK_NOFAULTF_NOPAGING), 0);
	/* ...a plain call pages it in (the first page only)... */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(p, "abc", 3, 0), 3);
	/* ...after which NOPAGING sees it, but still not the second. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)p, 2 * PG,
						  UK_NOFAULTF_NOPAGING), PG);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(buf, p, 3,
						 UK_NOFAULTF_NOPAGING), 3);
	UK_TEST_EXPECT(memcmp(buf, "abc", 3) == 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)p + PG, PG, 0),
			       PG);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)p, 2 * PG,
						  UK_NOFAULTF_NOPAGING),
			       2 * PG);
	munmap(p, 2 * PG);
	fault_around_restore(saved_fault_around);
}

UK_TESTCASE(nofault, non_canonical_address)
{
	char buf[8] = "1234567";

	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r(NONCANONICAL, 8, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w(NONCANONICAL, 8, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(buf,
				(const char *)NONCANONICAL, 8, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy((char *)NONCANONICAL, buf,
						 8, 0), 0);
	UK_TEST_EXPECT_STR_EQ(buf, "1234567");
	/* Into the canonical hole from below: the copy stops at its edge. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r(0x7ffffffffff0UL, 64, 0),
			       0);
}

UK_TESTCASE(nofault, memcpy_valid)
{
	static char src[PG + 100], dst[PG + 100];
	unsigned int i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 7);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(dst, src, sizeof(src), 0),
			       sizeof(src));
	UK_TEST_EXPECT(memcmp(dst, src, sizeof(src)) == 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(dst, src, 0, 0), 0);
}

UK_TESTCASE(nofault, crossing_into_unmapped)
{
	char *edge = hole_page_get();	/* RW page, then a hole */
	char buf[64];

	UK_TEST_ASSERT(edge != NULL);
	memset(buf, 'q', sizeof(buf));
	memset(edge, 'e', PG);
	/* Reading: the bytes before the hole are copied, then it stops. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(buf, edge + PG - 24, 64, 0),
			       24);
	UK_TEST_EXPECT_SNUM_EQ(buf[23], 'e');
	UK_TEST_EXPECT_SNUM_EQ(buf[24], 'q');
	/* Writing. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(edge + PG - 10, buf, 64, 0),
			       10);
	UK_TEST_EXPECT_SNUM_EQ(edge[PG - 1], 'e');
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)edge + 100,
						  2 * PG, 0), PG - 100);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w((__vaddr_t)edge + 100,
						  2 * PG, 0), PG - 100);
	hole_page_put(edge);
}

UK_TESTCASE(nofault, continue_skips_bad_pages)
{
	char *edge = hole_page_get();
	static char dst[3 * PG];

	UK_TEST_ASSERT(edge != NULL);
	/* Hole, RW page, hole: only the middle counts. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)edge - 8,
						  8 + 2 * PG,
						  UK_NOFAULTF_CONTINUE), PG);
	/* RW page, then the hole. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)edge, 2 * PG,
						  UK_NOFAULTF_CONTINUE), PG);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r((__vaddr_t)edge, 2 * PG,
						  0), PG);
	/* RW page then the hole: the hole's bytes are skipped. */
	memset(dst, 0, sizeof(dst));
	memset(edge, 'k', PG);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(dst, edge + PG - 100, 300,
						 UK_NOFAULTF_CONTINUE), 100);
	UK_TEST_EXPECT_SNUM_EQ(dst[99], 'k');
	UK_TEST_EXPECT_SNUM_EQ(dst[100], 0);
	/* Read-only destination: every page skipped, nothing written. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy((char *)ro_bytes + PG - 50,
						 dst, 100,
						 UK_NOFAULTF_CONTINUE), 0);
	/* Hole then RW page: the bytes after the hole are copied. */
	memset(dst, 0, sizeof(dst));
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(dst, edge - 16, 48,
						 UK_NOFAULTF_CONTINUE), 32);
	UK_TEST_EXPECT_SNUM_EQ(dst[16], 'k');
	UK_TEST_EXPECT_SNUM_EQ(dst[15], 0);
	/* Non-canonical: each page faults, nothing is copied, it ends. */
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(dst,
				(const char *)NONCANONICAL, 3 * PG,
				UK_NOFAULTF_CONTINUE), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w(NONCANONICAL - PG, 3 * PG,
						  UK_NOFAULTF_CONTINUE), 0);
	hole_page_put(edge);
}

UK_TESTCASE(nofault, nopaging_flag_reaches_fault_handler)
{
	UK_TEST_EXPECT(uk_nofault_paging_allowed());
	watch_paging = 1;
	seen_faults = 0;
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r(0, 1, UK_NOFAULTF_NOPAGING),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(seen_faults, 1);
	UK_TEST_EXPECT_SNUM_EQ(seen_paging_allowed, 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r(0, 1, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(seen_faults, 2);
	UK_TEST_EXPECT_SNUM_EQ(seen_paging_allowed, 1);
	watch_paging = 0;
	/* Restored after the call. */
	UK_TEST_EXPECT(uk_nofault_paging_allowed());
}

UK_TESTCASE(nofault, interrupts_disabled)
{
	unsigned long flags = ukplat_lcpu_save_irqf();
	char buf[16];

	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_r(0, 8, 0), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_probe_w(NONCANONICAL, 8,
						  UK_NOFAULTF_NOPAGING), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_nofault_memcpy(buf, "0123456789abcde", 16,
						 UK_NOFAULTF_NOPAGING), 16);
	UK_TEST_EXPECT(ukplat_lcpu_irqs_disabled());
	ukplat_lcpu_restore_irqf(flags);
	UK_TEST_EXPECT_STR_EQ(buf, "0123456789abcde");
}

UK_TESTCASE(nofault, copy_user_helpers)
{
	char k[8] = "kernel!", u[8] = "user...";

	UK_TEST_EXPECT_SNUM_EQ(uk_copy_from_user(k, u, 8), 0);
	UK_TEST_EXPECT_STR_EQ(k, "user...");
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_to_user(u, "12345678", 8), 0);
	UK_TEST_EXPECT(memcmp(u, "12345678", 8) == 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_from_user(k, (void *)8, 8), -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_to_user((void *)ro_bytes, k, 1),
			       -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_from_user(k, (void *)-4UL, 8),
			       -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_to_user((void *)NONCANONICAL, k, 8),
			       -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_from_user(k, u, 0), 0);
}

/* The probes' faulting access: their first instruction (arm64: after
 * the BTI landing pad). */
#if defined(__aarch64__)
#define FIRST_ACCESS(fn)	((__vaddr_t)(fn) + 4)
#else
#define FIRST_ACCESS(fn)	((__vaddr_t)(fn))
#endif

UK_TESTCASE(nofault, extable_lists_only_nofault_code)
{
	/* A fault anywhere else is not fixed up: it crashes as before. */
	UK_TEST_EXPECT_UNUM_EQ(ukarch_extable_find(
			(__vaddr_t)uk_nofault_memcpy), 0);
	UK_TEST_EXPECT_UNUM_EQ(ukarch_extable_find(
			FIRST_ACCESS(ukarch_nf_probe_r) + 1), 0);
	UK_TEST_EXPECT_UNUM_EQ(ukarch_extable_find(0), 0);
	UK_TEST_EXPECT(ukarch_extable_find(FIRST_ACCESS(ukarch_nf_probe_r)) >
		       FIRST_ACCESS(ukarch_nf_probe_r));
	UK_TEST_EXPECT(ukarch_extable_find(FIRST_ACCESS(ukarch_nf_probe_w)) >
		       FIRST_ACCESS(ukarch_nf_probe_w));
}

UK_TESTCASE(nofault, extable_sorted_and_searchable)
{
	const struct ukarch_extable *e;
	__vaddr_t ip, prev = 0;
	unsigned int n = 0;

	uk_linktab_foreach(e, ukarch_extable) {
		ip = (__vaddr_t)&e->ip + (__sptr)e->ip;
		UK_TEST_EXPECT(ip > prev);
		UK_TEST_EXPECT_UNUM_EQ(ukarch_extable_find(ip),
				       (__vaddr_t)&e->fixup +
				       (__sptr)e->fixup);
		prev = ip;
		n++;
	}
	UK_TEST_EXPECT(n >= 3);
}

/* Kernel memory (the kernel heap, in the direct map) is not the app's:
 * system calls refuse it before reading or writing a byte, even though
 * it is mapped read-write; the app's own memory (its stack, its globals,
 * its mappings) is accepted. */
UK_TESTCASE(nofault, kernel_memory_is_not_the_apps)
{
	char *obj = uk_malloc(uk_alloc_get_default(), 64);
	char stack[16] = "stack", *map;
	int p[2], i;

	UK_TEST_ASSERT(obj);
	memset(obj, 'k', 64);
	UK_TEST_EXPECT(!uk_user_range_ok(obj, 64));
	UK_TEST_EXPECT(uk_user_range_ok(stack, sizeof(stack)));
	UK_TEST_EXPECT(uk_user_range_ok(rw_buf, sizeof(rw_buf)));
	UK_TEST_EXPECT(uk_user_range_ok(ro_bytes, sizeof(ro_bytes)));
	map = hole_page_get();
	UK_TEST_ASSERT(map);
	UK_TEST_EXPECT(uk_user_range_ok(map, PG));
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_to_user(obj, "x", 1), -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_copy_from_user(stack, obj, 1), -EFAULT);
	UK_TEST_EXPECT_UNUM_EQ(uk_copy_to_user_partial(obj, "x", 1), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_strncpy_from_user(stack, obj, 16),
			       -EFAULT);
	UK_TEST_ASSERT(pipe(p) == 0);
	UK_TEST_EXPECT_SNUM_EQ(write(p[1], "0123456789abcdef", 16), 16);
	UK_TEST_EXPECT_SNUM_EQ(read(p[0], obj, 16), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(getrandom(obj, 16, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(write(p[1], obj, 16), -1);
	/* Kernel code that means it (the initrd writing files) says so. */
	uk_kernel_buffers_begin();
	UK_TEST_EXPECT(uk_user_range_ok(obj, 64));
	UK_TEST_EXPECT_SNUM_EQ(write(p[1], obj, 16), 16);
	uk_kernel_buffers_end();
	UK_TEST_EXPECT(!uk_user_range_ok(obj, 64));
	UK_TEST_EXPECT_SNUM_EQ(read(p[0], map, 32), 32);
	UK_TEST_EXPECT(memcmp(map, "0123456789abcdefkkkk", 20) == 0);
	for (i = 0; i < 64 && obj[i] == 'k'; i++)
		;
	UK_TEST_EXPECT_SNUM_EQ(i, 64);
	close(p[0]);
	close(p[1]);
	hole_page_put(map);
	uk_free(uk_alloc_get_default(), obj);
}
