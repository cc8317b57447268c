/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks and the per-CPU one-shot timer.
 *
 * Monotonic clock: the TSC, calibrated at boot against the PIT (10 ms on
 * channel 2) unless the hypervisor's CPUID leaf 0x40000010 states its
 * frequency. The local APIC timer's rate is measured in the same window,
 * or also read from that leaf (EBX): with both there, as on amphi-kvm,
 * the PIT is not touched (that monitor has none). The APIC timer is
 * the per-CPU one-shot deadline (ukplat_time_set_deadline) and the
 * wake-up of ukplat_lcpu_halt_irq_until. Counts it cannot express (too
 * far ahead) fire early and are re-armed: the timer interrupt reaches the
 * core only once the deadline has passed. Wall clock: the CMOS RTC at
 * boot plus the monotonic clock since.
 */
#include <uk/plat/irq.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include "x86.h"

#define PIT_HZ		1193182ULL
#define CALIB_MS	10
/* The PIT wait gives up after this many TSC ticks (0.1 s at 10 GHz): a
 * machine without a PIT (amphi-kvm) must not hang here. */
#define PIT_GIVE_UP_TICKS	(1ULL << 30)

static __u64 tsc_hz;
static __u64 tsc_base;
static __u64 ns_mult;		/* ns = (tsc - base) * mult >> 32 */
static __u64 apic_hz;
static __nsec wall_base;	/* wall clock at monotonic 0 */

__nsec x86_tsc_to_ns(__u64 tsc)
{
	return (__nsec)(((unsigned __int128)(tsc - tsc_base) * ns_mult) >> 32);
}

__nsec ukplat_monotonic_clock(void)
{
	return x86_tsc_to_ns(rdtsc());
}

__u64 ukplat_cpu_ticks(void)
{
	return rdtsc();
}

__nsec ukplat_cpu_ticks_to_ns(__u64 ticks)
{
	return (__nsec)(((unsigned __int128)ticks * ns_mult) >> 32);
}

__nsec ukplat_wall_clock(void)
{
	return wall_base + ukplat_monotonic_clock();
}

/* Waits CALIB_MS on PIT channel 2; returns the TSC ticks and the APIC
 * timer ticks (*apic) it took, or 0 if the PIT did not count. */
static __u64 pit_calibrate(__u64 *apic)
{
	__u32 latch = (__u32)(PIT_HZ * CALIB_MS / 1000);
	__u64 t0, t1, spins = 0;
	__u32 c0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);		/* channel 2, lo/hi, mode 0 */
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	x86_apic_timer_oneshot(0xffffffff);
	c0 = x86_apic_timer_count();
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20)) {
		spins++;
		if (rdtsc() - t0 > PIT_GIVE_UP_TICKS) {
			spins = 0;	/* no PIT counts here */
			break;
		}
	}
	t1 = rdtsc();
	*apic = c0 - x86_apic_timer_count();
	x86_apic_timer_oneshot(0);
	return spins ? t1 - t0 : 0;
}

/* The hypervisor's timing leaf: the TSC's kHz (EAX) and the local APIC
 * timer's (EBX); 0 where it does not say. */
static __u64 hypervisor_tsc_khz(__u64 *apic_khz)
{
	__u32 a, b, c, d;

	*apic_khz = 0;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1U << 31)))
		return 0;		/* no hypervisor */
	cpuid(0x40000000, 0, &a, &b, &c, &d);
	if (a < 0x40000010 || a > 0x400000ff)
		return 0;
	cpuid(0x40000010, 0, &a, &b, &c, &d);
	*apic_khz = b;
	return a;
}

static __u8 cmos(__u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(__u8 v, int binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (civil calendar). */
static __u64 days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
	unsigned int era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (__u64)era * 146097 + doe - 719468;
}

static __nsec rtc_read(void)
{
	unsigned int sec, min, hour, day, mon, year, i;
	__u8 regb;
	int bin, h12;

	for (i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		;			/* update in progress */
	regb = cmos(0x0b);
	bin = regb & 0x04;
	h12 = !(regb & 0x02);
	sec = bcd(cmos(0x00), bin);
	min = bcd(cmos(0x02), bin);
	hour = cmos(0x04);
	day = bcd(cmos(0x07), bin);
	mon = bcd(cmos(0x08), bin);
	year = bcd(cmos(0x09), bin) + 2000;
	if (h12 && (hour & 0x80))
		hour = (bcd(hour & 0x7f, bin) % 12) + 12;
	else
		hour = bcd(hour & 0x7f, bin);
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return 0;
	return ((days_from_civil(year, mon, day) * 86400ULL) +
		hour * 3600ULL + min * 60ULL + sec) * 1000000000ULL;
}

void x86_time_init(void)
{
	__u64 apic_khz, khz = hypervisor_tsc_khz(&apic_khz);
	__u64 ticks = 0, apic_ticks = 0;

	if (!khz || !apic_khz)
		ticks = pit_calibrate(&apic_ticks);
	if (khz)
		tsc_hz = khz * 1000;
	else if (ticks)
		tsc_hz = ticks * 1000 / CALIB_MS;
	else
		tsc_hz = 1000000000ULL;	/* no PIT: a guess */
	if (apic_khz)
		apic_hz = apic_khz * 1000;
	else if (ticks && apic_ticks)
		apic_hz = apic_ticks * tsc_hz / ticks;
	else
		apic_hz = 1000000000ULL;	/* QEMU's APIC bus rate */
	ns_mult = (__u64)((1000000000ULL << 32) / tsc_hz);
	tsc_base = rdtsc();
	wall_base = rtc_read();
	uk_pr_info("time: TSC %lu kHz%s, APIC timer %lu kHz%s\n",
		   (unsigned long)(tsc_hz / 1000), khz ? " (hypervisor)" : "",
		   (unsigned long)(apic_hz / 1000),
		   apic_khz ? " (hypervisor)" : "");
}

/* Arms the APIC timer for the earlier of the deadline and the halt
 * limit; interrupts are off. */
void x86_time_program(struct x86_cpu *cpu)
{
	__nsec when = cpu->deadline, now, delta;
	unsigned __int128 count;

	if (cpu->wake_at && (!when || cpu->wake_at < when))
		when = cpu->wake_at;
	if (!when) {
		x86_apic_timer_oneshot(0);
		return;
	}
	now = ukplat_monotonic_clock();
	delta = when > now ? when - now : 0;
	count = (unsigned __int128)delta * apic_hz / 1000000000ULL;
	if (count < 1)
		count = 1;
	if (count > 0xffffffffULL)
		count = 0xffffffffULL;
	x86_apic_timer_oneshot((__u32)count);
}

int x86_timer_irq(struct x86_cpu *cpu)
{
	__nsec now = ukplat_monotonic_clock();
	int due = cpu->deadline && now >= cpu->deadline;

	if (due)
		cpu->deadline = 0;
	if (cpu->wake_at && now >= cpu->wake_at)
		cpu->wake_at = 0;
	x86_time_program(cpu);
	return due;
}

int ukplat_time_set_deadline(__nsec deadline_ns)
{
	struct x86_cpu *cpu;
	unsigned long flags;

	flags = ukplat_lcpu_save_irqf();
	cpu = x86_this_cpu();
	cpu->deadline = deadline_ns;
	x86_time_program(cpu);
	ukplat_lcpu_restore_irqf(flags);
	return 0;
}
