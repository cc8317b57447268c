/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <unistd.h>

#include <uk/plat/bootstrap.h>
#include "sim.h"

/* -Dfuzz=true (fuzz.c): saves the input that crashed the kernel or
 * ended the app. */
void sim_fuzz_ended(enum ukplat_gstate request, int status)
	__attribute__((weak));

/*
 * Any CPU may end the process: the first caller stops interrupt delivery
 * everywhere (exit handlers are not async-signal-safe) and exits; the
 * other CPU threads, halted or running, end with the process.
 */
void ukplat_terminate(enum ukplat_gstate request, int status)
{
	sim_lcpu_terminating();
	if (sim_fuzz_ended)
		sim_fuzz_ended(request, status);
	switch (request) {
	case UKPLAT_HALT:
		exit(status & 0xff);
	case UKPLAT_RESTART:
		sim_console_puts("amphi: restart is not supported in sim\n");
		sim_tty_restore();
		_exit(1);
	case UKPLAT_CRASH:
	default:
		/* Do not run host exit handlers after a crash; the
		 * terminal is the shell's again all the same. */
		sim_tty_restore();
		_exit((status & 0xff) ? status & 0xff : 1);
	}
}
