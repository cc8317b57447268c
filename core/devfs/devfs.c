/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * devfs: /dev and one character node per registered device, made at boot
 * in the root ramfs (class ROOTFS, after ramfs). A node's st_rdev is its
 * device's index in the link-time table; opening the node calls the
 * device's open (core/vfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <uk/devfs.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/print.h>
#include <stdio.h>
#include <string.h>
#include <uk/vfs.h>

UK_LINKTAB_DEFINE(const struct uk_devfs_dev *const, __uk_devfs_tab, "devfs");

const struct uk_devfs_dev *uk_devfs_dev_get(dev_t rdev)
{
	const struct uk_devfs_dev *const *tab =
		uk_linktab_begin(__uk_devfs_tab);
	__sz count;

	count = __uk_devfs_tab_end - tab;
	return rdev < count ? tab[rdev] : NULL;
}

/* Makes the folders of path below /dev ("input" for "/dev/input/event0"),
 * so a device may be named "input/event0". */
static int make_parents(char *path)
{
	char *p;
	int rc;

	for (p = path + 5; (p = strchr(p, '/')); p++) {
		*p = '\0';
		rc = uk_vfs_mkdirat(AT_FDCWD, path, 0755);
		*p = '/';
		if (rc && rc != -EEXIST)
			return rc;
	}
	return 0;
}

static int devfs_init(struct uk_init_ctx *ctx __maybe_unused)
{
	const struct uk_devfs_dev *const *it;
	char path[64];
	mode_t old;
	int rc;

	old = uk_vfs_umask(0);
	rc = uk_vfs_mkdirat(AT_FDCWD, "/dev", 0755);
	if (rc && rc != -EEXIST)
		goto out;
	uk_linktab_foreach(it, __uk_devfs_tab) {
		snprintf(path, sizeof(path), "/dev/%s", (*it)->name);
		rc = make_parents(path);
		if (rc == 0)
			rc = uk_vfs_mknodat(AT_FDCWD, path, S_IFCHR | (*it)->mode,
					    it - __uk_devfs_tab_begin);
		if (rc) {
			uk_pr_err("devfs: %s: error %d\n", path, rc);
			goto out;
		}
	}
	rc = 0;
out:
	uk_vfs_umask(old);
	return rc;
}

uk_rootfs_initcall_prio(devfs_init, NULL, 5);
