/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of the bare-metal x86_64 backend (guest code). */
#ifndef __HAL_QEMU_X86_H__
#define __HAL_QEMU_X86_H__

#include <uk/arch/types.h>
#include <uk/arch/preempt.h>
#include <uk/arch/regs.h>
#include <uk/essentials.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/syscall.h>

/* Direct map of physical memory (bootinfo dm_off): PML4 slot 256. */
#define X86_DM_OFF		0xffff800000000000UL
/* Window for address spaces (core/vmem), as Linux's user half: from
 * the first 2 MiB boundary above the image (classic static executables
 * link at 0x400000 and up) to X86_VAS_END. core/vmem places its own
 * mappings from 4 GiB on, leaving the first 4 GiB to fixed requests;
 * the device memory there (identity-mapped, ukplat_page_map_mmio) is a
 * hole of the window (setup.c). */
#define X86_VAS_ALIGN		(2UL << 20)
#define X86_VAS_END		(68UL << 30)
#define X86_LOW_END		(4UL << 30)	/* early tables' identity map */
/* Physical page the application processors start in (SIPI vector 8). */
#define X86_TRAMPOLINE_PA	0x8000UL
/* Interrupt vectors: UKPLAT_IRQ_n is vector X86_IRQ_BASE + n. */
#define X86_IRQ_BASE		0x20
#define X86_SPURIOUS_VEC	0xff
/* Stack sizes: boot and per-CPU exception stacks (IST). */
#define X86_BOOT_STACK_SIZE	(64UL * 1024)
#define X86_IST_SIZE		(16UL * 1024)
/* Double fault, NMI, machine check, and interrupts: a handler may push
 * onto the interrupted stack (ukarch_regs_inject_call), which must not
 * hold the interrupt's own frame; the other exceptions' first steps
 * (entry.S moves their frame below the red zone). The sixth, larger, is
 * the page fault's: a fault of a stack on itself (demand paging, a guard
 * page, or that move) could not push its frame there. Each page fault
 * moves its IST entry down by X86_PF_IST_SHIFT while it runs, so faults
 * nest (entry.S). */
#define X86_IST_COUNT		6
#define X86_IST_PF		5		/* index in ist[] */
#define X86_PF_IST_SIZE		(64UL * 1024)
#include "x86_asm.h"		/* X86_PF_IST_SHIFT, X86_CPU_PF_IST_OFF */

struct x86_tss {
	__u32 reserved0;
	__u64 rsp[3];
	__u64 reserved1;
	__u64 ist[7];
	__u64 reserved2;
	__u16 reserved3;
	__u16 iomap_base;
} __packed;

/* Per-CPU state, reached through the GS base (self pointer first). */
struct x86_cpu {
	struct x86_cpu *self;
	unsigned int preempt_count;	/* UKARCH_PREEMPT_OFF */
	/* The running thread's, and the binary's stack pointer while the
	 * "syscall" entry switches away from it (syscall_entry.S). */
	struct ukplat_syscall_stack *syscall_stack;
	__uptr syscall_user_sp;
	__u32 idx;
	__u32 apic_id;
	int started;			/* 1 once it serves interrupts */
	unsigned long dispatches;	/* interrupts handled, for halt */
	__nsec deadline;		/* ukplat_time_set_deadline */
	__nsec wake_at;			/* halt_irq_until's limit */
	__uptr tlsp;
	ukplat_lcpu_entry_t entry;	/* start: what to run, on which stack */
	void *sp;
	void *arg;
	__u64 gdt[7];
	struct x86_tss tss;
	void *ist[X86_IST_COUNT];	/* tops of the IST stacks */
	/* Before the scheduler's first switch: no stack (syscall.c). */
	struct ukplat_syscall_stack no_syscall_stack;
} __align(64);

UK_BUILD_BUG_ON(__builtin_offsetof(struct x86_cpu, preempt_count) !=
		UKARCH_PREEMPT_OFF);
UK_BUILD_BUG_ON(__builtin_offsetof(struct x86_cpu, tss.ist[X86_IST_PF]) !=
		X86_CPU_PF_IST_OFF);

extern struct x86_cpu x86_cpus[UKPLAT_LCPU_MAXCOUNT];
extern unsigned int x86_cpu_count;

