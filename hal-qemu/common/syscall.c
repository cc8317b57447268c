/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "syscall" instruction's trap entry on metal: not there yet (the
 * LSTAR entry with per-thread auxiliary stacks is issue 14's next step).
 * Loaded binaries are refused with this reason instead of running into
 * an unhandled instruction.
 */
#include <errno.h>
#include <uk/plat/syscall.h>

int ukplat_syscall_trap_enable(__uptr start, __uptr end, const char **why)
{
	(void)start;
	(void)end;
	*why = "this platform has no trap entry for the syscall "
	       "instruction yet (run it in sim)";
	return -ENOTSUP;
}
