/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Code both bare-metal backends share (hal-qemu/common), over the symbols
 * their linker scripts and boot code define alike: image_*_start/_end
 * and image_tls_* (kernel.lds) and boot_stack_guard/top (boot.S).
 */
#ifndef __HAL_QEMU_METAL_H__
#define __HAL_QEMU_METAL_H__

#include <uk/arch/regs.h>
#include <uk/plat/bootinfo.h>

/* Adds the image's regions to bi, identity-mapped: text r-x, rodata r--,
 * data and bss rw-, the page under the boot stack left out (a guard),
 * and the boot stack. Errors are reported on the console. */
void metal_image_regions(struct ukplat_bootinfo *bi);

/* Adds one region to bi, reporting a full table on the console. */
void metal_add_region(struct ukplat_bootinfo *bi, __paddr_t pbase,
		      __vaddr_t vbase, __sz len, int type, int flags,
		      const char *name);

/* Describes the image's TLS template (kernel.lds: image_tls_*) in bi as
 * one PT_TLS program header, from which the core lays out each thread's
 * TLS block. */
void metal_tls_describe(struct ukplat_bootinfo *bi);

/* Backend hooks of the crash backtrace (backtrace.c). */
/* Whether va may be read before paging init (the early tables). */
int metal_early_readable(unsigned long va);
/* A saved return address as code address (arm64: without its PAC). */
unsigned long metal_return_addr(unsigned long saved);
/* For a trap in a leaf that has not saved its return address yet: the
 * caller's address, or 0 (x86_64: the top of the stack after a call;
 * arm64: leaf functions keep frame records, nothing to add). */
unsigned long metal_leaf_return(const struct __regs *regs,
				unsigned long fp, unsigned long prev);
/* Whether the 8 bytes at va can be read without a fault (for the hooks). */
int metal_readable(unsigned long va);

/* The backend's UART under the serial console (serial.c): one byte out,
 * waiting while the transmitter is full (called with the console lock);
 * one byte in, 1 if there was one, else 0 at once. */
void metal_uart_put(__u8 c);
int metal_uart_get(__u8 *c);
/* Routes the UART's receive interrupt to irq (a vector of
 * ukplat_irq_alloc), masked. Returns 0, or -ENODEV where the machine
 * has no line for it (amphi-kvm has no I/O APIC). */
int metal_uart_irq_route(unsigned long irq);
/* Unmasks (on) or masks the UART's receive interrupt. Any context. */
void metal_uart_irq_rx(int on);

#endif /* __HAL_QEMU_METAL_H__ */
