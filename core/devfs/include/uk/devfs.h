/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Character devices under /dev. A driver registers a device at link time;
 * at boot devfs makes /dev/<name> (a character node in the root file
 * system), and opening that node calls the device's open.
 *
 *   static const struct uk_devfs_dev null_dev = {
 *           .name = "null", .mode = 0666, .open = null_open,
 *   };
 *   UK_DEVFS_REGISTER(null_dev);
 */
#ifndef __UK_DEVFS_H__
#define __UK_DEVFS_H__

#include <sys/types.h>
#include <uk/file.h>
#include <uk/linktab.h>

struct uk_devfs_dev {
	const char *name;		/* node name under /dev */
	mode_t mode;			/* permission bits */
	/* Makes a file for a new open with O_* flags (one reference), or
	 * returns an ERR2PTR. */
	struct uk_file *(*open)(const struct uk_devfs_dev *dev,
				unsigned int flags);
	void *priv;
};

#define UK_DEVFS_REGISTER(dev)						\
	UK_LINKTAB_ENTRY(const struct uk_devfs_dev *const,		\
			 UK_CONCAT(__uk_devfs_, dev), "devfs", "0") = &(dev)

/* The device with rdev (its index; st_rdev of its node), or NULL. */
const struct uk_devfs_dev *uk_devfs_dev_get(dev_t rdev);

#endif /* __UK_DEVFS_H__ */
