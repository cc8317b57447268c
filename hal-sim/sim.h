/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of the sim backend (host code). */
#ifndef AMPHI_HAL_SIM_H
#define AMPHI_HAL_SIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>
#include <uk/arch/regs.h>
#include <uk/plat/bootinfo.h>

struct sim_options {
	size_t mem_size;	/* guest physical memory in bytes */
	const char *name;	/* argv[0] for the app */
	char *cmdline;		/* "NAME [KARGS --] ARGS", heap-allocated */
};

/* Parses the process's arguments; exits with a message on bad usage. */
void sim_parse_options(int argc, char *argv[], struct sim_options *opt);

/* Creates guest physical memory and the reserved windows; fills the
 * memory regions of bi. Exits with a message on failure. */
void sim_memory_init(struct ukplat_bootinfo *bi, size_t mem_size);

/* Adds the regions of the kernel image (text, rodata, data, bss) and the
 * boot stack to bi. */
void sim_image_regions(struct ukplat_bootinfo *bi);

/* Writes the registers of r into a signal's machine context. */
void sim_regs_to_mcontext(mcontext_t *mc, const struct __regs *r);

/* Installs the fault signal handlers on an alternate stack. */
void sim_traps_init(void);

/* Console setup (stdout/stdin) and output of a host-side message. */
void sim_console_init(void);
void sim_console_write(const char *buf, size_t len);
void sim_console_puts(const char *s);

#endif /* AMPHI_HAL_SIM_H */
