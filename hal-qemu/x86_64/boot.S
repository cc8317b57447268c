/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot: the PVH entry (32-bit protected mode, paging off, %ebx = the
 * hvm_start_info), the early page tables (first 4 GiB identity-mapped and
 * again at the direct map, 2 MiB pages), long mode, the boot stack, then
 * x86_boot_main() in C. The application processors come through the
 * 16-bit trampoline at the end, copied to X86_TRAMPOLINE_PA, and share
 * the long-mode switch.
 */
#define X86_TRAMPOLINE_PA	0x8000
#define BOOT_STACK_SIZE		(64 * 1024)
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_NE		0x00000020
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800

	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* name size */
	.long 4				/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long amphi_pvh_start
	.balign 4

	.section .text.boot, "ax", @progbits
	.code32
	.globl amphi_pvh_start
	.type amphi_pvh_start, @function
amphi_pvh_start:
	cli
	cld
	movl %ebx, %esi			/* hvm_start_info, kept to C */

	/* bss (with the page tables) may not be zero: clear it. */
	movl $image_bss_start, %edi
	movl $image_bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	/* PML4[0] and PML4[256] (direct map) -> one PDPT of 4 PDs. */
	movl $boot_pdpt, %eax
	orl $3, %eax
	movl %eax, boot_pml4
	movl %eax, boot_pml4 + 256 * 8
	movl $boot_pd, %eax
	orl $3, %eax
	movl $boot_pdpt, %edi
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b
	/* 2048 2 MiB pages: present, writable, large. */
	movl $boot_pd, %edi
	movl $0x83, %eax
	movl $2048, %ecx
2:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	movl $bsp_entry64, %ebp
	jmp x86_enter_long32
	.size amphi_pvh_start, . - amphi_pvh_start

/* In: 32-bit flat protected mode, %ebp = 64-bit code to continue at.
 * %esi is preserved. */
	.globl x86_enter_long32
x86_enter_long32:
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	/* NX only if the CPU has it (CPUID 0x80000001 EDX bit 20). */
	movl $0x80000001, %eax
	cpuid
	movl %edx, %edi
	andl $(1 << 20), %edi
	shrl $9, %edi			/* bit 20 -> bit 11, EFER.NXE */
	movl $0xc0000080, %ecx
	rdmsr
	orl $EFER_LME, %eax
	orl %edi, %eax
	wrmsr
	movl %cr0, %eax
	andl $~CR0_EM, %eax
	orl $(CR0_PG | CR0_WP | CR0_NE | CR0_MP | 1), %eax
	movl %eax, %cr0
	lgdt boot_gdt_desc
	ljmp $0x08, $1f
	.code64
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	fninit
	jmp *%rbp

/* rip undefined: debuggers and unwinders stop here, the outermost
 * frame, instead of reading garbage off the stack. */
bsp_entry64:
	.cfi_startproc
	.cfi_undefined rip
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl %esi, %edi
	call x86_boot_main
	ud2
	.cfi_endproc

	.globl x86_ap_entry64
x86_ap_entry64:
	.cfi_startproc
	.cfi_undefined rip
	movq x86_ap_boot_sp(%rip), %rsp
	xorl %ebp, %ebp
	call x86_ap_main
	ud2
	.cfi_endproc

	.data
	.balign 16
/* Access bits preset: the CPU would otherwise write them. */
boot_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
	.quad 0x00cf9b000000ffff	/* 0x18: 32-bit code */
boot_gdt_end:
	.balign 8
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.globl x86_ap_boot_sp
	.balign 8
x86_ap_boot_sp:
	.quad 0

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
/* The page below the boot stack stays unmapped (setup.c): a guard. */
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard:
	.skip 4096
	.skip BOOT_STACK_SIZE
boot_stack_top:

/*
 * The application processors' start: SIPI vector 8 starts them in real
 * mode at 0x0800:0000, i.e. X86_TRAMPOLINE_PA. Position-dependent on that
 * address only; lcpu.c copies tramp_start..tramp_end there.
 */
	.section .rodata
	.globl x86_tramp_start, x86_tramp_end
	.balign 16
	.code16
x86_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tramp_gdt_desc - x86_tramp_start
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x18, $(X86_TRAMPOLINE_PA + tramp32 - x86_tramp_start)
	.code32
tramp32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl $x86_ap_entry64, %ebp
	movl $x86_enter_long32, %eax
	jmp *%eax
	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
	.quad 0x00cf9b000000ffff
tramp_gdt_desc:
	.word 31
	.long X86_TRAMPOLINE_PA + tramp_gdt - x86_tramp_start
x86_tramp_end:
	.code64

	.section .note.GNU-stack, "", @progbits
