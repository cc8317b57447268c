/* SPDX-License-Identifier: BSD-3-Clause */
/* QEMU's firmware configuration device (fw_cfg): files by name, read
 * through the data port and written by DMA (docs/specs/fw_cfg.rst). */
#ifndef __HAL_QEMU_FW_CFG_H__
#define __HAL_QEMU_FW_CFG_H__

#include <uk/arch/types.h>

/* Finds the file name; stores its selector and size. Returns 0, or
 * -ENODEV (no fw_cfg, no DMA) or -ENOENT. */
int fw_cfg_find(const char *name, __u16 *select, __u32 *size);

/* Writes len bytes of buf (a physically contiguous kernel buffer whose
 * physical address is buf_pa) to the file select by DMA. Returns 0 or
 * -EIO. Thread context. */
int fw_cfg_write(__u16 select, __paddr_t buf_pa, __u32 len);

#endif /* __HAL_QEMU_FW_CFG_H__ */
