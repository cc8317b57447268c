/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-CPU GDT and TSS, the IDT, and the C side of every vector.
 *
 * Traps run on the stack they interrupted, below its red zone (nested
 * traps work: a fault in a trap handler stacks up like a call): they
 * enter on a fifth IST stack and their entry moves the frame there at
 * once (entry.S), since a loaded Linux binary's code keeps data in the
 * 128 bytes below its stack pointer. The page fault has a sixth, larger
 * IST stack and runs there: a fault of a stack on itself (demand paging,
 * a guard page, that move) could not push its frame; its IST entry moves
 * down while it runs, so page faults nest. Double fault, NMI and machine
 * check stay on their own IST stacks, since the current stack may be
 * the problem. Interrupts use a fourth IST stack: their handlers may
 * push a call onto the interrupted stack (preemption through
 * ukarch_regs_inject_call), and they never nest (interrupt gates). CPU
 * exceptions become the HAL's trap events
 * (ukarch_trap_handle), vectors X86_IRQ_BASE.. the platform's interrupts
 * (ukplat_irq_handle).
 */
#include <uk/arch/traps.h>
#include <uk/event.h>
#include <uk/plat/irq.h>
#include <uk/print.h>
#include "x86.h"

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x20

#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_IRQ		4
#define IST_EXC		5
#define IST_PF		(X86_IST_PF + 1)

struct idt_gate {
	__u16 off_lo;
	__u16 sel;
	__u8 ist;
	__u8 type;		/* 0x8e: present, ring 0, interrupt gate */
	__u16 off_mid;
	__u32 off_hi;
	__u32 zero;
} __packed;

struct desc_ptr {
	__u16 limit;
	__u64 base;
} __packed;

extern char x86_vector_stubs[];
static struct idt_gate idt[256] __align(16);
static int idt_ready;

struct x86_cpu x86_cpus[UKPLAT_LCPU_MAXCOUNT];
unsigned int x86_cpu_count = 1;

/* IST stacks of the boot CPU; the others get theirs from lcpu.c. */
static char boot_ist[X86_IST_COUNT - 1][X86_IST_SIZE] __align(16);
static char boot_ist_pf[X86_PF_IST_SIZE] __align(16);

static void idt_init(void)
{
	__u64 stub;
	unsigned int v;

	for (v = 0; v < 256; v++) {
		stub = (__u64)x86_vector_stubs + v * 16;
		idt[v].off_lo = (__u16)stub;
		idt[v].sel = SEL_CODE;
		idt[v].ist = v == 8 ? IST_DF : v == 2 ? IST_NMI :
			     v == 18 ? IST_MC : v == 14 ? IST_PF :
			     v >= X86_IRQ_BASE ? IST_IRQ : IST_EXC;
		idt[v].type = 0x8e;
		idt[v].off_mid = (__u16)(stub >> 16);
		idt[v].off_hi = (__u32)(stub >> 32);
	}
	idt_ready = 1;
}

