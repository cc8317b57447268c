/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "syscall" instruction's trap entry on metal arm64 ("svc #0"): not
 * there yet. Loaded binaries are refused with this reason instead of
 * running into an unhandled instruction. x86_64 has its own
 * (hal-qemu/x86_64/syscall.c).
 */
#include <errno.h>
#include <uk/plat/syscall.h>

int ukplat_syscall_trap_enable(__uptr start, __uptr end, const char **why)
{
	(void)start;
	(void)end;
	*why = "this platform has no trap entry for the system-call "
	       "instruction yet (run it in sim or on x86_64)";
	return -ENOTSUP;
}

void ukplat_syscall_stack_switch(struct ukplat_syscall_stack *s)
{
	(void)s;
}
