/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Page alignment of the kernel image's sections. tools/guest.lds puts each
 * of these first in its output section; their alignment becomes the
 * section's, so every backend's final link places the kernel's text,
 * rodata, data and bss on page boundaries (W^X needs whole pages).
 */
	.section .amphi.align.text, "ax", %progbits
	.p2align 12
	.section .amphi.align.rodata, "a", %progbits
	.p2align 12
	.section .amphi.align.data, "aw", %progbits
	.p2align 12
	.section .amphi.align.bss, "aw", %nobits
	.p2align 12
	.section .note.GNU-stack, "", %progbits
