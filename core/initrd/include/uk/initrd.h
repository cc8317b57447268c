/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The initial ramdisk: an SVR4 "newc" cpio archive (magic 070701, or
 * 070702 with checksums) that the backend hands over in bootinfo
 * (--initrd FILE in sim, the first boot module on metal). At boot it is
 * unpacked into the root file system, before the app starts.
 */
#ifndef __UK_INITRD_H__
#define __UK_INITRD_H__

#include <uk/arch/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Unpacks the newc archive buf[0, len) under the directory dest (a kernel
 * path; created with its parents if missing). Directories merge with
 * existing ones, other entries replace what is there. Returns the number
 * of entries made, or the first error: -EINVAL for a malformed or hostile
 * archive (bad magic or header, name not NUL-terminated, sizes past the
 * end, bad checksum, absolute or ".." names; unpacking stops there and
 * the entries before it stay), -ENAMETOOLONG, -ENOMEM, or the file
 * system's error for one entry (the others are still unpacked).
 */
int uk_initrd_unpack(const void *buf, __sz len, const char *dest);

#ifdef __cplusplus
}
#endif

#endif /* __UK_INITRD_H__ */
