/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Display and input (uk/plat/display.h): none on arm64 yet. QEMU virt
 * offers ramfb through fw_cfg's DMA interface and virtio-input over
 * virtio-mmio; hal-qemu/drivers has both for x86_64 (fw_cfg by port I/O
 * there), so they arrive with an MMIO fw_cfg. The core sees no display.
 */
#include <errno.h>
#include <uk/plat/display.h>

int ukplat_display_probe(struct ukplat_display_info *info)
{
	return -ENODEV;
}

int ukplat_display_attach(__paddr_t paddr, __u32 width, __u32 height,
			  __u32 stride)
{
	return -ENODEV;
}

void ukplat_display_flush(__u32 x, __u32 y, __u32 w, __u32 h)
{
}

int ukplat_input_probe(struct ukplat_input_info *info)
{
	return -ENODEV;
}

int ukplat_input_next(struct ukplat_input_event *ev)
{
	return 0;
}
