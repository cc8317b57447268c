/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * At boot, the initrd of bootinfo is unpacked into the root file system,
 * after ramfs has mounted it and devfs has made /dev. A bad archive is
 * reported and the boot goes on with what was unpacked: an app without
 * its files says so itself, more clearly than a kernel that stops.
 */
#include <uk/init.h>
#include <uk/initrd.h>
#include <uk/plat/bootinfo.h>
#include <uk/print.h>

static int initrd_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	int rc;

	if (!bi || !bi->initrd || !bi->initrd_len)
		return 0;
	rc = uk_initrd_unpack((const void *)bi->initrd, bi->initrd_len, "/");
	if (rc < 0)
		uk_pr_err("initrd: unpacking of %zu bytes failed (error %d); "
			  "the entries before the error are in /\n",
			  (__sz)bi->initrd_len, -rc);
	else
		uk_pr_info("initrd: %d entries from %zu bytes unpacked\n", rc,
			   (__sz)bi->initrd_len);
	return 0;
}

uk_rootfs_initcall_prio(initrd_init, NULL, UK_PRIO_LATEST);
