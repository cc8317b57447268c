/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Framebuffers: a registry of displays (geometry, pixel format, stride,
 * frame memory, a flush of damaged rectangles) and the kernel API over
 * them. /dev/fb0 (Linux's fbdev interface, uk/../linux/fb.h) is the same
 * framebuffer seen by apps through ioctl and mmap.
 *
 *   struct uk_fb *fb = uk_fb_open(0);
 *   uint32_t *px = fb->pixels;       // fb->stride bytes a line
 *   px[y * fb->stride / 4 + x] = 0x00ff8000;
 *   uk_fb_flush(fb, &(struct uk_fb_rect){ x, y, 1, 1 });
 *   uk_fb_close(fb);
 */
#ifndef __UK_FB_H__
#define __UK_FB_H__

#include <uk/arch/types.h>
#include <uk/mutex.h>

/* Pixel formats, as DRM's fourcc codes. XRGB8888: 32 bits a pixel, in
 * memory B, G, R, X (little endian 0x00RRGGBB). */
#define UK_FB_FORMAT_XRGB8888	0x34325258U	/* 'XR24' */

struct uk_fb_rect {
	__u32 x, y, w, h;
};

struct uk_fb;

struct uk_fb_ops {
	/* First open: make frame memory (pixels, paddr, size) and start
	 * scanning out. Returns 0 or -errno. Optional. */
	int (*start)(struct uk_fb *fb);
	/* Shows the (clipped, non-empty) rectangle r. */
	void (*flush)(struct uk_fb *fb, const struct uk_fb_rect *r);
};

struct uk_fb {
	char name[16];			/* fb_fix_screeninfo.id */
	__u32 width, height;		/* visible pixels */
	__u32 stride;			/* bytes a line */
	__u32 format;			/* UK_FB_FORMAT_* */
	void *pixels;			/* kernel mapping of the frames */
	__paddr_t paddr;		/* physically contiguous frames */
	__sz size;			/* bytes, page multiple */
	const struct uk_fb_ops *ops;
	/* Owned by the registry. */
	unsigned int idx;
	int started;
	unsigned long flushes;		/* uk_fb_flush calls that drew */
	struct uk_mutex lock;		/* start, flush */
};

/* Adds fb (name, geometry and ops set; pixels/paddr/size set or left for
 * ops->start) as the next index. Returns the index or -ENOSPC. */
int uk_fb_register(struct uk_fb *fb);
/* Number of framebuffers registered. */
unsigned int uk_fb_count(void);

/* Opens framebuffer idx, starting it on first use (frames allocated,
 * window or scanout set up). Returns it or an ERR2PTR: -ENODEV (no such
 * framebuffer), -ENOMEM, or the device's error. */
struct uk_fb *uk_fb_open(unsigned int idx);
/* Ends a use of uk_fb_open (the picture stays). */
void uk_fb_close(struct uk_fb *fb);

/* Shows the rectangle r of the frame (NULL: all of it), clipped to the
 * screen. Returns 0, or -EINVAL for a rectangle entirely off screen. */
int uk_fb_flush(struct uk_fb *fb, const struct uk_fb_rect *r);

/* Bytes per pixel of a UK_FB_FORMAT_* (0 if unknown). */
unsigned int uk_fb_format_bpp(__u32 format);

#endif /* __UK_FB_H__ */
