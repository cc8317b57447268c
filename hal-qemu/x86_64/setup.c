/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From the PVH start to the core: the hvm_start_info (memory map,
 * command line, first module as initrd) becomes struct ukplat_bootinfo,
 * the boot CPU gets its GDT, IDT, local APIC and clock, and the core's
 * boot sequence starts (ukplat_entry).
 *
 * Physical memory below 1 MiB stays reserved (firmware data, the AP
 * trampoline); RAM above the image, minus the initrd, is free.
 */
#include <errno.h>
#include <elf.h>
#include <string.h>
#include <uk/init.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "x86.h"
#include "../common/metal.h"

#define HVM_START_MAGIC		0x336ec578U
#define E820_RAM		1

struct hvm_start_info {
	__u32 magic;
	__u32 version;
	__u32 flags;
	__u32 nr_modules;
	__u64 modlist_paddr;
	__u64 cmdline_paddr;
	__u64 rsdp_paddr;
	__u64 memmap_paddr;		/* version 1 and later */
	__u32 memmap_entries;
	__u32 reserved;
};

struct hvm_memmap_entry {
	__u64 addr;
	__u64 size;
	__u32 type;
	__u32 reserved;
};

struct hvm_modlist_entry {
	__u64 paddr;
	__u64 size;
	__u64 cmdline_paddr;
	__u64 reserved;
};

#define CMDLINE_MAX	4096
#define LOW_RESERVED	0x100000UL	/* below: never handed out */

static struct ukplat_bootinfo x86_bootinfo;
static char cmdline[CMDLINE_MAX];

extern char image_start[], image_end[];

static void add_region(__paddr_t pbase, __vaddr_t vbase, __sz len, int type,
		       int flags, const char *name)
{
	metal_add_region(&x86_bootinfo, pbase, vbase, len, type, flags,
			 name);
}

static void add_ram(__paddr_t lo, __paddr_t hi, const __paddr_t excl[][2],
		    unsigned int nexcl)
{
	if (ukplat_bootinfo_add_ram(&x86_bootinfo, lo, hi, excl, nexcl) < 0)
		uk_pr_err("too many memory regions: RAM dropped\n");
}

static void *phys(__paddr_t pa)
{
	/* The early tables identity-map the first 4 GiB. */
	return (void *)pa;
}

/* Returns the end of the RAM below 4 GiB: device memory lies above. */
static __paddr_t parse_memmap(const struct hvm_start_info *si,
			      const __paddr_t excl[][2], unsigned int nexcl)
{
	__paddr_t low_end = 0;
	const struct hvm_memmap_entry *e;
	unsigned int i;

	if (si->version < 1 || !si->memmap_paddr) {
		uk_pr_err("PVH: no memory map\n");
		return 0;
	}
	e = phys(si->memmap_paddr);
	for (i = 0; i < si->memmap_entries; i++) {
		if (e[i].type != E820_RAM)
			continue;
		/* The early direct map reaches 4 GiB only. */
		if (e[i].addr >= X86_LOW_END)
			continue;
		add_ram(e[i].addr, MIN(e[i].addr + e[i].size, X86_LOW_END),
			excl, nexcl);
		low_end = MAX(low_end, MIN(e[i].addr + e[i].size,
					   X86_LOW_END));
	}
	return low_end;
}

/*
 * The window for address spaces starts low, as Linux's user half, so a
 * classic static executable finds its fixed addresses (0x400000 and up)
 * free: the image ends below them (an image that reached them would
 * have them refused, with that reason, by core/elf). Between the RAM
 * and 4 GiB device memory gets identity-mapped on demand (the APICs,
 * virtio-mmio, PCI BARs): a device region with nothing mapped yet, so
 * core/vmem reserves it (nothing of the window's is placed or fixed
 * there) and it is no app memory (system calls refuse it).
 */
static void add_vas_window(__paddr_t low_ram_end)
{
	__vaddr_t base = ALIGN_UP((__vaddr_t)image_end, X86_VAS_ALIGN);
	__paddr_t hole = ALIGN_UP(low_ram_end, X86_VAS_ALIGN);

	if (hole < X86_LOW_END)
		add_region(hole, hole, X86_LOW_END - hole,
			   UKPLAT_MEMRT_DEVICE, UKPLAT_MEMRF_READ |
			   UKPLAT_MEMRF_WRITE, "device memory");
	add_region(__PADDR_ANY, base, X86_VAS_END - base, UKPLAT_MEMRT_VAS,
		   UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE |
		   UKPLAT_MEMRF_EXECUTE, "vas");
}


static void take_cmdline(const struct hvm_start_info *si)
{
	const char *src = si->cmdline_paddr ? phys(si->cmdline_paddr) : "";

	strncpy(cmdline, src, sizeof(cmdline) - 1);
	if (strlen(src) >= sizeof(cmdline))
		uk_pr_err("command line truncated to %zu bytes\n",
			  sizeof(cmdline) - 1);
	x86_bootinfo.cmdline = cmdline;
	x86_bootinfo.cmdline_len = strlen(cmdline);
}

void __noreturn x86_boot_main(__u32 start_info_pa);

void __noreturn x86_boot_main(__u32 start_info_pa)
{
	const struct hvm_start_info *si = phys(start_info_pa);
	struct ukplat_bootinfo *bi = &x86_bootinfo;
	struct hvm_modlist_entry mod;
	__paddr_t excl[2][2], low_ram_end;
	unsigned int nexcl = 0;

	x86_lcpu_init_boot();
	x86_console_init();
	if (si->magic != HVM_START_MAGIC) {
		uk_pr_crit("not started by a PVH loader (magic 0x%x)\n",
			   si->magic);
		x86_halt_forever();
	}
	bi->magic = UKPLAT_BOOTINFO_MAGIC;
	strncpy(bi->bootprotocol, "pvh", sizeof(bi->bootprotocol) - 1);
	bi->dm_off = X86_DM_OFF;
	take_cmdline(si);
	metal_tls_describe(bi);

	excl[nexcl][0] = 0;
	excl[nexcl++][1] = PAGE_ALIGN_UP((__paddr_t)image_end);
	if (si->nr_modules && si->modlist_paddr) {
		/* Copied: QEMU puts the list at a 4-byte boundary. */
		memcpy(&mod, phys(si->modlist_paddr), sizeof(mod));
		if (mod.size) {
			bi->initrd = mod.paddr + X86_DM_OFF;
			bi->initrd_len = mod.size;
			excl[nexcl][0] = PAGE_ALIGN_DOWN(mod.paddr);
			excl[nexcl++][1] = PAGE_ALIGN_UP(mod.paddr +
							 mod.size);
		}
	}
	/* Page 0 is never a frame: paddr 0 means none elsewhere. */
	low_ram_end = parse_memmap(si, excl, nexcl);
	metal_image_regions(&x86_bootinfo);
	add_vas_window(low_ram_end);

	x86_acpi_init(si->rsdp_paddr);
	x86_cpu_init(&x86_cpus[0]);
	x86_apic_init();
	x86_time_init();
	ukplat_entry(bi);
}

/*
 * ukplat_paging_init() (hal/common, called by the core) built the
 * kernel's table and loaded it (ukarch_pt_activate); the xAPIC's MMIO
 * page, which the early tables mapped, is this backend's to add. It runs
 * first of all init calls, before anything takes an interrupt.
 */
static int x86_apic_map_init(struct uk_init_ctx *ctx __maybe_unused)
{
	if (!ukplat_pt_get_active())
		return -ENODEV;
	return x86_apic_map();
}
uk_early_initcall_prio(x86_apic_map_init, NULL, UK_PRIO_EARLIEST);
