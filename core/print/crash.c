/* SPDX-License-Identifier: BSD-3-Clause */
#include <uk/assert.h>
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
	uk_printk_raw("Backtrace:\n");
	ukplat_backtrace(NULL, 1);
	ukplat_terminate(UKPLAT_CRASH, 1);
}
