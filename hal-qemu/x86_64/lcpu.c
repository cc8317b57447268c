/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logical CPUs: interrupt masking with cli/sti, halting with sti;hlt,
 * IPIs through the local APIC, and the start of the application
 * processors found in the MADT (INIT, SIPI into the 16-bit trampoline of
 * boot.S, long mode on the early tables, then the kernel's table here).
 * ukplat_lcpu_run/wait are the generic ones of hal/common/lcpu.c.
 */
#include <errno.h>
#include <string.h>
#include <uk/falloc.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu_start.h>
#include <uk/plat/paging.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include <uk/spinlock.h>
#include "x86.h"

#define RFLAGS_IF	0x200UL
/* Stack an AP runs its setup (and, if idle, its halt loop) on. */
#define AP_STACK_PAGES	4

#define ICR_INIT	0x00004500	/* INIT, level assert */
#define ICR_SIPI	0x00004600	/* start-up */
#define ICR_FIXED	0x00004000	/* fixed, level assert */

extern char x86_tramp_start[], x86_tramp_end[];
extern __u64 x86_ap_boot_sp;
extern char boot_pml4[];

static inline unsigned long rflags(void)
{
	unsigned long f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

void ukplat_lcpu_disable_irq(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

void ukplat_lcpu_enable_irq(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

unsigned long ukplat_lcpu_save_irqf(void)
{
	unsigned long f = rflags();

	__asm__ __volatile__("cli" : : : "memory");
	return f & RFLAGS_IF;
}

void ukplat_lcpu_restore_irqf(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		__asm__ __volatile__("sti" : : : "memory");
	else
		__asm__ __volatile__("cli" : : : "memory");
}

int ukplat_lcpu_inject_restores_irqs(void)
{
	return 1;
}

int ukplat_lcpu_irqs_disabled(void)
{
	return !(rflags() & RFLAGS_IF);
}

/* A spinning vCPU's pause loop already lets KVM run the others (pause-
 * loop exiting); nothing more to do here. */
void ukplat_lcpu_spin_yield(void)
{
	__asm__ __volatile__("pause");
}

/*
 * sti;hlt;cli. The interrupt shadow of sti makes sti;hlt atomic: an
 * interrupt pending at the sti wakes the hlt instead of being taken
 * before it. A nested hypervisor does not always keep that promise (on
 * amphi-kvm in the nested test host, QEMU TCG's emulated AMD-V under
 * Linux's kvm-amd, interrupts were seen taken with the hlt as their
 * return address): the handler then consumes the wake-up, returns to
 * the hlt and the CPU halts for good. x86_isr therefore resumes an
 * interrupt taken at x86_safe_halt_hlt past the hlt
 * (x86_halt_interrupted), so the caller always sees the interrupt.
 * Out of line, so that there is one hlt to recognise.
 */
__asm__(".text\n"
	".globl x86_safe_halt\n"
	".type x86_safe_halt, @function\n"
	"x86_safe_halt:\n\t"
	"sti\n"
	".globl x86_safe_halt_hlt\n"
	"x86_safe_halt_hlt:\n\t"
	"hlt\n"
	".globl x86_safe_halt_done\n"
	"x86_safe_halt_done:\n\t"
	"cli\n\t"
	"ret\n"
	".size x86_safe_halt, . - x86_safe_halt\n");

void x86_halt_interrupted(struct __regs *regs)
{
	if (regs->rip == (__uptr)x86_safe_halt_hlt)
		regs->rip = (__uptr)x86_safe_halt_done;
}

void ukplat_lcpu_halt_irq(void)
{
	struct x86_cpu *cpu = x86_this_cpu();
	unsigned long seen = READ_ONCE(cpu->dispatches);

	ukplat_lcpu_disable_irq();
	while (READ_ONCE(cpu->dispatches) == seen)
		x86_safe_halt();
	ukplat_lcpu_enable_irq();
}

void ukplat_lcpu_halt_irq_until(__nsec until_ns)
{
	struct x86_cpu *cpu = x86_this_cpu();
	unsigned long seen = READ_ONCE(cpu->dispatches);

	while (READ_ONCE(cpu->dispatches) == seen) {
		if (until_ns && ukplat_monotonic_clock() >= until_ns)
			break;
		cpu->wake_at = until_ns;
		x86_time_program(cpu);
		x86_safe_halt();
	}
	if (cpu->wake_at) {
		cpu->wake_at = 0;
		x86_time_program(cpu);
	}
}

__lcpuid ukplat_lcpu_id(void)
{
	return x86_this_cpu()->apic_id;
}

__lcpuidx ukplat_lcpu_idx(void)
{
	__u32 idx;

	__asm__ __volatile__("movl %%gs:%c1, %0" : "=r"(idx)
			     : "i"(__builtin_offsetof(struct x86_cpu, idx)));
	return idx;
}

unsigned int ukplat_lcpu_count(void)
{
	return x86_cpu_count;
}

int ukplat_lcpu_started(__lcpuidx idx)
{
	if (idx >= x86_cpu_count)
		return 0;
	return __atomic_load_n(&x86_cpus[idx].started, __ATOMIC_ACQUIRE);
}

int ukplat_lcpu_send_ipi(const __lcpuidx lcpuidx[], unsigned int count,
			 unsigned int irq)
{
	__lcpuidx self = ukplat_lcpu_idx();
	unsigned int i;

	if (irq >= UKPLAT_IRQ_COUNT)
		return -EINVAL;
	if (!lcpuidx) {
		for (i = 0; i < x86_cpu_count; i++)
			if (i != self && ukplat_lcpu_started(i))
				x86_apic_send(x86_cpus[i].apic_id,
					      ICR_FIXED | (X86_IRQ_BASE + irq));
		return 0;
	}
	for (i = 0; i < count; i++) {
		if (lcpuidx[i] >= x86_cpu_count)
			return -EINVAL;
		if (!ukplat_lcpu_started(lcpuidx[i]))
			return -ENODEV;
	}
	for (i = 0; i < count; i++)
		x86_apic_send(x86_cpus[lcpuidx[i]].apic_id,
			      ICR_FIXED | (X86_IRQ_BASE + irq));
	return 0;
}

void x86_lcpu_init_boot(void)
{
	struct x86_cpu *cpu = &x86_cpus[0];

	cpu->self = cpu;
	cpu->idx = 0;
	cpu->started = 1;
	wrmsr(MSR_GS_BASE, (__u64)cpu);
}

void x86_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

/* ---------------------------------------------------------------------
 * Starting the application processors
 */

static struct x86_cpu *starting;

static void __noreturn enter(void *sp, ukplat_lcpu_entry_t fn, void *arg)
{
	__asm__ __volatile__("movq %0, %%rsp\n\t"
			     "andq $-16, %%rsp\n\t"
			     "xorl %%ebp, %%ebp\n\t"
			     "callq *%1\n\t"
			     "ud2"
			     : : "r"(sp), "r"(fn), "D"(arg) : "memory");
	__builtin_unreachable();
}

void __noreturn x86_ap_main(void)
{
	struct x86_cpu *cpu = starting;

	write_cr3(ukplat_pt_get_active()->pt_pbase);
	x86_cpu_init(cpu);
	x86_apic_init();
	__atomic_store_n(&cpu->started, 1, __ATOMIC_RELEASE);
	if (cpu->entry)
		enter(cpu->sp, cpu->entry, cpu->arg);
	for (;;)
		ukplat_lcpu_halt_irq();
}

/* Busy-waits about us microseconds. */
static void udelay(unsigned long us)
{
	__nsec end = ukplat_monotonic_clock() + us * 1000;

	while (ukplat_monotonic_clock() < end)
		__asm__ __volatile__("pause");
}

/* Real CPUs want 10 ms between INIT and SIPI; a hypervisor's local APIC
 * (KVM's, QEMU's) handles the two in order at once, so there the wait
 * is left out, as Linux does: it cost 10 ms per CPU at every boot. */
static unsigned long init_delay_us(void)
{
	__u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return (c & (1U << 31)) ? 0 : 10000;
}

static int alloc_stack(unsigned long pages, void **top)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__paddr_t pa = __PADDR_ANY;
	int rc;

	rc = uk_falloc(fa, &pa, pages, 0);
	if (rc < 0)
		return -ENOMEM;
	*top = (void *)(pa + X86_DM_OFF + pages * PAGE_SIZE);
	return 0;
}

static int cpu_start(struct x86_cpu *cpu)
{
	unsigned int i;
	void *boot_sp;
	int rc;

	for (i = 0; i < X86_IST_COUNT; i++) {
		rc = alloc_stack((i == X86_IST_PF ? X86_PF_IST_SIZE :
				  X86_IST_SIZE) / PAGE_SIZE, &cpu->ist[i]);
		if (rc)
			return rc;
	}
	rc = alloc_stack(AP_STACK_PAGES, &boot_sp);
	if (rc)
		return rc;
	memcpy((void *)(X86_TRAMPOLINE_PA + X86_DM_OFF), x86_tramp_start,
	       (__sz)(x86_tramp_end - x86_tramp_start));
	starting = cpu;
	x86_ap_boot_sp = (__u64)boot_sp;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	x86_apic_send(cpu->apic_id, ICR_INIT);
	udelay(init_delay_us());
	for (i = 0; i < 2 && !ukplat_lcpu_started(cpu->idx); i++) {
		x86_apic_send(cpu->apic_id,
			      ICR_SIPI | (X86_TRAMPOLINE_PA >> 12));
		udelay(200);
	}
	/* Up to a second: emulated CPUs can be slow to come up. */
	for (i = 0; i < 100000 && !ukplat_lcpu_started(cpu->idx); i++)
		udelay(10);
	if (!ukplat_lcpu_started(cpu->idx)) {
		uk_pr_err("CPU %u (APIC %u) did not start\n", cpu->idx,
			  cpu->apic_id);
		return -ENOMEM;
	}
	return 0;
}

int ukplat_lcpu_start(const __lcpuidx lcpuidx[], unsigned int count,
		      void *sp[], ukplat_lcpu_entry_t entry[], void *arg)
{
	static UK_SPINLOCK_DEFINE(start_lock);
	__lcpuidx todo[UKPLAT_LCPU_MAXCOUNT];
	struct x86_cpu *c;
	int n, i, rc = 0;

	uk_spin_lock(&start_lock);
	n = ukplat_lcpu_start_list(lcpuidx, count, sp, entry, todo,
				   x86_cpu_count, ukplat_lcpu_started);
	for (i = 0; i < n && !rc; i++) {
		c = &x86_cpus[todo[i]];
		c->entry = entry ? entry[i] : NULL;
		c->sp = c->entry ? sp[i] : NULL;
		c->arg = arg;
		rc = cpu_start(c);
	}
	uk_spin_unlock(&start_lock);
	return n < 0 ? n : rc;
}
