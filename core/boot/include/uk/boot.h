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

/* The app's entry point (musl passes the environment too). */
int main(int argc, char *argv[]);

/* Splits cmdline into at most max arguments in argv, writing the strings
 * into buf (at least strlen(cmdline) + 1 bytes). Honours '...' and "..."
 * quoting and backslash escapes. Returns argc or -E2BIG. */
int uk_boot_split_args(const char *cmdline, char *buf, char *argv[],
		       int max);

/* Ends the kernel with status: runs the init terms, then the backend
 * terminates. For exit_group (core/process), once the app's threads are
 * stopped; a second caller waits for the first. */
void __noreturn uk_boot_exit(int status);

/* The app's argv[0] as the command line gave it, or NULL; valid from
 * the init tables on until the end. */
const char *uk_boot_app_name(void);

/* Adds "NAME=VALUE" to the app's environment (the last one of a name
 * wins). Returns 0, -EINVAL (no NAME=) or -E2BIG (more than 128). The
 * string must live as long as the app. */
int uk_boot_env_add(const char *name_value);

/* Starts the app: argv, environment and auxiliary vector as a Linux
 * loader gives them, then musl's __libc_start_main (constructors, main,
 * exit). On the boot thread, once the kernel is up. */
void __noreturn uk_boot_start_app(int argc, char **argv);

/* The thread areas of the C library (core/libc/glue.c, musl's layout):
 * a descriptor without TLS for the boot CPU until the heap exists; the
 * boot thread's block from the image's program headers (aux: AT_PHDR,
 * AT_PHNUM, AT_PHENT), loaded as its thread pointer; the size of a
 * thread's block; a new thread's block in mem (tls size bytes), whose
 * thread pointer is returned. */
unsigned long uk_libc_tls_boot(void);
unsigned long uk_libc_tls_setup(const __SIZE_TYPE__ *aux);
__SIZE_TYPE__ uk_libc_tls_size(void);
unsigned long uk_libc_tls_init(void *mem, int tid);
/* At exit, before the terms: the caller moves to the boot descriptor
 * if it ran on the boot thread's block, and uk_boot_tls_alloc's block,
 * if still in use, is freed. */
void uk_libc_tls_teardown(void);
/* Moves the boot thread's TLS to block (uk_libc_tls_size() zeroed bytes
 * that outlive the program: at its start, on main()'s stack), keeping
 * its canary; frees uk_boot_tls_alloc's. */
void uk_libc_tls_rehome(void *block);
/* The boot thread's first TLS block (zeroed kernel memory), and its
 * release (NULL: nothing). */
void *uk_boot_tls_alloc(__SIZE_TYPE__ size);
void uk_boot_tls_free(void *block);

#endif /* __UK_BOOT_H__ */
