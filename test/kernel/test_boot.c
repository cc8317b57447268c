/* The boot sequence's pieces, checked inside a running kernel. */
#include <errno.h>
#include <string.h>
#include <uk/boot.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/memory.h>
#include <uk/test.h>

UK_TESTCASE(boot, split_args_quoting)
{
	char buf[128];
	char *argv[8];
	int argc;

	argc = uk_boot_split_args("  app 'a b' \"c\\\"d\" e\\ f \"\" x",
				  buf, argv, 8);
	UK_TEST_ASSERT(argc == 6);
	UK_TEST_EXPECT_STR_EQ(argv[0], "app");
	UK_TEST_EXPECT_STR_EQ(argv[1], "a b");
	UK_TEST_EXPECT_STR_EQ(argv[2], "c\"d");
	UK_TEST_EXPECT_STR_EQ(argv[3], "e f");
	UK_TEST_EXPECT_STR_EQ(argv[4], "");
	UK_TEST_EXPECT_STR_EQ(argv[5], "x");
	UK_TEST_EXPECT_NULL(argv[6]);
}

UK_TESTCASE(boot, split_args_too_many)
{
	char buf[64];
	char *argv[3];

	UK_TEST_EXPECT_SNUM_EQ(uk_boot_split_args("a b c d", buf, argv, 3),
			       -E2BIG);
	UK_TEST_EXPECT_SNUM_EQ(uk_boot_split_args("", buf, argv, 3), 0);
}

UK_TESTCASE(boot, bootinfo_describes_memory)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	unsigned int i, free_regions = 0, text = 0;

	UK_TEST_ASSERT(bi != NULL);
	UK_TEST_EXPECT_UNUM_EQ(bi->magic, UKPLAT_BOOTINFO_MAGIC);
	for (i = 0; i < bi->nr_mrds; i++) {
		const struct ukplat_memregion_desc *m = &bi->mrds[i];

		UK_TEST_EXPECT(PAGE_ALIGNED(m->vbase));
		UK_TEST_EXPECT(PAGE_ALIGNED(m->len));
		if (m->type == UKPLAT_MEMRT_FREE)
			free_regions++;
		/* This very function must lie in an executable,
		 * non-writable kernel region. */
		if (m->type == UKPLAT_MEMRT_KERNEL &&
		    (__vaddr_t)uk_boot_split_args >= m->vbase &&
		    (__vaddr_t)uk_boot_split_args < m->vbase + m->len) {
			text++;
			UK_TEST_EXPECT(m->flags & UKPLAT_MEMRF_EXECUTE);
			UK_TEST_EXPECT(!(m->flags & UKPLAT_MEMRF_WRITE));
		}
	}
	UK_TEST_EXPECT_SNUM_GE(free_regions, 1);
	UK_TEST_EXPECT_SNUM_EQ(text, 1);
}
