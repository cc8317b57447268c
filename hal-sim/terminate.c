/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <unistd.h>

#include <uk/plat/bootstrap.h>
#include "sim.h"

void ukplat_terminate(enum ukplat_gstate request, int status)
{
	switch (request) {
	case UKPLAT_HALT:
		exit(status & 0xff);
	case UKPLAT_RESTART:
		sim_console_puts("amphi: restart is not supported in sim\n");
		_exit(1);
	case UKPLAT_CRASH:
	default:
		/* Do not run host exit handlers after a crash. */
		_exit((status & 0xff) ? status & 0xff : 1);
	}
}
