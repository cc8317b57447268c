/* SPDX-License-Identifier: BSD-3-Clause */
/* Constants entry.S shares with the C side (x86.h checks them). */
#ifndef __HAL_QEMU_X86_ASM_H__
#define __HAL_QEMU_X86_ASM_H__

/* A page fault moves its IST entry down by this while it runs. */
#define X86_PF_IST_SHIFT	8192
/* offsetof(struct x86_cpu, tss.ist[X86_IST_PF]). */
#define X86_CPU_PF_IST_OFF	236

#endif
