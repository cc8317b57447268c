/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interrupt controller: GICv3 (distributor, one redistributor per
 * CPU, the CPU interface through system registers), or GICv2 (memory-
 * mapped distributor and CPU interface) when the device tree offers only
 * that (QEMU virt's default for TCG is v2; ./amphi asks for v3). SGIs
 * (IPIs) and the virtual timer PPI are set up here; a device's SPI is
 * routed to the boot CPU, level triggered, as a vector of
 * ukplat_irq_alloc when its driver asks (bus.c, qemu_irq_line).
 * Everything is priority 0xa0; group 1 on GICv3, group 0 on GICv2.
 */
#include <errno.h>
#include <uk/fdt.h>
#include <uk/print.h>
#include <uk/spinlock.h>
#include "arm64.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_SGIR		0x0f00		/* v2 */
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_IGROUPR(n)		(0x0080 + 4 * (n))
#define GICD_IPRIORITYR(n)	(0x0400 + 4 * (n))
#define GICD_ITARGETSR(n)	(0x0800 + 4 * (n))
#define GICD_TYPER		0x0004
#define GICD_ICENABLER(n)	(0x0180 + 4 * (n))
#define GICD_ICFGR(n)		(0x0c00 + 4 * (n))
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))	/* v3 */

#define GICR_STRIDE		0x20000
#define GICR_WAKER		0x0014
#define GICR_TYPER		0x0008
#define GICR_SGI		0x10000		/* SGI_base frame */

#define GICC_CTLR		0x0000		/* v2 CPU interface */
#define GICC_PMR		0x0004
#define GICC_IAR		0x000c
#define GICC_EOIR		0x0010

#define PRIO			0xa0
#define PPI_SGI_ENABLE		((1U << ARM64_INTID_VTIMER) | 0xffffU)

static int gic_v3;
static __vaddr_t gicd, gicr_base, gicc;
static __sz gicr_len;
static __u32 gic_lines;			/* INTIDs below this exist */
/* The vector of each SPI routed (INTID - 32), 0 if none. */
static __u8 spi_vec[ARM64_INTID_SPURIOUS - 32];
static UK_SPINLOCK_DEFINE(gicd_lock);	/* read-modify-writes of gicd */

static void rwp_wait(__vaddr_t reg)
{
	unsigned int i;

	for (i = 0; i < 1000000 && (mmio_read32(reg) & GICD_CTLR_RWP); i++)
		;
}

int arm64_gic_init(void)
{
	const void *fdt = arm64_fdt;
	__u64 base, size, base2, size2;
	int node;

	node = uk_fdt_node_by_compatible(fdt, -1, "arm,gic-v3");
	gic_v3 = node >= 0;
	if (node < 0)
		node = uk_fdt_node_by_compatible(fdt, -1, "arm,cortex-a15-gic");
	if (node < 0)
		node = uk_fdt_node_by_compatible(fdt, -1, "arm,gic-400");
	if (node < 0 || uk_fdt_reg(fdt, 0, node, 0, &base, &size) < 0 ||
	    uk_fdt_reg(fdt, 0, node, 1, &base2, &size2) < 0) {
		uk_pr_crit("no GICv3 or GICv2 in the device tree\n");
		return -ENODEV;
	}
	gicd = base;
	arm64_add_device(base, PAGE_ALIGN_UP(MIN(size, 0x10000UL)), "gicd");
	if (gic_v3) {
		gicr_base = base2;
		/* Only the frames of the CPUs we have. */
		gicr_len = MIN(size2, (__u64)arm64_cpu_count * GICR_STRIDE);
		arm64_add_device(base2, gicr_len, "gicr");
		/* Affinity routing, group 1 (single security state). */
		mmio_write32(gicd + GICD_CTLR, 0);
		rwp_wait(gicd + GICD_CTLR);
		mmio_write32(gicd + GICD_CTLR, (1U << 4) | (1U << 1) | 1U);
		rwp_wait(gicd + GICD_CTLR);
	} else {
		gicc = base2;
		arm64_add_device(base2, PAGE_ALIGN_UP(MIN(size2, 0x2000UL)),
				 "gicc");
		mmio_write32(gicd + GICD_CTLR, 1);
	}
	gic_lines = MIN(((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1) * 32,
			(__u32)ARM64_INTID_SPURIOUS - 3);
	uk_pr_info("gic: v%d, distributor 0x%lx, %u lines\n", gic_v3 ? 3 : 2,
		   gicd, gic_lines);
	return 0;
}

/* The redistributor whose affinity is mpidr's. */
static __vaddr_t find_gicr(__u64 mpidr)
{
	__u64 aff = ((mpidr >> 8) & 0xff000000UL) | (mpidr & 0xffffffUL);
	__vaddr_t r;
	__u64 typer;

	for (r = gicr_base; r < gicr_base + gicr_len; r += GICR_STRIDE) {
		typer = mmio_read64(r + GICR_TYPER);
		if ((typer >> 32) == aff)
			return r;
		if (typer & (1U << 4))		/* Last */
			break;
	}
	return 0;
}

static void cpu_init_v3(struct arm64_cpu *cpu)
{
	__vaddr_t sgi;
	unsigned int i;

	cpu->gicr = find_gicr(cpu->mpidr);
	if (!cpu->gicr) {
		uk_pr_crit("gic: no redistributor for CPU %u\n", cpu->idx);
		return;
	}
	sgi = cpu->gicr + GICR_SGI;
	mmio_write32(cpu->gicr + GICR_WAKER,
		     mmio_read32(cpu->gicr + GICR_WAKER) & ~(1U << 1));
	for (i = 0; i < 1000000 &&
	     (mmio_read32(cpu->gicr + GICR_WAKER) & (1U << 2)); i++)
		;
	mmio_write32(sgi + GICD_IGROUPR(0), 0xffffffffU);
	for (i = 0; i < 8; i++)
		mmio_write32(sgi + GICD_IPRIORITYR(i), 0x01010101U * PRIO);
	mmio_write32(sgi + GICD_ISENABLER(0), PPI_SGI_ENABLE);
	/* ICC_SRE_EL1.SRE, then PMR, BPR1, IGRPEN1. */
	SYSREG_WRITE(S3_0_C12_C12_5, SYSREG_READ(S3_0_C12_C12_5) | 1);
	__asm__ __volatile__("isb");
	SYSREG_WRITE(S3_0_C4_C6_0, 0xf0);
	SYSREG_WRITE(S3_0_C12_C12_3, 0);
	SYSREG_WRITE(S3_0_C12_C12_7, 1);
	__asm__ __volatile__("isb");
}

static void cpu_init_v2(struct arm64_cpu *cpu)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		mmio_write32(gicd + GICD_IPRIORITYR(i), 0x01010101U * PRIO);
	mmio_write32(gicd + GICD_ISENABLER(0), PPI_SGI_ENABLE);
	/* Reads of the banked ITARGETSR0 give this CPU's interface bit. */
	cpu->gic_mask = (__u8)mmio_read32(gicd + GICD_ITARGETSR(0));
	mmio_write32(gicc + GICC_PMR, 0xf0);
	mmio_write32(gicc + GICC_CTLR, 1);
}

