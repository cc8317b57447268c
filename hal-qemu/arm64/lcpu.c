/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logical CPUs: interrupt masking with DAIF.I, halting with WFI, IPIs
 * as SGIs, and the start of the other CPUs listed in the device tree
 * through PSCI CPU_ON (hvc or smc, as the tree's /psci node says).
 * ukplat_lcpu_run/wait are the generic ones of hal/common/lcpu.c.
 */
#include <errno.h>
#include <string.h>
#include <uk/fdt.h>
#include <uk/falloc.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu_start.h>
#include <uk/plat/paging.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include <uk/spinlock.h>
#include "arm64.h"

#define DAIF_I		(1UL << 7)
/* Stack an AP runs its setup (and, if idle, its halt loop) on. */
#define AP_STACK_PAGES	4
#define MPIDR_AFF_MASK	0xff00ffffffUL

struct arm64_cpu arm64_cpus[UKPLAT_LCPU_MAXCOUNT];
unsigned int arm64_cpu_count = 1;
extern __u64 arm64_ap_ttbr;
extern char arm64_ap_start[];
static int psci_smc;

void ukplat_lcpu_disable_irq(void)
{
	__asm__ __volatile__("msr daifset, #2" : : : "memory");
}

void ukplat_lcpu_enable_irq(void)
{
	__asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

unsigned long ukplat_lcpu_save_irqf(void)
{
	unsigned long f = SYSREG_READ(daif);

	__asm__ __volatile__("msr daifset, #2" : : : "memory");
	return f & DAIF_I;
}

void ukplat_lcpu_restore_irqf(unsigned long flags)
{
	if (flags & DAIF_I)
		__asm__ __volatile__("msr daifset, #2" : : : "memory");
	else
		__asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

int ukplat_lcpu_inject_restores_irqs(void)
{
	return 1;
}

int ukplat_lcpu_irqs_disabled(void)
{
	return (SYSREG_READ(daif) & DAIF_I) != 0;
}

/* How long a spinning CPU sleeps before it looks at the lock again. */
#define SPIN_NAP_NS	20000

/*
 * Sleeps a few microseconds in WFI, interrupts left as they are (a lock
 * may be held): the virtual timer ends the nap. Under KVM the WFI lets the
 * host run the lock holder's vCPU; under TCG (4 vCPUs on fewer host
 * cores) it is the only way to: YIELD and WFE do not give the host CPU
 * away, and a lock whose holder is not running makes every other spinner
 * wait out host time slices (with the ticket locks we had then, a futex
 * bucket under 100 contending threads advanced a few dozen times a
 * second). The timer
 * interrupt stays pending until interrupts are on again; its handler sees
 * no deadline due and re-arms for the real one.
 */
void ukplat_lcpu_spin_yield(void)
{
	unsigned long flags = ukplat_lcpu_save_irqf();
	struct arm64_cpu *cpu = arm64_this_cpu();
	__nsec nap = ukplat_monotonic_clock() + SPIN_NAP_NS, saved;

	saved = cpu->wake_at;
	if (!saved || saved > nap) {
		cpu->wake_at = nap;
		arm64_time_program(cpu);
	}
	__asm__ __volatile__("dsb sy\n\twfi" : : : "memory");
	if (cpu->wake_at != saved) {
		cpu->wake_at = saved;
		arm64_time_program(cpu);
	}
	ukplat_lcpu_restore_irqf(flags);
}

/* With interrupts masked: WFI wakes on a pending interrupt all the same,
 * and unmasking then takes it, so none arriving before the WFI is lost. */
static inline void wait_irq(void)
{
	__asm__ __volatile__("dsb sy\n\t"
			     "wfi\n\t"
			     "msr daifclr, #2\n\t"
			     "isb\n\t"
			     "msr daifset, #2" : : : "memory");
}

void ukplat_lcpu_halt_irq(void)
{
	struct arm64_cpu *cpu = arm64_this_cpu();
	unsigned long seen = READ_ONCE(cpu->dispatches);

	ukplat_lcpu_disable_irq();
	while (READ_ONCE(cpu->dispatches) == seen)
		wait_irq();
	ukplat_lcpu_enable_irq();
}

void ukplat_lcpu_halt_irq_until(__nsec until_ns)
{
	struct arm64_cpu *cpu = arm64_this_cpu();
	unsigned long seen = READ_ONCE(cpu->dispatches);

	while (READ_ONCE(cpu->dispatches) == seen) {
		if (until_ns && ukplat_monotonic_clock() >= until_ns)
			break;
		cpu->wake_at = until_ns;
		arm64_time_program(cpu);
		wait_irq();
	}
	if (cpu->wake_at) {
		cpu->wake_at = 0;
		arm64_time_program(cpu);
	}
}

__lcpuid ukplat_lcpu_id(void)
{
	return (__lcpuid)arm64_this_cpu()->mpidr;
}

__lcpuidx ukplat_lcpu_idx(void)
{
	return arm64_this_cpu()->idx;
}

unsigned int ukplat_lcpu_count(void)
{
	return arm64_cpu_count;
}

int ukplat_lcpu_started(__lcpuidx idx)
{
	if (idx >= arm64_cpu_count)
		return 0;
	return __atomic_load_n(&arm64_cpus[idx].started, __ATOMIC_ACQUIRE);
}

/* SGIs 0-14 are vectors 0-14; higher vectors go through the CPU's
 * pending mask and SGI 15 (several sends: one delivery, as specified). */
static void send_vector(struct arm64_cpu *cpu, unsigned int irq)
{
	if (irq < ARM64_SGI_SOFT) {
		arm64_gic_send_sgi(cpu, irq);
		return;
	}
	__atomic_or_fetch(&cpu->soft_pending, 1UL << irq, __ATOMIC_RELEASE);
	arm64_gic_send_sgi(cpu, ARM64_SGI_SOFT);
}

int ukplat_lcpu_send_ipi(const __lcpuidx lcpuidx[], unsigned int count,
			 unsigned int irq)
{
	__lcpuidx self = ukplat_lcpu_idx();
	unsigned int i;

	if (irq >= UKPLAT_IRQ_COUNT)
		return -EINVAL;
	if (!lcpuidx) {
		for (i = 0; i < arm64_cpu_count; i++)
			if (i != self && ukplat_lcpu_started(i))
				send_vector(&arm64_cpus[i], irq);
		return 0;
	}
	for (i = 0; i < count; i++) {
		if (lcpuidx[i] >= arm64_cpu_count)
			return -EINVAL;
		if (!ukplat_lcpu_started(lcpuidx[i]))
			return -ENODEV;
	}
	for (i = 0; i < count; i++)
		send_vector(&arm64_cpus[lcpuidx[i]], irq);
	return 0;
}

void arm64_lcpu_init_boot(void)
{
	struct arm64_cpu *cpu = &arm64_cpus[0];

	cpu->self = cpu;
	cpu->idx = 0;
	cpu->mpidr = SYSREG_READ(mpidr_el1) & MPIDR_AFF_MASK;
	cpu->started = 1;
}

/* ---------------------------------------------------------------------
 * PSCI and the other CPUs
 */

long arm64_psci(unsigned long fn, unsigned long a1, unsigned long a2,
		unsigned long a3)
{
	register unsigned long x0 __asm__("x0") = fn;
	register unsigned long x1 __asm__("x1") = a1;
	register unsigned long x2 __asm__("x2") = a2;
	register unsigned long x3 __asm__("x3") = a3;

	if (psci_smc)
		__asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2),
				     "+r"(x3) : : "memory");
	else
		__asm__ __volatile__("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2),
				     "+r"(x3) : : "memory");
	return (long)x0;
}

void arm64_psci_init(void)
{
	const char *m;
	int node, len;

	node = uk_fdt_path_offset(arm64_fdt, "/psci");
	m = node >= 0 ? uk_fdt_getprop(arm64_fdt, node, "method", &len) : NULL;
	psci_smc = m && len >= 4 && !memcmp(m, "smc", 4);
}

/* CPUs from /cpus: the boot CPU (by its MPIDR) is index 0, the others
 * follow in the tree's order. */
void arm64_cpus_probe(void)
{
	const void *fdt = arm64_fdt;
	int cpus, node, len;
	const char *type;
	__u64 mpidr, size;
	struct arm64_cpu *c;

	cpus = uk_fdt_path_offset(fdt, "/cpus");
	for (node = cpus >= 0 ? uk_fdt_first_child(fdt, cpus) : -1;
	     node >= 0; node = uk_fdt_next_sibling(fdt, node)) {
		type = uk_fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len < 4 || memcmp(type, "cpu", 4) ||
		    !uk_fdt_node_enabled(fdt, node) ||
		    uk_fdt_reg(fdt, cpus, node, 0, &mpidr, &size) < 0)
			continue;
		mpidr &= MPIDR_AFF_MASK;
		if (mpidr == arm64_cpus[0].mpidr)
			continue;
		if (arm64_cpu_count >= UKPLAT_LCPU_MAXCOUNT) {
			uk_pr_warn("more than %u CPUs: the rest is ignored\n",
				   UKPLAT_LCPU_MAXCOUNT);
			break;
		}
		c = &arm64_cpus[arm64_cpu_count];
		c->self = c;
		c->idx = arm64_cpu_count++;
		c->mpidr = mpidr;
	}
}

