/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From boot.S to the core: the device tree QEMU passed (x0 for a Linux
 * Image boot, or at the base of RAM for an ELF one) becomes struct
 * ukplat_bootinfo (RAM from /memory, the command line and initrd from
 * /chosen), the boot CPU gets its interrupt controller and clock, the
 * devices' registers become device regions, and the core's boot sequence
 * starts (ukplat_entry).
 *
 * RAM below the image (QEMU's boot stub), the image, the device tree and
 * the initrd stay reserved; the rest is free.
 */
#include <errno.h>
#include <string.h>
#include <uk/fdt.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "arm64.h"
#include "../common/metal.h"

#define CMDLINE_MAX	4096
#define FDT_MAX_SIZE	(2UL << 20)	/* QEMU's limit */
#define RAM_BASE_VIRT	0x40000000UL	/* -M virt: where an ELF boot's DTB is */
#define EARLY_MAP_END	(16UL << 30)	/* what boot.S's tables map */

const void *arm64_fdt;
static struct ukplat_bootinfo arm64_bootinfo;
static char cmdline[CMDLINE_MAX];

extern char image_start[], image_end[];

static void add_region(__paddr_t pbase, __vaddr_t vbase, __sz len, int type,
		       int flags, const char *name)
{
	metal_add_region(&arm64_bootinfo, pbase, vbase, len, type, flags,
			 name);
}

void arm64_add_device(__paddr_t base, __sz len, const char *name)
{
	__paddr_t lo = PAGE_ALIGN_DOWN(base);

	add_region(lo, lo, PAGE_ALIGN_UP(base + len) - lo,
		   UKPLAT_MEMRT_DEVICE, UKPLAT_MEMRF_READ |
		   UKPLAT_MEMRF_WRITE | UKPLAT_MEMRF_MAP, name);
}

/* The device tree: at x0 if that holds one, else at the base of RAM. */
static const void *find_fdt(__paddr_t x0)
{
	if (x0 && x0 < EARLY_MAP_END && !(x0 & 7) &&
	    uk_fdt_check((const void *)x0, FDT_MAX_SIZE) > 0)
		return (const void *)x0;
	if (uk_fdt_check((const void *)RAM_BASE_VIRT, FDT_MAX_SIZE) > 0)
		return (const void *)RAM_BASE_VIRT;
	return NULL;
}

static void take_cmdline(struct ukplat_bootinfo *bi, int chosen)
{
	const char *args = NULL;
	int len = 0;

	if (chosen >= 0)
		args = uk_fdt_getprop(arm64_fdt, chosen, "bootargs", &len);
	if (!args || len <= 0)
		args = "", len = 1;
	if ((__sz)len > sizeof(cmdline)) {
		uk_pr_err("command line truncated to %zu bytes\n",
			  sizeof(cmdline) - 1);
		len = sizeof(cmdline);
	}
	memcpy(cmdline, args, (__sz)len);
	cmdline[len - 1] = '\0';
	bi->cmdline = cmdline;
	bi->cmdline_len = strlen(cmdline);
}

/* linux,initrd-start/-end: 32- or 64-bit. */
static int chosen_addr(int chosen, const char *name, __u64 *v)
{
	const void *p;
	int len;

	p = uk_fdt_getprop(arm64_fdt, chosen, name, &len);
	if (!p || (len != 4 && len != 8))
		return -ENOENT;
	*v = uk_fdt_read_cells(p, len / 4);
	return 0;
}

/* RAM from every /memory node ("device_type" memory) of the root. */
static void parse_memory(struct ukplat_bootinfo *bi,
			 const __paddr_t excl[][2], unsigned int nexcl)
{
	const void *fdt = arm64_fdt;
	int depth = 0, root = uk_fdt_next_node(fdt, -1, &depth);
	const char *type;
	__u64 base, size;
	unsigned int i;
	int node, len;

	for (node = uk_fdt_first_child(fdt, root); node >= 0;
	     node = uk_fdt_next_sibling(fdt, node)) {
		type = uk_fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len != 7 || memcmp(type, "memory", 7) ||
		    !uk_fdt_node_enabled(fdt, node))
			continue;
		for (i = 0; uk_fdt_reg(fdt, root, node, i, &base, &size) == 0;
		     i++) {
			if (base >= EARLY_MAP_END)
				continue;	/* the early map ends there */
			size = MIN(size, EARLY_MAP_END - base);
			if (ukplat_bootinfo_add_ram(bi, base, base + size,
						    excl, nexcl) < 0)
				uk_pr_err("too many memory regions\n");
		}
	}
}


void __noreturn arm64_boot_main(__paddr_t x0);

void __noreturn arm64_boot_main(__paddr_t x0)
{
	struct ukplat_bootinfo *bi = &arm64_bootinfo;
	__paddr_t excl[4][2];
	unsigned int nexcl = 0;
	__u64 rd_start, rd_end;
	long fdt_size;
	int chosen;

	arm64_lcpu_init_boot();
	arm64_fdt = find_fdt(x0);
	if (!arm64_fdt) {
		uk_pr_crit("no device tree (x0 = 0x%lx)\n", x0);
		arm64_halt_forever();
	}
	arm64_console_init();
	fdt_size = uk_fdt_check(arm64_fdt, FDT_MAX_SIZE);
	bi->magic = UKPLAT_BOOTINFO_MAGIC;
	strncpy(bi->bootprotocol, "dtb", sizeof(bi->bootprotocol) - 1);
	bi->dm_off = ARM64_DM_OFF;
	chosen = uk_fdt_path_offset(arm64_fdt, "/chosen");
	take_cmdline(bi, chosen);

	/* From the base of RAM (QEMU's boot stub) to the end of the image. */
	excl[nexcl][0] = 0;
	excl[nexcl++][1] = PAGE_ALIGN_UP((__paddr_t)image_end);
	excl[nexcl][0] = PAGE_ALIGN_DOWN((__paddr_t)arm64_fdt);
	excl[nexcl++][1] = PAGE_ALIGN_UP((__paddr_t)arm64_fdt + fdt_size);
	/* From here through the direct map (early tables and the kernel's
	 * alike), so drivers read the tree after paging init too. */
	arm64_fdt = (const void *)((__vaddr_t)arm64_fdt + ARM64_DM_OFF);
	if (chosen >= 0 &&
	    chosen_addr(chosen, "linux,initrd-start", &rd_start) == 0 &&
	    chosen_addr(chosen, "linux,initrd-end", &rd_end) == 0 &&
	    rd_end > rd_start && rd_end <= EARLY_MAP_END) {
		bi->initrd = rd_start + ARM64_DM_OFF;
		bi->initrd_len = rd_end - rd_start;
		excl[nexcl][0] = PAGE_ALIGN_DOWN(rd_start);
		excl[nexcl++][1] = PAGE_ALIGN_UP(rd_end);
	}
	parse_memory(bi, excl, nexcl);
	metal_image_regions(&arm64_bootinfo);
	metal_tls_describe(bi);
	add_region(__PADDR_ANY, ARM64_VAS_BASE, ARM64_VAS_SIZE,
		   UKPLAT_MEMRT_VAS, UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE |
		   UKPLAT_MEMRF_EXECUTE, "vas");

	arm64_psci_init();
	arm64_cpus_probe();
	if (arm64_gic_init() < 0)
		arm64_halt_forever();
	arm64_gic_cpu_init(&arm64_cpus[0]);
	arm64_time_init();
	arm64_mte_probe();
	ukplat_entry(bi);
}
