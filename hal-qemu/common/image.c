/* SPDX-License-Identifier: BSD-3-Clause */
#include <uk/essentials.h>
#include <uk/print.h>
#include <elf.h>
#include <string.h>
#include "metal.h"

extern char image_text_start[], image_text_end[];
extern char image_rodata_start[], image_rodata_end[];
extern char image_data_start[], image_data_end[];
extern char image_bss_start[], image_bss_end[];
extern char boot_stack_guard[], boot_stack_top[];

void metal_add_region(struct ukplat_bootinfo *bi, __paddr_t pbase,
		      __vaddr_t vbase, __sz len, int type, int flags,
		      const char *name)
{
	if (ukplat_bootinfo_add(bi, pbase, vbase, len, type, flags, name) < 0)
		uk_pr_err("too many memory regions: %s dropped\n", name);
}

static void image_region(struct ukplat_bootinfo *bi, char *start, char *end,
			 int flags, const char *name)
{
	__vaddr_t s = (__vaddr_t)start, e = (__vaddr_t)end;

	metal_add_region(bi, s, s, e - s, UKPLAT_MEMRT_KERNEL,
			 flags | UKPLAT_MEMRF_MAP, name);
}

void metal_image_regions(struct ukplat_bootinfo *bi)
{
	const int r = UKPLAT_MEMRF_READ, rw = r | UKPLAT_MEMRF_WRITE;
	char *stack = boot_stack_guard + PAGE_SIZE;

	image_region(bi, image_text_start, image_text_end,
		     r | UKPLAT_MEMRF_EXECUTE, "text");
	image_region(bi, image_rodata_start, image_rodata_end, r, "rodata");
	image_region(bi, image_data_start, image_data_end, rw, "data");
	image_region(bi, image_bss_start, boot_stack_guard, rw, "bss");
	image_region(bi, stack, image_bss_end, rw, "bss");
	metal_add_region(bi, (__paddr_t)stack, (__vaddr_t)stack,
			 (__sz)(boot_stack_top - stack), UKPLAT_MEMRT_STACK,
			 rw, "boot stack");
}

/* The image's TLS template (kernel.lds), as the one program header the
 * core needs: musl lays out every thread's TLS block from it. */
extern char image_tls_start[], image_tls_filesz[], image_tls_memsz[];
extern char image_tls_align[];
static Elf64_Phdr tls_phdr;

void metal_tls_describe(struct ukplat_bootinfo *bi)
{
	tls_phdr.p_type = PT_TLS;
	tls_phdr.p_flags = PF_R;
	tls_phdr.p_vaddr = (__vaddr_t)image_tls_start;
	tls_phdr.p_paddr = (__vaddr_t)image_tls_start;
	tls_phdr.p_filesz = (__uptr)image_tls_filesz;
	tls_phdr.p_memsz = (__uptr)image_tls_memsz;
	tls_phdr.p_align = (__uptr)image_tls_align;
	bi->phdr = (__vaddr_t)&tls_phdr;
	bi->phnum = 1;
	bi->phent = sizeof(tls_phdr);
}
