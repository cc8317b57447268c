/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console on the 16550 UART at COM1 (0x3f8), 115200 8N1, FIFOs on. Each
 * port access is a VM exit under KVM, so output waits for an empty
 * transmitter once per FIFO's worth (16 bytes), not once per byte.
 */
#include <errno.h>
#include <uk/plat/console.h>
#include <uk/spinlock.h>
#include "x86.h"

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding (write) */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_IER	1
#define UART_DLL	0	/* divisor latch, with LCR.DLAB */
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit FIFO empty */
#define UART_FIFO_LEN	16

static UK_SPINLOCK_DEFINE(console_lock);

void x86_console_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);
	outb(COM1 + UART_DLL, 0x01);	/* 115200 baud */
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

int ukplat_coutk(const char *buf, unsigned int len)
{
	unsigned int i, room = 0;
	unsigned long flags;

	if (!buf && len)
		return -EINVAL;
	uk_spin_lock_irqsave(&console_lock, flags);
	for (i = 0; i < len; i++) {
		if (!room) {
			while (!(inb(COM1 + UART_LSR) & LSR_THRE))
				__asm__ __volatile__("pause");
			room = UART_FIFO_LEN;
		}
		outb(COM1 + UART_THR, (__u8)buf[i]);
		room--;
	}
	uk_spin_unlock_irqrestore(&console_lock, flags);
	return (int)len;
}

int ukplat_cink(char *buf, unsigned int maxlen)
{
	unsigned int n = 0;

	while (n < maxlen && (inb(COM1 + UART_LSR) & LSR_DR))
		buf[n++] = (char)inb(COM1 + UART_RBR);
	return (int)n;
}
