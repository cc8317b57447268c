/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sim backend's process entry: parse options, create guest memory and
 * bootinfo, install trap handlers, then enter the kernel on CPU 0, which
 * is this main thread.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include <uk/plat/bootinfo.h>
#include "sim.h"

static struct ukplat_bootinfo sim_bootinfo;

/* The kernel may read its command line until the very end. */
static void free_cmdline(void)
{
	free((char *)sim_bootinfo.cmdline);
	sim_bootinfo.cmdline = NULL;
}

/*
 * The process's entry, which the C runtime calls as main: the image is
 * linked with --wrap=main (hal-sim/meson.build), which sends the
 * runtime here, so that the only main in the executable is the app's
 * (a local symbol of the guest object) and gdb's "break main" means it.
 */
int sim_main(int argc, char *argv[]) __asm__("__wrap_main");

int sim_main(int argc, char *argv[])
{
	struct ukplat_bootinfo *bi = &sim_bootinfo;
	struct sim_options opt;

	/* First: it holds closed fds 0-2 before anything opens a file. */
	sim_console_init();
	sim_cpu_ticks_init();
	sim_parse_options(argc, argv, &opt);
	sim_fs_init();
	sim_time_init();

	bi->magic = UKPLAT_BOOTINFO_MAGIC;
	strncpy(bi->bootprotocol, "sim", sizeof(bi->bootprotocol) - 1);
	bi->cmdline = opt.cmdline;
	/* This executable's program headers: its PT_TLS covers the guest's
	 * TLS (and the backend's, unused by the guest). */
	bi->phdr = getauxval(AT_PHDR);
	bi->phnum = (__u32)getauxval(AT_PHNUM);
	bi->phent = (__u32)getauxval(AT_PHENT);
	bi->cmdline_len = strlen(opt.cmdline);
	atexit(free_cmdline);
	sim_memory_init(bi, opt.mem_size, opt.initrd_len);
	if (opt.initrd_fd >= 0)
		sim_initrd_load(bi, opt.initrd_fd, opt.initrd_len, opt.initrd);
	sim_image_regions(bi);
	sim_lcpu_init(opt.ncpus);
	sim_traps_init();

	ukplat_entry(bi);
}
