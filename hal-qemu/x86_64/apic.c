/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local APIC: x2APIC (MSRs) when the CPU has it, as under KVM; xAPIC
 * (memory-mapped at 0xfee00000) otherwise, as QEMU 7.2's TCG offers no
 * x2APIC. The legacy PICs are masked: every interrupt comes through here.
 */
#include <uk/errptr.h>
#include <uk/plat/paging.h>
#include "x86.h"

#define XAPIC_PA		0xfee00000UL
#define APIC_BASE_EN		(1UL << 11)
#define APIC_BASE_EXTD		(1UL << 10)

#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DIV		0x3e0

#define LVT_MASKED		(1U << 16)
#define ICR_PENDING		(1U << 12)

int x86_apic_x2;

static inline volatile __u32 *xapic_reg(__u32 reg)
{
	/* Identity-mapped: in the early tables and, after x86_apic_map,
	 * in the kernel's. */
	return (volatile __u32 *)(XAPIC_PA + reg);
}

static __u32 apic_read(__u32 reg)
{
	if (x86_apic_x2)
		return (__u32)rdmsr(0x800 + (reg >> 4));
	return *xapic_reg(reg);
}

static void apic_write(__u32 reg, __u32 v)
{
	if (x86_apic_x2)
		wrmsr(0x800 + (reg >> 4), v);
	else
		*xapic_reg(reg) = v;
}

static void pic_mask(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void x86_apic_init(void)
{
	__u32 a, b, c, d;
	__u64 base;

	if (x86_this_cpu()->idx == 0) {
		cpuid(1, 0, &a, &b, &c, &d);
		x86_apic_x2 = !!(c & (1U << 21));
		pic_mask();
	}
	base = rdmsr(MSR_APIC_BASE) | APIC_BASE_EN;
	if (x86_apic_x2)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_APIC_BASE, base);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_MASKED);
	apic_write(APIC_LVT_ERROR, LVT_MASKED);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_TIMER_DIV, 0xb);	/* divide by 1 */
	apic_write(APIC_SVR, 0x100 | X86_SPURIOUS_VEC);
	apic_write(APIC_LVT_TIMER, X86_IRQ_BASE + 0 /* UKPLAT_IRQ_TIMER */);
	apic_write(APIC_TIMER_INIT, 0);
}

__u32 x86_apic_id(void)
{
	__u32 id = apic_read(APIC_ID);

	return x86_apic_x2 ? id : id >> 24;
}

void x86_apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void x86_apic_send(__u32 apic_id, __u32 icr_low)
{
	if (x86_apic_x2) {
		wrmsr(0x830, ((__u64)apic_id << 32) | icr_low);
		return;
	}
	while (*xapic_reg(APIC_ICR) & ICR_PENDING)
		__asm__ __volatile__("pause");
	*xapic_reg(APIC_ICR_HIGH) = apic_id << 24;
	*xapic_reg(APIC_ICR) = icr_low;
}

void x86_apic_timer_oneshot(__u32 count)
{
	apic_write(APIC_TIMER_INIT, count);
}

__u32 x86_apic_timer_count(void)
{
	return apic_read(APIC_TIMER_CUR);
}

int x86_apic_map(void)
{
	void *p;

	if (x86_apic_x2)
		return 0;
	p = ukplat_page_map_mmio(ukplat_pt_get_active(), XAPIC_PA, PAGE_SIZE);
	return PTRISERR(p) ? PTR2ERR(p) : 0;
}
