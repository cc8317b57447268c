/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console on the PL011 UART (QEMU virt: 0x09000000, from the device tree
 * "arm,pl011"). QEMU's PL011 needs no setup to send; output waits while
 * the transmit FIFO is full, input is polled.
 */
#include <errno.h>
#include <uk/fdt.h>
#include <uk/plat/console.h>
#include <uk/spinlock.h>
#include "arm64.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define FR_RXFE		(1U << 4)	/* receive FIFO empty */
#define FR_TXFF		(1U << 5)	/* transmit FIFO full */
#define UART_CR		0x30
#define CR_EN		((1U << 0) | (1U << 8) | (1U << 9)) /* UART, TX, RX */

static UK_SPINLOCK_DEFINE(console_lock);
/* Until the device tree is read: QEMU virt's UART, identity-mapped by
 * the early tables. */
static __vaddr_t uart = 0x09000000UL;

void arm64_console_init(void)
{
	__u64 base, size;
	int node;

	node = uk_fdt_node_by_compatible(arm64_fdt, -1, "arm,pl011");
	if (node < 0 || uk_fdt_reg(arm64_fdt, 0, node, 0, &base, &size) < 0)
		return;
	uart = base;
	arm64_add_device(base, PAGE_SIZE, "pl011");
	mmio_write32(uart + UART_CR, mmio_read32(uart + UART_CR) | CR_EN);
}

int ukplat_coutk(const char *buf, unsigned int len)
{
	unsigned long flags;
	unsigned int i;

	if (!buf && len)
		return -EINVAL;
	uk_spin_lock_irqsave(&console_lock, flags);
	for (i = 0; i < len; i++) {
		while (mmio_read32(uart + UART_FR) & FR_TXFF)
			__asm__ __volatile__("yield");
		mmio_write32(uart + UART_DR, (__u8)buf[i]);
	}
	uk_spin_unlock_irqrestore(&console_lock, flags);
	return (int)len;
}

int ukplat_cink(char *buf, unsigned int maxlen)
{
	unsigned int n = 0;

	while (n < maxlen && !(mmio_read32(uart + UART_FR) & FR_RXFE))
		buf[n++] = (char)mmio_read32(uart + UART_DR);
	return (int)n;
}
