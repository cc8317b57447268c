/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot: the Linux arm64 Image header (QEMU's -kernel loads the image at
 * RAM + 2 MiB and enters it with x0 = the device tree, MMU off), the drop
 * from EL2 to EL1 when entered at EL2, the early page tables (the first
 * 16 GiB of physical memory identity-mapped and again at the direct map:
 * the first GiB, where -M virt has its devices, as device memory, the
 * rest as normal memory, 1 GiB blocks), MMU on, the stacks (threads on
 * SP_EL0, exceptions on the CPU's SP_EL1), the vectors, FP/SIMD, pointer
 * authentication and BTI when the CPU has them, then arm64_boot_main() in
 * C. Secondary CPUs enter at arm64_ap_start (PSCI CPU_ON) and share the
 * same steps on the kernel's own table.
 */
#define CPU_EXC_STACK		8	/* offsets in struct arm64_cpu */
#define CPU_BOOT_SP		16
#define CPU_PAC_KEY		24

#define BOOT_STACK_SIZE		(64 * 1024)
#define EXC_STACK_SIZE		(32 * 1024)

/* TCR_EL1: 48-bit VA both halves (T0SZ = T1SZ = 16), 4 KiB granules,
 * write-back inner-shareable walks; IPS from the CPU at run time. With
 * MTE, top-byte-ignore (tags live in bits 59:56) and TCMA (tag 0 in the
 * low half, 0xf in the high half: unchecked). */
#define TCR_BASE		0x00000000b5103510
#define TCR_MTE			((1 << 37) | (1 << 38) | (1 << 57) | (1 << 58))
/* SCTLR_EL1: RES1 bits, MMU, data and instruction caches. */
#define SCTLR_RESET		0x30d00800
#define SCTLR_MMU_ON		(SCTLR_RESET | (1 << 0) | (1 << 2) | (1 << 12))
#define SCTLR_ENIA		(1 << 31)
#define SCTLR_BT1		(1 << 36)
/* HCR_EL2: EL1 is AArch64; no traps of PAuth keys and instructions. */
#define HCR_EL2_VAL		((1 << 31) | (1 << 40) | (1 << 41))
#define HCR_EL2_ATA		(1 << 56)
/* Early 1 GiB blocks: device (first GiB) and normal memory. */
#define EARLY_DEVICE		0x0060000000000405	/* PXN UXN AF dev */
#define EARLY_NORMAL		0x0000000000000701	/* AF SH normal */
/* MAIR_EL1, as ARM64_MAIR_VALUE in uk/arch/paging.h. */
#define MAIR_VALUE		0x0000000044f004ff
#define EARLY_GIBS		16

	.section .text.boot, "ax", %progbits
	.globl amphi_arm64_start
	.type amphi_arm64_start, %function
amphi_arm64_start:
	/* The Image header (Linux's Documentation/arch/arm64/booting). */
	b boot_entry			/* code0 */
	.long 0				/* code1 */
	.quad 0x200000			/* text_offset: RAM + 2 MiB */
	.quad image_size		/* image_size, bss included */
	.quad 0x2			/* flags: little endian, 4 KiB pages */
	.quad 0, 0, 0
	.ascii "ARM\x64"		/* magic */
	.long 0

boot_entry:
	mov x19, x0			/* the device tree, for C */
	bl el2_to_el1
	/* bss (with the early tables) may not be zero: clear it. */
	adrp x0, image_bss_start
	add x0, x0, :lo12:image_bss_start
	adrp x1, image_bss_end
	add x1, x1, :lo12:image_bss_end
1:	cmp x0, x1
	b.hs 2f
	str xzr, [x0], #8
	b 1b
2:	/* Root slots 0 and 256 -> one level-1 table of 1 GiB blocks. */
	adrp x0, boot_l0
	adrp x1, boot_l1
	orr x2, x1, #3
	str x2, [x0]
	str x2, [x0, #(256 * 8)]
	ldr x2, =EARLY_DEVICE
	str x2, [x1]
	ldr x2, =EARLY_NORMAL
	mov x3, #1
3:	orr x4, x2, x3, lsl #30
	str x4, [x1, x3, lsl #3]
	add x3, x3, #1
	cmp x3, #EARLY_GIBS
	b.lo 3b
	adrp x0, boot_l0
	bl mmu_on

	adrp x20, arm64_cpus
	add x20, x20, :lo12:arm64_cpus
	str x20, [x20]
	msr tpidr_el1, x20
	adrp x1, boot_exc_stack
	add x1, x1, :lo12:boot_exc_stack
	add x1, x1, #EXC_STACK_SIZE
	str x1, [x20, #CPU_EXC_STACK]
	mov sp, x1			/* SP_EL1: exceptions */
	adrp x1, boot_stack_top
	add x1, x1, :lo12:boot_stack_top
	str x1, [x20, #CPU_BOOT_SP]
	msr sp_el0, x1
	msr spsel, #0			/* from here on: SP_EL0 */
	mov x0, x20
	bl cpu_features
	mov x29, xzr
	mov x0, x19
	bl arm64_boot_main
	b arm64_halt_forever
	.size amphi_arm64_start, . - amphi_arm64_start

/* PSCI CPU_ON enters here, MMU off, with x0 = its struct arm64_cpu. */
	.globl arm64_ap_start
	.type arm64_ap_start, %function
arm64_ap_start:
	mov x19, x0
	bl el2_to_el1
	adrp x0, arm64_ap_ttbr
	ldr x0, [x0, :lo12:arm64_ap_ttbr]
	bl mmu_on
	msr tpidr_el1, x19
	ldr x1, [x19, #CPU_EXC_STACK]
	mov sp, x1
	ldr x1, [x19, #CPU_BOOT_SP]
	msr sp_el0, x1
	msr spsel, #0
	mov x0, x19
	bl cpu_features
	mov x29, xzr
	mov x0, x19
	bl arm64_ap_main
	b arm64_halt_forever
	.size arm64_ap_start, . - arm64_ap_start

/* At EL2: make EL1 an AArch64 kernel's (timers, GICv3 system registers,
 * FP and PAuth untrapped, its own MPIDR) and return there. x9-x10. */
el2_to_el1:
	mrs x9, CurrentEL
	cmp x9, #(2 << 2)
	b.ne 1f
	ldr x9, =HCR_EL2_VAL
	mrs x10, S3_0_C0_C4_1		/* ID_AA64PFR1_EL1: MTE */
	ubfx x10, x10, #8, #4
	cmp x10, #2
	b.lo 2f
	orr x9, x9, #HCR_EL2_ATA
2:	msr hcr_el2, x9
	mov x9, #3			/* EL1 counter and timer access */
	msr cnthctl_el2, x9
	msr cntvoff_el2, xzr
	mrs x9, midr_el1
	msr vpidr_el2, x9
	mrs x9, mpidr_el1
	msr vmpidr_el2, x9
	mrs x9, id_aa64pfr0_el1		/* GICv3 system registers? */
	ubfx x9, x9, #24, #4
	cbz x9, 3f
	mov x9, #0xf
	msr S3_4_C12_C9_5, x9		/* ICC_SRE_EL2: SRE, Enable */
	isb
3:	mov x9, #0x33ff
	msr cptr_el2, x9
	msr hstr_el2, xzr
	ldr x9, =SCTLR_RESET
	msr sctlr_el1, x9
	mov x9, #0x3c5			/* EL1h, DAIF masked */
	msr spsr_el2, x9
	adr x9, 1f
	msr elr_el2, x9
	eret
1:	ret

/* x0: the root table. MAIR, TCR, both TTBRs, SCTLR. x0-x5. */
mmu_on:
	ldr x1, =MAIR_VALUE
	msr mair_el1, x1
	ldr x1, =TCR_BASE
	mrs x2, id_aa64mmfr0_el1
	and x2, x2, #7
	orr x1, x1, x2, lsl #32
	mrs x3, S3_0_C0_C4_1		/* ID_AA64PFR1_EL1.MTE >= 2 */
	ubfx x3, x3, #8, #4
	cmp x3, #2
	b.lo 1f
	ldr x4, =TCR_MTE
	orr x1, x1, x4
1:	msr tcr_el1, x1
	msr ttbr0_el1, x0
	msr ttbr1_el1, x0
	isb
	tlbi vmalle1
	dsb nsh
	isb
	ldr x1, =SCTLR_MMU_ON
	msr sctlr_el1, x1
	isb
	ret

/* x0: this CPU's struct arm64_cpu. Vectors, FP/SIMD, then PAuth with the
 * key in the struct (or one made from RNDR or the counter if it is 0),
 * then BTI. Nothing signed may be on the stack yet. x0-x6. */
cpu_features:
	adrp x1, arm64_vectors
	add x1, x1, :lo12:arm64_vectors
	msr vbar_el1, x1
	mov x1, #(3 << 20)		/* CPACR_EL1.FPEN: no FP traps */
	msr cpacr_el1, x1
	isb
	mrs x1, S3_0_C0_C6_1		/* ID_AA64ISAR1_EL1: APA, API */
	tst x1, #0xff0
	b.ne 1f
	mrs x1, S3_0_C0_C6_2		/* ID_AA64ISAR2_EL1: APA3 */
	tst x1, #0xf000
	b.eq 4f
1:	ldp x2, x3, [x0, #CPU_PAC_KEY]
	orr x4, x2, x3
	cbnz x4, 3f
	mrs x2, cntvct_el0
	mrs x5, mpidr_el1
	eor x2, x2, x5, lsl #32
	ldr x3, =0x9e3779b97f4a7c15
	mul x3, x2, x3
	eor x3, x3, x3, lsr #29
	mrs x4, id_aa64isar0_el1	/* RNDR? */
	lsr x4, x4, #60
	cbz x4, 2f
	mrs x5, S3_3_C2_C4_0		/* RNDR (0 on failure) */
	eor x2, x2, x5
	mrs x5, S3_3_C2_C4_0
	eor x3, x3, x5
2:	stp x2, x3, [x0, #CPU_PAC_KEY]
3:	msr S3_0_C2_C1_0, x2		/* APIAKeyLo_EL1 */
	msr S3_0_C2_C1_1, x3		/* APIAKeyHi_EL1 */
	mrs x1, sctlr_el1
	orr x1, x1, #SCTLR_ENIA
	msr sctlr_el1, x1
	isb
	adrp x1, arm64_pauth_enabled
	mov w2, #1
	str w2, [x1, :lo12:arm64_pauth_enabled]
4:	mrs x1, S3_0_C0_C4_1		/* ID_AA64PFR1_EL1.BT */
	tst x1, #0xf
	b.eq 5f
	mrs x1, sctlr_el1
	orr x1, x1, #SCTLR_BT1
	msr sctlr_el1, x1
	isb
	adrp x1, arm64_bti_enabled
	mov w2, #1
	str w2, [x1, :lo12:arm64_bti_enabled]
5:	ret

	.ltorg

	.globl arm64_halt_forever
	.type arm64_halt_forever, %function
arm64_halt_forever:
	bti c
	msr daifset, #0xf
1:	wfi
	b 1b
	.size arm64_halt_forever, . - arm64_halt_forever

	.data
	.balign 8
	.globl arm64_ap_ttbr
arm64_ap_ttbr:
	.quad 0

	.bss
	.balign 4096
boot_l0:
	.skip 4096
boot_l1:
	.skip 4096
	.balign 16
boot_exc_stack:
	.skip EXC_STACK_SIZE
	.balign 4096
	.globl boot_stack_guard
boot_stack_guard:
	.skip 4096
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", %progbits