void arm64_gic_cpu_init(struct arm64_cpu *cpu)
{
	if (gic_v3)
		cpu_init_v3(cpu);
	else
		cpu_init_v2(cpu);
}

__u32 arm64_gic_ack(void)
{
	if (gic_v3)
		return (__u32)SYSREG_READ(S3_0_C12_C12_0) & 0xffffff;
	return mmio_read32(gicc + GICC_IAR);
}

void arm64_gic_eoi(__u32 iar)
{
	if (gic_v3) {
		SYSREG_WRITE(S3_0_C12_C12_1, iar);
		__asm__ __volatile__("isb");
	} else {
		mmio_write32(gicc + GICC_EOIR, iar);
	}
}

void arm64_gic_send_sgi(struct arm64_cpu *cpu, unsigned int intid)
{
	__u64 m = cpu->mpidr, v;

	/* The interrupt's memory effects first (the target reads them). */
	__asm__ __volatile__("dsb ishst" : : : "memory");
	if (gic_v3) {
		v = (((m >> 32) & 0xff) << 48) | (((m >> 16) & 0xff) << 32) |
		    (((m >> 8) & 0xff) << 16) | ((__u64)intid << 24) |
		    (1UL << (m & 0xf));
		SYSREG_WRITE(S3_0_C12_C11_5, v);
		__asm__ __volatile__("isb");
	} else if (cpu == arm64_this_cpu()) {
		/* To this CPU by the filter, not by its interface bit: a
		 * uniprocessor GICv2 reads ITARGETSR as 0 (-smp 1). */
		mmio_write32(gicd + GICD_SGIR, (2U << 24) | intid);
	} else {
		mmio_write32(gicd + GICD_SGIR,
			     ((__u32)cpu->gic_mask << 16) | intid);
	}
}

/* Sets field (width bits, at intid's place) of the distributor's
 * register array at base, gicd_lock held. */
static void gicd_field(__u32 base, __u32 intid, unsigned int width,
		       __u32 v)
{
	unsigned int per = 32 / width, shift = (intid % per) * width;
	__vaddr_t r = gicd + base + 4 * (intid / per);
	__u32 mask = (width == 32 ? ~0U : (1U << width) - 1) << shift;

	mmio_write32(r, (mmio_read32(r) & ~mask) | ((v << shift) & mask));
}

int arm64_gic_spi_route(__u32 intid, unsigned long vec)
{
	struct arm64_cpu *boot = &arm64_cpus[0];
	unsigned long fl;
	__u64 aff;

	if (intid < 32 || intid >= gic_lines || !vec || vec > 0xff)
		return -EINVAL;
	uk_spin_lock_irqsave(&gicd_lock, fl);
	mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1U << (intid % 32));
	__atomic_store_n(&spi_vec[intid - 32], (__u8)vec, __ATOMIC_RELEASE);
	gicd_field(0x0400, intid, 8, PRIO);		/* IPRIORITYR */
	gicd_field(0x0c00, intid, 2, 0);		/* ICFGR: level */
	if (gic_v3) {
		gicd_field(0x0080, intid, 1, 1);	/* IGROUPR: 1 */
		aff = ((boot->mpidr >> 32) & 0xff) << 32 |
		      (boot->mpidr & 0xffffffUL);
		mmio_write32(gicd + GICD_IROUTER(intid), (__u32)aff);
		mmio_write32(gicd + GICD_IROUTER(intid) + 4,
			     (__u32)(aff >> 32));
	} else {
		gicd_field(0x0800, intid, 8, boot->gic_mask); /* ITARGETSR */
	}
	mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1U << (intid % 32));
	uk_spin_unlock_irqrestore(&gicd_lock, fl);
	return 0;
}

int arm64_gic_spi_vector(__u32 intid)
{
	__u8 v;

	if (intid < 32 || intid >= ARM64_INTID_SPURIOUS)
		return -1;
	v = __atomic_load_n(&spi_vec[intid - 32], __ATOMIC_ACQUIRE);
	return v ? v : -1;
}
