/* The boot sequence's pieces, checked inside a running kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
#include <uk/boot.h>
#include <uk/param.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/memory.h>
#include <uk/test.h>
#include <uk/vmem.h>

/* What the test's launcher asked the loader (sim, QEMU, amphi-kvm) for;
 * 0: not said. Every ktest run of the test suites says both. */
static int expect_cpus, expect_mem_mib;
UK_PARAM("ktest.cpus", expect_cpus, 0, UKPLAT_LCPU_MAXCOUNT,
	 "CPUs the machine was given (boot.machine_is_what_was_asked)");
UK_PARAM("ktest.mem_mib", expect_mem_mib, 0, 1 << 20,
	 "MiB of RAM the machine was given");

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

/* The span of RAM: the free and reserved regions describe it, from 0 on
 * x86_64 and in sim, from 1 GiB on arm64's virt (the image and the
 * initrd may lie elsewhere in sim). */
static __paddr_t ram_span(const struct ukplat_bootinfo *bi)
{
	__paddr_t start = ~(__paddr_t)0, end = 0;
	unsigned int i;

	for (i = 0; i < bi->nr_mrds; i++) {
		const struct ukplat_memregion_desc *m = &bi->mrds[i];

		if ((m->type != UKPLAT_MEMRT_FREE &&
		     m->type != UKPLAT_MEMRT_RESERVED) ||
		    m->pbase == __PADDR_ANY)
			continue;
		if (m->pbase < start)
			start = m->pbase;
		if (m->pbase + m->len > end)
			end = m->pbase + m->len;
	}
	return end > start ? end - start : 0;
}

/* The loader passed what the launcher asked for: the CPU count, the
 * RAM, and the command line itself (its first word, the image's name,
 * and the parameters that carried the expectations). */
UK_TESTCASE(boot, machine_is_what_was_asked)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	char want[48];

	UK_TEST_ASSERT(bi != NULL && bi->cmdline != NULL);
	UK_TEST_EXPECT(!strncmp(bi->cmdline, "ktest", 5));
	if (!expect_cpus && !expect_mem_mib) {
		printf("boot: no ktest.cpus or ktest.mem_mib given: the "
		       "machine's shape is not compared\n");
		return;
	}
	if (expect_cpus) {
		UK_TEST_EXPECT_UNUM_EQ(ukplat_lcpu_count(),
				       (unsigned int)expect_cpus);
		snprintf(want, sizeof(want), "ktest.cpus=%d", expect_cpus);
		UK_TEST_EXPECT(strstr(bi->cmdline, want) != NULL);
	}
	if (expect_mem_mib)
		UK_TEST_EXPECT_UNUM_EQ(ram_span(bi),
				       (unsigned long)expect_mem_mib << 20);
}

/* Nonzero if p lies in the VMA named name. */
static int in_vma(const void *p, const char *name)
{
	const struct uk_vma *vma = uk_vma_find(uk_vas_get_active(),
					       (__vaddr_t)p);

	return vma && vma->name && !strcmp(vma->name, name);
}

/* What the program's start made (this thread's TLS block, argv, the
 * environment, the auxiliary vector's bytes) lies on main()'s stack, as
 * Linux's execve puts it: not in blocks of the app's heap, which an app
 * may write over (test/fuzz/syscalls did, through a system call's
 * buffer, then the exit freed the TLS block by its smashed header). */
UK_TESTCASE(boot, program_start_is_on_mains_stack)
{
	UK_TEST_ASSERT(environ != NULL && environ[0] != NULL);
	UK_TEST_EXPECT(in_vma(&errno, "main"));
	UK_TEST_EXPECT(in_vma(environ, "main"));
	UK_TEST_EXPECT(in_vma(environ[0], "main"));
	UK_TEST_EXPECT(in_vma((void *)getauxval(AT_RANDOM), "main"));
	UK_TEST_EXPECT(in_vma((void *)getauxval(AT_EXECFN), "main"));
}
