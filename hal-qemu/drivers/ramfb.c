/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The display on metal: QEMU's ramfb (-device ramfb), a linear
 * framebuffer in guest RAM configured through the fw_cfg file
 * "etc/ramfb" (I/O ports on x86, memory mapped on arm64's virt). It
 * needs no PCI (microvm, our default x86 machine, has none), any mode is
 * fine, and the frame is ordinary memory as in sim:
 * the core's frames are handed over as they are. QEMU reads them at
 * each display refresh (and at QMP screendump), so a flush has nothing
 * to do.
 */
#include <errno.h>
#include <string.h>
#include <uk/plat/display.h>
#include <qemu/bus.h>
#include "fw_cfg.h"

#define DRM_FORMAT_XRGB8888	0x34325258U

struct ramfb_cfg {
	__u64 addr;
	__u32 fourcc;
	__u32 flags;
	__u32 width;
	__u32 height;
	__u32 stride;
} __attribute__((packed));

static __u16 ramfb_select;
static struct ramfb_cfg cfg;	/* read by QEMU (DMA) */

int ukplat_display_probe(struct ukplat_display_info *info)
{
	__u32 size;

	if (fw_cfg_find("etc/ramfb", &ramfb_select, &size) < 0 ||
	    size != sizeof(cfg))
		return -ENODEV;
	strcpy(info->name, "ramfb");
	/* QEMU's limits for ramfb. */
	info->max_width = 16384;
	info->max_height = 16384;
	return 0;
}

int ukplat_display_attach(__paddr_t paddr, __u32 width, __u32 height,
			  __u32 stride)
{
	if (!ramfb_select)
		return -ENODEV;
	cfg.addr = __builtin_bswap64(paddr);
	cfg.fourcc = __builtin_bswap32(DRM_FORMAT_XRGB8888);
	cfg.flags = 0;
	cfg.width = __builtin_bswap32(width);
	cfg.height = __builtin_bswap32(height);
	cfg.stride = __builtin_bswap32(stride);
	return fw_cfg_write(ramfb_select, qemu_dma_addr(&cfg), sizeof(cfg));
}

void ukplat_display_flush(__u32 x, __u32 y, __u32 w, __u32 h)
{
	(void)x;
	(void)y;
	(void)w;
	(void)h;
}