static void __noreturn enter(void *sp, ukplat_lcpu_entry_t fn, void *arg)
{
	__asm__ __volatile__("mov sp, %0\n\t"
			     "mov x29, xzr\n\t"
			     "mov x0, %2\n\t"
			     "blr %1\n\t"
			     "brk #1"
			     : : "r"(ALIGN_DOWN((__uptr)sp, 16)), "r"(fn),
			       "r"(arg) : "x0", "memory");
	__builtin_unreachable();
}

void __noreturn arm64_ap_main(struct arm64_cpu *cpu)
{
	/* Before it allocates: with tag access off, IRG makes tag 0 and
	 * STG does nothing, so its heap blocks would carry tag 0 over
	 * memory still tagged by an earlier owner. */
	arm64_mte_cpu_init();
	arm64_gic_cpu_init(cpu);
	__atomic_store_n(&cpu->started, 1, __ATOMIC_RELEASE);
	if (cpu->entry)
		enter(cpu->sp, cpu->entry, cpu->arg);
	for (;;)
		ukplat_lcpu_halt_irq();
}

static int alloc_stack(unsigned long pages, void **top)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__paddr_t pa = __PADDR_ANY;
	int rc;

	rc = uk_falloc(fa, &pa, pages, 0);
	if (rc < 0)
		return -ENOMEM;
	*top = (void *)(pa + ARM64_DM_OFF + pages * PAGE_SIZE);
	return 0;
}

