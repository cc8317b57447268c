/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupt handlers. Vectors are platform numbers (sim: one per signal
 * source; metal: the interrupt controller's). Handlers run in interrupt
 * context, with interrupts disabled, and may only call _isr functions.
 *
 * The timer interrupt and IPIs arrive with the scheduling work; the
 * contract is fixed now so both backends implement the same one.
 */
#ifndef __UK_PLAT_IRQ_H__
#define __UK_PLAT_IRQ_H__

#include <uk/arch/regs.h>

#define UKPLAT_IRQ_TIMER	0	/* this CPU's one-shot timer */
#define UKPLAT_IRQ_IPI_RESCHED	1	/* another CPU wants a reschedule */
#define UKPLAT_IRQ_IPI_RUN	2	/* ukplat_lcpu_run work */
#define UKPLAT_IRQ_DEVICE_BASE	16	/* first device interrupt */

/* Returns 1 if the interrupt was for this handler, 0 to try the next. */
typedef int (*uk_intctlr_irq_handler_t)(void *arg, struct __regs *regs);

/* Adds handler for irq; several handlers may share an irq. Returns 0,
 * -EINVAL (bad irq) or -ENOMEM. */
int ukplat_irq_register(unsigned long irq, uk_intctlr_irq_handler_t handler,
			void *arg);

/* Removes a handler ukplat_irq_register added. Returns 0 or -ENOENT. */
int ukplat_irq_unregister(unsigned long irq, uk_intctlr_irq_handler_t handler,
			  void *arg);

#endif /* __UK_PLAT_IRQ_H__ */
