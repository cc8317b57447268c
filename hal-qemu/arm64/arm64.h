/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of the bare-metal arm64 backend (guest code). */
#ifndef __HAL_QEMU_ARM64_H__
#define __HAL_QEMU_ARM64_H__

#include <uk/arch/preempt.h>
#include <uk/arch/regs.h>
#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/lcpu.h>

/* Direct map of physical memory (bootinfo dm_off): root slot 256, the
 * start of the TTBR1 half, as on x86_64. */
#define ARM64_DM_OFF		0xffff800000000000UL
/* Window for address spaces (core/vmem): 64 GiB at 32 TiB. */
#define ARM64_VAS_BASE		0x0000200000000000UL
#define ARM64_VAS_SIZE		(64UL << 30)
/* Stacks: the boot thread's, and each CPU's exception stack (SP_EL1;
 * threads run on SP_EL0, so a thread's stack overflow never hides the
 * fault's own frame). */
#define ARM64_BOOT_STACK_SIZE	(64UL * 1024)
#define ARM64_EXC_STACK_SIZE	(32UL * 1024)
/* Interrupt IDs: SGIs 0-15 are UKPLAT_IRQ_n, the virtual timer is PPI 27,
 * an SPI (ID 32 + n) is the vector its driver had routed to it
 * (arm64_gic_spi_route, through qemu/bus.h's qemu_irq_line). */
#define ARM64_INTID_VTIMER	27
/* SGI 15 carries every vector from 15 up (a per-CPU pending mask):
 * ukplat_lcpu_send_ipi takes any vector below UKPLAT_IRQ_COUNT. */
#define ARM64_SGI_SOFT		15
#define ARM64_INTID_SPURIOUS	1023

/* Per-CPU state, reached through TPIDR_EL1 (kept in arm64_cpus[]). The
 * offsets up to pac_key are used by boot.S. */
struct arm64_cpu {
	struct arm64_cpu *self;		/* 0 */
	void *exc_stack_top;		/* 8: SP_EL1 */
	void *boot_sp;			/* 16: SP_EL0 at start */
	__u64 pac_key[2];		/* 24: APIAKey at start */
	unsigned int preempt_count;	/* 40: UKARCH_PREEMPT_OFF */
	__u32 idx;
	int started;			/* 1 once it serves interrupts */
	__u64 mpidr;			/* affinity (reg in the DTB) */
	unsigned long dispatches;	/* interrupts handled, for halt */
	__nsec deadline;		/* ukplat_time_set_deadline */
	__nsec wake_at;			/* halt_irq_until's limit */
	ukplat_lcpu_entry_t entry;	/* start: what to run, on which stack */
	void *sp;
	void *arg;
	unsigned long soft_pending;	/* vectors for ARM64_SGI_SOFT */
	int trap_depth;			/* synchronous exceptions in progress */
	__vaddr_t gicr;			/* GICv3 redistributor */
	__u8 gic_mask;			/* GICv2 CPU interface bit */
} __align(64);

UK_BUILD_BUG_ON(__builtin_offsetof(struct arm64_cpu, preempt_count) !=
		UKARCH_PREEMPT_OFF);

extern struct arm64_cpu arm64_cpus[UKPLAT_LCPU_MAXCOUNT];
extern unsigned int arm64_cpu_count;

static inline struct arm64_cpu *arm64_this_cpu(void)
{
	struct arm64_cpu *c;

	__asm__ __volatile__("mrs %0, tpidr_el1" : "=r"(c));
	return c;
}

#define SYSREG_READ(name) ({						\
	unsigned long __v;						\
	__asm__ __volatile__("mrs %0, " #name : "=r"(__v));		\
	__v; })
#define SYSREG_WRITE(name, v)						\
	__asm__ __volatile__("msr " #name ", %0" : : "r"((unsigned long)(v)) \
			     : "memory")

static inline __u32 mmio_read32(__vaddr_t addr)
{
	__u32 v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr)
			     : "memory");
	return v;
}

static inline void mmio_write32(__vaddr_t addr, __u32 v)
{
	__asm__ __volatile__("str %w0, [%1]" : : "rZ"(v), "r"(addr)
			     : "memory");
}

static inline __u64 mmio_read64(__vaddr_t addr)
{
	__u64 v;

	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr)
			     : "memory");
	return v;
}

static inline __u8 mmio_read8(__vaddr_t addr)
{
	__u8 v;

	__asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(addr)
			     : "memory");
	return v;
}

/* setup.c: adds a device MMIO region (identity-mapped, uncached). */
void arm64_add_device(__paddr_t base, __sz len, const char *name);
/* The device tree QEMU passed (already checked), through the direct
 * map once bootinfo is filled. */
extern const void *arm64_fdt;
/* The SPI of node's first interrupt (three cells: type, number, flags,
 * as virt's GIC declares them), or -EINVAL. */
int arm64_fdt_spi(const void *fdt, int node);

/* console.c: the PL011 UART. */
void arm64_console_init(void);

/* gic.c: GICv3, or GICv2 when that is what the machine has. */
int arm64_gic_init(void);		/* distributor; boot CPU */
void arm64_gic_cpu_init(struct arm64_cpu *cpu);
__u32 arm64_gic_ack(void);		/* INTID, 1023 if none */
void arm64_gic_eoi(__u32 iar);
void arm64_gic_send_sgi(struct arm64_cpu *cpu, unsigned int intid);
/* Routes SPI intid (32 ..) to the boot CPU as platform vector vec, level
 * triggered, and enables it. 0 or -EINVAL (no such line, bad vector). */
int arm64_gic_spi_route(__u32 intid, unsigned long vec);
/* The vector routed to SPI intid, or -1. */
int arm64_gic_spi_vector(__u32 intid);

/* time.c: the generic timer (virtual counter and timer) and PL031. */
void arm64_time_init(void);
void arm64_time_program(struct arm64_cpu *cpu);
int arm64_timer_irq(struct arm64_cpu *cpu);	/* 1: deadline passed */

/* lcpu.c: CPUs from the DTB; PSCI. */
void arm64_lcpu_init_boot(void);
void arm64_cpus_probe(void);
void __noreturn arm64_ap_main(struct arm64_cpu *cpu);
/* PSCI call through the DTB's conduit (hvc or smc). */
long arm64_psci(unsigned long fn, unsigned long a1, unsigned long a2,
		unsigned long a3);
void arm64_psci_init(void);
#define PSCI_CPU_ON		0xc4000003UL
#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL

/* traps.c: every exception vector's C side (entry.S). */
void arm64_exception(unsigned long kind, struct __regs *regs);

/* random.c */
int arm64_has_rndr(void);

/* mte.c: before paging init, whether normal memory is mapped Tagged. */
void arm64_mte_probe(void);
/* mte.c: on a secondary CPU, tags and checks as on the boot CPU. */
void arm64_mte_cpu_init(void);

/* trace.c */
void __noreturn arm64_halt_forever(void);

/* Features found at boot (boot.S sets the first two). */
extern int arm64_pauth_enabled;
extern int arm64_bti_enabled;
extern int arm64_mte_enabled;

#endif /* __HAL_QEMU_ARM64_H__ */
