/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot sequence: bootinfo -> frame allocator -> heap -> init tables ->
 * main(argc, argv) of the app -> exit. The backend enters it through
 * ukplat_entry() (uk/plat/bootinfo.h).
 *
 * Command line: "NAME [KERNEL-ARGS --] [APP-ARGS]". Without "--" every
 * argument after NAME goes to the app. Kernel arguments are key=value:
 *   loglevel=N   messages up to level N (0 crit .. 4 debug)
 *   quiet=1      no banner
 */
#ifndef __UK_BOOT_H__
#define __UK_BOOT_H__

#include <uk/essentials.h>

#define UK_BOOT_MAX_ARGS	256

/* The app's entry point. */
int main(int argc, char *argv[]);

/* Splits cmdline into at most max arguments in argv, writing the strings
 * into buf (at least strlen(cmdline) + 1 bytes). Honours '...' and "..."
 * quoting and backslash escapes. Returns argc or -E2BIG. */
int uk_boot_split_args(const char *cmdline, char *buf, char *argv[],
		       int max);

/* Runs the atexit() handlers, latest first. */
void uk_boot_run_atexit(void);

/* Ends the kernel with status: runs atexit handlers and init terms. */
void __noreturn uk_boot_exit(int status);

#endif /* __UK_BOOT_H__ */
