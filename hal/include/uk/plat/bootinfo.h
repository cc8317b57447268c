/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a backend tells the core at boot: memory regions, command line and
 * initrd. The backend fills it before calling ukplat_entry().
 */
#ifndef __UK_PLAT_BOOTINFO_H__
#define __UK_PLAT_BOOTINFO_H__

#include <uk/arch/types.h>
#include <uk/plat/memory.h>

#define UKPLAT_BOOTINFO_MAGIC	0x494d504bU	/* "KPMI" */
#define UKPLAT_BOOTINFO_MAXMR	64

struct ukplat_bootinfo {
	__u32 magic;
	__u32 nr_mrds;			/* entries used in mrds[] */
	char bootprotocol[16];		/* "sim", "pvh", ... */
	__vaddr_t dm_off;		/* direct map: vaddr = paddr + dm_off */
	const char *cmdline;		/* "app arg1 arg2 ..." (kernel view) */
	__sz cmdline_len;
	__vaddr_t initrd;		/* 0 if none */
	__sz initrd_len;
	/* The image's program headers, as a Linux loader gives them to a
	 * program (AT_PHDR, AT_PHNUM): at least its PT_TLS, the template of
	 * every thread's TLS block. NULL/0 if the image has no TLS. */
	__vaddr_t phdr;
	__u32 phnum;
	__u32 phent;			/* size of one entry */
	struct ukplat_memregion_desc mrds[UKPLAT_BOOTINFO_MAXMR];
};

/* Returns the boot information of this boot (never NULL after entry). */
struct ukplat_bootinfo *ukplat_bootinfo_get(void);

/* Appends a region to bi. Returns 0 or -ENOMEM when the table is full. */
int ukplat_bootinfo_add_mrd(struct ukplat_bootinfo *bi,
			    const struct ukplat_memregion_desc *mrd);

/* Appends a region built from its fields (name is truncated to fit);
 * nothing for len 0. Returns 0 or -ENOMEM when the table is full. */
int ukplat_bootinfo_add(struct ukplat_bootinfo *bi, __paddr_t pbase,
			__vaddr_t vbase, __sz len, int type, int flags,
			const char *name);

/* For metal backends: adds the RAM [lo, hi) (rounded inwards to pages) at
 * its direct-map address (vbase = pbase + bi->dm_off), read-write: free,
 * except what overlaps one of the nexcl ranges excl[i] = {start, end}
 * (the image, firmware data, the initrd...), which is reserved. Returns
 * 0 or -ENOMEM when the table is full. */
int ukplat_bootinfo_add_ram(struct ukplat_bootinfo *bi, __paddr_t lo,
			    __paddr_t hi, const __paddr_t excl[][2],
			    unsigned int nexcl);

/* Core entry point: the backend calls it on CPU 0, on the boot stack, with
 * interrupts disabled, once bootinfo is filled. Does not return. */
void __attribute__((noreturn)) ukplat_entry(struct ukplat_bootinfo *bi);

#endif /* __UK_PLAT_BOOTINFO_H__ */
