/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <stdlib.h>
#include <uk/assert.h>
#include <uk/plat/lcpu.h>
#include <uk/print.h>

_Noreturn void __assert_fail(const char *expr, const char *file, int line)
{
	/* Straight to the console: stdout may be buffered, and abort()
	 * flushes nothing. */
	uk_printk_raw("Assertion failed: %s (%s: %d)\n", expr, file, line);
	abort();
}

void abort(void)
{
	ukplat_lcpu_disable_irq();
	uk_printk_raw("\n*** abort() called\n");
	/* 128 + SIGABRT, what a shell shows for an aborted Linux process. */
	uk_crash_finish(NULL, 134);
}
