/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks and the per-CPU one-shot timer.
 *
 * Monotonic clock: the TSC, calibrated at boot against the PIT (channel
 * 2; or, where there is none, as on microvm under TCG, the local APIC
 * timer at QEMU's 1 GHz) unless the hypervisor's CPUID leaf 0x40000010
 * states its frequency (then, as on amphi-kvm, which has no PIT, the
 * PIT is not touched). The local APIC timer's rate is stated by that
 * leaf or measured in the same window; it is the per-CPU one-shot
 * deadline (ukplat_time_set_deadline) and the wake-up of
 * ukplat_lcpu_halt_irq_until. Counts it cannot express (too far ahead)
 * fire early and are re-armed: the timer interrupt reaches the
 * core only once the deadline has passed. Wall clock: the CMOS RTC at
 * boot plus the monotonic clock since.
 */
#include <uk/plat/irq.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include "x86.h"

#define PIT_HZ		1193182ULL
#define CALIB_MS	10

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
	return __atomic_load_n(&wall_base, __ATOMIC_RELAXED) +
	       ukplat_monotonic_clock();
}

void ukplat_wall_clock_set(__nsec ns)
{
	__atomic_store_n(&wall_base, ns - ukplat_monotonic_clock(),
			 __ATOMIC_RELAXED);
}

/*
 * Calibration: the TSC's rate against a reference counter that QEMU
 * computes from its virtual clock whenever it is read (so it stays true
 * under TCG, where the TSC is the host's and runs at the host's rate).
 * Each end of the window is the reading whose bracket of TSC reads is
 * the tightest of a few (a vCPU thread preempted mid-read only widens
 * that one), and the window grows until the brackets are under 0.1 % of
 * it, so the result is within that of the reference.
 */
#define CALIB_SAMPLES	8
#define CALIB_MAX_MS	200

struct calib_ref {
	const char *name;
	__u64 hz;
	__u32 (*read)(void);	/* counts up, wraps at mask */
	__u32 mask;
};

struct calib_point {
	__u64 tsc;		/* middle of the bracket */
	__u64 width;		/* bracket width, TSC ticks */
	__u32 ref;
	__u32 apic;		/* APIC timer count, read in the bracket */
};

static void calib_sample(const struct calib_ref *r, struct calib_point *p)
{
	__u64 t0, t1;
	__u32 v, apic;
	int i;

	p->width = ~0ULL;
	for (i = 0; i < CALIB_SAMPLES; i++) {
		t0 = rdtsc();
		v = r->read();
		apic = x86_apic_timer_count();
		t1 = rdtsc();
		if (t1 - t0 < p->width) {
			p->width = t1 - t0;
			p->tsc = t0 + (t1 - t0) / 2;
			p->ref = v;
			p->apic = apic;
		}
	}
}

/* TSC ticks per second measured against r, or 0 if r does not count;
 * *apic_hz_out: the APIC timer's rate, from the same window. */
static __u64 calibrate(const struct calib_ref *r, __u64 *apic_hz_out)
{
	struct calib_point a, b;
	__u64 ticks, ref, ns;
	unsigned int ms;

	calib_sample(r, &a);
	for (ms = CALIB_MS; ms <= CALIB_MAX_MS; ms += CALIB_MS) {
		/* Wait ms of the reference (at most a quarter of its
		 * wrap-around), then read the far end. */
		do
			calib_sample(r, &b);
		while (((b.ref - a.ref) & r->mask) < r->hz * ms / 1000 &&
		       ((b.ref - a.ref) & r->mask) <= r->mask / 4 * 3);
		ref = (b.ref - a.ref) & r->mask;
		ticks = b.tsc - a.tsc;
		if (!ref || !ticks)
			return 0;
		if ((a.width + b.width) * 1000 <= ticks ||
		    ref > r->mask / 2)
			break;
	}
	ns = ref * 1000000000ULL / r->hz;
	if (!ns)
		return 0;
	*apic_hz_out = (__u64)((a.apic - b.apic) * 1000000000ULL / ns);
	return (__u64)((unsigned __int128)ticks * 1000000000ULL / ns);
}

/* PIT channel 2 (1.193182 MHz), free running from 0xffff down: read
 * through the counter latch. Absent on microvm under TCG (ports float:
 * the count never changes). */
static __u32 pit_read(void)
{
	__u32 lo, hi;

	outb(0x43, 0x80);		/* latch channel 2 */
	lo = inb(0x42);
	hi = inb(0x42);
	return 0xffff - (lo | hi << 8);
}

static void pit_start(void)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb4);		/* channel 2, lo/hi, mode 2 */
	outb(0x42, 0xff);
	outb(0x42, 0xff);
}

/* The local APIC timer (divide by 1) counting down from 2^32 - 1: QEMU
 * and KVM run it at 1 GHz, their APIC bus rate. */
static __u32 apic_read_up(void)
{
	return ~x86_apic_timer_count();
}

static const struct calib_ref pit_ref = {
	"PIT", PIT_HZ, pit_read, 0xffff,
};

static const struct calib_ref apic_ref = {
	"APIC timer", 1000000000ULL, apic_read_up, 0xffffffff,
};

/* Nonzero if the PIT counts (two latched reads 50 us apart differ). */
static int pit_present(void)
{
	__u32 c0 = pit_read();
	__u64 t0 = rdtsc();

	/* 50 us at up to 10 GHz of TSC, or until it moved. */
	while (rdtsc() - t0 < 500000)
		if (pit_read() != c0)
			return 1;
	return 0;
}

static __u64 hypervisor_leaf(int ebx)
{
	__u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1U << 31)))
		return 0;		/* no hypervisor */
	cpuid(0x40000000, 0, &a, &b, &c, &d);
	if (a < 0x40000010 || a > 0x400000ff)
		return 0;
	cpuid(0x40000010, 0, &a, &b, &c, &d);
	return ebx ? b : a;
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
	__u64 khz = hypervisor_leaf(0), bus_khz = hypervisor_leaf(1);
	const char *src = "hypervisor";
	__u64 measured_apic_hz = 0;

	x86_apic_timer_oneshot(0xffffffff);
	if (khz) {
		tsc_hz = khz * 1000;
	} else {
		pit_start();
		if (pit_present()) {
			tsc_hz = calibrate(&pit_ref, &measured_apic_hz);
			src = pit_ref.name;
		} else {
			tsc_hz = calibrate(&apic_ref, &measured_apic_hz);
			src = apic_ref.name;
		}
		if (!tsc_hz) {
			tsc_hz = 1000000000ULL;	/* nothing counts: a guess */
			src = "guessed";
		}
	}
	/* The APIC timer's rate: stated, else measured in the window. */
	if (bus_khz)
		apic_hz = bus_khz * 1000;
	else if (measured_apic_hz)
		apic_hz = measured_apic_hz;
	else
		apic_hz = 1000000000ULL;	/* QEMU's APIC bus */
	x86_apic_timer_oneshot(0);
	ns_mult = (__u64)((1000000000ULL << 32) / tsc_hz);
	tsc_base = rdtsc();
	wall_base = rtc_read();
	uk_pr_info("time: TSC %lu kHz (%s), APIC timer %lu kHz\n",
		   (unsigned long)(tsc_hz / 1000), src,
		   (unsigned long)(apic_hz / 1000));
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