static void gdt_init(struct x86_cpu *cpu)
{
	__u64 tss = (__u64)&cpu->tss;
	__u64 limit = sizeof(cpu->tss) - 1;
	unsigned int i;

	cpu->gdt[0] = 0;
	cpu->gdt[1] = 0x00af9b000000ffffULL;	/* 64-bit code */
	cpu->gdt[2] = 0x00cf93000000ffffULL;	/* data */
	cpu->gdt[3] = 0x00cf9b000000ffffULL;	/* 32-bit code (unused) */
	/* 64-bit available TSS: a 16-byte descriptor. */
	cpu->gdt[4] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
		      (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		      (((tss >> 24) & 0xff) << 56);
	cpu->gdt[5] = tss >> 32;
	cpu->gdt[6] = 0;
	cpu->tss.iomap_base = sizeof(cpu->tss);
	for (i = 0; i < X86_IST_COUNT; i++)
		cpu->tss.ist[i] = (__u64)cpu->ist[i];
}

void x86_cpu_init(struct x86_cpu *cpu)
{
	struct desc_ptr gdtp, idtp;
	unsigned int i;

	if (!idt_ready)
		idt_init();
	cpu->self = cpu;
	if (cpu == &x86_cpus[0]) {
		for (i = 0; i < X86_IST_COUNT - 1; i++)
			cpu->ist[i] = boot_ist[i] + X86_IST_SIZE;
		cpu->ist[X86_IST_PF] = boot_ist_pf + X86_PF_IST_SIZE;
	}
	gdt_init(cpu);
	gdtp.limit = sizeof(cpu->gdt) - 1;
	gdtp.base = (__u64)cpu->gdt;
	idtp.limit = sizeof(idt) - 1;
	idtp.base = (__u64)idt;
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"lidt %1\n\t"
		/* Reload CS through a far return, then the data selectors. */
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %3, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"ltr %w4\n\t"
		: : "m"(gdtp), "m"(idtp), "i"(SEL_CODE), "i"(SEL_DATA),
		    "r"(SEL_TSS) : "rax", "memory");
	/* %gs:0 -> this CPU (ukplat_lcpu_idx and friends). */
	wrmsr(MSR_GS_BASE, (__u64)cpu);
	x86_syscall_init(cpu);
}

static const struct {
	__u8 vector;
	__u8 trapnr;
} trap_map[] = {
	{ 0, UKARCH_TRAP_NR_DIVIDE },
	{ 1, UKARCH_TRAP_NR_DEBUG },
	{ 3, UKARCH_TRAP_NR_DEBUG },
	{ 4, UKARCH_TRAP_NR_SECURITY },		/* overflow (into) */
	{ 5, UKARCH_TRAP_NR_SECURITY },		/* bound range */
	{ 6, UKARCH_TRAP_NR_INVALID_OP },
	{ 7, UKARCH_TRAP_NR_MATH },		/* device not available */
	{ 12, UKARCH_TRAP_NR_BUS_ERROR },	/* stack segment */
	{ 13, UKARCH_TRAP_NR_SECURITY },
	{ 14, UKARCH_TRAP_NR_PAGE_FAULT },
	{ 16, UKARCH_TRAP_NR_MATH },
	{ 17, UKARCH_TRAP_NR_BUS_ERROR },	/* alignment check */
	{ 19, UKARCH_TRAP_NR_MATH },		/* SIMD */
	{ 8, UKARCH_TRAP_NR_DOUBLE_FAULT },
};

static void trap(unsigned long vector, struct __regs *regs)
{
	struct ukarch_trap_ctx ctx = {
		.regs = regs,
		.trapnr = UKARCH_TRAP_NR_COUNT,	/* fatal: no event */
		.vector = vector,
		.error_code = regs->orig_rax,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(trap_map); i++)
		if (trap_map[i].vector == vector)
			ctx.trapnr = (enum ukarch_trap)trap_map[i].trapnr;
	if (vector == 14 || vector == 8)
		ctx.fault_addr = read_cr2();
	if (vector == 2 || vector == 18)
		uk_printk_raw("\n*** %s\n", vector == 2 ? "NMI" :
			      "machine check");
	ukarch_trap_handle(&ctx);
}

void x86_isr(unsigned long vector, struct __regs *regs)
{
	struct x86_cpu *cpu;

	if (vector == 2 && x86_tlb_nmi())
		return;
	if (vector < X86_IRQ_BASE) {
		trap(vector, regs);
		return;
	}
	x86_halt_interrupted(regs);
	if (vector == X86_SPURIOUS_VEC)
		return;			/* no EOI for the spurious vector */
	x86_apic_eoi();
	if (vector >= X86_IRQ_BASE + UKPLAT_IRQ_COUNT)
		return;
	cpu = x86_this_cpu();
	if (vector == X86_IRQ_BASE + UKPLAT_IRQ_TIMER &&
	    !x86_timer_irq(cpu))
		return;			/* a halt's wake-up or stale */
	cpu->dispatches++;
	ukplat_irq_handle(vector - X86_IRQ_BASE, regs);
}
