/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Linux frame buffer device interface (fbdev, /dev/fbN): the
 * structures and request numbers of Linux's documentation
 * (Documentation/fb/api.rst, the fbdev UAPI).
 */
#ifndef _LINUX_FB_H
#define _LINUX_FB_H

#include <stdint.h>
#include <linux/ioctl.h>

#define FB_MAX			32

#define FBIOGET_VSCREENINFO	0x4600
#define FBIOPUT_VSCREENINFO	0x4601
#define FBIOGET_FSCREENINFO	0x4602
#define FBIOGETCMAP		0x4604
#define FBIOPUTCMAP		0x4605
#define FBIOPAN_DISPLAY		0x4606
#define FBIO_CURSOR		_IOWR('F', 0x08, struct fb_cursor)
#define FBIOGET_CON2FBMAP	0x460F
#define FBIOPUT_CON2FBMAP	0x4610
#define FBIOBLANK		0x4611
#define FBIOGET_VBLANK		_IOR('F', 0x12, struct fb_vblank)
#define FBIO_ALLOC		0x4613
#define FBIO_FREE		0x4614
#define FBIOGET_GLYPH		0x4615
#define FBIOGET_HWCINFO		0x4616
#define FBIOPUT_MODEINFO	0x4617
#define FBIOGET_DISPINFO	0x4618
#define FBIO_WAITFORVSYNC	_IOW('F', 0x20, uint32_t)

#define FB_TYPE_PACKED_PIXELS		0
#define FB_TYPE_PLANES			1
#define FB_TYPE_INTERLEAVED_PLANES	2
#define FB_TYPE_TEXT			3
#define FB_TYPE_VGA_PLANES		4
#define FB_TYPE_FOURCC			5

#define FB_VISUAL_MONO01		0
#define FB_VISUAL_MONO10		1
#define FB_VISUAL_TRUECOLOR		2
#define FB_VISUAL_PSEUDOCOLOR		3
#define FB_VISUAL_DIRECTCOLOR		4
#define FB_VISUAL_STATIC_PSEUDOCOLOR	5
#define FB_VISUAL_FOURCC		6

#define FB_ACCEL_NONE		0

#define FB_NONSTD_HAM		1
#define FB_NONSTD_REV_PIX_IN_B	2

#define FB_ACTIVATE_NOW		0
#define FB_ACTIVATE_NXTOPEN	1
#define FB_ACTIVATE_TEST	2
#define FB_ACTIVATE_MASK	15
#define FB_ACTIVATE_VBL		16
#define FB_CHANGE_CMAP_VBL	32
#define FB_ACTIVATE_ALL		64
#define FB_ACTIVATE_FORCE	128
#define FB_ACTIVATE_INV_MODE	256
#define FB_ACTIVATE_KD_TEXT	512

#define FB_ACCELF_TEXT		1

#define FB_SYNC_HOR_HIGH_ACT	1
#define FB_SYNC_VERT_HIGH_ACT	2
#define FB_SYNC_EXT		4
#define FB_SYNC_COMP_HIGH_ACT	8
#define FB_SYNC_BROADCAST	16
#define FB_SYNC_ON_GREEN	32

#define FB_VMODE_NONINTERLACED	0
#define FB_VMODE_INTERLACED	1
#define FB_VMODE_DOUBLE		2
#define FB_VMODE_ODD_FLD_FIRST	4
#define FB_VMODE_MASK		255
#define FB_VMODE_YWRAP		256
#define FB_VMODE_SMOOTH_XPAN	512
#define FB_VMODE_CONUPDATE	512

#define FB_ROTATE_UR		0
#define FB_ROTATE_CW		1
#define FB_ROTATE_UD		2
#define FB_ROTATE_CCW		3

#define FB_BLANK_UNBLANK	0
#define FB_BLANK_NORMAL		1
#define FB_BLANK_VSYNC_SUSPEND	2
#define FB_BLANK_HSYNC_SUSPEND	3
#define FB_BLANK_POWERDOWN	4

#define FB_VBLANK_VBLANKING	0x001
#define FB_VBLANK_HBLANKING	0x002
#define FB_VBLANK_HAVE_VBLANK	0x004
#define FB_VBLANK_HAVE_HBLANK	0x008
#define FB_VBLANK_HAVE_COUNT	0x010
#define FB_VBLANK_HAVE_VCOUNT	0x020
#define FB_VBLANK_HAVE_HCOUNT	0x040
#define FB_VBLANK_VSYNCING	0x080
#define FB_VBLANK_HAVE_VSYNC	0x100

struct fb_fix_screeninfo {
	char id[16];			/* identification string */
	unsigned long smem_start;	/* physical start of frame memory */
	uint32_t smem_len;		/* length of frame memory */
	uint32_t type;			/* FB_TYPE_* */
	uint32_t type_aux;
	uint32_t visual;		/* FB_VISUAL_* */
	uint16_t xpanstep;		/* 0: no hardware panning */
	uint16_t ypanstep;
	uint16_t ywrapstep;
	uint32_t line_length;		/* bytes of one line */
	unsigned long mmio_start;
	uint32_t mmio_len;
	uint32_t accel;			/* FB_ACCEL_* */
	uint16_t capabilities;
	uint16_t reserved[2];
};

struct fb_bitfield {
	uint32_t offset;		/* first bit */
	uint32_t length;		/* bits */
	uint32_t msb_right;		/* != 0: most significant bit right */
};

struct fb_var_screeninfo {
	uint32_t xres;			/* visible resolution */
	uint32_t yres;
	uint32_t xres_virtual;		/* virtual resolution */
	uint32_t yres_virtual;
	uint32_t xoffset;		/* visible from virtual */
	uint32_t yoffset;
	uint32_t bits_per_pixel;
	uint32_t grayscale;
	struct fb_bitfield red;
	struct fb_bitfield green;
	struct fb_bitfield blue;
	struct fb_bitfield transp;
	uint32_t nonstd;
	uint32_t activate;		/* FB_ACTIVATE_* */
	uint32_t height;		/* picture height in mm */
	uint32_t width;			/* picture width in mm */
	uint32_t accel_flags;
	uint32_t pixclock;		/* pixel clock in ps */
	uint32_t left_margin;
	uint32_t right_margin;
	uint32_t upper_margin;
	uint32_t lower_margin;
	uint32_t hsync_len;
	uint32_t vsync_len;
	uint32_t sync;			/* FB_SYNC_* */
	uint32_t vmode;			/* FB_VMODE_* */
	uint32_t rotate;		/* FB_ROTATE_* */
	uint32_t colorspace;
	uint32_t reserved[4];
};

struct fb_cmap {
	uint32_t start;			/* first entry */
	uint32_t len;			/* number of entries */
	uint16_t *red;
	uint16_t *green;
	uint16_t *blue;
	uint16_t *transp;		/* may be NULL */
};

struct fb_con2fbmap {
	uint32_t console;
	uint32_t framebuffer;
};

struct fb_vblank {
	uint32_t flags;			/* FB_VBLANK_* */
	uint32_t count;
	uint32_t vcount;
	uint32_t hcount;
	uint32_t reserved[4];
};

struct fbcurpos {
	uint16_t x, y;
};

struct fb_image {
	uint32_t dx, dy, width, height, fg_color, bg_color;
	uint8_t depth;
	const char *data;
	struct fb_cmap cmap;
};

struct fb_cursor {
	uint16_t set;
	uint16_t enable;
	uint16_t rop;
	const char *mask;
	struct fbcurpos hot;
	struct fb_image image;
};

#endif /* _LINUX_FB_H */
