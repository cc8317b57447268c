/* SPDX-License-Identifier: BSD-3-Clause */
#include <uk/assert.h>
#include <uk/event.h>
#include <uk/print.h>
#include <uk/plat/bootstrap.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/trace.h>

void _uk_crash(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	ukplat_lcpu_disable_irq();
	uk_printk_raw("\n*** KERNEL CRASH at %s:%d: ", file, line);
	va_start(ap, fmt);
	uk_vprintk_raw(fmt, ap);
	va_end(ap);
	uk_crash_finish(NULL, 1);
}

/* Libraries add their state to crash reports (the scheduler: threads). */
UK_EVENT(UK_CRASH_EVENT_DUMP);

void __noinline uk_crash_finish(const struct __regs *regs, int status)
{
	uk_printk_raw("Backtrace:\n");
	/* Without regs, start at whoever called the reporting function:
	 * skip this frame and the reporter's. */
	ukplat_backtrace(regs, regs ? 0 : 2);
	uk_raise_event_ptr(UK_EVENT_PTR(UK_CRASH_EVENT_DUMP), (void *)regs);
	ukplat_terminate(UKPLAT_CRASH, status);
}
