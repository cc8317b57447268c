/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupt handlers. Vectors are platform numbers below UKPLAT_IRQ_COUNT
 * (sim: the timer, IPIs and device vectors, all delivered through one
 * host signal per CPU; metal: the interrupt controller's). Handlers run in
 * interrupt context, with interrupts disabled, and may only call _isr
 * functions. The registry (hal/common/irq.c) is shared by every backend.
 */
#ifndef __UK_PLAT_IRQ_H__
#define __UK_PLAT_IRQ_H__

#include <uk/arch/regs.h>

#define UKPLAT_IRQ_TIMER	0	/* this CPU's one-shot timer */
#define UKPLAT_IRQ_IPI_RESCHED	1	/* another CPU wants a reschedule */
#define UKPLAT_IRQ_IPI_RUN	2	/* ukplat_lcpu_run work */
#define UKPLAT_IRQ_DEVICE_BASE	16	/* first device interrupt */
#define UKPLAT_IRQ_COUNT	64	/* vectors are 0 .. COUNT-1 */
#define UKPLAT_IRQ_HANDLERS_MAX	4	/* handlers per vector */

/* Returns 1 if the interrupt was for this handler, 0 to try the next. */
typedef int (*uk_intctlr_irq_handler_t)(void *arg, struct __regs *regs);

/* Adds handler for irq; several handlers may share an irq (called in
 * registration order until one returns 1). Returns 0, -EINVAL (bad irq or
 * NULL handler) or -ENOMEM (UKPLAT_IRQ_HANDLERS_MAX reached). */
int ukplat_irq_register(unsigned long irq, uk_intctlr_irq_handler_t handler,
			void *arg);

/* Removes a handler ukplat_irq_register added. On return no other CPU
 * still runs it, so arg may be freed (except when called from an
 * interrupt handler: then only this CPU is known to be done with it).
 * Returns 0, -EINVAL or -ENOENT. */
int ukplat_irq_unregister(unsigned long irq, uk_intctlr_irq_handler_t handler,
			  void *arg);

/* Allocates a device interrupt: a vector from UKPLAT_IRQ_DEVICE_BASE up
 * that no other device or caller holds. Every device of every backend
 * (sim's host devices, metal's interrupt lines and MSIs) and anything
 * else that needs a vector of its own (tests, benchmarks) takes it here,
 * never a fixed number. Lock-free, callable in any context. Returns the
 * vector or -ENOSPC. */
int ukplat_irq_alloc(void);
/* Gives back a vector of ukplat_irq_alloc (its handlers must be gone).
 * Returns 0, or -EINVAL if irq is not an allocated device vector. */
int ukplat_irq_free(unsigned long irq);

/* Backend-facing: runs the handlers of irq (UKPLAT_IRQ_IPI_RUN also serves
 * the ukplat_lcpu_run queue first). The backend calls it in interrupt
 * context with interrupts disabled; regs is the interrupted state, and a
 * handler may edit it (the backend resumes there). Unknown or unhandled
 * vectors are counted (ukplat_irq_spurious) and ignored. */
void ukplat_irq_handle(unsigned long irq, struct __regs *regs);
/* Number of interrupts no handler took since boot. */
unsigned long ukplat_irq_spurious(void);

#endif /* __UK_PLAT_IRQ_H__ */
