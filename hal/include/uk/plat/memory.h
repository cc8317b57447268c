/* SPDX-License-Identifier: BSD-3-Clause */
/* Memory regions the platform describes in its bootinfo. */
#ifndef __UK_PLAT_MEMORY_H__
#define __UK_PLAT_MEMORY_H__

#include <uk/arch/paging.h>
#include <uk/arch/types.h>

/* Region types. */
#define UKPLAT_MEMRT_FREE	0x0001	/* usable RAM for the allocators */
#define UKPLAT_MEMRT_RESERVED	0x0002	/* must not be touched */
#define UKPLAT_MEMRT_KERNEL	0x0004	/* a section of the kernel image */
#define UKPLAT_MEMRT_INITRD	0x0008	/* the initial ramdisk */
#define UKPLAT_MEMRT_CMDLINE	0x0010	/* the command line */
#define UKPLAT_MEMRT_DEVICETREE	0x0020
#define UKPLAT_MEMRT_STACK	0x0040	/* the boot stack */
/* Virtual window for address spaces (core/vmem): vbase and len only,
 * pbase is __PADDR_ANY and nothing is mapped there at boot. */
#define UKPLAT_MEMRT_VAS	0x0080
/* Device registers (MMIO): with UKPLAT_MEMRF_MAP, the kernel's table maps
 * them at vbase as device memory (PAGE_FLAG_DEVICE); never RAM. */
#define UKPLAT_MEMRT_DEVICE	0x0100

/* Region flags: access permissions of the mapping. */
#define UKPLAT_MEMRF_READ	0x0001
#define UKPLAT_MEMRF_WRITE	0x0002
#define UKPLAT_MEMRF_EXECUTE	0x0004
#define UKPLAT_MEMRF_MAP	0x0010	/* mapped at vbase when boot starts */
#define UKPLAT_MEMRF_ZEROED	0x0020	/* free RAM filled with zeros */

#define UKPLAT_MEMR_NAME_LEN	36

/* Whether a page fault on the stack in use can be taken: in sim faults
 * are signals on a separate stack; on metal the CPU pushes the trap frame
 * onto that very stack, so stacks must be backed before they are used. */
#if defined(__AMPHI_PLAT_SIM__)
#define UKPLAT_STACK_FAULTS_OK	1
#else
#define UKPLAT_STACK_FAULTS_OK	0
#endif

struct ukplat_memregion_desc {
	__paddr_t pbase;	/* physical base, page aligned */
	__vaddr_t vbase;	/* where it is (or is to be) mapped */
	__sz len;		/* length in bytes, multiple of PAGE_SIZE */
	__u16 type;		/* UKPLAT_MEMRT_* */
	__u16 flags;		/* UKPLAT_MEMRF_* */
	char name[UKPLAT_MEMR_NAME_LEN];
};

/* The PAGE_ATTR_PROT_* permissions of region m. */
static inline unsigned long
ukplat_memregion_attr(const struct ukplat_memregion_desc *m)
{
	unsigned long attr = 0;

	if (m->flags & UKPLAT_MEMRF_READ)
		attr |= PAGE_ATTR_PROT_READ;
	if (m->flags & UKPLAT_MEMRF_WRITE)
		attr |= PAGE_ATTR_PROT_WRITE;
	if (m->flags & UKPLAT_MEMRF_EXECUTE)
		attr |= PAGE_ATTR_PROT_EXEC;
	return attr;
}

#endif /* __UK_PLAT_MEMORY_H__ */
