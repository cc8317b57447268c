/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 16550 UART at COM1 (0x3f8), 115200 8N1, FIFOs on, under the shared
 * serial console (../common/serial.c: the console and fds 0-2). Each
 * port access is a VM exit under KVM, so output waits for an empty
 * transmitter once per FIFO's worth (16 bytes), not once per byte.
 * Input interrupts on IRQ 4 through the I/O APIC when armed (none under
 * amphi-kvm, which has no I/O APIC: input is polled there).
 */
#include "../common/metal.h"
#include "x86.h"

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding (write) */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_IER	1
#define IER_RDI		0x01	/* received data (and its timeout) */
#define UART_DLL	0	/* divisor latch, with LCR.DLAB */
#define UART_DLM	1
#define UART_FCR	2
#define FCR_FIFO_TRIG1	0x01	/* FIFOs on, receive trigger 1 byte */
#define FCR_FIFO_TRIG14	0xc1	/* and 14 bytes */
#define UART_LCR	3
#define UART_MCR	4
#define MCR_OUT2	0x08	/* gates the interrupt line on a PC */
#define UART_LSR	5
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit FIFO empty */
#define UART_FIFO_LEN	16
#define COM1_IRQ	4	/* ISA IRQ 4: GSI 4, edge, active high */

static unsigned int room;		/* in the transmit FIFO */

void x86_console_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);
	outb(COM1 + UART_DLL, 0x01);	/* 115200 baud */
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	/* FIFOs on and cleared; receive trigger at 14 bytes, so QEMU
	 * hands over input 14 bytes at a time, not byte by byte. */
	outb(COM1 + UART_FCR, 0xc7);
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

/* One byte out; the caller holds the console lock. */
void metal_uart_put(__u8 c)
{
	if (!room) {
		while (!(inb(COM1 + UART_LSR) & LSR_THRE))
			__asm__ __volatile__("pause");
		room = UART_FIFO_LEN;
	}
	outb(COM1 + UART_THR, c);
	room--;
}

int metal_uart_get(__u8 *c)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR))
		return 0;
	*c = inb(COM1 + UART_RBR);
	return 1;
}

int metal_uart_irq_route(unsigned long irq)
{
	int rc;

	outb(COM1 + UART_IER, 0x00);
	rc = x86_ioapic_route(COM1_IRQ, irq, 0);
	if (rc)
		return rc;
	outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
	return 0;
}

/* The line follows the UART's pending state: edge triggered, it rises
 * again on unmasking while unread input is there. Armed, the receiver
 * interrupts at one byte: below the trigger QEMU's character timeout
 * takes ~4 ms to say a byte came. Masked, the trigger is 14 again, for
 * the batches of a pipe. FE stays set: the FIFOs are not cleared. */
void metal_uart_irq_rx(int on)
{
	if (on) {
		outb(COM1 + UART_FCR, FCR_FIFO_TRIG1);
		outb(COM1 + UART_IER, IER_RDI);
		return;
	}
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_FCR, FCR_FIFO_TRIG14);
}
