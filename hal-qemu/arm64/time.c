/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks and the per-CPU one-shot timer: the generic timer. The virtual
 * counter (CNTVCT_EL0, CNTFRQ_EL0 ticks a second, the same on every CPU)
 * is the monotonic clock; the virtual timer (CNTV_CVAL_EL0, an absolute
 * compare value, PPI 27) is the deadline of ukplat_time_set_deadline and
 * the wake-up of ukplat_lcpu_halt_irq_until. Its interrupt is level-
 * triggered: reprogramming it (or turning it off) clears it. Wall clock:
 * the PL031 RTC's seconds at boot plus the monotonic clock since.
 */
#include <uk/fdt.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include "arm64.h"

#define CNTV_CTL_ENABLE	1UL

static __u64 freq;
static __u64 cnt_base;
static __u64 ns_mult;		/* ns = (cnt - base) * mult >> 32 */
static __nsec wall_base;	/* wall clock at monotonic 0 */

static inline __u64 counter(void)
{
	__u64 v;

	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(v)
			     : : "memory");
	return v;
}

__nsec ukplat_monotonic_clock(void)
{
	return (__nsec)(((unsigned __int128)(counter() - cnt_base) *
			 ns_mult) >> 32);
}

/* The generic counter is cheap to read (no trap) and the same on every
 * CPU: CPU-time accounting counts it too. */
__u64 ukplat_cpu_ticks(void)
{
	return counter();
}

__nsec ukplat_cpu_ticks_to_ns(__u64 ticks)
{
	return (__nsec)(((unsigned __int128)ticks * ns_mult) >> 32);
}

__nsec ukplat_wall_clock(void)
{
	return __atomic_load_n(&wall_base, __ATOMIC_RELAXED) +
	       ukplat_monotonic_clock();
}

void ukplat_wall_clock_set(__nsec ns)
{
	__atomic_store_n(&wall_base, ns - ukplat_monotonic_clock(),
			 __ATOMIC_RELAXED);
}

static __u64 ns_to_count(__nsec ns)
{
	return cnt_base + (__u64)(((unsigned __int128)ns * freq) /
				  1000000000ULL);
}

static __nsec rtc_read(void)
{
	__u64 base, size;
	int node;

	node = uk_fdt_node_by_compatible(arm64_fdt, -1, "arm,pl031");
	if (node < 0 || uk_fdt_reg(arm64_fdt, 0, node, 0, &base, &size) < 0)
		return 0;
	arm64_add_device(base, PAGE_SIZE, "pl031");
	/* RTCDR: seconds since the epoch (the early tables map it). */
	return (__nsec)mmio_read32(base) * 1000000000ULL;
}

void arm64_time_init(void)
{
	freq = SYSREG_READ(cntfrq_el0);
	if (!freq)
		freq = 62500000;	/* QEMU's, if firmware left it 0 */
	ns_mult = (__u64)((1000000000ULL << 32) / freq);
	cnt_base = counter();
	wall_base = rtc_read();
	SYSREG_WRITE(cntv_ctl_el0, 0);
	uk_pr_info("time: generic timer %lu kHz\n",
		   (unsigned long)(freq / 1000));
}

/* Arms the virtual timer for the earlier of the deadline and the halt
 * limit, or turns it off; interrupts are off. */
void arm64_time_program(struct arm64_cpu *cpu)
{
	__nsec when = cpu->deadline;

	if (cpu->wake_at && (!when || cpu->wake_at < when))
		when = cpu->wake_at;
	if (!when) {
		SYSREG_WRITE(cntv_ctl_el0, 0);
		return;
	}
	SYSREG_WRITE(cntv_cval_el0, ns_to_count(when));
	SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
	__asm__ __volatile__("isb");
}

int arm64_timer_irq(struct arm64_cpu *cpu)
{
	__nsec now = ukplat_monotonic_clock();
	int due = cpu->deadline && now >= cpu->deadline;

	if (due)
		cpu->deadline = 0;
	if (cpu->wake_at && now >= cpu->wake_at)
		cpu->wake_at = 0;
	arm64_time_program(cpu);
	return due;
}

int ukplat_time_set_deadline(__nsec deadline_ns)
{
	struct arm64_cpu *cpu;
	unsigned long flags;

	flags = ukplat_lcpu_save_irqf();
	cpu = arm64_this_cpu();
	cpu->deadline = deadline_ns;
	arm64_time_program(cpu);
	ukplat_lcpu_restore_irqf(flags);
	return 0;
}
