/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The display and input devices of the platform (one each), the contract
 * under core/display. The core owns the policy: it picks the mode,
 * allocates the frame memory from its frame allocator and hands it to
 * the backend, which scans it out (sim: an SDL2 window on a host thread
 * uploads it on flush; metal: QEMU's ramfb reads guest memory itself).
 * Input events arrive as Linux evdev triples; the backend raises
 * `irq` whenever it has some, and the core drains them with
 * ukplat_input_next() in the interrupt handler.
 *
 * Pointer positions are absolute, EV_ABS ABS_X/ABS_Y over
 * [0, UKPLAT_INPUT_ABS_MAX] for the whole screen on every backend (QEMU's
 * and virtio-tablet's scale), so the same injected event reads the same.
 */
#ifndef __UK_PLAT_DISPLAY_H__
#define __UK_PLAT_DISPLAY_H__

#include <uk/arch/types.h>

#define UKPLAT_INPUT_ABS_MAX	0x7fff

struct ukplat_display_info {
	char name[16];			/* e.g. "amphi-sdl", "ramfb" */
	__u32 max_width;		/* largest mode it shows */
	__u32 max_height;
};

/* Fills info if the platform has a display. Returns 0 or -ENODEV. */
int ukplat_display_probe(struct ukplat_display_info *info);

/* Starts showing width x height XRGB8888 pixels (little endian: bytes
 * B, G, R, X), stride bytes a line, from the physically contiguous frames
 * at paddr. Called once, from thread context. Returns 0, -EINVAL (mode)
 * or -EIO. */
int ukplat_display_attach(__paddr_t paddr, __u32 width, __u32 height,
			  __u32 stride);

/* The rectangle changed: show it. Thread context; may return before the
 * picture is on screen (sim uploads on its display thread). */
void ukplat_display_flush(__u32 x, __u32 y, __u32 w, __u32 h);

struct ukplat_input_info {
	char name[64];			/* EVIOCGNAME */
	__u16 bustype, vendor, product, version;	/* EVIOCGID */
	unsigned long irq;		/* vector raised when events wait
					 * (the backend's ukplat_irq_alloc) */
};

struct ukplat_input_event {
	__u16 type;			/* EV_* */
	__u16 code;
	__s32 value;
};

/* Fills info if the platform has keyboard and pointer input and enables
 * its interrupt. Returns 0 or -ENODEV. */
int ukplat_input_probe(struct ukplat_input_info *info);

/* Takes the oldest pending event into *ev. Returns 1, or 0 if none.
 * Interrupt context (also safe in thread context with interrupts off). */
int ukplat_input_next(struct ukplat_input_event *ev);

#endif /* __UK_PLAT_DISPLAY_H__ */
