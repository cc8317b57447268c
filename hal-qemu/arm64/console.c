/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PL011 UART (QEMU virt: 0x09000000, from the device tree
 * "arm,pl011") under the shared serial console (../common/serial.c: the
 * console and fds 0-2). QEMU's PL011 needs no setup to send; output
 * waits while the transmit FIFO is full; input interrupts (RXIM, RTIM)
 * on the SPI the device tree names, when armed.
 */
#include <errno.h>
#include <uk/fdt.h>
#include "../common/metal.h"
#include "arm64.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define FR_RXFE		(1U << 4)	/* receive FIFO empty */
#define FR_TXFF		(1U << 5)	/* transmit FIFO full */
#define UART_LCR_H	0x2c
#define LCR_H_FEN	(1U << 4)	/* FIFOs on */
#define UART_CR		0x30
#define UART_IMSC	0x38
#define IMSC_RX		((1U << 4) | (1U << 6))	/* RXIM, RTIM */
#define CR_EN		((1U << 0) | (1U << 8) | (1U << 9)) /* UART, TX, RX */

/* Until the device tree is read: QEMU virt's UART, identity-mapped by
 * the early tables. */
static __vaddr_t uart = 0x09000000UL;
static int uart_node = -1;

void arm64_console_init(void)
{
	__u64 base, size;
	int node;

	node = uk_fdt_node_by_compatible(arm64_fdt, -1, "arm,pl011");
	if (node < 0 || uk_fdt_reg(arm64_fdt, 0, node, 0, &base, &size) < 0)
		return;
	uart = base;
	uart_node = node;
	arm64_add_device(base, PAGE_SIZE, "pl011");
	/* FIFOs on: without them the receiver holds one byte, so input
	 * is handed over byte by byte. */
	mmio_write32(uart + UART_LCR_H,
		     mmio_read32(uart + UART_LCR_H) | LCR_H_FEN);
	mmio_write32(uart + UART_CR, mmio_read32(uart + UART_CR) | CR_EN);
}

/* One byte out; the caller holds the console lock. */
void metal_uart_put(__u8 c)
{
	while (mmio_read32(uart + UART_FR) & FR_TXFF)
		__asm__ __volatile__("yield");
	mmio_write32(uart + UART_DR, c);
}

int metal_uart_get(__u8 *c)
{
	if (mmio_read32(uart + UART_FR) & FR_RXFE)
		return 0;
	*c = (__u8)mmio_read32(uart + UART_DR);
	return 1;
}

int metal_uart_irq_route(unsigned long irq)
{
	int spi;

	if (uart_node < 0)
		return -ENODEV;
	spi = arm64_fdt_spi(arm64_fdt, uart_node);
	if (spi < 0)
		return -ENODEV;
	mmio_write32(uart + UART_IMSC, 0);
	return arm64_gic_spi_route(32 + (__u32)spi, irq);
}

/* The PL011's line is level: it stays up while unread input is there,
 * so it is masked until core/tty has read and armed it again. */
void metal_uart_irq_rx(int on)
{
	mmio_write32(uart + UART_IMSC, on ? IMSC_RX : 0);
}