static inline struct x86_cpu *x86_this_cpu(void)
{
	struct x86_cpu *c;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Port I/O, MSRs, CPUID, control registers. */
static inline void outb(__u16 port, __u8 v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline __u8 inb(__u16 port)
{
	__u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(__u16 port, __u16 v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(__u16 port, __u32 v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline __u64 rdmsr(__u32 msr)
{
	__u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((__u64)hi << 32) | lo;
}

static inline void wrmsr(__u32 msr, __u64 v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((__u32)v),
			     "d"((__u32)(v >> 32)) : "memory");
}

static inline void cpuid(__u32 leaf, __u32 sub, __u32 *a, __u32 *b,
			 __u32 *c, __u32 *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

static inline __u64 rdtsc(void)
{
	__u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((__u64)hi << 32) | lo;
}

static inline unsigned long read_cr2(void)
{
	unsigned long v;

	__asm__ __volatile__("movq %%cr2, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(unsigned long v)
{
	__asm__ __volatile__("movq %0, %%cr3" : : "r"(v) : "memory");
}

#define MSR_APIC_BASE		0x1b
#define MSR_EFER		0xc0000080
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_FMASK		0xc0000084
#define EFER_SCE		(1UL << 0)

/* console.c: the 16550 UART on COM1. */
void x86_console_init(void);

/* cpu.c: GDT, TSS and IDT of cpu (the calling CPU); sets the GS base. */
void x86_cpu_init(struct x86_cpu *cpu);
/* syscall.c: this CPU's "syscall" instruction enters x86_syscall_entry
 * (syscall_entry.S). */
void x86_syscall_init(struct x86_cpu *cpu);
/* The C side of every vector (entry.S). */
void x86_isr(unsigned long vector, struct __regs *regs);

/* apic.c: the local APIC (x2APIC when the CPU has it, else xAPIC). */
void x86_apic_init(void);		/* this CPU's */
void x86_apic_eoi(void);
void x86_apic_send(__u32 apic_id, __u32 icr_low);
void x86_apic_timer_oneshot(__u32 count);	/* 0 stops it */
__u32 x86_apic_timer_count(void);
__u32 x86_apic_id(void);
int x86_apic_map(void);		/* maps the xAPIC page in the kernel table */
extern int x86_apic_x2;

/* time.c: TSC clock and the per-CPU deadline timer. */
void x86_time_init(void);		/* boot CPU, before interrupts */
void x86_time_program(struct x86_cpu *cpu);	/* re-arm the LAPIC timer */
int x86_timer_irq(struct x86_cpu *cpu);	/* 1: the deadline passed */
__nsec x86_tsc_to_ns(__u64 tsc);

/* acpi.c: processors from the MADT; fills x86_cpus[].apic_id. */
void x86_acpi_init(__paddr_t rsdp);
/* I/O APICs of the MADT (acpi.c) and routing through them (ioapic.c). */
#define X86_IOAPIC_MAX		4
struct x86_ioapic {
	__u32 paddr;
	__u32 gsi_base;
};
extern struct x86_ioapic x86_ioapics[X86_IOAPIC_MAX];
extern unsigned int x86_ioapic_count;
/* Routes global system interrupt gsi to UKPLAT_IRQ irq on the boot CPU,
 * level-triggered active high (level) or edge. Returns 0, -ENODEV (no
 * I/O APIC has that GSI) or -ENOMEM (mapping). */
int x86_ioapic_route(__u32 gsi, unsigned long irq, int level);

/* lcpu.c */
void x86_lcpu_init_boot(void);
/* sti;hlt;cli, interrupts off before and after (out of line, asm). */
void x86_safe_halt(void);
extern char x86_safe_halt_hlt[], x86_safe_halt_done[];
/* From x86_isr: an interrupt taken before x86_safe_halt's hlt (a
 * hypervisor ignoring sti's shadow) resumes after it, not in it. */
void x86_halt_interrupted(struct __regs *regs);
void __noreturn x86_ap_main(void);

/* tlb.c: in the NMI handler; returns 1 if the NMI was a flush request. */
int x86_tlb_nmi(void);

/* trace.c: resolving addresses is left to the host (tools/amphi.py). */
void x86_halt_forever(void) __noreturn;

#endif /* __HAL_QEMU_X86_H__ */