/* Makes data the AP reads with its MMU still off reach memory. */
static void clean_to_memory(const void *p, __sz len)
{
	__uptr a;

	for (a = ALIGN_DOWN((__uptr)p, 64); a < (__uptr)p + len; a += 64)
		__asm__ __volatile__("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ __volatile__("dsb sy" : : : "memory");
}

static int cpu_start(struct arm64_cpu *cpu)
{
	long rc;
	unsigned int i;

	rc = alloc_stack(ARM64_EXC_STACK_SIZE / PAGE_SIZE, &cpu->exc_stack_top);
	if (rc == 0)
		rc = alloc_stack(AP_STACK_PAGES, &cpu->boot_sp);
	if (rc)
		return (int)rc;
	cpu->pac_key[0] = cpu->pac_key[1] = 0;
	arm64_ap_ttbr = ukplat_pt_get_active()->pt_pbase;
	clean_to_memory(&arm64_ap_ttbr, sizeof(arm64_ap_ttbr));
	clean_to_memory(cpu, sizeof(*cpu));
	rc = arm64_psci(PSCI_CPU_ON, cpu->mpidr, (__uptr)arm64_ap_start,
			(__uptr)cpu);
	if (rc) {
		uk_pr_err("CPU %u (MPIDR 0x%lx): PSCI CPU_ON failed: %ld\n",
			  cpu->idx, (unsigned long)cpu->mpidr, rc);
		return -ENOMEM;
	}
	/* Up to a second: emulated CPUs can be slow to come up. */
	for (i = 0; i < 100000 && !ukplat_lcpu_started(cpu->idx); i++) {
		__nsec end = ukplat_monotonic_clock() + 10000;

		while (ukplat_monotonic_clock() < end)
			__asm__ __volatile__("yield");
	}
	if (!ukplat_lcpu_started(cpu->idx)) {
		uk_pr_err("CPU %u did not start\n", cpu->idx);
		return -ENOMEM;
	}
	return 0;
}

int ukplat_lcpu_start(const __lcpuidx lcpuidx[], unsigned int count,
		      void *sp[], ukplat_lcpu_entry_t entry[], void *arg)
{
	static UK_SPINLOCK_DEFINE(start_lock);
	__lcpuidx todo[UKPLAT_LCPU_MAXCOUNT];
	struct arm64_cpu *c;
	int n, i, rc = 0;

	uk_spin_lock(&start_lock);
	n = ukplat_lcpu_start_list(lcpuidx, count, sp, entry, todo,
				   arm64_cpu_count, ukplat_lcpu_started);
	for (i = 0; i < n && !rc; i++) {
		c = &arm64_cpus[todo[i]];
		c->entry = entry ? entry[i] : NULL;
		c->sp = c->entry ? sp[i] : NULL;
		c->arg = arg;
		rc = cpu_start(c);
	}
	uk_spin_unlock(&start_lock);
	return n < 0 ? n : rc;
}
